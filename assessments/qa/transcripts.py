"""Pre-scoring a call from its transcript by rules (no model, no network). Pure: text and rules in, findings out.

A transcript has one utterance a line: an optional `[mm:ss]` (or `[hh:mm:ss]`) timestamp, then `坐席:` (the agent)
or `客户:` (the customer), full-width colons too. Lines without a known speaker are kept as context.

Rules look at the agent's lines only:
- a required phrase must occur in the lines of its stage: `opening` = the agent's first `STAGE_LINES` lines,
  `closing` = the last `STAGE_LINES`, `verification` = every line before the closing ones (the identity check
  may come after small talk, but checking it while saying goodbye is too late; a call of no more agent lines
  than the closing stage has all of them), no stage = all;
- a forbidden phrase must not occur in any agent line;
- the longest silence is the longest gap between consecutive timestamps, less the time the earlier line takes
  to say (its characters at `CHARS_PER_SECOND`, rounded down: a timestamp marks where a line starts, not where
  it ends); unknown without two timestamps.

Phrases match fuzzily. Text is compared after NFKC, case folding and removing spaces and punctuation, with
variant characters made one (您 → 你). A phrase of 4 characters or more also matches where the text sounds the
same, character for character (pinyin by pypinyin; with tones for a forbidden phrase): speech recognition and
pinyin keyboards err by sound, so "你有并吧" is "你有病吧". Shorter phrases never match by sound, as Chinese is
full of short homophones (白痴 / 白吃, 骗子 / 片子). Beyond that, a required phrase of 4–7 characters may differ
in one character (a typo, one extra or missing character), a longer one in two. A forbidden phrase allows
nothing more below 8 characters ("你有病历吧", have you the medical record, is not "你有病吧"), and from 8 on only
changed characters, never an added or missing one.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming

STAGE_LINES = 3
# Mandarin in service calls is spoken at about 240 characters a minute.
CHARS_PER_SECOND = 4
# Phrases shorter than this never match by sound: short homophones are too often other words.
SOUND_MATCH_MIN = 4
AGENT, CUSTOMER = "agent", "customer"
SPEAKERS = {"坐席": AGENT, "客服": AGENT, "agent": AGENT, "客户": CUSTOMER, "customer": CUSTOMER}

_LINE = re.compile(
    r"^\s*(?:\[(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,3}):(?P<s>\d{2})\]\s*)?"
    r"(?:(?P<speaker>坐席|客服|客户|agent|customer)\s*[:：]\s*)?(?P<text>.*)$",
    re.IGNORECASE,
)
# Characters people write interchangeably in service phrases: polite and plain forms, traditional forms.
_VARIANTS = str.maketrans(
    {"您": "你", "妳": "你", "祢": "你", "們": "们", "謝": "谢", "請": "请", "問": "问"}
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Utterance:
    line: int  # 1-based line of the transcript
    speaker: str | None  # AGENT, CUSTOMER or None
    text: str
    at_s: int | None  # seconds from the start, when timestamped


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the pre-scoring sees it (a `CriterionRule` without the database)."""

    kind: str  # "required", "forbidden" or "max_silence"
    phrase: str = ""
    stage: str = ""  # "", "opening", "verification", "closing"
    max_silence_s: int | None = None


@dataclass(frozen=True)
class Finding:
    """A rule's suggestion: `passed` True/False, or None when the transcript cannot tell; `lines` show why."""

    passed: bool | None
    lines: tuple[int, ...] = field(default_factory=tuple)
    longest_silence_s: int | None = None


def parse_transcript(text: str) -> list[Utterance]:
    """The transcript's non-blank lines as utterances, in order."""
    utterances = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        at_s = None
        if match["m"] is not None:
            at_s = int(match["h"] or 0) * 3600 + int(match["m"]) * 60 + int(match["s"])
        speaker = SPEAKERS.get((match["speaker"] or "").lower())
        utterances.append(Utterance(line=number, speaker=speaker, text=match["text"].strip(), at_s=at_s))
    return utterances


def normalise(text: str) -> str:
    """Text as phrases are compared: NFKC, case folded, variants made one, without spaces and punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold().translate(_VARIANTS))


def allowed_edits(phrase_length: int) -> int:
    """Characters a phrase of this (normalised) length may differ by and still match."""
    if phrase_length <= 3:
        return 0
    return 1 if phrase_length <= 7 else 2


def phrase_in(phrase: str, text: str, *, forbidden: bool = False) -> bool:
    """Whether `phrase` occurs in `text`, fuzzily as a required phrase, or as a `forbidden` one (see the
    module's note)."""
    needle, haystack = normalise(phrase), normalise(text)
    if not needle or not haystack:
        return False
    if needle in haystack:
        return True
    if len(needle) >= SOUND_MATCH_MIN and _sounds_in(needle, haystack, tones=forbidden):
        return True
    edits = allowed_edits(len(needle))
    if forbidden:
        if len(needle) < 8:
            return False
        width = len(needle)
        return any(
            Hamming.distance(needle, haystack[start : start + width], score_cutoff=edits) <= edits
            for start in range(len(haystack) - width + 1)
        )
    if not edits:
        return False
    cutoff = 100 * (1 - edits / len(needle))
    if len(haystack) < len(needle):
        # partial_ratio would look for the short text inside the phrase; compare the whole text instead.
        return len(needle) - len(haystack) <= edits and fuzz.ratio(needle, haystack, score_cutoff=cutoff) > 0
    return fuzz.partial_ratio(needle, haystack, score_cutoff=cutoff) > 0


def _sounds_in(needle: str, haystack: str, *, tones: bool) -> bool:
    """Whether the needle's characters, read aloud, occur in a row in the haystack's."""
    sounds, heard = _sounds(needle, tones), _sounds(haystack, tones)
    width = len(sounds)
    return any(heard[start : start + width] == sounds for start in range(len(heard) - width + 1))


@lru_cache(maxsize=4096)
def _sounds(text: str, tones: bool) -> tuple[str, ...]:
    """Each character's most common reading, with or without its tone (other characters as they are), one per
    character: read one by one, so a phrase reads the same alone and inside a sentence."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries load on first use, not with every process

    return tuple(lazy_pinyin(list(text), style=Style.TONE3 if tones else Style.NORMAL))


def stage_lines(utterances: Sequence[Utterance], stage: str) -> list[Utterance]:
    agent = [u for u in utterances if u.speaker == AGENT]
    if stage == "opening":
        return agent[:STAGE_LINES]
    if stage == "closing":
        return agent[-STAGE_LINES:]
    if stage == "verification" and len(agent) > STAGE_LINES:
        return agent[:-STAGE_LINES]
    return agent


def evaluate_rule(rule: RuleSpec, utterances: Sequence[Utterance]) -> Finding:
    """What `rule` finds in a parsed transcript."""
    if rule.kind == "required":
        found = tuple(u.line for u in stage_lines(utterances, rule.stage) if phrase_in(rule.phrase, u.text))
        return Finding(passed=bool(found), lines=found)
    if rule.kind == "forbidden":
        found = tuple(
            u.line for u in stage_lines(utterances, "") if phrase_in(rule.phrase, u.text, forbidden=True)
        )
        return Finding(passed=not found, lines=found)
    if rule.kind == "max_silence":
        timed = [u for u in utterances if u.at_s is not None]
        if len(timed) < 2 or rule.max_silence_s is None:
            return Finding(passed=None)
        gaps = [(_silence_after(earlier, later), earlier, later) for earlier, later in pairwise(timed)]
        longest = max(gap for gap, _earlier, _later in gaps)
        over = sorted({u.line for gap, a, b in gaps if gap > rule.max_silence_s for u in (a, b)})
        return Finding(passed=not over, lines=tuple(over), longest_silence_s=longest)
    raise ValueError(f"unknown rule kind {rule.kind!r}")


def _silence_after(earlier: Utterance, later: Utterance) -> int:
    """Seconds from the end of `earlier` (its start plus the time its words take) to the start of `later`."""
    speaking = len(normalise(earlier.text)) // CHARS_PER_SECOND
    return max(later.at_s - earlier.at_s - speaking, 0)


def suggested_level(levels: Sequence[dict], findings: Sequence[Finding]) -> int | None:
    """The level index the findings suggest for a criterion: its best level when every rule that could tell
    passed, its lowest when any failed; None when no rule could tell."""
    told = [f.passed for f in findings if f.passed is not None]
    if not told or not levels:
        return None
    percents = [level.get("percent", 0) for level in levels]
    pick = max if all(told) else min
    return percents.index(pick(percents))

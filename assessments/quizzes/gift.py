"""Parser and exporter for Moodle's GIFT question format.

Pure functions: ``decode_gift`` turns a file's bytes into text (one encoding per file), ``parse_gift``
turns the text of a GIFT file into question data plus a list of errors, ``export_gift`` turns question
data back into GIFT text and ``export_gift_for_moodle`` does so with weights moved to Moodle's grade
list.  Nothing here touches the database or the file system.  The contract with the importer is: when ``GiftResult.errors`` is non-empty, import
nothing (``questions`` still holds the questions that parsed, for previews).

The dialect is the one of Moodle's ``qformat_gift`` importer (question/format/gift/format.php):

* Questions are separated by blank lines; a line whose first non-blank characters are ``//`` is a
  comment.  Lines are trimmed of PHP's whitespace set (space, tab, CR, LF, NUL, VT) only, so a
  full-width space (U+3000) is text, as in Moodle.
* ``$CATEGORY: path`` alone in a block sets the category of the questions that follow.
* ``::title::`` may open a question; a ``[moodle]``, ``[html]``, ``[markdown]`` or ``[plain]`` prefix
  may open the question text (case-sensitive, as in Moodle; any other ``[...]`` is text).
* ``\\~ \\= \\# \\{ \\} \\:`` give the literal character, ``\\n`` a newline and ``\\\\`` one backslash
  (all as in Moodle); a backslash before any other character stays in the text.
* The answer block ``{...}`` is classified the way Moodle does it, in this order: empty -> essay;
  starts with ``#`` -> numerical; contains ``~`` -> choice; contains ``=`` and ``->`` -> matching;
  ``T``/``TRUE``/``F``/``FALSE`` (optionally followed by ``#`` feedback) -> true/false; else short
  answer.  ``####`` starts the general feedback (the last ``####`` in the block).  Text after the
  block makes a missing-word question: the block is replaced by ``_____`` in the question text.

Grades (``fraction``) are percentages of the question's mark.  A weight ``%w%`` is read only at the
start of an answer, right after its ``=`` or ``~`` (whitespace allowed in between); it must be a
number from -100 to 100 with at most 5 decimals (5 decimals of a percent are the 7 decimals of a
fraction that Moodle stores, e.g. 33.33333).  Anything else between the percent signs (``%150%``,
``%abc%``) is an error.  Moodle itself only accepts weights from its fixed grade list; any value in
range is accepted here so that authors may use e.g. 40% or 12.5%; ``export_gift_for_moodle`` writes
the nearest weight of the list and reports which ones it changed.

As in Moodle: a block without an answer block is a description (text only, no mark); comment lines
of a question's block may carry ``[tag:...]`` (any number) and ``[id:...]`` (``\\]`` escapes a
bracket); a numerical block may end with the catch-all answer ``~#feedback`` (feedback for any other
answer, worth 0%); a ``[format]`` prefix on an answer, a feedback or the general feedback is kept when
it differs from the question text's format (Moodle's default for them) and written back; a matching
question needs two pairs with a left side; identical questions in one file are all kept.

Where this module deliberately differs from Moodle's importer (Moodle tends to accept and guess):

* Errors where Moodle guesses: more than one answer block, braces that do not pair up, an unclosed
  ``::title``, empty question text, text before the first ``=``/``~`` of a choice, short-answer or matching
  block (Moodle turns it into an extra answer), and a ``$CATEGORY`` block that goes on with more
  lines (Moodle would make the whole block the category name).
* ``{t}``, ``{true}``, ``{False}`` ... are true/false too (Moodle only knows upper case).
* A weight is also read right after ``=`` in choice questions (Moodle keeps ``%50%`` as answer text
  there); ``=`` still marks the question as single choice.
* Numerical: the value is checked to be a number (Moodle's check has a bug and lets anything
  through); a negative tolerance and a ``min..max`` range with min > max are errors.
* Grade sanity checks that Moodle applies when saving the question are applied at parse time, so a
  file that would be refused or half-imported is reported up front: a single-choice question needs
  an answer worth 100%, a multiple-choice question needs its positive weights to add up to 100%
  (rounded to a whole percent, like Moodle), short-answer and numerical questions need an answer
  worth 100%; and every matching pair needs a right side (a pair with an empty left side is a
  distractor).  Choice questions need at least two answers, as in Moodle.
* A ``[format]`` on the left side of a matching pair is removed but not kept.
* Comment lines inside a question are dropped apart from their tags and id; ``$CATEGORY`` paths are kept as written
  (trimmed, no escape processing).

Single versus multiple choice follows Moodle's importer: a choice question is ``single_choice`` when
at least one answer is marked with ``=``, otherwise ``multiple_choice`` (so ``{~%50%a ~%50%b ~c}``
is multiple choice, ``{=a =b ~c}`` is single choice with two fully correct answers, and Moodle's own
exports ``{~%100%a ~b}`` read back as multiple choice).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "essay",
    "description",
)

TEXT_FORMATS = ("moodle", "html", "markdown", "plain")

BLANK = "_____"

# PHP's trim() character set: Moodle trims with it, so full-width spaces are kept as text.
_WS = " \t\n\r\0\x0b"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CATEGORY_PREFIX = "$CATEGORY:"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,5})?")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)

MAX_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 5000

# Moodle's fixed grade list (question_bank::fraction_options_full) as percentages with 5 decimals: the only
# weights its GIFT importer accepts.
MOODLE_GRADES = tuple(
    Decimal(value)
    for value in (
        "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30", "25",
        "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
    )
)  # fmt: skip
_MOODLE_GRADES_SIGNED = tuple(sorted({*MOODLE_GRADES, *(-grade for grade in MOODLE_GRADES)}))
_META = re.compile(r"\[(tag|id):((?:\\.|[^\]\[\\])+)\]")
_META_UNESCAPE = re.compile(r"\\(.)")

# Escapable character after a backslash -> the literal text it stands for.
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "n": "\n"}
_EXPORT_ESCAPES = str.maketrans(
    {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n"}
)


@dataclass
class GiftOption:
    """An answer of a single_choice, multiple_choice or short_answer question.

    ``fraction`` is the percentage of the question's mark (-100..100) earned by this answer.
    ``text_format`` and ``feedback_format`` are empty when they are the question text's format (Moodle's
    default for answers), else the format named by the ``[format]`` prefix.
    """

    text: str
    fraction: Decimal
    feedback: str = ""
    text_format: str = ""
    feedback_format: str = ""


@dataclass
class GiftNumeric:
    """An accepted answer of a numerical question: ``value`` plus or minus ``tolerance``.

    A ``min..max`` answer is stored as its midpoint with a tolerance of half the range.
    """

    value: Decimal
    tolerance: Decimal
    fraction: Decimal = _HUNDRED
    feedback: str = ""
    feedback_format: str = ""


@dataclass
class GiftQuestion:
    """One question of a GIFT file.

    ``line`` is the 1-based number of the question's first non-comment line.  ``category`` is the
    ``$CATEGORY`` path in force, or None.  ``text`` has escapes resolved; a missing-word question has
    ``_____`` where its answer block was.  Only the fields of the question's ``qtype`` are filled:
    ``options`` for choice and short-answer questions, ``numeric`` for numerical, ``pairs`` for
    matching, ``correct`` for true/false.

    True/false feedback follows Moodle: ``true_feedback`` is shown to a student who answers True,
    ``false_feedback`` to one who answers False.  In the file, the first ``#`` after ``T``/``F`` is
    the feedback for the *wrong* answer and the second ``#`` the one for the right answer, so
    ``{T#no#yes}`` gives false_feedback "no" and true_feedback "yes", while ``{F#no#yes}`` gives
    true_feedback "no" and false_feedback "yes".

    A numerical question with Moodle's catch-all answer ``~#feedback`` has ``has_other`` set and the
    feedback for any other answer (worth 0%) in ``other_feedback``.  ``tags`` and ``id_number`` come from
    ``[tag:...]`` and ``[id:...]`` in the comment lines of the question's block.  The ``*_format`` fields
    are empty when they equal ``text_format``.  A description (``qtype == "description"``) has only text.
    """

    line: int
    category: str | None
    title: str
    text: str
    text_format: str
    qtype: str
    options: list[GiftOption] = field(default_factory=list)
    numeric: list[GiftNumeric] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    correct: bool | None = None
    true_feedback: str = ""
    false_feedback: str = ""
    general_feedback: str = ""
    true_feedback_format: str = ""
    false_feedback_format: str = ""
    general_feedback_format: str = ""
    other_feedback: str = ""
    other_feedback_format: str = ""
    has_other: bool = False
    tags: list[str] = field(default_factory=list)
    id_number: str = ""


@dataclass
class GiftError:
    """A malformed question or category block: ``line`` is where the block's content starts."""

    line: int
    message: str


@dataclass
class GiftResult:
    """What ``parse_gift`` found: the good questions, the categories and one error per bad block."""

    questions: list[GiftQuestion] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)

    def by_type(self) -> dict[str, int]:
        """Number of questions per qtype, for the types present, in ``QUESTION_TYPES`` order."""
        counts = Counter(question.qtype for question in self.questions)
        return {qtype: counts[qtype] for qtype in QUESTION_TYPES if counts[qtype]}


class _Malformed(Exception):
    """Raised inside the parser with a translated message; turned into a GiftError per block."""


@dataclass
class _Block:
    line: int
    text: str
    comments: str = ""


class _Escapes:
    """A question's text with escaped characters replaced by placeholders.

    Structural characters (``{ } = ~ # :``) can then be searched for with plain string operations;
    ``restore`` puts the literal characters back into a piece of text.  The placeholders are
    private-use characters that do not occur in the text, so no input can be mistaken for one.
    """

    def __init__(self, raw: str) -> None:
        present = set(raw)
        free = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in present)
        placeholders = {key: next(free) for key in _ESCAPES}
        self.text = self._protect(raw, placeholders)
        self._table = str.maketrans({placeholders[key]: value for key, value in _ESCAPES.items()})

    @staticmethod
    def _protect(raw: str, placeholders: dict[str, str]) -> str:
        out: list[str] = []
        index = 0
        while index < len(raw):
            char = raw[index]
            following = raw[index + 1] if index + 1 < len(raw) else ""
            if char == "\\" and following == "\\":
                out.append("\\")
                index += 2
            elif char == "\\" and following in placeholders:
                out.append(placeholders[following])
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)

    def restore(self, text: str) -> str:
        return text.translate(self._table)


# --------------------------------------------------------------------------- reading bytes


class GiftEncodingError(ValueError):
    """The file's bytes are not one text encoding; ``line`` is where the trouble starts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_UTF8_BOM = b"\xef\xbb\xbf"


def decode_gift(data: bytes) -> str:
    """The text of a GIFT file in one encoding: UTF-8 (a BOM is dropped) or else GB18030.

    GB18030 decodes almost any bytes, so a file that is UTF-8 in some lines and GB18030 in others would
    silently turn its UTF-8 lines into mojibake; such a file is refused at its first line in the other
    encoding.  A line counts as UTF-8 when it has non-ASCII characters and decodes as UTF-8.
    """
    if data.startswith(_UTF8_BOM):
        body = data[len(_UTF8_BOM) :]
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _encoding_error(
                body[: exc.start], _("This line is not UTF-8, unlike the rest of the file.")
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    first_utf8 = next((n for n, line in enumerate(lines, start=1) if _is_utf8_text(line)), None)
    if first_utf8 is not None:
        first_gb = next(n for n, line in enumerate(lines, start=1) if not _decodes(line, "utf-8"))
        raise GiftEncodingError(
            max(first_utf8, first_gb),
            _(
                "The file mixes encodings: line %(utf8)s is UTF-8 and line %(gb)s is not; save it in one encoding (UTF-8)."
            )
            % {"utf8": first_utf8, "gb": first_gb},
        )
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _encoding_error(
            data[: exc.start], _("This line is neither UTF-8 nor GB18030; save the file as UTF-8.")
        ) from None


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_text(line: bytes) -> bool:
    return not line.isascii() and _decodes(line, "utf-8")


def _encoding_error(prefix: bytes, message: str) -> GiftEncodingError:
    line = prefix.count(b"\n") + prefix.count(b"\r") - prefix.count(b"\r\n") + 1
    return GiftEncodingError(line, message)


# --------------------------------------------------------------------------- parsing


def parse_gift(text: str) -> GiftResult:
    """Parse the text of a GIFT file.

    Every malformed block is reported as a ``GiftError`` (one per block, at the line where its
    content starts) and skipped; parsing goes on with the next block.  Accepts LF, CRLF and CR line
    endings and a leading UTF-8 BOM.
    """
    result = GiftResult()
    category: str | None = None
    for block in _blocks(text):
        try:
            if block.text.startswith(_CATEGORY_PREFIX):
                category = _parse_category(block)
                if category not in result.categories:
                    result.categories.append(category)
            else:
                result.questions.append(_parse_question(block, category))
        except _Malformed as exc:
            result.errors.append(GiftError(block.line, str(exc)))
    return result


def _blocks(text: str) -> Iterable[_Block]:
    """Yield the blank-line separated blocks, comment lines removed, lines trimmed."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines: list[str] = []
    comments: list[str] = []
    first_line = 0
    for number, raw_line in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw_line.strip(_WS)
        if not line:
            if lines:
                yield _Block(first_line, "\n".join(lines), "\n".join(comments))
            lines, comments = [], []
        elif line.startswith("//"):
            comments.append(line[2:])
        else:
            if not lines:
                first_line = number
            lines.append(line)
    if lines:
        yield _Block(first_line, "\n".join(lines), "\n".join(comments))


def _parse_category(block: _Block) -> str:
    path = block.text[len(_CATEGORY_PREFIX) :].strip(_WS)
    if "\n" in path:
        raise _Malformed(_("A $CATEGORY line must be followed by a blank line."))
    if not path:
        raise _Malformed(_("The $CATEGORY path is empty."))
    return path


def _parse_question(block: _Block, category: str | None) -> GiftQuestion:
    escapes = _Escapes(block.text)
    title, body = _take_title(escapes.text, escapes)
    question_text, answers = _split_answer_block(body)
    text_format, question_text = _take_format(question_text.strip(_WS))
    question = GiftQuestion(
        line=block.line,
        category=category,
        title=title,
        text=escapes.restore(question_text).strip(_WS),
        text_format=text_format or "moodle",
        qtype="",
    )
    question.tags, question.id_number = _read_meta(block.comments)
    if not question.text:
        raise _Malformed(_("The question has no text."))
    if answers is None:
        question.qtype = "description"
        return question
    answers, general_feedback = _split_general_feedback(answers)
    question.general_feedback, question.general_feedback_format = _clean_with_format(
        general_feedback, escapes, question.text_format
    )
    _fill_answers(question, answers, escapes)
    return question


def _read_meta(comments: str) -> tuple[list[str], str]:
    """Moodle's ``[tag:...]`` (any number) and ``[id:...]`` in a question's comment lines; ``\\]`` escapes."""
    tags: list[str] = []
    id_number = ""
    for kind, raw in _META.findall(comments):
        value = _META_UNESCAPE.sub(r"\1", raw).strip(_WS)
        if not value:
            continue
        if kind == "id":
            id_number = id_number or value
        elif value not in tags:
            tags.append(value)
    return tags, id_number


def _take_title(body: str, escapes: _Escapes) -> tuple[str, str]:
    if not body.startswith("::"):
        return "", body
    end = body.find("::", 2)
    if end < 0:
        raise _Malformed(_("The question title is not closed with ::."))
    return escapes.restore(body[2:end]).strip(_WS), body[end + 2 :].strip(_WS)


def _split_answer_block(body: str) -> tuple[str, str | None]:
    """Return (question text with the block removed or blanked, text inside the braces or None)."""
    opens = body.count("{")
    closes = body.count("}")
    if opens == 0 and closes == 0:
        return body, None
    if opens > 1 and opens == closes:
        raise _Malformed(_("A question can have only one answer block { }."))
    start, end = body.find("{"), body.find("}")
    if opens != 1 or closes != 1 or end < start:
        raise _Malformed(
            _("Unbalanced braces: the answer block needs one { and one }, with no blank line inside.")
        )
    inside = body[start + 1 : end].strip(_WS)
    # Moodle: a block at the very end is removed, one followed by more text becomes a blank.
    filler = "" if end == len(body) - 1 else BLANK
    return body[:start] + filler + body[end + 1 :], inside


def _split_general_feedback(answers: str) -> tuple[str, str]:
    separator = answers.rfind("####")
    if separator < 0:
        return answers, ""
    return answers[:separator].strip(_WS), answers[separator + 4 :]


def _take_format(text: str) -> tuple[str | None, str]:
    """Split a leading ``[format]`` off, as Moodle's parse_text_with_format does."""
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in TEXT_FORMATS:
            return text[1:end], text[end + 1 :]
    return None, text


def _clean(part: str, escapes: _Escapes) -> str:
    """Answer, feedback or left-side text: trim, drop a [format] prefix, resolve escapes, trim."""
    return escapes.restore(_take_format(part.strip(_WS))[1]).strip(_WS)


def _clean_with_format(part: str, escapes: _Escapes, default: str) -> tuple[str, str]:
    """Like ``_clean``, also returning the ``[format]`` named (empty when none or equal to ``default``)."""
    text_format, text = _take_format(part.strip(_WS))
    text = escapes.restore(text).strip(_WS)
    return text, "" if not text or text_format in (None, default) else text_format


def _fill_answers(question: GiftQuestion, answers: str, escapes: _Escapes) -> None:
    """Classify the answer block in Moodle's order and fill the matching fields."""
    if not answers:
        question.qtype = "essay"
    elif answers.startswith("#"):
        _fill_numerical(question, answers[1:], escapes)
    elif "~" in answers:
        _fill_choice(question, answers, escapes)
    elif "=" in answers and "->" in answers:
        _fill_matching(question, answers, escapes)
    elif answers.partition("#")[0].strip(_WS).upper() in _TRUE_FALSE:
        _fill_true_false(question, answers, escapes)
    else:
        _fill_short_answer(question, answers, escapes)


def _split_markers(answers: str, markers: str) -> list[tuple[str, str]]:
    """Split an answer block into (marker, body) pairs; text before the first marker is an error."""
    parts = re.split(f"([{re.escape(markers)}])", answers)
    if parts[0].strip(_WS):
        raise _Malformed(_("Each answer must start with = or ~."))
    return list(zip(parts[1::2], parts[2::2], strict=True))


def _take_weight(body: str, escapes: _Escapes) -> tuple[Decimal | None, str]:
    """Read a ``%weight%`` at the start of an answer body; return (weight or None, rest)."""
    stripped = body.lstrip(_WS)
    # The closing % is looked for before any feedback so that a % in feedback is never a weight.
    end = stripped.partition("#")[0].find("%", 1)
    if not stripped.startswith("%") or end < 0:
        return None, body
    raw = stripped[1:end].strip(_WS)
    if not _WEIGHT.fullmatch(raw) or abs(Decimal(raw)) > _HUNDRED:
        raise _Malformed(
            _("Invalid weight %%%(weight)s%%: use a number from -100 to 100 with at most 5 decimals.")
            % {"weight": escapes.restore(raw)}
        )
    return Decimal(raw), stripped[end + 1 :]


def _read_option(body: str, default: Decimal, escapes: _Escapes, question_format: str) -> GiftOption:
    weight, body = _take_weight(body, escapes)
    text, _sep, feedback = body.partition("#")
    option_text, text_format = _clean_with_format(text, escapes, question_format)
    option_feedback, feedback_format = _clean_with_format(feedback, escapes, question_format)
    option = GiftOption(
        text=option_text,
        fraction=default if weight is None else weight,
        feedback=option_feedback,
        text_format=text_format,
        feedback_format=feedback_format,
    )
    if not option.text:
        raise _Malformed(_("An answer has no text."))
    return option


def _fill_choice(question: GiftQuestion, answers: str, escapes: _Escapes) -> None:
    pieces = _split_markers(answers, "=~")
    question.options = [
        _read_option(body, _HUNDRED if marker == "=" else _ZERO, escapes, question.text_format)
        for marker, body in pieces
    ]
    if len(question.options) < 2:
        raise _Malformed(_("A choice question needs at least two answers."))
    fractions = [option.fraction for option in question.options]
    if any(marker == "=" for marker, _body in pieces):
        question.qtype = "single_choice"
        _check_full_marks(fractions)
    else:
        question.qtype = "multiple_choice"
        _check_positive_total(fractions)


def _check_full_marks(fractions: list[Decimal]) -> None:
    best = max(fractions, default=_ZERO)
    if best <= 0:
        raise _Malformed(_("No answer is marked correct."))
    if best != _HUNDRED:
        raise _Malformed(_("One answer must be worth 100%."))


def _check_positive_total(fractions: list[Decimal]) -> None:
    total = sum((fraction for fraction in fractions if fraction > 0), _ZERO)
    if total == 0:
        raise _Malformed(_("No answer is marked correct."))
    # Moodle rounds the total fraction to 2 decimals, i.e. the percentage to a whole number.
    if total.quantize(Decimal(1), rounding=ROUND_HALF_UP) != _HUNDRED:
        raise _Malformed(
            _("The positive weights must add up to 100%%, not %(total)s%%.")
            % {"total": _format_decimal(total)}
        )


def _fill_short_answer(question: GiftQuestion, answers: str, escapes: _Escapes) -> None:
    question.qtype = "short_answer"
    question.options = [
        _read_option(body, _HUNDRED, escapes, question.text_format)
        for _marker, body in _split_markers(answers, "=")
    ]
    if not question.options:
        raise _Malformed(_("The question has no answers."))
    _check_full_marks([option.fraction for option in question.options])


def _fill_true_false(question: GiftQuestion, answers: str, escapes: _Escapes) -> None:
    question.qtype = "true_false"
    keyword, *feedback = answers.split("#", 2)
    (wrong, wrong_format), (right, right_format) = (
        _clean_with_format(part, escapes, question.text_format) for part in [*feedback, "", ""][:2]
    )
    question.correct = _TRUE_FALSE[keyword.strip(_WS).upper()]
    if question.correct:
        question.true_feedback, question.false_feedback = right, wrong
        question.true_feedback_format, question.false_feedback_format = right_format, wrong_format
    else:
        question.true_feedback, question.false_feedback = wrong, right
        question.true_feedback_format, question.false_feedback_format = wrong_format, right_format


def _fill_matching(question: GiftQuestion, answers: str, escapes: _Escapes) -> None:
    question.qtype = "matching"
    for _marker, body in _split_markers(answers, "="):
        left, arrow, right = body.partition("->")
        if not arrow:
            raise _Malformed(_("Each matching pair needs -> between its two sides."))
        # Moodle reads a [format] on the left side (a sub-question) but not on the right side.
        pair = (_clean(left, escapes), escapes.restore(right).strip(_WS))
        if not pair[1]:
            raise _Malformed(_("Each matching pair needs a right side."))
        question.pairs.append(pair)
    # Moodle's importer needs two pairs (its question form would ask for three; imports do not).
    if sum(1 for left, _right in question.pairs if left) < 2:
        raise _Malformed(_("A matching question needs at least 2 pairs with a left side."))


def _fill_numerical(question: GiftQuestion, answers: str, escapes: _Escapes) -> None:
    question.qtype = "numerical"
    answers, tilde, other = answers.partition("~")
    if tilde:
        # Moodle's catch-all "any other answer": only the feedback after its # is read.
        _ignored, _sep, feedback = other.partition("#")
        question.has_other = True
        question.other_feedback, question.other_feedback_format = _clean_with_format(
            feedback, escapes, question.text_format
        )
    first, *rest = answers.split("=")
    bodies = ([first] if first.strip(_WS) else []) + rest
    if not bodies:
        raise _Malformed(_("The question has no answers."))
    for body in bodies:
        weight, body = _take_weight(body, escapes)
        value_text, _sep, feedback = body.partition("#")
        value, tolerance = _read_number_answer(_clean(value_text, escapes))
        feedback, feedback_format = _clean_with_format(feedback, escapes, question.text_format)
        question.numeric.append(
            GiftNumeric(
                value=value,
                tolerance=tolerance,
                fraction=_HUNDRED if weight is None else weight,
                feedback=feedback,
                feedback_format=feedback_format,
            )
        )
    _check_full_marks([answer.fraction for answer in question.numeric])


def _read_number_answer(text: str) -> tuple[Decimal, Decimal]:
    """``value``, ``value:tolerance`` or ``min..max`` -> (value, tolerance)."""
    if not text:
        raise _Malformed(_("An answer has no text."))
    dots = text.find("..")
    if dots > 0:
        low, high = _number(text[:dots]), _number(text[dots + 2 :])
        if low > high:
            raise _Malformed(_("The range %(range)s starts above its end.") % {"range": text})
        middle = (low + high) / 2
        return middle, high - middle
    colon = text.find(":")
    if colon > 0:
        value, tolerance = _number(text[:colon]), _number(text[colon + 1 :])
        if tolerance < 0:
            raise _Malformed(_("The tolerance must not be negative."))
        return value, tolerance
    return _number(text), _ZERO


def _number(text: str) -> Decimal:
    text = text.strip(_WS)
    if not _NUMBER.fullmatch(text):
        raise _Malformed(_('"%(value)s" is not a number.') % {"value": text})
    return Decimal(text)


# --------------------------------------------------------------------------- export


def export_gift(questions: Iterable[GiftQuestion]) -> str:
    """Write questions as GIFT text that ``parse_gift`` reads back equal (line numbers aside).

    A ``$CATEGORY`` block is written whenever the category changes.  Texts are escaped; newlines
    become ``\\n``; leading/trailing whitespace of texts is not preserved (the parser trims it).
    Raises ValueError for a question that cannot be written so that it reads back equal: an
    unknown qtype or text format, a question without category after one with a category, a category
    containing a line break, a single-choice question without a 100% answer, a true/false question
    without ``correct``, a short-answer text or feedback or a matching left side containing ``->``
    (GIFT cannot escape it).  Other invalid content (empty texts, too few answers...) is written
    as is, and ``parse_gift`` reports it.
    """
    chunks: list[str] = []
    current: str | None = None
    for question in questions:
        if question.category != current:
            chunks.append(_write_category(question.category))
            current = question.category
        chunks.append(_write_question(question))
    return "\n".join(chunks)


@dataclass
class RoundedWeight:
    """A weight that Moodle would refuse, and the nearest one of its grade list written instead."""

    question: str
    weight: Decimal
    written: Decimal


def moodle_grade(weight: Decimal) -> Decimal:
    """The nearest weight of Moodle's grade list (the higher one on a tie)."""
    return min(_MOODLE_GRADES_SIGNED, key=lambda grade: (abs(grade - weight), -grade))


def export_gift_for_moodle(questions: Iterable[GiftQuestion]) -> tuple[str, list[RoundedWeight]]:
    """Like ``export_gift``, with every weight moved to Moodle's grade list; returns what was rounded.

    Moodle's importer refuses any other weight (e.g. 40.5%), so a bank meant for Moodle must be written
    with the nearest one; the list says which question and answer weights changed.
    """
    rounded: list[RoundedWeight] = []
    written: list[GiftQuestion] = []
    for question in questions:
        name = question.title or question.text[:40]
        options = []
        for option in question.options:
            grade = moodle_grade(option.fraction)
            if grade != option.fraction:
                rounded.append(RoundedWeight(name, option.fraction, grade))
            options.append(replace(option, fraction=grade))
        numeric = []
        for answer in question.numeric:
            grade = moodle_grade(answer.fraction)
            if grade != answer.fraction:
                rounded.append(RoundedWeight(name, answer.fraction, grade))
            numeric.append(replace(answer, fraction=grade))
        written.append(replace(question, options=options, numeric=numeric))
    return export_gift(written), rounded


def _write_category(category: str | None) -> str:
    if category is None:
        raise ValueError(_("A question without category cannot follow one with a category."))
    if _LINE_BREAK.search(category):
        raise ValueError(_("A category path cannot contain a line break."))
    return f"{_CATEGORY_PREFIX} {category}\n"


def _write_question(question: GiftQuestion) -> str:
    if question.qtype not in _WRITERS:
        raise ValueError(_("Unknown question type: %(qtype)s.") % {"qtype": question.qtype})
    if question.text_format not in TEXT_FORMATS:
        raise ValueError(_("Unknown text format: %(format)s.") % {"format": question.text_format})
    title = f"::{_escape(question.title)}:: " if question.title else ""
    text = _write_text(question.text, question.text_format, explicit=question.text_format != "moodle")
    return _write_meta(question) + title + text + _WRITERS[question.qtype](question) + "\n"


def _write_meta(question: GiftQuestion) -> str:
    """Moodle's comment line with ``[id:...]`` and ``[tag:...]``, or nothing."""
    items = ([("id", question.id_number)] if question.id_number else []) + [
        ("tag", tag) for tag in question.tags
    ]
    if not items:
        return ""
    return "// " + " ".join(f"[{kind}:{_escape_meta(value)}]" for kind, value in items) + "\n"


def _escape_meta(value: str) -> str:
    value = " ".join(_LINE_BREAK.split(value))
    return value.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _escape(text: str) -> str:
    return _LINE_BREAK.sub("\n", text).translate(_EXPORT_ESCAPES)


def _write_text(text: str, text_format: str, explicit: bool = False) -> str:
    """Escape a text, adding a ``[format]`` prefix when needed or when the text could be misread.

    A text starting with ``[`` would lose a leading ``[html]``-like word to the format reader, and
    one starting with ``//`` at the start of a line would be a comment; a prefix protects both.
    """
    if explicit or text.startswith(("[", "//")):
        return f"[{text_format}]{_escape(text)}"
    return _escape(text)


def _format_decimal(number: Decimal) -> str:
    return format(number.normalize(), "f")


def format_weight(weight: Decimal) -> str:
    """A weight as written in GIFT (no trailing zeros)."""
    return _format_decimal(weight)


def _write_part(text: str, part_format: str, question_format: str) -> str:
    """An answer or feedback: a ``[format]`` prefix when its format differs from the question text's."""
    return _write_text(text, part_format or question_format, explicit=bool(part_format))


def _write_answer(marker: str, default: Decimal, option: GiftOption, fmt: str) -> str:
    # An explicit weight also keeps a text that starts with % from being read as a weight.
    explicit_weight = option.fraction != default or option.text.startswith("%")
    weight = f"%{_format_decimal(option.fraction)}%" if explicit_weight else ""
    out = marker + weight + _write_part(option.text, option.text_format, fmt)
    if option.feedback:
        out += "#" + _write_part(option.feedback, option.feedback_format, fmt)
    return out


def _write_general_feedback(question: GiftQuestion) -> str:
    if not question.general_feedback:
        return ""
    return "####" + _write_part(
        question.general_feedback, question.general_feedback_format, question.text_format
    )


def _write_block(question: GiftQuestion, lines: list[str], opener: str = "{") -> str:
    general = _write_general_feedback(question)
    body = "".join(f"\t{line}\n" for line in [*lines, general] if line)
    return opener + "\n" + body + "}"


def _write_choice(question: GiftQuestion) -> str:
    fmt = question.text_format
    first_full = None
    if question.qtype == "single_choice":
        first_full = next((i for i, opt in enumerate(question.options) if opt.fraction == _HUNDRED), None)
        if first_full is None:
            raise ValueError(_("A single-choice question needs an answer worth 100%."))
    # Only one answer gets "=": every other one is written with "~", which keeps the block a choice
    # block (a block of "=" answers only would read back as short answer).
    lines = [
        _write_answer("=", _HUNDRED, opt, fmt) if index == first_full else _write_answer("~", _ZERO, opt, fmt)
        for index, opt in enumerate(question.options)
    ]
    return _write_block(question, lines)


def _write_short_answer(question: GiftQuestion) -> str:
    for option in question.options:
        if "->" in option.text or "->" in option.feedback:
            raise ValueError(_("Short-answer answers and feedback cannot contain ->."))
    lines = [_write_answer("=", _HUNDRED, opt, question.text_format) for opt in question.options]
    return _write_block(question, lines)


def _write_numerical(question: GiftQuestion) -> str:
    lines = []
    for answer in question.numeric:
        weight = "" if answer.fraction == _HUNDRED else f"%{_format_decimal(answer.fraction)}%"
        line = f"={weight}{format(answer.value, 'f')}:{format(answer.tolerance, 'f')}"
        if answer.feedback:
            line += "#" + _write_part(answer.feedback, answer.feedback_format, question.text_format)
        lines.append(line)
    if question.has_other:
        lines.append(
            "~#" + _write_part(question.other_feedback, question.other_feedback_format, question.text_format)
        )
    return _write_block(question, lines, opener="{#")


def _write_matching(question: GiftQuestion) -> str:
    lines = []
    for left, right in question.pairs:
        if "->" in left:
            raise ValueError(_("The left side of a matching pair cannot contain ->."))
        lines.append(f"={_write_text(left, question.text_format)} -> {_escape(right)}")
    return _write_block(question, lines)


def _write_true_false(question: GiftQuestion) -> str:
    if question.correct is None:
        raise ValueError(_("A true/false question needs its correct answer."))
    fmt = question.text_format
    true_part = (question.true_feedback, question.true_feedback_format)
    false_part = (question.false_feedback, question.false_feedback_format)
    if question.correct:
        keyword, wrong, right = "TRUE", false_part, true_part
    else:
        keyword, wrong, right = "FALSE", true_part, false_part
    out = "{" + keyword
    if wrong[0] or right[0]:
        out += "#" + _write_part(wrong[0], wrong[1], fmt)
    if right[0]:
        out += "#" + _write_part(right[0], right[1], fmt)
    return out + _write_general_feedback(question) + "}"


def _write_essay(question: GiftQuestion) -> str:
    return "{" + _write_general_feedback(question) + "}"


def _write_description(question: GiftQuestion) -> str:
    return ""


_WRITERS = {
    "single_choice": _write_choice,
    "multiple_choice": _write_choice,
    "true_false": _write_true_false,
    "short_answer": _write_short_answer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "essay": _write_essay,
    "description": _write_description,
}

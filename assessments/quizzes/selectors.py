"""Reads for quiz pages: access checks (404 for another person's attempt) and what a learner may be shown.

`item_for_learner` is the only shape an open attempt's question takes on its way to the browser: question
text and option texts in the attempt's shuffled order, positions instead of indices, and no fraction,
feedback or correct answer. `item_for_review` adds those, and is used only once review is allowed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext

from assessments.models import Attempt, AttemptAppeal, AttemptEvent, AttemptItem, AttemptStatus, Quiz
from assessments.quizzes import rules as quiz_rules
from portal.cache import cached
from portal.page_cache import PAGES_SCOPE


def attempt_get_for_user(user, attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's → 404 (ids cannot be probed)."""
    attempt = Attempt.objects.select_related("quiz").filter(pk=attempt_id, staff_id=user.pk).first()
    if attempt is None:
        raise Http404
    return attempt


def quiz_get_for_learner(quiz_id: int) -> Quiz:
    quiz = Quiz.objects.filter(pk=quiz_id, is_active=True).first()
    if quiz is None:
        raise Http404
    return quiz


def quizzes_for_lesson(page_id: int) -> list[Quiz]:
    return list(Quiz.objects.filter(Q(lesson_id=page_id) | Q(module_id=page_id), is_active=True))


# Every cached list of a page's quizzes; replaced whenever a quiz is saved or deleted (receivers).
QUIZZES_SCOPE = "quizzes"


def quizzes_for_lesson_page(page_id: int) -> list[Quiz]:
    """`quizzes_for_lesson` for showing a page: kept in a shared cache (Redis) until a quiz is saved or deleted
    or a page changes (a deleted page leaves its quizzes without it, past the quizzes' own signals); read from
    the database on every call with a per-process cache."""
    return cached(
        f"quizzes:page:{page_id}",
        [QUIZZES_SCOPE, PAGES_SCOPE],
        lambda: quizzes_for_lesson(page_id),
        shared_only=True,
    )


def attempts_of(*, quiz: Quiz, staff) -> list[Attempt]:
    return list(Attempt.objects.filter(quiz=quiz, staff=staff).select_related("quiz").order_by("number"))


def best_percent_by_quiz(*, staff, quiz_ids) -> dict[int, dict]:
    """Per quiz: the learner's best graded percent and whether any attempt passed (one query)."""
    rows = (
        Attempt.objects.filter(staff=staff, quiz_id__in=list(quiz_ids), status=AttemptStatus.GRADED)
        .values("quiz_id")
        .annotate(best=Max("percent"))
    )
    passed = set(
        Attempt.objects.filter(staff=staff, quiz_id__in=list(quiz_ids), passed=True).values_list(
            "quiz_id", flat=True
        )
    )
    return {r["quiz_id"]: {"best": r["best"], "passed": r["quiz_id"] in passed} for r in rows}


def active_quizzes_with_results(*, staff) -> list[dict]:
    quizzes = list(Quiz.objects.filter(is_active=True).order_by("title"))
    best = best_percent_by_quiz(staff=staff, quiz_ids=[q.pk for q in quizzes])
    return [{"quiz": q, "result": best.get(q.pk)} for q in quizzes]


def has_passed(*, staff_id: int, quiz_ids) -> bool:
    return Attempt.objects.filter(staff_id=staff_id, quiz_id__in=list(quiz_ids), passed=True).exists()


def _plain(text: str, text_format: str) -> str:
    # Question text is shown as text: HTML-format questions lose their tags rather than run them.
    return strip_tags(text) if text_format == "html" else text


def item_for_learner(item: AttemptItem) -> dict:
    """What the browser may see of an open item, with the current answer in display positions."""
    snapshot = item.snapshot
    qtype, data = snapshot["qtype"], snapshot["data"]
    response = item.response or {}
    view = {
        "slot": item.slot,
        "qtype": qtype,
        "text": _plain(snapshot["text"], snapshot["text_format"]),
        "version": item.version,
        "choices": [],
        "lefts": [],
        "rights": [],
        "text_answer": response.get("text", ""),
        "tf": response.get("value"),
    }
    if qtype in ("single_choice", "multiple_choice"):
        options = data.get("options", [])
        chosen = {response.get("choice")} if qtype == "single_choice" else set(response.get("choices", []))
        view["choices"] = [
            {"position": pos, "text": options[index]["text"], "checked": index in chosen}
            for pos, index in enumerate(item.order)
        ]
    elif qtype == "matching":
        pairs = data.get("pairs", [])
        matches = response.get("matches", {})
        # Right-hand texts once each, in shuffled order; the first position of a repeated text stands for it.
        seen: dict[str, int] = {}
        for pos, index in enumerate(item.order):
            right = pairs[index][1]
            if right not in seen:
                seen[right] = pos
                view["rights"].append({"position": pos, "text": right})
        for i, (left, _right) in enumerate(pairs):
            if left:
                chosen = matches.get(str(i))
                chosen_text = pairs[chosen][1] if isinstance(chosen, int) and chosen < len(pairs) else None
                view["lefts"].append(
                    {"index": i, "text": left, "selected": seen.get(chosen_text) if chosen_text else None}
                )
    return view


def item_for_review(item: AttemptItem) -> dict:
    """An item with the learner's own answer beside the correct one, its grade and the feedback (review allowed
    only), every generated word in the learner's language."""
    snapshot = item.snapshot
    qtype, data = snapshot["qtype"], snapshot["data"]
    view = item_for_learner(item)
    view["fraction"] = item.fraction
    view["percent"] = quiz_rules.round2(item.fraction * 100) if item.fraction is not None else None
    view["pending"] = qtype == "essay" and item.fraction is None
    view["feedback"] = [f for f in quiz_rules.feedback_for(qtype, data, item.response) if f]
    view["general_feedback"] = snapshot.get("general_feedback", "")
    view["grader_comment"] = item.grader_comment
    view["given"] = _given_answer(qtype, data, item.response or {})
    view["correct"] = _correct_answer(qtype, data)
    return view


def _yes_no(value: bool) -> str:
    return gettext("True") if value else gettext("False")


def _number_text(value) -> str:
    """A number as people write it: no exponent, no trailing zeros ("90", "2.5")."""
    number = Decimal(str(value)).normalize()
    return format(number, "f") if number != 0 else "0"


def _distinct(texts) -> list[str]:
    """Texts that differ for the learner: "90" and its full-width twin "９０" are one answer, shown once."""
    seen, out = set(), []
    for text in texts:
        key = quiz_rules.normalise_text(text)
        if key not in seen:
            seen.add(key)
            out.append(text)
    return out


def _correct_answer(qtype: str, data: dict) -> list[str]:
    if qtype in ("single_choice", "multiple_choice", "short_answer"):
        return _distinct(o["text"] for o in data.get("options", []) if Decimal(str(o["fraction"])) > 0)
    if qtype == "true_false":
        return [_yes_no(bool(data.get("correct")))]
    if qtype == "numerical":
        texts = []
        for answer in data.get("numeric", []):
            if Decimal(str(answer["fraction"])) <= 0:
                continue
            value, tolerance = Decimal(str(answer["value"])), Decimal(str(answer["tolerance"]))
            if tolerance:
                texts.append(
                    gettext("%(low)s to %(high)s")
                    % {"low": _number_text(value - tolerance), "high": _number_text(value + tolerance)}
                )
            else:
                texts.append(_number_text(value))
        return _distinct(texts)
    if qtype == "matching":
        return [f"{left} → {right}" for left, right in data.get("pairs", []) if left]
    return []


def _given_answer(qtype: str, data: dict, response: dict) -> list[str]:
    """The learner's own answer as they gave it (empty: no answer)."""
    options = data.get("options", [])
    if qtype == "single_choice":
        index = response.get("choice")
        return [options[index]["text"]] if isinstance(index, int) and 0 <= index < len(options) else []
    if qtype == "multiple_choice":
        return [
            options[i]["text"]
            for i in response.get("choices", [])
            if isinstance(i, int) and 0 <= i < len(options)
        ]
    if qtype == "true_false":
        value = response.get("value")
        return [_yes_no(value)] if isinstance(value, bool) else []
    if qtype == "matching":
        pairs = data.get("pairs", [])
        matches = response.get("matches") or {}
        given = []
        for i, (left, _right) in enumerate(pairs):
            chosen = matches.get(str(i))
            if left and isinstance(chosen, int) and 0 <= chosen < len(pairs):
                given.append(f"{left} → {pairs[chosen][1]}")
        return given
    text = str(response.get("text", "")).strip()
    return [text] if text else []


def review_allowed_for(attempt: Attempt, now=None) -> bool:
    return quiz_rules.review_allowed(
        attempt.quiz.review_policy,
        submitted=not attempt.is_open,
        now=now or timezone.now(),
        closes_at=attempt.quiz.closes_at,
    )


def attempt_events(attempt: Attempt) -> list[AttemptEvent]:
    """The attempt's integrity log in the order it happened (what learner and trainers both see)."""
    return list(attempt.events.select_related("actor").order_by("at", "pk"))


def attempt_appeal(attempt: Attempt) -> AttemptAppeal | None:
    return AttemptAppeal.objects.filter(attempt=attempt).select_related("decided_by").first()


def attempt_get_for_reviewer(attempt_id: int) -> Attempt:
    """Any submitted attempt of a guarded quiz, for a trainer (the view checks the permission)."""
    attempt = (
        Attempt.objects.select_related("quiz", "staff")
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def attempts_for_review(*, limit: int = 200) -> dict:
    """Attempts marked for review (appealed first, then oldest first) and the latest decided ones."""
    flagged = list(
        Attempt.objects.filter(review=Attempt.Review.FLAGGED)
        .select_related("quiz", "staff", "appeal")
        .order_by("submitted_at", "pk")[:limit]
    )
    flagged.sort(key=lambda a: (not hasattr(a, "appeal"), a.submitted_at))
    decided = list(
        Attempt.objects.filter(review__in=[Attempt.Review.CLEARED, Attempt.Review.CONFIRMED])
        .select_related("quiz", "staff")
        .order_by("-submitted_at", "-pk")[:20]
    )
    return {"flagged": flagged, "decided": decided}


def essay_queue() -> list[AttemptItem]:
    """Essay answers of submitted attempts waiting for a trainer, oldest first."""
    return list(
        AttemptItem.objects.filter(
            attempt__status=AttemptStatus.NEEDS_GRADING,
            snapshot__qtype="essay",
            fraction__isnull=True,
        )
        .select_related("attempt__quiz", "attempt__staff")
        .order_by("attempt__submitted_at", "slot")[:200]
    )


def quiz_category(quiz: Quiz) -> str | None:
    """The credit category (onboarding / in_service / leadership) of the programme holding the quiz's page."""
    from courses.models import ProgrammePage

    page = quiz.lesson or quiz.module
    if page is None:
        return None
    programme = ProgrammePage.objects.ancestor_of(page).first()
    return programme.category if programme else None


def quiz_programme(quiz: Quiz):
    from courses.models import ProgrammePage

    page = quiz.lesson or quiz.module
    return ProgrammePage.objects.ancestor_of(page).first() if page is not None else None

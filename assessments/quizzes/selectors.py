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

from assessments.models import Attempt, AttemptItem, AttemptStatus, Quiz
from assessments.quizzes import rules as quiz_rules


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


def attempts_of(*, quiz: Quiz, staff) -> list[Attempt]:
    return list(Attempt.objects.filter(quiz=quiz, staff=staff).order_by("number"))


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
    """An item with the learner's answer, its grade, the correct answer and feedback (review allowed only)."""
    snapshot = item.snapshot
    qtype, data = snapshot["qtype"], snapshot["data"]
    view = item_for_learner(item)
    view["fraction"] = item.fraction
    view["percent"] = quiz_rules.round2(item.fraction * 100) if item.fraction is not None else None
    view["feedback"] = [f for f in quiz_rules.feedback_for(qtype, data, item.response) if f]
    view["general_feedback"] = snapshot.get("general_feedback", "")
    view["grader_comment"] = item.grader_comment
    if qtype in ("single_choice", "multiple_choice", "short_answer"):
        view["correct"] = [o["text"] for o in data.get("options", []) if Decimal(str(o["fraction"])) > 0]
    elif qtype == "true_false":
        view["correct"] = [str(data.get("correct"))]
    elif qtype == "numerical":
        view["correct"] = [
            f"{a['value']} ± {a['tolerance']}"
            for a in data.get("numeric", [])
            if Decimal(str(a["fraction"])) > 0
        ]
    elif qtype == "matching":
        view["correct"] = [f"{left} → {right}" for left, right in data.get("pairs", []) if left]
    else:
        view["correct"] = []
    return view


def review_allowed_for(attempt: Attempt, now=None) -> bool:
    return quiz_rules.review_allowed(
        attempt.quiz.review_policy,
        submitted=not attempt.is_open,
        now=now or timezone.now(),
        closes_at=attempt.quiz.closes_at,
    )


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

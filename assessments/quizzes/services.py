"""Every write of question banks, quizzes and attempts: GIFT import, drawing, autosave, submission, grading.

The server owns the clock and the answer key: an attempt's deadline is fixed when it starts, answers after the
deadline plus a small grace are refused, an abandoned attempt is closed and graded at its deadline (by the
deadline task, on the learner's next save or submit, and by `close_expired_attempts`; pages only show it ended),
and grades are computed here only.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Question,
    QuestionBank,
    QuestionCategory,
    Quiz,
)
from assessments.quizzes import gift
from assessments.quizzes import rules as quiz_rules
from assessments.quizzes.grading import (
    DeadlinePassed,
    QuizError,
    StaleAnswer,
    attempt_close_if_expired,
    attempt_grade,
    grace_seconds,
)
from assessments.quizzes.integrity import Activity, attempt_activity_record
from portal.importing import ImportResult, import_run_record
from portal.tabular.errors import RowError

IMPORT_COUNT_KEYS = ["imported"]
_SYSTEM_RANDOM = random.SystemRandom()


# --- GIFT import and export ----------------------------------------------------------------------------------


@dataclass
class QuestionImportResult(ImportResult):
    by_type: dict[str, int] = field(default_factory=dict)
    categories: int = 0

    def as_json(self) -> dict:
        """Exactly `{"imported", "by_type", "categories", "errors"}`; zeros when the file was refused."""
        return {
            "imported": self.counts.get("imported", 0) if self.ok else 0,
            "by_type": self.by_type if self.ok else {},
            "categories": self.categories if self.ok else 0,
            "errors": [{"line": e.line, "message": e.message} for e in self.errors],
        }


def _refused(errors: list[RowError]) -> QuestionImportResult:
    return QuestionImportResult(counts={"imported": 0}, errors=sorted(errors, key=lambda e: e.line))


def _with_formats(entry: dict, **formats: str) -> dict:
    """Add the format keys that differ from the question text's (empty ones are left out)."""
    entry.update({key: value for key, value in formats.items() if value})
    return entry


def question_data_from_gift(question: gift.GiftQuestion) -> dict:
    """The answer key stored in `Question.data` (shape in `assessments.models.bank`)."""
    data: dict = _with_formats({}, general_feedback_format=question.general_feedback_format)
    if question.qtype in ("single_choice", "multiple_choice", "short_answer"):
        data["options"] = [
            _with_formats(
                {"text": o.text, "fraction": str(o.fraction), "feedback": o.feedback},
                text_format=o.text_format,
                feedback_format=o.feedback_format,
            )
            for o in question.options
        ]
    elif question.qtype == "numerical":
        data["numeric"] = [
            _with_formats(
                {
                    "value": str(a.value),
                    "tolerance": str(a.tolerance),
                    "fraction": str(a.fraction),
                    "feedback": a.feedback,
                },
                feedback_format=a.feedback_format,
            )
            for a in question.numeric
        ]
        if question.has_other:
            data["other"] = _with_formats(
                {"feedback": question.other_feedback}, feedback_format=question.other_feedback_format
            )
    elif question.qtype == "matching":
        data["pairs"] = [[left, right] for left, right in question.pairs]
    elif question.qtype == "true_false":
        data.update(
            _with_formats(
                {
                    "correct": question.correct,
                    "true_feedback": question.true_feedback,
                    "false_feedback": question.false_feedback,
                },
                true_feedback_format=question.true_feedback_format,
                false_feedback_format=question.false_feedback_format,
            )
        )
    return data


def question_to_gift(question: Question) -> gift.GiftQuestion:
    data = question.data or {}
    other = data.get("other")
    return gift.GiftQuestion(
        line=0,
        category=question.category.path if question.category_id else None,
        title=question.title,
        text=question.text,
        text_format=question.text_format,
        qtype=question.qtype,
        options=[
            gift.GiftOption(
                o["text"],
                Decimal(str(o["fraction"])),
                o.get("feedback", ""),
                o.get("text_format", ""),
                o.get("feedback_format", ""),
            )
            for o in data.get("options", [])
        ],
        numeric=[
            gift.GiftNumeric(
                Decimal(str(a["value"])),
                Decimal(str(a["tolerance"])),
                Decimal(str(a["fraction"])),
                a.get("feedback", ""),
                a.get("feedback_format", ""),
            )
            for a in data.get("numeric", [])
        ],
        pairs=[(left, right) for left, right in data.get("pairs", [])],
        correct=data.get("correct"),
        true_feedback=data.get("true_feedback", ""),
        false_feedback=data.get("false_feedback", ""),
        general_feedback=question.general_feedback,
        true_feedback_format=data.get("true_feedback_format", ""),
        false_feedback_format=data.get("false_feedback_format", ""),
        general_feedback_format=data.get("general_feedback_format", ""),
        has_other=other is not None,
        other_feedback=(other or {}).get("feedback", ""),
        other_feedback_format=(other or {}).get("feedback_format", ""),
        tags=list(question.tags or []),
        id_number=question.id_number,
    )


def _question_key(question: gift.GiftQuestion, data: dict) -> tuple:
    return (
        question.category,
        question.qtype,
        question.title,
        question.text,
        question.text_format,
        json.dumps(data, sort_keys=True),
        question.general_feedback,
        question.id_number,
        tuple(question.tags),
    )


def question_bank_import(
    *, data: bytes, file_name: str, bank_name: str, dry_run: bool = False, acting_user=None
) -> QuestionImportResult:
    """Import a GIFT file into the bank `bank_name` (created if new), all or nothing.

    The file is refused when it is over 5 MB, holds more than 5,000 questions or mixes encodings. Identical
    questions within the file are all kept, as Moodle keeps them; the key of a question is everything it
    holds (category, type, title, texts, answers, tags, id number), and a question is imported only as many
    times as the file has it beyond the copies already in the bank, so importing the same file twice
    changes nothing.
    """
    bank_name = (bank_name or "").strip()
    if not bank_name:
        return _refused([RowError(0, _("Name the question bank."))])
    if len(data) > gift.MAX_BYTES:
        return _refused([RowError(0, _("The file is larger than 5 MB."))])
    try:
        text = gift.decode_gift(data)
    except gift.GiftEncodingError as exc:
        return _refused([RowError(exc.line, exc.message)])
    parsed = gift.parse_gift(text)
    if parsed.errors:
        return _refused([RowError(e.line, e.message) for e in parsed.errors])
    if not parsed.questions:
        return _refused([RowError(0, _("The file has no questions."))])
    if len(parsed.questions) > gift.MAX_QUESTIONS:
        return _refused(
            [
                RowError(
                    parsed.questions[gift.MAX_QUESTIONS].line,
                    _("The file has more than %(max)s questions.") % {"max": gift.MAX_QUESTIONS},
                )
            ]
        )

    with transaction.atomic():
        bank = QuestionBank.objects.filter(name=bank_name).first()
        already: Counter = Counter()
        categories: dict[str, QuestionCategory] = {}
        if bank is not None:
            categories = {c.path: c for c in bank.categories.all()}
            for stored in bank.questions.select_related("category"):
                already[_question_key(question_to_gift(stored), stored.data)] += 1
        new_questions: list[tuple[gift.GiftQuestion, dict]] = []
        for question in parsed.questions:
            qdata = question_data_from_gift(question)
            key = _question_key(question, qdata)
            if already[key] > 0:
                already[key] -= 1
                continue
            new_questions.append((question, qdata))
        by_type: dict[str, int] = {}
        for qtype in gift.QUESTION_TYPES:
            n = sum(1 for q, _d in new_questions if q.qtype == qtype)
            if n:
                by_type[qtype] = n
        result = QuestionImportResult(
            counts={"imported": len(new_questions)},
            dry_run=dry_run,
            by_type=by_type,
            categories=len(parsed.categories),
            preview=[
                {
                    "line": q.line,
                    "type": q.qtype,
                    "category": q.category or "",
                    "title": q.title or q.text[:40],
                }
                for q, _d in new_questions[:20]
            ],
        )
        if dry_run:
            return result
        if bank is None:
            bank = QuestionBank.objects.create(name=bank_name, created_by=acting_user)
        for path in parsed.categories:
            if path not in categories:
                categories[path] = QuestionCategory.objects.create(bank=bank, path=path[:255])
        Question.objects.bulk_create(
            [
                Question(
                    bank=bank,
                    category=categories.get(q.category) if q.category else None,
                    qtype=q.qtype,
                    title=q.title[:255],
                    text=q.text,
                    text_format=q.text_format,
                    data=qdata,
                    general_feedback=q.general_feedback,
                    id_number=q.id_number[:100],
                    tags=q.tags,
                    source_line=q.line,
                )
                for q, qdata in new_questions
            ],
            batch_size=200,
        )
        import_run_record(
            kind="questions",
            file_name=file_name,
            data=data,
            result=result,
            acting_user=acting_user,
            extra={"bank": bank.name, "by_type": by_type, "categories": result.categories},
        )
    return result


def question_bank_export(*, bank: QuestionBank) -> str:
    """The bank's active questions as GIFT text that Moodle imports (uncategorised first, then by category path).

    Weights outside Moodle's grade list are written as the nearest one in the list; comment lines at the top
    of the file say which questions had a weight rounded.
    """
    questions = list(bank.questions.filter(is_active=True).select_related("category"))
    questions.sort(key=lambda q: (q.category_id is not None, q.category.path if q.category_id else "", q.pk))
    text, rounded = gift.export_gift_for_moodle(question_to_gift(q) for q in questions)
    if not rounded:
        return text
    notes = [_("// Weights rounded to Moodle's grade list:")]
    notes += [
        "// "
        + _("%(question)s: %(weight)s%% written as %(written)s%%")
        % {
            "question": " ".join(r.question.split()),
            "weight": gift.format_weight(r.weight),
            "written": gift.format_weight(r.written),
        }
        for r in rounded
    ]
    return "\n".join(notes) + "\n\n" + text


def quiz_questions_set(*, quiz: Quiz, questions) -> None:
    """Make the quiz's fixed question list exactly `questions`, in that order. Finished attempts keep their copies."""
    from assessments.models import QuizQuestion

    with transaction.atomic():
        QuizQuestion.objects.filter(quiz=quiz).delete()
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=quiz, question=q, order=i) for i, q in enumerate(questions)]
        )


# --- Attempts ------------------------------------------------------------------------------------------------


def _draw_questions(quiz: Quiz, rng) -> list[Question]:
    if quiz.selection == Quiz.Selection.FIXED:
        questions = [qq.question for qq in quiz.quiz_questions.select_related("question")]
        if quiz.shuffle_questions:
            rng.shuffle(questions)
        return questions
    pool = Question.objects.filter(bank_id=quiz.bank_id, is_active=True).exclude(qtype="description")
    if quiz.category_id:
        path = quiz.category.path
        pool = pool.filter(Q(category__path=path) | Q(category__path__startswith=path + "/"))
    ids = list(pool.values_list("pk", flat=True))
    chosen = rng.sample(ids, min(quiz.draw_count or len(ids), len(ids)))
    by_id = Question.objects.in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


def _snapshot(question: Question) -> dict:
    return {
        "qtype": question.qtype,
        "title": question.title,
        "text": question.text,
        "text_format": question.text_format,
        "data": question.data,
        "general_feedback": question.general_feedback,
        "mark": str(question.mark),
    }


def _display_order(snapshot: dict, shuffle: bool, rng) -> list[int]:
    qtype, data = snapshot["qtype"], snapshot["data"]
    if qtype in ("single_choice", "multiple_choice"):
        count = len(data.get("options", []))
    elif qtype == "matching":
        count = len(data.get("pairs", []))  # the right-hand choices
    else:
        return []
    return quiz_rules.shuffled(count, rng) if shuffle else list(range(count))


def attempt_start(*, quiz: Quiz, staff, now: datetime | None = None, rng=None) -> Attempt:
    """Resume the person's open attempt, or start a new one with its questions drawn and options shuffled."""
    now = now or timezone.now()
    rng = rng or _SYSTEM_RANDOM
    current = Attempt.objects.filter(quiz=quiz, staff=staff, status=AttemptStatus.IN_PROGRESS).first()
    if current is not None:
        if not attempt_close_if_expired(current, now=now):
            return current
    if not quiz.is_active:
        raise QuizError(_("This quiz is not open."))
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizError(_("This quiz is not open yet."))
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizError(_("This quiz has closed."))
    try:
        attempt = _attempt_create(quiz=quiz, staff=staff, now=now, rng=rng)
    except IntegrityError:
        # A concurrent start (a double click, a second tab) opened the attempt first: that one is the learner's.
        current = Attempt.objects.filter(quiz=quiz, staff=staff, status=AttemptStatus.IN_PROGRESS).first()
        if current is None:
            raise
        return current
    return attempt


def _attempt_create(*, quiz: Quiz, staff, now: datetime, rng) -> Attempt:
    """A new attempt with its questions drawn, in its own savepoint (the open-attempt constraint may refuse it)."""
    with transaction.atomic():
        tally = Attempt.objects.filter(quiz=quiz, staff=staff).aggregate(
            used=Count("pk"), counted=Count("pk", filter=Q(counts_toward_limit=True))
        )
        used, counted = tally["used"], tally["counted"]
        if quiz_rules.attempts_left(quiz.max_attempts, counted) == 0:
            raise QuizError(_("You have used all your attempts at this quiz."))
        questions = _draw_questions(quiz, rng)
        if not questions:
            raise QuizError(_("This quiz has no questions yet."))
        attempt = Attempt.objects.create(
            quiz=quiz,
            staff=staff,
            number=used + 1,
            started_at=now,
            last_activity_at=now,
            deadline=quiz_rules.attempt_deadline(now, quiz.time_limit_minutes, quiz.closes_at),
        )
        items = []
        for slot, question in enumerate(questions, start=1):
            snapshot = _snapshot(question)
            items.append(
                AttemptItem(
                    attempt=attempt,
                    slot=slot,
                    question=question,
                    snapshot=snapshot,
                    order=_display_order(snapshot, quiz.shuffle_options, rng),
                )
            )
        AttemptItem.objects.bulk_create(items, batch_size=200)
        if attempt.deadline is not None:
            _schedule_close(attempt)
    return attempt


def _schedule_close(attempt: Attempt) -> None:
    """Queue the attempt's closing for just after its deadline, where the task backend can defer (the database
    backend can; the immediate one used in tests cannot, and lazy closing plus `close_expired_attempts` cover)."""
    from assessments.quizzes.tasks import close_attempt_at_deadline

    if not close_attempt_at_deadline.get_backend().supports_defer:
        return
    run_after = attempt.deadline + timedelta(seconds=grace_seconds() + 1)
    attempt_id = attempt.pk
    transaction.on_commit(lambda: close_attempt_at_deadline.using(run_after=run_after).enqueue(attempt_id))


def response_from_post(item: AttemptItem, post) -> dict | None:
    """The learner's answer to one item from posted fields named `q<slot>` (display positions, not indices).

    Returns None when the post carries no field of this item (nothing to save).
    """
    key = f"q{item.slot}"
    qtype = item.snapshot["qtype"]
    getlist = post.getlist if hasattr(post, "getlist") else (lambda k: post.get(k, []) or [])
    if qtype == "multiple_choice":
        if f"{key}_present" not in post and key not in post:
            return None
        choices = {quiz_rules.display_to_index(item.order, v) for v in getlist(key)}
        return {"choices": sorted(c for c in choices if c is not None)}
    if qtype == "matching":
        pairs = item.snapshot["data"].get("pairs", [])
        fields = {i: post.get(f"{key}_m{i}") for i, (left, _r) in enumerate(pairs) if left}
        if all(v is None for v in fields.values()):
            return None
        matches = {}
        for i, value in fields.items():
            index = quiz_rules.display_to_index(item.order, value) if value not in (None, "") else None
            if index is not None:
                matches[str(i)] = index
        return {"matches": matches}
    if key not in post:
        return None
    value = post.get(key)
    if qtype == "single_choice":
        index = quiz_rules.display_to_index(item.order, value) if value != "" else None
        return {"choice": index} if index is not None else {}
    if qtype == "true_false":
        return {"value": value == "true"} if value in ("true", "false") else {}
    return {"text": str(value)[:5000]}


def attempt_answer_save(
    *, attempt: Attempt, slot: int, post, version: int, now: datetime | None = None
) -> int:
    """Autosave one answer; idempotent. Returns the item's new version.

    Refused after the deadline plus grace (the attempt is then closed and graded) and when `version` is not
    the stored one (an older tab cannot overwrite a newer answer). On a guarded quiz a save is activity, and
    reports the page as visible again (`integrity.attempt_activity_record`).
    """
    now = now or timezone.now()
    if not attempt.is_open:
        raise QuizError(_("This attempt is closed."))
    if attempt_close_if_expired(attempt, now=now):
        if attempt.closed_by == Attempt.ClosedBy.IDLE:
            raise DeadlinePassed(_("The attempt was submitted after a time without activity."))
        raise DeadlinePassed(_("Time is up: answers are no longer accepted."))
    item = attempt.items.filter(slot=slot).first()
    if item is None:
        raise QuizError(_("That question is not part of this attempt."))
    response = response_from_post(item, post)
    if response is None:
        return item.version
    if item.response == response and item.version == version:
        return item.version
    updated = AttemptItem.objects.filter(pk=item.pk, version=version).update(
        response=response, version=F("version") + 1, saved_at=now
    )
    if not updated:
        item.refresh_from_db(fields=["version"])
        raise StaleAnswer(
            _("This answer was changed in another window; reload the page to see it."), item.version
        )
    _note_activity(attempt, now)
    return version + 1


def _note_activity(attempt: Attempt, now: datetime) -> None:
    """An answer saved on a guarded quiz is activity; going over the leave limit with it submits the attempt
    (the answer just saved included), which the next save or the page then finds closed."""
    if attempt.quiz.guarded:
        attempt_activity_record(attempt=attempt, kind=Activity.ANSWER, now=now)


def attempt_submit(*, attempt: Attempt, post=None, now: datetime | None = None) -> tuple[Attempt, bool]:
    """Save the posted answers (those whose version is current) and grade. Returns (attempt, accepted).

    Harmless when repeated: a closed attempt is returned as it is. After the deadline plus grace, the posted
    answers are refused (accepted=False) and the attempt is graded on what was saved in time.
    """
    now = now or timezone.now()
    if not attempt.is_open:
        return attempt, True
    if attempt_close_if_expired(attempt, now=now):
        return attempt, False
    with transaction.atomic():
        if post is not None:
            for item in attempt.items.all():
                response = response_from_post(item, post)
                try:
                    version = int(post.get(f"v{item.slot}", ""))
                except ValueError:
                    continue
                if response is not None and response != item.response:
                    AttemptItem.objects.filter(pk=item.pk, version=version).update(
                        response=response, version=F("version") + 1, saved_at=now
                    )
        claimed = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
            status=AttemptStatus.NEEDS_GRADING, submitted_at=now, closed_by=Attempt.ClosedBy.LEARNER
        )
        attempt.refresh_from_db()
        if claimed:
            attempt_grade(attempt, now=now)
    return attempt, True

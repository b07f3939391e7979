"""Preparing the exam and checking it afterwards, in a Django process on the load-test database.

    python -m loadtest.exam prepare USERS OUT_JSON   # learners with a known password, a 30-question timed quiz
    python -m loadtest.exam check SAVES_JSONL OUT_JSON  # every acknowledged answer is in the database

The question bank goes through the GIFT import service as a trainer's upload would; the quiz is created as the
admin form creates it. Learners are synthetic agents of the generated company; they get one MD5 hash of the
shared load-test password (the load-test settings hash with MD5; nothing else does).
"""

import json
import os
import sys
from collections import Counter

import django

PASSWORD = "Exam-window-2026"  # noqa: S105 (a throw-away load-test database)
QUIZ_TITLE = "考试窗口压测：月度专题测验"
QUESTIONS = 30


def prepare(users: int) -> dict:
    from django.contrib.auth.hashers import make_password

    from assessments.models import QuestionBank, Quiz, QuizQuestion
    from assessments.quizzes.services import question_bank_import
    from demo.scale.assessments import exam_gift
    from demo.scale.company import synthetic_staff
    from portal.models import Role

    learners = list(
        synthetic_staff()
        .filter(role=Role.AGENT, is_active=True, onboarded_on__isnull=False)
        .order_by("employee_no")[:users]
    )
    if len(learners) < users:
        raise SystemExit(f"Only {len(learners)} synthetic agents; generate a larger company.")
    password_hash = make_password(PASSWORD)
    for learner in learners:
        learner.password = password_hash
    type(learners[0]).objects.bulk_update(learners, ["password"], batch_size=1000)

    bank_name = "考试窗口压测题库"
    result = question_bank_import(
        data=exam_gift(QUESTIONS).encode(), file_name="exam-window.gift", bank_name=bank_name
    )
    if result.errors:
        raise SystemExit(f"The exam's GIFT file was refused: {result.errors[:3]}")
    bank = QuestionBank.objects.get(name=bank_name)
    # Guarded as a proctored exam is: leaving the page 3 times allowed, submitted after 10 idle minutes.
    quiz = Quiz.objects.create(
        title=QUIZ_TITLE, time_limit_minutes=60, max_attempts=0, leave_limit=3, idle_submit_minutes=10
    )
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=quiz, question=q, order=i) for i, q in enumerate(bank.questions.order_by("pk"))]
    )
    return {
        "quiz_id": quiz.pk,
        "questions": quiz.quiz_questions.count(),
        "password": PASSWORD,
        "learners": [u.employee_no for u in learners],
    }


class Post(dict):
    """The posted form as the answer service reads it (`get`, `getlist`)."""

    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def check(saves_path: str) -> dict:
    """Compare the last acknowledged save of every (attempt, slot) with what the database holds."""
    from assessments.models import Attempt, AttemptEvent, AttemptItem
    from assessments.quizzes.services import response_from_post

    last: dict[tuple[int, int], dict] = {}
    acknowledged = 0
    with open(saves_path) as handle:
        for line in handle:
            save = json.loads(line)
            acknowledged += 1
            key = (save["attempt"], save["slot"])
            if key not in last or save["version"] > last[key]["version"]:
                last[key] = save
    attempt_ids = {attempt for attempt, _slot in last}
    items = {
        (item.attempt_id, item.slot): item
        for item in AttemptItem.objects.filter(attempt_id__in=attempt_ids).select_related("attempt")
    }
    lost = []
    for key, save in last.items():
        item = items.get(key)
        expected = response_from_post(item, Post(save["fields"])) if item is not None else None
        if item is None or expected is None or item.response != expected or item.version < save["version"]:
            lost.append({"attempt": key[0], "slot": key[1], "stored": getattr(item, "response", None)})
    statuses = Counter(Attempt.objects.filter(pk__in=attempt_ids).values_list("status", flat=True))
    closed_by = Counter(Attempt.objects.filter(pk__in=attempt_ids).values_list("closed_by", flat=True))
    events = Counter(AttemptEvent.objects.filter(attempt_id__in=attempt_ids).values_list("kind", flat=True))
    return {
        "acknowledged_saves": acknowledged,
        "answers_checked": len(last),
        "lost": len(lost),
        "lost_examples": lost[:5],
        "attempts": len(attempt_ids),
        "attempt_status": dict(statuses),
        "closed_by": dict(closed_by),
        "integrity_events": dict(events),
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")
    django.setup()
    command, argument, out = argv
    result = prepare(int(argument)) if command == "prepare" else check(argument)
    with open(out, "w") as handle:
        json.dump(result, handle, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main(sys.argv[1:4])

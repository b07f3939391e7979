"""Time a 30-question attempt: start (draw + snapshot + shuffle), 30 autosaves, submit and grade.

    DJANGO_DEBUG=1 python -m bench.bench_quiz [--questions 30] [--attempts 20]

Runs on a throw-away SQLite database (migrated first) unless DATABASE_URL names another; prints a table and
writes JSON to bench/results/quiz-<timestamp>.json.
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
_TMP = None
if not os.environ.get("DATABASE_URL"):
    _TMP = tempfile.mkdtemp(prefix="bench-quiz-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def setup(n_questions: int):
    from assessments.models import Question, QuestionBank, Quiz, QuizQuestion
    from portal.services import staff_create

    bank = QuestionBank.objects.create(name="bench")
    questions = []
    for i in range(n_questions):
        if i % 3 == 0:
            data = {
                "options": [
                    {"text": f"选项{k}", "fraction": "100" if k == 0 else "0", "feedback": ""}
                    for k in range(4)
                ]
            }
            questions.append(Question(bank=bank, qtype="single_choice", text=f"单选题 {i}", data=data))
        elif i % 3 == 1:
            data = {
                "options": [
                    {"text": f"选项{k}", "fraction": "50" if k < 2 else "-50", "feedback": ""}
                    for k in range(4)
                ]
            }
            questions.append(Question(bank=bank, qtype="multiple_choice", text=f"多选题 {i}", data=data))
        else:
            data = {"options": [{"text": "95588", "fraction": "100", "feedback": ""}]}
            questions.append(Question(bank=bank, qtype="short_answer", text=f"填空题 {i}", data=data))
    Question.objects.bulk_create(questions)
    quiz = Quiz.objects.create(title="bench", time_limit_minutes=60)
    QuizQuestion.objects.bulk_create(
        [
            QuizQuestion(quiz=quiz, question=q, order=i)
            for i, q in enumerate(Question.objects.filter(bank=bank))
        ]
    )
    return quiz, staff_create


def answers_for(item) -> dict:
    qtype = item.snapshot["qtype"]
    if qtype == "single_choice":
        return {f"q{item.slot}": str(item.order.index(0))}
    if qtype == "multiple_choice":
        return {f"q{item.slot}": [str(item.order.index(0)), str(item.order.index(1))]}
    return {f"q{item.slot}": "９５５８８"}


class Post(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--attempts", type=int, default=20)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    from assessments.quizzes import services as quiz_services

    quiz, staff_create = setup(args.questions)
    timings = {"start": [], "autosave (each)": [], "submit + grade": []}
    for n in range(args.attempts):
        staff = staff_create(employee_no=f"B{n:05d}", name=f"学员{n}", role="agent")
        t = time.perf_counter()
        attempt = quiz_services.attempt_start(quiz=quiz, staff=staff)
        timings["start"].append(time.perf_counter() - t)
        items = list(attempt.items.all())
        post = Post()
        for item in items:
            fields = answers_for(item)
            t = time.perf_counter()
            quiz_services.attempt_answer_save(attempt=attempt, slot=item.slot, post=Post(fields), version=0)
            timings["autosave (each)"].append(time.perf_counter() - t)
            post.update(fields)
            post[f"v{item.slot}"] = "1"
        t = time.perf_counter()
        attempt, _ok = quiz_services.attempt_submit(attempt=attempt, post=post)
        timings["submit + grade"].append(time.perf_counter() - t)
        assert attempt.percent == 100, attempt.percent
    rows = [
        {
            "case": k,
            "median_ms": round(statistics.median(v) * 1000, 2),
            "p95_ms": round(sorted(v)[int(len(v) * 0.95) - 1] * 1000, 2),
            "n": len(v),
        }
        for k, v in timings.items()
    ]
    print(f"{args.questions}-question attempt on {django.db.connection.vendor}")
    print(f"{'step':<18} {'median ms':>10} {'p95 ms':>10} {'n':>6}")
    for r in rows:
        print(f"{r['case']:<18} {r['median_ms']:>10.2f} {r['p95_ms']:>10.2f} {r['n']:>6}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"quiz-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {"questions": args.questions, "database": django.db.connection.vendor, "rows": rows}, indent=2
        )
    )
    print(f"written {out}")


if __name__ == "__main__":
    main()

"""The assessments part of the synthetic company (see `demo.scale.company`).

Per complete month and in-service person: one KPI row (as the KPI import stores it), a call-recording spot
check and, for some, a role-play (as the evaluation import stores them, evaluator = a trainer's employee
number, linked), the monthly module's quiz taken by those who finished the module (graded attempts with their
items and the learning result, as the quiz service writes them), then the month's scores through
`assessments.services.monthly_scores_compute`, which is set-based. Each person has a steady skill level plus
monthly noise, so about one in ten meets every target.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from assessments import models as assessment_models
from assessments.models import Evaluation, EvaluationKind, KpiRecord
from assessments.scoring.services import monthly_scores_compute
from demo.scale.company import BATCH, Company, random_date
from portal.models import Role
from portal.months import last_of_month, month_label

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHLY_QUIZ_QUESTIONS = 5

CENT = Decimal("0.01")


def _pct(value: float, low: float = 0.0, high: float = 100.0) -> Decimal:
    return Decimal(str(min(high, max(low, value)))).quantize(CENT)


def kpi_values(rng: random.Random, skill: float, worked_share: float) -> dict:
    """One month's KPIs for a person of `skill` (a standard normal draw), who worked `worked_share` of it."""
    return {
        "contacts_handled": max(0, int(rng.gauss(420, 110) * worked_share)),
        "response_timeliness_rate": _pct(rng.gauss(97.6 + 0.8 * skill, 0.9), 80, 99.9),
        "resolution_rate": _pct(rng.gauss(94.2 + 1.8 * skill, 1.6), 70, 99.9),
        "satisfaction_rate": _pct(rng.gauss(89.0 + 3.0 * skill, 2.8), 50, 99.9),
        "complaint_rate": _pct(rng.gauss(0.65 - 0.3 * skill, 0.25), 0, 5),
        "major_complaints": 1 if rng.random() < 0.01 else 0,
    }


def exam_gift(count: int) -> str:
    """A GIFT question bank of `count` questions: single choice, multiple choice and short answer in turn."""
    parts = ["$CATEGORY: 在岗培训/月度专题"]
    for i in range(count):
        if i % 3 == 0:
            parts.append(
                f"::单选{i + 1}:: 第{i + 1}题：客户来电投诉时，坐席首先应该做什么？ {{\n"
                "  =耐心倾听并表示歉意\n  ~立即解释公司政策\n  ~转给组长处理\n  ~请客户稍后再拨\n}"
            )
        elif i % 3 == 1:
            parts.append(
                f"::多选{i + 1}:: 第{i + 1}题：标准开场白应包含哪些内容？ {{\n"
                "  ~%50%问候语\n  ~%50%工号或姓名\n  ~%-100%个人手机号\n  ~%-100%公司地址\n}"
            )
        else:
            parts.append(f"::填空{i + 1}:: 第{i + 1}题：公司客服热线号码是多少？ {{=95588 =９５５８８}}")
    return "\n\n".join(parts) + "\n"


class _Post(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def _form_answer(item, rng: random.Random, right: bool) -> dict:
    """The fields the quiz page would post for `item`: right or wrong on purpose."""
    qtype, data, slot = item.snapshot["qtype"], item.snapshot["data"], item.slot
    options = data.get("options", [])
    if qtype == "single_choice":
        correct = next(i for i, o in enumerate(options) if Decimal(o["fraction"]) > 0)
        index = correct if right else rng.choice([i for i in range(len(options)) if i != correct])
        return {f"q{slot}": str(item.order.index(index))}
    if qtype == "multiple_choice":
        good = [i for i, o in enumerate(options) if Decimal(o["fraction"]) > 0]
        picked = good if right else good[:1] + [i for i in range(len(options)) if i not in good][:1]
        return {f"q{slot}_present": "1", f"q{slot}": [str(item.order.index(i)) for i in picked]}
    return {f"q{slot}": "95588" if right else "10086"}


def _monthly_quizzes(
    *, rng, company: Company, months: list[date], skill: dict[int, float]
) -> tuple[int, int]:
    """The monthly module's quiz, taken once by each person who finished the module. Returns (attempts, items)."""
    from assessments.quizzes import rules as quiz_rules
    from assessments.quizzes.services import (
        _display_order,
        _snapshot,
        question_bank_import,
        response_from_post,
    )
    from courses.models import Category, Enrolment, LearningResult, ModulePage, ProgrammePage

    Attempt, AttemptItem = assessment_models.Attempt, assessment_models.AttemptItem
    Quiz, QuizQuestion = assessment_models.Quiz, assessment_models.QuizQuestion
    bank_name = "在岗月度专题题库"
    result = question_bank_import(
        data=exam_gift(MONTHLY_QUIZ_QUESTIONS).encode(), file_name="monthly.gift", bank_name=bank_name
    )
    if result.errors:
        raise ValueError(f"The monthly quiz bank was refused: {result.errors[:3]}")
    questions = list(assessment_models.QuestionBank.objects.get(name=bank_name).questions.order_by("pk"))
    attempts_total = items_total = 0
    for month in months:
        programme = ProgrammePage.objects.filter(kind="monthly", month=month).first()
        module = ModulePage.objects.child_of(programme).first() if programme else None
        if module is None:
            continue
        quiz = Quiz.objects.create(
            title=f"{month_label(month, 'zh-hans')}专题测验", module=module, time_limit_minutes=20
        )
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=quiz, question=q, order=i) for i, q in enumerate(questions)]
        )
        finished = Enrolment.objects.filter(programme=programme, completed_on__isnull=False).order_by(
            "staff_id"
        )
        attempts, drafts = [], []
        for staff_id, completed_on in finished.values_list("staff_id", "completed_on"):
            submitted = datetime.combine(completed_on, time(rng.randint(9, 20), rng.randint(0, 59)), SHANGHAI)
            started = submitted - timedelta(minutes=rng.randint(4, 18))
            attempt = Attempt(
                quiz=quiz,
                staff_id=staff_id,
                number=1,
                started_at=started,
                deadline=quiz_rules.attempt_deadline(started, quiz.time_limit_minutes, None),
                submitted_at=submitted,
                closed_by=Attempt.ClosedBy.LEARNER,
                status=assessment_models.AttemptStatus.GRADED,
                graded_at=submitted,
            )
            items = []
            p_right = min(0.97, max(0.3, 0.78 + 0.1 * skill.get(staff_id, 0.0)))
            for slot, question in enumerate(questions, start=1):
                snapshot = _snapshot(question)
                item = AttemptItem(
                    slot=slot,
                    question=question,
                    snapshot=snapshot,
                    order=_display_order(snapshot, quiz.shuffle_options, rng),
                    version=1,
                    saved_at=submitted,
                )
                item.response = response_from_post(
                    item, _Post(_form_answer(item, rng, rng.random() < p_right))
                )
                item.fraction = quiz_rules.grade_response(snapshot["qtype"], snapshot["data"], item.response)
                items.append(item)
            grade = quiz_rules.grade_attempt(
                ((Decimal(i.snapshot.get("mark", "1")), i.fraction) for i in items), quiz.pass_percent
            )
            attempt.percent, attempt.passed = grade.percent, grade.passed
            attempts.append(attempt)
            drafts.append(items)
        Attempt.objects.bulk_create(attempts, batch_size=BATCH)
        rows = []
        for attempt, items in zip(attempts, drafts, strict=True):
            for item in items:
                item.attempt_id = attempt.pk
                rows.append(item)
        AttemptItem.objects.bulk_create(rows, batch_size=BATCH)
        LearningResult.objects.bulk_create(
            [
                LearningResult(
                    staff_id=a.staff_id,
                    date=a.submitted_at.astimezone(SHANGHAI).date(),
                    category=Category.IN_SERVICE,
                    percent=a.percent,
                    source="quiz_attempt",
                    source_id=str(a.pk),
                    title=quiz.title,
                )
                for a in attempts
            ],
            batch_size=BATCH,
        )
        attempts_total += len(attempts)
        items_total += len(rows)
    return attempts_total, items_total


def generate(*, rng: random.Random, company: Company, months: list[date], stdout) -> None:
    people = company.in_service
    skill = {p.pk: rng.gauss(0, 1) for p in people}
    trainers = company.with_roles(Role.TRAINER)
    kpis = evaluations = scored = 0
    for month in months:
        last = last_of_month(month)
        days = (last - month).days + 1
        kpi_rows, evaluation_rows = [], []
        for person in people:
            if person.onboarded_on is None or person.onboarded_on >= last:
                continue
            start = max(month, person.onboarded_on + timedelta(days=1))
            worked_share = ((last - start).days + 1) / days
            kpi_rows.append(
                KpiRecord(staff_id=person.pk, month=month, **kpi_values(rng, skill[person.pk], worked_share))
            )
            kinds = [EvaluationKind.SPOT_CHECK] + ([EvaluationKind.ROLE_PLAY] if rng.random() < 0.4 else [])
            for kind in kinds:
                evaluator = rng.choice(trainers)
                evaluation_rows.append(
                    Evaluation(
                        staff_id=person.pk,
                        date=random_date(rng, start, last),
                        kind=kind,
                        score=_pct(rng.gauss(82 + 5 * skill[person.pk], 6), 30),
                        evaluator=evaluator.employee_no,
                        evaluator_user_id=evaluator.pk,
                        source=Evaluation.Source.IMPORT,
                    )
                )
        KpiRecord.objects.bulk_create(kpi_rows, batch_size=BATCH)
        Evaluation.objects.bulk_create(evaluation_rows, batch_size=BATCH)
        kpis += len(kpi_rows)
        evaluations += len(evaluation_rows)
    quiz_note = ""
    if hasattr(assessment_models, "Attempt"):
        # The last three months' quizzes: older attempts add rows (each answer keeps a copy of its question)
        # but nothing a page or benchmark reads.
        attempts, items = _monthly_quizzes(rng=rng, company=company, months=months[-3:], skill=skill)
        quiz_note = f", {attempts} graded quiz attempts ({items} answers)"
    # Scores last, once every input of every month is in.
    for month in months:
        scored += monthly_scores_compute(month=month)
    stdout.write(
        f"Assessments: {kpis} KPI rows, {evaluations} QA evaluations{quiz_note}, {scored} monthly scores."
    )

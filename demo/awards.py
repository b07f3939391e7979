"""Demo incentives: last month published with its Service Stars and an innovation case, and a few suggestions in
various states. Idempotent. Builds last month's KPI, training and QA rows (set-based) only where none exist, so
that it works with or without the other apps' demo data."""

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from assessments.models import Evaluation, KpiRecord
from assessments.scoring.services import monthly_scores_compute
from courses.models import TrainingRecord
from incentives.models import CaseNomination, ServiceStarPublication, Suggestion
from incentives.services import (
    case_decide,
    case_nominate,
    service_star_exclude,
    service_star_round_approve,
    service_star_round_publish,
    suggestion_award_approve,
    suggestion_decide,
    suggestion_review,
    suggestion_submit,
)
from portal.models import IN_SERVICE_ROLES, User
from portal.months import add_months, month_bounds
from portal.services import month_is_locked

D = Decimal


def _month_rows(month: date) -> None:
    """KPI, in-service training and QA rows for every active in-service person, per table only if it is empty;
    then the month's scores, stored as the importing services store them."""
    first, following = month_bounds(month)
    people = list(
        User.objects.filter(is_active=True, role__in=IN_SERVICE_ROLES)
        .order_by("employee_no")
        .values_list("pk", flat=True)
    )
    rng = random.Random(f"incentives-demo-{first:%Y-%m}")  # noqa: S311 (demo data)
    if not KpiRecord.objects.filter(month=first).exists():
        KpiRecord.objects.bulk_create(
            [
                KpiRecord(
                    staff_id=pk,
                    month=first,
                    contacts_handled=rng.randint(90, 260),
                    response_timeliness_rate=D(rng.randint(9780, 9990)) / 100,
                    resolution_rate=D(rng.randint(9450, 9950)) / 100,
                    satisfaction_rate=D(rng.randint(8900, 9800)) / 100,
                    complaint_rate=D(rng.randint(5, 60)) / 100,
                    major_complaints=1 if rng.random() < 0.05 else 0,
                )
                for pk in people
            ],
            batch_size=500,
        )
    if not TrainingRecord.objects.filter(category="in_service", date__gte=first, date__lt=following).exists():
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    staff_id=pk,
                    date=first.replace(day=15),
                    category="in_service",
                    title="客户心理学专题",
                    hours=D(4) if rng.random() < 0.85 else D("2.5"),
                    score=D(rng.randint(6500, 10000)) / 100,
                )
                for pk in people
            ],
            batch_size=500,
        )
    if not Evaluation.objects.filter(date__gte=first, date__lt=following).exists():
        Evaluation.objects.bulk_create(
            [
                Evaluation(
                    staff_id=pk,
                    date=first.replace(day=20),
                    kind="spot_check",
                    score=D(rng.randint(7000, 9900)) / 100,
                    evaluator="秦质检",
                )
                for pk in people
            ],
            batch_size=500,
        )
    monthly_scores_compute(month=first)


def seed(stdout=None):
    people = {
        u.employee_no: u
        for u in User.objects.filter(employee_no__in=["hr01", "hr02", "manager01", "lead01", "agent01"])
    }
    if len(people) < 5:
        return []
    hr01, hr02, manager, lead, agent = (people[k] for k in ("hr01", "hr02", "manager01", "lead01", "agent01"))
    month = add_months(timezone.localdate(), -1)

    if not ServiceStarPublication.objects.filter(month=month).exists() and not month_is_locked(month):
        _month_rows(month)
        if not CaseNomination.objects.filter(month=month).exists():
            nomination = case_nominate(
                nominee=agent,
                month=month,
                title="独居老人来电“一站式”代办",
                situation="一位独居老人多次来电询问宽带故障，无法按步骤操作。",
                action="坐席全程陪同远程排障，并预约上门，主动回访三次。",
                result="问题当日解决，客户致信表扬；做法已写入 SOP。",
                acting_user=lead,
            )
            case_decide(nomination=nomination, approve=True, note="评审委员会一致通过", acting_user=hr01)
        from incentives.selectors import star_month

        proposal = star_month(month=month)
        if proposal.winners:
            first_winner = User.objects.get(pk=proposal.winners[0].staff_id)
            service_star_exclude(
                month=month, staff=first_winner, reason="当月有一起服务态度投诉仍在核查中", acting_user=hr01
            )
        service_star_round_approve(month=month, acting_user=hr02, reason="核对无误", acknowledgement="已知悉")
        service_star_round_publish(month=month, acting_user=hr02, reason="按规则公示")

    if not Suggestion.objects.exists():
        adopted = suggestion_submit(
            title="高峰时段启用智能分流",
            problem="每天 10 点和 20 点来电排队超过 3 分钟，放弃率高。",
            proposal="按问题类型在 IVR 中预分流，简单查询由自助语音处理。",
            expected_benefit="预计排队时长下降 40%，满意度提升。",
            acting_user=agent,
        )
        suggestion_review(suggestion=adopted, scores=[D(4), D("3.5"), D(5), D(2), D(1)], acting_user=manager)
        suggestion_review(suggestion=adopted, scores=[D(3), D(4), D(4), D("2.5"), D(1)], acting_user=hr02)
        suggestion_decide(suggestion=adopted, adopt=True, note="下季度试点", acting_user=hr01)
        suggestion_award_approve(suggestion=adopted, acting_user=hr02, reason="价值评分已复核")
        reviewing = suggestion_submit(
            title="知识库增加方言关键词",
            problem="方言客户描述的问题在知识库里搜不到。",
            proposal="为常见问题补充方言同义词。",
            expected_benefit="首次解决率提升。",
            acting_user=agent,
        )
        suggestion_review(
            suggestion=reviewing, scores=[D(3), D(3), D("2.5"), D(4), D(3)], acting_user=manager
        )
        suggestion_submit(
            title="交接班记录模板统一",
            problem="各组交接班记录格式不同，信息遗漏。",
            proposal="统一模板并放在门户中。",
            expected_benefit="减少遗漏，跟进更及时。",
            acting_user=lead,
        )
    if stdout is not None:
        stdout.write(f"Incentives: {month:%Y-%m} published; {Suggestion.objects.count()} suggestions.")
    return []

"""The appeal chain's decisions and reminders: each dispute waiting for its step's decider (listed on their home
page; the daily run reminds them after two days), and a step past its policy deadline escalated to HR."""

from collections import defaultdict
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import OPEN_DISPUTE_STATUSES, DisputeStatus, Evaluation, QaLead
from assessments.scorecards import rules
from assessments.scoring.selectors import scoring_policy_for_month
from notifications.reminders import Reminder
from notifications.selectors import users_with_permission
from portal.models import Role, User

HR_PERMISSION = "assessments.manage_qa_leads"

_FIELDS = (
    "pk",
    "staff_id",
    "staff__team_id",
    "evaluator_user_id",
    "evaluator",
    "disputed_at",
    "dispute_reviewed_at",
    "dispute_status",
    "date",
    "staff__name",
)


def _made_by(evaluator_id, evaluator_text: str, person_id: int, employee_no: str) -> bool:
    return person_id == evaluator_id or evaluator_text.split(" #")[0] == employee_no


def dispute_decisions(cutoff: datetime) -> list[Reminder]:
    """Disputes waiting for their step since before `cutoff`: to the evaluated person's team leads (open), or to
    every QA lead who did not make the evaluation (endorsed)."""
    open_ones = list(
        Evaluation.objects.filter(dispute_status=DisputeStatus.OPEN, disputed_at__lt=cutoff).values_list(
            *_FIELDS
        )
    )
    endorsed = list(
        Evaluation.objects.filter(
            dispute_status=DisputeStatus.ENDORSED, dispute_reviewed_at__lt=cutoff
        ).values_list(*_FIELDS)
    )
    if not open_ones and not endorsed:
        return []
    leads_by_team = defaultdict(list)
    for pk, team_id, employee_no in User.objects.filter(
        role=Role.TEAM_LEAD, is_active=True, team_id__in={row[2] for row in open_ones}
    ).values_list("pk", "team_id", "employee_no"):
        leads_by_team[team_id].append((pk, employee_no))
    qa_leads = list(
        QaLead.objects.filter(user__is_active=True)
        .values_list("user_id", "user__employee_no")
        .order_by("user_id")
    )
    found = []
    for rows, deciders_of, since_index in (
        (open_ones, lambda row: leads_by_team.get(row[2], []), 5),
        (endorsed, lambda row: qa_leads, 6),
    ):
        for row in rows:
            pk, staff_id, _team, first_id, first_text, *_rest = row
            found.extend(
                Reminder(
                    recipient_id=decider,
                    kind="decision_waiting",
                    key=f"dispute:{pk}:{row[7]}",
                    title=f"{row[9]} · {row[8]:%Y-%m-%d}",
                    url=reverse("assessments:evaluation-detail", args=[pk]),
                    subject_id=staff_id,
                    data={"what": _("Disputed evaluation"), "since": row[since_index]},
                )
                for decider, employee_no in deciders_of(row)
                if decider != staff_id and not _made_by(first_id, first_text, decider, employee_no)
            )
    return found


def dispute_overdue_reminders(today: date) -> list[Reminder]:
    """Every dispute whose waiting step is past its deadline (the policy of the evaluation's month), to each HR
    person who manages QA: once per dispute and step."""
    rows = list(Evaluation.objects.filter(dispute_status__in=OPEN_DISPUTE_STATUSES).values_list(*_FIELDS))
    if not rows:
        return []
    policies = {}
    overdue = []
    for row in rows:
        month = row[8].replace(day=1)
        if month not in policies:
            policies[month] = scoring_policy_for_month(month)
        policy = policies[month]
        step = rules.pending_step(
            status=row[7],
            disputed_on=timezone.localdate(row[5]) if row[5] else None,
            endorsed_on=timezone.localdate(row[6]) if row[6] else None,
            endorse_days=policy.endorse_days,
            decide_days=policy.decide_days,
        )
        if step is not None and step.overdue(today):
            overdue.append((row, step))
    if not overdue:
        return []
    hr_ids = sorted(users_with_permission(HR_PERMISSION))
    return [
        Reminder(
            recipient_id=hr_id,
            kind="dispute_overdue",
            key=f"dispute-overdue:{row[0]}:{step.step}",
            title=f"{row[9]} · {row[8]:%Y-%m-%d}",
            url=reverse("assessments:evaluation-detail", args=[row[0]]),
            due_on=step.due_on,
            subject_id=row[1],
            data={
                "what": _("Team lead's review") if step.step == rules.STEP_LEAD else _("QA lead's decision"),
                "since": step.since,
            },
        )
        for row, step in overdue
        for hr_id in hr_ids
    ]

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


def _disputes(**filters) -> list:
    """Disputes as named rows (`row.pk`, `row.staff__team_id`, …), oldest first."""
    return list(
        Evaluation.objects.filter(**filters).order_by("disputed_at", "pk").values_list(*_FIELDS, named=True)
    )


def _made_by(row, person_id: int, employee_no: str) -> bool:
    return person_id == row.evaluator_user_id or row.evaluator.split(" #")[0] == employee_no


def _reminder(row, recipient_id: int, *, kind: str, key: str, data: dict, due_on=None) -> Reminder:
    return Reminder(
        recipient_id=recipient_id,
        kind=kind,
        key=key,
        title=f"{row.staff__name} · {row.date:%Y-%m-%d}",
        url=reverse("assessments:evaluation-detail", args=[row.pk]),
        due_on=due_on,
        subject_id=row.staff_id,
        data=data,
    )


def dispute_decisions(cutoff: datetime) -> list[Reminder]:
    """Disputes waiting for their step since before `cutoff`: to the evaluated person's team leads (open), or to
    every QA lead who did not make the evaluation (endorsed)."""
    waiting_lead = _disputes(dispute_status=DisputeStatus.OPEN, disputed_at__lt=cutoff)
    waiting_qa = _disputes(dispute_status=DisputeStatus.ENDORSED, dispute_reviewed_at__lt=cutoff)
    if not waiting_lead and not waiting_qa:
        return []
    leads_by_team = defaultdict(list)
    for pk, team_id, employee_no in User.objects.filter(
        role=Role.TEAM_LEAD, is_active=True, team_id__in={row.staff__team_id for row in waiting_lead}
    ).values_list("pk", "team_id", "employee_no"):
        leads_by_team[team_id].append((pk, employee_no))
    qa_leads = list(
        QaLead.objects.filter(user__is_active=True)
        .values_list("user_id", "user__employee_no")
        .order_by("user_id")
    )
    found = []
    due = _StepDue()
    for row in waiting_lead:
        deciders = leads_by_team.get(row.staff__team_id, [])
        found += _decisions(row, deciders, since=row.disputed_at, due_on=due(row))
    for row in waiting_qa:
        found += _decisions(row, qa_leads, since=row.dispute_reviewed_at, due_on=due(row))
    return found


class _StepDue:
    """The deadline of a dispute's waiting step under its month's policy (each month's policy read once)."""

    def __init__(self):
        self.policies = {}

    def step(self, row):
        month = row.date.replace(day=1)
        if month not in self.policies:
            self.policies[month] = scoring_policy_for_month(month)
        return rules.pending_step(
            status=row.dispute_status,
            disputed_on=timezone.localdate(row.disputed_at) if row.disputed_at else None,
            endorsed_on=timezone.localdate(row.dispute_reviewed_at) if row.dispute_reviewed_at else None,
            endorse_days=self.policies[month].endorse_days,
            decide_days=self.policies[month].decide_days,
        )

    def __call__(self, row) -> date | None:
        step = self.step(row)
        return step.due_on if step else None


def _decisions(row, deciders, *, since, due_on=None) -> list[Reminder]:
    """The dispute's step, for each of `deciders` who is neither the evaluated person nor its evaluator."""
    return [
        _reminder(
            row,
            decider,
            kind="decision_waiting",
            key=f"dispute:{row.pk}:{row.dispute_status}",
            due_on=due_on,
            data={"what": _("Disputed evaluation"), "since": since},
        )
        for decider, employee_no in deciders
        if decider != row.staff_id and not _made_by(row, decider, employee_no)
    ]


def dispute_overdue_reminders(today: date) -> list[Reminder]:
    """Every dispute whose waiting step is past its deadline (the policy of the evaluation's month), to each HR
    person who manages QA: once per dispute and step."""
    due = _StepDue()
    overdue = []
    for row in _disputes(dispute_status__in=OPEN_DISPUTE_STATUSES):
        step = due.step(row)
        if step is not None and step.overdue(today):
            overdue.append((row, step))
    if not overdue:
        return []
    hr_ids = sorted(users_with_permission(HR_PERMISSION))
    return [
        _reminder(
            row,
            hr_id,
            kind="dispute_overdue",
            key=f"dispute-overdue:{row.pk}:{step.step}",
            due_on=step.due_on,
            data={
                "what": _("Team lead's review") if step.step == rules.STEP_LEAD else _("QA lead's decision"),
                "since": step.since,
            },
        )
        for row, step in overdue
        for hr_id in hr_ids
    ]

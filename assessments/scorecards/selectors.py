"""Reads of QA evaluations for the pages: a dispute's timeline, what waits for whom, critical failures. Never write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from assessments.models import OPEN_DISPUTE_STATUSES, DisputeStatus, DisputeStep, Evaluation, QaLead
from assessments.scorecards import rules
from assessments.scoring.selectors import scoring_policy_for_month
from notifications.models import ReminderSent
from portal.models import Role, User


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a dispute's timeline: a step taken (`step`), or the step it waits for (`waiting`)."""

    when: datetime | date
    step: DisputeStep | None = None
    waiting: rules.PendingStep | None = None
    overdue: bool = False
    escalated_on: date | None = None


def pending_step_of(evaluation: Evaluation, *, policies: dict | None = None) -> rules.PendingStep | None:
    """The step `evaluation`'s dispute waits for, with its deadline from the policy of the evaluation's month
    (`policies` caches the policy per month across many evaluations)."""
    if not evaluation.dispute_is_open:
        return None
    policies = {} if policies is None else policies
    month = evaluation.date.replace(day=1)
    if month not in policies:
        policies[month] = scoring_policy_for_month(month)
    policy = policies[month]
    return rules.pending_step(
        status=evaluation.dispute_status,
        disputed_on=timezone.localdate(evaluation.disputed_at) if evaluation.disputed_at else None,
        endorsed_on=(
            timezone.localdate(evaluation.dispute_reviewed_at) if evaluation.dispute_reviewed_at else None
        ),
        endorse_days=policy.endorse_days,
        decide_days=policy.decide_days,
    )


def dispute_timeline(evaluation: Evaluation, *, today: date) -> list[TimelineEntry]:
    """Every dated step of the evaluation's dispute, then the step it waits for (due date, overdue, and when
    HR was told of it)."""
    entries = [
        TimelineEntry(when=step.at, step=step)
        for step in DisputeStep.objects.filter(evaluation=evaluation).select_related("actor")
    ]
    waiting = pending_step_of(evaluation)
    if waiting is not None:
        escalated = ReminderSent.objects.filter(
            kind="dispute_overdue", key=f"dispute-overdue:{evaluation.pk}:{waiting.step}"
        ).aggregate(first=Min("sent_on"))["first"]
        entries.append(
            TimelineEntry(
                when=waiting.due_on, waiting=waiting, overdue=waiting.overdue(today), escalated_on=escalated
            )
        )
    return entries


def team_leads_of(staff: User) -> QuerySet:
    """The active team leads of `staff`'s team other than `staff`: who endorses or rejects their disputes."""
    if not staff.team_id:
        return User.objects.none()
    return User.objects.filter(role=Role.TEAM_LEAD, team_id=staff.team_id, is_active=True).exclude(
        pk=staff.pk
    )


def with_pending_steps(evaluations) -> list[tuple[Evaluation, rules.PendingStep | None]]:
    """Each evaluation with the step its dispute waits for (one policy query per month, not per evaluation)."""
    policies: dict = {}
    return [(e, pending_step_of(e, policies=policies)) for e in evaluations]


def overdue_count(*, today: date, limit: int = 5000) -> int:
    """How many open disputes have a step past its deadline (HR's home page)."""
    return sum(
        1
        for _e, step in with_pending_steps(disputes_open()[:limit])
        if step is not None and step.overdue(today)
    )


def is_qa_lead(user: User) -> bool:
    return bool(user.is_authenticated and QaLead.objects.filter(user=user, user__is_active=True).exists())


def may_edit_scoring_standards(user) -> bool:
    """Who changes scorecard rubrics and transcript rules, the inputs of every QA score: HR (the QA permission)
    and the QA leads HR appointed."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.has_perm("assessments.manage_qa") or is_qa_lead(user))
    )


def may_review_dispute(user: User, evaluation: Evaluation) -> bool:
    """Whether `user` is the team lead who may endorse or reject this open dispute now."""
    return (
        evaluation.dispute_status == DisputeStatus.OPEN
        and user.role == Role.TEAM_LEAD
        and user.is_active
        and user.team_id is not None
        and user.team_id == evaluation.staff.team_id
        and user.pk != evaluation.staff_id
        and not made_by(evaluation, user)
    )


def may_decide_dispute(user: User, evaluation: Evaluation) -> bool:
    """Whether `user` is a QA lead who may decide this endorsed dispute now."""
    return (
        evaluation.dispute_status == DisputeStatus.ENDORSED
        and user.pk != evaluation.staff_id
        and not made_by(evaluation, user)
        and is_qa_lead(user)
    )


def made_by(evaluation: Evaluation, user: User) -> bool:
    return user.pk == evaluation.evaluator_user_id or evaluation.evaluator.split(" #")[0] == user.employee_no


def _with_people(qs: QuerySet) -> QuerySet:
    return qs.select_related("staff", "staff__team", "evaluator_user").order_by("disputed_at", "pk")


def disputes_for_team_lead(user: User) -> QuerySet:
    """Disputes of `user`'s team members waiting for their team lead (not their own, nor ones they made)."""
    if user.role != Role.TEAM_LEAD or not user.team_id:
        return Evaluation.objects.none()
    return _with_people(
        Evaluation.objects.filter(dispute_status=DisputeStatus.OPEN, staff__team_id=user.team_id)
        .exclude(staff=user)
        .exclude(evaluator_user=user)
    )


def disputes_for_qa_lead(user: User) -> QuerySet:
    """Endorsed disputes waiting for a QA lead, when `user` is one: not of their own evaluations."""
    if not is_qa_lead(user):
        return Evaluation.objects.none()
    return _with_people(
        Evaluation.objects.filter(dispute_status=DisputeStatus.ENDORSED)
        .exclude(staff=user)
        .exclude(evaluator_user=user)
        .exclude(Q(evaluator=user.employee_no) | Q(evaluator__startswith=f"{user.employee_no} #"))
    )


def disputes_open() -> QuerySet:
    """Every dispute still in the chain (HR's overview), oldest first."""
    return _with_people(Evaluation.objects.filter(dispute_status__in=OPEN_DISPUTE_STATUSES))


def critical_failures(*, pending_only: bool = True) -> QuerySet:
    """Evaluations that failed a critical item, waiting for HR's review first (or all of them), newest first."""
    qs = Evaluation.objects.filter(hr_review_needed=True).select_related(
        "staff", "staff__team", "hr_reviewed_by"
    )
    if pending_only:
        qs = qs.filter(hr_reviewed_at__isnull=True)
    return qs.order_by("-date", "-pk")


def qa_leads() -> QuerySet:
    return QaLead.objects.select_related("user", "appointed_by").order_by("user__employee_no")

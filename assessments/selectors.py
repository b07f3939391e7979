"""Reads of assessment records that scoring and incentives use: set-based, one query per concern."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessments import rules
from assessments.models import Evaluation, KpiRecord, MonthlyScore, ScoringPolicyVersion
from courses.models import Category
from courses.selectors import credited_hours_by_staff, learning_results_by_staff, month_bounds
from portal.models import IN_SERVICE_ROLES, User


def evaluation_scores_by_staff(*, month: date, staff_ids=None) -> dict[int, list[Decimal]]:
    """Scores of the QA evaluations (spot checks and role-plays) dated in `month`, per staff id."""
    first, following = month_bounds(month)
    qs = Evaluation.objects.filter(date__gte=first, date__lt=following)
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for staff_id, score in qs.values_list("staff_id", "score").iterator(chunk_size=5000):
        scores[staff_id].append(Decimal(str(score)))
    return dict(scores)


def scoring_policy_for_month(month: date) -> ScoringPolicyVersion:
    """The policy version in force in `month`: the latest whose effective month is on or before it.

    The default version (no effective month) applies when no dated version has started yet.
    """
    first = month.replace(day=1)
    dated = (
        ScoringPolicyVersion.objects.filter(effective_month__lte=first).order_by("-effective_month").first()
    )
    return dated or ScoringPolicyVersion.objects.get(effective_month__isnull=True)


def scored_staff_for_month(month: date):
    """Who is scored for a month: active in-service front-line staff (agents and team leads)."""
    return User.objects.filter(is_active=True, role__in=IN_SERVICE_ROLES)


@dataclass(frozen=True)
class StaffMonthInput:
    """Everything the score rules and the Service Star rules need about one person for one month."""

    staff_id: int
    employee_no: str
    name: str
    department: str
    team: str
    onboarded_on: date | None
    in_service_hours: Decimal
    kpis: rules.KpiValues | None
    quality_scores: list[Decimal]
    learning_results: list[Decimal]


def staff_month_inputs(*, month: date, staff_ids=None) -> list[StaffMonthInput]:
    """Inputs of every scored staff member for `month`, fetched set-based (a handful of queries in all)."""
    first = month.replace(day=1)
    people = scored_staff_for_month(first)
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    people = list(
        people.values_list("pk", "employee_no", "name", "department__name", "team__name", "onboarded_on")
    )
    ids = None if staff_ids is None else [p[0] for p in people]
    hours = credited_hours_by_staff(month=first, category=Category.IN_SERVICE, staff_ids=ids)
    results = learning_results_by_staff(month=first, category=Category.IN_SERVICE, staff_ids=ids)
    quality = evaluation_scores_by_staff(month=first, staff_ids=ids)
    kpis_qs = KpiRecord.objects.filter(month=first)
    if ids is not None:
        kpis_qs = kpis_qs.filter(staff_id__in=ids)
    kpis = {k.staff_id: k.as_rules() for k in kpis_qs.iterator(chunk_size=5000)}
    return [
        StaffMonthInput(
            staff_id=pk,
            employee_no=employee_no,
            name=name,
            department=dept or "",
            team=team or "",
            onboarded_on=onboarded_on,
            in_service_hours=hours.get(pk, Decimal(0)),
            kpis=kpis.get(pk),
            quality_scores=quality.get(pk, []),
            learning_results=results.get(pk, []),
        )
        for pk, employee_no, name, dept, team, onboarded_on in people
    ]


def monthly_scores_for_month(*, month: date, staff_ids=None) -> dict[int, MonthlyScore]:
    """Stored scores of a month by staff id."""
    qs = MonthlyScore.objects.filter(month=month.replace(day=1))
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    return {s.staff_id: s for s in qs}

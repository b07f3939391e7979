"""The synthetic company generator: realistic shape, service-identical rows, reproducible from the seed."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from assessments.models import Attempt, Evaluation, KpiRecord, MonthlyScore
from courses.models import Enrolment, LearningResult, LessonCompletion, ProgrammePage
from demo.scale.company import synthetic_staff
from incentives.models import ServiceStarPublication
from portal.models import MonthLock, Role, User
from portal.roles import group_name

TODAY = date(2026, 11, 23)


class _Rollback(Exception):
    pass


def _generate(seed: int) -> None:
    call_command(
        "generate_scale_data",
        staff=200,
        months=2,
        seed=seed,
        today=TODAY,
        stdout=StringIO(),
        stderr=StringIO(),
    )


def _fingerprint() -> dict:
    staff = synthetic_staff()
    return {
        "people": list(
            staff.order_by("employee_no").values_list(
                "employee_no", "name", "role", "department__name", "team__name", "hire_date", "onboarded_on"
            )
        ),
        "kpis": list(
            KpiRecord.objects.order_by("staff__employee_no", "month").values_list(
                "staff__employee_no", "month", "contacts_handled", "satisfaction_rate", "complaint_rate"
            )
        ),
        "evaluations": list(
            Evaluation.objects.order_by("staff__employee_no", "date", "kind").values_list(
                "staff__employee_no", "date", "kind", "score", "evaluator"
            )
        ),
        "completions": list(
            LessonCompletion.objects.order_by(
                "staff__employee_no", "completed_on", "lesson__title"
            ).values_list("staff__employee_no", "lesson__title", "completed_on", "hours", "via")
        ),
        "scores": list(
            MonthlyScore.objects.order_by("staff__employee_no", "month").values_list(
                "staff__employee_no", "month", "composite"
            )
        ),
    }


def _generate_and_fingerprint(seed: int) -> dict:
    try:
        with transaction.atomic():
            _generate(seed)
            fingerprint = _fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    return fingerprint


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_company():
    first = _generate_and_fingerprint(7)
    assert not synthetic_staff().exists()
    second = _generate_and_fingerprint(7)
    assert first == second
    assert len(first["people"]) == 200
    assert first["kpis"] and first["evaluations"] and first["completions"] and first["scores"]


@pytest.mark.django_db
def test_a_small_company_has_the_shape_and_rows_of_the_real_thing():
    _generate(3)
    staff = list(synthetic_staff().prefetch_related("groups"))
    roles = Counter(u.role for u in staff)
    assert len(staff) == 200
    assert roles[Role.TEAM_LEAD] == 20
    assert roles[Role.NEW_HIRE] == 6
    assert roles[Role.MANAGER] >= 1 and roles[Role.TRAINER] >= 1 and roles[Role.HR] >= 1
    # As the roster import writes them: no usable password, the role's group, admin-site flags by role.
    for user in staff:
        assert not user.has_usable_password()
        assert [g.name for g in user.groups.all()] == [group_name(user.role)]
        assert user.is_staff == (user.role in (Role.TRAINER, Role.HR, Role.ADMIN))
    # Every team has its lead; new hires are still in onboarding.
    leads_per_team = Counter(u.team_id for u in staff if u.role == Role.TEAM_LEAD)
    assert set(leads_per_team.values()) == {1}
    assert all(u.onboarded_on is None for u in staff if u.role == Role.NEW_HIRE)

    in_service = [u for u in staff if u.role in (Role.AGENT, Role.TEAM_LEAD)]
    months = [date(2026, 9, 1), date(2026, 10, 1)]
    for month in months:
        programme = ProgrammePage.objects.get(kind="monthly", month=month)
        # Everyone onboarded before the month's end is enrolled, with one KPI row and a score.
        expected = {
            u.pk for u in in_service if u.onboarded_on and u.onboarded_on < date(month.year, month.month, 28)
        }
        enrolled = set(Enrolment.objects.filter(programme=programme).values_list("staff_id", flat=True))
        assert expected <= enrolled
        kpi_staff = set(KpiRecord.objects.filter(month=month).values_list("staff_id", flat=True))
        assert expected <= kpi_staff
        assert MonthlyScore.objects.filter(month=month, staff_id__in=expected).count() == len(expected)
    # Completed enrolments have every lesson done, crediting the lesson's planned hours.
    for completion in LessonCompletion.objects.select_related("lesson")[:200]:
        assert completion.hours == completion.lesson.planned_hours
    # Those who finished the module took its quiz: graded attempts that count as learning results.
    assert Attempt.objects.filter(status="graded").exists()
    assert LearningResult.objects.filter(source="quiz_attempt").count() == Attempt.objects.count()
    # Service Stars of every complete month but the last are published, which locks the month.
    assert ServiceStarPublication.objects.filter(month=months[0]).exists()
    assert MonthLock.objects.filter(month=months[0]).exists()
    assert not MonthLock.objects.filter(month=months[1]).exists()
    # The current month has partial progress only; no KPIs yet.
    assert not KpiRecord.objects.filter(month=date(2026, 11, 1)).exists()
    assert Enrolment.objects.filter(programme__month=date(2026, 11, 1)).exists()


@pytest.mark.django_db
def test_a_database_with_a_synthetic_company_is_refused():
    _generate(1)
    before = User.objects.count()
    with pytest.raises(Exception, match="already holds a synthetic company"):
        _generate(2)
    assert User.objects.count() == before

"""Reads for the leadership course's effect: who completed which course, and their department's monthly results
around it, from the stored monthly scores and KPI rows (through the scoring selectors). Reads never write."""

from dataclasses import dataclass
from datetime import date

from django.http import Http404
from django.utils.translation import gettext

from assessments.leadership import rules
from assessments.scoring.selectors import GroupMonthFigures, figures_by_team_and_month
from courses.selectors import leadership_completions
from portal.models import IN_SERVICE_ROLES, Role, Team, User


def completions_visible_to(viewer):
    """The leadership-course completions `viewer` may study: HR and admin every manager's, a manager their own;
    anyone else none (the views refuse them first)."""
    if viewer.is_hr:
        return leadership_completions()
    if viewer.role == Role.MANAGER:
        return leadership_completions(staff_ids=[viewer.pk])
    return leadership_completions(staff_ids=[])


def completion_get_for_user(viewer, *, enrolment_id: int):
    """One completion `viewer` may study, else 404 (so ids of other managers' courses cannot be probed)."""
    enrolment = completions_visible_to(viewer).filter(pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    return enrolment


@dataclass(frozen=True)
class GroupEffect:
    """One group (the department, or one of its teams) with each measure before and after."""

    name: str
    is_department: bool
    measures: dict[str, rules.MeasureComparison]


@dataclass(frozen=True)
class LeadershipEffect:
    enrolment: object  # courses.models.Enrolment, with staff, department and programme
    before_months: list[date]
    course_month: date
    after_months: list[date]
    groups: list[GroupEffect]  # the department first, then its teams by name

    @property
    def manager(self):
        return self.enrolment.staff

    @property
    def department(self):
        return self.enrolment.staff.department

    @property
    def department_effect(self) -> GroupEffect | None:
        return self.groups[0] if self.groups else None


def _department_staff(department_id: int):
    """Front-line staff of the department as it is now (leavers included: their months counted then)."""
    return User.objects.filter(department_id=department_id, role__in=IN_SERVICE_ROLES)


def leadership_effects(enrolments) -> list[LeadershipEffect]:
    """The before/after of each completion in `enrolments`: for the manager's department and each of its teams.

    Two queries per department plus one per policy version in force, whatever the number of staff; a manager
    without a department gets no groups.
    """
    enrolments = list(enrolments)
    by_department: dict[int, list] = {}
    for enrolment in enrolments:
        if enrolment.staff.department_id:
            by_department.setdefault(enrolment.staff.department_id, []).append(enrolment)
    teams = {
        t.pk: t.name
        for t in Team.objects.filter(department_id__in=by_department).only("pk", "name", "department_id")
    }
    figures_by_department = {}
    for department_id, items in by_department.items():
        months = sorted({m for e in items for m in _all_months(e.completed_on)})
        figures_by_department[department_id] = figures_by_team_and_month(
            months=months, staff_qs=_department_staff(department_id)
        )
    effects = []
    for enrolment in enrolments:
        before, month, after = rules.effect_months(enrolment.completed_on)
        groups = []
        figures = figures_by_department.get(enrolment.staff.department_id)
        if figures is not None:
            department: dict[date, GroupMonthFigures] = {}
            by_team: dict[int | None, dict[date, GroupMonthFigures]] = {}
            for (team_id, m), value in figures.items():
                department[m] = department.get(m, GroupMonthFigures()) + value
                by_team.setdefault(team_id, {})[m] = value
            groups.append(
                GroupEffect(
                    name=enrolment.staff.department.name,
                    is_department=True,
                    measures=rules.compare(department, enrolment.completed_on),
                )
            )
            window = set(_all_months(enrolment.completed_on))
            in_window = [pk for pk, months in by_team.items() if window & set(months)]
            for team_id in sorted(in_window, key=lambda pk: (pk is None, teams.get(pk, ""))):
                groups.append(
                    GroupEffect(
                        name=teams.get(team_id) or gettext("No team"),
                        is_department=False,
                        measures=rules.compare(by_team[team_id], enrolment.completed_on),
                    )
                )
        effects.append(LeadershipEffect(enrolment, before, month, after, groups))
    return effects


def _all_months(completed_on: date) -> list[date]:
    before, month, after = rules.effect_months(completed_on)
    return [*before, month, *after]

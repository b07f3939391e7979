"""Factories for tests. People go through the real service so groups and signals are as in production."""

from dataclasses import dataclass
from datetime import date

import factory

from portal.models import Department, Team, User
from portal.services import staff_create


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"部门{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("department", "name")

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"{n}组")


class StaffFactory(factory.Factory):
    """Builds staff through `portal.services.staff_create`."""

    class Meta:
        model = dict

    employee_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"员工{n}")
    role = "agent"
    email = factory.LazyAttribute(lambda o: f"{o.employee_no.lower()}@example.com")
    team = None
    department = factory.LazyAttribute(lambda o: o.team.department if o.team else None)
    hire_date = date(2025, 1, 6)
    onboarded_on = date(2025, 2, 1)
    password = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return staff_create(**kwargs)

    @classmethod
    def _build(cls, model_class, **kwargs):
        return staff_create(**kwargs)


@dataclass
class Org:
    dept_a: Department
    dept_b: Department
    team_a1: Team
    team_a2: Team
    team_b1: Team
    lead_a1: User
    agent_a1: User
    agent_a1b: User
    agent_a2: User
    agent_b1: User
    manager_a: User
    manager_b: User


def make_org() -> Org:
    """Two departments; department A has two teams. Enough to test every visibility scope."""
    dept_a = DepartmentFactory(name="客户服务部")
    dept_b = DepartmentFactory(name="技术支持部")
    team_a1 = TeamFactory(department=dept_a, name="热线一组")
    team_a2 = TeamFactory(department=dept_a, name="热线二组")
    team_b1 = TeamFactory(department=dept_b, name="宽带支持组")
    return Org(
        dept_a=dept_a,
        dept_b=dept_b,
        team_a1=team_a1,
        team_a2=team_a2,
        team_b1=team_b1,
        lead_a1=StaffFactory(role="team_lead", team=team_a1, employee_no="L0001"),
        agent_a1=StaffFactory(team=team_a1, employee_no="A0001"),
        agent_a1b=StaffFactory(team=team_a1, employee_no="A0002"),
        agent_a2=StaffFactory(team=team_a2, employee_no="A0003"),
        agent_b1=StaffFactory(team=team_b1, employee_no="B0001"),
        manager_a=StaffFactory(role="manager", department=dept_a, employee_no="M0001"),
        manager_b=StaffFactory(role="manager", department=dept_b, employee_no="M0002"),
    )

"""A synthetic company for benchmarks and load tests: `manage.py generate_scale_data --staff 10000 --months 12`.

Each app may contribute `<app>/scale.py` with `generate(*, rng, company, months, stdout)`; the command calls
them in INSTALLED_APPS order (people first, then curriculum, assessments, incentives), each inside its own
transaction and with its own random generator derived from the seed, so one app's data does not shift when
another app changes what it generates. Everything is written set-based (the roster through the roster import
service, the rest with `bulk_create` in batches); synthetic accounts get unusable passwords (no hashing).

This module holds the registry, the `Company` every part reads, and the people part: departments, teams,
roles, hire and onboarding dates.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.models import Department, Role, Team, User
from portal.months import first_of_month
from portal.services import staff_import
from portal.tabular.export import csv_bytes

EMPLOYEE_PREFIX = "S"
EMAIL_DOMAIN = "scale.example.com"
BATCH = 2000

DEPARTMENT_NAMES = [
    "热线服务部",
    "在线客服部",
    "技术支持部",
    "投诉处理部",
    "大客户服务部",
    "电子渠道部",
    "售后服务部",
    "回访质检部",
    "政企服务部",
    "国际业务部",
]
TEAM_WORDS = ["热线", "在线", "专席", "夜班", "回访", "宽带", "移动", "家庭", "政企", "会员"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚晨婷浩宇欣怡子涵梓萱一鸣雪梅佳琪思远嘉怡文博晓东海燕建华志强"
)


@dataclass(frozen=True)
class Person:
    pk: int
    employee_no: str
    role: str
    department_id: int | None
    team_id: int | None
    hire_date: date | None
    onboarded_on: date | None


@dataclass
class Company:
    """What the people part generated, for the other parts to build on.

    `months` are the complete months with full data (oldest first); `current_month` is the month of `today`,
    which has enrolments and partial progress only.
    """

    size: int
    seed: int
    today: date
    months: list[date]
    people: list[Person] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)

    @property
    def current_month(self) -> date:
        return first_of_month(self.today)

    def with_roles(self, *roles) -> list[Person]:
        return [p for p in self.people if p.role in roles]

    @property
    def in_service(self) -> list[Person]:
        """Front-line staff who take the monthly module and are scored: agents and team leads."""
        return self.with_roles(Role.AGENT, Role.TEAM_LEAD)

    def first(self, role) -> Person:
        return next(p for p in self.people if p.role == role)


def synthetic_staff():
    return User.objects.filter(employee_no__startswith=EMPLOYEE_PREFIX, email__endswith=f"@{EMAIL_DOMAIN}")


def random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.6:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A date in [start, end] (end inclusive); `start` when the range is empty."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


def role_counts(size: int) -> dict[str, int]:
    """~0.5% managers, ~10% team leads, trainers and HR, ~3% new hires, the rest agents."""
    counts = {
        Role.ADMIN: max(1, size // 5000),
        Role.HR: max(2, round(size * 0.002)),  # two: one approves, another publishes
        Role.TRAINER: max(1, round(size * 0.005)),
        Role.MANAGER: max(1, round(size * 0.005)),
        Role.TEAM_LEAD: max(1, round(size * 0.10)),
        Role.NEW_HIRE: max(1, round(size * 0.03)),
    }
    counts[Role.AGENT] = size - sum(counts.values())
    if counts[Role.AGENT] < counts[Role.TEAM_LEAD]:
        raise ValueError("Too few staff for a company: ask for at least 50.")
    return counts


def _spread(rng: random.Random, total: int, buckets: int) -> list[int]:
    """`total` split over `buckets` as evenly as possible, the larger buckets chosen at random."""
    sizes = [total // buckets] * buckets
    for i in rng.sample(range(buckets), total % buckets):
        sizes[i] += 1
    return sizes


def generate(*, rng: random.Random, company: Company, months: list[date], stdout) -> None:
    """The people part: departments and teams, and the roster imported through `portal.services.staff_import`."""
    counts = role_counts(company.size)
    n_departments = max(2, -(-company.size // 1000))
    department_names = [
        DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)] + (str(i // len(DEPARTMENT_NAMES) + 1) if i >= 10 else "")
        for i in range(n_departments)
    ]
    # One lead per team; teams are spread evenly over departments.
    n_teams = counts[Role.TEAM_LEAD]
    teams = []
    per_department = Counter()
    for t in range(n_teams):
        dept = department_names[t % n_departments]
        per_department[dept] += 1
        teams.append(
            (dept, f"{TEAM_WORDS[(t // n_departments) % len(TEAM_WORDS)]}{per_department[dept]:02d}组")
        )

    window_start = months[0] if months else company.current_month
    last_full_day = company.current_month - timedelta(days=1)
    long_ago = window_start.replace(year=window_start.year - 8)
    rows = []
    serial = 0

    def add(role, dept, team, hire_date, onboarded_on):
        nonlocal serial
        serial += 1
        employee_no = f"{EMPLOYEE_PREFIX}{serial:06d}"
        rows.append(
            [
                employee_no,
                random_name(rng),
                f"{employee_no.lower()}@{EMAIL_DOMAIN}",
                dept or "",
                team or "",
                role,
                hire_date,
                onboarded_on,
            ]
        )

    def veteran_dates():
        hired = random_date(rng, long_ago, window_start - timedelta(days=40))
        return hired, hired + timedelta(days=rng.randint(9, 13))

    def agent_dates():
        # About 15% of agents joined during the generated months: they have onboarding history in the portal.
        if months and rng.random() < 0.15:
            hired = random_date(rng, window_start, last_full_day - timedelta(days=20))
            return hired, hired + timedelta(days=rng.randint(9, 13))
        return veteran_dates()

    for _ in range(counts[Role.ADMIN]):
        add(Role.ADMIN, department_names[0], None, *veteran_dates())
    for i in range(counts[Role.HR]):
        add(Role.HR, department_names[i % n_departments], None, *veteran_dates())
    for i in range(counts[Role.TRAINER]):
        add(Role.TRAINER, department_names[i % n_departments], None, *veteran_dates())
    for i in range(counts[Role.MANAGER]):
        add(Role.MANAGER, department_names[i % n_departments], None, *veteran_dates())
    agent_sizes = _spread(rng, counts[Role.AGENT], n_teams)
    hire_sizes = _spread(rng, counts[Role.NEW_HIRE], n_teams)
    for t, (dept, team) in enumerate(teams):
        add(Role.TEAM_LEAD, dept, team, *veteran_dates())
        for _ in range(agent_sizes[t]):
            add(Role.AGENT, dept, team, *agent_dates())
        for _ in range(hire_sizes[t]):
            hired = random_date(rng, company.today - timedelta(days=20), company.today)
            add(Role.NEW_HIRE, dept, team, hired, None)

    header = ["employee_no", "name", "email", "department", "team", "role", "hire_date", "onboarded_on"]
    data = csv_bytes(header, rows)
    result = staff_import(data=data, file_name=f"scale-roster-{company.size}-{company.seed}.csv")
    if result.errors:
        raise ValueError(f"The synthetic roster was refused: {result.errors[:3]}")

    company.department_ids = list(
        Department.objects.filter(name__in=department_names).values_list("pk", flat=True)
    )
    company.team_ids = list(
        Team.objects.filter(department_id__in=company.department_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    company.people = [
        Person(*values)
        for values in synthetic_staff()
        .order_by("employee_no")
        .values_list("pk", "employee_no", "role", "department_id", "team_id", "hire_date", "onboarded_on")
    ]
    by_role = Counter(p.role for p in company.people)
    stdout.write(
        f"People: {len(company.people)} staff in {len(company.department_ids)} departments, "
        f"{len(company.team_ids)} teams ("
        + ", ".join(f"{role} {by_role[role]}" for role in Role.values if by_role[role])
        + ")"
    )

"""Demo company: 2 departments, 6 teams, about 60 staff across every role. Idempotent."""

from datetime import date

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from portal.models import Department, Role, Team, User
from portal.services import staff_create

DEMO_PASSWORD = "Demo-2026-portal"  # noqa: S105 (published demo password)
# Demo HR/admin accounts need two-factor codes; their shared secret is public on purpose (demo only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_TOTP_USERS = ("hr01", "hr02", "admin01")

DEPARTMENTS = {
    "客户服务部": ["热线一组", "热线二组", "在线客服组"],
    "技术支持部": ["宽带支持组", "设备维修组", "投诉处理组"],
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "晨",
    "婷",
    "浩",
    "宇",
    "欣怡",
    "子涵",
    "梓萱",
    "一鸣",
]

# (employee_no, name, role, department index, team index or None, login shown in the demo list)
NAMED_ACCOUNTS = [
    ("admin01", "系统管理员", Role.ADMIN, 0, None),
    ("hr01", "何人力", Role.HR, 0, None),
    ("hr02", "韩质量", Role.HR, 1, None),
    ("trainer01", "陶培训", Role.TRAINER, 0, None),
    ("qa01", "秦质检", Role.TRAINER, 1, None),
    ("manager01", "孟经理", Role.MANAGER, 0, None),
    ("manager02", "马经理", Role.MANAGER, 1, None),
    ("lead01", "林组长", Role.TEAM_LEAD, 0, 0),
    ("agent01", "安小客", Role.AGENT, 0, 0),
    ("newhire01", "牛新人", Role.NEW_HIRE, 0, 0),
]
LOGIN_ROLES_SHOWN = ("admin01", "hr01", "hr02", "trainer01", "manager01", "lead01", "agent01", "newhire01")


def _name(i: int) -> str:
    return SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 11) % len(GIVEN)]


def seed(stdout=None):
    departments = {}
    teams = []
    for d_index, (dept_name, team_names) in enumerate(DEPARTMENTS.items()):
        dept, _ = Department.objects.get_or_create(name=dept_name)
        departments[d_index] = dept
        for team_name in team_names:
            team, _ = Team.objects.get_or_create(department=dept, name=team_name)
            teams.append(team)

    password_hash = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    existing = set(User.objects.values_list("employee_no", flat=True))

    def ensure(employee_no, name, role, dept, team, hire_date, onboarded_on, with_password):
        if employee_no in existing:
            return
        user = staff_create(
            employee_no=employee_no,
            name=name,
            role=role,
            email=f"{employee_no}@demo.example.com",
            department=dept,
            team=team,
            hire_date=hire_date,
            onboarded_on=onboarded_on,
        )
        if with_password:
            user.password = password_hash
            user.save(update_fields=["password"])

    for employee_no, name, role, d_index, t_index in NAMED_ACCOUNTS:
        dept = departments[d_index]
        team = teams[d_index * 3 + t_index] if t_index is not None else None
        onboarded = None if role == Role.NEW_HIRE else date(2025, 3, 14)
        hired = date(2026, 11, 2) if role == Role.NEW_HIRE else date(2025, 3, 3)
        ensure(employee_no, name, role, dept, team, hired, onboarded, with_password=True)

    # Front line: every team has a lead, seven agents and a new hire.
    serial = 1
    for t_index, team in enumerate(teams):
        dept = team.department
        if t_index != 0:
            ensure(
                f"E{serial:05d}",
                _name(serial),
                Role.TEAM_LEAD,
                dept,
                team,
                date(2023, 5, 8),
                date(2023, 5, 19),
                with_password=False,
            )
        serial += 1
        for k in range(7):
            hired = date(2024 + (k % 3 == 0), 1 + k, 8)
            ensure(
                f"E{serial:05d}",
                _name(serial),
                Role.AGENT,
                dept,
                team,
                hired,
                date(hired.year, hired.month, 20),
                with_password=False,
            )
            serial += 1
        if t_index != 0:
            ensure(
                f"E{serial:05d}",
                _name(serial),
                Role.NEW_HIRE,
                dept,
                team,
                date(2026, 11, 9),
                None,
                with_password=False,
            )
        serial += 1

    for employee_no in DEMO_TOTP_USERS:
        user = User.objects.get(employee_no=employee_no)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)

    if stdout is not None:
        stdout.write(
            f"People: {User.objects.count()} staff in {Department.objects.count()} departments, "
            f"{Team.objects.count()} teams."
        )
    logins = []
    for employee_no in LOGIN_ROLES_SHOWN:
        user = User.objects.get(employee_no=employee_no)
        note = (
            f" (two-factor code: `python manage.py demo_totp {employee_no}`)"
            if employee_no in DEMO_TOTP_USERS
            else ""
        )
        logins.append(f"{user.get_role_display()}: {employee_no} / {DEMO_PASSWORD}{note}")
    return logins

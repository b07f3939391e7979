"""The staff roster file: bytes in, validated rows and line-numbered errors out. Touches no database.

Columns (`STAFF_COLUMNS`): employee_no, name, email, department, team, role, hire_date, onboarded_on; email,
department, team and the dates may be blank. The optional column `mobile` (`STAFF_OPTIONAL_COLUMNS`, a mainland
mobile number) may be left out of the file or blank. The key is the employee number: the same person twice in one file
is an error, and so is one e-mail address or mobile number given on two lines. Whether an address already belongs to someone
else is checked by the import service, which has the database.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from portal.importing import DuplicateKeys, RowParser, file_rows_parse
from portal.models import Role
from portal.tabular.errors import RowError
from portal.tabular.fields import parse_choice, parse_date, parse_employee_no, parse_mobile, parse_text
from portal.tabular.mapping import ColumnMapping

STAFF_COLUMNS = ["employee_no", "name", "email", "department", "team", "role", "hire_date", "onboarded_on"]
# Optional: files without it import as before. DingTalk, Feishu and WeCom find people by it.
STAFF_OPTIONAL_COLUMNS = ["mobile"]
# The names HR's own spreadsheets give the columns.
STAFF_HEADER_ALIASES = {
    "employee_no": ("工号", "员工编号", "员工号"),
    "name": ("姓名",),
    "email": ("邮箱", "电子邮箱", "邮件"),
    "department": ("部门",),
    "team": ("班组", "小组"),
    "role": ("角色", "岗位"),
    "hire_date": ("入职日期",),
    "onboarded_on": ("入职培训完成日期", "培训完成日期"),
    "mobile": ("手机", "手机号", "手机号码"),
}
# The Chinese names of the roles (../shared/domain.md), as a roster may give them.
ROLE_SYNONYMS = {
    "新员工": Role.NEW_HIRE,
    "在岗员工": Role.AGENT,
    "员工": Role.AGENT,
    "坐席": Role.AGENT,
    "客服": Role.AGENT,
    "值班组长": Role.TEAM_LEAD,
    "班组长": Role.TEAM_LEAD,
    "组长": Role.TEAM_LEAD,
    "管理层": Role.MANAGER,
    "经理": Role.MANAGER,
    "培训师": Role.TRAINER,
    "质检": Role.TRAINER,
    "培训师/质检": Role.TRAINER,
    "人力资源": Role.HR,
    "服务质量部": Role.HR,
    "管理员": Role.ADMIN,
}


@dataclass
class StaffRow:
    line: int
    employee_no: str
    name: str
    email: str | None  # lower case; None when blank
    department: str | None
    team: str | None
    role: str
    hire_date: date | None
    onboarded_on: date | None
    mobile: str | None = None  # 11 digits; None when blank or absent


def staff_file_parse(
    data: bytes, file_name: str, *, mapping: ColumnMapping | None = None
) -> tuple[list[StaffRow], list[RowError]]:
    """Every valid row of a roster file and every error found (by line). Any error refuses the whole file."""
    return file_rows_parse(
        data,
        file_name,
        columns=STAFF_COLUMNS,
        optional=STAFF_OPTIONAL_COLUMNS,
        aliases=STAFF_HEADER_ALIASES,
        mapping=mapping,
        parse_row=_parse_row,
        unique=[
            (DuplicateKeys.of_employee_numbers(), lambda row: row.employee_no),
            (
                DuplicateKeys(
                    _("email: %(email)s is also given on line %(first)s."), column="email", key_name="email"
                ),
                lambda row: row.email,
            ),
            (
                DuplicateKeys(
                    _("mobile: %(mobile)s is also given on line %(first)s."),
                    column="mobile",
                    key_name="mobile",
                ),
                lambda row: row.mobile,
            ),
        ],
    )


def _parse_row(row: RowParser) -> StaffRow:
    employee_no = row.take(parse_employee_no, "employee_no")
    name = row.take(parse_text, "name", max_length=100)
    email = row.take(parse_text, "email", max_length=254, allow_blank=True)
    if email and ("@" not in email or " " in email):
        row.error(_("email: %(value)s is not an e-mail address.") % {"value": email}, column="email")
    department = row.take(parse_text, "department", max_length=100, allow_blank=True)
    team = row.take(parse_text, "team", max_length=100, allow_blank=True)
    if team and not department:
        row.error(_("team: a team needs its department."), column="team")
    return StaffRow(
        line=row.line,
        employee_no=employee_no,
        name=name,
        email=(email or "").lower() or None,
        department=department,
        team=team,
        role=row.take(parse_choice, "role", choices=Role.values, synonyms=ROLE_SYNONYMS),
        hire_date=row.take(parse_date, "hire_date", allow_blank=True),
        onboarded_on=row.take(parse_date, "onboarded_on", allow_blank=True),
        mobile=row.take(parse_mobile, "mobile"),
    )

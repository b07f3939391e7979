"""Every write of the people app: staff, roles, roster import, month locks, audit events."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from portal.importing import ImportResult, RowParser, import_run_record, read_import_table, refused
from portal.models import AuditEvent, Department, MonthLock, Role, Team, User
from portal.roles import group_name
from portal.signals import staff_changed
from portal.tabular import (
    RowError,
    parse_choice,
    parse_date,
    parse_employee_no,
    parse_mobile,
    parse_text,
)


def audit_record(*, action: str, acting_user=None, target=None, reason: str = "", **data) -> AuditEvent:
    """Write one audit row. Services that decide about money, recognition, scores or roles call this."""
    return AuditEvent.objects.create(
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data,
    )


# --- Month locks -------------------------------------------------------------------------------------------


class MonthLockedError(Exception):
    """Raised by a writer asked to change data of a published (locked) month."""

    def __init__(self, month: date):
        self.month = month
        super().__init__(
            _("%(month)s is published and locked; its data cannot change.") % {"month": f"{month:%Y-%m}"}
        )


def month_is_locked(month: date) -> bool:
    return MonthLock.objects.filter(month=month.replace(day=1)).exists()


def months_locked(months) -> set[date]:
    """Which of `months` (any dates; their first-of-month is checked) are locked."""
    firsts = {m.replace(day=1) for m in months}
    return (
        set(MonthLock.objects.filter(month__in=firsts).values_list("month", flat=True)) if firsts else set()
    )


def month_lock_set(*, month: date, acting_user, reason: str = "") -> MonthLock:
    lock, created = MonthLock.objects.get_or_create(
        month=month.replace(day=1), defaults={"locked_by": acting_user, "reason": reason}
    )
    if created:
        audit_record(action="month.lock", acting_user=acting_user, target=lock, reason=reason)
    return lock


def month_lock_release(*, month: date, acting_user, reason: str) -> None:
    deleted, _ = MonthLock.objects.filter(month=month.replace(day=1)).delete()
    if deleted:
        audit_record(action="month.unlock", acting_user=acting_user, reason=reason, month=f"{month:%Y-%m}")


# --- Staff -------------------------------------------------------------------------------------------------


def staff_set_groups(users: list[User]) -> None:
    """Make each person's role groups match their role (one group per role)."""
    if not users:
        return
    groups = {g.name: g for g in Group.objects.filter(name__startswith="role:")}
    Membership = User.groups.through
    role_group_ids = [g.pk for g in groups.values()]
    Membership.objects.filter(user_id__in=[u.pk for u in users], group_id__in=role_group_ids).delete()
    Membership.objects.bulk_create(
        [
            Membership(user_id=u.pk, group_id=groups[group_name(u.role)].pk)
            for u in users
            if group_name(u.role) in groups
        ],
        batch_size=500,
    )


def _wagtail_access_flags(role: str) -> dict:
    # Administrators are Django superusers (system settings); nobody else is.
    return {"is_superuser": role == Role.ADMIN, "is_staff": role in (Role.TRAINER, Role.HR, Role.ADMIN)}


def staff_create(
    *, employee_no: str, name: str, role: str, acting_user=None, password: str | None = None, **fields
) -> User:
    """Create one staff member (HR form, demo data, tests) and announce it."""
    with transaction.atomic():
        user = User(employee_no=employee_no, name=name, role=role, **_wagtail_access_flags(role), **fields)
        user.password = make_password(password)  # None gives an unusable password: set through invitation
        user.full_clean(exclude=["password"])
        user.save()
        staff_set_groups([user])
        audit_record(action="staff.create", acting_user=acting_user, target=user, role=role)
        transaction.on_commit(
            lambda: staff_changed.send(sender=User, staff_ids=[user.pk], created_ids=[user.pk])
        )
    return user


def staff_end_sessions(*, user: User) -> int:
    """End every session of `user` at once (a leaver, or "sign out everywhere"). Returns how many ended."""
    from allauth.usersessions.models import UserSession

    sessions = UserSession.objects.purge_and_list(user)
    for session in sessions:
        session.end()
    return len(sessions)


def staff_update(*, user: User, acting_user, **changes) -> User:
    """Change a staff member's profile; role changes update groups and are audited."""
    old_role = user.role
    with transaction.atomic():
        for key, value in changes.items():
            setattr(user, key, value)
        if "role" in changes:
            for key, value in _wagtail_access_flags(user.role).items():
                setattr(user, key, value)
        user.full_clean(exclude=["password"])
        user.save()
        if changes.get("is_active") is False:
            staff_end_sessions(user=user)
            audit_record(action="staff.deactivate", acting_user=acting_user, target=user)
        if user.role != old_role:
            staff_set_groups([user])
            audit_record(
                action="staff.role_change", acting_user=acting_user, target=user, old=old_role, new=user.role
            )
        transaction.on_commit(lambda: staff_changed.send(sender=User, staff_ids=[user.pk], created_ids=[]))
    return user


STAFF_COLUMNS = ["employee_no", "name", "email", "department", "team", "role", "hire_date", "onboarded_on"]
# Optional: files without it import as before.
STAFF_OPTIONAL_COLUMNS = ["mobile"]
STAFF_COUNT_KEYS = ["created", "updated", "unchanged"]
_PROFILE_FIELDS = ("name", "email", "mobile", "department_id", "team_id", "role", "hire_date", "onboarded_on")


@dataclass
class _StaffRow:
    line: int
    employee_no: str
    name: str
    email: str | None
    department: str | None
    team: str | None
    role: str
    hire_date: date | None
    onboarded_on: date | None
    mobile: str | None = None


def _parse_staff_row(line: int, cells: dict[str, str], errors: list[RowError]) -> _StaffRow | None:
    row = RowParser(line, cells)
    employee_no = row.take(parse_employee_no, "employee_no")
    name = row.take(parse_text, "name", max_length=100)
    email = row.take(parse_text, "email", max_length=254, allow_blank=True)
    if email and ("@" not in email or " " in email):
        row.error(_("email: %(value)s is not an e-mail address.") % {"value": email}, column="email")
    department = row.take(parse_text, "department", max_length=100, allow_blank=True)
    team = row.take(parse_text, "team", max_length=100, allow_blank=True)
    if team and not department:
        row.error(_("team: a team needs its department."), column="team")
    role = row.take(parse_choice, "role", choices=Role.values)
    hire_date = row.take(parse_date, "hire_date", allow_blank=True)
    onboarded_on = row.take(parse_date, "onboarded_on", allow_blank=True)
    mobile = row.take(parse_mobile, "mobile")
    if row.errors:
        errors.extend(row.errors)
        return None
    return _StaffRow(
        line,
        employee_no,
        name,
        (email or "").lower() or None,
        department,
        team,
        role,
        hire_date,
        onboarded_on,
        mobile,
    )


def staff_import(*, data: bytes, file_name: str, dry_run: bool = False, acting_user=None) -> ImportResult:
    """Upsert the roster by employee number, all or nothing.

    Departments and teams are created as named. A blank optional cell (email, mobile, department, team, dates)
    keeps the stored value; in particular a blank `onboarded_on` never erases a recorded completion. The
    optional `mobile` column (a mainland mobile number, unique like e-mail) is how DingTalk, Feishu and WeCom
    sign-in and messages find people whose job number the platform does not keep. New accounts get
    no usable password: people set one through the invitation / password-reset e-mail.
    """
    table, refusal = read_import_table(
        data, file_name, required=STAFF_COLUMNS, optional=STAFF_OPTIONAL_COLUMNS, count_keys=STAFF_COUNT_KEYS
    )
    if refusal is not None:
        return refusal

    errors: list[RowError] = []
    rows: list[_StaffRow] = []
    first_line_of: dict[str, int] = {}
    email_line: dict[str, tuple[int, str]] = {}
    mobile_line: dict[str, tuple[int, str]] = {}
    for line, cells in table.rows:
        row = _parse_staff_row(line, cells, errors)
        if row is None:
            continue
        if row.employee_no in first_line_of:
            errors.append(
                RowError(
                    line=line,
                    column="employee_no",
                    message=_("employee_no: %(no)s appears again (first on line %(first)s).")
                    % {"no": row.employee_no, "first": first_line_of[row.employee_no]},
                )
            )
            continue
        first_line_of[row.employee_no] = line
        if row.email:
            if row.email in email_line:
                errors.append(
                    RowError(
                        line=line,
                        column="email",
                        message=_("email: %(email)s is also given on line %(first)s.")
                        % {"email": row.email, "first": email_line[row.email][0]},
                    )
                )
                continue
            email_line[row.email] = (line, row.employee_no)
        if row.mobile:
            if row.mobile in mobile_line:
                errors.append(
                    RowError(
                        line=line,
                        column="mobile",
                        message=_("mobile: %(mobile)s is also given on line %(first)s.")
                        % {"mobile": row.mobile, "first": mobile_line[row.mobile][0]},
                    )
                )
                continue
            mobile_line[row.mobile] = (line, row.employee_no)
        rows.append(row)

    existing = {u.employee_no: u for u in User.objects.filter(employee_no__in=first_line_of)}
    if email_line:
        for email, employee_no in User.objects.filter(email__in=list(email_line)).values_list(
            "email", "employee_no"
        ):
            line, importing_no = email_line[email]
            if employee_no != importing_no:
                errors.append(
                    RowError(
                        line=line,
                        column="email",
                        message=_("email: %(email)s already belongs to %(other)s.")
                        % {"email": email, "other": employee_no},
                    )
                )
    if mobile_line:
        for mobile, employee_no in User.objects.filter(mobile__in=list(mobile_line)).values_list(
            "mobile", "employee_no"
        ):
            line, importing_no = mobile_line[mobile]
            if employee_no != importing_no:
                errors.append(
                    RowError(
                        line=line,
                        column="mobile",
                        message=_("mobile: %(mobile)s already belongs to %(other)s.")
                        % {"mobile": mobile, "other": employee_no},
                    )
                )
    if errors:
        return refused(STAFF_COUNT_KEYS, errors)

    with transaction.atomic():
        departments = {d.name: d for d in Department.objects.all()}
        teams = {(t.department.name, t.name): t for t in Team.objects.select_related("department")}
        new_departments = sorted(
            {r.department for r in rows if r.department and r.department not in departments}
        )
        new_teams = sorted(
            {(r.department, r.team) for r in rows if r.team and (r.department, r.team) not in teams}
        )
        if not dry_run:
            for name in new_departments:
                departments[name] = Department.objects.create(name=name)
            for dept_name, team_name in new_teams:
                teams[(dept_name, team_name)] = Team.objects.create(
                    department=departments[dept_name], name=team_name
                )

        to_create: list[User] = []
        to_update: list[User] = []
        role_changed: list[User] = []
        unchanged = 0
        for row in rows:
            values = {"name": row.name, "role": row.role}
            if row.email is not None:
                values["email"] = row.email
            if row.mobile:
                values["mobile"] = row.mobile
            if row.department:
                values["department_id"] = getattr(departments.get(row.department), "pk", None)
            if row.team:
                values["team_id"] = getattr(teams.get((row.department, row.team)), "pk", None)
            if row.hire_date:
                values["hire_date"] = row.hire_date
            if row.onboarded_on:
                values["onboarded_on"] = row.onboarded_on
            user = existing.get(row.employee_no)
            if user is None:
                user = User(employee_no=row.employee_no, **values, **_wagtail_access_flags(row.role))
                # An unusable password costs no hashing: imports of thousands of people stay fast.
                user.set_unusable_password()
                to_create.append(user)
                continue
            if all(getattr(user, key) == value for key, value in values.items()):
                unchanged += 1
                continue
            if values["role"] != user.role:
                role_changed.append(user)
            for key, value in values.items():
                setattr(user, key, value)
            for key, value in _wagtail_access_flags(user.role).items():
                setattr(user, key, value)
            to_update.append(user)

        result = ImportResult(
            counts={"created": len(to_create), "updated": len(to_update), "unchanged": unchanged},
            dry_run=dry_run,
            preview=[
                {
                    "line": r.line,
                    "employee_no": r.employee_no,
                    "name": r.name,
                    "role": r.role,
                    "action": "update" if r.employee_no in existing else "create",
                }
                for r in rows[:20]
            ],
        )
        if dry_run:
            return result
        User.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            User.objects.bulk_update(
                to_update, [*_PROFILE_FIELDS, "is_superuser", "is_staff"], batch_size=500
            )
        created_users = list(User.objects.filter(employee_no__in=[u.employee_no for u in to_create]))
        staff_set_groups(created_users + role_changed)
        for user in role_changed:
            audit_record(
                action="staff.role_change", acting_user=acting_user, target=user, new=user.role, via="import"
            )
        import_run_record(
            kind="staff",
            file_name=file_name,
            data=data,
            result=result,
            acting_user=acting_user,
            extra={"departments_created": len(new_departments), "teams_created": len(new_teams)},
        )
        changed_ids = [u.pk for u in created_users] + [u.pk for u in to_update]
        created_ids = [u.pk for u in created_users]
        if changed_ids:
            transaction.on_commit(
                lambda: staff_changed.send(sender=User, staff_ids=changed_ids, created_ids=created_ids)
            )
    return result

"""Every write of the people app: staff, roles, roster import, month locks, audit events."""

from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.cache import MONTHS_SCOPE, scope_invalidate
from portal.importing import IMPORT_TARGETS, ImportResult, import_run_record, refused, skipped_notes
from portal.models import (
    AuditEvent,
    Department,
    ImportMapping,
    ImportMappingVersion,
    MonthLock,
    Role,
    Team,
    User,
)
from portal.months import first_of_month
from portal.principal import people_invalidate
from portal.roles import group_name
from portal.signals import staff_changed, staff_roles_changed
from portal.staff_file import staff_file_parse
from portal.tabular.errors import RowError
from portal.tabular.mapping import ColumnMapping, mapping_problems


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


def require_permission(acting_user, permission: str) -> None:
    """Raise PermissionDenied unless `acting_user` is signed in and holds `permission`."""
    if acting_user is None or not acting_user.is_authenticated or not acting_user.has_perm(permission):
        raise PermissionDenied(_("You may not do this."))


def audit_value(value):
    """A field's value as an audit row keeps it (JSON): dates in ISO form, decimals and records as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def field_changes(instance, values: dict) -> tuple[dict, dict]:
    """The fields of `values` that differ from `instance`'s, as (old, new) audit values of those fields only."""
    old, new = {}, {}
    for name, value in values.items():
        current = getattr(instance, name)
        if current != value:
            old[name], new[name] = audit_value(current), audit_value(value)
    return old, new


def audit_values(instance, fields) -> dict:
    """The values of `fields` of `instance`, as an audit row keeps them."""
    return {name: audit_value(getattr(instance, name)) for name in fields}


def fields_check(changes: dict, fields) -> None:
    """Refuse (TypeError, a programming error) a change of anything but `fields`."""
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")


# A record that people create, correct and delete by hand, each act audited. Call these inside the service's
# transaction, after its permission and domain checks.


def audited_create(*, instance, fields, action: str, reason: str = "", acting_user, **data):
    """Validate and save the new `instance`; audit the values of its `fields`."""
    instance.full_clean()
    instance.save()
    audit_record(
        action=action,
        acting_user=acting_user,
        target=instance,
        reason=(reason or "").strip(),
        new=audit_values(instance, fields),
        **data,
    )
    return instance


def audited_change(*, instance, changes: dict, action: str, reason: str = "", acting_user, **data):
    """Apply `changes` to `instance` (as stored, fetched for update), validate and save it; audit the old and new
    value of each changed field. No change writes nothing."""
    old, new = field_changes(instance, changes)
    if not new:
        return instance
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    audit_record(
        action=action,
        acting_user=acting_user,
        target=instance,
        reason=(reason or "").strip(),
        old=old,
        new=new,
        **data,
    )
    return instance


def audited_delete(*, instance, fields, action: str, reason: str = "", acting_user, **data) -> None:
    """Delete `instance`; audit the values of its `fields` as they were."""
    audit_record(
        action=action,
        acting_user=acting_user,
        target=instance,
        reason=(reason or "").strip(),
        old=audit_values(instance, fields),
        **data,
    )
    instance.delete()


# --- Month locks -------------------------------------------------------------------------------------------


class MonthLockedError(Exception):
    """Raised by a writer asked to change data of a published (locked) month."""

    def __init__(self, month: date):
        self.month = month
        super().__init__(
            _("%(month)s is published and locked; its data cannot change.") % {"month": f"{month:%Y-%m}"}
        )


def month_is_locked(month: date) -> bool:
    return MonthLock.objects.filter(month=first_of_month(month)).exists()


def months_locked(months) -> set[date]:
    """Which of `months` (any dates; their first-of-month is checked) are locked."""
    firsts = {first_of_month(m) for m in months}
    return (
        set(MonthLock.objects.filter(month__in=firsts).values_list("month", flat=True)) if firsts else set()
    )


def month_lock_set(*, month: date, acting_user, reason: str = "") -> MonthLock:
    lock, created = MonthLock.objects.get_or_create(
        month=first_of_month(month), defaults={"locked_by": acting_user, "reason": reason}
    )
    if created:
        audit_record(action="month.lock", acting_user=acting_user, target=lock, reason=reason)
        scope_invalidate(MONTHS_SCOPE)
    return lock


def month_lock_release(*, month: date, acting_user, reason: str) -> None:
    deleted, _ = MonthLock.objects.filter(month=first_of_month(month)).delete()
    if deleted:
        audit_record(action="month.unlock", acting_user=acting_user, reason=reason, month=f"{month:%Y-%m}")
        scope_invalidate(MONTHS_SCOPE)


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
    # Membership rows written directly send no m2m signal: the cached permissions are made stale here.
    people_invalidate([u.pk for u in users])


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
        staff_roles_changed.send(sender=User, staff_ids=[user.pk])
        transaction.on_commit(
            lambda: staff_changed.send(sender=User, staff_ids=[user.pk], created_ids=[user.pk])
        )
    return user


def staff_invite(*, user: User, acting_user, request) -> str:
    """E-mail `user` a link to set their password: an invitation for someone who has none yet (imported
    people), a password reset otherwise; the link is allauth's password-reset link. HR only. `request` gives
    the site address the link points to. Returns "invitation" or "password_reset". Audited.
    """
    from allauth.account.forms import ResetPasswordForm

    from portal.access import can_manage_people

    if acting_user is None or not acting_user.is_authenticated or not can_manage_people(acting_user):
        raise PermissionDenied(_("You may not do this."))
    if not user.email:
        raise ValidationError(_("%(name)s has no e-mail address; add one first.") % {"name": user.name})
    if not user.is_active:
        raise ValidationError(_("%(name)s is inactive; reactivate them first.") % {"name": user.name})
    kind = "password_reset" if user.has_usable_password() else "invitation"
    form = ResetPasswordForm(data={"email": user.email})
    if not form.is_valid():
        raise ValidationError(form.errors["email"])
    with transaction.atomic():
        audit_record(action="staff.invite", acting_user=acting_user, target=user, email=user.email, kind=kind)
        form.save(request)
    return kind


def staff_end_sessions(*, user: User) -> int:
    """End every session of `user` at once (a leaver, or "sign out everywhere"). Returns how many ended."""
    from allauth.usersessions.models import UserSession

    sessions = UserSession.objects.purge_and_list(user)
    for session in sessions:
        session.end()
    return len(sessions)


def staff_update(*, user: User, acting_user, **changes) -> User:
    """Change a staff member's profile; role changes update groups and are audited."""
    old_role, was_active = user.role, user.is_active
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
        if user.role != old_role or user.is_active != was_active:
            staff_roles_changed.send(sender=User, staff_ids=[user.pk])
        transaction.on_commit(lambda: staff_changed.send(sender=User, staff_ids=[user.pk], created_ids=[]))
    return user


STAFF_COUNT_KEYS = ["created", "updated", "unchanged"]
_PROFILE_FIELDS = ("name", "email", "mobile", "department_id", "team_id", "role", "hire_date", "onboarded_on")


def _taken_by_others(rows, field: str, message: str) -> list[RowError]:
    """A refusal for each row whose unique `field` (e-mail, mobile) already belongs to another person."""
    row_of = {getattr(r, field): r for r in rows if getattr(r, field)}
    taken = User.objects.filter(**{f"{field}__in": list(row_of)}).values_list(field, "employee_no")
    return [
        RowError(
            line=row_of[value].line, column=field, message=message % {"value": value, "other": employee_no}
        )
        for value, employee_no in (taken if row_of else ())
        if employee_no != row_of[value].employee_no
    ]


def staff_import(
    *,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    acting_user=None,
    mapping: ColumnMapping | None = None,
) -> ImportResult:
    """Upsert the roster by employee number, all or nothing.

    Departments and teams are created as named. A blank optional cell (email, mobile, department, team, dates)
    keeps the stored value; in particular a blank `onboarded_on` never erases a recorded completion. The
    optional `mobile` column (a mainland mobile number, unique like e-mail) is how DingTalk, Feishu and WeCom
    sign-in and messages find people whose job number the platform does not keep. New accounts get
    no usable password: people set one through the invitation / password-reset e-mail.
    """
    rows, errors = staff_file_parse(data, file_name, mapping=mapping)
    existing = {u.employee_no: u for u in User.objects.filter(employee_no__in=[r.employee_no for r in rows])}
    errors.extend(_taken_by_others(rows, "email", _("email: %(value)s already belongs to %(other)s.")))
    errors.extend(_taken_by_others(rows, "mobile", _("mobile: %(value)s already belongs to %(other)s.")))
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
            skipped=skipped_notes(rows),
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
            people_invalidate([u.pk for u in to_update])
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
            mapping=mapping,
        )
        if created_users or role_changed:
            staff_roles_changed.send(sender=User, staff_ids=[u.pk for u in created_users + role_changed])
        changed_ids = [u.pk for u in created_users] + [u.pk for u in to_update]
        created_ids = [u.pk for u in created_users]
        if changed_ids:
            transaction.on_commit(
                lambda: staff_changed.send(sender=User, staff_ids=changed_ids, created_ids=created_ids)
            )
    return result


def import_mapping_save(
    *, name: str, kind: str, columns: dict[str, str], rates: dict[str, list[str]], acting_user
) -> ImportMappingVersion:
    """Save a new version of the column mapping `name` for the import `kind` (creating the mapping), audited.

    `columns` maps source column names to the import's columns; `rates` maps an import rate column to its
    [numerator, denominator] source columns. Refused (ValidationError) when a target is not a column of that
    import, a rate lacks its two sources, or the mapping already exists for another import.
    """
    require_permission(acting_user, "portal.change_importmapping")
    if kind not in IMPORT_TARGETS:
        raise ValidationError(_("There is no import %(kind)s.") % {"kind": kind})
    targets, rate_targets = IMPORT_TARGETS[kind]
    problems = mapping_problems(columns=columns, rates=rates, targets=targets, rate_targets=rate_targets)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        mapping, _created = ImportMapping.objects.select_for_update().get_or_create(
            name=name.strip(), defaults={"kind": kind}
        )
        if mapping.kind != kind:
            raise ValidationError(_("The mapping %(name)s is for another import.") % {"name": mapping.name})
        latest = mapping.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = ImportMappingVersion.objects.create(
            mapping=mapping,
            number=latest + 1,
            columns={str(source).strip(): target for source, target in columns.items()},
            rates={target: [str(part).strip() for part in pair] for target, pair in rates.items()},
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        audit_record(
            action="import_mapping.save",
            acting_user=acting_user,
            target=version,
            name=mapping.name,
            kind=kind,
            version=version.number,
            columns=version.columns,
            rates=version.rates,
        )
    return version

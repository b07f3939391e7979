"""People and access: the organisation (departments → teams → staff), month locks, audit trail, import runs."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NEW_HIRE = "new_hire", _("New hire")
    AGENT = "agent", _("Agent")
    TEAM_LEAD = "team_lead", _("Team lead")
    MANAGER = "manager", _("Manager")
    TRAINER = "trainer", _("Trainer / QA")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Administrator")


# Front-line roles that are scored monthly and take the in-service module.
IN_SERVICE_ROLES = (Role.AGENT, Role.TEAM_LEAD)
# Roles that may enter the Wagtail admin.
ADMIN_ROLES = (Role.TRAINER, Role.HR, Role.ADMIN)


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Team(models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="teams", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="team_unique_name_in_department")
        ]

    def __str__(self):
        return f"{self.department.name} / {self.name}"


class StaffManager(UserManager):
    def _create_user(self, employee_no, email, password, **extra_fields):
        email = self.normalize_email(email) if email else ""
        user = self.model(employee_no=employee_no, email=email, **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, employee_no, email="", password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(employee_no, email, password, **extra_fields)

    def create_superuser(self, employee_no, email="", password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMIN)
        return self._create_user(employee_no, email, password, **extra_fields)


class User(AbstractUser):
    """A member of staff; the account and the roster record are one row.

    Imported people get an unusable password until they set one through the invitation / reset e-mail.
    """

    username = None
    first_name = None
    last_name = None
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True, default="")
    # A mainland mobile number (11 digits): how DingTalk, Feishu and WeCom find the person when their job number
    # is not kept there.
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, default="")
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("team")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    onboarded_on = models.DateField(_("onboarding completed on"), null=True, blank=True)

    USERNAME_FIELD = "employee_no"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "name"]

    objects = StaffManager()

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="user_unique_nonblank_email"
            ),
            models.UniqueConstraint(
                fields=["mobile"], condition=~Q(mobile=""), name="user_unique_nonblank_mobile"
            ),
        ]
        indexes = [models.Index(fields=["role", "is_active"], name="user_role_active_idx")]
        permissions = [
            ("import_staff", _("Can import the staff roster")),
            ("view_team_reports", _("Can see own team's reports")),
            ("view_department_reports", _("Can see own department's reports")),
        ]

    def __str__(self):
        return f"{self.name} ({self.employee_no})"

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name

    @property
    def is_hr(self) -> bool:
        return self.is_superuser or self.role in (Role.HR, Role.ADMIN)

    @property
    def is_in_service(self) -> bool:
        return self.role in IN_SERVICE_ROLES


class Platform(models.TextChoices):
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu")
    WECOM = "wecom", _("WeCom")


class PlatformIdentity(models.Model):
    """A person's user id on the company's DingTalk, Feishu or WeCom: what messages there are addressed to.

    Recorded when the person signs in through the platform, or when the portal found them through the
    platform's contacts API by their job number or mobile (so people are reached who never signed in there).
    """

    class Source(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in")
        CONTACTS = "contacts", _("contacts lookup")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="platform_identities", verbose_name=_("staff member")
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    platform_user_id = models.CharField(_("platform user id"), max_length=128)
    source = models.CharField(_("found by"), max_length=16, choices=Source.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("platform identity")
        verbose_name_plural = _("platform identities")
        constraints = [
            models.UniqueConstraint(fields=["user", "platform"], name="platformidentity_one_per_platform"),
            models.UniqueConstraint(
                fields=["platform", "platform_user_id"], name="platformidentity_unique_platform_user"
            ),
        ]

    def __str__(self):
        return f"{self.platform}:{self.platform_user_id}"


class MonthLock(models.Model):
    """A month whose data is frozen (Service Stars published). Every importer checks it before writing.

    Kept in the people app so that courses and assessments can read it without importing incentives.
    """

    month = models.DateField(_("month"), unique=True)
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    locked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("locked month")
        verbose_name_plural = _("locked months")
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="monthlock_first_of_month")]

    def __str__(self):
        return self.month.strftime("%Y-%m")


class AuditEvent(models.Model):
    """Who did what, when and why: scores, imports, decisions about money and recognition, role changes."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("who")
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        from portal.audit import action_label

        return action_label(self.action)


class ImportMapping(models.Model):
    """A saved mapping of another system's export ("天润融通坐席报表") to one import's columns; its content is
    in its versions, the newest applying."""

    kind = models.CharField(_("import"), max_length=32)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self):
        return self.name


class ImportMappingVersion(models.Model):
    """One saved version of a mapping: source column → our column, and our rates derived from two source
    columns (`{"complaint_rate": ["投诉量", "接待量"]}`). Versions are never changed, only added."""

    mapping = models.ForeignKey(ImportMapping, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    columns = models.JSONField(_("columns"), default=dict)
    rates = models.JSONField(_("derived rates"), default=dict)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["mapping", "-number"]
        verbose_name = _("column mapping version")
        verbose_name_plural = _("column mapping versions")
        constraints = [
            models.UniqueConstraint(fields=["mapping", "number"], name="importmappingversion_unique_number")
        ]

    def __str__(self):
        return f"{self.mapping.name} v{self.number}"


class ImportRun(models.Model):
    """One committed import of a file: which file (by hash), what it did, who ran it."""

    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    month = models.DateField(_("month"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    replaced = models.PositiveIntegerField(_("replaced rows"), default=0)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    mapping_version = models.ForeignKey(
        ImportMappingVersion,
        verbose_name=_("column mapping"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.kind} {self.file_name}"


class PendingUpload(models.Model):
    """An uploaded import file between its preview and HR's confirmation.

    Kept in the database, not in process memory or a local temp dir, so preview and confirm may be served by
    different app processes. Old rows are removed when a newer upload of the same person arrives.
    """

    token = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=32)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.kind} {self.file_name}"

"""Curriculum (Wagtail pages) and learning records (plain models).

Pages: TrainingRootPage → ProgrammePage (onboarding / monthly / leadership) → ModulePage → LessonPage.
Records: Enrolment, LessonCompletion, TrainingRecord (imported), LearningResult (assessment results of a month).
Credited hours of a month are LessonCompletion hours plus TrainingRecord hours dated in it (Asia/Shanghai dates).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.forms import CheckboxSelectMultiple
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from courses.blocks import LessonBodyBlock
from courses.hooks import page_context
from courses.page_forms import ProgrammePageForm
from courses.panels import ProgrammePlanPanel
from courses.rules import quarter_start
from portal.months import first_of_month
from portal.page_cache import CachedViewRestrictionsMixin


class Category(models.TextChoices):
    """The credit category of training: what counts for onboarding, the monthly in-service hours, leadership."""

    ONBOARDING = "onboarding", _("Onboarding")
    IN_SERVICE = "in_service", _("In-service")
    LEADERSHIP = "leadership", _("Leadership")


class ProgrammeKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding programme (72 hours)")
    MONTHLY = "monthly", _("Monthly module (4 hours)")
    LEADERSHIP = "leadership", _("Quarterly leadership course")
    COURSE = "course", _("Learning-path course")


PROGRAMME_CATEGORY = {
    ProgrammeKind.ONBOARDING: Category.ONBOARDING,
    ProgrammeKind.MONTHLY: Category.IN_SERVICE,
    ProgrammeKind.LEADERSHIP: Category.LEADERSHIP,
    ProgrammeKind.COURSE: Category.IN_SERVICE,
}


VIEWED_LESSONS_KEY = "courses_viewed_lessons"


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online theory")
    OFFLINE = "offline", _("Offline practice")


class TrainingRootPage(CachedViewRestrictionsMixin, Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.ProgrammePage"]
    max_count = 1
    template = "courses/training_root_page.html"

    class Meta:
        verbose_name = _("training root")

    def route(self, request, path_components):
        """A programme, module or lesson in one query by its URL path, where Wagtail's default takes two per level.

        The tree's page types fix the type at each depth (programme → module → lesson); anything else (a page
        that is not live, a path that matches nothing) goes through Wagtail's own routing, which decides.
        """
        if 0 < len(path_components) <= len(CURRICULUM_LEVELS):
            model = CURRICULUM_LEVELS[len(path_components) - 1]
            try:
                page = model.objects.get(
                    path__startswith=self.path,
                    depth=self.depth + len(path_components),
                    url_path=f"{self.url_path}{'/'.join(path_components)}/",
                )
            except model.DoesNotExist:
                page = None
            if page is not None and page.live and page.specific_class is model:
                return RouteResult(page)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.pk:  # a preview of a page not yet saved has no place in the tree
            context.update(page_context(self, request))
        return context


class ProgrammePage(CachedViewRestrictionsMixin, Page):
    kind = models.CharField(_("kind"), max_length=16, choices=ProgrammeKind.choices)
    month = models.DateField(
        _("month"), null=True, blank=True, help_text=_("Monthly modules: the month it belongs to.")
    )
    quarter_start = models.DateField(
        _("quarter"), null=True, blank=True, help_text=_("Leadership course: first day of its quarter.")
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to complete"), default=0, help_text=_("0: by the end of the month (monthly) or quarter.")
    )
    summary = RichTextField(_("summary"), blank=True)

    subtitle = models.CharField(
        _("subtitle"), max_length=200, blank=True, help_text=_("E.g. the English title.")
    )
    active_share_percent = models.DecimalField(
        _("active study share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "An online lesson credits its planned hours only after the learner was active on it for this share "
            "of them. Blank: half (50%) for onboarding, none for other programmes; 0: no study time asked."
        ),
    )
    # A learning path: completing every prerequisite enrols the learner here. Kept with the page's revisions
    # (a parental relation), so a change takes effect when the page is published.
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        verbose_name=_("prerequisites"),
        help_text=_(
            "Learning-path courses only: programmes a learner must complete first. Completing all of them "
            "enrols the learner here, due by this programme's own rule."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        ProgrammePlanPanel(heading=_("Planned hours against the policy")),
        FieldPanel("kind"),
        FieldPanel("month"),
        FieldPanel("quarter_start"),
        FieldPanel("due_days"),
        FieldPanel("active_share_percent"),
        FieldPanel("summary"),
    ]
    settings_panels = [
        *Page.settings_panels,
        FieldPanel("prerequisites", widget=CheckboxSelectMultiple, heading=_("Learning path")),
    ]
    base_form_class = ProgrammePageForm
    parent_page_types = ["courses.TrainingRootPage"]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    subpage_types = ["courses.ModulePage"]
    template = "courses/programme_page.html"

    class Meta:
        verbose_name = _("programme")

    @property
    def category(self) -> str:
        return PROGRAMME_CATEGORY[self.kind]

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == ProgrammeKind.MONTHLY and not self.month:
            errors["month"] = _("A monthly module needs its month.")
        if self.kind == ProgrammeKind.LEADERSHIP and not self.quarter_start:
            errors["quarter_start"] = _("A leadership course needs its quarter.")
        if errors:
            raise ValidationError(errors)
        if self.month:
            self.month = first_of_month(self.month)
        if self.quarter_start:
            self.quarter_start = quarter_start(self.quarter_start)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.pk:  # a preview of a page not yet saved has no place in the tree
            context.update(page_context(self, request))
        return context


class ModulePage(CachedViewRestrictionsMixin, Page):
    summary = RichTextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["courses.ProgrammePage"]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    subpage_types = ["courses.LessonPage"]
    template = "courses/module_page.html"

    class Meta:
        verbose_name = _("module")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.pk:  # a preview of a page not yet saved has no place in the tree
            context.update(page_context(self, request))
        return context


class CompletionRule(models.TextChoices):
    """What an online lesson asks of the learner before its hours are credited."""

    STUDY_TIME = "study_time", _("Active study time (the programme's share of the planned hours)")
    QUIZ = "quiz", _("Passing its quiz instead")
    VIDEO = "video", _("Watching its video to the end instead")


class LessonPage(CachedViewRestrictionsMixin, Page):
    delivery_mode = models.CharField(_("delivery"), max_length=8, choices=DeliveryMode.choices)
    planned_hours = models.DecimalField(
        _("planned hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    required = models.BooleanField(_("required"), default=True)
    completion_rule = models.CharField(
        _("completed by"),
        max_length=12,
        choices=CompletionRule.choices,
        default=CompletionRule.STUDY_TIME,
        help_text=_("Online lessons: what the learner must do before the lesson's hours are credited."),
    )
    objectives = RichTextField(_("objectives"), blank=True)
    is_sop = models.BooleanField(_("SOP lesson"), default=False)
    must_reread = models.BooleanField(
        _("staff must re-read"),
        default=False,
        help_text=_(
            "SOP lessons: when you republish, every in-service staff member is shown what changed "
            "and must acknowledge it."
        ),
    )
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("delivery_mode"),
        FieldPanel("planned_hours"),
        FieldPanel("required"),
        FieldPanel("completion_rule"),
        MultiFieldPanel([FieldPanel("is_sop"), FieldPanel("must_reread")], heading=_("SOP")),
        FieldPanel("objectives"),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.ModulePage"]
    search_fields = [*Page.search_fields, index.SearchField("objectives"), index.SearchField("body")]
    subpage_types: list = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")

    def clean(self):
        super().clean()
        if self.completion_rule == CompletionRule.VIDEO and not any(
            block.block_type == "video" for block in self.body
        ):
            raise ValidationError(
                {"completion_rule": _("Add a video to the lesson, or choose another rule.")}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not self.pk:  # a preview of a page not yet saved has no place in the tree
            return context
        context.update(page_context(self, request))
        # Completing an online lesson requires having opened it (courses:lesson-complete checks this). Only a
        # lesson the learner may still complete is remembered: other views write no session.
        if context["completion"] is None and self.delivery_mode == DeliveryMode.ONLINE:
            viewed = request.session.get(VIEWED_LESSONS_KEY, [])
            if self.pk not in viewed:
                request.session[VIEWED_LESSONS_KEY] = [*viewed[-199:], self.pk]
        return context


# The page type at each level below the training root (see each type's parent_page_types).
CURRICULUM_LEVELS = (ProgrammePage, ModulePage, LessonPage)


class Enrolment(models.Model):
    """A person assigned a programme (onboarding, a monthly module, a leadership course, a remedial module)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    programme = models.ForeignKey(ProgrammePage, on_delete=models.CASCADE, related_name="enrolments")
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=32, default="policy")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["staff", "programme"], name="enrolment_once_per_programme")
        ]


class LessonCompletion(models.Model):
    """A lesson completed by a person, crediting its planned hours on the (Asia/Shanghai) completion date."""

    class Via(models.TextChoices):
        LEARNER = "learner", _("Completed online")
        QUIZ = "quiz", _("Quiz passed")
        ATTENDANCE = "attendance", _("Attendance recorded by a trainer")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField(_("completed on"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    via = models.CharField(max_length=16, choices=Via.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        permissions = [("record_attendance", _("Can record offline attendance"))]
        constraints = [models.UniqueConstraint(fields=["staff", "lesson"], name="lesson_completed_once")]
        indexes = [models.Index(fields=["category", "completed_on"], name="completion_cat_date_idx")]


class LessonStudyTime(models.Model):
    """Active time one learner spent on one online lesson, built from the lesson page's heartbeats on the server's
    clock (see `courses.rules.clock_beat`); and when they watched its video to the end."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="study_times")
    active_seconds = models.PositiveIntegerField(_("active seconds"), default=0)
    chain_seconds = models.PositiveIntegerField(default=0)
    last_beat_at = models.DateTimeField(null=True, blank=True)
    first_beat_at = models.DateTimeField(null=True, blank=True)
    video_watched_at = models.DateTimeField(_("video watched"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson study time")
        verbose_name_plural = _("lesson study times")
        constraints = [models.UniqueConstraint(fields=["staff", "lesson"], name="study_time_once_per_lesson")]


class TrainingRecord(models.Model):
    """Imported training: offline sessions, external courses, paper exams. Key: staff, date, category, title."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    date = models.DateField(_("date"), db_index=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        permissions = [("import_training_records", _("Can import training records"))]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "date", "category", "title"], name="training_record_key"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_record_hours_nonnegative"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="training_record_score_range",
            ),
        ]
        indexes = [models.Index(fields=["category", "date"], name="record_cat_date_idx")]


class LearningResult(models.Model):
    """An assessment result (percent) of a month, from a higher app (a graded quiz attempt).

    Assessments writes these through `courses.services.learning_result_record`; imported training-record
    scores are results too and are read from TrainingRecord directly.
    """

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_results"
    )
    date = models.DateField(_("date"), db_index=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    percent = models.DecimalField(_("result (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(max_length=32)
    source_id = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="learning_result_source_once"),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="learning_result_range"
            ),
        ]
        indexes = [models.Index(fields=["category", "date"], name="result_cat_date_idx")]


class SopRevision(models.Model):
    """A republished SOP lesson that staff must re-read: the previous live revision, the new one, what changed.

    The difference is worked out once at publish (from the two Wagtail revisions) and stored as lines, so
    thousands of staff reading it cost one row each, not a revision comparison each.
    """

    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="sop_revisions")
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    previous_revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    published_on = models.DateField(_("published on"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    diff = models.JSONField(_("changes"), default=list)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("SOP revision")
        verbose_name_plural = _("SOP revisions")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "revision"], name="sop_revision_once_per_revision")
        ]

    def __str__(self):
        return f"{self.title} ({self.published_on:%Y-%m-%d})"


class SopAcknowledgement(models.Model):
    """A staff member confirming they have read what changed in an SOP revision."""

    sop_revision = models.ForeignKey(SopRevision, on_delete=models.CASCADE, related_name="acknowledgements")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sop_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SOP acknowledgement")
        verbose_name_plural = _("SOP acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["sop_revision", "staff"], name="sop_acknowledged_once")
        ]


class OfflineSession(models.Model):
    """A scheduled offline practice session of a lesson, where learners check in by scanning the trainer's QR code.

    Scheduled → running (the trainer's screen shows the changing code) → closed (hours credited to the present).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    lesson = models.ForeignKey(
        LessonPage, on_delete=models.PROTECT, related_name="offline_sessions", verbose_name=_("lesson")
    )
    starts_at = models.DateTimeField(_("starts at"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("trainer")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("offline session")
        verbose_name_plural = _("offline sessions")

    def __str__(self):
        return f"{self.lesson.title} {self.starts_at:%Y-%m-%d %H:%M}"


class SessionCheckIn(models.Model):
    """One person present at an offline session: by scanning the code, or added by the trainer with a reason.

    A removed check-in keeps its row (who removed it and why); only rows without `removed_at` count as present.
    """

    class Via(models.TextChoices):
        QR = "qr", _("QR code")
        TRAINER = "trainer", _("Added by the trainer")

    session = models.ForeignKey(OfflineSession, on_delete=models.CASCADE, related_name="check_ins")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=8, choices=Via.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["checked_in_at"]
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="check_in_once_per_session")]

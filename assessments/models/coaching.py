"""The coaching loop: HR maps each KPI to a remedial module; a person below a KPI's target is assigned it once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class KpiCode(models.TextChoices):
    TIMELINESS = "timeliness", _("Response timeliness rate")
    RESOLUTION = "resolution", _("Resolution rate")
    SATISFACTION = "satisfaction", _("Customer satisfaction")
    COMPLAINT = "complaint", _("Complaint rate")


class CoachingModule(models.Model):
    """The remedial module (a curriculum ModulePage) assigned to whoever misses a KPI's target."""

    kpi = models.CharField(_("KPI"), max_length=16, choices=KpiCode.choices, unique=True)
    module = models.ForeignKey(
        "courses.ModulePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("remedial module")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("remedial module for a KPI")
        verbose_name_plural = _("remedial modules for KPIs")

    def __str__(self):
        return self.get_kpi_display()


class CoachingAssignment(models.Model):
    """A remedial module assigned to a person who missed a KPI's target in a month (once per person, month, KPI)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_assignments"
    )
    month = models.DateField(_("month"))
    kpi = models.CharField(_("KPI"), max_length=16, choices=KpiCode.choices)
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching assignment")
        verbose_name_plural = _("coaching assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "month", "kpi"], name="coaching_once_per_staff_month_kpi"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="coaching_month_first_day"),
        ]


class CoachingReview(models.Model):
    """A learner studied again a lesson they had completed before a remedial module was assigned to them.

    A lesson is completed (and its hours credited) once; a remedial module counts as done only when each of its
    required lessons was completed or reviewed after the assignment, so a repeat miss means studying it again.
    """

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("remedial lesson review")
        verbose_name_plural = _("remedial lesson reviews")
        constraints = [
            models.UniqueConstraint(fields=["staff", "lesson"], name="coaching_review_once_per_lesson")
        ]

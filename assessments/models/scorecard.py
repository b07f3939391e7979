"""Practical scorecards: rubric templates whose weighted criteria score a role-play or a spot check 0–100."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from assessments.models.evaluation import EvaluationKind


class Rubric(ClusterableModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EvaluationKind.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("is_active"),
        InlinePanel("criteria", label=_("Criteria"), min_num=1),
    ]

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return self.name


class RubricCriterion(models.Model):
    """One criterion of a rubric. `levels` is a list of {"percent": 0–100, "label": ..., "descriptor": ...}."""

    rubric = ParentalKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    levels = models.JSONField(_("levels"), default=list)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    critical = models.BooleanField(
        _("critical item"),
        default=False,
        help_text=_(
            "Choosing the lowest level (0%) on a critical item fails the whole evaluation: its score becomes the scoring "
            "policy's cap and HR reviews it."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("weight"),
        FieldPanel("levels"),
        FieldPanel("order"),
        FieldPanel("critical"),
    ]

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive")]

    def __str__(self):
        return self.name

    def clean(self):
        levels = self.levels if isinstance(self.levels, list) else None
        if not levels or not all(
            isinstance(level, dict)
            and isinstance(level.get("percent"), int | float)
            and 0 <= level["percent"] <= 100
            for level in levels
        ):
            raise ValidationError(
                {
                    "levels": _(
                        'Give the levels as a list like [{"percent": 0, "label": "...", "descriptor": "..."}].'
                    )
                }
            )

"""Reminders of QA evaluations for the daily run: disputes waiting for a second evaluator more than two days."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import DisputeStatus, Evaluation
from notifications.reminders import Reminder
from notifications.selectors import users_with_permission
from portal.models import User

EVALUATOR_PERMISSION = "assessments.evaluate_staff"


def dispute_decisions(cutoff: datetime) -> list[Reminder]:
    """Disputes open since before `cutoff`, to every evaluator who may decide them (not the first evaluator, not
    the evaluated person)."""
    disputes = list(
        Evaluation.objects.filter(dispute_status=DisputeStatus.OPEN, disputed_at__lt=cutoff)
        .values_list("pk", "staff_id", "evaluator_user_id", "evaluator", "disputed_at", "date", "staff__name")
        .order_by("disputed_at")
    )
    if not disputes:
        return []
    evaluators = dict(
        User.objects.filter(pk__in=users_with_permission(EVALUATOR_PERMISSION)).values_list(
            "pk", "employee_no"
        )
    )
    found = []
    for pk, staff_id, first_id, first_text, disputed_at, on_date, staff_name in disputes:
        url = reverse("assessments:evaluation-detail", args=[pk])
        found.extend(
            Reminder(
                recipient_id=decider,
                kind="decision_waiting",
                key=f"dispute:{pk}",
                title=f"{staff_name} · {on_date:%Y-%m-%d}",
                url=url,
                subject_id=staff_id,
                data={"what": _("Disputed evaluation"), "since": disputed_at},
            )
            for decider, employee_no in sorted(evaluators.items())
            if decider not in (staff_id, first_id) and employee_no != first_text
        )
    return found

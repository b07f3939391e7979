"""What waits for a QA evaluator in their work queue: sampled calls still to evaluate, each due by the end of
its month (registered with the decision finders at start-up)."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import SampledCall
from assessments.qa.rules import spot_check_due_on
from notifications.reminders import Reminder
from portal.models import MonthLock


def sampled_calls_to_evaluate(cutoff: datetime, recipient_id: int | None = None) -> list[Reminder]:
    """Sampled calls drawn before `cutoff` and not evaluated yet, to their assigned evaluator (only to
    `recipient_id` when given). A call of a published month can no longer be evaluated, so it leaves the queue
    (the month's coverage still shows it as not done)."""
    rows = (
        SampledCall.objects.filter(evaluation__isnull=True, draw__at__lt=cutoff, evaluator__is_active=True)
        .exclude(call__month__in=MonthLock.objects.values("month"))
        .order_by("draw__at", "pk")
    )
    if recipient_id is not None:
        rows = rows.filter(evaluator_id=recipient_id)
    return [
        Reminder(
            recipient_id=evaluator_id,
            kind="decision_waiting",
            key=f"qa-call:{pk}",
            title=f"{staff_name} · {call_id}",
            url=reverse("assessments:qa-sampled-call", args=[pk]),
            due_on=spot_check_due_on(month, timezone.localdate(drawn_at)),
            subject_id=staff_id,
            data={"what": _("Call to evaluate"), "since": drawn_at},
        )
        for pk, evaluator_id, call_id, staff_id, staff_name, month, drawn_at in rows.values_list(
            "pk",
            "evaluator_id",
            "call__call_id",
            "call__staff_id",
            "call__staff__name",
            "call__month",
            "draw__at",
        )
    ]

"""Reads of events out (never write): endpoints, the delivery log with its filters, statements that failed."""

from django.db.models import Count, Q

from events.models import SendStatus, WebhookDelivery, WebhookEndpoint, XapiStatement


def endpoints_list():
    return WebhookEndpoint.objects.select_related("created_by").annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=SendStatus.FAILED))
    )


def deliveries_list(*, status: str = "", endpoint_id: int | None = None, event: str = ""):
    rows = WebhookDelivery.objects.select_related("endpoint", "event")
    if status in SendStatus.values:
        rows = rows.filter(status=status)
    if endpoint_id:
        rows = rows.filter(endpoint_id=endpoint_id)
    if event:
        rows = rows.filter(event__event=event)
    return rows.order_by("-created_at", "-id")


def delivery_counts() -> dict:
    return dict(
        WebhookDelivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )


def statements_list(*, status: str = ""):
    rows = XapiStatement.objects.select_related("person")
    if status in SendStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at")


def statement_counts() -> dict:
    return dict(
        XapiStatement.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )

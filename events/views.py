"""The administrators' pages of webhooks: endpoints (register one, its secret shown once; switch off or on) and
the delivery log with re-send, with the xAPI statements sent to the LRS."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import selectors, services
from events.forms import WebhookEndpointForm
from events.models import EventName, SendStatus, WebhookDelivery, WebhookEndpoint, XapiStatement

MANAGE = services.MANAGE_PERMISSION


@login_required
@permission_required(MANAGE, raise_exception=True)
def endpoint_list(request):
    secret = None
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.webhook_endpoint_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = WebhookEndpointForm()
            messages.success(
                request, _("Endpoint %(name)s registered. Copy its secret now.") % {"name": endpoint.name}
            )
    return render(
        request,
        "events/endpoints.html",
        {
            "form": form,
            "secret": secret,
            "endpoints": selectors.endpoints_list(),
            "labels": dict(EventName.choices),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def endpoint_toggle(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.webhook_endpoint_set_active(
        endpoint=endpoint, active=not endpoint.active, acting_user=request.user
    )
    return redirect("webhooks:list")


@login_required
@permission_required(MANAGE, raise_exception=True)
def delivery_list(request):
    status = request.GET.get("status", "")
    event = request.GET.get("event", "")
    endpoint_id = request.GET.get("endpoint", "")
    endpoint_id = int(endpoint_id) if endpoint_id.isdigit() else None
    page = Paginator(
        selectors.deliveries_list(status=status, endpoint_id=endpoint_id, event=event), 50
    ).get_page(request.GET.get("page"))
    statements = Paginator(selectors.statements_list(status=request.GET.get("xapi", "")), 20).get_page(
        request.GET.get("xpage")
    )
    return render(
        request,
        "events/deliveries.html",
        {
            "page": page,
            "status": status,
            "event": event,
            "endpoint_id": endpoint_id,
            "counts": selectors.delivery_counts(),
            "statuses": SendStatus.choices,
            "events": EventName.choices,
            "endpoints": WebhookEndpoint.objects.only("pk", "name"),
            "statements": statements,
            "statement_counts": selectors.statement_counts(),
        },
    )


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("webhooks:deliveries")


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def delivery_resend(request, pk):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.webhook_delivery_resend(delivery=delivery, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Queued to be sent again now."))
    return _back(request)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def statement_resend(request, pk):
    statement = get_object_or_404(XapiStatement, pk=pk)
    try:
        services.xapi_statement_resend(statement=statement, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Queued to be sent again now."))
    return _back(request)

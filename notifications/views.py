"""The notification centre, people's preferences, and HR's delivery log and settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from notifications import rules, selectors, services
from notifications.channels import platforms_enabled
from notifications.forms import PolicyForm, PreferenceForm
from notifications.kinds import kind_choices
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.reminders import work_queue_for

MANAGE = "notifications.manage_notifications"


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for(request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@never_cache
@login_required
def work_queue(request):
    """Everything waiting for the reader (evaluations due, disputes, calibration, essays, sessions to sign), overdue
    first, with due dates and counts per kind of work."""
    items = work_queue_for(request.user, timezone.now())
    counts = rules.queue_counts([(str(i.data.get("what", "")), i.data["overdue"]) for i in items])
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/queue.html",
        {"page": page, "counts": counts, "total": len(items), "overdue": sum(c[2] for c in counts)},
    )


def _back(request, default="notifications:list"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = selectors.notification_get_for_user(request.user, notification_id)
    services.notification_mark_read(notification=notification, acting_user=request.user)
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(acting_user=request.user)
    if count:
        messages.success(request, _("%(n)s notifications marked as read.") % {"n": count})
    return _back(request)


@login_required
def preferences(request):
    preference = selectors.preference_get(request.user)
    policy = selectors.policy_get()
    usable = rules.delivery_channels(
        chosen=list(rules.CHOOSABLE_CHANNELS),
        default=[],
        enabled_platforms=platforms_enabled(),
        has_email=bool(request.user.email),
    )[1:]
    initial = {
        "use_default": preference.channels is None,
        "channels": policy.default_channels if preference.channels is None else preference.channels,
        "language": preference.language,
    }
    form = PreferenceForm(request.POST or None, initial=initial, usable_channels=usable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preference_update(
            person=request.user,
            channels=None if data["use_default"] else data["channels"],
            language=data["language"],
            acting_user=request.user,
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    effective = rules.delivery_channels(
        chosen=preference.channels,
        default=policy.default_channels,
        enabled_platforms=platforms_enabled(),
        has_email=bool(request.user.email),
    )
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "effective": [dict(Channel.choices)[c] for c in effective],
            "policy": policy,
            "has_email": bool(request.user.email),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def deliveries(request):
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.deliveries_list(status=status, channel=channel, query=query), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "query": query,
            "counts": selectors.delivery_counts(),
            "statuses": DeliveryStatus.choices,
            "channels": [(c, label) for c, label in Channel.choices if c != rules.PORTAL],
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def delivery_resend(request, delivery_id):
    delivery = get_object_or_404(Delivery, pk=delivery_id)
    try:
        services.delivery_resend(delivery=delivery, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("The message to %(name)s is queued again.") % {"name": delivery.notification.recipient.name},
        )
    return _back(request, "notifications:deliveries")


@login_required
@permission_required(MANAGE, raise_exception=True)
def policy(request):
    current = selectors.policy_get()
    initial = {
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "default_channels": current.default_channels,
        "enabled_kinds": [k for k, _label in kind_choices() if k not in current.disabled_kinds],
        "onboarding_days": current.onboarding_days,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.policy_update(
                acting_user=request.user,
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                default_channels=data["default_channels"],
                disabled_kinds=[k for k, _label in kind_choices() if k not in data["enabled_kinds"]],
                onboarding_days=data["onboarding_days"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:policy")
    return render(request, "notifications/policy.html", {"form": form, "platforms": platforms_enabled()})

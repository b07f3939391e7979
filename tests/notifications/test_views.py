"""The bell, the notification list, preferences and HR's settings page."""

from datetime import time

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationPolicy, NotificationPreference
from notifications.services import notify
from portal.models import AuditEvent
from tests.factories import StaffFactory
from tests.notifications.conftest import due_context

pytestmark = pytest.mark.django_db


def bell(response) -> str:
    html = response.content.decode()
    start = html.index('id="notification-bell"')
    return html[start : html.index("</a>", start)]


def test_the_bell_shows_the_unread_count_on_every_page_with_one_query(client, django_assert_num_queries):
    person = StaffFactory()
    client.force_login(person)
    assert "badge" not in bell(client.get(reverse("portal:home")))
    for _ in range(3):
        notify(person, "module_due", due_context())
    assert 'data-unread="3"' in bell(client.get(reverse("portal:home")))
    assert 'data-unread="3"' in bell(client.get(reverse("courses:my-training")))
    from notifications.context_processors import notification_bell

    request = type("R", (), {"user": person})()
    with django_assert_num_queries(1):
        assert notification_bell(request)["notification_bell"]["count"] == 3


def test_beyond_99_the_bell_says_99_plus(client):
    person = StaffFactory()
    Notification.objects.bulk_create(
        [Notification(recipient=person, kind="module_due", title=f"t{i}") for i in range(120)]
    )
    client.force_login(person)
    assert ">99+<" in bell(client.get(reverse("portal:home")))


def test_the_list_marks_one_or_all_read_and_never_anyone_elses(client):
    person, other = StaffFactory(), StaffFactory()
    first = notify(person, "module_due", due_context(title="第一条"))
    notify(person, "module_due", due_context(title="第二条"))
    theirs = notify(other, "module_due", due_context())
    client.force_login(person)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "第一条" in page and "第二条" in page
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[first.pk])).status_code == 302
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("recipient", flat=True)) == {
        person.pk,
        other.pk,
    }
    assert Notification.objects.get(pk=first.pk).read_at is not None
    unread_page = client.get(reverse("notifications:list"), {"unread": "1"}).content.decode()
    assert "第一条" not in unread_page and "第二条" in unread_page
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get(reverse("notifications:read-all")).status_code == 405


def test_a_person_chooses_channels_and_language_or_goes_back_to_hrs_default(client):
    person = StaffFactory()
    client.force_login(person)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    client.post(reverse("notifications:preferences"), {"channels": [], "language": "en"})
    preference = NotificationPreference.objects.get(person=person)
    assert (preference.channels, preference.language) == ([], "en")
    client.post(reverse("notifications:preferences"), {"use_default": "on", "channels": ["email"]})
    preference.refresh_from_db()
    assert preference.channels is None
    response = client.post(reverse("notifications:preferences"), {"channels": ["dingtalk"]})
    assert response.status_code == 200, "a platform not switched on here is not a choice"
    assert NotificationPreference.objects.get(person=person).channels is None


def test_hr_sets_quiet_hours_default_channels_and_kinds_with_an_audit_row(hr_client, hr_user):
    from notifications.kinds import kind_choices

    assert hr_client.get(reverse("notifications:policy")).status_code == 200
    # Every kind the apps registered (reminders and others) stays on but the digest.
    enabled = [kind for kind, _label in kind_choices() if kind != "lead_digest"]
    response = hr_client.post(
        reverse("notifications:policy"),
        {
            "quiet_start": "22:00",
            "quiet_end": "07:30",
            "default_channels": ["email", "wecom"],
            "enabled_kinds": enabled,
            "onboarding_days": "12",
        },
    )
    assert response.status_code == 302
    policy = NotificationPolicy.objects.get()
    assert (policy.quiet_start, policy.quiet_end) == (time(22, 0), time(7, 30))
    assert policy.default_channels == ["email", "wecom"] and policy.disabled_kinds == ["lead_digest"]
    assert policy.onboarding_days == 12 and policy.updated_by == hr_user
    audit = AuditEvent.objects.get(action="notifications.policy_update")
    assert audit.data["quiet_start"] == {"old": "21:00", "new": "22:00"}


def test_staff_may_not_open_hrs_pages(client):
    client.force_login(StaffFactory())
    for name in ("notifications:policy", "notifications:deliveries"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("notifications:policy"), {"quiet_start": "00:00"}).status_code == 403


def test_the_menus_link_the_list_preferences_and_hrs_pages(hr_client):
    from django.test import Client

    staff_client = Client()
    staff_client.force_login(StaffFactory())
    page = staff_client.get(reverse("portal:home")).content.decode()
    assert reverse("notifications:list") in page and reverse("notifications:preferences") in page
    assert reverse("notifications:deliveries") not in page
    hr_page = hr_client.get(reverse("portal:home")).content.decode()
    assert reverse("notifications:deliveries") in hr_page and reverse("notifications:policy") in hr_page

"""Records that only their services write (the audit trail, awards, publications, completions) are read-only in
the Wagtail admin, for administrators (superusers) too."""

import pytest

from portal.models import AuditEvent
from portal.services import audit_record
from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_nobody_adds_changes_or_deletes_audit_events_or_awards_in_the_admin(client, hr_client):
    event = audit_record(action="staff.invite", reason="示例")
    assert hr_client.get("/admin/auditevent/").status_code == 200
    client.force_login(give_totp(StaffFactory(role="admin", employee_no="ADM01")))
    assert client.get("/admin/auditevent/").status_code == 200
    assert client.get(f"/admin/auditevent/inspect/{event.pk}/").status_code == 200
    for url in (
        "/admin/auditevent/new/",
        f"/admin/auditevent/edit/{event.pk}/",
        f"/admin/auditevent/delete/{event.pk}/",
        "/admin/award/new/",
        "/admin/lessoncompletion/new/",
    ):
        response = client.get(url)
        assert response.status_code == 403 or response["Location"] == "/admin/", url
    assert client.post(f"/admin/auditevent/delete/{event.pk}/").status_code in (302, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()

"""Staff are created, changed and invited through the people services, from the Wagtail admin as from the
portal's staff pages: the same rows, the same audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from portal.models import AuditEvent
from portal.services import staff_invite, staff_update

pytestmark = pytest.mark.django_db


def test_an_invitation_from_the_staff_page_is_audited_with_who_and_where_it_went(
    org, hr_client, hr_user, mailoutbox
):
    response = hr_client.post(f"/portal/staff/{org.agent_a1.employee_no}/invite/")
    assert response.status_code == 302 and len(mailoutbox) == 1
    event = AuditEvent.objects.get(action="staff.invite")
    assert (event.actor, event.target_id) == (hr_user, str(org.agent_a1.pk))
    assert event.data == {"email": org.agent_a1.email, "kind": "invitation"}


def test_an_invitation_is_refused_without_an_address_for_a_leaver_and_for_non_hr(org, hr_user, mailoutbox):
    request = RequestFactory().post("/")
    with pytest.raises(PermissionDenied):
        staff_invite(user=org.agent_a1, acting_user=org.lead_a1, request=request)
    staff_update(user=org.agent_a2, acting_user=hr_user, email="")
    with pytest.raises(ValidationError):
        staff_invite(user=org.agent_a2, acting_user=hr_user, request=request)
    staff_update(user=org.agent_a1, acting_user=hr_user, is_active=False)
    with pytest.raises(ValidationError):
        staff_invite(user=org.agent_a1, acting_user=hr_user, request=request)
    assert not mailoutbox and not AuditEvent.objects.filter(action="staff.invite").exists()


def test_a_role_changed_in_the_admin_updates_groups_and_access_and_is_audited(org, hr_client, hr_user):
    person = org.agent_a1
    response = hr_client.post(
        f"/admin/staff/edit/{person.pk}/",
        {
            "employee_no": person.employee_no,
            "name": person.name,
            "email": person.email,
            "department": person.department_id,
            "team": person.team_id,
            "role": "trainer",
            "hire_date": "2025-01-06",
            "onboarded_on": "2025-02-01",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.is_staff and list(person.groups.values_list("name", flat=True)) == ["role:trainer"]
    event = AuditEvent.objects.get(action="staff.role_change")
    assert (event.actor, event.data) == (hr_user, {"old": "agent", "new": "trainer"})


def test_hr_sends_the_invitation_from_the_staff_admin(org, hr_client, hr_user, mailoutbox):
    edit_page = hr_client.get(f"/admin/staff/edit/{org.agent_a1.pk}/").content.decode()
    assert f"/admin/staff/invite/{org.agent_a1.pk}/" in edit_page
    assert hr_client.get(f"/admin/staff/invite/{org.agent_a1.pk}/").status_code == 200
    response = hr_client.post(f"/admin/staff/invite/{org.agent_a1.pk}/")
    assert response.status_code == 302 and [m.to for m in mailoutbox] == [[org.agent_a1.email]]
    assert AuditEvent.objects.get(action="staff.invite").actor == hr_user

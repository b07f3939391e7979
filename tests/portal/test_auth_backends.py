"""The one-query permissions backend answers exactly as Django's ModelBackend does."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from portal.auth_backends import PermissionsBackend
from portal.models import User
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    return User.objects.get(pk=user.pk)  # no permission cache


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "trainer", "hr"])
def test_role_and_own_permissions_match_djangos_backend(role):
    person = StaffFactory(role=role)
    person.user_permissions.add(Permission.objects.get(codename="record_attendance"))
    ours = PermissionsBackend().get_all_permissions(_fresh(person))
    assert ours == ModelBackend().get_all_permissions(_fresh(person))
    assert "courses.record_attendance" in ours


def test_one_query_answers_every_check_of_a_request(django_assert_num_queries):
    person = _fresh(StaffFactory(role="team_lead"))
    with django_assert_num_queries(1):
        assert person.has_perm("portal.view_team_reports")
        assert not person.has_perm("courses.record_attendance")
        assert not person.has_perm("incentives.manage_awards")


def test_inactive_people_have_no_permission_and_superusers_have_all():
    person = StaffFactory(role="hr")
    person.is_active = False
    assert PermissionsBackend().get_all_permissions(person) == set()
    admin = StaffFactory(role="admin")
    admin.is_superuser = True
    assert len(PermissionsBackend().get_all_permissions(admin)) == Permission.objects.count()

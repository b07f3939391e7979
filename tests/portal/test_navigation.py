"""The menu lists what each person may open, whatever was shown to someone else before."""

import pytest
from django.urls import reverse

from portal.navigation import nav_for
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _names(user):
    return {item["name"] for item in nav_for(user)}


def test_each_role_sees_its_own_entries_and_urls():
    agent = _names(StaffFactory(role="agent"))
    trainer = _names(StaffFactory(role="trainer"))
    hr = _names(StaffFactory(role="hr"))
    assert {"courses:my-training", "assessments:my-scores", "incentives:wall"} <= agent
    assert not {"courses:attendance", "portal:staff-directory", "incentives:spend"} & agent
    assert "courses:attendance" in trainer and "courses:attendance" not in _names(StaffFactory(role="agent"))
    assert {"portal:staff-directory", "incentives:spend"} <= hr
    assert "assessments:policy-list" in hr and "assessments:policy-list" not in agent | trainer
    urls = {item["name"]: item["url"] for item in nav_for(StaffFactory(role="agent"))}
    assert urls["courses:my-training"] == reverse("courses:my-training")


def test_a_permission_given_to_one_person_shows_its_entry_to_them_only():
    from django.contrib.auth.models import Permission

    given = StaffFactory(role="agent")
    given.user_permissions.add(Permission.objects.get(codename="record_attendance"))
    assert "courses:attendance" in _names(type(given).objects.get(pk=given.pk))
    assert "courses:attendance" not in _names(StaffFactory(role="agent"))

"""Single sign-on binds an identity to an existing roster record by employee number, never by e-mail."""

from types import SimpleNamespace

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from portal.accounts import RosterOnlySocialAccountAdapter
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


class FakeSocialLogin:
    """The two things the adapter reads (is_existing, the IdP's claims) and the one it calls (connect)."""

    def __init__(self, claims, existing=False):
        self.is_existing = existing
        self.account = SimpleNamespace(extra_data=claims)
        self.connected_to = None

    def connect(self, request, user):
        self.connected_to = user


def _request():
    request = RequestFactory().get("/accounts/oidc/corp/login/callback/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_an_identity_carrying_a_known_employee_number_is_connected_to_that_person():
    person = StaffFactory(employee_no="E1001", email="someone@example.com")
    login = FakeSocialLogin({"userinfo": {"employee_number": "E1001", "email": "other@example.com"}})
    RosterOnlySocialAccountAdapter().pre_social_login(_request(), login)
    assert login.connected_to == person


def test_an_identity_matching_only_by_e_mail_is_refused():
    StaffFactory(employee_no="E1001", email="someone@example.com")
    login = FakeSocialLogin({"email": "someone@example.com", "employee_number": "E9999"})
    with pytest.raises(ImmediateHttpResponse):
        RosterOnlySocialAccountAdapter().pre_social_login(_request(), login)
    assert login.connected_to is None


def test_a_leaver_cannot_sign_in_through_single_sign_on():
    StaffFactory(employee_no="E1001", is_active=False)
    with pytest.raises(ImmediateHttpResponse):
        RosterOnlySocialAccountAdapter().pre_social_login(
            _request(), FakeSocialLogin({"employee_number": "E1001"})
        )


def test_nobody_is_signed_up_through_single_sign_on():
    adapter = RosterOnlySocialAccountAdapter()
    assert not adapter.is_open_for_signup(_request(), FakeSocialLogin({}))
    assert not adapter.is_auto_signup_allowed(_request(), FakeSocialLogin({}))

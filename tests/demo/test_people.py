"""The demo company lets a visitor walk the maker-checker path: two HR people, each with a working second factor."""

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command

from demo import people
from portal.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("employee_no", ["hr01", "hr02"])
def test_demo_totp_prints_a_code_the_demo_hr_persons_authenticator_accepts(employee_no):
    people.seed()
    out = io.StringIO()
    call_command("demo_totp", employee_no, stdout=out)
    code = out.getvalue().strip()
    user = User.objects.get(employee_no=employee_no)
    assert user.role == Role.HR
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(code)

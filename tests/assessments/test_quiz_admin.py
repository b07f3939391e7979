"""Trainers and HR manage banks, questions, quizzes and rubrics in the Wagtail admin; agents cannot."""

import pytest

from tests.assessments import factories as f
from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/question_banks/",
    "/admin/questions/",
    "/admin/quizzes/",
    "/admin/rubrics/",
    "/admin/quizzes/new/",
]


@pytest.mark.parametrize("role", ["trainer", "hr"])
def test_trainers_and_hr_open_the_assessment_admin(client, role):
    f.make_quiz([f.single_choice(f.make_bank())], title="入职考试")
    user = StaffFactory(role=role)
    if role == "hr":
        give_totp(user)
    client.force_login(user)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 200, url
    assert "入职考试" in client.get("/admin/quizzes/").content.decode()


def test_an_agent_cannot_reach_the_assessment_admin(client):
    client.force_login(StaffFactory())
    for url in ADMIN_PAGES:
        assert client.get(url).status_code in (302, 403), url

"""Every assessment page renders for the people it is for (template errors surface here), and refuses others."""

from datetime import date

import pytest

from assessments.certificates import services as certificate_services
from assessments.quizzes import services as quiz_services
from tests.assessments import factories as f
from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_learner_trainer_and_hr_pages_render(client):
    learner = StaffFactory(name="李小梅")
    bank = f.make_bank("服务题库")
    quiz = f.make_quiz(
        [f.single_choice(bank), f.essay(bank)], lesson=f.make_lesson(kind="onboarding"), title="入职考试"
    )
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    quiz_services.attempt_submit(attempt=attempt, post={})
    certificate = certificate_services.certificate_issue(
        holder=learner,
        programme=quiz.lesson.get_parent().get_parent().specific,
        kind="onboarding",
        issued_on=date(2026, 10, 9),
    )
    client.force_login(learner)
    for url, text in (
        ("/assessments/quizzes/", "入职考试"),
        (f"/assessments/quizzes/{quiz.pk}/", "入职考试"),
        (f"/assessments/attempts/{attempt.pk}/result/", "入职考试"),
        ("/assessments/certificates/", certificate.number),
        ("/assessments/evaluations/", ""),
    ):
        response = client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url
    for url in (
        "/assessments/banks/",
        "/assessments/grading/",
        "/assessments/certificates/manage/",
        "/assessments/evaluations/disputes/",
    ):
        assert client.get(url).status_code == 403, url

    client.force_login(StaffFactory(role="trainer"))
    for url, text in (
        ("/assessments/banks/", "服务题库"),
        ("/assessments/grading/", "李小梅"),
        ("/assessments/evaluations/disputes/", ""),
    ):
        response = client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url

    client.force_login(give_totp(StaffFactory(role="hr")))
    response = client.get("/assessments/certificates/manage/")
    assert response.status_code == 200 and certificate.number in response.content.decode()

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


def test_a_trainer_builds_a_fixed_quiz_from_bank_questions_in_the_admin(client):
    from assessments.models import Quiz

    bank = f.make_bank()
    first, second = f.single_choice(bank), f.short_answer(bank)
    lesson = f.make_lesson()
    client.force_login(StaffFactory(role="trainer"))
    response = client.post(
        "/admin/quizzes/new/",
        {
            "title": "投诉处理测验",
            "lesson": lesson.pk,
            "selection": "fixed",
            "fixed_questions": [second.pk, first.pk],
            "draw_count": "0",
            "pass_percent": "80",
            "max_attempts": "2",
            "time_limit_minutes": "15",
            "review_policy": "after_submission",
            "shuffle_options": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = Quiz.objects.get(title="投诉处理测验")
    assert list(quiz.quiz_questions.values_list("question_id", flat=True)) == [second.pk, first.pk]
    assert quiz.lesson_id == lesson.pk and quiz.time_limit_minutes == 15


def test_a_random_quiz_needs_a_bank(client):
    client.force_login(StaffFactory(role="trainer"))
    response = client.post(
        "/admin/quizzes/new/",
        {
            "title": "随机",
            "selection": "random",
            "draw_count": "5",
            "pass_percent": "60",
            "max_attempts": "0",
            "time_limit_minutes": "0",
            "review_policy": "never",
        },
    )
    assert response.status_code == 200 and "随机抽题须指定题库。" in response.content.decode()


def test_a_qa_lead_creates_a_rubric_with_weighted_criteria_and_level_descriptors(client):
    from assessments.models import Rubric
    from assessments.scorecards.services import qa_lead_appoint

    lead = StaffFactory(role="trainer")
    qa_lead_appoint(user=lead, acting_user=give_totp(StaffFactory(role="hr")), reason="质检组长")
    client.force_login(lead)
    levels = '[{"percent": 0, "label": "未达到", "descriptor": "未确认"}, {"percent": 100, "label": "优秀", "descriptor": "完整确认"}]'
    response = client.post(
        "/admin/rubrics/new/",
        {
            "name": "角色扮演评分表",
            "kind": "role_play",
            "description": "",
            "is_active": "on",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "1",
            "criteria-MAX_NUM_FORMS": "1000",
            "criteria-0-name": "需求确认",
            "criteria-0-weight": "3",
            "criteria-0-levels": levels,
            "criteria-0-order": "1",
            "criteria-0-ORDER": "1",
            "criteria-0-id": "",
            "criteria-0-DELETE": "",
            "change_reason": "新评分表",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    criterion = Rubric.objects.get(name="角色扮演评分表").criteria.get()
    assert criterion.weight == 3 and criterion.levels[1]["descriptor"] == "完整确认"


def test_a_question_edited_in_the_admin_is_checked_like_an_import(client):
    import json

    bank = f.make_bank()
    question = f.single_choice(bank)
    client.force_login(StaffFactory(role="trainer"))
    fields = {
        "bank": bank.pk,
        "qtype": "single_choice",
        "title": "",
        "text": "改过的题目",
        "text_format": "moodle",
        "general_feedback": "",
        "mark": "1",
        "is_active": "on",
    }
    no_right_answer = {
        "options": [
            {"text": "a", "fraction": "0", "feedback": ""},
            {"text": "b", "fraction": "0", "feedback": ""},
        ]
    }
    response = client.post(
        f"/admin/questions/edit/{question.pk}/", fields | {"data": json.dumps(no_right_answer)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors, (
        "the form must refuse a single-choice question without a right answer"
    )
    good = {
        "options": [
            {"text": "a", "fraction": "100", "feedback": ""},
            {"text": "b", "fraction": "0", "feedback": ""},
        ]
    }
    response = client.post(f"/admin/questions/edit/{question.pk}/", fields | {"data": json.dumps(good)})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "改过的题目" and question.data == good

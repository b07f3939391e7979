"""Quiz results a learner can learn from: once review is allowed, their own answer beside the correct one and the
feedback, in the UI language; scores with 2 decimals; "not yet graded" while an essay waits."""

import pytest
from django.utils import translation

from assessments.models import Question
from assessments.quizzes import services as quiz_services
from tests.assessments import factories as f
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _question(bank, qtype, data, text="题目"):
    return Question.objects.create(bank=bank, qtype=qtype, text=text, data=data)


def test_the_result_shows_the_learners_answer_beside_the_correct_one_in_chinese(client):
    learner = StaffFactory()
    bank = f.make_bank()
    questions = [
        _question(bank, "true_false", {"correct": False, "true_feedback": "再想想", "false_feedback": "对"}),
        _question(
            bank,
            "numerical",
            {"numeric": [{"value": "90", "tolerance": "0", "fraction": "100", "feedback": ""}]},
        ),
        _question(
            bank,
            "numerical",
            {"numeric": [{"value": "2.5", "tolerance": "0.5", "fraction": "100", "feedback": "差一点"}]},
        ),
        f.short_answer(bank, answers=("95588", "９５５８８")),
        f.single_choice(bank),
    ]
    quiz = f.make_quiz(questions, shuffle_options=False, pass_percent=50)
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    quiz_services.attempt_submit(
        attempt=attempt,
        post={"q1": "true", "v1": "0", "q2": "９０", "v2": "0", "q3": "3", "v3": "0", "q5": "1", "v5": "0"},
    )
    client.force_login(learner)
    with translation.override("zh-hans"):
        page = client.get(f"/assessments/attempts/{attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    attempt.refresh_from_db()
    assert attempt.percent is not None and f"{attempt.percent:.2f}%" in html  # 2 decimals
    assert "False" not in html and "True" not in html
    assert "± 0" not in html and "90 ± " not in html
    sections = html.split('class="card review-item"')[1:]
    given = [s.split('data-testid="given">')[1].split("</dd>")[0] for s in sections]
    correct = [s.split('data-testid="correct">')[1].split("</dd>")[0] for s in sections]
    assert given[0] == "正确" and correct[0] == "错误" and "再想想" in sections[0]
    assert given[1] == "９０" and correct[1] == "90"
    assert correct[2] == "2 至 3"
    assert "未作答" in given[3] and correct[3] == "95588"  # the full-width twin is not a second answer
    assert given[4] == "争辩" and correct[4] == "倾听并致歉" and "错误" in sections[4]
    assert "100.00%" in sections[1] and "0.00%" in sections[0]


def test_an_attempt_with_an_essay_waiting_says_not_yet_graded(client):
    learner = StaffFactory()
    bank = f.make_bank()
    quiz = f.make_quiz([f.single_choice(bank), f.essay(bank)], shuffle_options=False)
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    quiz_services.attempt_submit(attempt=attempt, post={"q1": "0", "v1": "0", "q2": "先倾听", "v2": "0"})
    client.force_login(learner)
    with translation.override("zh-hans"):
        result = client.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
        detail = client.get(f"/assessments/quizzes/{quiz.pk}/").content.decode()
    assert 'data-testid="not-yet-graded"' in result and "尚未评分" in result
    essay_section = result.split('class="card review-item"')[2]
    assert "尚未评分" in essay_section and "先倾听" in essay_section
    assert "尚未评分" in detail

"""Quizzes and attempts: drawing, hiding the key, server-side time limit, grading, access, results."""

import random
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, AttemptItem, AttemptStatus, Question, QuestionCategory
from assessments.quizzes import grading as quiz_grading
from assessments.quizzes import services as quiz_services
from courses.hooks import lesson_completion_blockers
from courses.models import LearningResult, LessonCompletion
from notifications.reminders import work_queue_for
from portal.models import AuditEvent
from tests.assessments import factories as f
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return StaffFactory(employee_no="A1001", name="李小梅")


@pytest.fixture
def quiz():
    bank = f.make_bank()
    lesson = f.make_lesson(kind="monthly")
    return f.make_quiz(
        [f.single_choice(bank), f.short_answer(bank)],
        lesson=lesson,
        time_limit_minutes=20,
        pass_percent=Decimal(60),
    )


def answer_post(attempt, correct=True):
    """Form fields as the page posts them: display positions, with each item's version."""
    post = {}
    for item in attempt.items.all():
        post[f"v{item.slot}"] = str(item.version)
        if item.snapshot["qtype"] == "single_choice":
            wanted = 0 if correct else 1
            post[f"q{item.slot}"] = str(item.order.index(wanted))
        elif item.snapshot["qtype"] == "short_answer":
            post[f"q{item.slot}"] = "９５５８８" if correct else "110"
    return post


def test_the_learner_page_shows_no_correct_answer_fraction_or_feedback(client, learner, quiz):
    client.force_login(learner)
    response = client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(staff=learner)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "倾听并致歉" in html  # the option text is shown ...
    for secret in ("95588", "正确：先安抚情绪", "fraction", '"100"', "错误"):
        assert secret not in html  # ... but not which one is right, nor feedback
    assert page["Cache-Control"] == "no-store"
    result = client.get(f"/assessments/attempts/{attempt.pk}/result/")
    assert result.status_code == 302  # no result page while the attempt is open


def test_options_are_shuffled_per_attempt_and_the_order_is_stored_server_side(learner):
    bank = f.make_bank()
    question = f.single_choice(bank, wrong=("b", "c", "d", "e", "f", "g"))
    quiz = f.make_quiz([question], max_attempts=0)
    orders = set()
    for seed in range(6):
        attempt = quiz_services.attempt_start(quiz=quiz, staff=learner, rng=random.Random(seed))
        orders.add(tuple(attempt.items.get().order))
        quiz_services.attempt_submit(attempt=attempt, post={})
    assert len(orders) > 1


def test_grading_happens_on_the_server_and_a_posted_score_is_ignored(client, learner, quiz):
    client.force_login(learner)
    client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(staff=learner)
    post = answer_post(attempt, correct=False) | {"score": "100", "passed": "true", "percent": "100"}
    client.post(f"/assessments/attempts/{attempt.pk}/submit/", post)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("0.00") and attempt.passed is False
    page = client.get(f"/assessments/attempts/{attempt.pk}/result/")
    assert "0.00%" in page.content.decode()


def test_a_passed_quiz_completes_its_lesson_and_records_one_result_even_if_submitted_twice(
    client, learner, quiz
):
    client.force_login(learner)
    assert lesson_completion_blockers(learner, quiz.lesson) == ["Pass the quiz first."]
    client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(staff=learner)
    post = answer_post(attempt)
    client.post(f"/assessments/attempts/{attempt.pk}/submit/", post)
    client.post(f"/assessments/attempts/{attempt.pk}/submit/", post)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00") and attempt.passed
    result = LearningResult.objects.get()
    assert (result.source, result.source_id, result.percent, result.category) == (
        "quiz_attempt",
        str(attempt.pk),
        Decimal("100.00"),
        "in_service",
    )
    completion = LessonCompletion.objects.get(staff=learner, lesson=quiz.lesson)
    assert completion.via == "quiz" and completion.completed_on == timezone.localdate(attempt.submitted_at)
    assert lesson_completion_blockers(learner, quiz.lesson) == []


def test_an_answer_after_the_time_limit_is_refused_and_the_attempt_closes_at_its_deadline(learner, quiz):
    start = timezone.now()
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner, now=start)
    late = attempt.deadline + timedelta(seconds=quiz_grading.grace_seconds() + 1)
    slot = attempt.items.get(snapshot__qtype="short_answer").slot
    with pytest.raises(quiz_grading.DeadlinePassed):
        quiz_services.attempt_answer_save(
            attempt=attempt, slot=slot, post={f"q{slot}": "95588"}, version=0, now=late
        )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.closed_by == "deadline"
    assert attempt.submitted_at == attempt.deadline and attempt.percent == Decimal("0.00")
    assert AttemptItem.objects.get(attempt=attempt, slot=slot).response is None


def test_a_submit_after_the_time_limit_is_not_accepted_but_answers_saved_in_time_count(client, learner, quiz):
    client.force_login(learner)
    client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(staff=learner)
    post = answer_post(attempt)
    single = attempt.items.get(snapshot__qtype="single_choice")
    saved = client.post(
        f"/assessments/attempts/{attempt.pk}/answer/",
        {"slot": single.slot, "version": 0, f"q{single.slot}": post[f"q{single.slot}"]},
    )
    assert saved.json() == {"ok": True, "version": 1}
    # The clock moves past the deadline: move the attempt's start and deadline into the past.
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - timedelta(minutes=30), deadline=timezone.now() - timedelta(minutes=5)
    )
    late = client.post(
        f"/assessments/attempts/{attempt.pk}/answer/", {"slot": 2, "version": 0, "q2": "95588"}
    )
    assert late.status_code == 403
    client.post(f"/assessments/attempts/{attempt.pk}/submit/", post)
    attempt.refresh_from_db()
    assert attempt.closed_by == "deadline" and attempt.percent == Decimal("50.00")


def test_an_abandoned_attempt_is_closed_by_the_command_and_lazily(learner, quiz):
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner, now=timezone.now() - timedelta(hours=1))
    other = quiz_services.attempt_start(
        quiz=f.make_quiz([f.short_answer(f.make_bank("b2"))], time_limit_minutes=5), staff=learner
    )
    call_command("close_expired_attempts")
    attempt.refresh_from_db()
    other.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.closed_by == "deadline"
    assert other.is_open
    assert LearningResult.objects.filter(source_id=str(attempt.pk)).exists()


def test_a_stale_tab_cannot_overwrite_a_newer_answer(learner, quiz):
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    slot = attempt.items.get(snapshot__qtype="short_answer").slot
    assert (
        quiz_services.attempt_answer_save(attempt=attempt, slot=slot, post={f"q{slot}": "new"}, version=0)
        == 1
    )
    # Saving the same thing again is harmless.
    assert (
        quiz_services.attempt_answer_save(attempt=attempt, slot=slot, post={f"q{slot}": "new"}, version=1)
        == 1
    )
    with pytest.raises(quiz_grading.StaleAnswer):
        quiz_services.attempt_answer_save(attempt=attempt, slot=slot, post={f"q{slot}": "old tab"}, version=0)
    assert AttemptItem.objects.get(attempt=attempt, slot=slot).response == {"text": "new"}
    # The final submit from the old tab does not overwrite it either.
    quiz_services.attempt_submit(attempt=attempt, post={f"q{slot}": "old tab", f"v{slot}": "0"})
    assert AttemptItem.objects.get(attempt=attempt, slot=slot).response == {"text": "new"}


def test_nobody_opens_another_learners_attempt(client, learner, quiz):
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    client.force_login(StaffFactory())
    base = f"/assessments/attempts/{attempt.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/result/").status_code == 404
    assert client.post(f"{base}/answer/", {"slot": 1, "version": 0, "q1": "0"}).status_code == 404
    assert client.post(f"{base}/submit/", {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_editing_a_question_never_changes_a_finished_attempt_until_an_explicit_regrade(learner, hr_user):
    bank = f.make_bank()
    question = f.short_answer(bank, answers=("95588",))
    quiz = f.make_quiz([question], lesson=f.make_lesson())
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    attempt, _ok = quiz_services.attempt_submit(attempt=attempt, post={"q1": "95599", "v1": "0"})
    assert attempt.percent == 0
    question.data = {"options": [{"text": "95599", "fraction": "100", "feedback": ""}]}
    question.text = "改过的题目"
    question.save()
    attempt.refresh_from_db()
    assert attempt.percent == 0 and attempt.items.get().snapshot["text"] == "服务热线号码是多少？"
    attempt = quiz_grading.attempt_regrade(attempt=attempt, acting_user=hr_user, reason="答案有误")
    assert attempt.percent == 100 and attempt.regraded_at is not None
    event = AuditEvent.objects.get(action="quiz.regrade")
    assert event.reason == "答案有误" and event.data["old_percent"] == "0.00"
    assert LearningResult.objects.get(source_id=str(attempt.pk)).percent == 100


def test_essays_wait_in_the_trainers_queue_then_the_attempt_is_graded(client, learner):
    bank = f.make_bank()
    quiz = f.make_quiz([f.single_choice(bank), f.essay(bank)], pass_percent=Decimal(50))
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner, rng=random.Random(1))
    choice = attempt.items.get(snapshot__qtype="single_choice")
    essay = attempt.items.get(snapshot__qtype="essay")
    post = {f"q{choice.slot}": str(choice.order.index(0)), f"q{essay.slot}": "我先倾听客户。"}
    attempt, _ok = quiz_services.attempt_submit(attempt=attempt, post=post | {"v1": "0", "v2": "0"})
    assert attempt.status == AttemptStatus.NEEDS_GRADING and attempt.percent is None
    trainer = StaffFactory(role="trainer")
    [waiting] = [i for i in work_queue_for(trainer, timezone.now()) if i.key == f"essay:{attempt.pk}"]
    assert waiting.due_on == timezone.localdate(attempt.submitted_at) + timedelta(
        days=3
    )  # the policy's default
    client.force_login(trainer)
    queue = client.get("/assessments/grading/")
    assert "我先倾听客户。" in queue.content.decode()
    client.post(f"/assessments/grading/{essay.pk}/", {"percent": "50", "comment": "不错"})
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.percent == Decimal("75.00") and attempt.passed


def test_random_draws_take_n_questions_from_the_category_and_its_subcategories(learner):
    bank = f.make_bank()
    sop = QuestionCategory.objects.create(bank=bank, path="top/SOP")
    sub = QuestionCategory.objects.create(bank=bank, path="top/SOP/投诉")
    other = QuestionCategory.objects.create(bank=bank, path="top/礼仪")
    for category in (sop, sub, other):
        for i in range(3):
            Question.objects.filter(pk=f.short_answer(bank, text=f"{category.path} {i}").pk).update(
                category=category
            )
    quiz = f.make_quiz([], selection="random", bank=bank, category=sop, draw_count=4)
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    texts = [i.snapshot["text"] for i in attempt.items.all()]
    assert len(texts) == 4 and all(t.startswith("top/SOP") for t in texts)


def test_the_attempt_limit_holds(learner):
    quiz = f.make_quiz([f.short_answer(f.make_bank())], max_attempts=1)
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    quiz_services.attempt_submit(attempt=attempt, post={})
    with pytest.raises(quiz_grading.QuizError):
        quiz_services.attempt_start(quiz=quiz, staff=learner)
    assert Attempt.objects.filter(staff=learner).count() == 1


def test_review_after_submission_shows_the_key_and_feedback_and_never_hides_it(client, learner):
    bank = f.make_bank()
    shown = f.make_quiz([f.single_choice(bank)], title="可回顾")
    hidden = f.make_quiz([f.single_choice(bank, text="另一题")], title="不可回顾", review_policy="never")
    client.force_login(learner)
    for quiz, visible in ((shown, True), (hidden, False)):
        attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
        quiz_services.attempt_submit(attempt=attempt, post={"q1": "0", "v1": "0"})
        html = client.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
        assert ("正确：先安抚情绪" in html or "错误" in html) is visible
        assert ("倾听并致歉" in html) is visible


def test_answers_to_questions_outside_the_attempt_or_garbage_change_nothing(client, learner, quiz):
    client.force_login(learner)
    client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(staff=learner)
    url = f"/assessments/attempts/{attempt.pk}/answer/"
    assert client.post(url, {"slot": 99, "version": 0, "q99": "0"}).status_code == 403
    assert client.post(url, {"slot": "x", "version": 0}).status_code == 400
    single = attempt.items.get(snapshot__qtype="single_choice")
    client.post(url, {"slot": single.slot, "version": 0, f"q{single.slot}": "17"})
    assert AttemptItem.objects.get(pk=single.pk).response == {}
    assert all(item.response in (None, {}) for item in attempt.items.all())


def test_the_exam_page_and_autosave_use_a_few_queries_whatever_the_number_of_questions(
    client, learner, django_assert_max_num_queries
):
    bank = f.make_bank()
    quiz = f.make_quiz([f.single_choice(bank, text=f"题目{i}") for i in range(30)], time_limit_minutes=30)
    client.force_login(learner)
    client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get(staff=learner)
    with django_assert_max_num_queries(8):
        assert client.get(f"/assessments/attempts/{attempt.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        response = client.post(
            f"/assessments/attempts/{attempt.pk}/answer/", {"slot": 5, "version": 0, "q5": "1"}
        )
    assert response.json()["ok"]


def test_the_lesson_panel_links_the_quiz_and_shows_the_learners_best_result(rf, learner, quiz):
    from courses.hooks import lesson_panels

    request = rf.get("/")
    request.user = learner
    (panel,) = lesson_panels(request, quiz.lesson)
    assert panel["template"] == "assessments/quiz/lesson_panel.html"
    assert panel["quizzes"][0]["quiz"] == quiz and panel["quizzes"][0]["result"] is None
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    quiz_services.attempt_submit(attempt=attempt, post=answer_post(attempt))
    (panel,) = lesson_panels(request, quiz.lesson)
    assert panel["quizzes"][0]["result"] == {"best": Decimal("100.00"), "passed": True}


def test_the_regrade_command_regrades_finished_attempts_with_a_reason(learner):
    question = f.short_answer(f.make_bank(), answers=("95588",))
    quiz = f.make_quiz([question])
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    quiz_services.attempt_submit(attempt=attempt, post={"q1": "95599", "v1": "0"})
    question.data = {"options": [{"text": "95599", "fraction": "100", "feedback": ""}]}
    question.save()
    call_command("regrade_quiz", str(quiz.pk), "--reason", "标准答案更正")
    attempt.refresh_from_db()
    assert attempt.percent == 100
    assert AuditEvent.objects.get(action="quiz.regrade").reason == "标准答案更正"


def test_a_timed_attempt_schedules_its_own_closing_just_after_the_deadline(
    settings, learner, quiz, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        attempt = quiz_services.attempt_start(quiz=quiz, staff=learner)
    (result,) = default_task_backend.results
    assert result.task.name == "close_attempt_at_deadline" and result.args == [attempt.pk]
    assert result.task.run_after == attempt.deadline + timedelta(seconds=quiz_grading.grace_seconds() + 1)
    # Run by a worker after the deadline it closes and grades the attempt.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    result.task.func(attempt.pk)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.closed_by == "deadline"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_start_clicks_all_land_on_the_one_open_attempt(learner, quiz):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers by itself")
    barrier = threading.Barrier(6)
    answers = []

    def click():
        from django.db import connection as thread_connection

        client = Client()
        client.force_login(learner)
        try:
            barrier.wait()
            answers.append(client.post(reverse("assessments:quiz-start", args=[quiz.pk])))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    attempt = Attempt.objects.get(quiz=quiz, staff=learner)
    assert [a.status_code for a in answers] == [302] * 6
    assert {a["Location"] for a in answers} == {reverse("assessments:attempt", args=[attempt.pk])}

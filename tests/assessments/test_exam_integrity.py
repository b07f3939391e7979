"""A proportionate exam guard, per quiz and off by default: leaving the exam page is counted from 15 seconds on
(a shorter absence is logged only), going over the limit submits the attempt and marks it for review, an attempt
without activity is submitted after the quiz's minutes, every event is in the attempt's log, and an appeal is
decided by a trainer and audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import Attempt, AttemptEvent, AttemptStatus, Question
from assessments.quizzes import integrity
from assessments.quizzes import rules as quiz_rules
from assessments.quizzes import services as quiz_services
from assessments.quizzes.grading import QuizError, attempts_close_expired
from portal.models import AuditEvent
from tests.assessments import factories as f
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_short_absence_is_logged_but_not_counted_and_the_limit_is_one_more_than_allowed():
    assert not quiz_rules.absence_counts(14.9) and quiz_rules.absence_counts(15)
    assert not quiz_rules.over_leave_limit(None, 50)
    assert not quiz_rules.over_leave_limit(2, 2) and quiz_rules.over_leave_limit(2, 3)
    assert quiz_rules.idle_prompt_seconds(1, 60) == 30  # the question comes before a 1-minute idle submit


@pytest.fixture
def learner():
    return StaffFactory(name="王芳")


def guarded_attempt(learner, **options):
    bank = f.make_bank()
    quiz = f.make_quiz([f.single_choice(bank), f.short_answer(bank)], title="期末考试", **options)
    attempt = quiz_services.attempt_start(quiz=quiz, staff=learner, now=timezone.now())
    return quiz, attempt


def leave(attempt, start, seconds):
    integrity.attempt_activity_record(attempt=attempt, kind="hidden", now=start)
    return integrity.attempt_activity_record(
        attempt=attempt, kind="beat", now=start + timedelta(seconds=seconds)
    )


def test_quizzes_are_unguarded_by_default_and_keep_no_log(learner):
    quiz, attempt = guarded_attempt(learner)
    assert quiz.leave_limit is None and quiz.idle_submit_minutes == 0 and not quiz.guarded
    leave(attempt, timezone.now(), 120)
    assert not AttemptEvent.objects.exists()
    attempt.refresh_from_db()
    assert attempt.is_open


def test_absences_under_the_limit_are_logged_and_short_ones_not_counted(learner):
    _quiz, attempt = guarded_attempt(learner, leave_limit=2)
    t = timezone.now()
    leave(attempt, t, 8)  # an incoming call: logged, not counted
    leave(attempt, t + timedelta(seconds=60), 40)
    result = leave(attempt, t + timedelta(seconds=200), 20)
    attempt.refresh_from_db()
    assert not result.closed and attempt.is_open
    assert attempt.leaves_counted == 2 and attempt.review == ""
    returns = list(attempt.events.filter(kind="returned").values_list("away_seconds", "counted"))
    assert returns == [(8, False), (40, True), (20, True)]
    assert attempt.events.filter(kind="left").count() == 3


def test_beats_between_absences_only_note_the_time_and_each_return_is_measured_once(learner):
    _quiz, attempt = guarded_attempt(learner, leave_limit=2)
    t = timezone.now()
    beat = integrity.attempt_activity_record(attempt=attempt, kind="beat", now=t)
    attempt.refresh_from_db()
    assert not beat.closed and attempt.last_activity_at == t and not attempt.events.exists()
    leave(attempt, t + timedelta(seconds=10), 30)  # back at t + 40 s: counted
    for seconds in (41, 50):  # present again: only the time moves, the log and the count stay
        integrity.attempt_activity_record(attempt=attempt, kind="beat", now=t + timedelta(seconds=seconds))
    attempt.refresh_from_db()
    assert attempt.last_activity_at == t + timedelta(seconds=50) and attempt.leaves_counted == 1
    assert list(attempt.events.values_list("kind", "counted")) == [("left", False), ("returned", True)]
    # Left and back within the same instant as the return: still away until the next return.
    integrity.attempt_activity_record(attempt=attempt, kind="hidden", now=t + timedelta(seconds=50))
    integrity.attempt_activity_record(attempt=attempt, kind="answer", now=t + timedelta(seconds=70))
    attempt.refresh_from_db()
    assert attempt.leaves_counted == 2 and attempt.events.filter(kind="returned").count() == 2


def test_going_over_the_limit_submits_the_attempt_and_marks_it_for_review(learner):
    _quiz, attempt = guarded_attempt(learner, leave_limit=1)
    item = attempt.items.get(slot=1)
    position = item.order.index(0)  # the correct option, wherever it was shuffled to
    quiz_services.attempt_answer_save(attempt=attempt, slot=1, post={"q1": str(position)}, version=0)
    t = timezone.now()
    leave(attempt, t, 30)
    result = leave(attempt, t + timedelta(seconds=100), 16)
    attempt.refresh_from_db()
    assert result.closed
    assert attempt.status == AttemptStatus.GRADED and attempt.closed_by == "leave_limit"
    assert attempt.review == "flagged" and attempt.percent == 50  # the answer saved in time was graded
    assert attempt.events.filter(kind="leave_limit").count() == 1
    assert AuditEvent.objects.filter(action="quiz.leave_limit_submit", target_id=str(attempt.pk)).exists()
    with pytest.raises(QuizError):
        quiz_services.attempt_answer_save(attempt=attempt, slot=2, post={"q2": "95588"}, version=0)


def test_an_answer_save_counts_as_coming_back(learner, client):
    _quiz, attempt = guarded_attempt(learner, leave_limit=0)
    client.force_login(learner)
    activity = f"/assessments/attempts/{attempt.pk}/activity/"
    assert client.post(activity, {"kind": "hidden"}).json()["ok"]
    AttemptEvent.objects.filter(attempt=attempt, kind="left").update(
        at=timezone.now() - timedelta(seconds=30)
    )
    response = client.post(
        f"/assessments/attempts/{attempt.pk}/answer/", {"slot": 2, "version": 0, "q2": "95588"}
    )
    assert response.status_code == 200  # the answer is kept …
    attempt.refresh_from_db()
    assert attempt.closed_by == "leave_limit" and attempt.items.get(slot=2).response == {"text": "95588"}
    body = client.post(activity, {"kind": "beat"}).json()  # … and the page is sent to the result
    assert body["closed"] and body["redirect"].endswith(f"/attempts/{attempt.pk}/result/")


def test_an_attempt_without_activity_is_submitted_after_the_quiz_minutes(learner):
    _quiz, attempt = guarded_attempt(learner, idle_submit_minutes=5)
    t = attempt.started_at
    integrity.attempt_activity_record(attempt=attempt, kind="beat", now=t + timedelta(minutes=3))
    integrity.attempt_activity_record(attempt=attempt, kind="idle", now=t + timedelta(minutes=4))
    assert attempts_close_expired(now=t + timedelta(minutes=7)) == 0  # 4 minutes since the last activity
    attempt.refresh_from_db()
    assert attempt.is_open
    assert attempts_close_expired(now=t + timedelta(minutes=9)) == 1
    attempt.refresh_from_db()
    assert attempt.closed_by == "idle" and attempt.submitted_at == t + timedelta(minutes=8)
    assert attempt.review == "" and attempt.events.filter(kind="idle_submit").count() == 1
    assert AuditEvent.objects.filter(action="quiz.idle_submit", target_id=str(attempt.pk)).exists()


def flagged_attempt(learner):
    _quiz, attempt = guarded_attempt(learner, leave_limit=0, max_attempts=1)
    leave(attempt, timezone.now() - timedelta(seconds=90), 60)  # away a minute, back 30 s ago
    attempt.refresh_from_db()
    assert attempt.review == "flagged"
    return attempt


def test_an_appeal_is_decided_by_a_trainer_and_recorded(learner):
    attempt = flagged_attempt(learner)
    with pytest.raises(QuizError):
        quiz_services.attempt_start(quiz=attempt.quiz, staff=learner)  # the only attempt is used
    with pytest.raises(PermissionDenied):
        integrity.attempt_appeal_file(attempt=attempt, staff=StaffFactory(), reason="不是我的")
    integrity.attempt_appeal_file(attempt=attempt, staff=learner, reason="客户来电，必须接听")
    with pytest.raises(QuizError):
        integrity.attempt_appeal_file(attempt=attempt, staff=learner, reason="再来一次")
    trainer = StaffFactory(role="trainer", name="赵老师")
    with pytest.raises(PermissionDenied):
        integrity.attempt_review_decide(attempt=attempt, upheld=True, note="同意", acting_user=learner)
    with pytest.raises(QuizError):
        integrity.attempt_review_decide(attempt=attempt, upheld=True, note=" ", acting_user=trainer)
    integrity.attempt_review_decide(attempt=attempt, upheld=True, note="来电记录已核实", acting_user=trainer)
    attempt.refresh_from_db()
    assert attempt.review == "cleared" and not attempt.counts_toward_limit
    assert attempt.appeal.decision == "upheld" and attempt.appeal.decided_by == trainer
    assert list(attempt.events.values_list("kind", flat=True))[-2:] == ["appeal", "appeal_upheld"]
    audit = AuditEvent.objects.get(action="quiz.review_decide", target_id=str(attempt.pk))
    assert audit.actor == trainer and audit.reason == "来电记录已核实" and audit.data["upheld"] is True
    again = quiz_services.attempt_start(quiz=attempt.quiz, staff=learner)  # the attempt was given back
    assert again.number == 2
    with pytest.raises(QuizError):
        integrity.attempt_review_decide(attempt=attempt, upheld=False, note="改判", acting_user=trainer)


def test_the_log_and_the_appeal_are_shown_to_the_learner_and_the_trainer(learner, client):
    attempt = flagged_attempt(learner)
    client.force_login(learner)
    page = client.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    assert 'id="attempt-log"' in page and 'data-kind="left"' in page and "data-counted" in page
    assert 'id="appeal"' in page and 'id="leave-limit-notice"' in page
    client.post(f"/assessments/attempts/{attempt.pk}/appeal/", {"reason": "客户来电"})
    assert client.get("/assessments/reviews/").status_code == 403
    assert client.get(f"/assessments/reviews/{attempt.pk}/").status_code == 403
    other = StaffFactory()
    client.force_login(other)
    assert client.get(f"/assessments/attempts/{attempt.pk}/result/").status_code == 404
    assert client.post(f"/assessments/attempts/{attempt.pk}/appeal/", {"reason": "x"}).status_code == 404

    client.force_login(StaffFactory(role="trainer"))
    queue = client.get("/assessments/reviews/").content.decode()
    assert "王芳" in queue and "期末考试" in queue
    detail = client.get(f"/assessments/reviews/{attempt.pk}/").content.decode()
    assert "客户来电" in detail and 'data-kind="returned"' in detail
    response = client.post(
        f"/assessments/reviews/{attempt.pk}/", {"decision": "rejected", "note": "离开过久"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.review == "confirmed" and attempt.counts_toward_limit


def test_quiz_settings_are_shown_before_the_start(learner, client):
    quiz, _attempt = guarded_attempt(learner, leave_limit=3, idle_submit_minutes=10)
    client.force_login(learner)
    page = client.get(f"/assessments/quizzes/{quiz.pk}/").content.decode()
    assert 'id="leave-limit-rule"' in page and "15" in page
    assert Question.objects.count() == 2
    assert Attempt.objects.count() == 1


def test_a_trainer_sets_the_guard_in_the_quiz_admin(client):
    from assessments.models import Quiz

    bank = f.make_bank()
    question = f.single_choice(bank)
    client.force_login(StaffFactory(role="trainer"))
    fields = {
        "title": "期末考试",
        "selection": "fixed",
        "fixed_questions": [question.pk],
        "draw_count": "0",
        "pass_percent": "60",
        "max_attempts": "1",
        "time_limit_minutes": "30",
        "review_policy": "after_submission",
        "is_active": "on",
        "leave_limit": "2",
        "idle_submit_minutes": "5",
    }
    assert client.post("/admin/quizzes/new/", fields).status_code == 302
    quiz = Quiz.objects.get(title="期末考试")
    assert quiz.leave_limit == 2 and quiz.idle_submit_minutes == 5 and quiz.guarded


def test_an_exam_marked_for_review_and_its_appeal_wait_in_the_trainers_queue_with_a_due_day(learner, hr_user):
    from django.utils import translation

    from assessments.scoring.selectors import scoring_policy_for_month
    from assessments.scoring.services import POLICY_FIELDS, scoring_policy_update
    from notifications.reminders import work_queue_for

    def waiting(person):
        with translation.override("en"):
            return [
                (str(i.data["what"]), i.due_on)
                for i in work_queue_for(person, timezone.now())
                if i.key == f"attempt-review:{attempt.pk}"
            ]

    attempt = flagged_attempt(learner)
    trainer = StaffFactory(role="trainer", name="赵老师")
    today = timezone.localdate()
    assert waiting(trainer) == [("Exam marked for review", today + timedelta(days=3))]
    assert waiting(learner) == []

    integrity.attempt_appeal_file(attempt=attempt, staff=learner, reason="客户来电，必须接听")
    policy = scoring_policy_for_month(today)
    values = {name: getattr(policy, name) for name in POLICY_FIELDS} | {"grading_days": 1}
    scoring_policy_update(version=policy, values=values, reason="加快复核", acting_user=hr_user)
    assert waiting(trainer) == [("Exam appeal to decide", today + timedelta(days=1))]

    integrity.attempt_review_decide(attempt=attempt, upheld=False, note="离开过久", acting_user=trainer)
    assert waiting(trainer) == []

"""The demo's onboarding programme ends with its final exam: a new hire who completes 72/72 hours and passes it
earns the onboarding certificate, and staff onboarded before the portal already hold theirs."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import Certificate, CertificateKind, Quiz
from assessments.quizzes import services as quiz_services
from courses.models import DeliveryMode, LessonCompletion, LessonPage, ProgrammeKind, ProgrammePage
from courses.services import lesson_complete, lesson_complete_by_learner
from demo import assessments, curriculum, people
from portal.models import User

pytestmark = pytest.mark.django_db


def _correct_post(attempt) -> dict:
    """The page's form fields answering every item correctly (display positions, each item's version)."""
    post = {}
    for item in attempt.items.all():
        key, data, qtype = f"q{item.slot}", item.snapshot["data"], item.snapshot["qtype"]
        post[f"v{item.slot}"] = str(item.version)
        options = data.get("options", [])
        if qtype == "single_choice":
            best = max(range(len(options)), key=lambda i: float(options[i]["fraction"]))
            post[key] = str(item.order.index(best))
        elif qtype == "multiple_choice":
            post[f"{key}_present"] = "1"
            post[key] = [str(item.order.index(i)) for i, o in enumerate(options) if float(o["fraction"]) > 0]
        elif qtype == "true_false":
            post[key] = "true" if data["correct"] else "false"
        elif qtype == "short_answer":
            post[key] = options[0]["text"]
        elif qtype == "numerical":
            post[key] = str(data["numeric"][0]["value"])
        elif qtype == "matching":
            for i, _pair in enumerate(data["pairs"]):
                post[f"{key}_m{i}"] = str(item.order.index(i))
    return post


class _Post(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def test_a_new_hire_who_completes_72_hours_and_passes_the_final_exam_earns_the_certificate(
    django_capture_on_commit_callbacks,
):
    people.seed()
    curriculum.seed()
    assessments._seed_quizzes()
    onboarding = ProgrammePage.objects.get(kind=ProgrammeKind.ONBOARDING)
    lessons = list(LessonPage.objects.descendant_of(onboarding).order_by("path"))
    assert lessons[-1].slug == curriculum.FINAL_EXAM_SLUG
    assert sum(lesson.planned_hours for lesson in lessons) == 72
    exam = Quiz.objects.get(is_final_exam=True)
    assert exam.lesson_id == lessons[-1].pk

    new_hire = User.objects.get(employee_no="newhire01")
    day = timezone.localdate() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:-1]:
            via = (
                LessonCompletion.Via.LEARNER if lesson.delivery_mode == DeliveryMode.ONLINE else "attendance"
            )
            lesson_complete(staff=new_hire, lesson=lesson, on_date=day, via=via)
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on is None  # the last lesson is the exam: passing it completes the programme
    with pytest.raises(ValidationError):
        lesson_complete_by_learner(staff=new_hire, lesson=lessons[-1], on_date=day)

    with django_capture_on_commit_callbacks(execute=True):
        attempt = quiz_services.attempt_start(quiz=exam, staff=new_hire)
        attempt, accepted = quiz_services.attempt_submit(attempt=attempt, post=_Post(_correct_post(attempt)))
    assert accepted and attempt.passed
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on is not None
    certificate = Certificate.objects.get(holder=new_hire)
    assert certificate.kind == CertificateKind.ONBOARDING and certificate.programme_id == onboarding.pk


def test_staff_onboarded_before_the_portal_hold_their_certificates_once():
    people.seed()
    curriculum.seed()
    assessments.seed()
    assessments.seed()
    holders = set(Certificate.objects.values_list("holder__employee_no", flat=True))
    assert {"agent01", "lead01"} <= holders
    assert Certificate.objects.count() == len(holders) == 8

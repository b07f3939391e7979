import pytest

from courses.models import LessonPage, SopRevision
from courses.selectors import sop_revisions_pending_for, sop_unacknowledged_staff
from courses.services import sop_acknowledge
from tests.courses import factories as cf

pytestmark = pytest.mark.django_db

STEPS_V1 = [
    {
        "step": "询问引导",
        "key_action": "问候并确认身份",
        "script": "您好，请问有什么可以帮您？",
        "caution": "",
    }
]
STEPS_V2 = [
    {
        "step": "询问引导",
        "key_action": "问候并确认身份，30秒内响应",
        "script": "您好，请问有什么可以帮您？",
        "caution": "",
    }
]


def sop_lesson(must_reread=True):
    prog, _ = cf.onboarding()
    mod = prog.get_children().first()
    return cf.lesson(
        mod,
        title="SOP：询问引导",
        is_sop=True,
        must_reread=must_reread,
        body=[("sop_steps", {"title": "步骤", "steps": STEPS_V1})],
    )


def republish(lesson, steps):
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = [("sop_steps", {"title": "步骤", "steps": steps})]
    return cf.publish(lesson)


def test_republishing_a_must_reread_sop_records_what_changed(org):
    lesson = sop_lesson()
    assert not SopRevision.objects.exists()  # first publication: nothing to compare
    republish(lesson, STEPS_V2)
    revision = SopRevision.objects.get()
    assert ["removed", "问候并确认身份"] in revision.diff
    assert ["added", "问候并确认身份，30秒内响应"] in revision.diff
    assert ["same", "您好，请问有什么可以帮您？"] in revision.diff
    assert revision.previous_revision_id != revision.revision_id


def test_an_sop_lesson_without_must_reread_or_without_changes_records_nothing(org):
    lesson = sop_lesson(must_reread=False)
    republish(lesson, STEPS_V2)
    assert not SopRevision.objects.exists()
    lesson = sop_lesson()
    republish(lesson, STEPS_V1)
    assert not SopRevision.objects.exists()


def test_staff_see_the_change_acknowledge_it_and_the_lead_sees_who_has_not(client, org):
    lesson = sop_lesson()
    republish(lesson, STEPS_V2)
    revision = SopRevision.objects.get()
    assert list(sop_revisions_pending_for(org.agent_a1)) == [revision]
    client.force_login(org.agent_a1)
    page = client.get(f"/courses/sop/{revision.pk}/").content.decode()
    assert "30秒内响应" in page and 'class="added"' in page
    client.post(f"/courses/sop/{revision.pk}/")
    assert list(sop_revisions_pending_for(org.agent_a1)) == []
    sop_acknowledge(staff=org.agent_a1, sop_revision=revision)  # twice is harmless
    assert revision.acknowledgements.count() == 1
    missing = {p.employee_no for p in sop_unacknowledged_staff(viewer=org.lead_a1, sop_revision=revision)}
    assert missing == {"L0001", "A0002"}
    client.force_login(org.lead_a1)
    page = client.get(f"/courses/sop/{revision.pk}/").content.decode()
    assert "A0002" in page and "A0003" not in page  # own team only


def test_the_team_matrix_lists_sop_changes_with_who_has_not_acknowledged(client, org):
    lesson = sop_lesson()
    republish(lesson, STEPS_V2)
    revision = SopRevision.objects.get()
    sop_acknowledge(staff=org.agent_a1, sop_revision=revision)
    client.force_login(org.lead_a1)
    response = client.get("/courses/team/")
    assert [(x["revision"], x["missing"]) for x in response.context["sop_revisions"]] == [(revision, 2)]

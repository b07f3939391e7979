import io
from datetime import date

import openpyxl
import pytest
from django.utils import timezone

from courses.models import LessonCompletion, LessonPage
from courses.services import enrolment_assign
from portal.months import add_months, first_of_month
from tests.conftest import give_totp
from tests.courses import factories as cf
from tests.factories import StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


def this_month():
    return first_of_month(timezone.localdate())


@pytest.fixture
def new_hire():
    return StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)


def test_curriculum_pages_need_login(client):
    prog, lessons = cf.onboarding()
    for url in ("/learn/", prog.url, lessons[0].url):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_new_hire_sees_hours_done_of_72_and_completing_a_lesson_moves_it(client, new_hire):
    prog, lessons = cf.onboarding(online=("28.8",), offline=("43.2",), active_share="0")
    enrolment_assign(staff_ids=[new_hire.pk], programme=prog, assigned_on=this_month())
    client.force_login(new_hire)
    home = client.get("/portal/").content.decode()
    assert 'data-planned="72.00"' in home and 'data-done="0"' in home
    assert lessons[0].title in home  # the next lesson
    # Completing before opening the lesson is refused.
    client.post(f"/courses/lessons/{lessons[0].pk}/complete/")
    assert not LessonCompletion.objects.exists()
    page = client.get(lessons[0].url)
    assert "Mark as complete" in page.content.decode() or "标记" in page.content.decode()
    response = client.post(f"/courses/lessons/{lessons[0].pk}/complete/")
    assert response.status_code == 302 and response["Location"] == lessons[0].url
    home = client.get("/portal/").content.decode()
    assert 'data-done="28.80"' in home
    assert "<span data-progress-online>28.80</span>" in home


def test_the_lesson_page_renders_every_block(client, new_hire):
    prog, _ = cf.onboarding()
    mod = prog.get_children().first()
    body = [
        ("rich_text", "<p>企业文化正文</p>"),
        ("video", {"title": "视频", "url": "https://videos.example.com/a.mp4", "transcript": "文字稿"}),
        (
            "sop_steps",
            {
                "title": "SOP",
                "steps": [
                    {"step": "询问引导", "key_action": "确认身份", "script": "您好", "caution": "勿打断"}
                ],
            },
        ),
        (
            "dialogue",
            {
                "title": "话术",
                "lines": [
                    {"speaker": "agent", "text": "您好，请问有什么可以帮您？"},
                    {"speaker": "customer", "text": "网络断了"},
                ],
            },
        ),
        ("callout", {"tone": "warning", "text": "<p>注意&lt;script&gt;</p>"}),
    ]
    lesson = cf.lesson(mod, title="块测试", body=body)
    client.force_login(new_hire)
    html = client.get(lesson.url).content.decode()
    for text in (
        "企业文化正文",
        "https://videos.example.com/a.mp4",
        "文字稿",
        "确认身份",
        "勿打断",
        "网络断了",
    ):
        assert text in html
    assert "<script>" not in html.split("<main")[1]


def test_the_programme_page_shows_progress_and_modules(client, new_hire):
    prog, lessons = cf.onboarding()
    enrolment_assign(staff_ids=[new_hire.pk], programme=prog, assigned_on=this_month())
    client.force_login(new_hire)
    html = client.get(prog.url).content.decode()
    assert "data-progress" in html and all(x.title in html for x in lessons)


def _members(size, team, prefix):
    return [StaffFactory(team=team, employee_no=f"{prefix}{i:03d}") for i in range(size)]


def test_team_matrix_and_learner_home_queries_do_not_grow(client, django_assert_max_num_queries):
    team = TeamFactory(name="T1")
    lead = StaffFactory(role="team_lead", team=team, employee_no="LEAD1")
    prog, lessons = cf.monthly(this_month())
    small = _members(2, team, "S")
    enrolment_assign(staff_ids=[lead.pk] + [p.pk for p in small], programme=prog, assigned_on=this_month())
    client.force_login(lead)
    client.get("/courses/team/")  # warm caches (site root paths, sessions)
    client.get("/portal/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as matrix_small:
        assert client.get("/courses/team/").status_code == 200
    with CaptureQueriesContext(connection) as home_small:
        client.get("/portal/")
    matrix_queries, home_queries = len(matrix_small), len(home_small)
    # Grow: more members, more programmes, more lessons.
    more = _members(12, team, "M")
    prog2, _ = cf.monthly(this_month(), title="客户心理学", hours=("1", "1", "1", "1"), modes=("online",) * 4)
    cf.monthly(add_months(this_month(), 1), title="下月")
    enrolment_assign(
        staff_ids=[lead.pk] + [p.pk for p in small + more], programme=prog2, assigned_on=this_month()
    )
    for person in more[:5]:
        LessonCompletion.objects.create(
            staff=person,
            lesson=lessons[0],
            completed_on=this_month(),
            hours=2,
            category="in_service",
            via="learner",
        )
    # Publishing pages made the cached curriculum stale: the first requests after it read it again.
    client.get("/courses/team/")
    client.get("/portal/")
    with django_assert_max_num_queries(matrix_queries):
        response = client.get("/courses/team/")
    assert response.status_code == 200
    assert len(response.context["matrix"]["rows"]) == 15
    with django_assert_max_num_queries(home_queries):
        assert client.get("/portal/").status_code == 200


def test_the_matrix_highlights_overdue_people(client, org):
    last = add_months(this_month(), -1)
    prog, _ = cf.monthly(last)
    enrolment_assign(staff_ids=[org.agent_a1.pk], programme=prog, assigned_on=last, due_on=last)
    client.force_login(org.lead_a1)
    response = client.get(f"/courses/team/?month={last:%Y-%m}")
    rows = {r["staff"].employee_no: r for r in response.context["matrix"]["rows"]}
    assert rows["A0001"]["overdue"] is True
    assert set(rows) == {"L0001", "A0001", "A0002"}  # own team only
    assert 'class="overdue"' in response.content.decode()


def test_a_manager_sees_their_department_and_an_agent_is_refused(client, org):
    cf.monthly(this_month())
    client.force_login(org.manager_a)
    rows = client.get("/courses/team/").context["matrix"]["rows"]
    assert {r["staff"].employee_no for r in rows} == {"L0001", "A0001", "A0002", "A0003"}
    client.force_login(org.agent_a1)
    assert client.get("/courses/team/").status_code == 403
    assert client.get("/courses/report/").status_code == 403
    client.force_login(org.lead_a1)
    assert client.get("/courses/report/").status_code == 403


def test_hr_exports_completion_by_department_as_csv_and_xlsx(client, org):
    prog, lessons = cf.monthly(this_month())
    enrolment_assign(staff_ids=[org.agent_a1.pk, org.agent_b1.pk], programme=prog, assigned_on=this_month())
    for lesson in lessons:
        LessonCompletion.objects.create(
            staff=org.agent_a1,
            lesson=lesson,
            completed_on=this_month(),
            hours=2,
            category="in_service",
            via="learner",
        )
    hr = give_totp(StaffFactory(role="hr", employee_no="HR001"))
    client.force_login(hr)
    csv_text = client.get("/courses/report/?format=csv").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("department,staff,assigned")
    # Publishing assigned the module to every in-service person; A0001 did all of it.
    assert "客户服务部,4,4,1,0,25.0,1,4.00" in lines
    assert "技术支持部,1,1,0,0,0.0,0,0.00" in lines
    response = client.get("/courses/report/?format=xlsx&rows=people")
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["A0001"][7] == "4.00"
    client.force_login(org.manager_b)
    csv_text = client.get("/courses/report/?format=csv").content.decode("utf-8-sig")
    assert "客户服务部" not in csv_text and "技术支持部" in csv_text


def test_a_trainer_ticks_attendees_and_their_hours_are_credited(client, new_hire):
    prog, lessons = cf.onboarding()
    trainer = StaffFactory(role="trainer", employee_no="TR001")
    client.force_login(trainer)
    page = client.get("/courses/attendance/?q=N0001")
    assert page.status_code == 200 and "N0001" in page.content.decode()
    response = client.post(
        "/courses/attendance/", {"lesson": lessons[2].pk, "on_date": "2026-11-10", "staff": [new_hire.pk]}
    )
    assert response.status_code == 302
    completion = LessonCompletion.objects.get(staff=new_hire, lesson=lessons[2])
    assert completion.completed_on == date(2026, 11, 10) and completion.via == "attendance"


def test_an_agent_cannot_record_attendance(client, org):
    client.force_login(org.agent_a1)
    assert client.get("/courses/attendance/").status_code == 403
    assert client.get("/courses/attendance/upload/").status_code == 403


def test_my_training_lists_onboarding_and_monthly_history(client, org):
    last = add_months(this_month(), -1)
    past, _ = cf.monthly(last, title="客户心理学")
    cf.monthly(this_month(), title="沟通技巧")
    enrolment_assign(staff_ids=[org.agent_a1.pk], programme=past, assigned_on=last, due_on=last)
    client.force_login(org.agent_a1)
    html = client.get("/courses/").content.decode()
    assert "客户心理学" in html and "沟通技巧" in html
    assert 'class="overdue"' in html


def test_a_trainer_uploads_a_paper_attendance_sheet_through_preview_and_confirm(client, new_hire):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _prog, lessons = cf.onboarding()
    client.force_login(StaffFactory(role="trainer", employee_no="TR001"))
    sheet = SimpleUploadedFile("sheet.csv", b"employee_no\nN0001\n", content_type="text/csv")
    response = client.post(
        "/courses/attendance/upload/", {"file": sheet, "lesson": lessons[2].pk, "on_date": "2026-11-10"}
    )
    assert response.status_code == 200 and response.context["result"].ok
    assert not LessonCompletion.objects.exists()
    response = client.post("/courses/attendance/upload/", {"token": response.context["pending"].token})
    assert response.status_code == 302
    completion = LessonCompletion.objects.get()
    assert (completion.staff, completion.lesson_id, completion.completed_on) == (
        new_hire,
        lessons[2].pk,
        date(2026, 11, 10),
    )


def test_editors_can_open_the_add_forms_of_every_curriculum_page(client):
    from tests.conftest import give_totp

    prog, lessons = cf.onboarding()
    client.force_login(give_totp(StaffFactory(role="admin", employee_no="ADM01")))
    root = prog.get_parent()
    module = lessons[0].get_parent()
    for url in (
        f"/admin/pages/add/courses/programmepage/{root.pk}/",
        f"/admin/pages/add/courses/modulepage/{prog.pk}/",
        f"/admin/pages/add/courses/lessonpage/{module.pk}/",
        f"/admin/pages/{lessons[0].pk}/edit/",
    ):
        assert client.get(url).status_code == 200, url


def test_curriculum_urls_serve_live_pages_and_refuse_the_rest(client, new_hire):
    prog, lessons = cf.onboarding()
    mod = prog.get_children().first()
    client.force_login(new_hire)
    for page in (prog, mod, lessons[0]):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert (
            type(response.context["page"]) is type(page.specific) and response.context["page"].pk == page.pk
        )
    draft = LessonPage(title="草稿", slug="draft", delivery_mode="online", planned_hours=1, live=False)
    mod.add_child(instance=draft)
    assert client.get(f"{mod.url}draft/").status_code == 404
    assert client.get(f"{mod.url}no-such-lesson/").status_code == 404
    assert client.get(f"{prog.url}no-such-module/{lessons[0].slug}/").status_code == 404
    assert client.get(f"{lessons[0].url}deeper/").status_code == 404


def test_the_lesson_page_links_its_programme_module_and_next_lesson(client, new_hire):
    prog, lessons = cf.onboarding()
    enrolment_assign(staff_ids=[new_hire.pk], programme=prog, assigned_on=this_month())
    client.force_login(new_hire)
    response = client.get(lessons[0].url)
    context = response.context
    assert context["programme"].pk == prog.pk and context["module"].pk == lessons[0].get_parent().pk
    assert context["enrolled"] is True and context["next_lesson"].pk == lessons[1].pk
    html = response.content.decode()
    assert prog.url in html and lessons[0].get_parent().url in html and lessons[1].url in html
    assert client.get(lessons[-1].url).context["next_lesson"] is None


def test_a_lesson_is_remembered_as_opened_only_while_the_learner_can_still_complete_it(client, new_hire):
    from courses.models import VIEWED_LESSONS_KEY

    prog, lessons = cf.onboarding(online=("4", "4"), offline=("6",), active_share="0")
    online, done, offline = lessons
    enrolment_assign(staff_ids=[new_hire.pk], programme=prog, assigned_on=this_month())
    LessonCompletion.objects.create(
        staff=new_hire, lesson=done, completed_on=this_month(), hours=4, category="onboarding", via="learner"
    )
    client.force_login(new_hire)
    for lesson in (done, offline):
        client.get(lesson.url)
    assert VIEWED_LESSONS_KEY not in client.session  # reading a completed or offline lesson writes no session
    client.get(online.url)
    assert client.session[VIEWED_LESSONS_KEY] == [online.pk]
    response = client.post(f"/courses/lessons/{online.pk}/complete/")
    assert response.status_code == 302 and LessonCompletion.objects.filter(lesson=online).exists()


def test_programme_and_lesson_pages_need_the_same_queries_for_a_larger_curriculum(
    client, new_hire, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prog, lessons = cf.onboarding()
    enrolment_assign(staff_ids=[new_hire.pk], programme=prog, assigned_on=this_month())
    client.force_login(new_hire)
    client.get(lessons[0].url)  # warm caches (site root paths, session)
    with CaptureQueriesContext(connection) as lesson_small:
        assert client.get(lessons[0].url).status_code == 200
    with CaptureQueriesContext(connection) as programme_small:
        assert client.get(prog.url).status_code == 200
    lesson_queries, programme_queries = len(lesson_small), len(programme_small)
    mod = cf.module(prog, "更多")
    more = [cf.lesson(mod, title=f"更多{i}") for i in range(6)]
    for lesson in (*lessons[1:], *more[:3]):
        LessonCompletion.objects.create(
            staff=new_hire,
            lesson=lesson,
            completed_on=this_month(),
            hours=1,
            category="onboarding",
            via="learner",
        )
    cf.monthly(this_month())
    # Publishing pages made the cached curriculum stale: the first requests after it read it again.
    client.get(lessons[0].url)
    client.get(prog.url)
    with django_assert_max_num_queries(lesson_queries):
        assert client.get(lessons[0].url).status_code == 200
    with django_assert_max_num_queries(programme_queries):
        assert client.get(prog.url).status_code == 200


def test_the_home_panel_shows_the_three_latest_past_modules_and_my_training_shows_all(client, org):
    titles = [f"往月{i}" for i in range(1, 6)]
    for i, title in enumerate(titles, 1):
        month = add_months(this_month(), -i)
        prog, _ = cf.monthly(month, title=title)
        enrolment_assign(staff_ids=[org.agent_a1.pk], programme=prog, assigned_on=month)
    client.force_login(org.agent_a1)
    panel = client.get("/portal/").content.decode()
    assert all(t in panel for t in titles[:3]) and not any(t in panel for t in titles[3:])
    page = client.get("/courses/").content.decode()
    assert all(t in page for t in titles)


def test_my_training_links_the_next_and_the_required_onboarding_lessons_left(client, new_hire):
    prog, lessons = cf.onboarding(online=("4", "4"), offline=("6",), optional_online=("1",))
    enrolment_assign(staff_ids=[new_hire.pk], programme=prog, assigned_on=this_month())
    LessonCompletion.objects.create(
        staff=new_hire,
        lesson=lessons[0],
        completed_on=this_month(),
        hours=4,
        category="onboarding",
        via="learner",
    )
    client.force_login(new_hire)
    onboarding = client.get("/courses/").context["overview"].onboarding
    assert onboarding.next_lesson == lessons[1]
    assert onboarding.required_left == [lessons[1], lessons[2]]  # not the optional lesson, not the done one
    html = client.get("/courses/").content.decode()
    assert lessons[1].url in html and lessons[2].url in html and lessons[3].url not in html

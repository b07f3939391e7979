"""Rough edges a new user meets in the first hour: each one tested where the user meets it."""

import re
from datetime import date

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Page, Site

from assessments.scoring.services import kpi_month_import
from courses.models import TrainingRootPage
from courses.selectors import sop_revisions_with_missing
from courses.services import enrolment_assign, lesson_complete
from courses.views import team_training_panel
from portal.panels import team_panel
from tests.assessments.scoring_helpers import kpi_csv
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_attendance_date_field_keeps_its_date_as_an_iso_value(client, org):
    client.force_login(StaffFactory(role="trainer", employee_no="TR001"))
    page = client.get("/courses/attendance/").content.decode()
    field = re.search(r'<input type="date" name="on_date"[^>]*>', page).group(0)
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in field


def test_bad_tokens_and_bad_months_show_the_portals_not_found_page_even_in_debug(client, org, settings):
    settings.DEBUG = True
    for path in ("/verify/not-a-token/", "/verify/letter/not-a-token/"):
        response = client.get(path)
        assert response.status_code == 404 and "此页面不存在，或您无权查看。" in response.content.decode()
    client.force_login(org.lead_a1)
    for path in (
        "/assessments/scores/?month=2026-13",
        "/courses/team/?month=13-2026",
        "/learn/no-such-page/",
    ):
        response = client.get(path)
        assert response.status_code == 404 and "此页面不存在" in response.content.decode(), path


def test_pages_carry_a_favicon_and_the_browsers_default_address_finds_it(client, org):
    client.force_login(org.agent_a1)
    assert 'rel="icon" href="/static/portal/favicon.svg"' in client.get("/portal/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/portal/favicon.svg"


def test_the_password_reset_mail_greets_in_chinese_without_the_raw_host(client, org):
    org.agent_a1.email = "agent@example.cn"
    org.agent_a1.save()
    client.post("/accounts/password/reset/", {"email": "agent@example.cn"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    (message,) = mail.outbox
    assert message.body.startswith(f"{org.agent_a1.name}，您好：")
    assert "testserver" not in message.body.replace("http://testserver/", "")
    assert "客服培训门户" in message.body


def test_a_lead_reading_a_members_score_page_is_not_addressed_as_the_member(client, org, hr_user):
    kpi_month_import(
        data=kpi_csv("A0001,120,98,95,85,0.5,0"),
        file_name="k.csv",
        month=date(2026, 10, 1),
        acting_user=hr_user,
    )
    client.force_login(org.lead_a1)
    page = client.get("/assessments/scores/staff/A0001/?month=2026-10").content.decode()
    assert f"{org.agent_a1.name} 本月再完成 4 在岗培训学时" in page and "您的考核成绩" not in page
    client.force_login(org.agent_a1)
    assert "您的考核成绩即可计入" in client.get("/assessments/scores/me/?month=2026-10").content.decode()


def test_the_two_team_panels_of_a_leads_home_count_the_same_members(rf, org):
    StaffFactory(role="new_hire", team=org.team_a1, employee_no="N0001")
    cf.monthly(timezone.localdate().replace(day=1))
    request = rf.get("/portal/")
    request.user = org.lead_a1
    assert team_panel(request)["members"] == team_training_panel(request)["members"] == 3
    assert team_panel(request)["new_hires"] == 1


def test_the_team_matrix_names_who_has_not_acknowledged_an_sop_change(org):
    from tests.courses.test_sop import STEPS_V2, republish, sop_lesson

    republish(sop_lesson(), STEPS_V2)
    (row,) = sop_revisions_with_missing(viewer=org.lead_a1)
    assert row["missing"] == 3
    assert row["names"] == [
        f"{person.name} {person.employee_no}" for person in (org.agent_a1, org.agent_a1b, org.lead_a1)
    ]


def test_the_last_lesson_says_where_the_programme_stands(client, org):
    prog, lessons = cf.onboarding(online=("1", "1"), offline=())
    learner = StaffFactory(role="new_hire", team=org.team_a1, employee_no="N0002")
    enrolment_assign(staff_ids=[learner.pk], programme=prog, assigned_on=date(2026, 11, 1))
    client.force_login(learner)
    page = client.get(lessons[-1].url).content.decode()
    assert "这是“入职培训”的最后一课；还有 2 门必修课未完成。" in page
    for lesson in lessons:
        lesson_complete(staff=learner, lesson=lesson, on_date=date(2026, 11, 2), via="learner")
    assert "您已完成“入职培训”的全部课程，本培训项目已结业。" in client.get(lessons[-1].url).content.decode()
    assert "下一课" in client.get(lessons[0].url).content.decode()


def test_the_gift_upload_page_explains_gift_not_csv_columns(client, org):
    client.force_login(StaffFactory(role="trainer", employee_no="TR002"))
    page = client.get("/assessments/banks/import/").content.decode()
    assert "$CATEGORY" in page and "花括号" in page
    assert "表头" not in page and "GB18030" not in page


def test_wagtails_welcome_page_is_replaced_by_the_training_root():
    from courses.wagtail_setup import WAGTAIL_WELCOME_TITLE, replace_wagtail_welcome_page

    # As Wagtail's migrations leave a new database: a placeholder home page that the default site serves.
    TrainingRootPage.objects.all().delete()
    Page.objects.filter(depth__gt=1).delete()
    root = Page.get_first_root_node()
    welcome = root.add_child(instance=Page(title=WAGTAIL_WELCOME_TITLE, slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=welcome, is_default_site=True)

    replace_wagtail_welcome_page()
    assert not Page.objects.filter(title=WAGTAIL_WELCOME_TITLE).exists()
    assert isinstance(Site.objects.get(is_default_site=True).root_page.specific, TrainingRootPage)
    replace_wagtail_welcome_page()  # once only
    assert TrainingRootPage.objects.count() == 1


def test_wagtail_publishes_with_its_own_word_without_workflow_avatars_or_external_help(client, org, settings):
    prog, lessons = cf.onboarding(online=("1",), offline=())
    trainer = StaffFactory(role="trainer", employee_no="TR003")
    client.force_login(trainer)
    editor = client.get(f"/admin/pages/{lessons[0].pk}/edit/").content.decode()
    assert "发布" in editor and "公示" not in editor
    assert "Moderators" not in editor and "gravatar" not in editor
    home = client.get("/admin/").content.decode()
    for text in ("Page types usage", "Shortcuts", "editor guide", "Editor Guide", "wagtail.org", "Welcome"):
        assert text not in home, text
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None

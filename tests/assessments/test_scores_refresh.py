"""Stored scores follow the month's data: events mark a month dirty, unannounced changes move its fingerprint,
pages recompute lazily, the HR page and command recompute on demand, and a published month stays frozen."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from assessments.models import Evaluation, KpiRecord, MonthlyScore, ScoreMonthState
from assessments.scoring.rules import round2
from assessments.scoring.services import monthly_scores_compute, monthly_scores_refresh
from courses.models import LessonPage, ModulePage, ProgrammePage, TrainingRootPage
from courses.services import lesson_complete
from portal.services import month_lock_set
from tests.assessments.factories import kpi_record
from tests.assessments.scoring_helpers import kpi_csv

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)


def _lesson(hours="4"):
    root = Page.get_first_root_node()
    training = root.add_child(instance=TrainingRootPage(title="培训", slug="training-r"))
    programme = training.add_child(
        instance=ProgrammePage(title="十月", slug="oct", kind="monthly", month=OCT)
    )
    module = programme.add_child(instance=ModulePage(title="沟通", slug="talk"))
    return module.add_child(
        instance=LessonPage(title="课", slug="l", delivery_mode="offline", planned_hours=Decimal(hours))
    )


def test_a_lesson_completion_marks_its_month_dirty_and_the_page_recomputes(
    org, client, django_capture_on_commit_callbacks
):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    assert MonthlyScore.objects.get(staff=org.agent_a1).learning == 0
    lesson = _lesson()
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(staff=org.agent_a1, lesson=lesson, on_date=date(2026, 10, 20), via="attendance")
    assert ScoreMonthState.objects.get(month=OCT).dirty
    client.force_login(org.agent_a1)
    client.get(reverse("assessments:my-scores"), {"month": "2026-10"})
    score = MonthlyScore.objects.get(staff=org.agent_a1)
    # 4 hours and no assessment result: learning absent, the KPI component alone (80).
    assert score.learning is None and score.composite == Decimal("80.00")
    assert not ScoreMonthState.objects.get(month=OCT).dirty


def test_an_unannounced_change_is_noticed_by_the_fingerprint(org):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    assert not monthly_scores_refresh(month=OCT)
    Evaluation.objects.create(
        staff=org.agent_a1, date=date(2026, 10, 9), kind="spot_check", score=90, evaluator="q"
    )
    assert monthly_scores_refresh(month=OCT)
    assert MonthlyScore.objects.get(staff=org.agent_a1).quality == Decimal("90.00")


def test_a_published_month_is_never_recomputed(org):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    month_lock_set(month=OCT, acting_user=None)
    KpiRecord.objects.update(satisfaction_rate=50)
    assert not monthly_scores_refresh(month=OCT)
    assert MonthlyScore.objects.get(staff=org.agent_a1).kpi == Decimal("80.00")


def test_recompute_command_and_hr_button(org, hr_client):
    kpi_record(org.agent_a1, OCT)
    out = io.StringIO()
    call_command("recompute_scores", "--month", "2026-10", "--json", stdout=out)
    assert json.loads(out.getvalue())["scored"] >= 1
    KpiRecord.objects.update(satisfaction_rate=50)
    response = hr_client.post(reverse("assessments:scores-recompute"), {"month": "2026-10"})
    assert response.status_code == 302
    assert MonthlyScore.objects.get(staff=org.agent_a1).kpi < Decimal("80")
    month_lock_set(month=OCT, acting_user=None)
    with pytest.raises(SystemExit):
        call_command("recompute_scores", "--month", "2026-10", "--json", stdout=io.StringIO())


def test_the_upload_page_previews_asks_for_replace_and_imports(org, hr_client):
    url = reverse("assessments:kpi-import")
    assert hr_client.get(url).status_code == 200

    def upload(**extra):
        data = kpi_csv("A0001,120,98,95,90,0.5,0")
        upload = io.BytesIO(data)
        upload.name = "k.csv"
        return hr_client.post(url, {"file": upload, "month": "2026-10", **extra}, HTTP_ACCEPT_LANGUAGE="en")

    preview = upload()
    assert preview.context["result"].ok and not KpiRecord.objects.exists()
    confirm = hr_client.post(url, {"token": preview.context["pending"].token})
    assert confirm.status_code == 302 and KpiRecord.objects.count() == 1
    asked = upload()
    assert "replace" in asked.context["form"].errors and asked.context["result"] is None
    replaced = upload(replace="on")
    hr_client.post(url, {"token": replaced.context["pending"].token})
    assert KpiRecord.objects.count() == 1
    assert MonthlyScore.objects.filter(month=OCT, staff=org.agent_a1).exists()


def test_only_hr_uploads_kpis(client, org):
    client.force_login(org.manager_a)
    assert client.get(reverse("assessments:kpi-import")).status_code == 403
    assert client.post(reverse("assessments:scores-recompute"), {"month": "2026-10"}).status_code == 403


def test_a_recomputation_rewrites_only_the_scores_that_changed(org):
    kpi_record(org.agent_a1, OCT)
    kpi_record(org.agent_a2, OCT)
    monthly_scores_compute(month=OCT)
    untouched = MonthlyScore.objects.get(staff=org.agent_a2)
    Evaluation.objects.create(
        staff=org.agent_a1, date=date(2026, 10, 9), kind="spot_check", score=70, evaluator="q"
    )
    monthly_scores_compute(month=OCT)
    assert MonthlyScore.objects.get(staff=org.agent_a2).pk == untouched.pk
    assert MonthlyScore.objects.get(staff=org.agent_a1).quality == Decimal("70.00")


def test_a_regraded_assessment_result_is_noticed(org):
    from courses.services import learning_result_record

    kpi_record(org.agent_a1, OCT)
    lesson = _lesson()
    lesson_complete(staff=org.agent_a1, lesson=lesson, on_date=date(2026, 10, 5), via="attendance")
    learning_result_record(
        staff_id=org.agent_a1.pk,
        on_date=date(2026, 10, 6),
        category="in_service",
        percent=Decimal("60"),
        source="quiz",
        source_id="1",
    )
    monthly_scores_compute(month=OCT)
    assert MonthlyScore.objects.get(staff=org.agent_a1).learning == Decimal("60.00")
    learning_result_record(
        staff_id=org.agent_a1.pk,
        on_date=date(2026, 10, 6),
        category="in_service",
        percent=Decimal("90"),
        source="quiz",
        source_id="1",
    )
    assert monthly_scores_refresh(month=OCT)
    assert MonthlyScore.objects.get(staff=org.agent_a1).learning == Decimal("90.00")


def test_my_scores_shows_an_unannounced_change_at_once_and_the_overview_stores_it(org, client):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    before = MonthlyScore.objects.get(staff=org.agent_a1).composite
    # An evaluation saved without any event: only the month's fingerprint notices it.
    Evaluation.objects.create(
        staff=org.agent_a1, date=date(2026, 10, 9), kind="spot_check", score=90, evaluator="q"
    )
    client.force_login(org.agent_a1)
    page = client.get(reverse("assessments:my-scores"), {"month": "2026-10"})
    shown = round2(page.context["explanation"]["score"].composite)
    assert shown != before and page.context["explanation"]["score"].quality == Decimal(90)
    # The person's page explains the data as it is; the month's stored scores are the overview's to refresh.
    assert MonthlyScore.objects.get(staff=org.agent_a1).composite == before
    assert str(shown) in str(page.context["chart"])  # the trend's point for October is the score shown
    client.force_login(org.lead_a1)
    client.get(reverse("assessments:scores-overview"), {"month": "2026-10"})
    assert MonthlyScore.objects.get(staff=org.agent_a1).composite == shown

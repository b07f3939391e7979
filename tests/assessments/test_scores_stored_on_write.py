"""Stored scores follow the month's data because every write that changes a month's score inputs stores its
scores again in the same transaction; pages and read commands only read them; the HR page and command recompute
on demand; a month without data has no scores; a published month stays frozen."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from wagtail.models import Page

from assessments.models import Evaluation, KpiRecord, MonthlyScore, Rubric, RubricCriterion
from assessments.scorecards.services import (
    evaluation_dispute,
    evaluation_dispute_resolve,
    evaluation_dispute_review,
    evaluation_import,
    qa_lead_appoint,
    scorecard_evaluate,
)
from assessments.scoring.services import monthly_scores_compute, monthly_scores_update
from courses.models import LessonPage, ModulePage, ProgrammePage, TrainingRootPage
from courses.services import learning_result_record, lesson_complete, training_records_import
from portal.models import AuditEvent
from portal.services import month_lock_set, staff_import, staff_update
from tests.assessments.factories import kpi_record
from tests.assessments.scoring_helpers import kpi_csv
from tests.factories import StaffFactory

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


def _score(person, month=OCT):
    return MonthlyScore.objects.filter(staff=person, month=month).first()


def test_a_lesson_completion_stores_its_month_again_and_the_page_only_reads(org, client):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    assert _score(org.agent_a1).learning == 0
    lesson_complete(staff=org.agent_a1, lesson=_lesson(), on_date=date(2026, 10, 20), via="attendance")
    score = _score(org.agent_a1)
    # 4 hours and no assessment result: learning absent, the KPI component alone (80).
    assert score.learning is None and score.composite == Decimal("80.00")
    computed_at = score.computed_at
    client.force_login(org.agent_a1)
    client.get(reverse("assessments:my-scores"), {"month": "2026-10"})
    assert _score(org.agent_a1).computed_at == computed_at


def test_the_recomputation_is_part_of_the_writing_transaction(org):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    lesson = _lesson()
    with pytest.raises(RuntimeError), transaction.atomic():
        lesson_complete(staff=org.agent_a1, lesson=lesson, on_date=date(2026, 10, 20), via="attendance")
        assert _score(org.agent_a1).learning is None
        raise RuntimeError
    assert _score(org.agent_a1).learning == 0


def test_an_assessment_result_and_its_regrade_are_stored_at_once(org):
    kpi_record(org.agent_a1, OCT)
    lesson_complete(staff=org.agent_a1, lesson=_lesson(), on_date=date(2026, 10, 5), via="attendance")
    for percent in ("60", "90"):
        learning_result_record(
            staff_id=org.agent_a1.pk,
            on_date=date(2026, 10, 6),
            category="in_service",
            percent=Decimal(percent),
            source="quiz",
            source_id="1",
        )
        assert _score(org.agent_a1).learning == Decimal(percent)


def test_evaluations_imported_scored_and_revised_on_dispute_are_stored_at_once(org):
    kpi_record(org.agent_a1, OCT)
    data = b"employee_no,date,kind,score,evaluator\nA0001,2026-10-09,spot_check,70,QA\n"
    assert evaluation_import(data=data, file_name="qa.csv").ok
    assert _score(org.agent_a1).quality == Decimal("70.00")

    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    criterion = RubricCriterion.objects.create(
        rubric=rubric,
        name="礼貌",
        weight=Decimal(1),
        levels=[{"percent": 100, "label": "优"}, {"percent": 90, "label": "良"}],
        order=1,
    )
    qa, second = StaffFactory(role="trainer"), StaffFactory(role="trainer")
    evaluation = scorecard_evaluate(
        staff=org.agent_a1,
        rubric=rubric,
        on_date=date(2026, 10, 12),
        levels={criterion.pk: 0},
        acting_user=qa,
    )
    assert _score(org.agent_a1).quality == Decimal("85.00")  # mean of 70 and 100

    evaluation_dispute(
        evaluation=evaluation, acting_user=org.agent_a1, reason="录音不完整", today=date(2026, 10, 13)
    )
    evaluation_dispute_review(evaluation=evaluation, acting_user=org.lead_a1, endorse=True, note="同意复核")
    qa_lead_appoint(user=second, acting_user=StaffFactory(role="hr"), reason="质检组长")
    evaluation_dispute_resolve(
        evaluation=evaluation,
        acting_user=second,
        decision="revised",
        note="复核",
        new_levels={criterion.pk: 1},
    )
    assert _score(org.agent_a1).quality == Decimal("80.00")


def test_imported_training_records_are_stored_at_once(org):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    data = (
        "employee_no,date,category,title,hours,score\n"
        "A0001,2026-10-10,in_service,客户心理学,4,88\n"
        "A0002,2026-10-10,onboarding,入职培训,72,\n"
    ).encode()
    assert training_records_import(data=data, file_name="t.csv").ok
    assert _score(org.agent_a1).learning == Decimal("88.00")


def test_a_role_change_or_a_new_agent_rescores_open_months_but_never_a_published_one(org):
    kpi_record(org.agent_a1, OCT)
    kpi_record(org.agent_a1, date(2026, 9, 1))
    monthly_scores_compute(month=OCT)
    monthly_scores_compute(month=date(2026, 9, 1))
    month_lock_set(month=date(2026, 9, 1), acting_user=None)
    assert _score(org.agent_a2) is not None  # everyone scored gets a score in a month with data

    staff_update(user=org.agent_a2, acting_user=None, role="manager")
    assert _score(org.agent_a2) is None
    assert _score(org.agent_a2, date(2026, 9, 1)) is not None  # published: frozen as it was

    roster = "employee_no,name,email,department,team,role,hire_date,onboarded_on\nN0001,新坐席,,,,agent,,\n"
    staff_import(data=roster.encode(), file_name="roster.csv")
    newcomer = org.agent_a2.__class__.objects.get(employee_no="N0001")
    assert _score(newcomer).composite == Decimal("0.00") and _score(newcomer).partial
    assert _score(newcomer, date(2026, 9, 1)) is None


def test_a_month_without_data_gets_no_scores_even_when_recomputed(org):
    assert monthly_scores_compute(month=date(2030, 6, 1)) == 0
    lesson_complete(staff=org.agent_a1, lesson=_lesson(), on_date=date(2026, 10, 20), via="attendance")
    # Hours alone are no data: no 0.00 for everyone who has done no training.
    assert not MonthlyScore.objects.exists()
    kpi_record(org.agent_a1, OCT)
    monthly_scores_update(months=[OCT], staff_ids=[org.agent_a1.pk])
    # The month's first data scores everyone in it, not only the person whose data arrived.
    assert MonthlyScore.objects.filter(month=OCT).count() == 5


def test_a_published_month_is_never_recomputed(org):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    month_lock_set(month=OCT, acting_user=None)
    KpiRecord.objects.update(satisfaction_rate=50)
    monthly_scores_update(months=[OCT])
    staff_update(user=org.agent_a1b, acting_user=None, is_active=False)
    assert MonthlyScore.objects.get(staff=org.agent_a1).kpi == Decimal("80.00")
    assert _score(org.agent_a1b) is not None


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


def test_pages_read_stored_scores_and_a_change_that_skips_the_services_waits_for_a_recompute(org, client):
    kpi_record(org.agent_a1, OCT)
    monthly_scores_compute(month=OCT)
    before = MonthlyScore.objects.get(staff=org.agent_a1).composite
    # An evaluation saved without any service: nothing stores the month again.
    Evaluation.objects.create(
        staff=org.agent_a1, date=date(2026, 10, 9), kind="spot_check", score=90, evaluator="q"
    )
    events = AuditEvent.objects.count()
    client.force_login(org.agent_a1)
    page = client.get(reverse("assessments:my-scores"), {"month": "2026-10"})
    # The person's page explains the data as it is; the trend's point for October is the score shown.
    assert page.context["explanation"]["score"].quality == Decimal(90)
    shown = page.context["explanation"]["score"].composite
    assert shown != before and str(shown) in str(page.context["chart"])
    client.force_login(org.lead_a1)
    overview = client.get(reverse("assessments:scores-overview"), {"month": "2026-10"})
    assert [
        row["line"].composite
        for row in overview.context["page"].object_list
        if row["line"].staff_id == org.agent_a1.pk
    ] == [before]
    assert MonthlyScore.objects.get(staff=org.agent_a1).composite == before
    assert AuditEvent.objects.count() == events
    monthly_scores_compute(month=OCT)
    assert MonthlyScore.objects.get(staff=org.agent_a1).composite == shown

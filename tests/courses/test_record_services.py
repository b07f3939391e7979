"""HR's corrections of training records and enrolments go through audited services, in the Wagtail admin as
anywhere else; a training record of a published month cannot change."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from courses.models import Enrolment, TrainingRecord
from courses.services import (
    enrolment_create,
    enrolment_delete,
    enrolment_update,
    training_record_create,
    training_record_delete,
    training_record_update,
)
from portal.models import AuditEvent
from portal.services import MonthLockedError, month_lock_set
from tests.courses.factories import programme

pytestmark = pytest.mark.django_db

OCTOBER_10 = date(2026, 10, 10)


@pytest.fixture
def record(org, hr_user):
    return training_record_create(
        staff=org.agent_a1,
        date=OCTOBER_10,
        category="in_service",
        title="客户心理学",
        hours=Decimal("2"),
        score=Decimal("88"),
        acting_user=hr_user,
    )


def record_form(record: TrainingRecord, **overrides) -> dict:
    values = {
        "staff": record.staff_id,
        "date": record.date.isoformat(),
        "category": record.category,
        "title": record.title,
        "hours": str(record.hours),
        "score": str(record.score),
        "change_reason": "",
    }
    return values | overrides


def test_a_training_record_edited_in_the_admin_is_audited(hr_client, hr_user, record):
    response = hr_client.post(
        f"/admin/trainingrecord/edit/{record.pk}/",
        record_form(record, hours="3.50", change_reason="签到表更正"),
    )
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.hours == Decimal("3.50")
    event = AuditEvent.objects.get(action="courses.training_record.update")
    assert (event.actor, event.reason, event.target_id) == (hr_user, "签到表更正", str(record.pk))
    assert (event.data["old"], event.data["new"]) == ({"hours": "2.00"}, {"hours": "3.50"})
    created = AuditEvent.objects.get(action="courses.training_record.create")
    assert created.data["new"]["title"] == "客户心理学"


def test_a_training_record_of_a_published_month_is_refused_in_the_admin_and_by_the_services(
    hr_client, hr_user, record
):
    month_lock_set(month=OCTOBER_10, acting_user=hr_user)
    response = hr_client.post(f"/admin/trainingrecord/edit/{record.pk}/", record_form(record, hours="9"))
    assert response.status_code == 200
    assert "2026-10" in " ".join(response.context["form"].non_field_errors())
    moved_out = hr_client.post(
        f"/admin/trainingrecord/edit/{record.pk}/", record_form(record, date="2026-11-02")
    )
    assert moved_out.status_code == 200 and moved_out.context["form"].non_field_errors()
    added = hr_client.post("/admin/trainingrecord/new/", record_form(record, title="沟通技巧"))
    assert added.status_code == 200 and added.context["form"].non_field_errors()
    deleted = hr_client.post(f"/admin/trainingrecord/delete/{record.pk}/", {"change_reason": "重复"})
    assert deleted.status_code == 200 and "2026-10" in deleted.content.decode()
    with pytest.raises(MonthLockedError):
        training_record_delete(record=record, acting_user=hr_user)
    record.refresh_from_db()
    assert record.hours == Decimal("2.00") and TrainingRecord.objects.count() == 1
    assert (
        not AuditEvent.objects.filter(action__startswith="courses.training_record.")
        .exclude(action="courses.training_record.create")
        .exists()
    )


def test_deleting_a_training_record_in_the_admin_keeps_what_was_deleted_in_the_audit_trail(
    hr_client, hr_user, record
):
    response = hr_client.post(f"/admin/trainingrecord/delete/{record.pk}/", {"change_reason": "录错人"})
    assert response.status_code == 302
    assert not TrainingRecord.objects.exists()
    event = AuditEvent.objects.get(action="courses.training_record.delete")
    assert (event.actor, event.reason, event.target_id) == (hr_user, "录错人", str(record.pk))
    assert event.data["old"]["hours"] == "2.00" and event.data["old"]["staff"] == str(record.staff)


def test_only_hr_corrects_training_records(org, record):
    with pytest.raises(PermissionDenied):
        training_record_update(record=record, changes={"hours": Decimal(1)}, acting_user=org.lead_a1)
    with pytest.raises(PermissionDenied):
        training_record_delete(record=record, acting_user=org.agent_a1)


def test_enrolment_edits_in_the_admin_and_through_the_services_are_audited(org, hr_client, hr_user):
    course = programme(kind="monthly", month=date(2026, 1, 1))
    response = hr_client.post(
        "/admin/enrolment/new/",
        {
            "staff": org.agent_a1.pk,
            "programme": course.pk,
            "assigned_on": "2026-01-05",
            "due_on": "2026-01-31",
            "completed_on": "",
            "reason": "manual",
            "change_reason": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    enrolment = Enrolment.objects.get(staff=org.agent_a1, programme=course)
    response = hr_client.post(
        f"/admin/enrolment/edit/{enrolment.pk}/",
        {
            "staff": org.agent_a1.pk,
            "programme": course.pk,
            "assigned_on": "2026-01-05",
            "due_on": "2026-02-15",
            "completed_on": "",
            "reason": "manual",
            "change_reason": "病假延期",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = AuditEvent.objects.get(action="courses.enrolment.update")
    assert (event.actor, event.reason) == (hr_user, "病假延期")
    assert (event.data["old"], event.data["new"]) == ({"due_on": "2026-01-31"}, {"due_on": "2026-02-15"})
    assert AuditEvent.objects.get(action="courses.enrolment.create").data["new"]["due_on"] == "2026-01-31"

    other = enrolment_create(
        staff=org.agent_a2, programme=course, assigned_on=date(2026, 1, 5), acting_user=hr_user
    )
    enrolment_update(enrolment=other, changes={"completed_on": date(2026, 1, 20)}, acting_user=hr_user)
    enrolment_delete(enrolment=other, reason="调岗", acting_user=hr_user)
    assert not Enrolment.objects.filter(pk=other.pk).exists()
    deleted = AuditEvent.objects.get(action="courses.enrolment.delete")
    assert deleted.reason == "调岗" and deleted.data["old"]["completed_on"] == "2026-01-20"
    with pytest.raises(PermissionDenied):
        enrolment_delete(enrolment=enrolment, acting_user=org.lead_a1)


def test_a_hand_corrected_training_record_stores_the_months_scores_again(hr_user):
    from assessments.models import MonthlyScore
    from tests.factories import StaffFactory
    from tests.incentives.factories import OCTOBER, month_data

    agent = month_data(StaffFactory(employee_no="A0042"), quiz="90")
    assert MonthlyScore.objects.get(staff=agent, month=OCTOBER).learning == Decimal("90.00")
    record = TrainingRecord.objects.get(staff=agent)
    training_record_update(
        record=record, changes={"hours": Decimal("2")}, reason="课时更正", acting_user=hr_user
    )
    score = MonthlyScore.objects.get(staff=agent, month=OCTOBER)
    assert (score.in_service_hours, score.learning) == (
        Decimal("2.00"),
        Decimal("0.00"),
    )  # fewer than 4 hours
    training_record_delete(record=record, reason="重复记录", acting_user=hr_user)
    assert MonthlyScore.objects.get(staff=agent, month=OCTOBER).in_service_hours == Decimal("0.00")

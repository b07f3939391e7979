"""Certificates that stay true: a holder through issue → 3 missed months → suspended → 2 good months → restored
→ recertification passed → renewed; another through expiry; the daily review's idempotence; the demo's
certificates two years on."""

import io
import json
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.certificates import services as certificate_services
from assessments.models import (
    Attempt,
    Certificate,
    CertificateKind,
    CertificatePeriod,
    CertificateVerification,
)
from assessments.quizzes import services as quiz_services
from courses.models import ProgrammePage
from notifications.models import Notification
from portal.models import AuditEvent, MonthLock
from portal.months import add_months, first_of_month
from portal.verification import mask_name
from tests.assessments import factories as f
from tests.factories import StaffFactory, make_org
from tests.incentives.factories import month_data

pytestmark = pytest.mark.django_db

# Every date is in the future, so that the type version the test adds may start then.
BASE = add_months(first_of_month(timezone.localdate()), 1)


def day(months: int, day_of_month: int) -> date:
    return add_months(BASE, months).replace(day=day_of_month)


def review(on: date, *extra) -> dict:
    out = io.StringIO()
    call_command("certificates_review", "--date", on.isoformat(), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def changes(result: dict) -> dict:
    return {key: value for key, value in result.items() if key != "date" and value}


def publish(*months: date) -> None:
    # Published months arrive by the Service Star publication; the review reads only the lock.
    for month in months:
        MonthLock.objects.get_or_create(month=month)


def good_month(staff, month, quality="90"):
    month_data(staff, month=month, hours="", quiz="", quality=quality)


def missed_month(staff, month):
    month_data(staff, month=month, timeliness="95", hours="", quiz="", quality="85")


def programme(kind):
    lesson = f.make_lesson(kind=kind)
    return ProgrammePage.objects.ancestor_of(lesson).get()


def pass_quiz(quiz, staff, on: date):
    attempt = quiz_services.attempt_start(quiz=quiz, staff=staff)
    item = attempt.items.get()
    quiz_services.attempt_submit(attempt=attempt, post={"q1": str(item.order.index(0)), "v1": "0"})
    # The pass counts on its local date: put it on the day the story needs.
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.make_aware(datetime.combine(on, datetime.min.time().replace(hour=10)))
    )


def test_a_holder_is_suspended_restored_and_renewed_and_the_verify_page_says_so():
    org = make_org()
    holder, lead = org.agent_a1, org.lead_a1
    hr = StaffFactory(role="hr")
    quiz = f.make_quiz([f.single_choice(f.make_bank())], title="入职证书复训测验")
    certificate_services.certification_type_create(
        kind=CertificateKind.ONBOARDING,
        effective_month=BASE,
        values={
            "name": "新员工入职证书",
            "earned_by": "programme_final_exam",
            "validity_months": 12,
            "performance_rule": "front_line",
            "recertification_quiz": quiz,
        },
        acting_user=hr,
    )
    certificate = certificate_services.certificate_issue(
        holder=holder,
        programme=programme("onboarding"),
        kind=CertificateKind.ONBOARDING,
        issued_on=day(0, 10),
    )
    assert certificate.expires_on == day(12, 10) and certificate.status == "valid"

    for offset in range(3):
        missed_month(holder, add_months(BASE, offset))
    publish(*(add_months(BASE, offset) for offset in range(3)))
    assert changes(review(day(3, 1) - timedelta(days=1))) == {}, "the third month is not over yet"
    assert changes(review(day(3, 2))) == {"suspended": 1}
    assert changes(review(day(3, 2))) == {}, "a second run on the same day changes nothing"
    certificate.refresh_from_db()
    assert certificate.status == "suspended" and certificate.status_since == day(3, 2)
    told = set(
        Notification.objects.filter(kind="certificate_suspended").values_list("recipient_id", flat=True)
    )
    assert told == {holder.pk, lead.pk}

    page = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="verifier/1.0").get(
        reverse("certificate-verify", args=[certificate.token])
    )
    text = page.content.decode()
    assert page.status_code == 200 and 'data-status="suspended"' in text
    assert mask_name(holder.name) in text and holder.name not in text
    (logged,) = CertificateVerification.objects.filter(certificate=certificate)
    assert logged.ip_network == "203.0.113.0/24" and logged.user_agent == "verifier/1.0"

    for offset in (3, 4):
        good_month(holder, add_months(BASE, offset))
    publish(add_months(BASE, 3))
    assert changes(review(day(4, 2))) == {}, "one good month is not enough"
    publish(add_months(BASE, 4))
    assert changes(review(day(5, 2))) == {"restored": 1}

    for offset in range(5, 11):
        good_month(holder, add_months(BASE, offset))
    publish(*(add_months(BASE, offset) for offset in range(5, 11)))
    assert changes(review(day(11, 1))) == {}, "renewal waits for the recertification quiz"
    pass_quiz(quiz, holder, day(11, 1))
    assert changes(review(day(11, 2))) == {"renewed": 1}
    assert changes(review(day(11, 2))) == {}
    certificate.refresh_from_db()
    assert certificate.status == "valid" and certificate.expires_on == day(24, 10)
    periods = list(
        CertificatePeriod.objects.filter(certificate=certificate).values_list("starts_on", "ends_on")
    )
    assert periods == [(day(0, 10), day(12, 10)), (day(12, 10), day(24, 10))]
    assert Certificate.objects.filter(holder=holder).count() == 1
    audited = list(
        AuditEvent.objects.filter(target_id=str(certificate.pk), action__startswith="certificate.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert audited == ["certificate.issue", "certificate.suspend", "certificate.restore", "certificate.renew"]

    client = Client()
    client.force_login(holder)
    mine = client.get(reverse("assessments:my-certificates")).content.decode()
    assert (
        certificate.number in mine and reverse("assessments:certificate-pdf", args=[certificate.pk]) in mine
    )


def test_a_certificate_without_renewal_is_reminded_then_expires():
    org = make_org()
    manager = org.manager_a
    certificate = certificate_services.certificate_issue(
        holder=manager,
        programme=programme("leadership"),
        kind=CertificateKind.LEADERSHIP,
        issued_on=day(0, 10),
    )
    expires_on = certificate.expires_on
    assert changes(review(expires_on - timedelta(days=31))) == {}
    assert review(expires_on - timedelta(days=30), "--dry-run")["reminded"] == 1
    assert changes(review(expires_on - timedelta(days=30))) == {"reminded": 1}
    assert changes(review(expires_on - timedelta(days=29))) == {}, "no second reminder for the same step"
    assert changes(review(expires_on - timedelta(days=7))) == {"reminded": 1}
    call_command(
        "send_reminders", "--date", (expires_on - timedelta(days=7)).isoformat(), stdout=io.StringIO()
    )
    assert Notification.objects.filter(kind="certificate_expiring", recipient=manager).count() == 2
    assert changes(review(expires_on - timedelta(days=1))) == {}
    assert changes(review(expires_on)) == {"expired": 1}
    assert changes(review(expires_on)) == {}
    certificate.refresh_from_db()
    assert certificate.status == "expired"
    assert Notification.objects.filter(kind="certificate_expired", recipient=manager).exists()
    page = Client().get(reverse("certificate-verify", args=[certificate.token])).content.decode()
    assert 'data-status="expired"' in page


def test_the_demo_certificates_have_all_expired_or_been_renewed_two_years_on():
    from demo import assessments, curriculum, people

    people.seed()
    curriculum.seed()
    assessments._seed_certificates()
    certificates = Certificate.objects.all()
    assert certificates.exists()
    result = review(timezone.localdate() + timedelta(days=730))
    assert result["expired"] + result["renewed"] >= certificates.count()
    for certificate in certificates:
        renewed = certificate.periods.filter(renewal=True).exists()
        assert certificate.status == "expired" or renewed, certificate.number


def test_hr_adds_a_certification_type_version_audited_and_staff_cannot(client):
    from tests.conftest import give_totp

    org = make_org()
    hr = give_totp(StaffFactory(role="hr"))
    client.force_login(org.agent_a1)
    assert client.get(reverse("assessments:certification-type-list")).status_code == 403
    client.force_login(hr)
    assert client.get(reverse("assessments:certification-type-list")).status_code == 200
    assert client.get(reverse("assessments:certification-type-new") + "?kind=leadership").status_code == 200
    response = client.post(
        reverse("assessments:certification-type-new"),
        {
            "kind": "leadership",
            "effective_month": f"{BASE:%Y-%m}",
            "name": "领导力证书（两年）",
            "earned_by": "course",
            "validity_months": "24",
            "performance_rule": "none",
            "suspend_after_missed_months": "3",
            "restore_after_met_months": "2",
            "renewal_window_days": "60",
            "renewal_min_quality": "80",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="certification_type.create", actor=hr).exists()
    certificate = certificate_services.certificate_issue(
        holder=org.manager_a, programme=programme("leadership"), kind="leadership", issued_on=day(0, 5)
    )
    assert certificate.expires_on == day(24, 5)


def test_only_the_token_verifies_and_hr_sees_the_count():
    from tests.conftest import give_totp

    org = make_org()
    certificate = certificate_services.certificate_issue(
        holder=org.agent_a1, programme=programme("onboarding"), kind="onboarding", issued_on=day(0, 10)
    )
    anyone = Client()
    assert anyone.get(reverse("certificate-verify", args=[certificate.number])).status_code == 404
    assert anyone.get(reverse("certificate-verify", args=[str(certificate.pk)])).status_code == 404
    for _look in range(2):
        assert anyone.get(reverse("certificate-verify", args=[certificate.token])).status_code == 200
    hr = Client()
    hr.force_login(give_totp(StaffFactory(role="hr")))
    page = hr.get(reverse("assessments:certificate-admin"))
    assert page.status_code == 200 and page.context["page"][0].verification_count == 2

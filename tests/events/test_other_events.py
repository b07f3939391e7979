"""Certificate and score events: the HR system hears a certificate issued, revoked or expired (a renewal only
moves the date and is not announced), the BI system hears whose scores changed, and the LRS records the
certificate earned. Queued on commit (run at once by the immediate task backend here), never for a change that
rolled back."""

import pytest
from django.db import transaction

from assessments.certificates import services as certificate_services
from assessments.models import CertificateKind
from courses.models import ProgrammePage
from events.models import WebhookEvent
from events.services import webhook_endpoint_create
from tests.assessments import factories as af
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, month_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_system(webhook_receiver, admin_user):
    _endpoint, secret = webhook_endpoint_create(
        name="HR system",
        url=f"{webhook_receiver.url}/events",
        events=["certificate.issued", "certificate.revoked", "certificate.expired", "scores.updated"],
        acting_user=admin_user,
    )
    webhook_receiver.secret = secret
    return webhook_receiver


def _leadership_certificate(holder, django_capture_on_commit_callbacks):
    programme = ProgrammePage.objects.ancestor_of(af.make_lesson(kind="leadership")).get()
    with django_capture_on_commit_callbacks(execute=True):
        return certificate_services.certificate_issue(
            holder=holder, programme=programme, kind=CertificateKind.LEADERSHIP, issued_on=OCTOBER
        )


def test_a_certificate_issued_revoked_and_another_expired_reach_the_hr_system(
    hr_system, lrs, hr_user, django_capture_on_commit_callbacks
):
    holder = StaffFactory(employee_no="M0001", role="team_lead")
    certificate = _leadership_certificate(holder, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_revoke(
            certificate=certificate, acting_user=hr_user, reason="冒名顶替"
        )
    other = _leadership_certificate(
        StaffFactory(employee_no="M0002", role="team_lead"), django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificates_review(today=other.expires_on)

    assert hr_system.events == [
        "certificate.issued",
        "certificate.revoked",
        "certificate.issued",
        "certificate.expired",
    ]
    assert all(r["signature_ok"] for r in hr_system.received)
    issued, revoked, _issued, expired = (r["data"] for r in hr_system.received)
    assert (issued["number"], issued["holder"], issued["status"]) == (certificate.number, "M0001", "valid")
    assert issued["verify"].endswith(f"/verify/{certificate.token}/")
    assert revoked["status"] == "revoked" and (expired["holder"], expired["status"]) == ("M0002", "expired")
    earned = [s for s in lrs.statements.values() if s["verb"]["id"].endswith("/earned.json")]
    assert sorted(s["actor"]["account"]["name"] for s in earned) == ["M0001", "M0002"]
    assert lrs.rejected == []


def test_the_bi_system_hears_whose_scores_changed_and_nothing_of_a_rolled_back_change(
    hr_system, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        month_data(StaffFactory(employee_no="S0001"))
    assert hr_system.events and set(hr_system.events) == {"scores.updated"}
    last = hr_system.received[-1]["data"]
    assert last["month"] == "2026-10" and last["employee_nos"] == ["S0001"]
    assert last["scores"].endswith("/api/v1/months/2026-10/scores")

    heard = len(hr_system.received)
    events = WebhookEvent.objects.count()
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        month_data(StaffFactory(employee_no="S0002"))
        raise RuntimeError("the import failed half-way")
    assert len(hr_system.received) == heard and WebhookEvent.objects.count() == events

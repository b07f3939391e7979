"""Improvement suggestions (reviews, adoption, award approval, summaries) and Innovative Service Case nominations."""

import re
from datetime import date, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from incentives.models import Award, LedgerEntry, NominationStatus, Suggestion, SuggestionStatus
from incentives.selectors import month_spend, payroll_rows, wall_months
from incentives.services import (
    case_decide,
    case_nominate,
    service_star_round_approve,
    service_star_round_publish,
    suggestion_award_approve,
    suggestion_decide,
    suggestion_mark_implemented,
    suggestion_review,
    suggestion_submit,
)
from notifications.models import NotificationPolicy
from portal.models import AuditEvent
from portal.months import first_of_month
from tests.factories import StaffFactory
from tests.incentives.factories import hr, month_data

pytestmark = pytest.mark.django_db
D = Decimal
EXAMPLE = ([D(4), D("3.5"), D(5), D(2), D(1)], [D(3), D(4), D(4), D("2.5"), D(1)])


def submit(user, title="缩短转接等待"):
    return suggestion_submit(
        title=title,
        problem="转接等待太长",
        proposal="增加技能组",
        expected_benefit="满意度提升",
        acting_user=user,
    )


@pytest.fixture
def people(org):
    return {"agent": org.agent_a1, "manager": org.manager_a, "hr1": hr("HR1"), "hr2": hr("HR2"), "org": org}


def reviewed(people):
    suggestion = submit(people["agent"])
    suggestion_review(suggestion=suggestion, scores=EXAMPLE[0], acting_user=people["manager"])
    suggestion_review(suggestion=suggestion, scores=EXAMPLE[1], acting_user=people["hr1"])
    return suggestion


def test_reviews_move_it_under_review_and_adoption_sizes_the_award(people):
    suggestion = reviewed(people)
    assert Suggestion.objects.get().status == SuggestionStatus.UNDER_REVIEW
    suggestion = suggestion_decide(suggestion=suggestion, adopt=True, acting_user=people["hr1"])
    assert suggestion.value_score == D("66.50") and suggestion.proposed_award_yuan == 2000
    assert not Award.objects.exists(), "the award waits for a second HR user"
    assert AuditEvent.objects.filter(action="incentives.suggestion.adopt", actor=people["hr1"]).exists()


def test_the_submitter_cannot_review_and_one_review_is_not_enough(people):
    suggestion = submit(people["hr1"])
    with pytest.raises(PermissionDenied):
        suggestion_review(suggestion=suggestion, scores=EXAMPLE[0], acting_user=people["hr1"])
    suggestion_review(suggestion=suggestion, scores=EXAMPLE[0], acting_user=people["manager"])
    with pytest.raises(ValidationError):
        suggestion_decide(suggestion=suggestion, adopt=True, acting_user=people["hr2"])


def test_an_agent_cannot_review(people, org):
    suggestion = submit(people["agent"])
    with pytest.raises(PermissionDenied):
        suggestion_review(suggestion=suggestion, scores=EXAMPLE[0], acting_user=org.agent_a2)


def test_out_of_range_review_scores_are_refused(people):
    suggestion = submit(people["agent"])
    with pytest.raises(ValidationError):
        suggestion_review(
            suggestion=suggestion, scores=[D(6), D(1), D(1), D(1), D(1)], acting_user=people["manager"]
        )


def test_award_approval_is_by_another_hr_user_and_books_award_ledger_and_audit(people):
    suggestion = suggestion_decide(suggestion=reviewed(people), adopt=True, acting_user=people["hr1"])
    with pytest.raises(PermissionDenied):
        suggestion_award_approve(suggestion=suggestion, acting_user=people["hr1"], reason="价值评分已复核")
    award = suggestion_award_approve(
        suggestion=suggestion, acting_user=people["hr2"], reason="价值评分已复核"
    )
    assert (award.staff, award.amount_yuan, award.kind) == (people["agent"], 2000, "suggestion")
    assert list(LedgerEntry.objects.values_list("amount_yuan", flat=True)) == [2000]
    assert AuditEvent.objects.filter(
        action="incentives.suggestion.award_approve", actor=people["hr2"]
    ).exists()
    month = first_of_month(timezone.localdate())
    assert month_spend(month).by_kind["suggestion"] == 2000
    assert [row[0] for row in payroll_rows(month)] == [people["agent"].employee_no]
    with pytest.raises(ValidationError):
        suggestion_award_approve(suggestion=suggestion, acting_user=people["hr2"], reason="价值评分已复核")
    suggestion_mark_implemented(suggestion=suggestion, acting_user=people["hr1"])
    assert Suggestion.objects.get().status == SuggestionStatus.IMPLEMENTED


def test_a_declined_suggestion_earns_nothing(people):
    suggestion = suggestion_decide(suggestion=reviewed(people), adopt=False, acting_user=people["hr1"])
    assert suggestion.status == SuggestionStatus.NOT_ADOPTED and suggestion.proposed_award_yuan is None
    with pytest.raises(ValidationError):
        suggestion_award_approve(suggestion=suggestion, acting_user=people["hr2"], reason="价值评分已复核")


def test_the_submit_form_ignores_status_and_amount(people, client):
    client.force_login(people["agent"])
    client.post(
        reverse("incentives:suggestion-new"),
        {
            "title": "t",
            "problem": "p",
            "proposal": "q",
            "expected_benefit": "b",
            "status": "adopted",
            "proposed_award_yuan": "5000",
            "value_score": "100",
        },
    )
    suggestion = Suggestion.objects.get()
    assert suggestion.status == SuggestionStatus.SUBMITTED
    assert suggestion.proposed_award_yuan is None and suggestion.value_score is None


def test_another_persons_suggestion_is_404(people, org, client):
    suggestion = submit(people["agent"])
    client.force_login(org.agent_a2)
    assert client.get(reverse("incentives:suggestion-detail", args=[suggestion.pk])).status_code == 404
    client.force_login(people["agent"])
    assert client.get(reverse("incentives:suggestion-detail", args=[suggestion.pk])).status_code == 200


def test_monthly_summary_mails_each_submitter_on_commit(people, django_capture_on_commit_callbacks):
    # The summary goes through the notification service, which holds e-mail during quiet hours: none here, so
    # the test does not depend on the time of day it runs.
    NotificationPolicy.objects.update(quiet_start=time(0, 0), quiet_end=time(0, 0))
    submit(people["agent"], title="建议一")
    suggestion_decide(suggestion=reviewed(people), adopt=True, acting_user=people["hr1"])
    month = f"{timezone.localdate():%Y-%m}"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("suggestion_monthly_summary", "--month", month, stdout=StringIO())
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [people["agent"].email]
    assert "建议一" in body and "缩短转接等待" in body and "2,000" in body


# --- Innovative Service Case Award --------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def nominate(org, **kwargs):
    defaults = {
        "nominee": org.agent_a1,
        "month": date(2026, 10, 1),
        "title": "老人来电一站式办理",
        "situation": "s",
        "action": "a",
        "result": "r",
        "acting_user": org.lead_a1,
    }
    return case_nominate(**{**defaults, **kwargs})


def test_a_lead_nominates_own_team_only(org):
    with pytest.raises(PermissionDenied):
        nominate(org, nominee=org.agent_b1)
    with pytest.raises(PermissionDenied):
        nominate(org, acting_user=org.agent_a1b)
    assert nominate(org).status == NominationStatus.NOMINATED


def test_hr_approves_and_the_case_appears_on_the_wall_with_the_months_stars(org):
    hr1 = hr("HR1")
    month_data(org.agent_a2)
    nomination = nominate(org)
    case_decide(nomination=nomination, approve=True, note="案例有推广价值", acting_user=hr1)
    award = Award.objects.get(kind="innovation")
    assert (award.staff, award.amount_yuan, award.citation) == (org.agent_a1, 2000, "老人来电一站式办理")
    assert wall_months() == [], "nothing on the wall before the month is published"
    service_star_round_approve(
        month=date(2026, 10, 1), acting_user=hr1, reason="核对无误", acknowledgement="已知悉"
    )
    service_star_round_publish(month=date(2026, 10, 1), acting_user=hr1, reason="按规则公示")
    (month,) = wall_months()
    assert [a.staff for a in month.cases] == [org.agent_a1]
    assert [a.staff for a in month.stars] == [org.agent_a2]


def test_the_nominator_cannot_approve(org):
    lead_hr = hr("HR9", team=org.team_a1)
    nomination = nominate(org)
    nomination.nominated_by = lead_hr
    nomination.save()
    with pytest.raises(PermissionDenied):
        case_decide(nomination=nomination, approve=True, note="案例有推广价值", acting_user=lead_hr)


def test_evidence_upload_is_checked_renamed_and_served_as_attachment_to_permitted_users(org, client):
    client.force_login(org.lead_a1)
    url = reverse("incentives:case-new")
    fields = {
        "nominee": org.agent_a1.pk,
        "case_month": "2026-10",
        "title": "案例",
        "situation": "s",
        "action": "a",
        "result": "r",
    }
    fake = SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    response = client.post(url, {**fields, "evidence_file": fake})
    assert response.status_code == 200
    assert "evidence_file" in response.context["form"].errors
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "evidence_file" in client.post(url, {**fields, "evidence_file": exe}).context["form"].errors
    good = SimpleUploadedFile("../../证据.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {**fields, "evidence_file": good})
    assert response.status_code == 302
    from incentives.models import CaseNomination

    nomination = CaseNomination.objects.get()
    assert ".." not in nomination.evidence.name and "证据" not in nomination.evidence.name
    download = client.get(reverse("incentives:case-evidence", args=[nomination.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    client.force_login(org.agent_a1b)
    assert client.get(reverse("incentives:case-evidence", args=[nomination.pk])).status_code == 404
    other_lead = StaffFactory(role="team_lead", team=org.team_b1)
    client.force_login(other_lead)
    assert client.get(reverse("incentives:case-evidence", args=[nomination.pk])).status_code == 404


def test_suggestion_submits_are_rate_limited_per_user(people, client, settings):
    from incentives import views

    settings_limit = views.LIMITS["suggestion_submit"]
    views.LIMITS["suggestion_submit"] = (2, 3600)
    try:
        client.force_login(people["agent"])
        fields = {"title": "t", "problem": "p", "proposal": "q", "expected_benefit": "b"}
        codes = [client.post(reverse("incentives:suggestion-new"), fields).status_code for _ in range(3)]
    finally:
        views.LIMITS["suggestion_submit"] = settings_limit
    assert codes == [302, 302, 429]
    assert Suggestion.objects.count() == 2


def test_a_discretionary_award_beyond_the_months_budget_is_refused(people):
    from incentives.models import AwardPolicy

    AwardPolicy.objects.filter(effective_month__isnull=True).update(monthly_budget_yuan=1500)
    suggestion = suggestion_decide(suggestion=reviewed(people), adopt=True, acting_user=people["hr1"])
    with pytest.raises(ValidationError):
        suggestion_award_approve(suggestion=suggestion, acting_user=people["hr2"], reason="价值评分已复核")
    assert not Award.objects.exists() and not LedgerEntry.objects.exists()
    AwardPolicy.objects.filter(effective_month__isnull=True).update(monthly_budget_yuan=2000)
    assert (
        suggestion_award_approve(
            suggestion=suggestion, acting_user=people["hr2"], reason="价值评分已复核"
        ).amount_yuan
        == 2000
    )


def test_the_home_page_shows_my_suggestions_by_status(people, client):
    submit(people["agent"])
    client.force_login(people["agent"])
    response = client.get(reverse("portal:home"))
    panel = next(p for p in response.context["panels"] if p["template"] == "incentives/panels/awards.html")
    assert re.findall(r'<span class="pill">[^<]* (\d+)</span>', panel["html"]) == ["1"]


def test_reviewing_through_the_page_records_only_the_criteria(people, client):
    suggestion = submit(people["agent"])
    client.force_login(people["manager"])
    url = reverse("incentives:suggestion-detail", args=[suggestion.pk])
    scores = dict(
        zip(
            ["customer_impact", "efficiency", "breadth", "feasibility", "originality"],
            EXAMPLE[0],
            strict=True,
        )
    )
    client.post(url, {"action": "review", **{k: str(v) for k, v in scores.items()}, "value_score": "100"})
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.UNDER_REVIEW and suggestion.value_score is None
    assert suggestion.reviews.get().scores() == EXAMPLE[0]
    client.post(url, {"action": "adopt"})
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.UNDER_REVIEW, "a manager may review but not adopt"

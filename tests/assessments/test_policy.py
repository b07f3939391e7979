"""HR edits the scoring policy as versions effective from a month; versions a published month used are frozen."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import MonthlyScore, ScoringPolicyVersion
from assessments.scoring.selectors import policy_versions_frozen, scoring_policy_for_month
from assessments.scoring.services import (
    POLICY_FIELDS,
    monthly_scores_compute,
    scoring_policy_create,
    scoring_policy_update,
)
from portal.models import AuditEvent
from portal.services import month_lock_set
from tests.assessments.factories import kpi_record
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


def _values(**changes):
    default = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    values = {k: getattr(default, k) for k in POLICY_FIELDS}
    values["name"] = "2026年11月起"
    values.update(changes)
    return values


def test_a_new_version_applies_from_its_month_on_and_is_audited(hr_user):
    version = scoring_policy_create(
        effective_month=date(2026, 11, 15),
        values=_values(weight_learning=Decimal(0)),
        acting_user=hr_user,
        reason="政策调整",
    )
    assert version.effective_month == NOV
    assert scoring_policy_for_month(OCT).effective_month is None
    assert scoring_policy_for_month(NOV) == version == scoring_policy_for_month(date(2027, 3, 1))
    event = AuditEvent.objects.get(action="policy.create")
    assert event.actor == hr_user and Decimal(event.data["weight_learning"]) == 0


def test_the_new_weights_change_the_scores_of_later_months_only(hr_user):
    agent = StaffFactory()
    kpi_record(agent, OCT)
    kpi_record(agent, NOV)
    monthly_scores_compute(month=OCT)
    monthly_scores_compute(month=NOV)
    scoring_policy_create(
        effective_month=NOV,
        values=_values(weight_learning=Decimal(0)),
        acting_user=hr_user,
        reason="政策调整",
    )
    # The policy change stored November's scores again in its own transaction; October kept its policy.
    # KPI 80 alone (learning 0 weighs nothing now) vs (80×50 + 0×20)/70 before.
    assert MonthlyScore.objects.get(month=NOV).composite == Decimal("80.00")
    assert MonthlyScore.objects.get(month=OCT).composite == Decimal("57.14")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"timeliness_target": Decimal("99.5")}, "timeliness_target"),  # target = excellence
        ({"complaint_excellence": Decimal("0.6")}, "complaint_target"),  # lower is better, out of order
        ({"weight_kpi": 0, "weight_quality": 0, "weight_learning": 0}, "weight_kpi"),
        ({"weight_kpi": 0}, "weight_kpi"),  # a KPI row must always give a score (Service Stars rest on it)
        ({"winners": 0}, "winners"),
    ],
)
def test_invalid_policies_are_refused(hr_user, changes, field):
    with pytest.raises(ValidationError) as info:
        scoring_policy_create(
            effective_month=NOV, values=_values(**changes), acting_user=hr_user, reason="政策调整"
        )
    assert field in info.value.message_dict
    assert not ScoringPolicyVersion.objects.filter(effective_month=NOV).exists()


def test_a_version_cannot_start_in_or_before_a_published_month(hr_user):
    month_lock_set(month=OCT, acting_user=hr_user)
    with pytest.raises(ValidationError) as info:
        scoring_policy_create(effective_month=OCT, values=_values(), acting_user=hr_user, reason="政策调整")
    assert "effective_month" in info.value.message_dict
    assert scoring_policy_create(
        effective_month=NOV, values=_values(), acting_user=hr_user, reason="政策调整"
    ).pk


def test_a_version_a_published_month_used_is_not_editable(hr_user):
    default = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    later = scoring_policy_create(
        effective_month=DEC, values=_values(), acting_user=hr_user, reason="政策调整"
    )
    month_lock_set(month=OCT, acting_user=hr_user)
    assert policy_versions_frozen() == {default.pk}
    with pytest.raises(ValidationError):
        scoring_policy_update(
            version=default, values=_values(name="x"), acting_user=hr_user, reason="政策调整"
        )
    scoring_policy_update(
        version=later, values=_values(min_contacts=120), acting_user=hr_user, reason="政策调整"
    )
    later.refresh_from_db()
    assert later.min_contacts == 120 and AuditEvent.objects.filter(action="policy.update").exists()


def test_the_policy_pages_show_which_version_applies_and_refuse_frozen_edits(hr_client, hr_user):
    default = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    month_lock_set(month=OCT, acting_user=hr_user)
    listing = hr_client.get(reverse("assessments:policy-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200 and "used by a published month" in listing.content.decode()
    assert hr_client.get(reverse("assessments:policy-edit", args=[default.pk])).status_code == 302
    data = {k: str(v) for k, v in _values().items()}
    data["effective_month"] = "2026-12"
    data["reason"] = "年度考核口径调整"
    response = hr_client.post(reverse("assessments:policy-new"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert ScoringPolicyVersion.objects.filter(effective_month=DEC).exists()
    data["effective_month"] = "2026-10"
    refused = hr_client.post(reverse("assessments:policy-new"), data)
    assert refused.status_code == 200 and "effective_month" in refused.context["form"].errors


def test_only_hr_opens_the_policy_pages(client, org):
    client.force_login(org.manager_a)
    assert client.get(reverse("assessments:policy-list")).status_code == 403
    assert client.get(reverse("assessments:policy-new")).status_code == 403


def test_the_wagtail_admin_menu_links_to_the_score_pages_for_hr(hr_client):
    text = hr_client.get("/admin/").content.decode()
    assert reverse("assessments:policy-list") in text and reverse("assessments:scores-overview") in text

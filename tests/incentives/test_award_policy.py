"""The award policy is versioned by effective month and edited only through its audited services, in the Wagtail
admin as anywhere else; a version a published month used never changes, and neither does that month's budget."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from incentives.models import AwardPolicy
from incentives.selectors import award_policies_frozen, award_policy_for_month, month_spend
from incentives.services import (
    AWARD_POLICY_FIELDS,
    award_policy_create,
    award_policy_delete,
    award_policy_update,
    service_star_round_approve,
    service_star_round_publish,
)
from portal.models import AuditEvent
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, month_data

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)
SEPTEMBER = date(2026, 9, 1)


def default_policy() -> AwardPolicy:
    return AwardPolicy.objects.get(effective_month__isnull=True)


def values_of(policy: AwardPolicy, **overrides) -> dict:
    return {key: getattr(policy, key) for key in AWARD_POLICY_FIELDS} | overrides


def form_data(policy: AwardPolicy, *, effective_month: date | None, reason: str, **overrides) -> dict:
    data = {key: str(value) for key, value in values_of(policy, **overrides).items()}
    data["effective_month"] = effective_month.isoformat() if effective_month else ""
    data["change_reason"] = reason
    return data


def publish_october(user) -> None:
    month_data(StaffFactory(employee_no="S0001"))
    service_star_round_approve(month=OCTOBER, acting_user=user, reason="核对无误", acknowledgement="已知悉")
    service_star_round_publish(month=OCTOBER, acting_user=user, reason="按规则公示")


def test_a_policy_edit_in_the_admin_appears_in_the_audit_trail_with_who_why_and_old_and_new_values(
    hr_client, hr_user
):
    response = hr_client.post(
        reverse("awardpolicy:add"),
        form_data(default_policy(), effective_month=NOVEMBER, reason="2027 预算", name="2026-11 版"),
    )
    assert response.status_code == 302, response.context["form"].errors
    version = AwardPolicy.objects.get(effective_month=NOVEMBER)
    response = hr_client.post(
        reverse("awardpolicy:edit", args=[version.pk]),
        form_data(version, effective_month=NOVEMBER, reason="预算上调", monthly_budget_yuan=40000),
    )
    assert response.status_code == 302, response.context["form"].errors
    version.refresh_from_db()
    assert version.monthly_budget_yuan == 40000
    event = AuditEvent.objects.get(action="incentives.policy.update")
    assert (event.actor, event.reason, event.target_id) == (hr_user, "预算上调", str(version.pk))
    assert event.data["old"] == {"monthly_budget_yuan": 30000}
    assert event.data["new"] == {"monthly_budget_yuan": 40000}
    created = AuditEvent.objects.get(action="incentives.policy.create")
    assert created.reason == "2027 预算" and created.data["new"]["name"] == "2026-11 版"
    trail = hr_client.get(reverse("incentives:audit"))
    assert event in trail.context["events"] and "预算上调" in trail.content.decode()


def test_the_admin_refuses_to_edit_the_version_a_published_month_used_with_a_form_error(hr_client, hr_user):
    publish_october(hr_user)
    policy = default_policy()
    assert award_policies_frozen() == {policy.pk: [OCTOBER]}
    response = hr_client.post(
        reverse("awardpolicy:edit", args=[policy.pk]),
        form_data(policy, effective_month=None, reason="试图修改", star_bonus_yuan=9999),
    )
    assert response.status_code == 200
    assert "2026-10" in " ".join(response.context["form"].non_field_errors())
    policy.refresh_from_db()
    assert policy.star_bonus_yuan != 9999
    assert not AuditEvent.objects.filter(action__startswith="incentives.policy.").exists()
    page = hr_client.get(reverse("awardpolicy:edit", args=[policy.pk]))
    assert "2026-10" in page.content.decode()


def test_the_admin_asks_for_a_reason_checks_the_tiers_and_starts_a_version_on_the_first_of_the_month(
    hr_client,
):
    policy = default_policy()
    response = hr_client.post(
        reverse("awardpolicy:add"), form_data(policy, effective_month=NOVEMBER, reason=" ")
    )
    assert response.status_code == 200 and "change_reason" in response.context["form"].errors
    response = hr_client.post(
        reverse("awardpolicy:add"),
        form_data(policy, effective_month=NOVEMBER, reason="档位", tier2_min_score=policy.tier1_min_score),
    )
    assert response.status_code == 200 and "tier1_min_score" in response.context["form"].errors
    assert AwardPolicy.objects.count() == 1
    response = hr_client.post(
        reverse("awardpolicy:add"), form_data(policy, effective_month=date(2026, 11, 15), reason="月中填写")
    )
    assert response.status_code == 302
    assert AwardPolicy.objects.filter(effective_month=NOVEMBER).exists()


def test_a_new_version_leaves_a_published_months_budget_and_amounts_as_they_were(hr_user):
    publish_october(hr_user)
    before = month_spend(OCTOBER)
    award_policy_create(
        effective_month=NOVEMBER,
        values=values_of(default_policy(), name="新版", monthly_budget_yuan=50000, star_bonus_yuan=2000),
        reason="新年度",
        acting_user=hr_user,
    )
    assert month_spend(OCTOBER) == before
    assert award_policy_for_month(OCTOBER) == default_policy()
    assert month_spend(NOVEMBER).budget_yuan == 50000


def test_a_version_that_would_change_a_published_month_is_refused(hr_user):
    publish_october(hr_user)
    values = values_of(default_policy(), name="回溯")
    for month in (SEPTEMBER, OCTOBER):
        with pytest.raises(ValidationError) as refusal:
            award_policy_create(effective_month=month, values=values, reason="回溯", acting_user=hr_user)
        assert "2026-10" in str(refusal.value)
    later = award_policy_create(effective_month=NOVEMBER, values=values, reason="下月", acting_user=hr_user)
    with pytest.raises(ValidationError):
        award_policy_update(
            policy=later, values={"effective_month": OCTOBER}, reason="提前", acting_user=hr_user
        )
    with pytest.raises(ValidationError):
        award_policy_delete(policy=default_policy(), reason="删除默认", acting_user=hr_user)
    award_policy_delete(policy=later, reason="不用了", acting_user=hr_user)
    event = AuditEvent.objects.get(action="incentives.policy.delete")
    assert event.data["old"]["name"] == "回溯" and event.reason == "不用了"


def test_only_hr_changes_the_policy_and_always_with_a_reason(org, hr_user):
    values = values_of(default_policy(), name="新版")
    with pytest.raises(PermissionDenied):
        award_policy_create(effective_month=NOVEMBER, values=values, reason="x", acting_user=org.lead_a1)
    with pytest.raises(ValidationError) as refusal:
        award_policy_create(effective_month=NOVEMBER, values=values, reason="", acting_user=hr_user)
    assert "reason" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        award_policy_update(
            policy=default_policy(),
            values={"tier2_min_score": default_policy().tier1_min_score},
            reason="错误的档位",
            acting_user=hr_user,
        )
    assert "tier1_min_score" in refusal.value.message_dict


def test_saving_an_unchanged_version_writes_no_audit_row(hr_user):
    award_policy_update(
        policy=default_policy(), values=values_of(default_policy()), reason="无", acting_user=hr_user
    )
    assert not AuditEvent.objects.filter(action="incentives.policy.update").exists()


def test_copying_a_version_in_the_admin_adds_a_new_version_through_the_service(hr_client, hr_user):
    policy = default_policy()
    assert hr_client.get(reverse("awardpolicy:copy", args=[policy.pk])).status_code == 200
    response = hr_client.post(
        reverse("awardpolicy:copy", args=[policy.pk]),
        form_data(policy, effective_month=NOVEMBER, reason="沿用默认", name="副本"),
    )
    assert response.status_code == 302, response.context["form"].errors
    copy = AwardPolicy.objects.get(effective_month=NOVEMBER)
    assert AuditEvent.objects.get(action="incentives.policy.create").target_id == str(copy.pk)
    assert default_policy().name != "副本"

"""Transcript rules and scorecard rubrics change in the Wagtail admin only through the audited services: HR and
QA leads, with a reason, each save an audit row; other trainers read them and are refused a change."""

from decimal import Decimal

import pytest

from assessments.models import CriterionRule, Rubric, RubricCriterion
from assessments.scorecards.services import qa_lead_appoint
from portal.models import AuditEvent
from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
LEVELS = '[{"percent": 0, "label": "未达到"}, {"percent": 100, "label": "达到"}]'


@pytest.fixture
def criterion(db):
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    return RubricCriterion.objects.create(rubric=rubric, name="礼貌用语", weight=Decimal(1), levels=[])


@pytest.fixture
def hr(db):
    return give_totp(StaffFactory(role="hr", employee_no="HR001"))


@pytest.fixture
def qa_lead(hr):
    lead = StaffFactory(role="trainer", employee_no="Q0009")
    qa_lead_appoint(user=lead, acting_user=hr, reason="质检组长")
    return lead


def _rubric_post(name: str, criterion_name: str, *, reason: str, existing: RubricCriterion | None = None):
    return {
        "name": name,
        "kind": "spot_check",
        "description": "",
        "is_active": "on",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "1" if existing else "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name": criterion_name,
        "criteria-0-weight": "2",
        "criteria-0-levels": LEVELS,
        "criteria-0-order": "0",
        "criteria-0-ORDER": "1",
        "criteria-0-id": str(existing.pk) if existing else "",
        "criteria-0-DELETE": "",
        "change_reason": reason,
    }


def test_hr_adds_changes_and_deletes_a_transcript_rule_each_with_a_reason_and_an_audit_row(
    client, hr, criterion
):
    client.force_login(hr)
    fields = {"criterion": criterion.pk, "kind": "forbidden", "phrase": "你有病吧", "stage": ""}
    refused = client.post("/admin/transcript_rules/new/", {**fields, "change_reason": ""})
    assert refused.status_code == 200 and not CriterionRule.objects.exists()

    assert (
        client.post("/admin/transcript_rules/new/", {**fields, "change_reason": "辱骂用语"}).status_code
        == 302
    )
    rule = CriterionRule.objects.get()
    created = AuditEvent.objects.get(action="qa.rule_create")
    assert (created.actor_id, created.reason, created.target_id) == (hr.pk, "辱骂用语", str(rule.pk))
    assert created.data["new"]["phrase"] == "你有病吧"

    edited = client.post(
        f"/admin/transcript_rules/edit/{rule.pk}/", {**fields, "phrase": "你有毛病", "change_reason": "改写"}
    )
    assert edited.status_code == 302
    changed = AuditEvent.objects.get(action="qa.rule_update")
    assert changed.data["old"] == {"phrase": "你有病吧"} and changed.data["new"] == {"phrase": "你有毛病"}

    incomplete = client.post(
        f"/admin/transcript_rules/edit/{rule.pk}/", {**fields, "phrase": "", "change_reason": "清空"}
    )
    assert incomplete.status_code == 200 and CriterionRule.objects.get().phrase == "你有毛病"

    assert (
        client.post(f"/admin/transcript_rules/delete/{rule.pk}/", {"change_reason": "不再使用"}).status_code
        == 302
    )
    assert not CriterionRule.objects.exists()
    assert AuditEvent.objects.get(action="qa.rule_delete").data["old"]["phrase"] == "你有毛病"


def test_a_trainer_who_is_not_a_qa_lead_reads_the_rules_and_rubrics_but_cannot_change_them(client, criterion):
    rule = CriterionRule.objects.create(criterion=criterion, kind="required", phrase="您好")
    client.force_login(StaffFactory(role="trainer"))
    assert client.get("/admin/transcript_rules/").status_code == 200
    assert client.get("/admin/rubrics/").status_code == 200
    fields = {
        "criterion": criterion.pk,
        "kind": "forbidden",
        "phrase": "滚",
        "stage": "",
        "change_reason": "x",
    }
    for url, data in (
        ("/admin/transcript_rules/new/", fields),
        (f"/admin/transcript_rules/edit/{rule.pk}/", fields),
        (f"/admin/transcript_rules/delete/{rule.pk}/", {"change_reason": "x"}),
        ("/admin/rubrics/new/", _rubric_post("新评分表", "业务准确", reason="x")),
        (
            f"/admin/rubrics/edit/{criterion.rubric_id}/",
            _rubric_post("改名", "礼貌", reason="x", existing=criterion),
        ),
    ):
        assert client.get(url).status_code in (302, 403), url
        assert client.post(url, data).status_code in (302, 403), url
    assert list(CriterionRule.objects.values_list("phrase", flat=True)) == ["您好"]
    assert list(Rubric.objects.values_list("name", flat=True)) == ["录音抽查"]
    assert not AuditEvent.objects.filter(action__startswith="rubric.").exists()
    assert not AuditEvent.objects.filter(action__startswith="qa.rule").exists()


def test_a_qa_lead_creates_and_edits_a_rubric_with_its_criteria_and_each_save_is_audited(client, qa_lead):
    client.force_login(qa_lead)
    missing_reason = client.post("/admin/rubrics/new/", _rubric_post("质检表", "服务态度", reason=""))
    assert missing_reason.status_code == 200 and not Rubric.objects.exists()
    created = client.post("/admin/rubrics/new/", _rubric_post("质检表", "服务态度", reason="新质检表"))
    assert created.status_code == 302, created.content.decode()[:2000]
    rubric = Rubric.objects.get()
    criterion = rubric.criteria.get()
    row = AuditEvent.objects.get(action="rubric.create")
    assert (row.actor_id, row.reason, row.data["old"]) == (qa_lead.pk, "新质检表", None)
    assert (
        row.data["new"]["criteria"][0]["name"] == "服务态度"
        and row.data["new"]["criteria"][0]["weight"] == "2.00"
    )

    edited = client.post(
        f"/admin/rubrics/edit/{rubric.pk}/",
        _rubric_post("质检表", "服务态度与礼貌", reason="措辞", existing=criterion),
    )
    assert edited.status_code == 302, edited.content.decode()[:2000]
    row = AuditEvent.objects.get(action="rubric.update")
    assert row.data["old"]["criteria"][0]["name"] == "服务态度"
    assert row.data["new"]["criteria"][0]["name"] == "服务态度与礼貌"
    assert RubricCriterion.objects.get().name == "服务态度与礼貌"

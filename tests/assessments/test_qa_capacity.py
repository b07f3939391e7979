"""HR sets how many sampled calls each QA evaluator can take a month; the draw shares calls out in proportion."""

from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import QaEvaluatorCapacity, SampledCall
from assessments.qa.selectors import qa_evaluator_loads
from assessments.qa.services import call_import, qa_evaluator_capacity_set, qa_policy_update, qa_sample_draw
from portal.audit import action_label
from portal.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import StaffFactory
from tests.portal.test_reads_never_write import _changed, _snapshot

pytestmark = pytest.mark.django_db
HEADER = "call_id,employee_no,started_at,duration_s,channel,recording_url"


def import_calls(*agents: str, per_agent: int = 3) -> None:
    rows = [
        f"{agent}-{n},{agent},2026-10-{n + 1:02d} 09:00:00,120,phone,"
        for agent in agents
        for n in range(per_agent)
    ]
    assert call_import(data="\n".join([HEADER, *rows]).encode(), file_name="calls.csv").ok


@pytest.fixture
def evaluators(db):
    return StaffFactory(role="trainer", employee_no="Q0001"), StaffFactory(
        role="trainer", employee_no="Q0002"
    )


def test_an_evaluator_with_twice_the_capacity_gets_twice_the_calls(org, evaluators, hr_user):
    big, small = evaluators
    qa_evaluator_capacity_set(evaluator=big, calls_per_month=20, reason="专职质检", acting_user=hr_user)
    qa_evaluator_capacity_set(evaluator=small, calls_per_month=10, reason="兼职质检", acting_user=hr_user)
    import_calls("A0001", "A0002", "A0003")
    assert qa_sample_draw(month=date(2026, 10, 1)).drawn == 9
    per_evaluator = Counter(SampledCall.objects.values_list("evaluator__employee_no", flat=True))
    assert per_evaluator == {"Q0001": 6, "Q0002": 3}
    loads = {row.evaluator.employee_no: row for row in qa_evaluator_loads(date(2026, 10, 1))}
    assert (loads["Q0001"].assigned, loads["Q0001"].capacity, loads["Q0001"].percent) == (6, 20, 30)


def test_without_capacities_the_policy_default_shares_calls_equally_and_a_top_up_follows_a_change(
    org, evaluators, hr_user
):
    big, _small = evaluators
    import_calls("A0001", "A0002")
    qa_sample_draw(month=date(2026, 10, 1))
    assert Counter(SampledCall.objects.values_list("evaluator__employee_no", flat=True)) == {
        "Q0001": 3,
        "Q0002": 3,
    }
    # Q0001 can now take three times as much: the top-up goes to them until their share catches up.
    qa_evaluator_capacity_set(evaluator=big, calls_per_month=900, reason="调整", acting_user=hr_user)
    import_calls("A0003")
    qa_sample_draw(month=date(2026, 10, 1))
    assert Counter(SampledCall.objects.values_list("evaluator__employee_no", flat=True)) == {
        "Q0001": 6,
        "Q0002": 3,
    }


def test_setting_a_capacity_needs_hr_a_reason_and_an_evaluator_and_is_audited(org, evaluators, hr_user):
    big, _small = evaluators
    with pytest.raises(PermissionDenied):
        qa_evaluator_capacity_set(evaluator=big, calls_per_month=50, reason="x", acting_user=big)
    with pytest.raises(PermissionDenied):
        qa_evaluator_capacity_set(evaluator=big, calls_per_month=50, reason="x", acting_user=org.lead_a1)
    with pytest.raises(ValidationError):
        qa_evaluator_capacity_set(evaluator=big, calls_per_month=50, reason=" ", acting_user=hr_user)
    with pytest.raises(ValidationError):
        qa_evaluator_capacity_set(evaluator=big, calls_per_month=0, reason="x", acting_user=hr_user)
    with pytest.raises(ValidationError):
        qa_evaluator_capacity_set(evaluator=org.agent_a1, calls_per_month=50, reason="x", acting_user=hr_user)
    assert not QaEvaluatorCapacity.objects.exists()
    assert not AuditEvent.objects.filter(action="qa.evaluator_capacity").exists()

    qa_evaluator_capacity_set(evaluator=big, calls_per_month=50, reason="新人减量", acting_user=hr_user)
    qa_evaluator_capacity_set(evaluator=big, calls_per_month=50, reason="again", acting_user=hr_user)
    qa_evaluator_capacity_set(evaluator=big, calls_per_month=None, reason="恢复默认", acting_user=hr_user)
    rows = list(AuditEvent.objects.filter(action="qa.evaluator_capacity").order_by("pk"))
    assert [(r.reason, r.data["before"], r.data["after"], r.actor_id) for r in rows] == [
        ("新人减量", None, 50, hr_user.pk),
        ("恢复默认", 50, None, hr_user.pk),
    ]
    assert rows[0].target_id == str(big.pk) and rows[0].data["default"] == 300
    assert action_label("qa.evaluator_capacity") != "qa.evaluator_capacity"
    assert not QaEvaluatorCapacity.objects.exists()


def test_hr_lists_evaluators_with_their_load_and_sets_a_capacity_on_the_page(
    client, org, evaluators, hr_user
):
    big, _small = evaluators
    qa_policy_update(
        spot_checks_per_agent=3,
        min_call_seconds=30,
        evaluator_capacity=120,
        reason="默认",
        acting_user=hr_user,
    )
    import_calls("A0001")
    qa_sample_draw(month=date(2026, 10, 1))
    sign_in(client, hr_user)
    client.get("/portal/")  # a session's first request notes its second factor (session only)
    before = _snapshot()
    page = client.get("/assessments/qa/capacity/?month=2026-10")
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    rows = {row.evaluator.employee_no: row for row in page.context["loads"]}
    assert (
        set(rows) == {"Q0001", "Q0002"} and rows["Q0001"].capacity == 120 and not rows["Q0001"].capacity_set
    )
    assert sum(row.assigned for row in rows.values()) == 3
    assert client.get("/assessments/qa/capacity/Q0001/").status_code == 200
    assert _changed(before, _snapshot()) == []  # reading wrote nothing

    refused = client.post("/assessments/qa/capacity/Q0001/", {"calls_per_month": "abc", "reason": "x"})
    assert refused.status_code == 200 and not QaEvaluatorCapacity.objects.exists()
    saved = client.post("/assessments/qa/capacity/Q0001/", {"calls_per_month": "240", "reason": "专职"})
    assert saved.status_code == 302 and QaEvaluatorCapacity.objects.get(evaluator=big).calls_per_month == 240
    listed = client.get("/assessments/qa/capacity/").content.decode()
    assert "240" in listed and "/assessments/qa/capacity/Q0001/" in listed
    assert client.get("/assessments/qa/capacity/A0001/").status_code == 404  # not an evaluator
    assert "/assessments/qa/capacity/" in client.get("/portal/").content.decode()  # in HR's menu


def test_only_hr_opens_the_capacity_pages(client, org, evaluators):
    for person in (evaluators[0], org.lead_a1, org.agent_a1):
        sign_in(client, person)
        assert client.get("/assessments/qa/capacity/").status_code == 403
        assert client.post("/assessments/qa/capacity/Q0001/", {"calls_per_month": "5"}).status_code == 403

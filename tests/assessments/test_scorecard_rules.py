"""The pure rules of QA evaluations: critical items and the appeal chain's deadlines."""

from datetime import date
from decimal import Decimal

from assessments.scorecards import rules


def row(name, percent, critical=False):
    return {"criterion": name, "percent": str(percent), "critical": critical}


def test_a_critical_item_fails_only_at_a_zero_level():
    chosen = [row("泄露客户信息", 0, critical=True), row("礼貌用语", 0), row("辱骂客户", 100, critical=True)]
    assert rules.critical_failures(chosen) == ["泄露客户信息"]
    assert rules.critical_failures([row("泄露客户信息", 50, critical=True)]) == []


def test_a_failed_critical_item_caps_the_score_at_the_policy_value():
    assert rules.capped_score(Decimal("92.50"), critical_failed=True, cap=Decimal(0)) == 0
    assert rules.capped_score(Decimal("92.50"), critical_failed=True, cap=Decimal(60)) == 60
    assert rules.capped_score(Decimal("40.00"), critical_failed=True, cap=Decimal(60)) == Decimal("40.00")
    assert rules.capped_score(Decimal("92.50"), critical_failed=False, cap=Decimal(0)) == Decimal("92.50")


def test_the_dispute_window_counts_calendar_days_from_the_later_of_recording_and_date():
    assert rules.dispute_deadline(
        evaluated_on=date(2026, 10, 12), recorded_on=date(2026, 10, 14), days=7
    ) == date(2026, 10, 21)
    assert rules.dispute_deadline(
        evaluated_on=date(2026, 10, 30), recorded_on=date(2026, 10, 1), days=3
    ) == date(2026, 11, 2)


def test_the_waiting_step_is_the_team_leads_then_the_qa_leads_each_with_its_deadline():
    lead = rules.pending_step(
        status="open", disputed_on=date(2026, 10, 20), endorsed_on=None, endorse_days=3, decide_days=5
    )
    assert (lead.step, lead.due_on) == (rules.STEP_LEAD, date(2026, 10, 23))
    assert not lead.overdue(date(2026, 10, 23)) and lead.overdue(date(2026, 10, 24))
    qa = rules.pending_step(
        status="endorsed",
        disputed_on=date(2026, 10, 20),
        endorsed_on=date(2026, 10, 22),
        endorse_days=3,
        decide_days=5,
    )
    assert (qa.step, qa.since, qa.due_on) == (rules.STEP_QA_LEAD, date(2026, 10, 22), date(2026, 10, 27))
    for closed in ("", "rejected", "upheld", "revised"):
        assert (
            rules.pending_step(
                status=closed,
                disputed_on=date(2026, 10, 20),
                endorsed_on=date(2026, 10, 22),
                endorse_days=3,
                decide_days=5,
            )
            is None
        )

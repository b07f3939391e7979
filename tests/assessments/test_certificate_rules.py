"""The certification rules, pure: expiry dates, suspension, restoration, renewal, the verification log's network."""

from datetime import date
from decimal import Decimal

from assessments.certificates import rules

FRONT_LINE = rules.TypeRule(
    validity_months=12,
    renewal_window_days=60,
    performance=rules.PerformanceRule(),
    has_recertification_quiz=True,
)
NO_RULE = rules.TypeRule(validity_months=12, renewal_window_days=60, performance=None)
ISSUED = date(2026, 1, 10)
EXPIRES = date(2027, 1, 10)


def state(status=rules.VALID, expires_on=EXPIRES, status_month=date(2025, 12, 1)):
    return rules.CertificateState(status=status, expires_on=expires_on, status_month=status_month)


def month(m, met=True, major=False, quality=None, year=2026):
    return rules.PublishedMonth(date(year, m, 1), targets_met=met, major_complaint=major, quality=quality)


def actions(changes):
    return [c.action for c in changes]


def test_a_period_ends_the_same_day_months_later_or_at_a_short_months_end():
    assert rules.expiry_date(ISSUED, 12) == EXPIRES
    assert rules.expiry_date(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_three_missed_published_months_suspend_but_two_do_not():
    two = [month(1, met=False), month(2, met=False)]
    assert not rules.review_certificate(state(), today=date(2026, 3, 5), rule=FRONT_LINE, months=two)
    three = [*two, month(3, met=False)]
    (change,) = rules.review_certificate(state(), today=date(2026, 4, 2), rule=FRONT_LINE, months=three)
    assert change.action == rules.SUSPEND and change.state.status_month == date(2026, 3, 1)


def test_a_month_meeting_the_targets_or_without_kpis_breaks_the_run_of_missed_months():
    for breaker in (month(2, met=True), month(2, met=None)):
        months = [month(1, met=False), breaker, month(3, met=False), month(4, met=False)]
        assert not rules.review_certificate(state(), today=date(2026, 5, 2), rule=FRONT_LINE, months=months)


def test_an_upheld_major_complaint_in_a_published_month_suspends_at_once():
    changes = rules.review_certificate(
        state(), today=date(2026, 2, 2), rule=FRONT_LINE, months=[month(1, met=True, major=True)]
    )
    assert actions(changes) == [rules.SUSPEND]


def test_two_good_months_after_the_suspension_restore_and_earlier_months_never_decide_twice():
    suspended = state(status=rules.SUSPENDED, status_month=date(2026, 3, 1))
    old = [month(1, met=False), month(2, met=False), month(3, met=False)]
    assert not rules.review_certificate(
        suspended, today=date(2026, 5, 2), rule=FRONT_LINE, months=[*old, month(4)]
    )
    (change,) = rules.review_certificate(
        suspended, today=date(2026, 6, 2), rule=FRONT_LINE, months=[*old, month(4), month(5)]
    )
    assert change.action == rules.RESTORE and change.state.status == rules.VALID
    # The restored certificate is not suspended again by the months that suspended it.
    assert not rules.review_certificate(
        change.state, today=date(2026, 6, 3), rule=FRONT_LINE, months=[*old, month(4), month(5)]
    )


def test_a_month_with_a_major_complaint_does_not_count_towards_restoring():
    suspended = state(status=rules.SUSPENDED, status_month=date(2026, 3, 1))
    months = [month(4), month(5, major=True)]
    assert not rules.review_certificate(suspended, today=date(2026, 6, 2), rule=FRONT_LINE, months=months)


def test_renewal_needs_the_quiz_in_the_window_and_a_mean_quality_of_80():
    months = [
        month(9, quality=Decimal("70")),
        month(10, quality=Decimal("85")),
        month(11, quality=Decimal("85")),
    ]
    today = date(2026, 12, 2)
    good = rules.review_certificate(
        state(), today=today, rule=FRONT_LINE, months=months, quiz_passed_on=today
    )
    assert actions(good) == [rules.RENEW]
    assert good[0].state.expires_on == date(2028, 1, 10) and good[0].period_start == EXPIRES
    before_window = rules.review_certificate(
        state(), today=today, rule=FRONT_LINE, months=months, quiz_passed_on=date(2026, 11, 10)
    )
    assert before_window == []
    low = [
        month(9, quality=Decimal("70")),
        month(10, quality=Decimal("80")),
        month(11, quality=Decimal("80")),
    ]
    assert (
        rules.review_certificate(state(), today=today, rule=FRONT_LINE, months=low, quiz_passed_on=today)
        == []
    )


def test_without_renewal_it_expires_on_its_date_and_stays_expired():
    assert rules.review_certificate(state(), today=date(2027, 1, 9), rule=NO_RULE, months=[]) == []
    (change,) = rules.review_certificate(state(), today=EXPIRES, rule=NO_RULE, months=[])
    assert change.action == rules.EXPIRE
    assert rules.review_certificate(change.state, today=date(2029, 1, 1), rule=NO_RULE, months=[]) == []


def test_a_suspended_certificate_is_not_renewed_and_expires():
    suspended = state(status=rules.SUSPENDED, status_month=date(2026, 11, 1))
    months = [month(11, met=False, quality=Decimal("95"))]
    changes = rules.review_certificate(
        suspended, today=EXPIRES, rule=FRONT_LINE, months=months, quiz_passed_on=date(2026, 12, 1)
    )
    assert actions(changes) == [rules.EXPIRE]


def test_a_certificate_without_a_performance_rule_is_never_suspended_and_renews_on_the_quiz_alone():
    missed = [month(m, met=False, major=True) for m in range(1, 12)]
    assert rules.review_certificate(state(), today=date(2026, 12, 1), rule=NO_RULE, months=missed) == []
    with_quiz = rules.TypeRule(validity_months=12, renewal_window_days=60, has_recertification_quiz=True)
    changes = rules.review_certificate(
        state(), today=date(2026, 12, 1), rule=with_quiz, months=missed, quiz_passed_on=date(2026, 12, 1)
    )
    assert actions(changes) == [rules.RENEW]


def test_the_verification_log_keeps_only_the_network():
    assert rules.address_network("203.0.113.77") == "203.0.113.0/24"
    assert rules.address_network("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert rules.address_network("unknown") == ""

"""The pure rules of events out: the signature receivers check, which addresses may receive webhooks, and the
shape of xAPI statements (no database)."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from events import rules
from tests.events.servers import StatementError, validate_statement


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_and_a_receiver_can_check_it():
    body = rules.webhook_body(
        event_id="e1",
        event="month.published",
        created=datetime(2026, 11, 2, 1, 0, tzinfo=UTC),
        data={"月": "十月"},
    )
    assert json.loads(body) == {
        "id": "e1",
        "event": "month.published",
        "created": "2026-11-02T01:00:00+00:00",
        "data": {"月": "十月"},
    }
    header = rules.signature_header("whsec_x", 1_790_000_000, body)
    expected = hmac.new(b"whsec_x", b"1790000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1790000000,v1={expected}"
    assert rules.signature_valid("whsec_x", header, body, now=1_790_000_100)
    assert not rules.signature_valid("whsec_y", header, body, now=1_790_000_100), "another secret"
    assert not rules.signature_valid("whsec_x", header, body + b" ", now=1_790_000_100), "another body"
    assert not rules.signature_valid("whsec_x", header, body, now=1_790_000_000 + 301), "an old replay"
    assert not rules.signature_valid("whsec_x", "v1=" + expected, body, now=1_790_000_000)


@pytest.mark.parametrize(
    ("url", "production", "addresses", "refusal"),
    [
        ("https://payroll.example.com/hooks", True, ["93.184.216.34"], None),
        ("http://payroll.example.com/hooks", True, ["93.184.216.34"], "scheme"),
        ("https://localhost/hooks", True, ["127.0.0.1"], "private"),
        ("https://10.0.0.5/hooks", True, ["10.0.0.5"], "private"),
        ("https://[::1]/hooks", True, ["::1"], "private"),
        ("https://metadata.internal/", True, ["169.254.169.254"], "private"),
        ("https://mixed.example.com/", True, ["93.184.216.34", "192.168.1.2"], "private"),
        ("https://nowhere.invalid/", True, [], "unresolved"),
        ("ftp://payroll.example.com/", True, ["93.184.216.34"], "scheme"),
        ("http://127.0.0.1:8001/hooks", False, [], None),
        ("http://localhost:8001/hooks", False, [], None),
        ("http://payroll.example.com/hooks", False, [], "http_remote"),
        ("https:///hooks", False, [], "host"),
    ],
)
def test_production_sends_only_to_https_on_public_addresses(url, production, addresses, refusal):
    assert rules.url_refusal(url, production=production, addresses=addresses) == refusal


@pytest.mark.parametrize(
    ("percent", "scaled"),
    [(Decimal("100"), Decimal("1")), (Decimal("87.25"), Decimal("0.8725")), (Decimal("0"), Decimal("0"))],
)
def test_a_percentage_becomes_a_scaled_score_from_0_to_1(percent, scaled):
    assert rules.scaled_score(percent) == scaled


def test_a_quiz_statement_names_the_person_by_account_and_passes_the_xapi_rules():
    statement = rules.xapi_statement(
        statement_id="6f1c2c84-57a8-4a43-9d5c-0c8f1b2f6a11",
        home_page="https://portal.example.cn",
        employee_no="A1001",
        verb="passed",
        object_id="https://portal.example.cn/assessments/quizzes/7/",
        object_name="月度测验",
        activity_type="assessment",
        timestamp=datetime(2026, 3, 3, 2, 0, tzinfo=UTC),
        result=rules.quiz_result(percent=Decimal("87.50"), passed=True),
    )
    validate_statement(statement)
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "https://portal.example.cn", "name": "A1001"},
    }
    assert statement["result"]["score"]["scaled"] == 0.875 and statement["result"]["success"] is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"verb": {"id": "passed"}}, "verb.id must be an IRI"),
        ({"id": "not-a-uuid"}, "id must be a UUID"),
        ({"result": {"score": {"scaled": 1.5}}}, "scaled must be a number from -1 to 1"),
        (
            {"actor": {"mbox": "mailto:a@example.com", "account": {"homePage": "https://x", "name": "A"}}},
            "exactly one",
        ),
        ({"timestamp": "2026-03-03 10:00"}, "time zone"),
        ({"score": 90}, "unknown properties"),
    ],
)
def test_the_test_lrs_rejects_statements_that_break_the_xapi_rules(change, message):
    """The receiver the statements are tested against is itself strict (a lax one would prove nothing)."""
    good = {
        "id": "6f1c2c84-57a8-4a43-9d5c-0c8f1b2f6a11",
        "actor": {"account": {"homePage": "https://portal.example.cn", "name": "A1001"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": "https://portal.example.cn/assessments/quizzes/7/"},
        "timestamp": "2026-03-03T10:00:00+08:00",
    }
    validate_statement(good)
    with pytest.raises(StatementError, match=message):
        validate_statement(good | change)

"""The audit trail names each action in words, never by its code."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from portal.audit import action_label, registered_actions
from portal.services import audit_record

ROOT = Path(__file__).resolve().parents[2]


AUDITING_CALLS = ("audit_record", "audited_create", "audited_change", "audited_delete")


def _recorded_actions() -> set[str]:
    """Every literal `action=` passed to `audit_record` (or the audited record helpers) in the product code."""
    found = set()
    for app in ("portal", "courses", "assessments", "incentives", "demo"):
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) in AUDITING_CALLS
                ):
                    for keyword in node.keywords:
                        if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                            found.add(keyword.value.value)
    return found


def test_every_action_recorded_in_the_code_has_a_label():
    recorded = _recorded_actions()
    assert {"incentives.star.exclude", "incentives.policy.update"} <= recorded
    # Codes built from a value: the imports' kinds and the dispute decisions.
    kinds = ("staff", "attendance", "training_records", "questions", "evaluations", "kpis")
    recorded |= {f"import.{kind}" for kind in kinds} | {
        "evaluation.dispute_upheld",
        "evaluation.dispute_revised",
    }
    assert recorded - registered_actions() == set()


def test_labels_are_translated():
    with translation.override("zh-hans"):
        assert action_label("incentives.star.exclude") == "排除服务之星候选人"
    with translation.override("en"):
        assert action_label("incentives.star.exclude") == "Service Star candidate excluded"


@pytest.mark.django_db
def test_the_audit_page_shows_the_label_not_the_code(hr_client, hr_user):
    audit_record(action="incentives.star.exclude", acting_user=hr_user, reason="test")
    body = hr_client.get(reverse("incentives:audit"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "排除服务之星候选人" in body
    assert "incentives.star.exclude" not in body

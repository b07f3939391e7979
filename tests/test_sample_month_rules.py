"""The sample month (October 2026) in shared/samples, computed with the pure rules only.

The CSVs are read with the stdlib ``csv`` module, decoded the way the import convention detects encodings (UTF-8
with BOM, UTF-8, then GB18030). Only the in-month in-service rows count for learning; only in-month evaluations for
quality. The results must equal the two expected JSON files.
"""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from assessments.scoring.rules import DEFAULT_POLICY, KpiValues, MonthlyScore, round2, score_staff_month
from incentives.rules import REASON_CODES, Candidate, rank_service_star_candidates

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
MONTH = date(2026, 10, 1)
NEXT_MONTH = date(2026, 11, 1)
SCORED_ROLES = {"agent", "team_lead"}

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample month directory {SAMPLES} is absent")


def read_csv(name: str) -> list[dict[str, str]]:
    raw = (SAMPLES / name).read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw.decode("utf-8-sig")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_expected(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def in_month(iso: str) -> bool:
    return MONTH <= date.fromisoformat(iso) < NEXT_MONTH


def fmt(value: Decimal | None) -> str | None:
    return None if value is None else str(round2(value))


def sample_month():
    """Build (staff rows, scores by employee number, candidates) from the sample CSVs."""
    staff = [row for row in read_csv("staff.csv") if row["role"] in SCORED_ROLES]

    hours: dict[str, Decimal] = {}
    results: dict[str, list[Decimal]] = {}
    for row in read_csv("training.csv"):
        if row["category"] != "in_service" or not in_month(row["date"]):
            continue
        no = row["employee_no"]
        hours[no] = hours.get(no, Decimal(0)) + Decimal(row["hours"] or "0")
        if row["score"].strip():
            results.setdefault(no, []).append(Decimal(row["score"]))

    quality: dict[str, list[Decimal]] = {}
    for row in read_csv("evaluations.csv"):
        if in_month(row["date"]):
            quality.setdefault(row["employee_no"], []).append(Decimal(row["score"]))

    kpis: dict[str, KpiValues] = {}
    for row in read_csv("kpis.csv"):
        kpis[row["employee_no"]] = KpiValues(
            contacts_handled=int(row["contacts_handled"]),
            timeliness=Decimal(row["response_timeliness_rate"]),
            resolution=Decimal(row["resolution_rate"]),
            satisfaction=Decimal(row["satisfaction_rate"]),
            complaint=Decimal(row["complaint_rate"]),
            major_complaints=int(row["major_complaints"]),
        )

    scores: dict[str, MonthlyScore] = {}
    candidates = []
    for staff_id, row in enumerate(staff, start=1):
        no = row["employee_no"]
        score = score_staff_month(
            kpis=kpis.get(no),
            quality_scores=quality.get(no, []),
            in_service_hours=hours.get(no, Decimal(0)),
            learning_results=results.get(no, []),
            policy=DEFAULT_POLICY,
        )
        scores[no] = score
        candidates.append(
            Candidate(
                staff_id=staff_id,
                employee_no=no,
                name=row["name"],
                onboarded_on=date.fromisoformat(row["onboarded_on"]) if row["onboarded_on"] else None,
                in_service_hours=hours.get(no, Decimal(0)),
                kpis=kpis.get(no),
                score=score if score.has_score else None,
            )
        )
    return staff, scores, candidates


def test_sample_csvs_decode_with_their_encodings():
    staff = read_csv("staff.csv")
    assert list(staff[0])[0] == "employee_no"  # the BOM is not part of the first header
    assert staff[0]["name"] == "赵艳"
    assert len(read_csv("kpis.csv")) == 43


def test_sample_month_performance_scores_match_the_expected_file():
    expected = read_expected("performance_scores.expected.json")
    assert expected["month"] == MONTH.strftime("%Y-%m")
    _, scores, _ = sample_month()

    computed = {
        no: {
            "employee_no": no,
            "score": fmt(score.composite),
            "kpi": fmt(score.kpi),
            "quality": fmt(score.quality),
            "learning": fmt(score.learning),
            "partial": score.partial,
        }
        for no, score in scores.items()
        if score.has_score
    }
    expected_by_no = {entry["employee_no"]: entry for entry in expected["scores"]}
    assert computed == expected_by_no


def test_sample_month_service_stars_match_the_expected_file():
    expected = read_expected("service_stars.expected.json")
    assert expected["month"] == MONTH.strftime("%Y-%m")
    _, _, candidates = sample_month()

    proposal = rank_service_star_candidates(candidates, month=MONTH, policy=DEFAULT_POLICY)

    winners = [
        {"rank": rank, "employee_no": c.employee_no, "score": fmt(c.score.composite)}
        for rank, c in enumerate(proposal.winners, start=1)
    ]
    assert winners == expected["winners"]
    # The expected file lists reasons alphabetically; the rules list them in REASON_CODES order.
    ineligible = {c.employee_no: sorted(reasons) for c, reasons in proposal.ineligible}
    assert ineligible == {entry["employee_no"]: sorted(entry["reasons"]) for entry in expected["ineligible"]}
    for _, reasons in proposal.ineligible:
        assert reasons == [code for code in REASON_CODES if code in reasons]


def test_sample_month_has_eligible_runners_up_beyond_the_ten_winners():
    _, _, candidates = sample_month()
    proposal = rank_service_star_candidates(candidates, month=MONTH, policy=DEFAULT_POLICY)
    assert len(proposal.winners) == DEFAULT_POLICY.winners
    assert proposal.ranked_eligible[: len(proposal.winners)] == proposal.winners
    assert [c.employee_no for c in proposal.ranked_eligible[10:]] == ["E00035"]

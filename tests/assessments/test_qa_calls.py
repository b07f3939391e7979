"""The call list import, the monthly spot-check sample, HR's QA policy and the evaluation of a sampled call."""

import hashlib
import io
import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import (
    Call,
    CallImportJob,
    CriterionRule,
    Evaluation,
    QaPolicy,
    QaSampleDraw,
    Rubric,
    RubricCriterion,
    RuleFinding,
    SampledCall,
)
from assessments.qa.selectors import qa_coverage, qa_draw_replay, qa_sample_get, rule_accuracy
from assessments.qa.services import (
    CHUNK,
    call_import,
    qa_policy_update,
    qa_sample_draw,
    sampled_call_evaluate,
)
from assessments.scoring.selectors import evaluation_scores_by_staff
from portal.models import AuditEvent, ImportRun, User
from portal.tabular.reading import READ_CHUNK
from tests.conftest import file_read_in_pieces, sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = "call_id,employee_no,started_at,duration_s,channel,recording_url,transcript"
TRANSCRIPT = "[00:00] 坐席：您好，很高兴为您服务\n[00:04] 客户：宽带断了\n[00:50] 坐席：你有并吧\n[00:55] 坐席：请问还有什么可以帮您"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def calls_for(
    employee_no: str, count: int, *, month: str = "2026-10", prefix: str | None = None, seconds=120
):
    prefix = prefix or f"{employee_no}-{month}"
    return [
        f"{prefix}-{n:03d},{employee_no},{month}-{1 + n % 28:02d} 09:{n % 60:02d}:00,{seconds},phone,,"
        for n in range(count)
    ]


def import_ok(*rows: str) -> dict:
    result = call_import(data=csv_bytes(*rows), file_name="calls.csv")
    assert result.ok, result.errors
    return result.counts


def run(capsys, command: str, *args) -> tuple[int, dict]:
    code = 0
    try:
        call_command(command, *args, "--json")
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def qa_team(org):
    """The org's people plus two QA evaluators; Q0001 is also on team A1 as its second team lead."""
    return {
        "Q0001": StaffFactory(role="trainer", employee_no="Q0001"),
        "Q0002": StaffFactory(role="trainer", employee_no="Q0002"),
    }


# --- The call list --------------------------------------------------------------------------------------------


def test_a_call_list_imports_with_local_and_offset_times_and_again_changes_nothing(org, tmp_path, capsys):
    path = tmp_path / "calls.csv"
    path.write_bytes(
        csv_bytes(
            'C1,A0001,2026-10-31 23:30,300,电话,https://rec.example.com/C1.mp3,"坐席：您好\n客户：你好"',
            "C2,A0001,2026-10-31T16:30:00Z,45,chat,,",
            "C3,A0002,2026-11-01 00:10:05,0,Email,,",
        )
    )
    code, output = run(capsys, "import_calls", str(path))
    assert code == 0 and (output["created"], output["updated"], output["unchanged"]) == (3, 0, 0)
    first, second, third = Call.objects.order_by("call_id")
    assert first.started_at == datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI) and first.month == date(
        2026, 10, 1
    )
    assert first.transcript == "坐席：您好\n客户：你好" and first.recording_url.endswith("C1.mp3")
    assert first.channel == "phone" and third.channel == "email"
    # 16:30 UTC on the 31st is half past midnight on 1 November in Beijing: a November call.
    assert second.month == date(2026, 11, 1) and third.month == date(2026, 11, 1)
    assert AuditEvent.objects.filter(action="import.calls").count() == 1
    code, again = run(capsys, "import_calls", str(path))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_a_call_list_larger_than_memory_should_hold_is_read_from_disk_a_chunk_at_a_time(org, tmp_path):
    """A month's list can be a million calls: the import reads the file in bounded pieces, never whole."""
    transcript = "\n".join(
        f"[{n // 60:02d}:{n % 60:02d}] 坐席：您好，请问有什么可以帮您{n}" for n in range(3000)
    )
    path = tmp_path / "calls.csv"
    path.write_bytes(
        csv_bytes(*(f'C{n},A0001,2026-10-03 09:{n:02d},300,phone,,"{transcript}"' for n in range(30)))
    )
    assert path.stat().st_size > 4 * READ_CHUNK
    source, sizes = file_read_in_pieces(path)
    with source:
        result = call_import(data=source, file_name="calls.csv")
    assert result.ok and result.counts == {"created": 30, "updated": 0, "unchanged": 0}
    assert max(sizes) <= READ_CHUNK
    assert Call.objects.get(call_id="C29").transcript == transcript
    audit = AuditEvent.objects.get(action="import.calls")
    assert audit.data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_error_after_the_first_thousands_of_rows_refuses_the_whole_file(org, tmp_path, capsys):
    rows = calls_for("A0001", CHUNK + 200)
    rows[CHUNK + 100] = rows[CHUNK + 100].replace("A0001", "NOBODY")
    path = tmp_path / "calls.csv"
    path.write_bytes(csv_bytes(*rows))
    code, output = run(capsys, "import_calls", str(path))
    assert code == 1 and output["created"] == 0
    assert [(e["line"], e["column"]) for e in output["errors"]] == [(CHUNK + 102, "employee_no")]
    assert not Call.objects.exists() and not AuditEvent.objects.filter(action="import.calls").exists()
    path.write_bytes(csv_bytes(*calls_for("A0001", CHUNK + 200)))
    code, output = run(capsys, "import_calls", str(path))
    assert code == 0 and output["created"] == Call.objects.count() == CHUNK + 200


def _once(action):
    """A progress listener that runs `action` the first time it hears: between the check and the writing."""
    done = []

    def listener(_rows):
        if not done:
            done.append(action())

    return listener


def test_the_same_file_again_after_another_import_changed_its_calls_puts_them_back(org):
    first = csv_bytes("C1,A0001,2026-10-03 09:00,300,phone,,")
    import_ok("C1,A0001,2026-10-03 09:00,300,phone,,")
    changed = _once(lambda: import_ok("C1,A0001,2026-10-03 09:00,400,phone,,"))
    result = call_import(data=first, file_name="again.csv", progress=changed)
    # The check found nothing to change; the other import landed before this one took the lock, so this one
    # (the last to commit) still writes what its file says.
    assert result.ok and Call.objects.get().duration_s == 300
    assert ImportRun.objects.filter(kind="calls").count() == 3


def test_the_same_file_again_with_nothing_in_between_is_checked_once(org):
    data = csv_bytes(*calls_for("A0001", 3))
    assert call_import(data=data, file_name="calls.csv").counts["created"] == 3
    call_table = Call._meta.db_table

    def lookups_of_stored_calls(**options) -> int:
        with CaptureQueriesContext(connection) as queries:
            result = call_import(data=data, file_name="calls.csv", **options)
        assert result.counts == {"created": 0, "updated": 0, "unchanged": 3}
        return sum(
            1 for q in queries if q["sql"].lstrip().upper().startswith("SELECT") and call_table in q["sql"]
        )

    assert lookups_of_stored_calls() == lookups_of_stored_calls(dry_run=True) == 1


def test_the_check_is_told_before_anything_is_written(org):
    heard = []
    result = call_import(
        data=csv_bytes(*calls_for("A0001", 3)),
        file_name="calls.csv",
        checked=lambda: heard.append(Call.objects.count()),
    )
    assert result.ok and heard == [0] and Call.objects.count() == 3
    call_import(
        data=csv_bytes("C9,NOBODY,2026-10-03 09:00,300,phone,,"), file_name="bad.csv", checked=heard.append
    )
    assert heard == [0]  # a refused file is never written, so never announced


def test_a_file_that_changes_between_the_check_and_the_writing_is_refused(org, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(csv_bytes("C1,A0001,2026-10-03 09:00,300,phone,,"))

    def append_a_call():
        with path.open("ab") as tail:
            tail.write(b"C2,A0001,2026-10-03 10:00,300,phone,,\n")

    with path.open("rb") as handle:
        result = call_import(data=handle, file_name="calls.csv", progress=_once(append_a_call))
    assert not result.ok and [e.line for e in result.errors] == [0]
    assert not Call.objects.exists() and not ImportRun.objects.filter(kind="calls").exists()


def test_a_call_again_with_changes_is_updated_and_blank_optional_cells_keep_what_was_stored(org):
    import_ok('C1,A0001,2026-10-03 09:00,300,phone,https://rec.example.com/C1.mp3,"坐席：您好"')
    imported_at = Call.objects.get().imported_at
    counts = import_ok("C1,A0002,2026-10-03 09:00,310,phone,,")
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    call = Call.objects.get()
    assert (call.staff.employee_no, call.duration_s) == ("A0002", 310)
    assert call.transcript == "坐席：您好" and call.recording_url == "https://rec.example.com/C1.mp3"
    assert call.imported_at == imported_at  # a top-up draws only calls that are new, not changed ones


def test_bad_rows_refuse_the_whole_file_naming_every_line_and_field(org, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            "C1,A0001,2026-10-03 09:00,300,phone,,",
            "C2,NOBODY,2026-10-03 09:00,300,phone,,",
            "C3,A0001,2026-02-30 09:00,300,phone,,",
            "C4,A0001,03/10/2026 9:00,300,phone,,",
            "C5,A0001,2026-10-03 09:00,-5,phone,,",
            "C6,A0001,2026-10-03 09:00,300,fax,,",
            "C7,A0001,2026-10-03 09:00,300,phone,ftp://rec.example.com/x,",
            "C1,A0002,2026-10-03 10:00,300,phone,,",
            f"C8,A0001,2026-10-03 09:00,300,phone,,{'好' * 70_000}",
        )
    )
    code, output = run(capsys, "import_calls", str(path))
    assert code == 1 and output["created"] == 0 and not Call.objects.exists()
    by_line = {(e["line"], e.get("column")) for e in output["errors"]}
    assert by_line == {
        (3, "employee_no"),
        (4, "started_at"),
        (5, "started_at"),
        (6, "duration_s"),
        (7, "channel"),
        (8, "recording_url"),
        (9, "call_id"),
        (10, "transcript"),
    }
    assert "2026-02-30" in next(e["message"] for e in output["errors"] if e["line"] == 4)
    assert "first on line 2" in next(e["message"] for e in output["errors"] if e["line"] == 9)


def test_a_header_only_file_is_refused(org, tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(csv_bytes())
    code, output = run(capsys, "import_calls", str(path))
    assert code == 1 and output["errors"] and not Call.objects.exists()


def test_gb18030_utf8_with_bom_and_xlsx_read_alike_and_a_missing_column_is_refused(org):
    rows = ["C1,A0001,2026-10-03 09:00,300,电话,,坐席：您好"]
    for data, name in (
        (csv_bytes(*rows, encoding="gb18030"), "calls.csv"),
        (b"\xef\xbb\xbf" + csv_bytes(*rows), "calls.csv"),
    ):
        result = call_import(data=data, file_name=name, dry_run=True)
        assert result.ok and result.counts["created"] == 1, result.errors
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["C1", "A0001", datetime(2026, 10, 3, 9, 0), 300, "phone", None, "坐席：您好"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert call_import(data=buffer.getvalue(), file_name="calls.xlsx").counts["created"] == 1
    assert Call.objects.get().started_at == datetime(2026, 10, 3, 9, tzinfo=SHANGHAI)
    missing = call_import(data=csv_bytes("C9,A0001", header="call_id,employee_no"), file_name="c.csv")
    assert not missing.ok and any("started_at" in e.message for e in missing.errors)


def test_a_drawn_call_cannot_move_to_another_person_by_a_later_file(org, qa_team):
    import_ok(*calls_for("A0001", 1))
    qa_sample_draw(month=date(2026, 10, 1))
    moved = call_import(
        data=csv_bytes("A0001-2026-10-000,A0002,2026-10-01 09:00:00,120,phone,,"), file_name="c.csv"
    )
    assert not moved.ok and moved.errors[0].column == "call_id"
    assert Call.objects.get().staff.employee_no == "A0001"


# --- The monthly sample ---------------------------------------------------------------------------------------


def test_the_draw_gives_each_agent_the_plan_from_their_own_month_and_all_calls_when_fewer(
    org, qa_team, capsys
):
    import_ok(
        *calls_for("A0001", 20),
        *calls_for("A0002", 2),
        *calls_for("A0003", 5, seconds=10),  # all too short for the default 30 s
        *calls_for("A0001", 10, month="2026-09"),
        *calls_for("A0001", 10, month="2026-11"),
        *calls_for("B0001", 4),
    )
    code, sample = run(capsys, "qa_sample", "--month", "2026-10")
    assert code == 0
    assert set(sample) == {"month", "per_agent", "draws", "assigned"}
    assert sample["month"] == "2026-10" and sample["per_agent"] == 3 and len(sample["draws"]) == 1
    assert set(sample["draws"][0]) == {"seed", "at"} and sample["draws"][0]["at"].endswith("+08:00")
    per_agent: dict[str, list[str]] = {}
    for row in sample["assigned"]:
        assert row["call_id"].startswith(f"{row['employee_no']}-2026-10-")  # never another month's call
        per_agent.setdefault(row["employee_no"], []).append(row["call_id"])
    assert {agent: len(ids) for agent, ids in per_agent.items()} == {"A0001": 3, "A0002": 2, "B0001": 3}
    assert [(r["employee_no"], r["call_id"]) for r in sample["assigned"]] == sorted(
        (r["employee_no"], r["call_id"]) for r in sample["assigned"]
    )
    assert {r["evaluator"] for r in sample["assigned"]} <= {"Q0001", "Q0002"}
    assert AuditEvent.objects.filter(action="qa.sample_draw").count() == 1


def test_the_recorded_seed_reproduces_the_draw(org, qa_team):
    import_ok(*calls_for("A0001", 30), *calls_for("A0003", 30))
    outcome = qa_sample_draw(month=date(2026, 10, 1))
    recorded = {}
    for call_id, number in SampledCall.objects.values_list("call__call_id", "call__staff__employee_no"):
        recorded.setdefault(number, []).append(call_id)
    assert qa_draw_replay(outcome.draw) == {number: sorted(ids) for number, ids in recorded.items()}
    # Whoever leaves or changes role later, the draw replays for the people it drew for.
    User.objects.filter(employee_no="A0003").update(is_active=False)
    User.objects.filter(employee_no="A0001").update(role="trainer")
    assert qa_draw_replay(outcome.draw) == {number: sorted(ids) for number, ids in recorded.items()}


def test_running_again_keeps_the_draw_and_tops_up_only_agents_below_plan_from_new_calls(org, qa_team, capsys):
    import_ok(*calls_for("A0001", 10), *calls_for("A0002", 1))
    _code, first = run(capsys, "qa_sample", "--month", "2026-10")
    _code, same = run(capsys, "qa_sample", "--month", "2026-10")
    assert same == first  # nothing new: the same draw, no second one recorded
    import_ok(*calls_for("A0001", 5, prefix="A0001-late"), *calls_for("A0002", 4, prefix="A0002-late"))
    code, topped = run(capsys, "qa_sample", "--month", "2026-10")
    assert code == 0 and len(topped["draws"]) == 2 and topped["draws"][0] == first["draws"][0]
    assert topped["draws"][1]["seed"] != first["draws"][0]["seed"]
    before = {(r["call_id"], r["evaluator"]) for r in first["assigned"]}
    after = {(r["call_id"], r["evaluator"]) for r in topped["assigned"]}
    assert before <= after
    added = sorted(call_id for call_id, _evaluator in after - before)
    assert len(added) == 2 and all(call_id.startswith("A0002-late") for call_id in added)
    assert len({call_id for call_id, _e in after}) == len(after) == 6  # never a call twice
    first_draw, second_draw = QaSampleDraw.objects.order_by("at")
    assert qa_draw_replay(second_draw) == {"A0002": added}
    first_picks: dict[str, list[str]] = {}
    for row in first["assigned"]:
        first_picks.setdefault(row["employee_no"], []).append(row["call_id"])
    assert qa_draw_replay(first_draw) == first_picks  # calls imported later do not change an earlier draw


def test_nobody_evaluates_their_own_calls_or_their_own_team_leads_calls(org, qa_team):
    """L0001 leads team A1 and also does QA (given the scoring permission in person)."""
    org.lead_a1.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="evaluate_staff")
    )
    qa_team["Q0002"].is_active = False
    qa_team["Q0002"].save(update_fields=["is_active"])  # left the company: no longer assigned
    import_ok(*calls_for("A0001", 6), *calls_for("A0003", 6), *calls_for("L0001", 3))
    qa_sample_draw(month=date(2026, 10, 1))
    assigned: dict[str, set[str]] = {}
    for agent, evaluator in SampledCall.objects.values_list(
        "call__staff__employee_no", "evaluator__employee_no"
    ):
        assigned.setdefault(agent, set()).add(evaluator)
    # A1's agent and the lead's own calls go to Q0001; the other team's calls to the lead, who had room left.
    assert assigned == {"A0001": {"Q0001"}, "L0001": {"Q0001"}, "A0003": {"L0001"}}


def test_a_draw_with_no_allowed_evaluator_is_refused_and_records_nothing(org, capsys):
    import_ok(*calls_for("A0001", 3))
    code, output = run(capsys, "qa_sample", "--month", "2026-10")
    assert code == 1 and output["assigned"] == [] and "QA evaluator" in output["errors"][0]["message"]
    assert not QaSampleDraw.objects.exists() and not SampledCall.objects.exists()
    code, output = run(capsys, "qa_sample", "--month", "2026-13")
    assert code == 1 and output["month"] == "2026-13"


def test_hr_sets_the_policy_with_a_reason_and_the_next_draw_follows_it(org, qa_team, hr_user):
    with pytest.raises(PermissionDenied):
        qa_policy_update(spot_checks_per_agent=5, min_call_seconds=0, reason="x", acting_user=org.agent_a1)
    with pytest.raises(ValidationError):
        qa_policy_update(spot_checks_per_agent=5, min_call_seconds=0, reason=" ", acting_user=hr_user)
    qa_policy_update(spot_checks_per_agent=5, min_call_seconds=0, reason="新规", acting_user=hr_user)
    event = AuditEvent.objects.get(action="qa.policy_update")
    assert event.reason == "新规" and event.data["before"]["spot_checks_per_agent"] == 3
    import_ok(*calls_for("A0001", 8, seconds=5))
    qa_sample_draw(month=date(2026, 10, 1), acting_user=hr_user)
    assert SampledCall.objects.count() == 5 and QaSampleDraw.objects.get().drawn_by == hr_user
    assert QaPolicy.objects.count() == 1
    # The month's sample keeps saying the plan it was drawn under after the policy changes again.
    qa_policy_update(spot_checks_per_agent=2, min_call_seconds=0, reason="减量", acting_user=hr_user)
    assert qa_sample_get(date(2026, 10, 1))["per_agent"] == 5
    assert qa_sample_get(date(2026, 11, 1))["per_agent"] == 2


def test_coverage_counts_checks_due_and_done_per_team(org, qa_team):
    import_ok(*calls_for("A0001", 10), *calls_for("A0002", 2), *calls_for("A0003", 10))
    qa_sample_draw(month=date(2026, 10, 1))
    rows = {r.team: (r.agents, r.planned, r.sampled, r.done) for r in qa_coverage(date(2026, 10, 1))}
    assert rows == {str(org.team_a1): (2, 5, 5, 0), str(org.team_a2): (1, 3, 3, 0)}


# --- Evaluating a sampled call --------------------------------------------------------------------------------

LEVELS = [{"percent": 0, "label": "未达到"}, {"percent": 100, "label": "达到"}]


@pytest.fixture
def rubric():
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    courtesy = RubricCriterion.objects.create(
        rubric=rubric, name="礼貌用语", weight=Decimal(1), levels=LEVELS
    )
    RubricCriterion.objects.create(rubric=rubric, name="业务准确", weight=Decimal(1), levels=LEVELS, order=1)
    CriterionRule.objects.create(
        criterion=courtesy, kind="required", phrase="您好，很高兴为您服务", stage="opening"
    )
    CriterionRule.objects.create(criterion=courtesy, kind="forbidden", phrase="你有病吧")
    CriterionRule.objects.create(criterion=courtesy, kind="max_silence", max_silence_s=30)
    return rubric


@pytest.fixture
def sampled(org, qa_team, rubric):
    """A sampled call of 31 October (late evening in Beijing) with a transcript."""
    import_ok(f'C1,A0001,2026-10-31 23:50,300,phone,,"{TRANSCRIPT}"')
    qa_sample_draw(month=date(2026, 10, 1))
    return SampledCall.objects.select_related("evaluator").get()


def test_the_form_opens_pre_filled_and_reading_it_writes_nothing(client, sampled, rubric):
    sign_in(client, sampled.evaluator)
    before = (AuditEvent.objects.count(), RuleFinding.objects.count(), Evaluation.objects.count())
    page = client.get(f"/assessments/qa/calls/{sampled.pk}/")
    assert page.status_code == 200
    courtesy = page.context["criteria"][0]
    assert [f.finding.passed for f in courtesy.findings] == [True, False, False]
    assert courtesy.suggested_level == 0
    assert [line.line for line in page.context["lines"] if line.highlighted] == [1, 2, 3]
    assert b'class="highlight"' in page.content
    assert (AuditEvent.objects.count(), RuleFinding.objects.count(), Evaluation.objects.count()) == before


def test_only_the_assigned_evaluator_opens_a_sampled_call(client, sampled, org, qa_team):
    other = qa_team["Q0002"] if sampled.evaluator.employee_no == "Q0001" else qa_team["Q0001"]
    sign_in(client, other)
    assert client.get(f"/assessments/qa/calls/{sampled.pk}/").status_code == 404
    sign_in(client, org.agent_a1)
    assert client.get(f"/assessments/qa/calls/{sampled.pk}/").status_code == 403
    assert client.get("/assessments/qa/coverage/").status_code == 403


def test_confirming_and_overriding_stores_both_and_the_evaluation_counts_in_the_calls_month(sampled, rubric):
    courtesy, accuracy = rubric.criteria.all()
    greeting, abuse, silence = CriterionRule.objects.order_by("pk")
    with pytest.raises(ValidationError):  # every finding needs a decision
        sampled_call_evaluate(
            sampled_call_id=sampled.pk,
            rubric=rubric,
            levels={courtesy.pk: 0, accuracy.pk: 1},
            decisions={greeting.pk: True},
            acting_user=sampled.evaluator,
        )
    sampled_call_evaluate(
        sampled_call_id=sampled.pk,
        rubric=rubric,
        levels={courtesy.pk: 0, accuracy.pk: 1},
        decisions={greeting.pk: True, abuse.pk: False, silence.pk: True},  # the silence was a hold: override
        acting_user=sampled.evaluator,
    )
    sampled.refresh_from_db()
    evaluation = sampled.evaluation
    assert evaluation.score == Decimal("50.00") and evaluation.date == date(2026, 10, 31)
    assert evaluation.staff.employee_no == "A0001" and evaluation.evaluator_user == sampled.evaluator
    assert evaluation_scores_by_staff(month=date(2026, 10, 1))[evaluation.staff_id] == [Decimal("50.00")]
    stored = {f.rule_id: (f.suggested, f.passed) for f in sampled.findings.all()}
    assert stored == {greeting.pk: (True, True), abuse.pk: (False, False), silence.pk: (False, True)}
    accuracy_rows = {r.rule: (r.findings, r.agreed) for r in rule_accuracy(date(2026, 10, 1))}
    assert accuracy_rows[str(silence)] == (1, 0) and accuracy_rows[str(abuse)] == (1, 1)
    assert AuditEvent.objects.filter(action="qa.sampled_call.evaluate", data__overridden=1).exists()
    with pytest.raises(ValidationError):
        sampled_call_evaluate(
            sampled_call_id=sampled.pk,
            rubric=rubric,
            levels={courtesy.pk: 1, accuracy.pk: 1},
            decisions={greeting.pk: True, abuse.pk: True, silence.pk: True},
            acting_user=sampled.evaluator,
        )
    assert Evaluation.objects.count() == 1
    assert qa_coverage(date(2026, 10, 1))[0].done == 1


def test_only_people_with_the_permissions_open_the_qa_pages(client, org, qa_team):
    sign_in(client, org.lead_a1)
    for url in ("/assessments/qa/calls/import/", "/assessments/qa/coverage/", "/assessments/qa/policy/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/assessments/qa/sample/", {"month": "2026-10"}).status_code == 403
    assert client.get("/assessments/qa/calls/").status_code == 403
    sign_in(client, qa_team["Q0001"])
    assert client.get("/assessments/qa/calls/").status_code == 200
    assert client.get("/assessments/qa/coverage/").status_code == 403


def test_hr_sees_coverage_draws_from_the_page_and_edits_the_policy(
    hr_client, org, qa_team, django_capture_on_commit_callbacks
):
    import_ok(*calls_for("A0001", 4))
    page = hr_client.get("/assessments/qa/coverage/?month=2026-10")
    assert page.status_code == 200 and page.context["rows"][0].sampled == 0
    hr_client.post("/assessments/qa/sample/", {"month": "2026-10"})
    assert qa_sample_get(date(2026, 10, 1))["assigned"] and SampledCall.objects.count() == 3
    response = hr_client.post(
        "/assessments/qa/policy/",
        {"spot_checks_per_agent": "4", "min_call_seconds": "60", "reason": "加强抽查"},
    )
    assert response.status_code == 302 and QaPolicy.objects.get().spot_checks_per_agent == 4
    with django_capture_on_commit_callbacks(execute=True):
        upload = hr_client.post(
            "/assessments/qa/calls/import/",
            {"file": SimpleUploadedFile("calls.csv", csv_bytes(*calls_for("A0002", 2))), "check_only": "1"},
        )
    job = CallImportJob.objects.get()
    assert upload.status_code == 302 and job.counts["created"] == 2
    assert Call.objects.count() == 4  # a check writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(f"/assessments/qa/calls/import/{job.pk}/")
    assert Call.objects.count() == 6
    assert hr_client.get("/assessments/qa/coverage/?month=2026-13").status_code == 404

"""import_evaluations: the sample file, re-import, duplicates, locked months, evaluator linking, upload page."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from assessments.models import Evaluation
from assessments.scoring.selectors import evaluation_scores_by_staff
from portal.services import month_lock_set, staff_import
from tests.factories import StaffFactory

SAMPLES = Path("/work/shared/samples")
pytestmark = pytest.mark.django_db


@pytest.fixture
def roster():
    result = staff_import(data=(SAMPLES / "staff.csv").read_bytes(), file_name="staff.csv")
    assert result.ok


def run(capsys, path, *args):
    code = 0
    try:
        call_command("import_evaluations", str(path), "--json", *args)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_the_sample_file_imports_and_importing_it_again_changes_nothing(roster, capsys):
    rows = len((SAMPLES / "evaluations.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    code, output = run(capsys, SAMPLES / "evaluations.csv")
    assert code == 0
    assert (output["created"], output["updated"], output["unchanged"], output["errors"]) == (rows, 0, 0, [])
    first = Evaluation.objects.get(staff__employee_no="E00003", date=date(2026, 10, 3), kind="spot_check")
    assert first.score == Decimal("74.90") and first.evaluator == "质检员" and first.evaluator_user is None
    code, again = run(capsys, SAMPLES / "evaluations.csv")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, rows)
    october = evaluation_scores_by_staff(month=date(2026, 10, 1))
    assert Decimal("74.90") in october[first.staff_id]


def test_a_changed_score_updates_and_an_evaluator_equal_to_an_employee_number_is_linked(tmp_path, capsys):
    agent = StaffFactory(employee_no="E10001")
    qa = StaffFactory(employee_no="Q0001", role="trainer")
    path = tmp_path / "e.csv"
    path.write_text(
        "employee_no,date,kind,score,evaluator\nE10001,2026-10-05,role_play,88.5,Q0001\n", encoding="utf-8"
    )
    run(capsys, path)
    path.write_text(
        "employee_no,date,kind,score,evaluator\nE10001,2026-10-05,role_play,90,Q0001\n", encoding="utf-8"
    )
    code, output = run(capsys, path)
    evaluation = Evaluation.objects.get(staff=agent)
    assert output["updated"] == 1 and evaluation.score == Decimal("90.00") and evaluation.evaluator_user == qa


def test_bad_rows_refuse_the_whole_file_with_every_line(tmp_path, capsys, hr_user):
    StaffFactory(employee_no="E10001")
    month_lock_set(month=date(2026, 9, 1), acting_user=hr_user)
    path = tmp_path / "bad.csv"
    path.write_text(
        "employee_no,date,kind,score,evaluator\n"
        "E10001,2026-10-05,role_play,88.5,张三\n"
        "E10001,2026-10-05,role_play,70,张三\n"  # same key again
        "E10001,2026-10-06,audit,70,张三\n"  # bad kind
        "E10001,2026-10-07,spot_check,100.001,张三\n"  # 3 decimals
        "E99999,2026-10-07,spot_check,80,张三\n"  # unknown person
        "E10001,2026-09-30,spot_check,80,张三\n",  # locked month
        encoding="utf-8",
    )
    code, output = run(capsys, path)
    assert code == 1 and output["created"] == 0
    assert sorted({e["line"] for e in output["errors"]}) == [3, 4, 5, 6, 7]
    assert not Evaluation.objects.exists()


def test_dry_run_writes_nothing(roster, capsys):
    code, output = run(capsys, SAMPLES / "evaluations.csv", "--dry-run")
    assert output["created"] > 0 and output["dry_run"] is True and not Evaluation.objects.exists()


def test_hr_upload_page_previews_then_imports(hr_client, roster):
    data = (SAMPLES / "evaluations.csv").read_bytes()
    response = hr_client.post("/assessments/evaluations/import/", {"file": SimpleUploadedFile("e.csv", data)})
    assert response.status_code == 200 and not Evaluation.objects.exists()
    hr_client.post("/assessments/evaluations/import/", {"token": response.context["pending"].token})
    assert Evaluation.objects.count() == len(data.decode().strip().splitlines()) - 1


def test_an_agent_cannot_open_the_upload_page(client):
    client.force_login(StaffFactory())
    assert client.get("/assessments/evaluations/import/").status_code == 403


def test_a_blank_or_unknown_evaluator_is_stored_as_given(tmp_path, capsys):
    StaffFactory(employee_no="E10001")
    path = tmp_path / "e.csv"
    path.write_text(
        "employee_no,date,kind,score,evaluator\nE10001,2026-10-05,role_play,88.5,\nE10001,2026-10-05,spot_check,70,外部质检 A\n",
        encoding="utf-8",
    )
    code, output = run(capsys, path)
    assert code == 0 and output["created"] == 2
    assert sorted(Evaluation.objects.values_list("evaluator", flat=True)) == ["", "外部质检 A"]

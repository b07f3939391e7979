import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from courses.models import TrainingRecord
from courses.selectors import credited_hours_by_staff, learning_results_by_staff
from courses.services import training_records_import
from portal.models import ImportRun
from portal.services import month_lock_set, staff_import

pytestmark = pytest.mark.django_db

SAMPLES = Path("/work/shared/samples")
OCTOBER = date(2026, 10, 1)


@pytest.fixture
def roster():
    result = staff_import(data=(SAMPLES / "staff.csv").read_bytes(), file_name="staff.csv")
    assert result.ok, result.errors


def totals():
    return (
        credited_hours_by_staff(month=OCTOBER, category="in_service"),
        learning_results_by_staff(month=OCTOBER, category="in_service"),
    )


def as_xlsx(csv_text: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in csv_text.splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_sample_file_imports_and_importing_it_again_changes_nothing(roster):
    data = (SAMPLES / "training.csv").read_bytes()
    first = training_records_import(data=data, file_name="training.csv")
    assert first.ok, first.errors
    rows = len(data.decode().strip().splitlines()) - 1
    assert first.counts == {"created": rows, "updated": 0, "unchanged": 0}
    before = totals()
    second = training_records_import(data=data, file_name="training.csv")
    assert second.counts == {"created": 0, "updated": 0, "unchanged": rows}
    assert totals() == before
    assert TrainingRecord.objects.count() == rows
    hours, results = before
    e1 = roster_id("E00001")
    assert hours[e1] == Decimal("4.00")
    assert sorted(results[e1]) == [Decimal("57.20"), Decimal("92.00")]
    # The last person's September and onboarding rows do not count for October's in-service hours.
    assert hours[roster_id("E00044")] == Decimal("4.00")


def roster_id(employee_no):
    from portal.models import User

    return User.objects.get(employee_no=employee_no).pk


def test_gb18030_and_xlsx_give_the_same_result_as_utf8(roster):
    text = (SAMPLES / "training.csv").read_text(encoding="utf-8")
    training_records_import(data=text.encode("utf-8"), file_name="t.csv")
    expected = sorted(
        TrainingRecord.objects.values_list("staff_id", "date", "category", "title", "hours", "score")
    )
    for data, name in ((text.encode("gb18030"), "t.csv"), (as_xlsx(text), "t.xlsx")):
        TrainingRecord.objects.all().delete()
        result = training_records_import(data=data, file_name=name)
        assert result.ok, result.errors
        got = sorted(
            TrainingRecord.objects.values_list("staff_id", "date", "category", "title", "hours", "score")
        )
        assert got == expected


def test_a_blank_score_on_reimport_keeps_the_stored_score_and_a_new_hours_value_updates(roster):
    header = "employee_no,date,category,title,hours,score\n"
    training_records_import(
        data=(header + "E00001,2026-10-05,in_service,笔试,0,88.5\n").encode(), file_name="a.csv"
    )
    result = training_records_import(
        data=(header + "E00001,2026-10-05,in_service,笔试,0,\n").encode(), file_name="a.csv"
    )
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 1}
    result = training_records_import(
        data=(header + "E00001,2026-10-05,in_service,笔试,1.5,\n").encode(), file_name="a.csv"
    )
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 0}
    record = TrainingRecord.objects.get()
    assert (record.hours, record.score) == (Decimal("1.50"), Decimal("88.50"))


def test_a_bad_file_is_refused_naming_every_line_and_nothing_is_written(roster):
    data = (
        "employee_no,date,category,title,hours,score\n"
        "E00001,2026-10-05,in_service,沟通,2,80\n"  # fine
        "E00001,2026-10-05,in_service,沟通,2,81\n"  # same key again
        "E00002,2026-10-05,in_service,沟通,1.234,\n"  # three decimals
        "E00003,2026-10-05,in_service,沟通,-1,\n"  # negative hours
        "E00004,2026-10-05,in_service,沟通,2,100.5\n"  # score above 100
        "E00005,2026-10-05,offsite,沟通,2,\n"  # not a category
        "NOBODY,2026-10-05,in_service,沟通,2,\n"  # unknown person
        "E00006,2026-02-30,in_service,沟通,2,\n"  # impossible date
    ).encode()
    result = training_records_import(data=data, file_name="bad.csv")
    assert not result.ok
    assert sorted({e.line for e in result.errors}) == [3, 4, 5, 6, 7, 8, 9]
    assert not TrainingRecord.objects.exists()
    assert not ImportRun.objects.filter(kind="training_records").exists()


def test_rows_in_a_locked_month_are_refused_with_their_line(roster):
    month_lock_set(month=OCTOBER, acting_user=None)
    data = (
        "employee_no,date,category,title,hours,score\nE00001,2026-11-02,in_service,沟通,2,\nE00001,2026-10-05,in_service,沟通,2,\n"
    ).encode()
    result = training_records_import(data=data, file_name="locked.csv")
    assert [e.line for e in result.errors] == [3]
    assert not TrainingRecord.objects.exists()


def test_the_command_prints_one_json_object_and_exits_1_on_refusal(roster, tmp_path, capsys):
    good = tmp_path / "training.csv"
    good.write_bytes((SAMPLES / "training.csv").read_bytes())
    call_command("import_training_records", str(good), "--json", "--dry-run")
    payload = json.loads(capsys.readouterr().out)
    assert payload["created"] == 89 and payload["errors"] == [] and payload["dry_run"] is True
    assert not TrainingRecord.objects.exists()
    call_command("import_training_records", str(good), "--json")
    call_command("import_training_records", str(good), "--json")
    payload = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (payload["created"], payload["updated"], payload["unchanged"]) == (0, 0, 89)
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_no,date,category,title,hours\nE00001,2026-10-05,in_service,x,1\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_training_records", str(bad), "--json")
    assert exit_info.value.code == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["created"] == 0 and payload["errors"][0]["line"] == 1


def test_the_hr_upload_page_previews_then_imports(roster, hr_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (SAMPLES / "training.csv").read_bytes()
    response = hr_client.post(
        "/courses/records/import/",
        {"file": SimpleUploadedFile("training.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()
    token = response.context["pending"].token
    response = hr_client.post("/courses/records/import/", {"token": token})
    assert response.status_code == 302
    assert TrainingRecord.objects.count() == 89


def test_an_agent_cannot_open_the_upload_page(client, org):
    client.force_login(org.agent_a1)
    assert client.get("/courses/records/import/").status_code == 403

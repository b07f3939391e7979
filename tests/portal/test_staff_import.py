import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from portal.models import AuditEvent, Department, ImportRun, Team, User
from portal.services import staff_import

HEADER = "employee_no,name,email,department,team,role,hire_date,onboarded_on"
ROLES = ["agent", "agent", "agent", "team_lead", "new_hire", "manager", "trainer", "hr"]
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"


def roster_rows(n=400):
    rows = []
    for i in range(1, n + 1):
        dept = "客户服务部" if i % 2 else "技术支持部"
        onboarded = "" if ROLES[i % len(ROLES)] == "new_hire" else "2025-02-01"
        rows.append(
            [
                f"{i:05d}",
                f"员工{i}号",
                f"p{i}@example.com",
                dept,
                f"{i % 6 + 1}组",
                ROLES[i % len(ROLES)],
                "2025-01-06",
                onboarded,
            ]
        )
    return rows


def as_csv(rows, encoding="utf-8", header=HEADER):
    text = "\r\n".join([header] + [",".join(r) for r in rows]) + "\r\n"
    return text.encode(encoding)


def as_xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for r in rows:
        ws.append(
            [
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                date.fromisoformat(r[6]),
                date.fromisoformat(r[7]) if r[7] else None,
            ]
        )
        ws.cell(row=ws.max_row, column=1).number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot():
    return sorted(
        User.objects.values_list(
            "employee_no",
            "name",
            "email",
            "department__name",
            "team__name",
            "role",
            "hire_date",
            "onboarded_on",
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "xlsx"])
def test_a_400_row_roster_imports_the_same_from_every_encoding_and_xlsx(encoding):
    rows = roster_rows()
    data = as_xlsx(rows) if encoding == "xlsx" else as_csv(rows, encoding)
    result = staff_import(data=data, file_name=f"roster.{'xlsx' if encoding == 'xlsx' else 'csv'}")
    assert result.errors == []
    assert result.counts == {"created": 400, "updated": 0, "unchanged": 0}
    assert User.objects.count() == 400
    person = User.objects.get(employee_no="00004")  # leading zeros stay: employee numbers are text
    assert (person.name, person.department.name, person.team.name, person.role) == (
        "员工4号",
        "技术支持部",
        "5组",
        "new_hire",
    )
    assert person.onboarded_on is None and person.hire_date == date(2025, 1, 6)
    assert not person.has_usable_password()
    assert Department.objects.count() == 2 and Team.objects.count() == 6
    assert person.groups.get() == Group.objects.get(name="role:new_hire")


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing():
    data = as_csv(roster_rows(50))
    staff_import(data=data, file_name="roster.csv")
    before = snapshot()
    again = staff_import(data=data, file_name="roster.csv")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 50}
    assert snapshot() == before


@pytest.mark.django_db
def test_one_bad_row_rejects_the_whole_file_naming_its_line_and_writes_nothing():
    rows = roster_rows(400)
    rows[199][5] = "boss"  # line 201 (header is line 1)
    result = staff_import(data=as_csv(rows), file_name="roster.csv")
    assert [e.line for e in result.errors] == [201]
    assert "role" in result.errors[0].message and "boss" in result.errors[0].message
    assert result.as_json()["created"] == 0
    assert User.objects.count() == 0 and Department.objects.count() == 0 and ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_just_the_first():
    rows = roster_rows(10)
    rows[1][6] = "2026-02-30"
    rows[4][0] = rows[3][0]  # duplicate employee number
    result = staff_import(data=as_csv(rows), file_name="roster.csv")
    assert [e.line for e in result.errors] == [3, 6]
    assert "hire_date" in result.errors[0].message
    assert "line 5" in result.errors[1].message or "5" in result.errors[1].message


@pytest.mark.django_db
def test_a_missing_column_rejects_the_file():
    header = HEADER.replace(",onboarded_on", "")
    rows = [r[:-1] for r in roster_rows(3)]
    result = staff_import(data=as_csv(rows, header=header), file_name="roster.csv")
    assert result.errors and "onboarded_on" in result.errors[0].message
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_an_email_that_belongs_to_someone_else_rejects_the_row():
    staff_import(data=as_csv(roster_rows(3)), file_name="roster.csv")
    rows = [["99999", "新人", "p1@example.com", "客户服务部", "1组", "agent", "2025-01-06", ""]]
    result = staff_import(data=as_csv(rows), file_name="roster.csv")
    assert [e.line for e in result.errors] == [2]
    assert "00001" in result.errors[0].message
    assert not User.objects.filter(employee_no="99999").exists()


@pytest.mark.django_db
def test_a_blank_onboarded_on_never_erases_a_recorded_completion():
    rows = roster_rows(3)
    rows[0][7] = "2025-03-01"
    staff_import(data=as_csv(rows), file_name="roster.csv")
    rows[0][7] = ""
    rows[0][1] = "改名了"
    result = staff_import(data=as_csv(rows), file_name="roster.csv")
    assert result.counts["updated"] == 1
    person = User.objects.get(employee_no=rows[0][0])
    assert person.name == "改名了" and person.onboarded_on == date(2025, 3, 1)


@pytest.mark.django_db
def test_a_role_change_by_import_moves_groups_and_is_audited():
    rows = roster_rows(2)
    staff_import(data=as_csv(rows), file_name="roster.csv")
    rows[0][5] = "team_lead"
    staff_import(data=as_csv(rows), file_name="roster.csv")
    person = User.objects.get(employee_no=rows[0][0])
    assert list(person.groups.values_list("name", flat=True)) == ["role:team_lead"]
    assert AuditEvent.objects.filter(action="staff.role_change", target_id=str(person.pk)).exists()


@pytest.mark.django_db
def test_the_dry_run_reports_counts_and_writes_nothing():
    result = staff_import(data=as_csv(roster_rows(5)), file_name="roster.csv", dry_run=True)
    assert result.counts["created"] == 5 and result.dry_run
    assert User.objects.count() == 0 and Department.objects.count() == 0


@pytest.mark.django_db
def test_the_command_prints_one_json_object_and_exits_1_when_refused(tmp_path, capsys):
    good = tmp_path / "roster.csv"
    good.write_bytes(as_csv(roster_rows(3), "gb18030"))
    call_command("import_staff", str(good), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {"created": 3, "updated": 0, "unchanged": 0, "errors": [], "dry_run": False}

    rows = roster_rows(3)
    rows[2][5] = "chief"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(as_csv(rows))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_staff", str(bad), "--json")
    assert exit_info.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 0 and out["updated"] == 0 and [e["line"] for e in out["errors"]] == [4]


@pytest.mark.django_db
@pytest.mark.skipif(not (SAMPLES / "staff.csv").exists(), reason="shared samples not present")
def test_the_sample_roster_with_bom_imports():
    result = staff_import(data=(SAMPLES / "staff.csv").read_bytes(), file_name="staff.csv")
    assert result.errors == []
    assert User.objects.filter(employee_no="E00001").get().name == "赵艳"

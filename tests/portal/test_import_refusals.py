"""Imports refuse what is not data, and the upload page says what an import will do in the user's words."""

import io
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.models import KpiRecord, MonthlyScore
from assessments.scoring.kpi_file import KPI_COLUMNS
from courses.models import TrainingRecord
from portal.models import AuditEvent, ImportRun, User
from tests.assessments.scoring_helpers import kpi_csv
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HEADERS = {
    "import_staff": "employee_no,name,email,department,team,role,hire_date,onboarded_on",
    "import_training_records": "employee_no,date,category,title,hours,score",
    "import_evaluations": "employee_no,date,kind,score,evaluator",
    "import_kpis": ",".join(KPI_COLUMNS),
}


def _counts():
    return (
        User.objects.count(),
        TrainingRecord.objects.count(),
        KpiRecord.objects.count(),
        MonthlyScore.objects.count(),
        ImportRun.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("command", sorted(HEADERS))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_file_with_a_header_and_no_data_rows_is_refused_by_every_import(command, encoding, tmp_path):
    StaffFactory(employee_no="A0001")
    path = tmp_path / "header-only.csv"
    path.write_bytes((HEADERS[command] + "\r\n\r\n").encode(encoding))
    before = _counts()
    out = io.StringIO()
    args = [command, str(path), "--json"] + (["--month", "2026-10"] if command == "import_kpis" else [])
    with pytest.raises(SystemExit) as exit_:
        call_command(*args, stdout=out, stderr=io.StringIO())
    assert exit_.value.code == 1
    answer = json.loads(out.getvalue())
    assert [error["message"] for error in answer["errors"]] == ["The file has no data rows."]
    assert _counts() == before


def _upload(client, data: bytes, *, replace: bool):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    upload = SimpleUploadedFile("kpis.csv", data, content_type="text/csv")
    form = {"file": upload, "month": "2026-10"} | ({"replace": "on"} if replace else {})
    return client.post(reverse("assessments:kpi-import"), form)


def _row(employee_no: str) -> str:
    return f"{employee_no},150,99,97,95,0.3,0"


def test_a_kpi_replacement_lists_who_loses_their_kpis_and_needs_an_explicit_yes(hr_client):
    people = [StaffFactory(employee_no=f"A000{i}", name=f"员工{i}") for i in range(1, 4)]
    preview = _upload(hr_client, kpi_csv(*[_row(p.employee_no) for p in people]), replace=False)
    assert KpiRecord.objects.count() == 0  # a preview writes nothing
    hr_client.post(reverse("assessments:kpi-import"), {"token": preview.context["pending"].token})
    assert KpiRecord.objects.count() == 3

    preview = _upload(hr_client, kpi_csv(_row("A0001")), replace=True)
    html = preview.content.decode()
    assert preview.context["result"].removals == ["A0002 员工2", "A0003 员工3"]
    assert "A0002 员工2" in html and "A0003 员工3" in html
    assert "replaced:" not in html and "imported:" not in html  # counts in words, not code words
    pending = preview.context["pending"].token
    refused = hr_client.post(reverse("assessments:kpi-import"), {"token": pending}, follow=True)
    assert KpiRecord.objects.count() == 3 and "勾选" in refused.content.decode()
    preview = _upload(hr_client, kpi_csv(_row("A0001")), replace=True)
    hr_client.post(
        reverse("assessments:kpi-import"), {"token": preview.context["pending"].token, "acknowledge": "yes"}
    )
    assert list(KpiRecord.objects.values_list("staff__employee_no", flat=True)) == ["A0001"]


def test_a_whole_file_error_says_so_instead_of_line_0(hr_client):
    response = _upload(hr_client, (",".join(KPI_COLUMNS) + "\r\n").encode(), replace=False)
    html = response.content.decode()
    assert "整个文件" in html and "<td>0</td>" not in html

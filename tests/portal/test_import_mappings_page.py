"""HR's column mappings page, and the upload page offering the saved mappings with a preview before writing."""

import pytest
from django.urls import reverse

from assessments.models import KpiRecord
from portal.models import AuditEvent, ImportMappingVersion
from portal.tabular.mapping import mapping_text, mapping_text_parse
from tests.assessments.call_centre_exports import AGENTS, CMS_MAPPING, cms_report
from tests.factories import StaffFactory

CMS_TEXT = mapping_text(CMS_MAPPING.columns, CMS_MAPPING.rates)


def test_the_mapping_text_reads_back_what_it_writes():
    columns, rates, problems = mapping_text_parse(CMS_TEXT + "\n# a comment\n\nbroken line")
    assert (columns, rates) == (CMS_MAPPING.columns, CMS_MAPPING.rates)
    assert len(problems) == 1 and "Line 10" in problems[0]


def test_hr_saves_versions_of_a_mapping_and_other_staff_may_not(hr_client, client, db):
    url = reverse("portal:import-mappings")
    response = hr_client.post(url, {"name": "Avaya CMS", "kind": "kpis", "text": CMS_TEXT})
    assert response.status_code == 302
    hr_client.post(url, {"name": "Avaya CMS", "kind": "kpis", "text": CMS_TEXT})
    assert list(ImportMappingVersion.objects.values_list("number", flat=True)) == [2, 1]
    assert AuditEvent.objects.filter(action="import_mapping.save").count() == 2
    page = hr_client.get(url + "?name=Avaya%20CMS")
    assert "Answered In Service Level" in page.content.decode()
    refused = hr_client.post(url, {"name": "x", "kind": "kpis", "text": "Login ID = nonsense"})
    assert refused.status_code == 200 and "nonsense" in refused.content.decode()
    agent = StaffFactory(role="agent")
    client.force_login(agent)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("kind", ["xlsx"])
def test_the_upload_page_previews_a_mapped_export_before_writing(hr_client, kind, db):
    for agent in AGENTS:
        StaffFactory(employee_no=agent.employee_no)
    hr_client.post(reverse("portal:import-mappings"), {"name": "Avaya CMS", "kind": "kpis", "text": CMS_TEXT})
    url = reverse("assessments:kpi-import")
    assert "Avaya CMS" in hr_client.get(url).content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(f"cms.{kind}", cms_report(kind))
    preview = hr_client.post(url, {"file": upload, "month": "2026-10", "mapping": "Avaya CMS"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "A0003" in body and "Total" in body
    assert KpiRecord.objects.count() == 0
    token = preview.context["pending"].token
    hr_client.post(url, {"token": token})
    assert KpiRecord.objects.count() == len(AGENTS)


def test_the_roster_command_reads_through_a_saved_mapping_and_records_it(hr_user, tmp_path, capsys):
    from django.core.management import call_command

    from portal.models import ImportRun, User
    from portal.services import import_mapping_save

    version = import_mapping_save(
        name="钉钉通讯录",
        kind="staff",
        columns={"成员编号": "employee_no", "职位": "role"},
        rates={},
        acting_user=hr_user,
    )
    path = tmp_path / "通讯录.csv"
    path.write_bytes(
        "成员编号,姓名,邮箱,部门,班组,职位,入职日期,入职培训完成日期\nB0001,赵六,,客服部,一组,坐席,2026/09/01,\n".encode(
            "gb18030"
        )
    )
    call_command("import_staff", str(path), "--mapping", "钉钉通讯录", "--json")
    assert User.objects.get(employee_no="B0001").role == "agent"
    assert ImportRun.objects.get(kind="staff").mapping_version == version

"""Agent reports shaped like two call-centre systems' exports, written in code from one month of agent counts.

- `vendor_report`: a Chinese vendor's 坐席绩效报表 (modelled on the agent reports that 天润融通 and 容联七陌
  document: 坐席姓名, 工号, 技能组, then per-agent figures as percentages with a % sign), with a report title in
  merged cells and a period line above the header, Chinese column names with units in brackets, counts with
  thousands separators and a 合计 row at the bottom.
- `cms_report`: an Avaya CMS agent report (Agent Name, Login ID, ACD Calls, ... counts only, no rates), with
  a title row and a Total row, read through a saved mapping that derives the rates from the counts.

Both are given as GB18030 CSV (what Chinese Excel saves as "CSV") and as XLSX, and hold exactly the values of
`canonical_csv`.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook

from assessments.scoring.kpi_file import KPI_COLUMNS
from portal.tabular.mapping import ColumnMapping, derived_rate


@dataclass(frozen=True)
class AgentMonth:
    employee_no: str
    name: str
    calls: int
    timely: int
    resolved: int
    surveys: int
    satisfied: int
    complaints: int
    major: int

    def rates(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (
            derived_rate(Decimal(self.timely), Decimal(self.calls)),
            derived_rate(Decimal(self.resolved), Decimal(self.calls)),
            derived_rate(Decimal(self.satisfied), Decimal(self.surveys)),
            derived_rate(Decimal(self.complaints), Decimal(self.calls)),
        )


AGENTS = (
    AgentMonth("A0001", "张伟", 1234, 1216, 1176, 400, 366, 6, 0),
    AgentMonth("A0002", "李娜", 820, 817, 813, 310, 305, 1, 1),
    AgentMonth("A0003", "王芳", 2047, 2003, 1950, 512, 470, 9, 0),
)

CMS_MAPPING = ColumnMapping(
    name="Avaya CMS agent report",
    columns={
        "Login ID": "employee_no",
        "ACD Calls": "contacts_handled",
        "Major Complaints": "major_complaints",
    },
    rates={
        "response_timeliness_rate": ("Answered In Service Level", "ACD Calls"),
        "resolution_rate": ("Resolved Calls", "ACD Calls"),
        "satisfaction_rate": ("Satisfied Surveys", "Surveys"),
        "complaint_rate": ("Complaints", "ACD Calls"),
    },
)


def canonical_csv() -> bytes:
    lines = [",".join(KPI_COLUMNS)]
    for agent in AGENTS:
        lines.append(
            ",".join([agent.employee_no, str(agent.calls), *map(str, agent.rates()), str(agent.major)])
        )
    return ("\n".join(lines) + "\n").encode()


def _vendor_rows() -> tuple[list[list], list[list]]:
    above = [["2026年10月坐席绩效报表"], ["统计周期：2026-10-01 至 2026-10-31", "", "导出人：admin"]]
    header = [
        "序号",
        "坐席姓名",
        "工号",
        "技能组",
        "接待量（次）",
        "响应及时率(%)",
        "问题解决率(%)",
        "客户满意度(%)",
        "投诉率(%)",
        "一级重大投诉",
    ]
    rows = [header]
    for index, agent in enumerate(AGENTS, start=1):
        rates = [f"{rate.normalize():f}%" for rate in agent.rates()]
        rows.append(
            [
                str(index),
                agent.name,
                agent.employee_no,
                "售后热线",
                f"{agent.calls:,}",
                *rates,
                str(agent.major),
            ]
        )
    total_calls = sum(agent.calls for agent in AGENTS)
    rows.append(["合计", "", "", "", f"{total_calls:,}", "", "", "", "", str(sum(a.major for a in AGENTS))])
    return above, rows


def _cms_rows() -> tuple[list[list], list[list]]:
    above = [["Agent Report: Split/Skill 1 (Hotline), October 2026"]]
    header = [
        "Agent Name",
        "Login ID",
        "ACD Calls",
        "Avg ACD Time",
        "Avg ACW Time",
        "Answered In Service Level",
        "Resolved Calls",
        "Surveys",
        "Satisfied Surveys",
        "Complaints",
        "Major Complaints",
    ]
    rows = [header]
    for agent in AGENTS:
        rows.append(
            [
                agent.name,
                agent.employee_no,
                agent.calls,
                "3:41",
                "0:38",
                agent.timely,
                agent.resolved,
                agent.surveys,
                agent.satisfied,
                agent.complaints,
                agent.major,
            ]
        )
    rows.append(["Total", "", sum(a.calls for a in AGENTS), "3:40", "0:37", "", "", "", "", "", ""])
    return above, rows


def _csv(above: list[list], rows: list[list]) -> bytes:
    width = len(rows[0])
    lines = [",".join(str(cell) for cell in (row + [""] * (width - len(row)))) for row in above]
    lines += [",".join(f'"{cell}"' if "," in str(cell) else str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def _xlsx(above: list[list], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    width = len(rows[0])
    for row in above:
        sheet.append(row)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for row in rows:
        sheet.append([_number(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(cell):
    """Counts as Excel stores them (numbers), text ("98.5%", "1,234") as typed."""
    return int(cell) if isinstance(cell, str) and cell.isdigit() else cell


def vendor_report(kind: str) -> bytes:
    above, rows = _vendor_rows()
    return _csv(above, rows) if kind == "csv" else _xlsx(above, rows)


def cms_report(kind: str) -> bytes:
    above, rows = _cms_rows()
    return _csv(above, rows) if kind == "csv" else _xlsx(above, rows)

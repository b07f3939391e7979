"""Reading import files, parsing their cells and writing exports (portal.tabular): pure, no database."""

from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=False)

import csv
import gc
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal.months import parse_month
from portal.tabular import reading
from portal.tabular.errors import WHOLE_FILE, FieldError, ImportFileError, RowError
from portal.tabular.export import csv_bytes, neutralise_cell, xlsx_bytes
from portal.tabular.fields import (
    parse_choice,
    parse_date,
    parse_decimal,
    parse_employee_no,
    parse_int,
    parse_text,
)
from portal.tabular.reading import READ_CHUNK, decode_csv_bytes, open_table, read_table
from tests.conftest import file_read_in_pieces

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample directory {SAMPLES} is absent")
STAFF_COLUMNS = ["employee_no", "name", "email", "department", "team", "role", "hire_date", "onboarded_on"]
FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]


@pytest.fixture(autouse=True)
def english_messages():
    """The assertions below read the English messages, whatever language the project settings choose."""
    with translation.override("en"):
        yield


def make_xlsx(rows, *, text_columns=(), date_columns=()) -> bytes:
    """A workbook like one a user saves from Excel: given columns as text cells, others as real date cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            if row_number > 1 and column_number - 1 in date_columns and value:
                value = date.fromisoformat(value)
            cell = sheet.cell(row=row_number, column=column_number, value=value if value != "" else None)
            if column_number - 1 in text_columns:
                cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same zip with one member's content replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member, source.read(member))
        target.writestr(name, content)
    return buffer.getvalue()


def csv_text(*lines: str, end: str = "\r\n") -> bytes:
    return (end.join(lines) + end).encode()


def staff_rows() -> list[list[str]]:
    """The sample roster, plus a person whose employee number only survives as text."""
    text = (SAMPLES / "staff.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows.append(["00123", "郑晓", "", "客户服务部", "2组", "agent", "2026-03-02", ""])
    return rows


def encode_rows(rows, encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


# --- read_table: the same rows whatever the encoding or format --------------------------------------------------


@needs_samples
def test_sample_roster_reads_the_same_from_utf8_bom_utf8_gb18030_and_xlsx():
    rows = staff_rows()
    files = {
        "utf-8": ("staff.csv", encode_rows(rows, "utf-8")),
        "utf-8-sig": ("staff.csv", encode_rows(rows, "utf-8-sig")),
        "gb18030": ("staff.csv", encode_rows(rows, "gb18030")),
        "xlsx": ("staff.xlsx", make_xlsx(rows, text_columns=(0,), date_columns=(6, 7))),
    }
    assert encode_rows(rows[:-1], "utf-8-sig") == (SAMPLES / "staff.csv").read_bytes()
    tables = {
        name: read_table(data, filename, required=STAFF_COLUMNS[:6], optional=STAFF_COLUMNS[6:])
        for name, (filename, data) in files.items()
    }
    expected = [
        (line, dict(zip(STAFF_COLUMNS, row, strict=True))) for line, row in enumerate(rows[1:], start=2)
    ]
    for name, table in tables.items():
        assert table.errors == [], name
        assert table.columns == STAFF_COLUMNS, name
        assert table.rows == expected, name
    assert tables["xlsx"].rows[-1][1]["employee_no"] == "00123"
    assert tables["xlsx"].rows[-1][1]["hire_date"] == "2026-03-02"


@needs_samples
def test_every_sample_file_reads_without_errors():
    for path in SAMPLES.glob("*.csv"):
        header = decode_csv_bytes(path.read_bytes()).splitlines()[0].split(",")
        table = read_table(path.read_bytes(), path.name, required=header)
        assert table.errors == [], path.name
        assert len(table.rows) == len(path.read_bytes().splitlines()) - 1


def test_extension_is_case_insensitive():
    rows = [["employee_no"], ["E1"]]
    assert read_table(encode_rows(rows, "utf-8"), "X.CSV", required=["employee_no"]).rows == [
        (2, {"employee_no": "E1"})
    ]
    assert read_table(make_xlsx(rows), "X.XLSX", required=["employee_no"]).rows == [
        (2, {"employee_no": "E1"})
    ]


def test_employee_number_00123_stays_text_in_csv_and_xlsx():
    rows = [["employee_no", "name"], ["00123", "甲"], [" 000 ", "乙"]]
    for filename, data in [
        ("a.csv", encode_rows(rows, "utf-8")),
        ("a.xlsx", make_xlsx(rows, text_columns=(0,))),
    ]:
        table = read_table(data, filename, required=["employee_no"])
        assert [cells["employee_no"] for _line, cells in table.rows] == ["00123", "000"], filename
        assert parse_employee_no(table.rows[0][1]["employee_no"]) == "00123"


# --- read_table: line numbers ------------------------------------------------------------------------------------


def test_line_numbers_count_the_physical_lines_of_a_quoted_newline():
    data = csv_text("employee_no,title", 'E1,"two', 'lines"', "E2,plain", 'E3,"a', "", 'c"', "E4,end")
    table = read_table(data, "t.csv", required=["employee_no", "title"])
    assert [(line, cells["employee_no"]) for line, cells in table.rows] == [
        (2, "E1"),
        (4, "E2"),
        (5, "E3"),
        (8, "E4"),
    ]
    assert table.rows[0][1]["title"] == "two\r\nlines"
    assert table.rows[2][1]["title"] == "a\r\n\r\nc"


def test_crlf_lf_and_lone_cr_line_ends_mix():
    data = b"employee_no,score\r\nE1,1\nE2,2\r\n\nE3,3\rE4,4"
    table = read_table(data, "mix.csv", required=["employee_no", "score"])
    assert table.errors == []
    assert [(line, cells["employee_no"], cells["score"]) for line, cells in table.rows] == [
        (2, "E1", "1"),
        (3, "E2", "2"),
        (5, "E3", "3"),
        (6, "E4", "4"),
    ]


def test_blank_rows_are_skipped_and_later_lines_keep_their_numbers():
    data = csv_text("employee_no,name,note", "E1,甲,", ",,", "", "  ,\u3000,  ", "E2,乙,", ",,only a note")
    table = read_table(data, "b.csv", required=["employee_no", "name"])
    assert [(line, cells["employee_no"]) for line, cells in table.rows] == [(2, "E1"), (6, "E2"), (7, "")]


def test_xlsx_lines_are_sheet_row_numbers_and_blank_rows_are_skipped():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["employee_no", "score"])
    sheet.append(["E1", 90])
    sheet.append([None, None])
    sheet.cell(row=6, column=1, value="E2")
    sheet.cell(row=6, column=2, value=80)
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "s.xlsx", required=["employee_no", "score"])
    assert table.rows == [
        (2, {"employee_no": "E1", "score": "90"}),
        (6, {"employee_no": "E2", "score": "80"}),
    ]


def test_xlsx_with_an_understated_dimension_is_still_read_to_the_end():
    data = make_xlsx([["employee_no"], ["E1"], ["E2"], ["E3"]])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet_xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', sheet_xml)
    table = read_table(
        replace_member(data, "xl/worksheets/sheet1.xml", sheet_xml), "d.xlsx", required=["employee_no"]
    )
    assert [cells["employee_no"] for _line, cells in table.rows] == ["E1", "E2", "E3"]


def test_xlsx_cells_read_as_the_user_sees_them():
    header = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]
    values = [
        95.5,
        100.0,
        1.23e17,
        123,
        0.1 + 0.2,
        True,
        datetime(2026, 10, 1),
        datetime(2026, 10, 1, 8, 30, 5),
        "00123",
        None,
        -0.0,
    ]
    table = read_table(make_xlsx([header, values]), "v.xlsx", required=header)
    assert table.rows[0][1] == {
        "a": "95.5",
        "b": "100",
        "c": "123000000000000000",
        "d": "123",
        "e": "0.3",
        "f": "TRUE",
        "g": "2026-10-01",
        "h": "2026-10-01 08:30:05",
        "i": "00123",
        "j": "",
        "k": "0",
    }


def test_cell_text_writes_small_and_decimal_values_without_exponent():
    assert reading.cell_text(1e-05) == "0.00001"
    assert reading.cell_text(Decimal("1E+2")) == "100"
    assert reading.cell_text(False) == "FALSE"
    assert reading.cell_text(date(2026, 2, 28)) == "2026-02-28"


# --- read_table: headers ---------------------------------------------------------------------------------------


def test_missing_columns_are_all_named_on_line_1():
    table = read_table(
        csv_text("employee_no,name", "E1,甲"), "m.csv", required=["employee_no", "date", "score"]
    )
    assert table.rows == []
    assert [(error.line, error.column) for error in table.errors] == [(1, "date"), (1, "score")]
    assert all("column" in error.message for error in table.errors)


def test_a_requested_column_twice_in_the_header_refuses_the_file():
    table = read_table(
        csv_text("employee_no,score,Score", "E1,1,2"), "d.csv", required=["employee_no", "score"]
    )
    assert table.rows == []
    assert table.errors == [
        RowError(line=1, column="score", message="The column score appears more than once in the header.")
    ]


def test_repeated_columns_that_are_not_read_are_ignored():
    table = read_table(csv_text("employee_no,备注,备注,,", "E1,a,b,,"), "d.csv", required=["employee_no"])
    assert table.errors == []
    assert table.rows == [(2, {"employee_no": "E1"})]


def test_full_width_and_padded_header_names_are_normalised():
    header = "\ufeff\u3000ＥＭＰＬＯＹＥＥ＿ＮＯ\u3000, Score ,\u200bｈｏｕｒｓ２"
    table = read_table(csv_text(header, "E1,95,2"), "f.csv", required=["employee_no", "score", "hours2"])
    assert table.errors == []
    assert table.columns == ["employee_no", "score", "hours2"]
    assert table.rows == [(2, {"employee_no": "E1", "score": "95", "hours2": "2"})]


def test_extra_columns_are_ignored_and_absent_optional_columns_are_blank():
    table = read_table(
        csv_text("x,employee_no,y,name,z", "1,E1,2,甲,3", "4,E2,5"),
        "e.csv",
        required=["employee_no"],
        optional=["name", "email"],
    )
    assert table.columns == ["x", "employee_no", "y", "name", "z"]
    assert table.rows == [
        (2, {"employee_no": "E1", "name": "甲", "email": ""}),
        (3, {"employee_no": "E2", "name": "", "email": ""}),
    ]


def test_a_header_only_file_has_no_rows_and_no_errors():
    table = read_table(csv_text("employee_no"), "h.csv", required=["employee_no"])
    assert (table.rows, table.errors) == ([], [])


# --- read_table: refusals ----------------------------------------------------------------------------------------


def only_error(table) -> RowError:
    assert table.rows == []
    assert len(table.errors) == 1
    return table.errors[0]


@pytest.mark.parametrize("filename", ["staff.txt", "staff.xls", "staff", "staff.csv.exe"])
def test_other_extensions_are_refused(filename):
    assert (
        only_error(read_table(csv_text("employee_no", "E1"), filename, required=["employee_no"])).line
        == WHOLE_FILE
    )


def test_a_png_renamed_xlsx_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    error = only_error(read_table(png, "photo.xlsx", required=["employee_no"]))
    assert error.message == "This file is not an XLSX workbook."


def test_a_csv_renamed_xlsx_and_an_xlsx_renamed_csv_are_refused():
    assert only_error(read_table(csv_text("employee_no"), "a.xlsx", required=["employee_no"]))
    error = only_error(read_table(make_xlsx([["employee_no"]]), "a.csv", required=["employee_no"]))
    assert ".xlsx" in error.message


def test_a_csv_containing_nul_is_refused():
    error = only_error(read_table(b"employee_no\r\nE\x001\r\n", "n.csv", required=["employee_no"]))
    assert "NUL" in error.message


def test_utf16_text_gets_a_hint_to_save_as_utf8():
    data = "employee_no\r\nE1\r\n".encode("utf-16")
    assert "UTF-16" in only_error(read_table(data, "u.csv", required=["employee_no"])).message


def test_an_empty_file_is_refused():
    assert only_error(read_table(b"\xef\xbb\xbf \r\n", "e.csv", required=["employee_no"])).line == WHOLE_FILE


def test_undecodable_bytes_are_reported_on_their_line():
    data = b"employee_no,name\r\nE1,a\r\nE2,\xff\r\n"
    error = only_error(read_table(data, "x.csv", required=["employee_no"]))
    assert error.line == 3
    with pytest.raises(ImportFileError) as raised:
        decode_csv_bytes(data)
    assert raised.value.errors[0].line == 3


def test_a_corrupt_byte_in_a_gb18030_file_is_reported_on_its_own_line():
    data = "employee_no,name\r\nE1,张三\r\nE2,李四\r\nE3,王五\r\n".encode("gb18030") + b"E4,\x80\r\n"
    assert only_error(read_table(data, "g.csv", required=["employee_no"])).line == 5


def test_a_utf8_bom_file_must_be_utf8_throughout():
    data = b"\xef\xbb\xbfemployee_no,name\r\nE1," + "张".encode("gb18030") + b"\r\n"
    assert only_error(read_table(data, "b.csv", required=["employee_no"])).line == 2


def test_decoding_tries_bom_then_utf8_then_gb18030():
    assert decode_csv_bytes("\ufeff张".encode()) == "张"
    assert decode_csv_bytes("张".encode()) == "张"
    assert decode_csv_bytes("张".encode("gb18030")) == "张"
    assert decode_csv_bytes("\ufeff张".encode("gb18030")) == "张"


def test_an_unclosed_quote_is_reported_where_it_starts():
    data = csv_text("employee_no,title", "E1,ok", 'E2,"never closed', "E3,x")
    error = only_error(read_table(data, "q.csv", required=["employee_no"]))
    assert error.line == 3
    assert "never closed" in error.message


def test_too_many_rows_are_refused_but_blank_rows_do_not_count():
    data = csv_text("employee_no", "E1", "", "E2", ",")
    assert len(read_table(data, "r.csv", required=["employee_no"], max_rows=2).rows) == 2
    data = csv_text("employee_no", "E1", "E2", "E3")
    assert (
        "more than 2 rows"
        in only_error(read_table(data, "r.csv", required=["employee_no"], max_rows=2)).message
    )
    xlsx = make_xlsx([["employee_no"], ["E1"], ["E2"], ["E3"]])
    assert (
        "more than 2 rows"
        in only_error(read_table(xlsx, "r.xlsx", required=["employee_no"], max_rows=2)).message
    )


def test_a_file_over_the_size_limit_is_refused_unread():
    data = csv_text("employee_no", "E1")
    assert (
        "larger than"
        in only_error(read_table(data, "big.csv", required=["employee_no"], max_bytes=10)).message
    )
    assert only_error(read_table(make_xlsx([["employee_no"]]), "big.xlsx", required=["x"], max_bytes=100))


def test_a_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (20 * 1024 * 1024) + b"</worksheet>"
        )
    assert len(buffer.getvalue()) < 100_000
    error = only_error(read_table(buffer.getvalue(), "bomb.xlsx", required=["employee_no"]))
    assert "implausible size" in error.message


def test_a_workbook_expanding_past_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_UNCOMPRESSED", 1000)
    data = make_xlsx([["employee_no"], ["E1"]])
    assert "expands to more than" in only_error(read_table(data, "t.xlsx", required=["employee_no"])).message


def test_a_workbook_with_too_many_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(1001):
            archive.writestr(f"xl/media/{number}.xml", b"<a/>")
    assert "too many parts" in only_error(read_table(buffer.getvalue(), "p.xlsx", required=["x"])).message


@pytest.mark.parametrize(
    "name", ["../evil", "xl/../../evil.xml", "/etc/evil.xml", "C:/evil.xml", "xl\\..\\evil"]
)
def test_a_zip_member_escaping_the_archive_is_refused(name):
    data = replace_member(make_xlsx([["employee_no"], ["E1"]]), name, b"<a/>")
    assert only_error(read_table(data, "evil.xlsx", required=["employee_no"])).line == WHOLE_FILE


SHEET_WITH_ENTITY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>employee_no</t></is></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(
    "sheet_xml",
    [
        SHEET_WITH_ENTITY,
        SHEET_WITH_ENTITY.replace(b"?>\n", b"?><!--" + b"x" * 5000 + b"-->", 1),
        SHEET_WITH_ENTITY.replace(b"?>\n", b"?>" + b" " * 5000, 1),
        SHEET_WITH_ENTITY.replace(b"?>\n", b"?>\n<!-- <a> -->", 1),
        SHEET_WITH_ENTITY.decode().encode("utf-16"),
        SHEET_WITH_ENTITY.replace(b"<!DOCTYPE", b"<!doctype"),
        b'<?xml version="1.0" encoding="cp500"?>' + "<!DOCTYPE w><w/>".encode("cp500"),
        b"<?xml version='1.0'?>" + b" " * 5000 + b"<worksheet/>",
    ],
    ids=[
        "plain",
        "after-long-comment",
        "after-long-space",
        "after-fake-tag",
        "utf-16",
        "lower-case",
        "ebcdic",
        "prolog-too-long",
    ],
)
def test_xml_that_could_declare_entities_is_refused(sheet_xml):
    data = replace_member(make_xlsx([["employee_no"], ["E1"]]), "xl/worksheets/sheet1.xml", sheet_xml)
    error = only_error(read_table(data, "xxe.xlsx", required=["employee_no"]))
    assert "not allowed" in error.message


def test_xml_prologs_that_excel_writes_are_accepted():
    safe = reading._xml_head_is_safe
    assert safe(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="x"/>')
    assert safe(b"\xef\xbb\xbf<?xml version='1.0'?><!-- made by hand --><x:worksheet/>")
    assert safe(b"<Types/>")
    assert safe(b"\x89PNG\r\n\x1a\n")
    assert safe(b"")


def test_a_broken_workbook_is_refused_not_crashed():
    data = make_xlsx([["employee_no"], ["E1"]])
    broken = replace_member(data, "xl/workbook.xml", b"<workbook><not closed")
    assert only_error(read_table(broken, "b.xlsx", required=["employee_no"])).line == WHOLE_FILE
    truncated = data[: len(data) // 2]
    assert only_error(read_table(truncated, "t.xlsx", required=["employee_no"])).line == WHOLE_FILE


def test_row_errors_and_import_file_errors_serialise_for_json():
    assert RowError(line=3, message="m").as_dict() == {"line": 3, "message": "m"}
    assert RowError(line=3, message="m", column="score").as_dict() == {
        "line": 3,
        "message": "m",
        "column": "score",
    }
    exc = ImportFileError([RowError(line=0, message="a"), RowError(line=2, message="b")])
    assert str(exc) == "a; b"
    assert FieldError("bad", "score").row_error(7) == RowError(line=7, message="bad", column="score")


# --- Field parsers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("95", Decimal("95.00")),
        ("95.5", Decimal("95.50")),
        ("95.50", Decimal("95.50")),
        (" 95.5 ", Decimal("95.50")),
        ("95.500", Decimal("95.50")),
        ("0", Decimal("0.00")),
        ("-0.00", Decimal("0.00")),
        (".5", Decimal("0.50")),
        ("+7", Decimal("7.00")),
        ("１００", Decimal("100.00")),
        ("９５．５", Decimal("95.50")),
        ("007.1", Decimal("7.10")),
    ],
)
def test_decimals_in_plain_notation_are_accepted(text, expected):
    value = parse_decimal(text, column="score", min_value=Decimal(0), max_value=Decimal(100))
    assert value == expected
    assert str(value) == str(expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("95%", "write 95, not 95%"),
        ("95.5％", "write 95.5, not 95.5%"),
        ("NaN", "is not a number"),
        ("nan", "is not a number"),
        ("Infinity", "is not a number"),
        ("1.23E+17", "scientific notation"),
        ("1e5", "scientific notation"),
        ("95.555", "more than 2 decimal places"),
        ("-1", "below the minimum 0"),
        ("100.01", "above the maximum 100"),
        ("1,000", "thousands separator"),
        ("1_000", "is not a number"),
        ("95.", "is not a number"),
        ("-", "is not a number"),
        ("١٢", "is not a number"),
        ("²", "is not a number"),
        ("9 5", "is not a number"),
        ("abc", "is not a number"),
    ],
)
def test_decimals_that_are_not_plain_numbers_in_range_are_errors_naming_the_column(text, fragment):
    with pytest.raises(FieldError) as raised:
        parse_decimal(text, column="score", min_value=Decimal(0), max_value=Decimal(100))
    assert fragment in str(raised.value)
    assert str(raised.value).startswith("score: ")
    assert raised.value.column == "score"


def test_decimal_places_and_blanks_follow_the_arguments():
    assert parse_decimal("", column="hours", allow_blank=True) is None
    assert parse_decimal(" \u3000", column="hours", allow_blank=True) is None
    with pytest.raises(FieldError, match="hours is required"):
        parse_decimal("", column="hours")
    assert parse_decimal("1.5", column="x", places=1) == Decimal("1.5")
    assert str(parse_decimal("12", column="x", places=0)) == "12"
    with pytest.raises(FieldError):
        parse_decimal("1.5", column="x", places=0)
    assert parse_decimal("9" * 40, column="x") == Decimal("9" * 40)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_any_two_place_decimal_round_trips_through_its_text(value):
    assert parse_decimal(str(value), column="x") == value


@pytest.mark.parametrize(
    ("text", "expected"), [("12", 12), ("12.0", 12), ("12.00", 12), ("１２", 12), ("0", 0)]
)
def test_whole_numbers_accept_a_zero_fraction(text, expected):
    assert parse_int(text, column="contacts", min_value=0) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("12.5", "not a whole number"),
        ("-1", "below the minimum 0"),
        ("1,000", "thousands"),
        ("1e3", "scientific"),
        ("12%", "write 12"),
    ],
)
def test_whole_numbers_reject_fractions_and_notation(text, fragment):
    with pytest.raises(FieldError, match=fragment):
        parse_int(text, column="contacts", min_value=0, max_value=500)
    assert parse_int("", column="contacts", allow_blank=True) is None


def test_dates_are_yyyy_mm_dd_and_real():
    assert parse_date("2026-10-01", column="date") == date(2026, 10, 1)
    assert parse_date("２０２６－１０－０１", column="date") == date(2026, 10, 1)
    assert parse_date("", column="date", allow_blank=True) is None
    with pytest.raises(FieldError, match="not a real date"):
        parse_date("2026-02-30", column="date")
    # 2026/10/01 and 2026-10-1 are dates as people write them (see test_dates_as_people_write_them).
    for text in ["20261001", "01-10-2026", "2026-10-01 08:00:00", "2026-W40", "2026/10-01", "10/01/2026"]:
        with pytest.raises(FieldError, match="write YYYY-MM-DD"):
            parse_date(text, column="date")


def test_choices_match_ignoring_case_and_return_the_canonical_spelling():
    choices = ["agent", "team_lead"]
    assert parse_choice("agent", column="role", choices=choices) == "agent"
    assert parse_choice(" Team_Lead ", column="role", choices=choices) == "team_lead"
    assert parse_choice("ａｇｅｎｔ", column="role", choices=choices) == "agent"
    assert parse_choice("", column="role", choices=choices, allow_blank=True) is None
    with pytest.raises(FieldError, match="not one of: agent, team_lead"):
        parse_choice("boss", column="role", choices=choices)


def test_free_text_is_kept_as_given_within_its_length():
    assert (
        parse_text(" <script>alert(1)</script> ", column="title", max_length=100)
        == "<script>alert(1)</script>"
    )
    assert parse_text("𠀀" * 3, column="title", max_length=3) == "𠀀𠀀𠀀"
    with pytest.raises(FieldError, match="longer than 3"):
        parse_text("abcd", column="title", max_length=3)
    with pytest.raises(FieldError, match="title is required"):
        parse_text("  ", column="title", max_length=3)


def test_employee_numbers_stay_text_and_must_be_visible():
    assert parse_employee_no(" 00123 ") == "00123"
    assert parse_employee_no("Ｅ００１２３") == "E00123"
    for text in ["", "   ", "E" * 33, "E\x0701", "E\u202e01", "E\u200b01", "E\t01"]:
        with pytest.raises(FieldError) as raised:
            parse_employee_no(text)
        assert raised.value.column == "employee_no"
    with pytest.raises(FieldError, match="^staff_no "):
        parse_employee_no("", column="staff_no")


# --- Exports -----------------------------------------------------------------------------------------------------


def test_neutralise_cell_prefixes_formula_starts_and_leaves_other_values():
    for prefix in FORMULA_PREFIXES:
        assert neutralise_cell(prefix + "1+1") == "'" + prefix + "1+1"
    for value in ["safe", "", " =1", "'quoted", Decimal("-5"), -5, None, date(2026, 1, 1)]:
        assert neutralise_cell(value) == value


def test_csv_export_is_utf8_bom_crlf_with_formulas_neutralised():
    payloads = [prefix + 'HYPERLINK("http://x")' for prefix in FORMULA_PREFIXES]
    data = csv_bytes(
        ["employee_no", "=name", "amount", "on", "note"],
        [
            ["00123", "张三", Decimal("87.25"), date(2026, 10, 1), None],
            ["E2", "李四", Decimal("1E+2"), datetime(2026, 10, 1, 8, 30), True],
            *[["E3", payload, 1, None, payload] for payload in payloads],
        ],
    )
    assert data.startswith(b"\xef\xbb\xbfemployee_no,'=name,amount,on,note\r\n")
    assert "00123,张三,87.25,2026-10-01,\r\n".encode() in data
    assert b"E2,\xe6\x9d\x8e\xe5\x9b\x9b,100,2026-10-01 08:30:00,TRUE\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    for row, payload in zip(rows[3:], payloads, strict=True):
        assert row[1] == row[4] == "'" + payload


def test_xlsx_export_keeps_text_neutralises_formulas_and_writes_decimals_as_numbers():
    payloads = [prefix + "SUM(A1:A2)" for prefix in FORMULA_PREFIXES]
    data = xlsx_bytes(
        ["employee_no", "name", "amount", "on"],
        [
            ["00123", "张三\x01", Decimal("87.25"), date(2026, 10, 1)],
            *[["E3", payload, 5, None] for payload in payloads],
        ],
        sheet_title="积分/2026:10",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "积分_2026_10"
    first = sheet[2]
    assert (first[0].value, first[0].data_type) == ("00123", "s")
    assert first[1].value == "张三"
    assert (first[2].value, first[2].data_type, first[2].number_format) == (87.25, "n", "0.00")
    assert first[3].value == datetime(2026, 10, 1)
    assert first[3].number_format == "yyyy-mm-dd"
    for row, payload in zip(sheet.iter_rows(min_row=3), payloads, strict=True):
        assert row[1].data_type == "s"
        # A bare CR survives as CR when openpyxl writes with lxml (which it uses when installed, as pyHanko
        # installs it) and becomes LF otherwise; what matters is the leading quote.
        assert row[1].value.replace("\r", "\n") == "'" + payload.replace("\r", "\n")


# --- Property: what csv writes, read_table reads back ------------------------------------------------------------

# NUL is left out because a CSV containing NUL is refused as binary by design; surrogates because they cannot be
# encoded as UTF-8 at all.
cell_texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)


@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_texts, min_size=3, max_size=3), max_size=8))
def test_any_rows_written_with_csv_read_back_as_the_same_stripped_values(rows):
    header = ["employee_no", "name", "note"]
    data = encode_rows([header, *rows], "utf-8")
    table = read_table(data, "p.csv", required=header)
    assert table.errors == []
    expected = [dict(zip(header, [value.strip() for value in row], strict=True)) for row in rows]
    assert [cells for _line, cells in table.rows] == [cells for cells in expected if any(cells.values())]
    lines = [line for line, _cells in table.rows]
    assert lines == sorted(set(lines))


@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(["a.csv", "a.xlsx"]))
def test_any_bytes_give_a_table_or_errors_never_an_exception(data, filename):
    table = read_table(data, filename, required=["employee_no"])
    assert table.errors or table.columns


VALID_XLSX = make_xlsx([["employee_no", "score"], ["E1", 95.5]])


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=5))
def test_a_damaged_workbook_gives_a_table_or_errors_never_an_exception(changes):
    data = bytearray(VALID_XLSX)
    for position, byte in changes:
        data[position] = byte
    table = read_table(bytes(data), "a.xlsx", required=["employee_no"])
    assert table.errors or table.columns


@hypothesis_settings(max_examples=300)
@given(st.text(max_size=30))
def test_field_parsers_raise_only_field_errors(text):
    parsers = [
        lambda: parse_decimal(text, column="x", min_value=Decimal(0), max_value=Decimal(100)),
        lambda: parse_int(text, column="x", min_value=0),
        lambda: parse_date(text, column="x", allow_blank=True),
        lambda: parse_choice(text, column="x", choices=["agent"]),
        lambda: parse_text(text, column="x", max_length=5),
        lambda: parse_employee_no(text),
        lambda: parse_month(text),
    ]
    for parser in parsers:
        try:
            parser()
        except FieldError as exc:
            assert exc.message


# --- Files read a chunk at a time (open_table) -------------------------------------------------------------------


NAME = "张三丰" * 6


def _big_file(encoding: str, *, newline: str = "\r\n", rows: int = 50_000) -> bytes:
    """A roster a few chunks long whose names are two- or four-byte characters, so that chunk edges fall inside
    characters and between CR and LF."""
    lines = ["employee_no,name"] + [f"E{n:06d},{NAME}{'𠀀' if n % 7 == 0 else ''}" for n in range(rows)]
    return newline.join(lines).encode(encoding) + newline.encode()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_file_several_chunks_long_reads_whole_across_the_chunk_edges(encoding):
    data = _big_file(encoding)
    assert len(data) > 2 * READ_CHUNK
    table = read_table(data, "big.csv", required=["employee_no", "name"], max_bytes=len(data))
    assert not table.errors
    assert len(table.rows) == 50_000
    assert table.rows[-1] == (50_001, {"employee_no": "E049999", "name": NAME})
    assert table.rows[7][1]["name"] == NAME + "𠀀"


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_a_bad_byte_after_the_first_chunk_is_reported_on_its_own_line(newline):
    good = _big_file("utf-8", newline=newline)
    data = good + b"E9,\xff" + newline.encode()
    expected_line = 50_002  # after the header and 50,000 rows
    error = only_error(read_table(data, "x.csv", required=["employee_no"], max_bytes=len(data)))
    assert error.line == expected_line
    with pytest.raises(ImportFileError) as raised:
        decode_csv_bytes(data)
    assert raised.value.errors[0].line == expected_line


def test_open_table_reads_a_file_on_disk_in_chunks_never_whole(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(_big_file("gb18030"))
    source, sizes = file_read_in_pieces(path)
    with source:
        stream = open_table(source, "big.csv", required=["employee_no"], max_bytes=path.stat().st_size)
        first = next(stream.rows)
        read_before_rows = source.tell()
        rows = 1 + sum(1 for _row in stream.rows)
    assert first == (2, {"employee_no": "E000000"}) and rows == 50_000
    assert max(sizes) <= READ_CHUNK < path.stat().st_size
    assert read_before_rows < 64 * 1024  # the header and first row came from the start of the file


def test_a_crlf_split_between_two_chunks_ends_one_line():
    header = b"employee_no,name\r\n"
    filler = b"E1," + b"a" * (READ_CHUNK - len(header) - 3 - 1)
    data = header + filler + b"\r\n" + b"E2,\xff\r\n"
    assert data[READ_CHUNK - 1 : READ_CHUNK + 1] == b"\r\n"  # the chunk edge falls inside the line end
    error = only_error(read_table(data, "x.csv", required=["employee_no"], max_bytes=len(data)))
    assert error.line == 3


def test_a_reader_left_part_read_leaves_the_callers_file_open(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(_big_file("utf-8", rows=100))
    with path.open("rb") as source:
        for rows_read in (0, 1):
            stream = open_table(source, "roster.csv", required=["employee_no"])
            for _row in range(rows_read):
                next(stream.rows)
            del stream
            gc.collect()
            assert not source.closed


def test_a_broken_quote_after_the_first_rows_is_the_files_one_answer():
    from portal.importing import RowParser, file_rows_parse
    from portal.tabular.fields import parse_int

    def parse(row: RowParser):
        return row.take(parse_int, "count")

    lines = ["employee_no,count", "E1,x"] + [f"E{n},1" for n in range(2, 15)] + ['E15,"never closed']
    rows, errors = file_rows_parse(
        "\n".join(lines).encode(), "q.csv", columns=["employee_no", "count"], parse_row=parse
    )
    assert rows == [] and [(e.line, e.column) for e in errors] == [(16, None)]

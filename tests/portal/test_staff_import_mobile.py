"""The roster's optional `mobile` column: how DingTalk, Feishu and WeCom find people without a job number there."""

import pytest

from portal.models import User
from portal.services import staff_import
from portal.tabular.errors import FieldError
from portal.tabular.fields import parse_mobile

pytestmark = pytest.mark.django_db

HEADER = "employee_no,name,email,department,team,role,hire_date,onboarded_on"


def roster(*rows, header=HEADER + ",mobile"):
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def imported(data):
    return staff_import(data=data, file_name="roster.csv")


def test_a_mobile_number_is_stored_as_its_eleven_digits():
    result = imported(
        roster("E1001,张三,,客服部,1组,agent,,,+86 138-0013-8000", "E1002,李四,,,,agent,,,13900139000")
    )
    assert result.ok, result.errors
    assert dict(User.objects.values_list("employee_no", "mobile")) == {
        "E1001": "13800138000",
        "E1002": "13900139000",
    }


def test_a_file_without_the_mobile_column_still_imports():
    result = imported(roster("E1001,张三,,,,agent,,", header=HEADER))
    assert result.ok, result.errors
    assert User.objects.get(employee_no="E1001").mobile == ""


def test_a_blank_mobile_keeps_the_stored_one():
    imported(roster("E1001,张三,,,,agent,,,13800138000"))
    result = imported(roster("E1001,张三,,,,agent,,,"))
    assert result.ok and result.counts["unchanged"] == 1
    assert User.objects.get(employee_no="E1001").mobile == "13800138000"


def test_an_invalid_mobile_rejects_the_whole_file_with_its_line():
    result = imported(roster("E1001,张三,,,,agent,,,13800138000", "E1002,李四,,,,agent,,,010-12345678"))
    assert not result.ok
    [error] = result.errors
    assert (error.line, error.column) == (3, "mobile")
    assert "010-12345678" in error.message
    assert not User.objects.exists()


def test_the_same_mobile_twice_is_refused():
    result = imported(roster("E1001,张三,,,,agent,,,13800138000", "E1002,李四,,,,agent,,,138 0013 8000"))
    assert [(e.line, e.column) for e in result.errors] == [(3, "mobile")]


def test_a_mobile_of_someone_else_on_the_roster_is_refused():
    imported(roster("E1001,张三,,,,agent,,,13800138000"))
    result = imported(roster("E1002,李四,,,,agent,,,13800138000"))
    assert [(e.line, e.column) for e in result.errors] == [(2, "mobile")]
    assert "E1001" in result.errors[0].message


@pytest.mark.parametrize("text", ["12800138000", "1380013800", "138001380000", "电话", "+1 2125551234"])
def test_what_is_not_a_mainland_mobile_number(text):
    with pytest.raises(FieldError):
        parse_mobile(text)


def test_full_width_digits_are_accepted():
    assert parse_mobile("１３８００１３８０００") == "13800138000"

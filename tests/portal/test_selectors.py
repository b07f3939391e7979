"""Reads other apps make of the people app."""

import pytest

from portal.selectors import staff_ids_by_employee_no
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_employee_numbers_map_to_ids_in_one_query(django_assert_num_queries):
    active = StaffFactory(employee_no="E0001")
    gone = StaffFactory(employee_no="E0002", is_active=False)
    with django_assert_num_queries(1):
        found = staff_ids_by_employee_no({"E0001", "E0002", "E9999"})
    assert found == {"E0001": active.pk, "E0002": gone.pk}
    assert staff_ids_by_employee_no(["E0001", "E0002"], active_only=True) == {"E0001": active.pk}
    assert staff_ids_by_employee_no()["E0002"] == gone.pk
    with django_assert_num_queries(0):
        assert staff_ids_by_employee_no([]) == {}

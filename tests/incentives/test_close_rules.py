"""The month-close checklist as pure rules: what blocks approval, what needs an acknowledgement."""

from datetime import date, datetime

from incentives.rules import (
    CloseFacts,
    LateImport,
    OpenDispute,
    close_blockers,
    close_warnings,
    month_close_checklist,
    month_has_ended,
)

OCTOBER = date(2026, 10, 1)


def facts(**changes) -> CloseFacts:
    values = {
        "month": OCTOBER,
        "today": date(2026, 11, 2),
        "kpi_imported": True,
        "scored_staff": 3,
        "missing_kpis": (),
        "scores_fresh": True,
        "open_disputes": (),
        "late_imports": (),
    }
    return CloseFacts(**{**values, **changes})


def codes(items):
    return [item.code for item in items]


def test_a_month_ends_at_midnight_after_its_last_day():
    assert not month_has_ended(OCTOBER, date(2026, 10, 31))
    assert month_has_ended(OCTOBER, date(2026, 11, 1))
    assert not month_has_ended(date(2026, 12, 1), date(2026, 12, 6))


def test_a_complete_ended_month_has_nothing_to_block_or_acknowledge():
    items = month_close_checklist(facts())
    assert close_blockers(items) == [] and close_warnings(items) == []


def test_the_month_in_progress_blocks():
    assert codes(close_blockers(month_close_checklist(facts(today=date(2026, 10, 6)))))[0] == "month_ended"


def test_no_kpi_import_and_stale_scores_and_open_disputes_block():
    dispute = OpenDispute("A001", "王伟", 7, date(2026, 10, 20))
    items = month_close_checklist(facts(kpi_imported=False, scores_fresh=False, open_disputes=(dispute,)))
    assert codes(close_blockers(items)) == ["kpis_imported", "scores_fresh", "no_open_disputes"]
    assert close_blockers(items)[-1].details == (dispute,)


def test_missing_kpi_rows_and_late_imports_are_warnings_with_who_and_what():
    late = LateImport("evaluations", "qa-oct.csv", datetime(2026, 11, 2, 9, 0))
    items = month_close_checklist(facts(missing_kpis=("A003 李娜",), late_imports=(late,)))
    assert close_blockers(items) == []
    kpis, imports = close_warnings(items)
    assert kpis.code == "kpis_complete" and kpis.details == (2, 3, ("A003 李娜",))
    assert imports.code == "no_late_imports" and imports.details == (late,)

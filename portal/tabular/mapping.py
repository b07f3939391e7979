"""Saved column mappings applied to a file: another system's column names to ours, and our rates derived from two
of its columns. Pure: the mapping's content comes in as a `ColumnMapping`; touches no database.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import BinaryIO

from django.utils.translation import gettext as _

from portal.tabular.errors import FieldError, RowError
from portal.tabular.fields import GROUPED_NUMBER, half_width, parse_decimal
from portal.tabular.reading import Table, TableStream, normalise_header, open_table, read_table

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
# Enough digits that the quotient of any two cells is exact to well past the cent it is rounded to.
_EXACT = Context(prec=60)


@dataclass(frozen=True)
class ColumnMapping:
    """One version of a saved mapping.

    `columns`: source column name → our column. `rates`: our column → (numerator, denominator) source columns,
    the value being numerator / denominator × 100, rounded half-up to 2 places.
    """

    name: str
    columns: dict[str, str] = field(default_factory=dict)
    rates: dict[str, tuple[str, str]] = field(default_factory=dict)
    version_id: int | None = None  # the stored version it came from, for the import run

    def aliases(self, ours: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
        """Our built-in `ours` aliases with this mapping's source names added (a mapping names its columns)."""
        merged = {name: tuple(others) for name, others in (ours or {}).items()}
        for source, target in self.columns.items():
            merged[target] = (*merged.get(target, ()), source)
        return merged


def mapping_problems(
    *,
    columns: Mapping[str, str],
    rates: Mapping[str, Sequence[str]],
    targets: Sequence[str],
    rate_targets: Sequence[str],
) -> list[str]:
    """What is wrong with a mapping's content for an import with columns `targets` (of which `rate_targets` may
    be derived); empty when it can be saved."""
    problems = []
    for source, target in columns.items():
        if not str(source).strip():
            problems.append(_("A source column needs a name."))
        if target not in targets:
            problems.append(
                _("%(target)s is not a column of this import (%(columns)s).")
                % {"target": target, "columns": ", ".join(targets)}
            )
    for target, pair in rates.items():
        if target not in rate_targets:
            problems.append(
                _("%(target)s cannot be derived; only %(columns)s can.")
                % {"target": target, "columns": ", ".join(rate_targets)}
            )
        if len(pair) != 2 or not all(str(part).strip() for part in pair):
            problems.append(_("%(target)s needs a numerator and a denominator column.") % {"target": target})
    return problems


def derived_rate(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator × 100, exactly, rounded half-up to 2 places. The caller refuses a zero denominator."""
    return _EXACT.divide(_EXACT.multiply(numerator, _HUNDRED), denominator).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )


def _source_number(text: str, column: str) -> Decimal:
    text = half_width(text)
    if GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    return parse_decimal(text, column=column, places=6, min_value=Decimal(0))


def read_mapped_table(
    data: bytes,
    file_name: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    mapping: ColumnMapping | None = None,
    **limits,
) -> tuple[Table, list[RowError]]:
    """`read_table` under a mapping: its rate columns are computed from their two source columns on each row.

    Returns the table and the errors of the derivation: a source cell that is not a number ≥ 0, or a zero
    denominator, is an error on that row's line (the row is then left out of the table; the caller refuses the
    file). Without a mapping this is `read_table`.
    """
    if mapping is None or not mapping.rates:
        merged = mapping.aliases(aliases) if mapping else aliases
        return read_table(data, file_name, required=required, optional=optional, aliases=merged, **limits), []
    table = read_table(
        data, file_name, optional=optional, **_mapped_columns(required, aliases, mapping), **limits
    )
    if table.errors:
        return table, []
    errors: list[RowError] = []
    table.rows = list(_derived_rows(table.rows, mapping, errors))
    return table, errors


def open_mapped_table(
    source: BinaryIO,
    file_name: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    mapping: ColumnMapping | None = None,
    **limits,
) -> tuple[TableStream, list[RowError]]:
    """`read_mapped_table` over a file read as it is iterated (`open_table`): the derivation errors join the
    returned list as the rows are read."""
    errors: list[RowError] = []
    if mapping is None or not mapping.rates:
        merged = mapping.aliases(aliases) if mapping else aliases
        stream = open_table(source, file_name, required=required, optional=optional, aliases=merged, **limits)
        return stream, errors
    stream = open_table(
        source, file_name, optional=optional, **_mapped_columns(required, aliases, mapping), **limits
    )
    stream.rows = _derived_rows(stream.rows, mapping, errors)
    return stream, errors


def _mapped_columns(required, aliases, mapping: ColumnMapping) -> dict:
    """The columns to read under a mapping with rates: its two source columns in place of each rate."""
    rates = {normalise_header(target) for target in mapping.rates}
    sources = [normalise_header(name) for pair in mapping.rates.values() for name in pair]
    return {
        "required": [name for name in required if normalise_header(name) not in rates]
        + list(dict.fromkeys(sources)),
        "aliases": mapping.aliases(aliases),
    }


def _derived_rows(rows, mapping: ColumnMapping, errors: list[RowError]):
    """Each row with its rate columns computed; a row whose sources are not numbers ≥ 0, or whose denominator is
    0, is left out, its problems added to `errors`."""
    rates = {
        normalise_header(target): (normalise_header(numerator), normalise_header(denominator))
        for target, (numerator, denominator) in mapping.rates.items()
    }
    for line, cells in rows:
        problems = []
        for target, (numerator_name, denominator_name) in rates.items():
            try:
                numerator = _source_number(cells[numerator_name], numerator_name)
                denominator = _source_number(cells[denominator_name], denominator_name)
            except FieldError as exc:
                problems.append(exc.row_error(line))
                continue
            if not denominator:
                problems.append(
                    RowError(
                        line=line,
                        column=target,
                        message=_(
                            "%(column)s: %(denominator)s is 0, so %(numerator)s / %(denominator)s has no value."
                        )
                        % {"column": target, "numerator": numerator_name, "denominator": denominator_name},
                    )
                )
                continue
            cells[target] = str(derived_rate(numerator, denominator))
        if problems:
            errors.extend(problems)
        else:
            yield line, cells


def mapping_text_parse(text: str) -> tuple[dict[str, str], dict[str, tuple[str, str]], list[str]]:
    """A mapping as HR writes it, one line each: `工号 = employee_no` (a source column read as ours) or
    `complaint_rate = 投诉量 / 接待量` (our rate derived from two source columns, × 100).

    Returns (columns, rates, problems); blank lines and lines starting with # are ignored.
    """
    columns: dict[str, str] = {}
    rates: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        left, equals, right = line.partition("=")
        left, right = left.strip(), right.strip()
        if not equals or not left or not right:
            problems.append(_("Line %(line)s: write “source column = our column”.") % {"line": number})
        elif "/" in right:
            numerator, _slash, denominator = right.partition("/")
            rates[left] = (
                numerator.strip(),
                denominator.strip().removesuffix("× 100").removesuffix("*100").strip(),
            )
        else:
            columns[left] = right
    return columns, rates, problems


def mapping_text(columns: Mapping[str, str], rates: Mapping[str, Sequence[str]]) -> str:
    """The text `mapping_text_parse` reads back."""
    lines = [f"{source} = {target}" for source, target in columns.items()]
    lines += [f"{target} = {numerator} / {denominator}" for target, (numerator, denominator) in rates.items()]
    return "\n".join(lines)

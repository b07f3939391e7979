"""Field parsers: one cell's text to a value, or a `FieldError` whose message names the column.

The caller adds the line (`FieldError.row_error`, or `portal.importing.RowParser`). Full-width digits, signs and
letters typed with a Chinese IME count as their ASCII forms.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from portal.tabular.errors import FieldError

# Full-width ASCII (U+FF01..U+FF5E) to ASCII, and the ideographic space to a space: what Chinese IMEs type.
# Not NFKC, which would also turn superscripts and circled digits ("²", "①") into digits.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def half_width(text: str) -> str:
    """`text` stripped, with full-width ASCII and the ideographic space made half-width."""
    text = text.strip()
    return text if text.isascii() else text.translate(_HALF_WIDTH).strip()


def _blank(column: str, allow_blank: bool) -> None:
    if not allow_blank:
        raise FieldError(_("%(column)s is required.") % {"column": column}, column)


def _split_number(text: str) -> tuple[str, str, str] | None:
    """(sign, whole digits, fraction digits) of a plain ASCII decimal like "-12.50", else None."""
    if not text.isascii():
        return None
    sign = text[0] if text.startswith(("+", "-")) else ""
    whole, dot, fraction = (text[1:] if sign else text).partition(".")
    if whole.isdigit() or (not whole and fraction):
        if not dot or fraction.isdigit():
            return sign, whole, fraction
    return None


def _not_a_number(text: str, column: str) -> FieldError:
    """The most helpful message for text that is not a plain decimal number."""
    values = {"column": column, "value": text}
    if text.endswith("%"):
        number = text[:-1].strip()
        if _split_number(number):
            return FieldError(
                _(
                    "%(column)s: write %(number)s, not %(value)s (percentages are plain numbers from 0 to 100)."
                )
                % {**values, "number": number},
                column,
            )
    if "," in text and _split_number(text.replace(",", "")):
        return FieldError(
            _("%(column)s: %(value)r has a thousands separator; write the number without commas.") % values,
            column,
        )
    if text.isascii() and "e" in text.lower() and "_" not in text:
        try:
            finite = Decimal(text).is_finite()
        except ArithmeticError:
            finite = False
        if finite:
            return FieldError(
                _(
                    "%(column)s: %(value)r is in scientific notation; format the column as a number and export again."
                )
                % values,
                column,
            )
    return FieldError(_("%(column)s: %(value)r is not a number.") % values, column)


def _number_parts(text: str, column: str) -> tuple[str, str, str]:
    parts = _split_number(text)
    if parts is None:
        raise _not_a_number(text, column)
    return parts


def _check_range(value: Decimal | int, text: str, column: str, min_value, max_value) -> None:
    if min_value is not None and value < min_value:
        raise FieldError(
            _("%(column)s: %(value)s is below the minimum %(limit)s.")
            % {"column": column, "value": text, "limit": min_value},
            column,
        )
    if max_value is not None and value > max_value:
        raise FieldError(
            _("%(column)s: %(value)s is above the maximum %(limit)s.")
            % {"column": column, "value": text, "limit": max_value},
            column,
        )


def parse_decimal(
    text: str,
    *,
    column: str,
    places: int = 2,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    allow_blank: bool = False,
    percent: bool = False,
) -> Decimal | None:
    """A plain decimal number with at most `places` decimals, quantized to `places` ("95.5" → 95.50).

    In a percentage column (`percent`), a trailing "%" is allowed and changes nothing ("98.5%" is 98.50).

    Full-width digits, point and signs (from Chinese IMEs) count as their ASCII forms. Trailing zeros beyond
    `places` are fine ("95.500"); a "%" sign, thousands separators, exponents, NaN and Infinity are errors, with
    a hint when the intent is clear. Blank → None when `allow_blank`, else an error.
    """
    text = text.strip()
    if text.isascii():  # the common case, "95" or "95.5": straight to a Decimal written at `places` decimals
        whole, dot, fraction = text.partition(".")
        if whole.isdigit() and len(fraction) <= places and (fraction.isdigit() or not dot):
            value = Decimal(text if len(fraction) == places else f"{whole}.{fraction.ljust(places, '0')}")
            if (min_value is None or value >= min_value) and (max_value is None or value <= max_value):
                return value
    text = half_width(text)
    if percent and text.endswith("%"):
        text = text[:-1].rstrip()
        if not text:
            raise _not_a_number("%", column)
    if not text:
        return _blank(column, allow_blank)
    sign, whole, fraction = _number_parts(text, column)
    if len(fraction) > places:
        if fraction[places:].strip("0"):
            raise FieldError(
                _("%(column)s: %(value)s has more than %(places)s decimal places.")
                % {"column": column, "value": text, "places": places},
                column,
            )
        fraction = fraction[:places]
    if sign == "-" and not (whole.strip("0") or fraction.strip("0")):
        sign = ""  # no negative zero
    # Written out at exactly `places` decimals, so the Decimal needs no rounding and no context.
    fraction = f".{fraction.ljust(places, '0')}" if places else ""
    value = Decimal(f"{sign}{whole or '0'}{fraction}")
    _check_range(value, text, column, min_value, max_value)
    return value


def parse_int(
    text: str,
    *,
    column: str,
    min_value: int | None = None,
    max_value: int | None = None,
    allow_blank: bool = False,
    thousands: bool = False,
) -> int | None:
    """A whole number; "12.0" and "12.00" (as Excel users type them) are 12, "12.5" is an error.

    Full-width digits count as ASCII. A count (`thousands`) may group its digits by thousands ("1,234").
    Blank → None when `allow_blank`, else an error.
    """
    text = text.strip()
    if text.isdigit() and text.isascii():  # the common case
        number = int(text)
        if (min_value is None or number >= min_value) and (max_value is None or number <= max_value):
            return number
    text = half_width(text)
    if not text:
        return _blank(column, allow_blank)
    if thousands and GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    sign, whole, fraction = _number_parts(text, column)
    if fraction.strip("0"):
        raise FieldError(
            _("%(column)s: %(value)s is not a whole number.") % {"column": column, "value": text}, column
        )
    number = int(f"{sign}{whole or '0'}")
    _check_range(number, text, column, min_value, max_value)
    return number


GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
# 2026-10-03, 2026/10/03, 2026.10.03 (month and day may have one digit), 2026年10月3日.
_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})|(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _iso_date(text: str) -> date | None:
    """A date as people write it, or None when the text has another shape; ValueError for an impossible date."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        year, month, day = text[:4], text[5:7], text[8:]
        if year.isdigit() and month.isdigit() and day.isdigit():
            return date(int(year), int(month), int(day))
    match = _DATE.fullmatch(text) if text.isascii() or "年" in text else None
    if match is None:
        return None
    year, _sep, month, day, *chinese = match.groups()
    if year is None:
        year, month, day = chinese
    return date(int(year), int(month), int(day))


def parse_date(text: str, *, column: str, allow_blank: bool = False) -> date | None:
    """A date written YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日 (XLSX date cells arrive as YYYY-MM-DD);
    impossible dates are errors."""
    text = half_width(text)
    if not text:
        return _blank(column, allow_blank)
    values = {"column": column, "value": text}
    try:
        value = _iso_date(text)
    except ValueError:
        raise FieldError(_("%(column)s: %(value)s is not a real date.") % values, column) from None
    if value is None:
        raise FieldError(
            _("%(column)s: %(value)r is not a date; write YYYY-MM-DD, e.g. 2026-10-01.") % values, column
        )
    return value


def parse_choice(
    text: str,
    *,
    column: str,
    choices: Sequence[str],
    allow_blank: bool = False,
    synonyms: Mapping[str, str] | None = None,
) -> str | None:
    """One of `choices`, returned as spelled there; matching ignores case and full-width forms. `synonyms` are
    other names of the choices (the Chinese ones: 班组长 → team_lead)."""
    text = half_width(text)
    if not text:
        return _blank(column, allow_blank)
    if text in choices:
        return text
    folded = text.casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    if synonyms and folded in synonyms:
        return synonyms[folded]
    raise FieldError(
        _("%(column)s: %(value)r is not one of: %(choices)s.")
        % {"column": column, "value": text, "choices": ", ".join(choices)},
        column,
    )


_YES = frozenset({"是", "yes", "y", "true", "1", "√", "✓"})
_NO = frozenset({"否", "no", "n", "false", "0", "×", "✗"})


def parse_flag(text: str, *, column: str, allow_blank: bool = False) -> bool | None:
    """A yes/no cell: 是/否, yes/no, true/false (Excel's TRUE/FALSE), 1/0."""
    text = half_width(text)
    if not text:
        return _blank(column, allow_blank)
    folded = text.casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise FieldError(
        _("%(column)s: %(value)r is not yes or no; write 是 or 否.") % {"column": column, "value": text},
        column,
    )


def parse_text(text: str, *, column: str, max_length: int, allow_blank: bool = False) -> str | None:
    """Free text, stripped and otherwise stored as given; at most `max_length` characters."""
    text = text.strip()
    if not text:
        return _blank(column, allow_blank)
    if len(text) > max_length:
        raise FieldError(
            _("%(column)s: the text is longer than %(max)s characters.")
            % {"column": column, "max": max_length},
            column,
        )
    return text


def parse_employee_no(text: str, *, column: str = "employee_no") -> str:
    """An employee number, kept as text ("00123" stays "00123"): stripped, full-width ASCII made half-width.

    Required, at most 32 characters, and only printable characters (no control, format or invisible
    characters, which would make two numbers look the same).
    """
    text = half_width(text)
    if not text:
        return _blank(column, False)
    if len(text) > 32:
        raise FieldError(
            _("%(column)s: an employee number has at most 32 characters.") % {"column": column}, column
        )
    if not text.isprintable():
        raise FieldError(
            _("%(column)s: %(value)r contains invisible or control characters.")
            % {"column": column, "value": text},
            column,
        )
    return text


_MOBILE_NOISE = re.compile(r"[\s\-()（）]")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise_mobile(text: str | None) -> str | None:
    """A mainland mobile number as its 11 digits (`+86 138-0013-8000` → `13800138000`), or None if it is not one."""
    if not text:
        return None
    digits = _MOBILE_NOISE.sub("", half_width(str(text)))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if _MAINLAND_MOBILE.fullmatch(digits) else None


def parse_mobile(text: str, *, column: str = "mobile", allow_blank: bool = True) -> str | None:
    """A mainland mobile number (spaces, hyphens and a +86 prefix allowed), stored as its 11 digits."""
    if not text.strip():
        return _blank(column, allow_blank)
    mobile = normalise_mobile(text)
    if mobile is None:
        raise FieldError(
            _("%(column)s: %(value)s is not a mainland mobile number (11 digits starting with 1).")
            % {"column": column, "value": text.strip()},
            column,
        )
    return mobile

"""Money as Chinese users expect it: "¥1,000" (grouping regardless of the locale's number format)."""

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """Integer yuan as "¥1,000" ("−¥500" for a reversal); empty for None."""
    if value is None or value == "":
        return ""
    amount = int(value)
    return f"{'−' if amount < 0 else ''}¥{abs(amount):,}"


@register.filter
def grouped(value) -> str:
    """An integer with thousands separators: 1000 → "1,000"."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}"

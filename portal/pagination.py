"""Keyset pagination: a page of rows after (or before) a key in a stable order, as deep pages cost as little as
the first one and rows written meanwhile neither repeat nor vanish between pages."""


class KeysetPage:
    """One page of rows in a stable order, with the keys of the pages around it. `rows` are up to `per_page + 1`
    rows read after `after` in that order (or, with `before`, the ones before it nearest first): the extra row
    only tells that another page follows. `key` gives a row's key (an employee number, say)."""

    def __init__(self, rows: list, *, key, per_page: int, after: str, before: str):
        more = len(rows) > per_page
        rows = rows[:per_page]
        if before:
            rows.reverse()
        self.object_list = rows
        self.has_next = bool(rows) and (more if not before else True)
        self.has_previous = bool(rows) and (more if before else bool(after))
        self.next_key = key(rows[-1]) if rows else ""
        self.previous_key = key(rows[0]) if rows else ""

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

"""Curriculum search that finds Chinese words inside longer ones, on SQLite and PostgreSQL alike.

Full-text indexes split text into words at spaces and punctuation: SQLite's FTS tokenizer and PostgreSQL's
`simple` configuration keep "客户心理学" as one token, so a search for "心理" finds nothing. Segmenting the indexed
text (jieba) would need the same dictionary for indexing and querying, a re-index whenever it changes, and
overriding the internals of two Wagtail backends. The curriculum is a few hundred pages, so Wagtail's substring
backend (`LIKE '%…%'` on each searchable field) is both simpler and exact: any run of characters in a title,
summary or lesson body is found, whatever the database.

The one gap it leaves is text inside a StreamField: SQLite stores its JSON with non-ASCII characters escaped
("\\u5fc3\\u7406"), so each term is also looked for in that escaped form.
"""

import json

from django.db.models import Q
from wagtail.search.backends.database.fallback import (
    DatabaseAutocompleteQueryCompiler,
    DatabaseSearchBackend,
    DatabaseSearchQueryCompiler,
)


def _json_escaped(term: str) -> str:
    """How `term` appears inside JSON stored with ensure_ascii (SQLite's copy of a StreamField)."""
    return json.dumps(term)[1:-1]


class SubstringSearchQueryCompiler(DatabaseSearchQueryCompiler):
    def build_single_term_filter(self, term):
        query = super().build_single_term_filter(term)
        escaped = _json_escaped(term)
        if escaped == term:
            return query
        for field_name in self.fields_names:
            if self.queryset.model._meta.get_field(field_name).get_internal_type() == "JSONField":
                query |= Q(**{f"{field_name}__icontains": escaped})
        return query


class SubstringAutocompleteQueryCompiler(SubstringSearchQueryCompiler, DatabaseAutocompleteQueryCompiler):
    pass


class SubstringSearchBackend(DatabaseSearchBackend):
    query_compiler_class = SubstringSearchQueryCompiler
    autocomplete_query_compiler_class = SubstringAutocompleteQueryCompiler


SearchBackend = SubstringSearchBackend

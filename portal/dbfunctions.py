"""Database functions shared by the apps' selectors."""

from django.db.models import Func, IntegerField


class Hundredths(Func):
    """A 2-decimal column (percent, score, hours) as a whole number of hundredths, exact on every database.

    SQLite keeps such a column as a binary float and sums it as floats; its hundredths, rounded to the
    nearest whole number, are exact, and so are their SUM and comparisons. PostgreSQL's `numeric` is exact
    anyway.
    """

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="CAST(ROUND(%(expressions)s * 100) AS INTEGER)")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s * 100 AS INTEGER)")


def rows_of(queryset, *, many: bool):
    """The rows of `queryset`: streamed in chunks when there may be many (a whole month of a company), else
    fetched at once, since on PostgreSQL a chunked server-side cursor costs round trips a one-person read
    does not need."""
    return queryset.iterator(chunk_size=5000) if many else queryset

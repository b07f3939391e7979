"""What goes wrong in an import file: a problem at a line, a file that cannot be read, a cell that is wrong.

Every problem carries the file's own 1-based line number, the header being line 1 (XLSX: the sheet's row
number); problems with the file as a whole use line `WHOLE_FILE` (0).
"""

from dataclasses import dataclass

WHOLE_FILE = 0  # the line of errors about the file as a whole (too big, not XLSX, undecodable without a line)


@dataclass(frozen=True)
class RowError:
    """One problem found in an import file, at the file's own line (header = 1; `WHOLE_FILE` = the file)."""

    line: int
    message: str
    column: str | None = None

    def as_dict(self) -> dict:
        data = {"line": self.line, "message": self.message}
        if self.column is not None:
            data["column"] = self.column
        return data


class ImportFileError(Exception):
    """A problem that stops reading the file at all; `errors` says what and, when known, on which line."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class FieldError(ValueError):
    """A cell that does not hold what its column needs; `str(exc)` is the message for the user."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column

    def row_error(self, line: int) -> RowError:
        return RowError(line=line, message=self.message, column=self.column)

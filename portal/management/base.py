"""Shared shape of the import commands: FILE, --dry-run, --json, exit status 1 when the file is refused."""

import json
import re
import sys
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.importing import ImportResult
from portal.months import parse_month
from portal.tabular.errors import FieldError


def write_json(stdout, payload: dict) -> None:
    """Exactly one JSON object on standard output (conventions: `--json`)."""
    stdout.write(json.dumps(payload, ensure_ascii=False), ending="\n")


class JsonCommand(BaseCommand):
    """A command with `--json`: machine output on stdout, human messages on stderr."""

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object on standard output.")

    def execute(self, *args, **options):
        # Messages in commands follow the portal's default language unless the caller's locale says otherwise.
        with translation.override(options.get("language") or None):
            return super().execute(*args, **options)

    def fail(self, options, message: str, payload: dict | None = None):
        """Refuse with `message`; under --json also print `payload` (with the message in `errors`)."""
        if options.get("json"):
            body = dict(payload or {})
            body.setdefault("errors", [{"line": 0, "message": message}])
            write_json(self.stdout, body)
            self.stderr.write(message)
            sys.exit(1)
        raise CommandError(message)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str) -> date:
    """A calendar day written YYYY-MM-DD; anything else (or an impossible date) raises ValueError."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(
        _("--date: %(value)s is not a date; write YYYY-MM-DD, e.g. 2026-10-01.") % {"value": text}
    )


class DailyCommand(JsonCommand):
    """A daily run (cron or a systemd timer): `--date YYYY-MM-DD` (default today, Asia/Shanghai), `--dry-run`.

    `refused_payload` holds the counts that `--json` prints (at their empty values) when the date is not valid.
    """

    refused_payload: dict = {}
    date_help = "The day to run for, YYYY-MM-DD (default: today in Asia/Shanghai)."
    dry_run_help = "Count what would happen; record nothing."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--date", help=self.date_help)
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def day_option(self, options) -> date:
        """The requested day; refuses (exit 1) a value that is not YYYY-MM-DD."""
        given = options.get("date")
        if not given:
            return timezone.localdate()
        try:
            return parse_day(given)
        except ValueError as exc:
            self.fail(options, str(exc), {"date": given, **self.refused_payload})


class MonthCommand(JsonCommand):
    """A `--json` command about one month (`--month YYYY-MM`, required).

    `refused_payload` holds the counts that `--json` prints (at their empty values) when the month is not valid.
    """

    refused_payload: dict = {}

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def month_option(self, options):
        """The first day of the requested month; refuses (exit 1) a value that is not YYYY-MM."""
        try:
            return parse_month(options["month"])
        except FieldError as exc:
            self.fail(options, str(exc), {"month": options["month"], **self.refused_payload})


class ImportCommand(JsonCommand):
    """Subclasses set `count_keys` and implement `run_import(data=..., file_name=..., dry_run=..., **options)`;
    `data` is the file's bytes, or the open file when `reads_as_it_goes`."""

    count_keys: list[str] = ["created", "updated"]
    mapping_kind: str | None = None  # the import kind whose saved column mappings --mapping names
    reads_as_it_goes = False  # run_import gets the open file, not its bytes

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX file.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        if self.mapping_kind:
            parser.add_argument(
                "--mapping", metavar="NAME", help="Read the file through this saved column mapping."
            )

    def run_import(self, *, data: bytes, file_name: str, dry_run: bool, **options) -> ImportResult:
        raise TypeError(f"{type(self).__name__} must define run_import()")

    def _mapping(self, options):
        from portal.selectors import import_mapping_get

        if not options.get("mapping"):
            return None
        try:
            return import_mapping_get(name=options["mapping"], kind=self.mapping_kind)
        except ValidationError as exc:
            self.fail(options, " ".join(exc.messages), dict.fromkeys(self.count_keys, 0))

    def handle(self, *args, **options):
        path = Path(options["file"])
        dry_run = options.pop("dry_run")
        if self.mapping_kind:
            options["mapping"] = self._mapping(options)
        try:
            # A file too large to hold (a month's call list) is given to the import open, to read as it goes;
            # a pipe, which cannot be read twice, is read whole.
            streamed = self.reads_as_it_goes and path.is_file()
            data = path.open("rb") if streamed else path.read_bytes()
        except OSError as exc:
            self.fail(options, f"Cannot read {path}: {exc.strerror}", dict.fromkeys(self.count_keys, 0))
        try:
            result = self.run_import(data=data, file_name=path.name, dry_run=dry_run, **options)
        finally:
            if streamed:
                data.close()
        if options["json"]:
            write_json(self.stdout, result.as_json())
        for note in result.skipped:
            self.stderr.write(note)
        for error in result.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        if not result.ok:
            self.stderr.write(f"Refused: {len(result.errors)} error(s); nothing was written.")
            sys.exit(1)
        summary = ", ".join(f"{key} {value}" for key, value in result.counts.items())
        prefix = "Dry run, nothing written: " if result.dry_run else ""
        (self.stderr if options["json"] else self.stdout).write(prefix + summary)

import sys
from pathlib import Path

from assessments.quizzes.services import question_bank_import
from portal.management.base import JsonCommand, write_json


class Command(JsonCommand):
    help = "Import a GIFT file into a question bank, all or nothing."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="GIFT file (UTF-8 with or without BOM, or GB18030).")
        parser.add_argument("--bank", required=True, help="Question bank name (created if new).")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")

    def handle(self, *args, **options):
        empty = {"imported": 0, "by_type": {}, "categories": 0}
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.fail(options, f"Cannot read {path}: {exc.strerror}", empty)
        result = question_bank_import(
            data=data, file_name=path.name, bank_name=options["bank"], dry_run=options["dry_run"]
        )
        if options["json"]:
            write_json(self.stdout, result.as_json())
        for error in result.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        if not result.ok:
            self.stderr.write(f"Refused: {len(result.errors)} error(s); nothing was imported.")
            sys.exit(1)
        by_type = ", ".join(f"{k} {v}" for k, v in result.by_type.items())
        verb = "Dry run, nothing written: would import" if result.dry_run else "Imported"
        message = (
            f"{verb} {result.counts['imported']} question(s) ({by_type}); {result.categories} categories."
        )
        (self.stderr if options["json"] else self.stdout).write(message)

from assessments.scoring.services import KPI_COUNT_KEYS, kpi_month_import
from portal.management.base import ImportCommand
from portal.months import parse_month
from portal.tabular.errors import FieldError


class Command(ImportCommand):
    help = (
        "Import a month's KPI file (all or nothing) and recompute the month's scores. "
        "A month that already has KPI data needs --replace."
    )
    count_keys = KPI_COUNT_KEYS
    mapping_kind = "kpis"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--month", required=True, help="The month of the data, YYYY-MM.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the month's KPI data (the replacement is recorded).",
        )

    def run_import(self, *, data, file_name, dry_run, **options):
        try:
            month = parse_month(options["month"])
        except FieldError as exc:
            self.fail(options, str(exc), dict.fromkeys(self.count_keys, 0))
        return kpi_month_import(
            data=data,
            file_name=file_name,
            month=month,
            replace=options["replace"],
            dry_run=dry_run,
            acting_user=None,
            mapping=options["mapping"],
        )

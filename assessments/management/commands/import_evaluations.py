from assessments.scorecards.services import EVALUATION_COUNT_KEYS, evaluation_import
from portal.management.base import ImportCommand


class Command(ImportCommand):
    help = "Import QA evaluations (employee_no,date,kind,score,evaluator), all or nothing."
    count_keys = EVALUATION_COUNT_KEYS
    mapping_kind = "evaluations"

    def run_import(self, *, data, file_name, dry_run, **options):
        return evaluation_import(data=data, file_name=file_name, dry_run=dry_run, mapping=options["mapping"])

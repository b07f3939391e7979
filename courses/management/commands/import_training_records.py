from courses.services import TRAINING_COUNT_KEYS, training_records_import
from portal.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import training records (offline sessions, external training, paper exams): "
        "employee_no,date,category,title,hours,score. All or nothing; the same file twice changes nothing."
    )
    count_keys = TRAINING_COUNT_KEYS
    mapping_kind = "training_records"

    def run_import(self, *, data: bytes, file_name: str, dry_run: bool, **options):
        return training_records_import(
            data=data, file_name=file_name, dry_run=dry_run, mapping=options["mapping"]
        )

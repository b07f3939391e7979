from portal.management.base import ImportCommand
from portal.services import STAFF_COUNT_KEYS, staff_import


class Command(ImportCommand):
    help = "Import the staff roster (upsert by employee number), all or nothing."
    count_keys = STAFF_COUNT_KEYS
    mapping_kind = "staff"

    def run_import(self, *, data, file_name, dry_run, **options):
        return staff_import(
            data=data, file_name=file_name, dry_run=dry_run, acting_user=None, mapping=options["mapping"]
        )

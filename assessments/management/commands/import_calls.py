from assessments.qa.services import CALL_COUNT_KEYS, call_import
from portal.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the call list (call_id,employee_no,started_at,duration_s,channel,recording_url[,transcript]), "
        "all or nothing; each file adds to the calls already there."
    )
    count_keys = CALL_COUNT_KEYS
    mapping_kind = "calls"
    reads_as_it_goes = True  # a month's list can be a million calls

    def run_import(self, *, data, file_name, dry_run, **options):
        return call_import(data=data, file_name=file_name, dry_run=dry_run, mapping=options["mapping"])

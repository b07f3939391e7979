from pathlib import Path

from django.http import Http404
from django.utils.translation import gettext as _

from assessments.certificates.pdf import certificates_pdf
from assessments.certificates.services import certificate_get_by_number
from portal.management.base import JsonCommand, write_json
from portal.signing import SigningKeyMissing


class Command(JsonCommand):
    help = "Write a certificate's signed PDF to a file, so that anyone can check the signature outside the portal."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("number", help="The certificate number, e.g. ONB-2026-000123.")
        parser.add_argument("--out", required=True, help="The PDF file to write.")

    def handle(self, *args, **options):
        number = options["number"].strip()
        try:
            certificate = certificate_get_by_number(number)
        except Http404:
            self.fail(
                options, _("No certificate has the number %(number)s.") % {"number": number}, {"file": None}
            )
        try:
            document = certificates_pdf([certificate])
        except SigningKeyMissing:
            self.fail(
                options,
                _("No signing key: run `python manage.py credentials_keygen` first."),
                {"file": None},
            )
        out = Path(options["out"])
        out.write_bytes(document)
        if options["json"]:
            write_json(self.stdout, {"file": str(out), "number": certificate.number, "bytes": len(document)})
        else:
            self.stdout.write(
                _("Certificate %(number)s written to %(file)s.") % {"number": number, "file": out}
            )

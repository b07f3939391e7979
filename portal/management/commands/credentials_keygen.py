from django.conf import settings
from django.utils.translation import gettext as _

from portal import signing
from portal.management.base import JsonCommand, write_json


class Command(JsonCommand):
    help = (
        "Create the organisation's signing key and a self-signed certificate in PORTAL_SIGNING_KEY_DIR, for "
        "Open Badges credentials and signed PDFs. Refused when a key exists, unless --rotate (old public keys "
        "stay published, so credentials signed with them still verify)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--rotate", action="store_true", help="Replace an existing key.")
        parser.add_argument(
            "--name", default="", help="Name in the certificate (default: PORTAL_ISSUER_NAME)."
        )
        parser.add_argument(
            "--publish-current",
            action="store_true",
            help="Make no key; publish the public key of a key installed by hand (e.g. one from the CA).",
        )

    def handle(self, *args, **options):
        directory = signing.key_dir()
        if options["publish_current"]:
            if not signing.key_exists(directory):
                self.fail(options, _("No signing key in %(dir)s.") % {"dir": directory}, {"kid": None})
            kid = signing.publish_current_key(directory)
            if options["json"]:
                write_json(self.stdout, {"directory": str(directory), "kid": kid, "retired_kid": None})
            else:
                self.stdout.write(_("Public key %(kid)s published.") % {"kid": kid})
            return
        try:
            result = signing.keygen(
                directory=directory,
                common_name=options["name"] or str(settings.PORTAL_ISSUER_NAME),
                rotate=options["rotate"],
            )
        except signing.SigningKeyExists:
            self.fail(
                options,
                _("A signing key exists already in %(dir)s; use --rotate to replace it.")
                % {"dir": directory},
                {"directory": str(directory), "kid": None, "retired_kid": None},
            )
        payload = {"directory": str(result.directory), "kid": result.kid, "retired_kid": result.retired_kid}
        if options["json"]:
            write_json(self.stdout, payload)
            return
        self.stdout.write(
            _("Signing key %(kid)s written to %(dir)s.") % {"kid": result.kid, "dir": directory}
        )
        if result.retired_kid:
            self.stdout.write(
                _("Key %(kid)s retired; its public key stays published.") % {"kid": result.retired_kid}
            )

"""`api_client_create --name NAME --scopes SCOPE[,SCOPE…] [--expires YYYY-MM-DD] [--json]`: a new API client and
its token, printed once."""

from django.core.exceptions import ValidationError

from api.services import api_client_create
from portal.management.base import JsonCommand, write_json
from portal.tabular.errors import FieldError
from portal.tabular.fields import parse_date


class Command(JsonCommand):
    help = (
        "Create an API client (its own service account) and print its token, which is shown only this once."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--name", required=True)
        parser.add_argument("--scopes", required=True, help="Comma-separated, e.g. kpis:write,scores:read.")
        parser.add_argument("--expires", help="YYYY-MM-DD; default one year from today.")

    def fail(self, options, message: str, payload: dict | None = None):
        super().fail(options, message, {"errors": [{"message": message}]})

    def handle(self, *args, **options):
        expires = None
        if options["expires"]:
            try:
                expires = parse_date(options["expires"], column="expires")
            except FieldError as exc:
                self.fail(options, str(exc))
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            client, token = api_client_create(
                name=options["name"], scopes=scopes, expires_on=expires, acting_user=None
            )
        except ValidationError as exc:
            self.fail(options, " ".join(exc.messages))
        payload = {
            "client": client.name,
            "token": token,
            "scopes": client.scopes,
            "expires": client.expires_on.isoformat(),
        }
        if options["json"]:
            write_json(self.stdout, payload)
            return
        self.stdout.write(f"{client.name}: {token}")
        self.stdout.write(f"scopes {', '.join(client.scopes)}; expires {payload['expires']}")
        self.stderr.write("The token is shown only now; store it in the calling system.")

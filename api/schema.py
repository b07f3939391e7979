"""What the OpenAPI document says about each endpoint: bodies, answers and their examples. Describes only."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API client's token (pt_…)."}


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="1-based index in rows; null for the request.")
    field = serializers.CharField(required=False)
    message = serializers.CharField()


class RowsSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One object per row, with the file import's columns as keys; numbers as JSON numbers or text.",
    )


class UpsertResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    dry_run = serializers.BooleanField()


class KpiResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    replaced = serializers.IntegerField()
    scored = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    dry_run = serializers.BooleanField()


class RefusedSerializer(ProblemSerializer):
    errors = RowErrorSerializer(many=True)


class ScoreSerializer(serializers.Serializer):
    employee_no = serializers.CharField()
    score = serializers.CharField(allow_null=True)
    kpi = serializers.CharField(allow_null=True)
    quality = serializers.CharField(allow_null=True)
    learning = serializers.CharField(allow_null=True)
    partial = serializers.BooleanField()


class ScoresPageSerializer(serializers.Serializer):
    month = serializers.CharField()
    scores = ScoreSerializer(many=True)
    next = serializers.URLField(allow_null=True)


class WinnerSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    employee_no = serializers.CharField()
    name = serializers.CharField()
    score = serializers.CharField()


class IneligibleSerializer(serializers.Serializer):
    employee_no = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class ServiceStarsSerializer(serializers.Serializer):
    month = serializers.CharField()
    status = serializers.CharField()
    winners = WinnerSerializer(many=True)
    ineligible = IneligibleSerializer(many=True)


class PayoutSerializer(serializers.Serializer):
    employee_no = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField()
    award = serializers.CharField()
    amount_yuan = serializers.IntegerField()


class PayoutsSerializer(serializers.Serializer):
    month = serializers.CharField()
    payouts = PayoutSerializer(many=True)


class CertificateSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "revoked"])
    valid = serializers.BooleanField()
    employee_no = serializers.CharField()
    programme = serializers.CharField()
    issued_on = serializers.DateField()
    revoked_on = serializers.DateField(allow_null=True)


def _problem_example(status: int, kind: str, title: str, detail: str) -> OpenApiExample:
    return OpenApiExample(
        f"{status} {title}",
        value={"type": f"/api/v1/problems/{kind}", "title": title, "status": status, "detail": detail},
        response_only=True,
        status_codes=[str(status)],
    )


COMMON_RESPONSES = {
    401: OpenApiResponse(ProblemSerializer, description="No token, or an unknown, revoked or expired one."),
    403: OpenApiResponse(ProblemSerializer, description="The client lacks this endpoint's scope."),
    429: OpenApiResponse(ProblemSerializer, description="Over the client's rate; see Retry-After."),
}
COMMON_EXAMPLES = [
    _problem_example(401, "unauthorized", "Not authenticated", "The token is not valid."),
    _problem_example(403, "forbidden", "Scope missing", "This client lacks the scope kpis:write."),
    _problem_example(429, "rate-limited", "Too many requests", "More than 600 requests a minute."),
]
WRITE_RESPONSES = {
    **COMMON_RESPONSES,
    400: OpenApiResponse(ProblemSerializer, description="The body is not JSON with a rows list."),
    409: OpenApiResponse(ProblemSerializer, description="The Idempotency-Key was used with another body."),
    413: OpenApiResponse(ProblemSerializer, description="The body is larger than 20 MB."),
    422: OpenApiResponse(RefusedSerializer, description="Refused, all or nothing: every error by row."),
}
WRITE_EXAMPLES = [
    *COMMON_EXAMPLES,
    _problem_example(
        409, "idempotency-conflict", "Idempotency key reused", "This key was sent with another body."
    ),
    _problem_example(413, "too-large", "Request too large", "The body is larger than 20 MB."),
]
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Makes a retry safe for 24 hours: the same key and body answer as the first time.",
)
DRY_RUN = OpenApiParameter("dry_run", bool, required=False, description="Validate and report; write nothing.")


def refused_example(error: dict, counts: dict) -> OpenApiExample:
    return OpenApiExample(
        "422 refused",
        value={
            "type": "/api/v1/problems/import-refused",
            "title": "Import refused",
            "status": 422,
            "detail": "Nothing was written.",
            **counts,
            "errors": [error],
            "dry_run": False,
        },
        response_only=True,
        status_codes=["422"],
    )


class ApiSchemaGenerator(SchemaGenerator):
    """The schema of the integration API's URLs only (Wagtail's admin has DRF views of its own), for the schema
    view and for drf-spectacular's deploy check alike."""

    def __init__(self, *args, urlconf=None, **kwargs):
        super().__init__(*args, urlconf=urlconf or "api.urls", **kwargs)

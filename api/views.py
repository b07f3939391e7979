"""The integration API under /api/v1/: the imports as JSON writes, and the month's results as reads.

Every view is an interface: it checks the token and scope, parses the request, calls one service or selector of
the app that owns the data and answers JSON (errors as problem details).
"""

import hashlib
import json
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.auth import BearerAuthentication, HasScope, rate_check
from api.models import Scope
from api.problems import problem, problem_exception_handler, problem_response
from api.services import idempotent_answer_find, idempotent_answer_store
from assessments.certificates.services import certificate_get_by_number
from assessments.management.commands.performance_scores import score_line_payload
from assessments.scorecards.services import evaluation_import
from assessments.scoring.selectors import month_score_lines, scored_staff_for_month
from assessments.scoring.services import kpi_month_import
from courses.services import training_records_import
from incentives.management.commands.service_stars import star_month_payload
from incentives.selectors import active_publication, payroll_rows, star_month
from portal.db_routing import report_reads
from portal.months import parse_month
from portal.services import staff_import
from portal.tabular.errors import FieldError
from portal.tabular.reading import RowsData

MAX_BODY_BYTES = 20 * 1024 * 1024
SCORES_PER_PAGE = 1000


class ApiView(APIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [HasScope]
    renderer_classes = [JSONRenderer]
    # The writes read their body themselves (the size limit, exact decimals); JSONParser only tells the schema.
    parser_classes = [JSONParser]
    required_scope = ""

    def get_exception_handler(self):
        return problem_exception_handler

    def check_throttles(self, request):
        if request.auth is not None:
            rate_check(request.auth)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The client and its scopes were checked on the primary; what a read answers may come from the replica.
        if request.method in SAFE_METHODS:
            self._report_reads = report_reads()
            self._report_reads.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        reads = getattr(self, "_report_reads", None)
        if reads is not None:
            self._report_reads = None
            reads.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)


def _month(text: str):
    try:
        return parse_month(text)
    except FieldError as exc:
        raise exceptions.NotFound(str(exc)) from None


def _api_errors(errors: list[dict]) -> list[dict]:
    """Import errors as the API names them: `row` (1-based index in rows; null for the whole request), `field`."""
    answer = []
    for error in errors:
        item = {"row": error["line"] or None, "message": error["message"]}
        if "column" in error:
            item["field"] = error["column"]
        answer.append(item)
    return answer


def _read_body(request) -> bytes:
    django_request = request._request
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise _TooLarge
    raw = (
        django_request._body if hasattr(django_request, "_body") else django_request.read(MAX_BODY_BYTES + 1)
    )
    if len(raw) > MAX_BODY_BYTES:
        raise _TooLarge
    return raw


class _TooLarge(Exception):
    pass


class ImportView(ApiView):
    """POST {"rows": [...]}: the file import of the same name, run by the client's service account."""

    kind = ""

    def run_import(self, *, data, file_name, dry_run, acting_user, request, **kwargs):
        raise TypeError(f"{type(self).__name__} must define run_import")

    def post(self, request, **kwargs):
        try:
            raw = _read_body(request)
        except _TooLarge:
            return problem_response(
                problem(413, _("Request too large"), _("The body is larger than 20 MB."), kind="too-large")
            )
        client = request.auth
        key = request.headers.get("Idempotency-Key", "").strip()
        digest = hashlib.sha256(
            b"\n".join([request.method.encode(), request.get_full_path().encode(), raw])
        ).hexdigest()
        if key:
            if len(key) > 255:
                return problem_response(
                    problem(400, _("Bad request"), _("An Idempotency-Key has at most 255 characters."))
                )
            stored = idempotent_answer_find(client=client, key=key)
            if stored is not None:
                if stored.request_sha256 != digest:
                    return problem_response(
                        problem(
                            409,
                            _("Idempotency key reused"),
                            _("This Idempotency-Key was sent with another request."),
                            kind="idempotency-conflict",
                        )
                    )
                response = Response(
                    stored.body, status=stored.status, headers={"Idempotent-Replayed": "true"}
                )
                if stored.status >= 400:
                    response.content_type = "application/problem+json"
                return response
        try:
            document = json.loads(raw, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            return problem_response(problem(400, _("Bad request"), _("The body is not JSON.")))
        if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
            return problem_response(
                problem(400, _("Bad request"), _('The body must be an object with a "rows" list.'))
            )
        result = self.run_import(
            data=RowsData(raw, document["rows"]),
            file_name=f"api:{client.name}",
            dry_run=_flag(request, "dry_run"),
            acting_user=request.user,
            request=request,
            **kwargs,
        )
        body = result.as_json()
        body["errors"] = _api_errors(body["errors"])
        if result.ok:
            status = 200
        else:
            status = 422
            body = problem(422, _("Import refused"), _("Nothing was written."), kind="import-refused", **body)
        if key:
            idempotent_answer_store(client=client, key=key, request_sha256=digest, status=status, body=body)
        response = Response(body, status=status)
        if status >= 400:
            response.content_type = "application/problem+json"
        return response


def _flag(request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


def _write_schema(
    request_example: dict, ok_serializer, ok_example: dict, refused: dict, summary: str, extra=()
):
    counts = {key: 0 for key in ok_example if key not in ("errors", "dry_run")}
    return extend_schema(
        summary=summary,
        request=schema.RowsSerializer,
        parameters=[schema.IDEMPOTENCY_KEY, schema.DRY_RUN, *extra],
        responses={200: ok_serializer, **schema.WRITE_RESPONSES},
        examples=[
            OpenApiExample("Rows", value=request_example, request_only=True),
            OpenApiExample("200 imported", value=ok_example, response_only=True, status_codes=["200"]),
            schema.refused_example(refused, counts),
            *schema.WRITE_EXAMPLES,
        ],
    )


_UPSERT_OK = {"created": 1, "updated": 0, "unchanged": 0, "errors": [], "dry_run": False}


class StaffImportView(ImportView):
    required_scope = Scope.STAFF_WRITE

    def run_import(self, **kwargs):
        kwargs.pop("request")
        return staff_import(**kwargs)

    @_write_schema(
        {
            "rows": [
                {
                    "employee_no": "A1001",
                    "name": "张伟",
                    "email": "zhang.wei@example.com",
                    "department": "客服一部",
                    "team": "一组",
                    "role": "agent",
                    "hire_date": "2026-03-01",
                    "onboarded_on": "2026-04-15",
                    "mobile": "13800138000",
                }
            ]
        },
        schema.UpsertResultSerializer,
        _UPSERT_OK,
        {"row": 1, "field": "role", "message": "role: 'boss' is not one of the allowed values."},
        "Import the roster (as import_staff)",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)


class TrainingRecordsImportView(ImportView):
    required_scope = Scope.TRAINING_WRITE

    def run_import(self, **kwargs):
        kwargs.pop("request")
        return training_records_import(**kwargs)

    @_write_schema(
        {
            "rows": [
                {
                    "employee_no": "A1001",
                    "date": "2026-10-12",
                    "category": "offline",
                    "title": "投诉处理工作坊",
                    "hours": 3.5,
                    "score": "92",
                }
            ]
        },
        schema.UpsertResultSerializer,
        _UPSERT_OK,
        {"row": 1, "field": "hours", "message": "hours: 'abc' is not a number."},
        "Import training records (as import_training_records)",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)


class EvaluationsImportView(ImportView):
    required_scope = Scope.EVALUATIONS_WRITE

    def run_import(self, **kwargs):
        kwargs.pop("request")
        return evaluation_import(**kwargs)

    @_write_schema(
        {
            "rows": [
                {
                    "employee_no": "A1001",
                    "date": "2026-10-08",
                    "kind": "call",
                    "score": 88.5,
                    "evaluator": "QA01",
                }
            ]
        },
        schema.UpsertResultSerializer,
        _UPSERT_OK,
        {"row": 1, "field": "date", "message": "date: 2026-09 is published and locked."},
        "Import QA evaluations (as import_evaluations)",
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)


class KpiImportView(ImportView):
    required_scope = Scope.KPIS_WRITE

    def run_import(self, *, request, month, **kwargs):
        return kpi_month_import(month=_month(month), replace=_flag(request, "replace"), **kwargs)

    @_write_schema(
        {
            "rows": [
                {
                    "employee_no": "A1001",
                    "contacts_handled": 812,
                    "response_timeliness_rate": 96.4,
                    "resolution_rate": "91.20",
                    "satisfaction_rate": 97,
                    "complaint_rate": 0.35,
                    "major_complaints": 0,
                }
            ]
        },
        schema.KpiResultSerializer,
        {"imported": 1, "replaced": 0, "scored": 1, "errors": [], "dry_run": False},
        {"row": 1, "field": "resolution_rate", "message": "resolution_rate: 101 is more than 100."},
        "Import a month's KPIs (as import_kpis --month)",
        extra=[
            schema.OpenApiParameter(
                "replace", bool, required=False, description="Replace the month's KPI data (as --replace)."
            )
        ],
    )
    def post(self, request, **kwargs):
        return super().post(request, **kwargs)


class ScoresView(ApiView):
    required_scope = Scope.SCORES_READ

    @extend_schema(
        summary="A month's scores (as performance_scores --json), 1,000 a page",
        parameters=[schema.OpenApiParameter("page", int, required=False, description="1 and up.")],
        responses={
            200: schema.ScoresPageSerializer,
            404: schema.ProblemSerializer,
            **schema.COMMON_RESPONSES,
        },
        examples=[
            OpenApiExample(
                "200 a page",
                value={
                    "month": "2026-10",
                    "scores": [
                        {
                            "employee_no": "A1001",
                            "score": "87.25",
                            "kpi": "90.10",
                            "quality": "88.50",
                            "learning": "80.00",
                            "partial": False,
                        }
                    ],
                    "next": "http://portal.example.com/api/v1/months/2026-10/scores?page=2",
                },
                response_only=True,
                status_codes=["200"],
            ),
            *schema.COMMON_EXAMPLES,
        ],
    )
    def get(self, request, month):
        first = _month(month)
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            page = 0
        if page < 1:
            raise exceptions.NotFound(_("There is no such page."))
        lines = month_score_lines(month=first, staff_qs=scored_staff_for_month(first))
        start = (page - 1) * SCORES_PER_PAGE
        if start and start >= len(lines):
            raise exceptions.NotFound(_("There is no such page."))
        chunk = lines[start : start + SCORES_PER_PAGE]
        more = start + SCORES_PER_PAGE < len(lines)
        next_url = request.build_absolute_uri(f"{request.path}?page={page + 1}") if more else None
        return Response(
            {
                "month": f"{first:%Y-%m}",
                "scores": [score_line_payload(line) for line in chunk],
                "next": next_url,
            }
        )


class ServiceStarsView(ApiView):
    required_scope = Scope.STARS_READ

    @extend_schema(
        summary="A published month's Service Stars (as service_stars --json)",
        responses={
            200: schema.ServiceStarsSerializer,
            404: schema.ProblemSerializer,
            **schema.COMMON_RESPONSES,
        },
        examples=[
            OpenApiExample(
                "200 published",
                value={
                    "month": "2026-10",
                    "status": "published",
                    "winners": [{"rank": 1, "employee_no": "A1001", "name": "张伟", "score": "93.40"}],
                    "ineligible": [{"employee_no": "A1002", "reasons": ["major_complaint"]}],
                },
                response_only=True,
                status_codes=["200"],
            ),
            schema._problem_example(404, "not-found", "Not found", "2026-11 is not published."),
            *schema.COMMON_EXAMPLES,
        ],
    )
    def get(self, request, month):
        first = _month(month)
        if active_publication(first) is None:
            raise exceptions.NotFound(_("%(month)s is not published.") % {"month": f"{first:%Y-%m}"})
        return Response(star_month_payload(star_month(month=first)))


class PayoutsView(ApiView):
    required_scope = Scope.PAYOUTS_READ

    @extend_schema(
        summary="A month's awards as the payroll export's rows",
        responses={200: schema.PayoutsSerializer, 404: schema.ProblemSerializer, **schema.COMMON_RESPONSES},
        examples=[
            OpenApiExample(
                "200 payouts",
                value={
                    "month": "2026-10",
                    "payouts": [
                        {
                            "employee_no": "A1001",
                            "name": "张伟",
                            "department": "客服一部",
                            "award": "服务之星",
                            "amount_yuan": 500,
                        }
                    ],
                },
                response_only=True,
                status_codes=["200"],
            ),
            *schema.COMMON_EXAMPLES,
        ],
    )
    def get(self, request, month):
        first = _month(month)
        return Response(
            {
                "month": f"{first:%Y-%m}",
                "payouts": [
                    {
                        "employee_no": employee_no,
                        "name": name,
                        "department": department,
                        "award": award,
                        "amount_yuan": amount,
                    }
                    for employee_no, name, department, award, _month_text, amount in payroll_rows(first)
                ],
            }
        )


class CertificateView(ApiView):
    required_scope = Scope.CERTIFICATES_READ

    @extend_schema(
        summary="A certificate by its number",
        responses={
            200: schema.CertificateSerializer,
            404: schema.ProblemSerializer,
            **schema.COMMON_RESPONSES,
        },
        examples=[
            OpenApiExample(
                "200 valid",
                value={
                    "number": "CS-2026-000123",
                    "status": "valid",
                    "valid": True,
                    "employee_no": "A1001",
                    "programme": "新员工入职培训",
                    "issued_on": "2026-04-15",
                    "revoked_on": None,
                },
                response_only=True,
                status_codes=["200"],
            ),
            schema._problem_example(404, "not-found", "Not found", "No certificate has this number."),
            *schema.COMMON_EXAMPLES,
        ],
    )
    def get(self, request, number):
        try:
            certificate = certificate_get_by_number(number)
        except Http404:
            raise exceptions.NotFound(_("No certificate has this number.")) from None
        revoked = certificate.revoked_at
        return Response(
            {
                "number": certificate.number,
                "status": "valid" if revoked is None else "revoked",
                "valid": revoked is None,
                "employee_no": certificate.holder.employee_no,
                "programme": certificate.programme_title,
                "issued_on": certificate.issued_on.isoformat(),
                "revoked_on": None if revoked is None else timezone.localdate(revoked).isoformat(),
            }
        )

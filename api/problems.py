"""Errors as RFC 9457 problem details (`application/problem+json`) for every API answer that is not a success."""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/v1/problems/"


def problem(status_code: int, title: str, detail: str = "", *, kind: str = "", **extra) -> dict:
    """A problem document; `kind` names its type under /api/v1/problems/ ("about:blank" when empty)."""
    body = {"type": f"{PROBLEM_BASE}{kind}" if kind else "about:blank", "title": title, "status": status_code}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def problem_response(body: dict, headers: dict | None = None) -> Response:
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


_KINDS = {
    status.HTTP_401_UNAUTHORIZED: ("unauthorized", gettext_lazy("Not authenticated")),
    status.HTTP_403_FORBIDDEN: ("forbidden", gettext_lazy("Scope missing")),
    status.HTTP_404_NOT_FOUND: ("not-found", gettext_lazy("Not found")),
    status.HTTP_405_METHOD_NOT_ALLOWED: ("", gettext_lazy("Method not allowed")),
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: ("too-large", gettext_lazy("Request too large")),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: ("", gettext_lazy("Unsupported media type")),
    status.HTTP_429_TOO_MANY_REQUESTS: ("rate-limited", gettext_lazy("Too many requests")),
}


def problem_exception_handler(exc, context):
    """DRF's handler (status, `WWW-Authenticate`, `Retry-After`) with the body turned into a problem document."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    kind, title = _KINDS.get(response.status_code, ("", gettext_lazy("Bad request")))
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    if isinstance(detail, list | dict):
        body = problem(response.status_code, str(title), kind=kind, invalid=detail)
    else:
        body = problem(response.status_code, str(title), str(detail), kind=kind)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a 404 problem, not the portal's HTML page."""
    body = problem(404, str(_("Not found")), str(_("There is no such API address.")), kind="not-found")
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)

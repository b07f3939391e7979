"""Portal pages of the curriculum: learner home panel and "My training", lesson completion, trainer attendance,
team matrix, HR completion report, SOP changes, and the two upload pages. Thin: parse, check, call, render."""

import time
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import check_in_codes, rules, selectors, services
from courses.attendance_file import ATTENDANCE_COLUMNS
from courses.forms import AttendanceForm, AttendanceUploadForm, AttendeeChangeForm, OfflineSessionForm
from courses.models import (
    VIEWED_LESSONS_KEY,
    DeliveryMode,
    LessonCompletion,
    LessonPage,
    OfflineSession,
    SopRevision,
)
from courses.training_file import TRAINING_COLUMNS
from portal.access import Scope, visibility_scope
from portal.cache import PEOPLE_SCOPE, STAFF_DIRECTORY_SCOPE, cached, learner_scope, person_scope
from portal.models import Team, User
from portal.months import add_months, first_of_month, parse_month
from portal.page_cache import PAGES_SCOPE
from portal.qr import qr_svg
from portal.tabular.errors import FieldError
from portal.tabular.export import csv_bytes, xlsx_bytes
from portal.uploads import ImportUploadView

MATRIX_PAGE_SIZE = 100


def _month_param(request) -> date:
    """?month=YYYY-MM, else this month; a value that is not a month is the portal's 404."""
    text = request.GET.get("month", "").strip()
    if not text:
        return first_of_month(timezone.localdate())
    try:
        return parse_month(text)
    except FieldError:
        raise Http404 from None


# --- Learner ------------------------------------------------------------------------------------------------


def my_training_panel(request):
    """Home panel: onboarding progress for new hires, this month's module and history for in-service staff."""
    overview = selectors.learner_overview(user=request.user, today=timezone.localdate(), history_limit=3)
    if overview.empty and not overview.sop_pending:
        return None
    return {"overview": overview, "history": overview.history}


@login_required
def my_training(request):
    overview = selectors.learner_overview(user=request.user, today=timezone.localdate())
    return render(request, "courses/my_training.html", {"overview": overview})


@login_required
def curriculum_search(request):
    query = request.GET.get("q", "").strip()
    results = selectors.curriculum_search(query) if query else []
    return render(request, "courses/search.html", {"query": query, "results": results})


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    viewed = request.session.get(VIEWED_LESSONS_KEY, [])
    # Only online lessons are remembered as opened (the service refuses offline ones with its own reason).
    if lesson.delivery_mode == DeliveryMode.ONLINE and lesson.pk not in viewed:
        messages.error(request, _("Open the lesson and read it before completing it."))
        return redirect(lesson.get_url(request) or "courses:my-training")
    try:
        services.lesson_complete_by_learner(staff=request.user, lesson=lesson, on_date=timezone.localdate())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Lesson completed: %(hours)s hours credited.") % {"hours": lesson.planned_hours}
        )
    return redirect(lesson.get_url(request) or "courses:my-training")


@login_required
@require_POST
def lesson_activity(request, lesson_id: int):
    """The lesson page's heartbeat (`static/portal/heartbeat.js`): `kind` = beat | hidden | idle | video_ended,
    `idle_seconds` with idle. JSON in the learner's language: how much study time is still needed."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        idle_seconds = int(request.POST.get("idle_seconds") or 0)
    except ValueError:
        idle_seconds = 0
    try:
        study = services.lesson_activity_record(
            staff=request.user, lesson=lesson, kind=request.POST.get("kind", ""), idle_seconds=idle_seconds
        )
    except ValidationError as exc:
        return _no_store(JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=400))
    if study is None:
        return _no_store(JsonResponse({"ok": True, "done": True}))
    return _no_store(
        JsonResponse(
            {
                "ok": True,
                "active_seconds": study.active_seconds,
                "remaining_seconds": study.remaining_seconds,
                "ready": study.met,
                "message": "" if study.met else selectors.study_blocker_message(study),
            }
        )
    )


@login_required
def sop_changes(request):
    pending = list(selectors.sop_revisions_pending_for(request.user)[:50])
    return render(request, "courses/sop_changes.html", {"pending": pending})


@login_required
def sop_revision_detail(request, pk: int):
    sop_revision = get_object_or_404(SopRevision.objects.select_related("lesson"), pk=pk, lesson__live=True)
    if request.method == "POST":
        services.sop_acknowledge(staff=request.user, sop_revision=sop_revision)
        messages.success(request, _("Thank you: your acknowledgement is recorded."))
        return redirect("courses:sop-changes")
    acknowledged = sop_revision.acknowledgements.filter(staff=request.user).exists()
    missing = None
    if visibility_scope(request.user) != Scope.SELF:
        missing = Paginator(
            selectors.sop_unacknowledged_staff(viewer=request.user, sop_revision=sop_revision), 100
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/sop_revision.html",
        {"sop_revision": sop_revision, "acknowledged": acknowledged, "missing": missing},
    )


# --- Team lead, manager, HR -----------------------------------------------------------------------------------


def _require_reports(user) -> None:
    if visibility_scope(user) == Scope.SELF:
        raise PermissionDenied


def team_training_panel(request):
    """Team lead's home panel: how the team stands on this month's modules."""
    today = timezone.localdate()
    staff = list(selectors.in_service_staff_visible_to(request.user))
    matrix = selectors.team_matrix(staff=staff, month=first_of_month(today), today=today)
    if not matrix["programmes"]:
        return None
    rows = matrix["rows"]
    return {
        "programmes": matrix["programmes"],
        "members": len(rows),
        "complete": sum(1 for r in rows if r["cells"] and all(c.complete for c in r["cells"])),
        "overdue": sum(1 for r in rows if r["overdue"]),
    }


@login_required
def team_matrix(request):
    _require_reports(request.user)
    today = timezone.localdate()
    month = _month_param(request)
    teams = Team.objects.filter(
        pk__in=selectors.in_service_staff_visible_to(request.user).values("team_id")
    ).select_related("department")
    team_id = request.GET.get("team") or None
    if team_id and (not str(team_id).isdigit() or not teams.filter(pk=int(team_id)).exists()):
        raise Http404
    staff_qs = selectors.in_service_staff_visible_to(request.user, team_id=int(team_id) if team_id else None)
    page = Paginator(staff_qs, MATRIX_PAGE_SIZE).get_page(request.GET.get("page"))
    members = list(page.object_list)

    def body() -> str:
        return render_to_string(
            "courses/team_matrix_body.html",
            {
                "matrix": selectors.team_matrix(staff=members, month=month, today=today),
                "page": page,
                "month": month,
                "previous_month": add_months(month, -1),
                "next_month": add_months(month, 1),
                "teams": teams,
                "team_id": int(team_id) if team_id else None,
                "sop_revisions": selectors.sop_revisions_with_missing(viewer=request.user),
            },
            request,
        )

    user = request.user
    if visibility_scope(user) == Scope.TEAM and page.paginator.num_pages == 1:
        # A lead's whole team on one page: kept rendered until a member's learning, the curriculum or the team's
        # people change (the SOP counts cover the same people).
        html = cached(
            f"team-matrix:{get_language()}:{user.pk}:{month:%Y-%m}:{team_id}:{today}",
            [
                *(learner_scope(member.pk) for member in members),
                PAGES_SCOPE,
                PEOPLE_SCOPE,
                STAFF_DIRECTORY_SCOPE,
                person_scope(user.pk),
            ],
            body,
            personal=True,
        )
    else:
        html = body()
    return render(request, "courses/team_matrix.html", {"month": month, "body": html})


REPORT_HEADER = ["department", "staff", "assigned", "complete", "overdue", "rate_percent", "met_4h", "hours"]
REPORT_PEOPLE_HEADER = [
    "department",
    "team",
    "employee_no",
    "name",
    "assigned",
    "complete",
    "overdue",
    "hours",
    "active_hours",
]


@login_required
def completion_report(request):
    user = request.user
    if visibility_scope(user) not in (Scope.DEPARTMENT, Scope.ALL):
        raise PermissionDenied
    month = _month_param(request)
    report = selectors.completion_report(viewer=user, month=month, today=timezone.localdate())
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        if request.GET.get("rows") == "people":
            header = REPORT_PEOPLE_HEADER
            rows = [
                [
                    p["department"],
                    p["team"],
                    p["staff"].employee_no,
                    p["staff"].name,
                    p["assigned"],
                    p["complete"],
                    p["overdue"],
                    f"{p['hours']:.2f}",
                    f"{p['active_hours']:.2f}",
                ]
                for p in report["people"]
            ]
        else:
            header = REPORT_HEADER
            rows = [
                [
                    d["department"],
                    d["staff"],
                    d["assigned"],
                    d["complete"],
                    d["overdue"],
                    "" if d["rate"] is None else f"{d['rate']}",
                    d["met_hours"],
                    f"{d['hours']:.2f}",
                ]
                for d in report["departments"]
            ]
        name = f"training-completion-{month:%Y-%m}.{export}"
        if export == "csv":
            response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                xlsx_bytes(header, rows, sheet_title=f"{month:%Y-%m}"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "courses/completion_report.html",
        {
            "report": report,
            "people": Paginator(report["people"], MATRIX_PAGE_SIZE).get_page(request.GET.get("page")),
            "month": month,
            "previous_month": add_months(month, -1),
            "next_month": add_months(month, 1),
        },
    )


# --- Trainers -----------------------------------------------------------------------------------------------


@login_required
@permission_required("courses.record_attendance", raise_exception=True)
def attendance(request):
    """Pick an offline lesson and a date, tick attendees (searchable), save: their hours are credited."""
    if request.method == "POST":
        form = AttendanceForm(request.POST)
        staff_ids = [int(x) for x in request.POST.getlist("staff") if x.isdigit()]
        if form.is_valid():
            if not staff_ids:
                form.add_error(None, _("Tick at least one attendee."))
            else:
                try:
                    outcome = services.attendance_record(
                        lesson=form.cleaned_data["lesson"],
                        on_date=form.cleaned_data["on_date"],
                        staff_ids=staff_ids,
                        acting_user=request.user,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(
                        request,
                        _("Attendance saved: %(recorded)s credited, %(already)s had already completed it.")
                        % outcome,
                    )
                    return redirect(
                        f"{request.path}?lesson={form.cleaned_data['lesson'].pk}"
                        f"&on_date={form.cleaned_data['on_date']:%Y-%m-%d}"
                    )
    else:
        form = AttendanceForm(initial={k: v for k, v in request.GET.items() if k in ("lesson", "on_date")})
    query = request.GET.get("q", "").strip()
    people = User.objects.filter(is_active=True).select_related("team").order_by("employee_no")
    if query:
        people = people.filter(name__icontains=query) | people.filter(employee_no__icontains=query)
    page = Paginator(people, 200).get_page(request.GET.get("page"))
    lesson_id = request.GET.get("lesson") or request.POST.get("lesson")
    attended = set()
    if lesson_id and str(lesson_id).isdigit():
        attended = set(
            LessonCompletion.objects.filter(
                lesson_id=int(lesson_id), staff_id__in=[p.pk for p in page.object_list]
            ).values_list("staff_id", flat=True)
        )
    return render(
        request,
        "courses/attendance.html",
        {"form": form, "page": page, "query": query, "attended": attended},
    )


class AttendanceUploadView(ImportUploadView):
    kind = "attendance"
    permission_required = "courses.record_attendance"
    title = gettext_lazy("Upload a paper attendance sheet")
    columns = ATTENDANCE_COLUMNS
    help_text = gettext_lazy("One attendee per row. Choose the offline lesson and the session date below.")
    form_class = AttendanceUploadForm
    success_url = "courses:attendance"

    service = staticmethod(services.attendance_import)

    def service_options(self, cleaned_data: dict) -> dict:
        return {"lesson_id": cleaned_data["lesson"].pk, "on_date": cleaned_data["on_date"]}

    def decode_options(self, stored: dict) -> dict:
        return {"lesson_id": int(stored["lesson_id"]), "on_date": date.fromisoformat(stored["on_date"])}


class TrainingRecordImportView(ImportUploadView):
    takes_mapping = True
    kind = "training_records"
    permission_required = "courses.import_training_records"
    title = gettext_lazy("Import training records")
    columns = TRAINING_COLUMNS
    help_text = gettext_lazy(
        "Category: onboarding, in_service or leadership. Hours ≥ 0 and score 0–100 with up to 2 decimals; "
        "score may be blank (a blank score keeps a stored one). A record is identified by employee, date, "
        "category and title."
    )
    success_url = "courses:completion-report"

    service = staticmethod(services.training_records_import)


# --- Offline sessions: the trainer's check-in screen and the learner's scan ---------------------------------


def _check_in_url(request, session: OfflineSession) -> str:
    token = check_in_codes.qr_token(session_id=session.pk, window=rules.check_in_window(time.time()))
    return request.build_absolute_uri(reverse("courses:check-in", args=[token]))


def _present(session: OfflineSession):
    return session.check_ins.filter(removed_at__isnull=True).select_related("staff", "staff__team")


@login_required
@permission_required("courses.record_attendance", raise_exception=True)
def session_list(request):
    """The trainer's offline sessions, and a form to schedule one."""
    form = OfflineSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.offline_session_create(
                lesson=form.cleaned_data["lesson"],
                starts_at=form.cleaned_data["starts_at"],
                room=form.cleaned_data["room"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("courses:session", pk=session.pk)
    sessions = OfflineSession.objects.select_related("lesson").order_by("-starts_at")[:50]
    return render(request, "courses/session_list.html", {"form": form, "sessions": sessions})


@login_required
@permission_required("courses.record_attendance", raise_exception=True)
def session_detail(request, pk):
    """The trainer's screen: the changing QR code while the session runs, the live list, add/remove, close."""
    session = get_object_or_404(OfflineSession.objects.select_related("lesson"), pk=pk)
    form = AttendeeChangeForm()
    if request.method == "POST":
        action = request.POST.get("action")
        form = AttendeeChangeForm(request.POST) if action in ("add", "remove") else form
        try:
            if action == "start":
                services.offline_session_start(session=session, acting_user=request.user)
            elif action == "close":
                outcome = services.offline_session_close(session=session, acting_user=request.user)
                messages.success(
                    request,
                    _("Session closed: %(recorded)s credited, %(already)s had already completed it.")
                    % outcome,
                )
            elif action in ("add", "remove") and form.is_valid():
                person = User.objects.filter(employee_no=form.cleaned_data["employee_no"].strip()).first()
                if person is None:
                    raise ValidationError(_("No staff member has this employee number."))
                change = (
                    services.session_attendee_add if action == "add" else services.session_attendee_remove
                )
                change(
                    session=session,
                    staff=person,
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
                form = AttendeeChangeForm()
            if form.is_valid() or action in ("start", "close"):
                return redirect("courses:session", pk=session.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context = {"session": session, "present": _present(session), "form": form}
    if session.status == OfflineSession.Status.RUNNING:
        url = _check_in_url(request, session)
        context |= {"check_in_url": url, "qr": qr_svg(url)}
    return render(request, "courses/session_detail.html", context)


@login_required
@permission_required("courses.record_attendance", raise_exception=True)
def session_live(request, pk):
    """What the trainer's screen refreshes every few seconds: the current code and the list of the present."""
    session = get_object_or_404(OfflineSession.objects.select_related("lesson"), pk=pk)
    context = {"session": session, "present": _present(session)}
    if session.status == OfflineSession.Status.RUNNING:
        url = _check_in_url(request, session)
        context |= {"check_in_url": url, "qr": qr_svg(url)}
    return _no_store(render(request, "courses/_session_live.html", context))


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
def check_in(request, token):
    """The page a learner's phone opens by scanning: GET shows the session and a button, POST checks in."""
    if request.method == "POST":
        try:
            session_id = check_in_codes.confirm_token_read(
                request.POST.get("confirm", ""), user_id=request.user.pk
            )
        except check_in_codes.BadCode:
            return _check_in_refused(
                request, _("This check-in page has expired: scan the code on the screen again.")
            )
        try:
            services.session_check_in(session_id=session_id, staff=request.user)
        except OfflineSession.DoesNotExist:
            raise Http404 from None
        except ValidationError as exc:
            return _check_in_refused(request, " ".join(exc.messages))
        session = OfflineSession.objects.select_related("lesson").get(pk=session_id)
        return render(request, "courses/check_in.html", {"session": session, "done": True})
    try:
        session_id, window = check_in_codes.qr_token_read(token)
    except check_in_codes.BadCode:
        return _check_in_refused(request, _("This is not a valid check-in code."))
    if not rules.check_in_code_is_current(window, time.time()):
        return _check_in_refused(
            request, _("This code has expired: it changes every 30 seconds. Scan the code on the screen now.")
        )
    session = get_object_or_404(OfflineSession.objects.select_related("lesson"), pk=session_id)
    confirm = check_in_codes.confirm_token(session_id=session.pk, user_id=request.user.pk)
    return _no_store(render(request, "courses/check_in.html", {"session": session, "confirm": confirm}))


def _check_in_refused(request, message):
    return _no_store(render(request, "courses/check_in.html", {"refused": message}, status=400))

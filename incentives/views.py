"""Thin views: parse input, check permission, call one service or selector, render."""

import time
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from incentives import selectors, services, tables
from incentives.forms import (
    DecisionForm,
    ExclusionForm,
    MonthForm,
    NominationForm,
    ReasonForm,
    ReviewForm,
    SuggestionForm,
)
from incentives.models import AwardKind, NominationStatus, SuggestionStatus
from incentives.pdf import award_letters_pdf
from portal.access import staff_get_for_user
from portal.cache import (
    CSRF_PLACEHOLDER,
    MONTH_CLOSE_SCOPE,
    MONTHS_SCOPE,
    PEOPLE_SCOPE,
    STAFF_DIRECTORY_SCOPE,
    cached,
    person_scope,
    score_month_scope,
)
from portal.db_routing import replica_reads
from portal.models import AuditEvent, User
from portal.months import add_months, first_of_month, parse_month
from portal.pagination import KeysetPage
from portal.stepup import require_step_up, step_up_required
from portal.tabular.errors import FieldError
from portal.tabular.export import csv_bytes, xlsx_bytes
from portal.verification import mask_name, verification_page

# Per-user limits of costly or spammable endpoints (security checklist item 34): (requests, seconds).
LIMITS = {"suggestion_submit": (10, 3600), "export": (30, 600), "letter": (30, 600)}


def _throttled(request, action: str) -> bool:
    """Count one use of `action` by the user in the current window; True when over the limit."""
    limit, window = LIMITS[action]
    key = f"incentives:rl:{action}:{request.user.pk}:{int(time.time() // window)}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > limit


def _too_many() -> HttpResponse:
    return HttpResponse(_("Too many requests: please wait a little."), status=429, content_type="text/plain")


def _month(text: str) -> date:
    try:
        return parse_month(text)
    except FieldError:
        raise Http404 from None


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


# --- Service Stars (HR) ------------------------------------------------------------------------------------


@login_required
@permission_required("incentives.manage_service_stars", raise_exception=True)
def star_rounds(request):
    form = MonthForm(request.GET or None)
    if form.is_valid():
        try:
            month = parse_month(form.cleaned_data["month"])
        except FieldError as exc:
            form.add_error("month", str(exc))
        else:
            return redirect("incentives:star-month", month=f"{month:%Y-%m}")
    return render(
        request,
        "incentives/star_rounds.html",
        {
            "rounds": selectors.star_rounds_list(),
            "form": form,
            "suggested": add_months(timezone.localdate(), -1),
        },
    )


# Rows of the ineligible list per page.
INELIGIBLE_PER_PAGE = 100

STAR_ACTIONS = {"exclude", "withdraw", "approve", "publish", "undo", "keep_revision"}
# The money decisions of the page: the password again when this session signed in over 15 minutes ago.
STEP_UP_STAR_ACTIONS = {"approve", "publish", "undo", "keep_revision"}


@login_required
@permission_required("incentives.manage_service_stars", raise_exception=True)
@step_up_required(when=lambda request: request.POST.get("action") in STEP_UP_STAR_ACTIONS)
def star_month(request, month):
    first = _month(month)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in STAR_ACTIONS:
            raise Http404
        try:
            _star_action(request, first, action)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            return redirect("incentives:star-month", month=f"{first:%Y-%m}")
    after, before = request.GET.get("after", "").strip(), request.GET.get("before", "").strip()
    today = timezone.localdate()
    user = request.user
    # The review as its writes left it, rendered once per reader and change: the month's scores and summaries,
    # the close checklist's inputs, the people and their permissions, and the day (the month may have ended).
    body = cached(
        f"star-month:{get_language()}:{user.pk}:{first:%Y-%m}:{today}:{after}:{before}",
        [
            score_month_scope(first),
            MONTH_CLOSE_SCOPE,
            MONTHS_SCOPE,
            PEOPLE_SCOPE,
            STAFF_DIRECTORY_SCOPE,
            person_scope(user.pk),
        ],
        lambda: render_to_string(
            "incentives/star_month_body.html",
            _star_month_context(user, first, after=after, before=before, today=today)
            | {"csrf_token": CSRF_PLACEHOLDER},
        ),
        personal=True,
    )
    return render(
        request,
        "incentives/star_month.html",
        {
            "month": first,
            # noqa below: the body is our own rendered template; the token is Django's
            "body": mark_safe(body.replace(CSRF_PLACEHOLDER, get_token(request))),  # noqa: S308
        },
    )


def _star_month_context(user, first: date, *, after: str, before: str, today: date) -> dict:
    stored = selectors.star_month_stored(
        month=first, after=after, before=before, limit=INELIGIBLE_PER_PAGE + 1
    )
    if stored is not None:
        view = stored.view
        rows, excluded, counts = stored.ineligible_page, stored.excluded, stored.reason_counts
        view.ineligible = rows[:INELIGIBLE_PER_PAGE]  # the page's rows: the month's are counted above
    else:
        # Never stored (no write has touched the month since summaries existed): computed now, not stored.
        view = selectors.star_month(month=first)
        ordered = sorted(view.ineligible, key=lambda r: r.employee_no)
        if before:
            rows = [r for r in reversed(ordered) if r.employee_no < before][: INELIGIBLE_PER_PAGE + 1]
        else:
            rows = [r for r in ordered if r.employee_no > after][: INELIGIBLE_PER_PAGE + 1]
        excluded = [row for row in ordered if row.exclusion_reason]
        counts = selectors.reason_counts(view.ineligible)
    checklist = selectors.month_close_checklist(first, today)
    can_approve, approver_note = selectors.star_approver_note(month=first, user=user)
    # Thousands may be ineligible in a large company: HR sees how many per reason, every exclusion they made,
    # and the list a page at a time.
    ineligible = KeysetPage(
        rows, key=lambda row: row.employee_no, per_page=INELIGIBLE_PER_PAGE, after=after, before=before
    )
    return {
        "view": view,
        "ineligible": ineligible,
        "ineligible_html": tables.ineligible_rows_html(ineligible.object_list),
        "updating": stored.computed_at if stored is not None and stored.stale else None,
        "reason_counts": counts,
        "excluded": excluded,
        "month": first,
        "month_key": f"{first:%Y-%m}",
        "publications": selectors.publications_for_month(first),
        "revision_reviews": selectors.star_revision_reviews(first),
        "checklist": checklist,
        "blockers": [item for item, _text in checklist if item.blocking and not item.ok],
        "warnings": [item for item, _text in checklist if not item.blocking and not item.ok],
        "can_approve": can_approve,
        "approver_note": approver_note,
        "can_publish": user.has_perm("incentives.publish_service_stars"),
        "can_award": user.has_perm("incentives.manage_awards"),
    }


def _star_action(request, month: date, action: str) -> None:
    user = request.user
    if action in ("exclude", "withdraw"):
        form = ExclusionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the employee number and a reason."))
        try:
            staff = User.objects.get(employee_no=form.cleaned_data["employee_no"].strip())
        except User.DoesNotExist:
            raise ValidationError(_("No staff member has this employee number.")) from None
        service = (
            services.service_star_exclude if action == "exclude" else services.service_star_exclusion_withdraw
        )
        service(month=month, staff=staff, reason=form.cleaned_data["reason"], acting_user=user)
        messages.success(
            request, _("Exclusion recorded.") if action == "exclude" else _("Exclusion withdrawn.")
        )
    elif action == "approve":
        services.service_star_round_approve(
            month=month,
            acting_user=user,
            reason=request.POST.get("reason", ""),
            acknowledgement=request.POST.get("acknowledgement", ""),
        )
        messages.success(request, _("Approved. The list can now be published."))
    elif action == "publish":
        services.service_star_round_publish(
            month=month, acting_user=user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Published. The month is now locked."))
    elif action == "undo":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Write the reason for undoing the publication."))
        services.service_star_publication_undo(
            month=month, reason=form.cleaned_data["reason"], acting_user=user
        )
        messages.success(request, _("Publication undone; the month is unlocked."))
    elif action == "keep_revision":
        review_id = request.POST.get("review", "")
        review = (
            selectors.star_revision_reviews(month).filter(pk=review_id if review_id.isdigit() else 0).first()
        )
        if review is None:
            raise Http404
        services.star_revision_keep(review=review, acting_user=user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Kept: the published list stands, with your reason on record."))


@login_required
@permission_required("incentives.manage_awards", raise_exception=True)
def star_letters(request, month):
    awards = selectors.star_awards_for_month(_month(month))
    if not awards:
        raise Http404
    if _throttled(request, "export"):
        return _too_many()
    response = HttpResponse(award_letters_pdf(awards, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="service-stars-{month}.pdf"'
    return response


@login_required
@permission_required("incentives.manage_awards", raise_exception=True)
@replica_reads
def payroll_export(request, month, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    first = _month(month)
    if _throttled(request, "export"):
        return _too_many()
    rows = selectors.payroll_rows(first)
    if fmt == "xlsx":
        data = xlsx_bytes(selectors.PAYROLL_HEADER, rows, sheet_title=f"{first:%Y-%m}")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = csv_bytes(selectors.PAYROLL_HEADER, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="incentive-payroll-{first:%Y-%m}.{fmt}"'
    return response


@login_required
@permission_required("incentives.manage_awards", raise_exception=True)
def spend(request):
    month = _month(request.GET["month"]) if request.GET.get("month") else first_of_month(timezone.localdate())
    return render(
        request,
        "incentives/spend.html",
        {
            "spend": selectors.month_spend(month),
            "month": month,
            "month_key": f"{month:%Y-%m}",
            "kinds": AwardKind.choices,
            "rows": selectors.payroll_rows(month),
        },
    )


@login_required
@permission_required("portal.view_auditevent", raise_exception=True)
def audit(request):
    events = AuditEvent.objects.select_related("actor").filter(action__startswith="incentives.")[:300]
    return render(request, "incentives/audit.html", {"events": events})


# --- Staff: wall, own awards, "why not me" ---------------------------------------------------------------


@login_required
def wall(request):
    # The same for every signed-in reader: rendered once per language until what it shows changes.
    months_html = cached(
        f"wall:{get_language()}",
        [selectors.WALL_SCOPE],
        lambda: render_to_string("incentives/wall_months.html", {"months": selectors.wall_months()}),
    )
    return render(request, "incentives/wall.html", {"months_html": months_html})


@login_required
def my_awards(request, employee_no=None):
    person = staff_get_for_user(request.user, employee_no=employee_no or request.user.employee_no)
    month = _month(request.GET["month"]) if request.GET.get("month") else add_months(timezone.localdate(), -1)
    row = None
    if person.is_in_service:
        row = selectors.star_month(month=month, staff_ids=[person.pk]).row_for(person.pk)
    return render(
        request,
        "incentives/my_awards.html",
        {
            "person": person,
            "is_self": person.pk == request.user.pk,
            # Amounts are the winner's own business and HR's (payroll); a lead or manager sees the awards only.
            "show_money": person.pk == request.user.pk or request.user.has_perm("incentives.manage_awards"),
            "awards": selectors.awards_for_staff(person),
            "month": month,
            "month_key": f"{month:%Y-%m}",
            "row": row,
            "published": selectors.active_publication(month) is not None,
        },
    )


@login_required
def award_letter(request, award_id):
    award = selectors.award_get_for_user(request.user, award_id)
    if _throttled(request, "letter"):
        return _too_many()
    response = HttpResponse(award_letters_pdf([award], request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="award-{award.pk}.pdf"'
    return response


def letter_verify(request, token):
    """Public (no login): the award a letter states, its month and whether it still stands, the holder masked."""
    award = selectors.award_get_by_token(token)
    return verification_page(
        request, "incentives/letter_verify.html", {"award": award, "masked_name": mask_name(award.staff.name)}
    )


# --- Innovative Service Case Award ------------------------------------------------------------------------


@login_required
def cases(request):
    if not (
        request.user.has_perm("incentives.nominate_cases")
        or request.user.has_perm("incentives.manage_awards")
    ):
        raise PermissionDenied
    return render(
        request,
        "incentives/cases.html",
        {
            "nominations": selectors.nominations_for_user(request.user)[:200],
            "can_nominate": request.user.has_perm("incentives.nominate_cases"),
        },
    )


@login_required
@permission_required("incentives.nominate_cases", raise_exception=True)
def case_new(request):
    members = (
        User.objects.filter(team_id=request.user.team_id, is_active=True)
        if request.user.team_id
        else User.objects.none()
    )
    initial = {"case_month": f"{timezone.localdate():%Y-%m}"}
    form = NominationForm(request.POST or None, request.FILES or None, team_members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.case_nominate(
                nominee=data["nominee"],
                month=data["case_month"],
                title=data["title"],
                situation=data["situation"],
                action=data["action"],
                result=data["result"],
                evidence=data.get("evidence_file"),
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Nomination submitted."))
            return redirect("incentives:case-detail", nomination_id=nomination.pk)
    return render(request, "incentives/case_new.html", {"form": form})


@login_required
def case_detail(request, nomination_id):
    nomination = selectors.nomination_get_for_user(request.user, nomination_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "reject") or not form.is_valid():
            raise Http404
        require_step_up(request)
        try:
            services.case_decide(
                nomination=nomination,
                approve=decision == "approve",
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("incentives:case-detail", nomination_id=nomination.pk)
    can_decide = (
        request.user.has_perm("incentives.manage_awards")
        and nomination.status == NominationStatus.NOMINATED
        and request.user.pk not in (nomination.nominated_by_id, nomination.nominee_id)
    )
    return render(
        request,
        "incentives/case_detail.html",
        {"nomination": nomination, "form": form, "can_decide": can_decide},
    )


@login_required
def case_evidence(request, nomination_id):
    nomination = selectors.nomination_get_for_user(request.user, nomination_id)
    if not nomination.evidence:
        raise Http404
    suffix = nomination.evidence.name.rsplit(".", 1)[-1]
    return FileResponse(
        nomination.evidence.open("rb"),
        as_attachment=True,
        filename=f"evidence-{nomination.pk}.{suffix}",
        content_type="application/octet-stream",
    )


# --- Improvement suggestions -------------------------------------------------------------------------------


@login_required
def suggestions(request):
    user = request.user
    queue = None
    if user.has_perm("incentives.review_suggestions") or user.has_perm("incentives.decide_suggestions"):
        queue = (
            selectors.suggestions_visible_to(user)
            .exclude(submitter=user)
            .filter(
                status__in=[
                    SuggestionStatus.SUBMITTED,
                    SuggestionStatus.UNDER_REVIEW,
                    SuggestionStatus.ADOPTED,
                ]
            )
        )[:200]
    return render(
        request,
        "incentives/suggestions.html",
        {"mine": user.suggestions.order_by("-submitted_at"), "queue": queue},
    )


@login_required
def suggestion_new(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and _throttled(request, "suggestion_submit"):
        return _too_many()
    if request.method == "POST" and form.is_valid():
        suggestion = services.suggestion_submit(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you: your suggestion was submitted."))
        return redirect("incentives:suggestion-detail", suggestion_id=suggestion.pk)
    return render(request, "incentives/suggestion_new.html", {"form": form})


SUGGESTION_ACTIONS = {"review", "adopt", "decline", "approve_award", "implemented"}


@login_required
def suggestion_detail(request, suggestion_id):
    user = request.user
    suggestion = selectors.suggestion_get_for_user(user, suggestion_id)
    review_form = ReviewForm()
    decision_form = DecisionForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in SUGGESTION_ACTIONS:
            raise Http404
        try:
            if action == "review":
                review_form = ReviewForm(request.POST)
                if not review_form.is_valid():
                    raise ValidationError(_("Score every criterion from 0 to 5."))
                services.suggestion_review(
                    suggestion=suggestion,
                    scores=review_form.scores(),
                    comment=review_form.cleaned_data["comment"],
                    acting_user=user,
                )
            elif action in ("adopt", "decline"):
                decision_form = DecisionForm(request.POST)
                note = decision_form.cleaned_data["note"] if decision_form.is_valid() else ""
                services.suggestion_decide(
                    suggestion=suggestion, adopt=action == "adopt", note=note, acting_user=user
                )
            elif action == "approve_award":
                require_step_up(request)
                services.suggestion_award_approve(
                    suggestion=suggestion, acting_user=user, reason=request.POST.get("reason", "")
                )
            else:
                services.suggestion_mark_implemented(suggestion=suggestion, acting_user=user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("incentives:suggestion-detail", suggestion_id=suggestion.pk)
    is_submitter = suggestion.submitter_id == user.pk
    reviews = list(suggestion.reviews.select_related("reviewer"))
    awarded = suggestion.awards.filter(revoked_at__isnull=True).first()
    return render(
        request,
        "incentives/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "is_submitter": is_submitter,
            "reviews": reviews if not is_submitter else [],
            "review_count": len(reviews),
            "review_form": review_form,
            "decision_form": decision_form,
            "can_review": user.has_perm("incentives.review_suggestions")
            and not is_submitter
            and suggestion.status in (SuggestionStatus.SUBMITTED, SuggestionStatus.UNDER_REVIEW),
            "can_decide": user.has_perm("incentives.decide_suggestions") and not is_submitter,
            "can_approve_award": user.has_perm("incentives.manage_awards")
            and suggestion.status in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED)
            and awarded is None
            and user.pk not in (suggestion.submitter_id, suggestion.decided_by_id),
            "award": awarded,
        },
    )

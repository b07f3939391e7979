"""Calibration pages: the sessions list, opening a session (QA lead), one session (blind scoring, the reference,
the deviations), the monthly evaluator-accuracy report with its Excel export, grade-the-grader reviews and the
calibration policy."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.calibration import selectors, services
from assessments.calibration.leads import is_qa_lead
from assessments.models import Call, Rubric
from portal.months import add_months, first_of_month, parse_month
from portal.tabular.errors import FieldError
from portal.tabular.export import xlsx_bytes

EVALUATE = "assessments.evaluate_staff"


def _require_lead(request) -> None:
    if not is_qa_lead(request.user):
        raise PermissionDenied


def _month(request) -> date:
    """The month asked for (this month when none); a malformed month is a 404."""
    text = (request.GET.get("month") or request.POST.get("month") or "").strip()
    if not text:
        return first_of_month(timezone.localdate())
    try:
        return parse_month(text)
    except FieldError:
        raise Http404 from None


def _levels(post, criteria) -> dict[int, int]:
    return {c.pk: int(post[f"c{c.pk}"]) for c in criteria if post.get(f"c{c.pk}", "").isdigit()}


@never_cache
@login_required
@permission_required(EVALUATE, raise_exception=True)
def session_list(request):
    return render(
        request,
        "assessments/calibration/session_list.html",
        {"sessions": selectors.sessions_for_user(request.user), "is_lead": is_qa_lead(request.user)},
    )


@never_cache
@login_required
def session_new(request):
    _require_lead(request)
    evaluators = [e for e in selectors.evaluators_list() if e.pk != request.user.pk]
    rubrics = list(Rubric.objects.filter(is_active=True).order_by("kind", "name"))
    values = {
        "call_id": request.GET.get("call_id", ""),
        "rubric": "",
        "score_by": f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}",
        "note": "",
        "evaluators": [],
    }
    if request.method == "POST":
        values = {
            "call_id": request.POST.get("call_id", "").strip(),
            "rubric": request.POST.get("rubric", ""),
            "score_by": request.POST.get("score_by", "").strip(),
            "note": request.POST.get("note", ""),
            "evaluators": request.POST.getlist("evaluators"),
        }
        try:
            call = Call.objects.select_related("staff").filter(call_id=values["call_id"]).first()
            if call is None:
                raise ValidationError(_("call_id: no imported call has this id."))
            rubric = next((r for r in rubrics if str(r.pk) == values["rubric"]), None)
            if rubric is None:
                raise ValidationError(_("Choose an active rubric."))
            try:
                score_by = date.fromisoformat(values["score_by"])
            except ValueError:
                raise ValidationError(_("score by: give a date as YYYY-MM-DD.")) from None
            chosen = [e for e in evaluators if str(e.pk) in values["evaluators"]]
            session = services.calibration_session_open(
                call=call,
                rubric=rubric,
                evaluators=chosen,
                score_by=score_by,
                note=values["note"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request, _("Calibration session opened; the evaluators see it in their work queue.")
            )
            return redirect("assessments:calibration-session", session.pk)
    return render(
        request,
        "assessments/calibration/session_new.html",
        {"values": values, "evaluators": evaluators, "rubrics": rubrics},
    )


@never_cache
@login_required
def session_detail(request, pk):
    session = selectors.session_get_for_user(request.user, pk)
    if request.method == "POST":
        criteria = list(session.criteria.all())
        try:
            if request.POST.get("action") == "reference":
                services.calibration_reference_set(
                    session_id=session.pk,
                    levels=_levels(request.POST, criteria),
                    notes={c.pk: request.POST.get(f"n{c.pk}", "") for c in criteria},
                    acting_user=request.user,
                )
                messages.success(request, _("Reference set: each evaluator now sees their deviation."))
            else:
                services.calibration_scores_submit(
                    session_id=session.pk, levels=_levels(request.POST, criteria), acting_user=request.user
                )
                messages.success(
                    request, _("Your scores are saved. You see your deviation once the reference is set.")
                )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            return redirect("assessments:calibration-session", session.pk)
        session = selectors.session_get_for_user(request.user, pk)
    return render(
        request,
        "assessments/calibration/session_detail.html",
        {"session": session, "call": session.call, **selectors.session_view(session, request.user)},
    )


def _may_see_report(user) -> bool:
    return is_qa_lead(user) or user.has_perm("assessments.manage_qa")


EXPORT_HEADER = [
    "month",
    "employee_no",
    "name",
    "sessions_invited",
    "sessions_joined",
    "criteria",
    "mean_abs_deviation",
    "within_tolerance_percent",
    "tolerance",
    "flagged",
    "trend",
]


@never_cache
@login_required
def accuracy_report(request):
    if not _may_see_report(request.user):
        raise PermissionDenied
    month = _month(request)
    report = selectors.evaluator_accuracy_report(month)
    if request.GET.get("format") == "xlsx":
        header = [
            *EXPORT_HEADER,
            *(f"mad_{m:%Y-%m}" for m in report["months"]),
            "reviews",
            "agreement_percent",
        ]
        rows = [
            [
                f"{month:%Y-%m}",
                row.evaluator.employee_no,
                row.evaluator.name,
                row.invited,
                row.accuracy.sessions,
                row.accuracy.criteria,
                row.mad,
                row.within_share,
                report["tolerance"],
                "yes" if row.accuracy.flagged else "no",
                row.trend,
                *(mad for _m, mad in row.history),
                row.reviews,
                row.agreement_shown,
            ]
            for row in report["rows"]
        ]
        response = HttpResponse(
            xlsx_bytes(header, rows, sheet_title=f"{month:%Y-%m}"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="evaluator-accuracy-{month:%Y-%m}.xlsx"'
        return response
    return render(
        request,
        "assessments/calibration/accuracy_report.html",
        {
            **report,
            "month_text": f"{month:%Y-%m}",
            "previous": f"{add_months(month, -1):%Y-%m}",
            "next": f"{add_months(month, 1):%Y-%m}",
            "is_lead": is_qa_lead(request.user),
            "policy": selectors.calibration_policy_get(),
        },
    )


@never_cache
@login_required
def review_list(request):
    _require_lead(request)
    month = _month(request)
    return render(
        request,
        "assessments/calibration/review_list.html",
        {
            "reviews": selectors.reviews_for_lead(request.user, month),
            "month_text": f"{month:%Y-%m}",
            "previous": f"{add_months(month, -1):%Y-%m}",
            "next": f"{add_months(month, 1):%Y-%m}",
            "policy": selectors.calibration_policy_get(),
        },
    )


@login_required
@require_POST
def review_draw(request):
    _require_lead(request)
    month = _month(request)
    try:
        outcome = services.grader_review_draw(month=month, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if outcome.draw is None:
            messages.info(
                request, _("No new evaluation to draw: every evaluator has their sample or nothing new.")
            )
        else:
            messages.success(request, _("%(n)s evaluations drawn for review.") % {"n": outcome.drawn})
    return redirect(f"{reverse('assessments:grader-reviews')}?month={month:%Y-%m}")


@never_cache
@login_required
def review_detail(request, pk):
    review = selectors.review_get_for_lead(request.user, pk)
    if request.method == "POST" and review.reviewed_at is None:
        verdicts = {}
        for position, _scored in enumerate(review.evaluation.criteria_scores):
            choice = request.POST.get(f"v{position}")
            if choice in ("agree", "disagree"):
                verdicts[position] = (choice == "agree", request.POST.get(f"n{position}", ""))
        try:
            services.grader_review_submit(review_id=review.pk, verdicts=verdicts, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Review saved."))
            return redirect(f"{reverse('assessments:grader-reviews')}?month={review.draw.month:%Y-%m}")
    items = {item.position: item for item in review.items.all()}
    criteria = [
        {"position": position, "scored": scored, "item": items.get(position)}
        for position, scored in enumerate(review.evaluation.criteria_scores)
    ]
    return render(
        request,
        "assessments/calibration/review_detail.html",
        {"review": review, "evaluation": review.evaluation, "criteria": criteria, "post": request.POST},
    )


@never_cache
@login_required
@permission_required("assessments.manage_qa", raise_exception=True)
def policy_edit(request):
    policy = selectors.calibration_policy_get()
    values = {
        "tolerance_points": str(policy.tolerance_points),
        "reviews_per_evaluator": str(policy.reviews_per_evaluator),
        "review_days": str(policy.review_days),
        "reason": "",
    }
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        try:
            try:
                tolerance = Decimal(values["tolerance_points"])
            except InvalidOperation:
                raise ValidationError(_("tolerance: give a number of points, such as 5 or 2.5.")) from None
            if not (values["reviews_per_evaluator"].isdigit() and values["review_days"].isdigit()):
                raise ValidationError(_("Give whole numbers for the evaluations to review and the days."))
            services.calibration_policy_update(
                tolerance_points=tolerance,
                reviews_per_evaluator=int(values["reviews_per_evaluator"]),
                review_days=int(values["review_days"]),
                reason=values["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Calibration policy saved."))
            return redirect("assessments:calibration-report")
    return render(request, "assessments/calibration/policy_form.html", {"values": values})

"""Scorecard pages: trainers/QA score a person on a rubric; people see and dispute; a second evaluator decides."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.models import DisputeStatus, Evaluation, Rubric
from assessments.scorecards import services as scorecard_services
from assessments.scorecards.evaluations_file import EVALUATION_COLUMNS
from portal.access import filter_by_staff_visibility
from portal.models import User
from portal.uploads import ImportUploadView


def _evaluation_for(user, evaluation_id) -> Evaluation:
    """Own evaluations; team/department/all per visibility; evaluators see every evaluation. Else 404."""
    qs = Evaluation.objects.select_related("staff", "rubric", "evaluator_user", "resolved_by")
    if not user.has_perm("assessments.evaluate_staff"):
        qs = filter_by_staff_visibility(user, qs)
    evaluation = qs.filter(pk=evaluation_id).first()
    if evaluation is None:
        raise Http404
    return evaluation


@login_required
def my_evaluations(request):
    evaluations = Evaluation.objects.filter(staff=request.user).order_by("-date", "-pk")[:200]
    return render(request, "assessments/scorecards/my_evaluations.html", {"evaluations": evaluations})


@login_required
def evaluation_detail(request, evaluation_id):
    evaluation = _evaluation_for(request.user, evaluation_id)
    can_dispute = (
        evaluation.staff_id == request.user.pk
        and not evaluation.dispute_status
        and timezone.localdate() <= scorecard_services.dispute_deadline(evaluation)
    )
    can_resolve = (
        evaluation.dispute_status == DisputeStatus.OPEN
        and request.user.has_perm("assessments.evaluate_staff")
        and request.user.pk not in (evaluation.evaluator_user_id, evaluation.staff_id)
    )
    return render(
        request,
        "assessments/scorecards/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "can_dispute": can_dispute,
            "can_resolve": can_resolve,
            "deadline": scorecard_services.dispute_deadline(evaluation),
        },
    )


@login_required
@require_POST
def evaluation_dispute(request, evaluation_id):
    evaluation = _evaluation_for(request.user, evaluation_id)
    try:
        scorecard_services.evaluation_dispute(
            evaluation=evaluation, acting_user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Your dispute was sent to a second evaluator."))
    return redirect("assessments:evaluation-detail", evaluation_id=evaluation.pk)


@login_required
@permission_required("assessments.evaluate_staff", raise_exception=True)
@require_POST
def evaluation_resolve(request, evaluation_id):
    evaluation = _evaluation_for(request.user, evaluation_id)
    new_score = None
    if request.POST.get("new_score"):
        try:
            new_score = Decimal(request.POST["new_score"])
        except InvalidOperation:
            new_score = Decimal(-1)
    try:
        scorecard_services.evaluation_dispute_resolve(
            evaluation=evaluation,
            acting_user=request.user,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
            new_score=new_score,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Decision saved."))
    return redirect("assessments:evaluation-detail", evaluation_id=evaluation.pk)


@login_required
@permission_required("assessments.evaluate_staff", raise_exception=True)
def dispute_queue(request):
    evaluations = (
        Evaluation.objects.filter(dispute_status=DisputeStatus.OPEN)
        .exclude(evaluator_user=request.user)
        .select_related("staff")
        .order_by("disputed_at")
    )
    return render(request, "assessments/scorecards/dispute_queue.html", {"evaluations": evaluations})


@login_required
@permission_required("assessments.evaluate_staff", raise_exception=True)
def scorecard_new(request):
    rubrics = Rubric.objects.filter(is_active=True)
    rubric = None
    if request.GET.get("rubric") or request.POST.get("rubric"):
        rubric = get_object_or_404(rubrics, pk=request.GET.get("rubric") or request.POST.get("rubric"))
    if request.method == "POST" and rubric is not None:
        staff = User.objects.filter(
            employee_no=request.POST.get("employee_no", "").strip(), is_active=True
        ).first()
        on_date = parse_date(request.POST.get("date", "") or "")
        levels = {}
        for criterion in rubric.criteria.all():
            value = request.POST.get(f"c{criterion.pk}", "")
            if value.isdigit():
                levels[criterion.pk] = int(value)
        try:
            if staff is None:
                raise ValidationError(_("No active staff member has that employee number."))
            if on_date is None:
                raise ValidationError(_("Give the date as YYYY-MM-DD."))
            evaluation = scorecard_services.scorecard_evaluate(
                staff=staff,
                rubric=rubric,
                on_date=on_date,
                levels=levels,
                acting_user=request.user,
                recording_ref=request.POST.get("recording_ref", ""),
                channel=request.POST.get("channel", ""),
                customer_type=request.POST.get("customer_type", ""),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Evaluation saved: %(score)s.") % {"score": evaluation.score})
            return redirect("assessments:evaluation-detail", evaluation_id=evaluation.pk)
    return render(
        request,
        "assessments/scorecards/scorecard_form.html",
        {
            "rubrics": rubrics,
            "rubric": rubric,
            "criteria": list(rubric.criteria.all()) if rubric else [],
            "today": timezone.localdate().isoformat(),
            "post": request.POST,
        },
    )


class EvaluationImportView(ImportUploadView):
    takes_mapping = True
    kind = "evaluations"
    permission_required = "assessments.import_evaluations"
    title = gettext_lazy("Import QA evaluations")
    columns = EVALUATION_COLUMNS
    help_text = gettext_lazy(
        "kind: spot_check or role_play; score 0–100 with up to 2 decimals; evaluator as free text. "
        "A record is identified by employee, date, kind and evaluator."
    )
    success_url = "portal:home"

    service = staticmethod(scorecard_services.evaluation_import)

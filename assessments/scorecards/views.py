"""Scorecard pages: trainers/QA score a person on a rubric; people see their evaluations and dispute them; the
team lead endorses or rejects, a QA lead decides; HR reviews critical failures and appoints QA leads."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.models import Evaluation, Rubric
from assessments.scorecards import selectors
from assessments.scorecards import services as scorecard_services
from assessments.scorecards.evaluations_file import EVALUATION_COLUMNS
from assessments.scoring.selectors import scoring_policy_for_month
from portal.access import filter_by_staff_visibility
from portal.models import Role, User
from portal.services import month_is_locked
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
    user = request.user
    today = timezone.localdate()
    deadline = scorecard_services.dispute_deadline(evaluation)
    return render(
        request,
        "assessments/scorecards/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "can_dispute": (
                evaluation.staff_id == user.pk and not evaluation.dispute_status and today <= deadline
            ),
            "can_review": selectors.may_review_dispute(user, evaluation),
            "can_decide": selectors.may_decide_dispute(user, evaluation),
            "can_hr_review": (
                evaluation.hr_review_needed
                and evaluation.hr_reviewed_at is None
                and user.has_perm("assessments.review_critical_failures")
            ),
            "deadline": deadline,
            "policy": scoring_policy_for_month(evaluation.date),
            "timeline": selectors.dispute_timeline(evaluation, today=today),
            "month_locked": month_is_locked(evaluation.date),
            "failed_criteria": [c["criterion"] for c in evaluation.criteria_scores if c.get("failed")],
            "revise_criteria": _revise_choices(evaluation)
            if selectors.may_decide_dispute(user, evaluation)
            else [],
            "criteria_rows": _criteria_rows(evaluation),
        },
    )


def _revise_choices(evaluation) -> list[dict]:
    """The rubric's criteria with their levels, the level given first selected, for the QA lead's revision."""
    if evaluation.rubric_id is None:
        return []
    given = {c["criterion"]: c.get("level") for c in evaluation.criteria_scores}
    return [
        {
            "id": criterion.pk,
            "name": criterion.name,
            "levels": [
                {
                    "index": index,
                    "label": level.get("label", ""),
                    "percent": level["percent"],
                    "selected": level.get("label", "") == given.get(criterion.name),
                }
                for index, level in enumerate(criterion.levels)
            ],
        }
        for criterion in evaluation.rubric.criteria.all()
    ]


def _criteria_rows(evaluation) -> list[dict]:
    """Each criterion as scored now, beside its level before the dispute and a revision kept beside a published
    score, when there is one."""
    before = {c["criterion"]: c for c in evaluation.original_criteria_scores}
    pending = {c["criterion"]: c for c in evaluation.revised_criteria_pending}
    return [
        {**row, "before": before.get(row["criterion"]), "pending": pending.get(row["criterion"])}
        for row in evaluation.criteria_scores
    ]


def _act(request, evaluation_id, act, success: str):
    """Run one step of the chain on a visible evaluation: a refusal of the wrong person answers 403, bad input
    is shown on the evaluation page."""
    evaluation = _evaluation_for(request.user, evaluation_id)
    try:
        act(evaluation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("assessments:evaluation-detail", evaluation_id=evaluation.pk)


@login_required
@require_POST
def evaluation_dispute(request, evaluation_id):
    return _act(
        request,
        evaluation_id,
        lambda e: scorecard_services.evaluation_dispute(
            evaluation=e, acting_user=request.user, reason=request.POST.get("reason", "")
        ),
        _("Your dispute was sent to your team lead."),
    )


@login_required
@require_POST
def evaluation_review(request, evaluation_id):
    decision = request.POST.get("decision", "")
    if decision not in ("endorse", "reject"):
        raise Http404
    return _act(
        request,
        evaluation_id,
        lambda e: scorecard_services.evaluation_dispute_review(
            evaluation=e,
            acting_user=request.user,
            endorse=decision == "endorse",
            note=request.POST.get("note", ""),
        ),
        _("Dispute endorsed: a QA lead decides it.") if decision == "endorse" else _("Dispute rejected."),
    )


@login_required
@require_POST
def evaluation_resolve(request, evaluation_id):
    new_levels = {}
    for key, value in request.POST.items():
        if key.startswith("level_") and key[6:].isdigit() and value.lstrip("-").isdigit():
            new_levels[int(key[6:])] = int(value)
    new_score = None
    if request.POST.get("new_score"):
        try:
            new_score = Decimal(request.POST["new_score"])
        except InvalidOperation:
            new_score = Decimal(-1)
    return _act(
        request,
        evaluation_id,
        lambda e: scorecard_services.evaluation_dispute_resolve(
            evaluation=e,
            acting_user=request.user,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
            new_score=new_score,
            new_levels=new_levels,
        ),
        _("Decision saved."),
    )


@login_required
@permission_required("assessments.review_critical_failures", raise_exception=True)
@require_POST
def evaluation_critical_review(request, evaluation_id):
    return _act(
        request,
        evaluation_id,
        lambda e: scorecard_services.evaluation_critical_review(
            evaluation=e, acting_user=request.user, note=request.POST.get("note", "")
        ),
        _("Review recorded."),
    )


QUEUE_ROLES = (Role.TEAM_LEAD, Role.TRAINER, Role.HR, Role.ADMIN)


@login_required
def dispute_queue(request):
    """What waits for this person in the appeal chain: as team lead, as QA lead; HR sees every open dispute."""
    user = request.user
    if not (user.is_superuser or user.role in QUEUE_ROLES):
        raise PermissionDenied
    today = timezone.localdate()
    is_hr = user.has_perm("assessments.manage_qa_leads")

    def rows(qs):
        return selectors.with_pending_steps(qs[:500])

    return render(
        request,
        "assessments/scorecards/dispute_queue.html",
        {
            "as_lead": rows(selectors.disputes_for_team_lead(user)) if user.role == Role.TEAM_LEAD else None,
            "as_qa_lead": rows(selectors.disputes_for_qa_lead(user)),
            "is_qa_lead": selectors.is_qa_lead(user),
            "all_open": rows(selectors.disputes_open()) if is_hr else None,
            "today": today,
            "is_hr": is_hr,
            "can_evaluate": user.has_perm("assessments.evaluate_staff"),
        },
    )


def disputes_panel(request):
    """Home-page counts of what waits for this person in the appeal chain (and for HR, overdue steps and
    critical failures to review); hidden when nothing waits."""
    user = request.user
    today = timezone.localdate()
    counts = {
        "as_lead": selectors.disputes_for_team_lead(user).count(),
        "as_qa_lead": selectors.disputes_for_qa_lead(user).count(),
        "overdue": 0,
        "critical": 0,
    }
    if user.has_perm("assessments.manage_qa_leads"):
        counts["overdue"] = sum(
            1
            for e in selectors.disputes_open()[:2000]
            if (step := selectors.pending_step_of(e)) and step.overdue(today)
        )
    if user.has_perm("assessments.review_critical_failures"):
        counts["critical"] = selectors.critical_failures().count()
    return counts if any(counts.values()) else None


@login_required
@permission_required("assessments.review_critical_failures", raise_exception=True)
def critical_failures(request):
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "assessments/scorecards/critical_failures.html",
        {"evaluations": selectors.critical_failures(pending_only=not show_all)[:500], "show_all": show_all},
    )


@login_required
@permission_required("assessments.manage_qa_leads", raise_exception=True)
def qa_leads(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("appoint", "remove"):
            raise Http404
        person = User.objects.filter(employee_no=request.POST.get("employee_no", "").strip()).first()
        try:
            if person is None:
                raise ValidationError(_("No staff member has this employee number."))
            service = (
                scorecard_services.qa_lead_appoint
                if action == "appoint"
                else scorecard_services.qa_lead_remove
            )
            service(user=person, acting_user=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("QA lead appointed.") if action == "appoint" else _("QA lead role ended.")
            )
            return redirect("assessments:qa-leads")
    return render(
        request,
        "assessments/scorecards/qa_leads.html",
        {"leads": selectors.qa_leads(), "post": request.POST},
    )


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

"""QA pages: the call-list upload and its background job's progress, HR's coverage page (with the draw button and the QA policy), and the
evaluator's sampled calls with the pre-filled evaluation form."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.models import CallImportJob, Rubric
from assessments.qa import selectors, uploads
from assessments.qa import services as qa_services
from assessments.qa.calls_file import CALL_COLUMNS, CALL_OPTIONAL_COLUMNS
from portal.models import User
from portal.months import add_months, first_of_month, parse_month
from portal.selectors import import_mapping_names
from portal.tabular.errors import FieldError

CALLS_HELP = gettext_lazy(
    "call_id identifies a call (the same call again is unchanged or updated); started_at as "
    "YYYY-MM-DD HH:MM:SS in Beijing time; duration_s in seconds; channel: phone, chat, email, video or other; "
    "recording_url is a link stored and shown, never opened by the portal; transcript (optional, up to "
    "200 KB) one utterance a line starting 坐席: or 客户:, optionally after [mm:ss]."
)


@never_cache
@login_required
@permission_required("assessments.import_calls", raise_exception=True)
def call_import(request):
    """Upload a call list (up to QA_CALLS_UPLOAD_MAX_MB): it is checked or imported in the background and the
    person follows it on the job's page."""
    mappings = import_mapping_names("calls")
    if request.method == "POST":
        upload = request.FILES.get("file")
        mapping = request.POST.get("mapping", "").strip()
        try:
            if upload is None:
                raise ValidationError(_("Choose a .csv or .xlsx file."))
            if mapping and mapping not in mappings:
                raise ValidationError(_("Choose one of the saved column mappings."))
            job = uploads.call_import_job_start(
                upload=upload,
                mapping_name=mapping,
                dry_run=request.POST.get("check_only") == "1",
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("assessments:call-import-job", job_id=job.pk)
    return render(
        request,
        "assessments/qa/call_import.html",
        {
            "columns": [*CALL_COLUMNS, *CALL_OPTIONAL_COLUMNS],
            "help_text": CALLS_HELP,
            "max_mb": settings.QA_CALLS_UPLOAD_MAX_MB,
            "mappings": mappings,
            "jobs": selectors.call_import_jobs_for(request.user)[:10],
        },
    )


@never_cache
@login_required
@permission_required("assessments.import_calls", raise_exception=True)
def call_import_job(request, job_id):
    job = get_object_or_404(CallImportJob, pk=job_id, requested_by=request.user)
    if request.method == "POST":
        try:
            uploads.call_import_job_confirm(job_id=job.pk, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("assessments:call-import-job", job_id=job.pk)
    return render(request, "assessments/qa/call_import_job.html", {"job": job})


def _month(request) -> date:
    """?month=YYYY-MM (or the posted month), else this month; a malformed month is the 404."""
    text = (request.GET.get("month") or request.POST.get("month") or "").strip()
    if not text:
        return first_of_month(timezone.localdate())
    try:
        return parse_month(text)
    except FieldError:
        raise Http404 from None


@never_cache
@login_required
@permission_required("assessments.manage_qa", raise_exception=True)
def coverage(request):
    month = _month(request)
    sample = selectors.qa_sample_get(month)
    return render(
        request,
        "assessments/qa/coverage.html",
        {
            "month": month,
            "month_text": f"{month:%Y-%m}",
            "previous": f"{add_months(month, -1):%Y-%m}",
            "next": f"{add_months(month, 1):%Y-%m}",
            "rows": selectors.qa_coverage(month),
            "draws": sample["draws"],
            "sampled": len(sample["assigned"]),
            "accuracy": selectors.rule_accuracy(month),
            "policy": selectors.qa_policy_get(),
        },
    )


@login_required
@permission_required("assessments.manage_qa", raise_exception=True)
@require_POST
def sample_draw(request):
    month = _month(request)
    try:
        outcome = qa_services.qa_sample_draw(month=month, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if outcome.draw is None:
            messages.info(
                request, _("No new call to draw: every agent has their plan or no new eligible call.")
            )
        else:
            messages.success(
                request, _("%(n)s calls drawn and assigned to QA evaluators.") % {"n": outcome.drawn}
            )
    return redirect(f"{reverse('assessments:qa-coverage')}?month={month:%Y-%m}")


@never_cache
@login_required
@permission_required("assessments.manage_qa", raise_exception=True)
def policy_edit(request):
    policy = selectors.qa_policy_get()
    values = {
        "spot_checks_per_agent": policy.spot_checks_per_agent,
        "min_call_seconds": policy.min_call_seconds,
        "evaluator_capacity": policy.evaluator_capacity,
        "reason": "",
    }
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        capacity = values["evaluator_capacity"]
        try:
            if not (values["spot_checks_per_agent"].isdigit() and values["min_call_seconds"].isdigit()):
                raise ValidationError(_("Give whole numbers for the spot checks and the call length."))
            if capacity and not capacity.isdigit():
                raise ValidationError(_("Give the capacity as a whole number of calls, or leave it blank."))
            qa_services.qa_policy_update(
                spot_checks_per_agent=int(values["spot_checks_per_agent"]),
                min_call_seconds=int(values["min_call_seconds"]),
                evaluator_capacity=int(capacity) if capacity else None,
                reason=values["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("QA policy saved."))
            return redirect("assessments:qa-coverage")
    return render(request, "assessments/qa/policy_form.html", {"values": values, "policy": policy})


@never_cache
@login_required
@permission_required("assessments.manage_qa", raise_exception=True)
def capacity_list(request):
    month = _month(request)
    return render(
        request,
        "assessments/qa/capacity_list.html",
        {
            "month": month,
            "month_text": f"{month:%Y-%m}",
            "previous": f"{add_months(month, -1):%Y-%m}",
            "next": f"{add_months(month, 1):%Y-%m}",
            "loads": selectors.qa_evaluator_loads(month),
            "policy": selectors.qa_policy_get(),
        },
    )


@never_cache
@login_required
@permission_required("assessments.manage_qa", raise_exception=True)
def capacity_edit(request, employee_no):
    evaluator = get_object_or_404(User, employee_no=employee_no, pk__in=selectors.qa_evaluator_ids().values())
    current = getattr(evaluator, "qa_capacity", None)  # None when HR never set it
    values = {"calls_per_month": current.calls_per_month if current else "", "reason": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        try:
            text = values["calls_per_month"]
            if text and not text.isdigit():
                raise ValidationError(_("Give the capacity as a whole number of calls, or leave it blank."))
            qa_services.qa_evaluator_capacity_set(
                evaluator=evaluator,
                calls_per_month=int(text) if text else None,
                reason=values["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Capacity of %(name)s saved.") % {"name": evaluator.name})
            return redirect("assessments:qa-capacity")
    return render(
        request,
        "assessments/qa/capacity_form.html",
        {"evaluator": evaluator, "values": values, "policy": selectors.qa_policy_get()},
    )


@never_cache
@login_required
@permission_required("assessments.evaluate_staff", raise_exception=True)
def my_sampled_calls(request):
    return render(
        request,
        "assessments/qa/my_calls.html",
        {"sampled_calls": selectors.sampled_calls_for_evaluator(request.user)},
    )


@never_cache
@login_required
@permission_required("assessments.evaluate_staff", raise_exception=True)
def sampled_call_evaluate(request, sampled_call_id):
    sampled = selectors.sampled_call_get_for_evaluator(request.user, sampled_call_id)
    rubrics = list(Rubric.objects.filter(is_active=True, kind="spot_check"))
    chosen = request.POST.get("rubric") or request.GET.get("rubric")
    rubric = next((r for r in rubrics if str(r.pk) == chosen), rubrics[0] if rubrics else None)
    if request.method == "POST" and rubric is not None and not sampled.evaluation_id:
        levels = {
            c.pk: int(request.POST[f"c{c.pk}"])
            for c in rubric.criteria.all()
            if request.POST.get(f"c{c.pk}", "").isdigit()
        }
        decisions = {
            int(key[1:]): value == "pass"
            for key, value in request.POST.items()
            if key.startswith("r") and key[1:].isdigit() and value in ("pass", "fail")
        }
        try:
            qa_services.sampled_call_evaluate(
                sampled_call_id=sampled.pk,
                rubric=rubric,
                levels=levels,
                decisions=decisions,
                acting_user=request.user,
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect("assessments:qa-my-calls")
    return render(
        request,
        "assessments/qa/sampled_call.html",
        {
            "sampled": sampled,
            "call": sampled.call,
            "rubrics": rubrics,
            "rubric": rubric,
            "post": request.POST,
            **selectors.sampled_call_form(sampled, rubric),
        },
    )

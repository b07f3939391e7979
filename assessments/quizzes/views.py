"""Learner and trainer pages for quizzes: thin interfaces over quiz_services and quiz_selectors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.models import AttemptItem, QuestionBank
from assessments.quizzes import gift, integrity
from assessments.quizzes import grading as quiz_grading
from assessments.quizzes import rules as quiz_rules
from assessments.quizzes import selectors as quiz_selectors
from assessments.quizzes import services as quiz_services
from courses.selectors import heartbeat_seconds, idle_prompt_seconds
from portal.uploads import ImportUploadView


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_quizzes(request):
    rows = quiz_selectors.active_quizzes_with_results(staff=request.user)
    return _no_store(render(request, "assessments/quiz/my_quizzes.html", {"rows": rows}))


@login_required
def quiz_detail(request, quiz_id):
    quiz = quiz_selectors.quiz_get_for_learner(quiz_id)
    # An attempt whose time is up shows as ended; the next write or `close_expired_attempts` stores that.
    now = timezone.now()
    attempts = [
        quiz_grading.attempt_as_read(a, now=now)
        for a in quiz_selectors.attempts_of(quiz=quiz, staff=request.user)
    ]
    left = quiz_rules.attempts_left(quiz.max_attempts, sum(a.counts_toward_limit for a in attempts))
    return _no_store(
        render(
            request,
            "assessments/quiz/quiz_detail.html",
            {
                "quiz": quiz,
                "attempts": attempts,
                "attempts_left": left,
                "open_attempt": next((a for a in attempts if a.is_open), None),
            },
        )
    )


@login_required
@require_POST
def attempt_start(request, quiz_id):
    quiz = quiz_selectors.quiz_get_for_learner(quiz_id)
    try:
        attempt = quiz_services.attempt_start(quiz=quiz, staff=request.user)
    except quiz_grading.QuizError as exc:
        messages.error(request, exc.message)
        return redirect("assessments:quiz-detail", quiz_id=quiz.pk)
    return redirect("assessments:attempt", attempt_id=attempt.pk)


@login_required
def attempt_page(request, attempt_id):
    attempt = quiz_selectors.attempt_get_for_user(request.user, attempt_id)
    if not attempt.is_open or quiz_grading.attempt_clock_end(attempt, timezone.now()) is not None:
        return redirect("assessments:attempt-result", attempt_id=attempt.pk)
    items = [quiz_selectors.item_for_learner(item) for item in attempt.items.all()]
    remaining = None
    if attempt.deadline is not None:
        remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    return _no_store(
        render(
            request,
            "assessments/quiz/attempt.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "items": items,
                "remaining": remaining,
                "heartbeat_seconds": heartbeat_seconds(),
                "idle_seconds": quiz_rules.idle_prompt_seconds(
                    attempt.quiz.idle_submit_minutes, idle_prompt_seconds()
                ),
                "leave_message": _leave_message(attempt.leaves_counted, attempt.quiz.leave_limit),
            },
        )
    )


@login_required
@require_POST
def attempt_answer(request, attempt_id):
    """Autosave one answer: `slot`, `version` and the item's `q<slot>…` fields. JSON in, JSON out."""
    attempt = quiz_selectors.attempt_get_for_user(request.user, attempt_id)
    try:
        slot = int(request.POST.get("slot", ""))
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _no_store(JsonResponse({"ok": False, "error": _("Bad request.")}, status=400))
    try:
        new_version = quiz_services.attempt_answer_save(
            attempt=attempt, slot=slot, post=request.POST, version=version
        )
    except quiz_grading.StaleAnswer as exc:
        return _no_store(
            JsonResponse({"ok": False, "error": exc.message, "version": exc.current_version}, status=409)
        )
    except quiz_grading.DeadlinePassed as exc:
        return _no_store(JsonResponse({"ok": False, "error": exc.message, "closed": True}, status=403))
    except quiz_grading.QuizError as exc:
        return _no_store(JsonResponse({"ok": False, "error": exc.message, "closed": True}, status=403))
    return _no_store(JsonResponse({"ok": True, "version": new_version}))


def _leave_message(leaves: int, limit: int | None) -> str:
    if limit is None:
        return ""
    return _("Left the exam page: %(n)d of %(limit)d times allowed (under 15 seconds is not counted).") % {
        "n": leaves,
        "limit": limit,
    }


@login_required
@require_POST
def attempt_activity(request, attempt_id):
    """The exam page's heartbeat (`static/portal/heartbeat.js`): kind = beat | hidden | idle. JSON out."""
    attempt = quiz_selectors.attempt_get_for_user(request.user, attempt_id)
    kind = request.POST.get("kind", "")
    if kind == "video_ended":
        kind = integrity.Activity.BEAT
    try:
        result = integrity.attempt_activity_record(attempt=attempt, kind=kind)
    except quiz_grading.QuizError as exc:
        return _no_store(JsonResponse({"ok": False, "error": exc.message}, status=400))
    if result.closed:
        url = reverse("assessments:attempt-result", kwargs={"attempt_id": attempt.pk})
        return _no_store(JsonResponse({"ok": True, "closed": True, "redirect": url}))
    return _no_store(
        JsonResponse(
            {
                "ok": True,
                "leaves": result.leaves_counted,
                "limit": result.leave_limit,
                "message": _leave_message(result.leaves_counted, result.leave_limit),
            }
        )
    )


@login_required
@require_POST
def attempt_appeal(request, attempt_id):
    attempt = quiz_selectors.attempt_get_for_user(request.user, attempt_id)
    try:
        integrity.attempt_appeal_file(
            attempt=attempt, staff=request.user, reason=request.POST.get("reason", "")
        )
    except quiz_grading.QuizError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Appeal sent: a trainer will decide and you will see the decision here."))
    return redirect("assessments:attempt-result", attempt_id=attempt.pk)


@login_required
@require_POST
def attempt_submit(request, attempt_id):
    attempt = quiz_selectors.attempt_get_for_user(request.user, attempt_id)
    # Only answers are read from the post: a posted score or pass flag has no field to land in.
    attempt, accepted = quiz_services.attempt_submit(attempt=attempt, post=request.POST)
    if not accepted:
        messages.error(
            request, _("Time was up: your last answers arrived too late. What was saved in time was graded.")
        )
    return redirect("assessments:attempt-result", attempt_id=attempt.pk)


@login_required
def attempt_result(request, attempt_id):
    attempt = quiz_grading.attempt_as_read(quiz_selectors.attempt_get_for_user(request.user, attempt_id))
    if attempt.is_open:
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    review = quiz_selectors.review_allowed_for(attempt)
    items = [quiz_selectors.item_for_review(i) for i in attempt.items.all()] if review else []
    return _no_store(
        render(
            request,
            "assessments/quiz/result.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "review": review,
                "items": items,
                "events": quiz_selectors.attempt_events(attempt),
                "appeal": quiz_selectors.attempt_appeal(attempt),
            },
        )
    )


# --- Trainers ------------------------------------------------------------------------------------------------


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("upheld", gettext_lazy("Uphold: lift the mark and give the attempt back")),
            ("rejected", gettext_lazy("Reject: the result stands")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@permission_required("assessments.manage_questions", raise_exception=True)
def review_queue(request):
    return _no_store(
        render(request, "assessments/quiz/review_queue.html", quiz_selectors.attempts_for_review())
    )


@login_required
@permission_required("assessments.manage_questions", raise_exception=True)
def review_detail(request, attempt_id):
    attempt = quiz_selectors.attempt_get_for_reviewer(attempt_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            integrity.attempt_review_decide(
                attempt=attempt,
                upheld=form.cleaned_data["decision"] == "upheld",
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except quiz_grading.QuizError as exc:
            messages.error(request, exc.message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("assessments:review-queue")
    return _no_store(
        render(
            request,
            "assessments/quiz/review_detail.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "events": quiz_selectors.attempt_events(attempt),
                "appeal": quiz_selectors.attempt_appeal(attempt),
                "form": form,
            },
        )
    )


class EssayGradeForm(forms.Form):
    percent = forms.DecimalField(
        label=gettext_lazy("Grade (percent of the mark)"), min_value=0, max_value=100, decimal_places=2
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
@permission_required("assessments.manage_questions", raise_exception=True)
def grading_queue(request):
    items = quiz_selectors.essay_queue()
    return _no_store(
        render(request, "assessments/quiz/grading_queue.html", {"items": items, "form": EssayGradeForm()})
    )


@login_required
@permission_required("assessments.manage_questions", raise_exception=True)
@require_POST
def essay_grade(request, item_id):
    item = get_object_or_404(AttemptItem.objects.select_related("attempt"), pk=item_id)
    form = EssayGradeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a grade from 0 to 100."))
        return redirect("assessments:grading-queue")
    try:
        quiz_grading.essay_grade(
            item=item,
            percent=form.cleaned_data["percent"],
            comment=form.cleaned_data["comment"],
            acting_user=request.user,
        )
    except quiz_grading.QuizError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Grade saved."))
    return redirect("assessments:grading-queue")


class GiftFileForm(forms.Form):
    bank = forms.CharField(label=gettext_lazy("Question bank"), max_length=100)
    file = forms.FileField(label=gettext_lazy("GIFT file (.gift or .txt, UTF-8)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".gift", ".txt")):
            raise forms.ValidationError(_("Choose a .gift or .txt file."))
        if upload.size > gift.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class QuestionImportView(ImportUploadView):
    kind = "questions"
    permission_required = "assessments.manage_questions"
    title = gettext_lazy("Import questions (GIFT)")
    template_name = "assessments/quiz/gift_upload.html"
    columns = ["GIFT"]
    help_text = gettext_lazy(
        "Moodle GIFT format: $CATEGORY lines, ::titles::, choice, true/false, short answer, numerical, matching "
        "and essay questions. One malformed question rejects the whole file."
    )
    form_class = GiftFileForm
    success_url = "assessments:bank-list"

    def service_options(self, cleaned_data):
        return {"bank_name": cleaned_data["bank"]}

    service = staticmethod(quiz_services.question_bank_import)


@login_required
@permission_required("assessments.manage_questions", raise_exception=True)
def bank_list(request):
    banks = QuestionBank.objects.annotate(n_questions=Count("questions"))
    return _no_store(render(request, "assessments/quiz/bank_list.html", {"banks": banks}))


@login_required
@permission_required("assessments.manage_questions", raise_exception=True)
def bank_export(request, bank_id):
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    text = quiz_services.question_bank_export(bank=bank)
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bank-{bank.pk}.gift"'
    return _no_store(response)

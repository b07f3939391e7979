"""Every write of QA evaluations made in this app: scorecards, disputes through the appeal chain, and the import.

A scorecard scores one person on a rubric: each criterion gets a level (a percent), the score is the weighted
mean (0–100, 2 decimals). A critical criterion at a 0% level fails the evaluation: its score becomes the scoring
policy's cap (0 by default), the weighted score kept beside it, and HR reviews it.

The appeal chain: the evaluated person disputes once, within the policy's window (7 calendar days by default),
with a reason; their team lead endorses or rejects it with a reason (within the policy's 3 days); an endorsed
dispute is decided by a QA lead who did not make the evaluation (within the policy's 5 days). Every step is dated
(`DisputeStep`) and audited; an open or endorsed dispute holds the month's Service Star approval and publication.
Evaluations dated in a published (locked) month cannot be created or imported; they can still be disputed, and
a revision is then kept beside the frozen score. Every change of a score stores the month's scores again in
the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    DisputeStatus,
    DisputeStep,
    DisputeStepKind,
    Evaluation,
    QaLead,
    Rubric,
    RubricCriterion,
)
from assessments.quizzes import rules as quiz_rules
from assessments.scorecards import rules, selectors
from assessments.scorecards.evaluations_file import evaluations_file_parse
from assessments.scorecards.signals import evaluation_revised_after_publication
from assessments.scoring.selectors import scoring_policy_for_month
from assessments.scoring.services import monthly_scores_update
from portal.cache import MONTH_CLOSE_SCOPE, scope_invalidate
from portal.importing import ImportResult, import_run_record, refused, skipped_notes
from portal.models import Role, User
from portal.months import add_months, first_of_month
from portal.selectors import staff_ids_by_employee_no
from portal.services import audit_record, audit_value, month_is_locked, months_locked, require_permission
from portal.tabular.errors import RowError
from portal.tabular.mapping import ColumnMapping


def _refuse_locked(on_date: date) -> None:
    if month_is_locked(on_date):
        raise ValidationError(
            _("%(month)s is published and locked; its evaluations cannot change.")
            % {"month": f"{on_date:%Y-%m}"}
        )


def scorecard_evaluate(
    *,
    staff: User,
    rubric: Rubric,
    on_date: date,
    levels: dict[int, int],
    acting_user: User,
    recording_ref: str = "",
    channel: str = "",
    customer_type: str = "",
    comment: str = "",
) -> Evaluation:
    """Score `staff` on `rubric`: `levels` maps each criterion id to the index of its chosen level."""
    if staff.pk == acting_user.pk:
        raise ValidationError(_("You cannot score yourself."))
    _refuse_locked(on_date)
    chosen, weighted, failed, score = _scored_criteria(rubric, levels, on_date)
    with transaction.atomic():
        # The evaluator's employee number keys the record; further scorecards of the same day get "#2", "#3"…
        base = acting_user.employee_no
        taken = set(
            Evaluation.objects.filter(
                staff=staff, date=on_date, kind=rubric.kind, evaluator__startswith=base
            ).values_list("evaluator", flat=True)
        )
        evaluator, n = base, 1
        while evaluator in taken:
            n += 1
            evaluator = f"{base} #{n}"
        evaluation = Evaluation.objects.create(
            staff=staff,
            date=on_date,
            kind=rubric.kind,
            score=score,
            evaluator=evaluator,
            evaluator_user=acting_user,
            source=Evaluation.Source.SCORECARD,
            rubric=rubric,
            criteria_scores=chosen,
            recording_ref=recording_ref.strip()[:100],
            channel=channel.strip()[:50],
            customer_type=customer_type.strip()[:50],
            comment=comment.strip(),
            critical_failed=bool(failed),
            score_before_cap=weighted if failed else None,
            hr_review_needed=bool(failed),
        )
        audit_record(
            action="evaluation.score",
            acting_user=acting_user,
            target=evaluation,
            staff=staff.employee_no,
            score=str(score),
            rubric=rubric.name,
            critical_failed=failed,
        )
        monthly_scores_update(months=[on_date], staff_ids=[staff.pk], acting_user=acting_user)
    return evaluation


def _scored_criteria(rubric: Rubric, levels: dict[int, int], on_date: date):
    """The criteria rows of `rubric` at the chosen `levels` (criterion id → level index), the weighted score, the
    critical items failed and the evaluation's score (capped by the policy of `on_date` when one failed)."""
    criteria = list(rubric.criteria.all())
    if not criteria:
        raise ValidationError(_("This rubric has no criteria."))
    chosen = []
    for criterion in criteria:
        index = levels.get(criterion.pk)
        if index is None or not 0 <= index < len(criterion.levels):
            raise ValidationError(
                _("Choose a level for every criterion (%(name)s).") % {"name": criterion.name}
            )
        level = criterion.levels[index]
        chosen.append(
            {
                "criterion": criterion.name,
                "weight": str(criterion.weight),
                "level": level.get("label", ""),
                "percent": str(level["percent"]),
                "critical": criterion.critical,
            }
        )
    weighted = quiz_rules.scorecard_score([(Decimal(c["weight"]), Decimal(c["percent"])) for c in chosen])
    failed = rules.critical_failures(chosen)
    for row in chosen:
        row["failed"] = row["criterion"] in failed and row["critical"]
    score = rules.capped_score(weighted, critical_failed=bool(failed), cap=_policy(on_date).critical_cap)
    return chosen, weighted, failed, score


def _critical_flags_set(evaluation: Evaluation) -> None:
    """Make the evaluation's critical-item flags follow its (revised) criteria rows, the rows they replace being
    in `original_criteria_scores`: a revision that passes every critical item lifts the cap and HR's review; one
    that fails an item not failed before asks for HR's review again (the earlier review stays in the audit
    trail)."""
    failed = {row["criterion"] for row in evaluation.criteria_scores if row.get("failed")}
    failed_before = {row["criterion"] for row in evaluation.original_criteria_scores if row.get("failed")}
    evaluation.critical_failed = bool(failed)
    evaluation.score_before_cap = (
        quiz_rules.scorecard_score(
            [(Decimal(row["weight"]), Decimal(row["percent"])) for row in evaluation.criteria_scores]
        )
        if failed
        else None
    )
    evaluation.hr_review_needed = bool(failed)
    if failed - failed_before:
        evaluation.hr_reviewed_by = None
        evaluation.hr_reviewed_at = None
        evaluation.hr_review_note = ""


def _policy(on_date: date):
    return scoring_policy_for_month(on_date)


def dispute_deadline(evaluation: Evaluation) -> date:
    """The last day to dispute: the policy's window (7 calendar days by default) after the evaluation was
    recorded (or its date, if later)."""
    recorded = timezone.localdate(evaluation.created_at) if evaluation.created_at else evaluation.date
    return rules.dispute_deadline(
        evaluated_on=evaluation.date, recorded_on=recorded, days=_policy(evaluation.date).dispute_days
    )


def _step(evaluation: Evaluation, kind: str, *, actor: User | None, note: str = "", at=None, **data) -> None:
    DisputeStep.objects.create(
        evaluation=evaluation, kind=kind, actor=actor, at=at or timezone.now(), note=note, data=data
    )


def _locked_for_update(evaluation: Evaluation, statuses) -> Evaluation:
    """The evaluation again, locked for this transaction; refused unless its dispute is in one of `statuses`."""
    evaluation = Evaluation.objects.select_for_update().select_related("staff").get(pk=evaluation.pk)
    if evaluation.dispute_status not in statuses:
        raise ValidationError(_("This dispute is not waiting for this step."))
    return evaluation


def evaluation_dispute(
    *, evaluation: Evaluation, acting_user: User, reason: str, today: date | None = None
) -> Evaluation:
    """The evaluated person disputes their evaluation: once, within the policy's window, with a reason. It
    then waits for their team lead (a team without a team lead who could review it, i.e. one who did not make
    the evaluation, sends it straight to the QA leads, recorded as a step). A published month may be disputed too: a revision is then kept beside the frozen
    score (`evaluation_dispute_resolve`)."""
    today = today or timezone.localdate()
    if evaluation.staff_id != acting_user.pk:
        raise ValidationError(_("Only the evaluated person can dispute an evaluation."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the dispute."))
    if evaluation.dispute_status:
        raise ValidationError(_("This evaluation has already been disputed."))
    if today > dispute_deadline(evaluation):
        raise ValidationError(
            _("The %(days)s days to dispute this evaluation have passed.")
            % {"days": _policy(evaluation.date).dispute_days}
        )
    with transaction.atomic():
        now = timezone.now()
        forwarded = not any(
            not selectors.made_by(evaluation, lead) for lead in selectors.team_leads_of(evaluation.staff)
        )
        status = DisputeStatus.ENDORSED if forwarded else DisputeStatus.OPEN
        updated = Evaluation.objects.filter(pk=evaluation.pk, dispute_status="").update(
            dispute_status=status,
            dispute_reason=reason,
            disputed_at=now,
            dispute_reviewed_at=now if forwarded else None,
        )
        if not updated:
            raise ValidationError(_("This evaluation has already been disputed."))
        scope_invalidate(MONTH_CLOSE_SCOPE)  # an update() sends no signal: the close checklist lists disputes
        evaluation.refresh_from_db()
        _step(evaluation, DisputeStepKind.DISPUTED, actor=acting_user, note=reason, at=now)
        if forwarded:
            _step(evaluation, DisputeStepKind.FORWARDED, actor=None, at=now)
        audit_record(
            action="evaluation.dispute",
            acting_user=acting_user,
            target=evaluation,
            reason=reason,
            locked_month=month_is_locked(evaluation.date),
            forwarded_to_qa_lead=forwarded,
        )
    return evaluation


def evaluation_dispute_review(
    *, evaluation: Evaluation, acting_user: User, endorse: bool, note: str
) -> Evaluation:
    """The evaluated person's team lead endorses the dispute (it goes to a QA lead) or rejects it (final: the
    score stands), with a reason. Not the evaluated person, nor whoever made the evaluation."""
    note = (note or "").strip()
    if not selectors.team_leads_of(evaluation.staff).filter(pk=acting_user.pk).exists():
        raise PermissionDenied(_("Only the evaluated person's team lead endorses or rejects their dispute."))
    if selectors.made_by(evaluation, acting_user):
        raise PermissionDenied(_("You made this evaluation: another team lead reviews the dispute."))
    if not note:
        raise ValidationError(_("Give the reason for endorsing or rejecting the dispute."))
    with transaction.atomic():
        evaluation = _locked_for_update(evaluation, [DisputeStatus.OPEN])
        now = timezone.now()
        evaluation.dispute_status = DisputeStatus.ENDORSED if endorse else DisputeStatus.REJECTED
        evaluation.dispute_reviewed_by = acting_user
        evaluation.dispute_reviewed_at = now
        evaluation.dispute_review_note = note
        evaluation.save(
            update_fields=[
                "dispute_status",
                "dispute_reviewed_by",
                "dispute_reviewed_at",
                "dispute_review_note",
                "updated_at",
            ]
        )
        kind = DisputeStepKind.ENDORSED if endorse else DisputeStepKind.REJECTED
        _step(evaluation, kind, actor=acting_user, note=note, at=now)
        audit_record(
            action="evaluation.dispute_endorse" if endorse else "evaluation.dispute_reject",
            acting_user=acting_user,
            target=evaluation,
            reason=note,
        )
    return evaluation


def evaluation_dispute_resolve(
    *,
    evaluation: Evaluation,
    acting_user: User,
    decision: str,
    note: str,
    new_score: Decimal | None = None,
    new_levels: dict[int, int] | None = None,
) -> Evaluation:
    """A QA lead who did not make the evaluation decides a dispute the team lead endorsed: uphold or revise the
    score, with a reason; final.

    In an open month a revision replaces the score (the previous one kept as `original_score`) and the month's
    scores are stored again. In a published (locked) month the frozen score stays: the revision is kept beside
    it (`revised_score_pending`) and announced, so that incentives can ask HR whether the month's Service
    Stars change; it applies only if HR undoes the publication.

    A scorecard evaluation is revised criterion by criterion (`new_levels`: criterion id → level index), its
    score computed from them as when it was made (the page asks for that); otherwise by `new_score` alone.
    """
    if not selectors.is_qa_lead(acting_user):
        raise PermissionDenied(_("Only a QA lead decides a dispute the team lead endorsed."))
    if acting_user.pk == evaluation.staff_id or selectors.made_by(evaluation, acting_user):
        raise PermissionDenied(_("A QA lead who did not make the evaluation decides the dispute."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Explain the decision."))
    if decision not in (DisputeStatus.UPHELD, DisputeStatus.REVISED):
        raise ValidationError(_("Uphold or revise the score."))
    revised_criteria = []
    if decision == DisputeStatus.REVISED and evaluation.rubric_id is not None:
        if not new_levels:
            raise ValidationError(_("Revise a scorecard criterion by criterion."))
        revised_criteria, _weighted, _failed, new_score = _scored_criteria(
            evaluation.rubric, new_levels, evaluation.date
        )
    elif decision == DisputeStatus.REVISED:
        if new_score is None or not Decimal(0) <= new_score <= Decimal(100):
            raise ValidationError(_("Give the revised score from 0 to 100."))
        new_score = quiz_rules.round2(new_score)
    with transaction.atomic():
        evaluation = _locked_for_update(evaluation, [DisputeStatus.ENDORSED])
        locked = month_is_locked(evaluation.date)
        old_score = evaluation.score
        now = timezone.now()
        evaluation.dispute_status = decision
        evaluation.resolved_by = acting_user
        evaluation.resolved_at = now
        evaluation.resolution_note = note
        revised = decision == DisputeStatus.REVISED and (
            new_score != old_score or (revised_criteria and revised_criteria != evaluation.criteria_scores)
        )
        if revised and locked:
            evaluation.revised_score_pending = new_score
            evaluation.revised_criteria_pending = revised_criteria
        elif revised:
            evaluation.original_score = old_score
            evaluation.score = new_score
            if revised_criteria:
                evaluation.original_criteria_scores = evaluation.criteria_scores
                evaluation.criteria_scores = revised_criteria
                _critical_flags_set(evaluation)
        evaluation.save()
        _step(
            evaluation,
            decision,
            actor=acting_user,
            note=note,
            at=now,
            old_score=str(old_score),
            new_score=str(new_score if decision == DisputeStatus.REVISED else old_score),
            after_publication=locked,
        )
        audit_record(
            action=f"evaluation.dispute_{decision}",
            acting_user=acting_user,
            target=evaluation,
            reason=note,
            old_score=str(old_score),
            new_score=str(new_score if decision == DisputeStatus.REVISED else old_score),
            after_publication=locked,
        )
        if evaluation.score != old_score:
            monthly_scores_update(
                months=[evaluation.date], staff_ids=[evaluation.staff_id], acting_user=acting_user
            )
        if evaluation.revised_score_pending is not None:
            evaluation_revised_after_publication.send(
                sender=Evaluation, evaluation=evaluation, acting_user=acting_user
            )
    return evaluation


def evaluation_revisions_apply(*, month: date, acting_user: User) -> list[Evaluation]:
    """Apply the revisions decided while `month` was published (call inside the undo of its publication, after
    the lock is released and before its scores are stored again): each score becomes the revised one, the
    published one kept as `original_score`, recorded as a step of each dispute. Returns them."""
    first = first_of_month(month)
    if month_is_locked(first):
        raise ValidationError(_("%(month)s is still published.") % {"month": f"{first:%Y-%m}"})
    following = add_months(first, 1)
    applied = list(
        Evaluation.objects.select_for_update().filter(
            date__gte=first, date__lt=following, revised_score_pending__isnull=False
        )
    )
    for evaluation in applied:
        old = evaluation.score
        evaluation.original_score = old
        evaluation.score = evaluation.revised_score_pending
        evaluation.revised_score_pending = None
        if evaluation.revised_criteria_pending:
            evaluation.original_criteria_scores = evaluation.criteria_scores
            evaluation.criteria_scores = evaluation.revised_criteria_pending
            evaluation.revised_criteria_pending = []
            _critical_flags_set(evaluation)
        evaluation.save(
            update_fields=[
                "original_score",
                "score",
                "revised_score_pending",
                "original_criteria_scores",
                "criteria_scores",
                "revised_criteria_pending",
                "critical_failed",
                "score_before_cap",
                "hr_review_needed",
                "hr_reviewed_by",
                "hr_reviewed_at",
                "hr_review_note",
                "updated_at",
            ]
        )
        _step(
            evaluation,
            DisputeStepKind.HR_UNDONE,
            actor=acting_user,
            old_score=str(old),
            new_score=str(evaluation.score),
        )
        audit_record(
            action="evaluation.revision_apply",
            acting_user=acting_user,
            target=evaluation,
            old_score=str(old),
            new_score=str(evaluation.score),
        )
    return applied


def evaluation_revision_kept_record(*, evaluation: Evaluation, acting_user: User, reason: str) -> None:
    """Record in the dispute's timeline that HR kept the published Service Stars despite the revision (the
    decision itself, with its audit row, is incentives' `star_revision_keep`)."""
    _step(evaluation, DisputeStepKind.HR_KEPT, actor=acting_user, note=reason)


def evaluation_critical_review(*, evaluation: Evaluation, acting_user: User, note: str) -> Evaluation:
    """HR records its review of an evaluation that failed a critical item, with a note."""
    require_permission(acting_user, "assessments.review_critical_failures")
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write what the review found."))
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if not evaluation.hr_review_needed or evaluation.hr_reviewed_at is not None:
            raise ValidationError(_("This evaluation is not waiting for HR's review."))
        evaluation.hr_reviewed_by = acting_user
        evaluation.hr_reviewed_at = timezone.now()
        evaluation.hr_review_note = note
        evaluation.save(update_fields=["hr_reviewed_by", "hr_reviewed_at", "hr_review_note", "updated_at"])
        audit_record(
            action="evaluation.critical_review", acting_user=acting_user, target=evaluation, reason=note
        )
    return evaluation


def qa_lead_appoint(*, user: User, acting_user: User, reason: str) -> QaLead:
    """HR makes a trainer/QA person a QA lead (they then decide endorsed disputes), with a reason. Audited."""
    require_permission(acting_user, "assessments.manage_qa_leads")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for this change."))
    if user.role != Role.TRAINER or not user.is_active:
        raise ValidationError(
            _("%(name)s is not an active trainer/QA person; only they can be QA leads.") % {"name": user.name}
        )
    with transaction.atomic():
        lead, created = QaLead.objects.get_or_create(
            user=user, defaults={"appointed_by": acting_user, "reason": reason}
        )
        if not created:
            raise ValidationError(_("%(name)s is already a QA lead.") % {"name": user.name})
        audit_record(action="qa_lead.appoint", acting_user=acting_user, target=user, reason=reason)
    return lead


def qa_lead_remove(*, user: User, acting_user: User, reason: str) -> None:
    """HR ends someone's QA lead role, with a reason. Audited."""
    require_permission(acting_user, "assessments.manage_qa_leads")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for this change."))
    with transaction.atomic():
        deleted, _rows = QaLead.objects.filter(user=user).delete()
        if not deleted:
            raise ValidationError(_("%(name)s is not a QA lead.") % {"name": user.name})
        audit_record(action="qa_lead.remove", acting_user=acting_user, target=user, reason=reason)


# --- Rubrics -------------------------------------------------------------------------------------------------

RUBRIC_FIELDS = ("name", "kind", "description", "is_active")
CRITERION_FIELDS = ("name", "weight", "levels", "order", "critical")


def require_standards_editor(acting_user) -> None:
    """Raise PermissionDenied unless `acting_user` may change rubrics and transcript rules (HR, QA leads)."""
    if not selectors.may_edit_scoring_standards(acting_user):
        raise PermissionDenied(_("Only HR and QA leads change rubrics and transcript rules."))


def _rubric_values(rubric_id: int | None) -> dict | None:
    """The stored rubric and its criteria as an audit row keeps them (None before it exists)."""
    stored = Rubric.objects.filter(pk=rubric_id).values(*RUBRIC_FIELDS).first() if rubric_id else None
    if stored is None:
        return None
    criteria = RubricCriterion.objects.filter(rubric_id=rubric_id).order_by("order", "pk")
    return {
        **stored,
        "criteria": [
            {"id": c["pk"], **{name: audit_value(c[name]) for name in CRITERION_FIELDS}}
            for c in criteria.values("pk", *CRITERION_FIELDS)
        ],
    }


def rubric_save(*, rubric: Rubric, reason: str, acting_user: User) -> Rubric:
    """Save a new or edited rubric with the criteria it holds in memory (as the admin's form leaves it, unsaved),
    with a reason. HR or a QA lead only. Audited with the rubric and its criteria before and after; saving no
    change writes no audit row. Evaluations already made keep their score."""
    require_standards_editor(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for this change."))
    with transaction.atomic():
        if rubric.pk:
            Rubric.objects.select_for_update().filter(pk=rubric.pk).first()
        before = _rubric_values(rubric.pk)
        rubric.save()
        after = _rubric_values(rubric.pk)
        if before != after:
            audit_record(
                action="rubric.update" if before else "rubric.create",
                acting_user=acting_user,
                target=rubric,
                reason=reason,
                old=before,
                new=after,
            )
    return rubric


def rubric_delete(*, rubric: Rubric, reason: str, acting_user: User) -> None:
    """Delete a rubric nobody was evaluated on, with a reason. HR or a QA lead only. Audited with what it held."""
    require_standards_editor(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for this change."))
    with transaction.atomic():
        rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
        if Evaluation.objects.filter(rubric=rubric).exists():
            raise ValidationError(_("Evaluations were made on this rubric: make it inactive instead."))
        audit_record(
            action="rubric.delete",
            acting_user=acting_user,
            target=rubric,
            reason=reason,
            old=_rubric_values(rubric.pk),
        )
        rubric.delete()


# --- Import --------------------------------------------------------------------------------------------------

EVALUATION_COUNT_KEYS = ["created", "updated", "unchanged"]


def evaluation_import(
    *,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    acting_user=None,
    mapping: ColumnMapping | None = None,
) -> ImportResult:
    """Upsert QA evaluations keyed by (employee, date, kind, evaluator), all or nothing.

    `evaluator` is stored as given and linked to a person when it equals an employee number. The same key twice
    in a file, an unknown employee or a date in a published month rejects the file.
    """
    rows, errors = evaluations_file_parse(data, file_name, mapping=mapping)
    staff_ids = staff_ids_by_employee_no({r.employee_no for r in rows})
    evaluator_ids = staff_ids_by_employee_no({r.evaluator for r in rows})
    locked = months_locked({r.date for r in rows})
    for row in rows:
        if row.employee_no not in staff_ids:
            errors.append(
                RowError(
                    row.line,
                    _("employee_no: %(no)s is not on the roster.") % {"no": row.employee_no},
                    "employee_no",
                )
            )
        if first_of_month(row.date) in locked:
            errors.append(
                RowError(
                    row.line,
                    _("date: %(month)s is published and locked.") % {"month": f"{row.date:%Y-%m}"},
                    "date",
                )
            )
    if errors:
        return refused(EVALUATION_COUNT_KEYS, errors)

    with transaction.atomic():
        existing = {
            (e.staff_id, e.date, e.kind, e.evaluator): e
            for e in Evaluation.objects.filter(
                staff_id__in=set(staff_ids.values()),
                date__in={r.date for r in rows},
            )
        }
        to_create, to_update, unchanged = [], [], 0
        for row in rows:
            staff_id = staff_ids[row.employee_no]
            current = existing.get((staff_id, row.date, row.kind, row.evaluator))
            if current is None:
                to_create.append(
                    Evaluation(
                        staff_id=staff_id,
                        date=row.date,
                        kind=row.kind,
                        score=row.score,
                        evaluator=row.evaluator,
                        evaluator_user_id=evaluator_ids.get(row.evaluator),
                        source=Evaluation.Source.IMPORT,
                    )
                )
            elif Decimal(str(current.score)) == row.score:
                unchanged += 1
            else:
                current.score = row.score
                current.updated_at = timezone.now()
                to_update.append(current)
        result = ImportResult(
            counts={"created": len(to_create), "updated": len(to_update), "unchanged": unchanged},
            dry_run=dry_run,
            skipped=skipped_notes(rows),
            preview=[
                {
                    "line": r.line,
                    "employee_no": r.employee_no,
                    "date": r.date.isoformat(),
                    "kind": r.kind,
                    "score": str(r.score),
                    "evaluator": r.evaluator,
                }
                for r in rows[:20]
            ],
        )
        if dry_run:
            return result
        Evaluation.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Evaluation.objects.bulk_update(to_update, ["score", "updated_at"], batch_size=500)
        import_run_record(
            kind="evaluations",
            file_name=file_name,
            data=data,
            result=result,
            acting_user=acting_user,
            mapping=mapping,
        )
        changed = [*to_create, *to_update]
        monthly_scores_update(
            months={e.date for e in changed}, staff_ids={e.staff_id for e in changed}, acting_user=acting_user
        )
    return result

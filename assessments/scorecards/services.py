"""Every write of QA evaluations made in this app: scorecards, disputes and their decisions, and the import.

A scorecard scores one person on a rubric: each criterion gets a level (a percent), the score is the weighted
mean (0–100, 2 decimals). The evaluated person may dispute it once, within 7 days, with a reason; a second
evaluator (not the first, not the person) upholds or revises it, and that decision is final. Every step is
audited. Evaluations dated in a published (locked) month cannot be created or changed; every change stores the
month's scores again in the same transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import DisputeStatus, Evaluation, Rubric
from assessments.quizzes import rules as quiz_rules
from assessments.scorecards.evaluations_file import evaluations_file_parse
from assessments.scoring.services import monthly_scores_update
from portal.importing import ImportResult, import_run_record, refused, skipped_notes
from portal.models import User
from portal.months import first_of_month
from portal.selectors import staff_ids_by_employee_no
from portal.services import audit_record, month_is_locked, months_locked
from portal.tabular.errors import RowError
from portal.tabular.mapping import ColumnMapping

DISPUTE_DAYS = 7


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
            }
        )
    score = quiz_rules.scorecard_score([(Decimal(c["weight"]), Decimal(c["percent"])) for c in chosen])
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
        )
        audit_record(
            action="evaluation.score",
            acting_user=acting_user,
            target=evaluation,
            staff=staff.employee_no,
            score=str(score),
            rubric=rubric.name,
        )
        monthly_scores_update(months=[on_date], staff_ids=[staff.pk], acting_user=acting_user)
    return evaluation


def dispute_deadline(evaluation: Evaluation) -> date:
    """The last day to dispute: 7 days after the evaluation was recorded (or its date, if later)."""
    recorded = timezone.localdate(evaluation.created_at) if evaluation.created_at else evaluation.date
    return max(recorded, evaluation.date) + timedelta(days=DISPUTE_DAYS)


def evaluation_dispute(
    *, evaluation: Evaluation, acting_user: User, reason: str, today: date | None = None
) -> Evaluation:
    """The evaluated person disputes their evaluation: once, within 7 days, with a reason."""
    today = today or timezone.localdate()
    if evaluation.staff_id != acting_user.pk:
        raise ValidationError(_("Only the evaluated person can dispute an evaluation."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the dispute."))
    if evaluation.dispute_status:
        raise ValidationError(_("This evaluation has already been disputed."))
    if today > dispute_deadline(evaluation):
        raise ValidationError(_("The 7 days to dispute this evaluation have passed."))
    _refuse_locked(evaluation.date)
    with transaction.atomic():
        updated = Evaluation.objects.filter(pk=evaluation.pk, dispute_status="").update(
            dispute_status=DisputeStatus.OPEN, dispute_reason=reason.strip(), disputed_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This evaluation has already been disputed."))
        evaluation.refresh_from_db()
        audit_record(
            action="evaluation.dispute", acting_user=acting_user, target=evaluation, reason=reason.strip()
        )
    return evaluation


def evaluation_dispute_resolve(
    *, evaluation: Evaluation, acting_user: User, decision: str, note: str, new_score: Decimal | None = None
) -> Evaluation:
    """A second evaluator upholds or revises a disputed evaluation; final."""
    if evaluation.dispute_status != DisputeStatus.OPEN:
        raise ValidationError(_("This evaluation has no open dispute."))
    if acting_user.pk in (evaluation.evaluator_user_id, evaluation.staff_id) or (
        evaluation.evaluator == acting_user.employee_no
    ):
        raise ValidationError(_("A second evaluator, not the first one, decides the dispute."))
    if not note.strip():
        raise ValidationError(_("Explain the decision."))
    if decision not in (DisputeStatus.UPHELD, DisputeStatus.REVISED):
        raise ValidationError(_("Uphold or revise the score."))
    if decision == DisputeStatus.REVISED:
        if new_score is None or not Decimal(0) <= new_score <= Decimal(100):
            raise ValidationError(_("Give the revised score from 0 to 100."))
        new_score = quiz_rules.round2(new_score)
    _refuse_locked(evaluation.date)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.dispute_status != DisputeStatus.OPEN:
            raise ValidationError(_("This evaluation has no open dispute."))
        old_score = evaluation.score
        evaluation.dispute_status = decision
        evaluation.resolved_by = acting_user
        evaluation.resolved_at = timezone.now()
        evaluation.resolution_note = note.strip()
        if decision == DisputeStatus.REVISED:
            evaluation.original_score = old_score
            evaluation.score = new_score
        evaluation.save()
        audit_record(
            action=f"evaluation.dispute_{decision}",
            acting_user=acting_user,
            target=evaluation,
            reason=note.strip(),
            old_score=str(old_score),
            new_score=str(evaluation.score),
        )
        if evaluation.score != old_score:
            monthly_scores_update(
                months=[evaluation.date], staff_ids=[evaluation.staff_id], acting_user=acting_user
            )
    return evaluation


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

"""Every write of QA calls and samples: the call-list import, HR's QA policy, the monthly draw, and the evaluation
of a sampled call with its rule findings. Each checks who acts, locks what it must and writes the audit row.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Call,
    CriterionRule,
    QaEvaluatorCapacity,
    QaPolicy,
    QaSampleDraw,
    Rubric,
    RuleFinding,
    SampledCall,
)
from assessments.models.qa import EVALUATOR_CAPACITY_MAX
from assessments.qa import rules
from assessments.qa.calls_file import SHANGHAI, CallRow, calls_file_rows
from assessments.qa.selectors import (
    criterion_findings,
    qa_evaluator_capacities,
    qa_evaluator_ids,
    sampled_call_get_for_evaluator,
)
from assessments.scorecards.services import require_standards_editor, scorecard_evaluate
from assessments.scoring.services import rows_insert
from portal.importing import ImportResult, file_sha256, import_run_record, refused, skipped_notes
from portal.models import ImportRun, Role, User
from portal.months import first_of_month
from portal.selectors import staff_ids_by_employee_no
from portal.services import (
    audit_record,
    audited_change,
    audited_create,
    audited_delete,
    fields_check,
    require_permission,
)
from portal.tabular.errors import RowError
from portal.tabular.mapping import ColumnMapping

CALL_COUNT_KEYS = ["created", "updated", "unchanged"]
# Rows looked up and written per round trip: large enough for COPY to pay, small enough for one IN (...) list.
CHUNK = 5_000
_CALL_FIELDS = ["staff_id", "started_at", "month", "duration_s", "channel", "recording_url", "transcript"]
_INSERT_FIELDS = ["call_id", *_CALL_FIELDS, "imported_at", "updated_at"]


# --- The call list ---------------------------------------------------------------------------------------------


def _values(row: CallRow, staff_id: int, current: dict | None) -> dict:
    """The stored values a row asks for; a blank link or transcript keeps what was stored."""
    return {
        "staff_id": staff_id,
        "started_at": row.started_at,
        "month": row.month,
        "duration_s": row.duration_s,
        "channel": row.channel,
        "recording_url": row.recording_url or (current or {}).get("recording_url", ""),
        "transcript": row.transcript or (current or {}).get("transcript", ""),
    }


def call_import(
    *,
    data: bytes | BinaryIO,
    file_name: str,
    dry_run: bool = False,
    acting_user=None,
    mapping: ColumnMapping | None = None,
    progress: Callable[[int], None] | None = None,
    checked: Callable[[], None] | None = None,
) -> ImportResult:
    """Add or update calls keyed by `call_id`, all or nothing; each file adds to what is there.

    `data` is the file's bytes or a seekable binary file, which is read a chunk at a time (a month's list can be
    a million calls): memory holds `CHUNK` rows, never the file. An unknown employee refuses the file, and so
    does a row that would move a call already drawn for a spot check to another person or month.

    The file is read twice. The first reading checks every row, telling `progress(n)` how many rows it has read
    (no transaction is open, so another connection sees it). Only a file found good is read again, inside one
    transaction holding the QA policy's lock, and new calls are written with COPY on PostgreSQL (bulk inserts
    elsewhere) `CHUNK` rows at a time; should that reading find a problem the first did not (another import in
    between), everything is undone. The second reading is left out when the first found nothing to add or
    change and no other call list was imported since (the same file again). A file that changes on disk
    between the readings is refused. `checked()` hears when a good file is about to be written (outside the
    transaction, so another connection sees what it records).
    """
    if acting_user is not None:
        require_permission(acting_user, "assessments.import_calls")
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    source.seek(0)
    checksum = file_sha256(source)
    imported_before = _latest_call_import()
    result = _calls_apply(source, file_name, mapping=mapping, write=False, progress=progress)
    result.dry_run = dry_run
    if dry_run or not result.ok:
        return result
    if checked is not None:
        checked()
    with transaction.atomic():
        # Imports and draws take turns on the policy row: a draw then sees every call imported before its
        # time and none after, so replaying its seed later draws the same calls.
        _policy_locked()
        source.seek(0)
        if file_sha256(source) != checksum:
            return refused(CALL_COUNT_KEYS, [RowError(0, _("The file changed while it was being imported."))])
        nothing_to_write = not (result.counts["created"] or result.counts["updated"])
        if not (nothing_to_write and _latest_call_import() == imported_before):
            result = _calls_apply(source, file_name, mapping=mapping, write=True)
        if not result.ok:
            transaction.set_rollback(True)
            return result
        import_run_record(
            kind="calls",
            file_name=file_name,
            sha256=checksum,
            result=result,
            acting_user=acting_user,
            mapping=mapping,
        )
    return result


def _latest_call_import() -> int | None:
    """The newest call-list import's id: every import that writes calls records one in its transaction."""
    return ImportRun.objects.filter(kind="calls").aggregate(latest=Max("pk"))["latest"]


def _calls_apply(
    source: BinaryIO,
    file_name: str,
    *,
    mapping: ColumnMapping | None,
    write: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Read the call list once, `CHUNK` rows at a time, checking each chunk against the stored calls and people;
    with `write`, each chunk is written as soon as it is checked, until the first error (the caller then
    undoes what was written)."""
    source.seek(0)
    rows = calls_file_rows(source, file_name, mapping=mapping, progress=progress)
    staff_ids: dict[str, int | None] = {}
    counts = dict.fromkeys(CALL_COUNT_KEYS, 0)
    preview: list[dict] = []
    checked: list[RowError] = []  # the database's refusals; the file's own are in rows.errors
    now = timezone.now()
    for chunk in rows.chunks(CHUNK):
        unknown = {row.employee_no for row in chunk} - staff_ids.keys()
        if unknown:
            found = staff_ids_by_employee_no(unknown)
            staff_ids.update({number: found.get(number) for number in unknown})
        existing = {
            values["call_id"]: values
            for values in Call.objects.filter(call_id__in=[r.call_id for r in chunk]).values(
                "pk", "call_id", *_CALL_FIELDS, "sample__id"
            )
        }
        to_create: list[tuple] = []
        to_update: list[Call] = []
        for row in chunk:
            if len(preview) < 20:
                preview.append(_preview_row(row))
            staff_id = staff_ids[row.employee_no]
            if staff_id is None:
                checked.append(
                    RowError(
                        row.line,
                        _("employee_no: %(no)s is not on the roster.") % {"no": row.employee_no},
                        "employee_no",
                    )
                )
                continue
            current = existing.get(row.call_id)
            wanted = _values(row, staff_id, current)
            if current is None:
                to_create.append((row.call_id, *(wanted[f] for f in _CALL_FIELDS), now, now))
            elif all(current[f] == wanted[f] for f in _CALL_FIELDS):
                counts["unchanged"] += 1
            elif current["sample__id"] and (
                current["staff_id"] != staff_id or current["month"] != wanted["month"]
            ):
                checked.append(
                    RowError(
                        row.line,
                        _("call_id: %(id)s is already drawn for a spot check; its employee and month stay.")
                        % {"id": row.call_id},
                        "call_id",
                    )
                )
            else:
                to_update.append(Call(pk=current["pk"], call_id=row.call_id, **wanted, updated_at=now))
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        if write and not (checked or rows.errors):
            rows_insert(Call, _INSERT_FIELDS, to_create)
            if to_update:
                Call.objects.bulk_update(to_update, [*_CALL_FIELDS, "updated_at"], batch_size=1000)
    if progress is not None:
        progress(rows.rows_read)
    errors = rows.errors if rows.refused else rows.errors + checked
    if errors:
        return refused(CALL_COUNT_KEYS, errors)
    return ImportResult(counts=counts, skipped=skipped_notes(rows), preview=preview)


def _preview_row(row: CallRow) -> dict:
    return {
        "line": row.line,
        "call_id": row.call_id,
        "employee_no": row.employee_no,
        "started_at": timezone.localtime(row.started_at).strftime("%Y-%m-%d %H:%M:%S"),
        "duration_s": row.duration_s,
        "channel": row.channel,
    }


# --- HR's QA policy --------------------------------------------------------------------------------------------


def qa_policy_update(
    *,
    spot_checks_per_agent: int,
    min_call_seconds: int,
    reason: str,
    acting_user: User,
    evaluator_capacity: int | None = None,
) -> QaPolicy:
    """HR changes the QA policy, with a reason. The next draw follows it; earlier draws keep what they drew.
    `evaluator_capacity` None keeps the default capacity as it is."""
    require_permission(acting_user, "assessments.manage_qa")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."))
    if not 0 <= spot_checks_per_agent <= 100:
        raise ValidationError(_("Spot checks per agent must be from 0 to 100."))
    if not 0 <= min_call_seconds <= 24 * 3600:
        raise ValidationError(_("The minimum call length must be from 0 to 86400 seconds."))
    _capacity_check(evaluator_capacity)
    fields = ["spot_checks_per_agent", "min_call_seconds", "evaluator_capacity"]
    with transaction.atomic():
        policy = _policy_locked()
        before = {name: getattr(policy, name) for name in fields}
        policy.spot_checks_per_agent = spot_checks_per_agent
        policy.min_call_seconds = min_call_seconds
        if evaluator_capacity is not None:
            policy.evaluator_capacity = evaluator_capacity
        policy.updated_by = acting_user
        policy.save()
        audit_record(
            action="qa.policy_update",
            acting_user=acting_user,
            target=policy,
            reason=reason.strip(),
            before=before,
            after={name: getattr(policy, name) for name in fields},
        )
    return policy


def _capacity_check(calls_per_month: int | None) -> None:
    if calls_per_month is not None and not 1 <= calls_per_month <= EVALUATOR_CAPACITY_MAX:
        raise ValidationError(
            _("A capacity is from 1 to %(max)s calls a month.") % {"max": EVALUATOR_CAPACITY_MAX}
        )


def qa_evaluator_capacity_set(
    *, evaluator: User, calls_per_month: int | None, reason: str, acting_user: User
) -> QaEvaluatorCapacity | None:
    """HR sets how many sampled calls `evaluator` can take a month, with a reason; None returns them to the
    policy's default. Later draws share calls out in proportion to capacity; calls already assigned stay.

    Takes the policy row's lock, as draws do, so a draw sees the capacities before or after the change, never
    half of it.
    """
    require_permission(acting_user, "assessments.manage_qa")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the change."))
    _capacity_check(calls_per_month)
    if calls_per_month is not None and evaluator.employee_no not in qa_evaluator_ids():
        raise ValidationError(
            _("%(name)s is not a QA evaluator (an active trainer/QA account).") % {"name": evaluator.name}
        )
    with transaction.atomic():
        policy = _policy_locked()
        row = QaEvaluatorCapacity.objects.select_for_update().filter(evaluator=evaluator).first()
        before = row.calls_per_month if row else None
        if before == calls_per_month:
            return row
        if calls_per_month is None:
            row.delete()
            row = None
        elif row is None:
            row = QaEvaluatorCapacity.objects.create(
                evaluator=evaluator, calls_per_month=calls_per_month, updated_by=acting_user
            )
        else:
            row.calls_per_month = calls_per_month
            row.updated_by = acting_user
            row.save(update_fields=["calls_per_month", "updated_by", "updated_at"])
        audit_record(
            action="qa.evaluator_capacity",
            acting_user=acting_user,
            target=evaluator,
            reason=reason,
            before=before,
            after=calls_per_month,
            default=policy.evaluator_capacity,
        )
    return row


def _policy_locked() -> QaPolicy:
    """The policy row, locked for this transaction (a migration creates it; recreated at its defaults if gone)."""
    return QaPolicy.objects.select_for_update().order_by("pk").first() or QaPolicy.objects.create()


# --- The monthly sample ----------------------------------------------------------------------------------------


@dataclass
class DrawOutcome:
    month: date
    draw: QaSampleDraw | None  # None when nothing new could be drawn
    drawn: int


def qa_sample_draw(*, month: date, acting_user: User | None = None) -> DrawOutcome:
    """Draw (or top up) `month`'s spot-check sample and assign each drawn call to a QA evaluator.

    Each active agent or team lead below the policy's plan for the month draws, at random with a new recorded
    seed, from their calls of the month that are at least the policy's length, were imported by now and were
    never drawn; an agent with fewer such calls gets all of them. Earlier draws are kept. Each call goes to the
    QA evaluator (`qa_evaluator_ids`) with the most room left this month (the lowest share of their capacity,
    `qa_evaluator_capacities`, already assigned), never to the agent or the agent's own team lead. Records nothing when no call is drawn. `acting_user` None is the scheduled command.
    """
    if acting_user is not None:
        require_permission(acting_user, "assessments.manage_qa")
    month = first_of_month(month)
    with transaction.atomic():
        # One draw at a time: the policy row is the lock every draw takes.
        policy = _policy_locked()
        at = timezone.now()
        calls = list(
            Call.objects.filter(
                month=month,
                duration_s__gte=policy.min_call_seconds,
                imported_at__lte=at,
                staff__is_active=True,
                staff__role__in=[Role.AGENT, Role.TEAM_LEAD],
            ).values_list("pk", "call_id", "staff__employee_no", "sample__id")
        )
        already = _sampled_per_agent(month)
        eligible: dict[str, list[str]] = defaultdict(list)
        pk_of: dict[str, int] = {}
        for pk, call_id, agent, sampled in calls:
            if not sampled:
                eligible[agent].append(call_id)
                pk_of[call_id] = pk
        wanted = {agent: policy.spot_checks_per_agent - already.get(agent, 0) for agent in eligible}
        seed = rules.new_seed()
        drawn = rules.draw_sample(eligible, wanted, seed)
        picks = [rules.Pick(agent, call_id) for agent, call_ids in drawn.items() for call_id in call_ids]
        if not picks:
            return DrawOutcome(month=month, draw=None, drawn=0)
        evaluators = qa_evaluator_ids()
        if not evaluators:
            raise ValidationError(
                _("There is no QA evaluator (an active trainer/QA account) to assign calls to.")
            )
        agents = {
            u.employee_no: u
            for u in User.objects.filter(employee_no__in=drawn.keys()).only("pk", "employee_no", "team_id")
        }
        leads = defaultdict(set)
        for team_id, number in User.objects.filter(
            role=Role.TEAM_LEAD, team_id__in={a.team_id for a in agents.values() if a.team_id}
        ).values_list("team_id", "employee_no"):
            leads[team_id].add(number)
        excluded = {number: leads.get(agent.team_id, set()) | {number} for number, agent in agents.items()}
        load = dict(
            _count_by(
                SampledCall.objects.filter(call__month=month).values_list("evaluator__employee_no", flat=True)
            )
        )
        try:
            assignment = rules.assign_evaluators(
                picks,
                sorted(evaluators),
                excluded=excluded,
                load=load,
                capacity=qa_evaluator_capacities(policy),
            )
        except rules.NoEvaluatorError as exc:
            raise ValidationError(
                _("No QA evaluator may take the calls of %(no)s (only the agent or their team lead is left).")
                % {"no": exc.agent}
            ) from None
        draw = QaSampleDraw.objects.create(
            month=month,
            seed=seed,
            at=at,
            per_agent=policy.spot_checks_per_agent,
            min_call_seconds=policy.min_call_seconds,
            drawn_by=acting_user,
            wanted={agent: want for agent, want in sorted(wanted.items()) if want > 0},
        )
        SampledCall.objects.bulk_create(
            [
                SampledCall(
                    call_id=pk_of[pick.call_id], draw=draw, evaluator_id=evaluators[assignment[pick.call_id]]
                )
                for pick in picks
            ],
            batch_size=2000,
        )
        audit_record(
            action="qa.sample_draw",
            acting_user=acting_user,
            target=draw,
            month=f"{month:%Y-%m}",
            seed=seed,
            drawn=len(picks),
            agents=len(drawn),
        )
    return DrawOutcome(month=month, draw=draw, drawn=len(picks))


def _count_by(values) -> dict:
    counts: dict = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


def _sampled_per_agent(month: date) -> dict[str, int]:
    """Calls of `month` already drawn, per agent (whatever their length or the policy now)."""
    return dict(
        _count_by(
            SampledCall.objects.filter(call__month=month).values_list("call__staff__employee_no", flat=True)
        )
    )


# --- Transcript rules -----------------------------------------------------------------------------------------

RULE_FIELDS = ("criterion", "kind", "phrase", "stage", "max_silence_s")


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for this change."))
    return reason


def criterion_rule_create(*, values: dict, reason: str, acting_user: User) -> CriterionRule:
    """Add a transcript rule to a criterion, with a reason. HR or a QA lead only; audited with its values.
    Calls already evaluated keep the findings they stored."""
    require_standards_editor(acting_user)
    fields_check(values, RULE_FIELDS)
    reason = _reason_required(reason)
    with transaction.atomic():
        return audited_create(
            instance=CriterionRule(**values),
            fields=RULE_FIELDS,
            action="qa.rule_create",
            reason=reason,
            acting_user=acting_user,
        )


def criterion_rule_update(
    *, rule: CriterionRule, changes: dict, reason: str, acting_user: User
) -> CriterionRule:
    """Change a transcript rule, with a reason. HR or a QA lead only; audited with the old and new value of each
    changed field (no change writes nothing)."""
    require_standards_editor(acting_user)
    fields_check(changes, RULE_FIELDS)
    reason = _reason_required(reason)
    with transaction.atomic():
        stored = CriterionRule.objects.select_for_update().get(pk=rule.pk)
        return audited_change(
            instance=stored, changes=changes, action="qa.rule_update", reason=reason, acting_user=acting_user
        )


def criterion_rule_delete(*, rule: CriterionRule, reason: str, acting_user: User) -> None:
    """Delete a transcript rule, with a reason. HR or a QA lead only; audited with what it was. Findings already
    stored keep the rule's text."""
    require_standards_editor(acting_user)
    reason = _reason_required(reason)
    with transaction.atomic():
        stored = CriterionRule.objects.select_for_update().get(pk=rule.pk)
        audited_delete(
            instance=stored,
            fields=RULE_FIELDS,
            action="qa.rule_delete",
            reason=reason,
            acting_user=acting_user,
        )


# --- Evaluating a sampled call ---------------------------------------------------------------------------------


def sampled_call_evaluate(
    *,
    sampled_call_id: int,
    rubric: Rubric,
    levels: dict[int, int],
    decisions: dict[int, bool],
    acting_user: User,
    comment: str = "",
) -> SampledCall:
    """The assigned evaluator scores a sampled call on a spot-check rubric and confirms or overrides each rule's
    finding (`decisions`: rule id → passed). The evaluation is dated on the call's day (Asia/Shanghai), so it
    counts in the call's month; the rules' suggestions are computed again here from the stored transcript and
    stored beside the decisions. Once per call.
    """
    with transaction.atomic():
        sampled = sampled_call_get_for_evaluator(acting_user, sampled_call_id, lock=True)
        if sampled.evaluation_id:
            raise ValidationError(_("This call has already been evaluated."))
        if rubric.kind != "spot_check" or not rubric.is_active:
            raise ValidationError(_("Choose an active spot-check rubric."))
        call = sampled.call
        findings = criterion_findings(call.transcript, rubric)
        missing = [f.rule.pk for f in findings if f.rule.pk not in decisions]
        if missing:
            raise ValidationError(_("Confirm or override every rule's finding."))
        evaluation = scorecard_evaluate(
            staff=call.staff,
            rubric=rubric,
            on_date=call.started_at.astimezone(SHANGHAI).date(),
            levels=levels,
            acting_user=acting_user,
            recording_ref=call.call_id[:100],
            channel=call.channel,
            comment=comment,
        )
        now = timezone.now()
        RuleFinding.objects.bulk_create(
            [
                RuleFinding(
                    sampled_call=sampled,
                    rule=f.rule,
                    rule_text=str(f.rule)[:200],
                    suggested=f.finding.passed,
                    passed=decisions[f.rule.pk],
                    lines=list(f.finding.lines),
                    decided_by=acting_user,
                    decided_at=now,
                )
                for f in findings
            ]
        )
        sampled.evaluation = evaluation
        sampled.evaluated_at = now
        sampled.save(update_fields=["evaluation", "evaluated_at"])
        overridden = sum(
            1 for f in findings if f.finding.passed is not None and f.finding.passed != decisions[f.rule.pk]
        )
        audit_record(
            action="qa.sampled_call.evaluate",
            acting_user=acting_user,
            target=sampled,
            call_id=call.call_id,
            evaluation=evaluation.pk,
            score=str(evaluation.score),
            rules=len(findings),
            overridden=overridden,
        )
    return sampled

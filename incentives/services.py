"""Every write of incentives. Each decision about money or recognition writes its audit row here.

Maker-checker for Service Stars (security checklist item 21): the proposal is the system's, computed from the
month's data; HR changes it only by exclusions. So:
- exclude, approve: HR with ``incentives.manage_service_stars``; whoever recorded an exclusion in the round may
  not approve it (the exclusion is their proposal; another HR user checks it);
- publish, undo: HR with ``incentives.publish_service_stars``. The approver may publish: publishing is its own
  permissioned, recorded step, and the list published must be exactly the list approved (a change in the data
  since approval refuses publication until someone approves again). Requiring a third person would leave a
  two-person HR office unable to publish a month that nobody changed by hand.
"""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.scorecards.services import evaluation_revision_kept_record, evaluation_revisions_apply
from assessments.scoring.services import monthly_scores_compute, rows_insert
from assessments.scoring.summaries import score_summary_state
from incentives import rules, signals
from incentives.models import (
    Award,
    AwardKind,
    AwardPolicy,
    CaseNomination,
    LedgerEntry,
    NominationStatus,
    RevisionReviewStatus,
    RoundStatus,
    ServiceStarEntry,
    ServiceStarExclusion,
    ServiceStarPublication,
    ServiceStarRound,
    StarRevisionReview,
    StarSummary,
    StarSummaryLine,
    Suggestion,
    SuggestionReview,
    SuggestionStatus,
)
from incentives.selectors import (
    FROZEN_ROW_FIELDS,
    WALL_SCOPE,
    award_policies_frozen,
    award_policy_effective_months,
    award_policy_for_month,
    close_item_text,
    month_close_facts,
    reason_counts,
    star_exclusions,
    star_month,
    star_months_published,
    star_proposal,
    star_winners_with_revisions,
)
from portal.cache import scope_invalidate
from portal.months import first_of_month
from portal.services import (
    audit_record,
    audited_change,
    audited_create,
    audited_delete,
    fields_check,
    month_is_locked,
    month_lock_release,
    month_lock_set,
)


class AlreadyPublishedError(ValidationError):
    """The month already has an active publication."""


def _require(user, permission: str) -> None:
    if user is None or not user.is_authenticated or not user.has_perm(permission):
        raise PermissionDenied(_("You may not do this."))


def _month_text(month: date) -> str:
    return f"{month:%Y-%m}"


# --- Award policy ----------------------------------------------------------------------------------------------

AWARD_POLICY_FIELDS = [
    "name",
    "star_bonus_yuan",
    "star_gift_card",
    "innovation_bonus_yuan",
    "monthly_budget_yuan",
    "tier1_min_score",
    "tier1_yuan",
    "tier2_min_score",
    "tier2_yuan",
    "tier3_min_score",
    "tier3_yuan",
    "tier4_min_score",
    "tier4_yuan",
    "base_yuan",
]
AWARD_POLICY_VERSION_FIELDS = ["effective_month", *AWARD_POLICY_FIELDS]


def _reason_required(reason: str, message: str | None = None) -> str:
    """The written reason of a decision, required; `message` says what it is for (else a form's reason field)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message if message else {"reason": _("Write the reason for this change.")})
    return reason


def _refuse_taken_month(month: date) -> None:
    if AwardPolicy.objects.filter(effective_month=month).exists():
        raise ValidationError(
            {"effective_month": _("A version already starts in that month; edit it instead.")}
        )


def _months_text(months) -> str:
    return ", ".join(_month_text(m) for m in sorted(months))


def award_policy_values_check(values: dict) -> None:
    """Raise ValidationError (per field) unless the suggestion award tiers run strictly down from 100 to above 0
    and their amounts do not rise as the value score falls (the database checks the same)."""
    errors = {}
    scores = [values.get(f"tier{i}_min_score") for i in range(1, 5)]
    if None not in scores and not (100 >= scores[0] > scores[1] > scores[2] > scores[3] > 0):
        errors["tier1_min_score"] = _(
            "Each tier's minimum value score must be below the one above it, from 100 down to above 0."
        )
    amounts = [values.get(f"tier{i}_yuan") for i in range(1, 5)] + [values.get("base_yuan")]
    if None not in amounts and any(higher < lower for higher, lower in pairwise(amounts)):
        errors["tier1_yuan"] = _("A lower tier's award may not be larger than a higher tier's.")
    if errors:
        raise ValidationError(errors)


def _published_months_keep_their_versions(effective_months: dict[int, date | None]) -> None:
    """Refuse a change of effective months that would change the version in force in a published month."""
    published = star_months_published()
    before = rules.policy_versions_in_force(award_policy_effective_months(), published)
    after = rules.policy_versions_in_force(effective_months, published)
    changed = [month for month in published if before[month] != after[month]]
    if changed:
        raise ValidationError(
            {
                "effective_month": _(
                    "%(months)s is published with the version in force then; a version may start only after "
                    "the last published month (%(last)s)."
                )
                % {"months": _months_text(changed), "last": _month_text(published[-1])}
            }
        )


def _refuse_if_frozen(policy: AwardPolicy) -> None:
    months = award_policies_frozen().get(policy.pk)
    if months:
        raise ValidationError(
            _(
                "The published month %(months)s used this award policy version, so it can no longer change: "
                "add a new version starting after the last published month instead."
            )
            % {"months": _months_text(months)}
        )


def _lock_for_policy_edit() -> None:
    """Serialise award policy edits with each other and with publications: publication locks its month's round
    first, so a version cannot change while a month that uses it is being published. Call inside atomic()."""
    list(ServiceStarRound.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    list(AwardPolicy.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def award_policy_create(*, effective_month: date, values: dict, reason: str, acting_user) -> AwardPolicy:
    """Add an award policy version in force from `effective_month` until the next version starts.

    A version may not change what a published month used: it starts after the last published month (or in a
    gap no published month falls into). Audited with every value and the reason.
    """
    _require(acting_user, "incentives.add_awardpolicy")
    reason = _reason_required(reason)
    fields_check(values, AWARD_POLICY_FIELDS)
    if effective_month is None:
        raise ValidationError({"effective_month": _("Choose the month this version starts in.")})
    first = first_of_month(effective_month)
    award_policy_values_check(values)
    with transaction.atomic():
        _lock_for_policy_edit()
        _refuse_taken_month(first)
        _published_months_keep_their_versions({**award_policy_effective_months(), 0: first})
        return audited_create(
            instance=AwardPolicy(effective_month=first, **values),
            fields=AWARD_POLICY_VERSION_FIELDS,
            action="incentives.policy.create",
            reason=reason,
            acting_user=acting_user,
        )


def award_policy_update(*, policy: AwardPolicy, values: dict, reason: str, acting_user) -> AwardPolicy:
    """Change an award policy version (its values and, for a dated version, its effective month).

    Refused for a version that a published month used (its budget and amounts are final), and for a new
    effective month that would change the version of a published month. The default version stays undated.
    Audited with the old and new value of each changed field and the reason; saving no change writes nothing.
    """
    _require(acting_user, "incentives.change_awardpolicy")
    reason = _reason_required(reason)
    fields_check(values, AWARD_POLICY_VERSION_FIELDS)
    values = dict(values)
    if values.get("effective_month") is not None:
        values["effective_month"] = first_of_month(values["effective_month"])
    with transaction.atomic():
        _lock_for_policy_edit()
        policy = AwardPolicy.objects.get(pk=policy.pk)
        _refuse_if_frozen(policy)
        award_policy_values_check({**{key: getattr(policy, key) for key in AWARD_POLICY_FIELDS}, **values})
        if "effective_month" in values:
            month = values["effective_month"]
            if (policy.effective_month is None) != (month is None):
                raise ValidationError(
                    {
                        "effective_month": _(
                            "The default version has no effective month, and a dated version keeps one."
                        )
                    }
                )
            if month != policy.effective_month:
                _refuse_taken_month(month)
                _published_months_keep_their_versions({**award_policy_effective_months(), policy.pk: month})
        return audited_change(
            instance=policy,
            changes=values,
            action="incentives.policy.update",
            reason=reason,
            acting_user=acting_user,
        )


def award_policy_delete(*, policy: AwardPolicy, reason: str, acting_user) -> None:
    """Delete a dated award policy version that no published month used. Audited with its values."""
    _require(acting_user, "incentives.delete_awardpolicy")
    reason = _reason_required(reason)
    with transaction.atomic():
        _lock_for_policy_edit()
        policy = AwardPolicy.objects.get(pk=policy.pk)
        if policy.effective_month is None:
            raise ValidationError(_("The default version cannot be deleted."))
        _refuse_if_frozen(policy)
        audited_delete(
            instance=policy,
            fields=AWARD_POLICY_VERSION_FIELDS,
            action="incentives.policy.delete",
            reason=reason,
            acting_user=acting_user,
        )


# --- Service Star rounds -------------------------------------------------------------------------------------


# --- Stored review of a month --------------------------------------------------------------------------------

_LINE_FIELDS = ["month", "staff_id", *(name for name in FROZEN_ROW_FIELDS if name != "staff_id")]


def star_summary_refresh(*, month: date, generation: int | None = None) -> StarSummary:
    """Store the month's Service Star review as `selectors.star_month` gives it now (the live proposal with the
    round's exclusions, or the active publication's frozen rows): the candidates' lines, the reason counts and
    the generation of the month's score summaries it was built from. Called inside the writes that change it
    (exclusion, withdrawal, publication, undo) and when the month's score summaries are stored again."""
    first = first_of_month(month)
    if generation is None:
        state = score_summary_state(first)
        generation = state.generation if state is not None else 0
    view = star_month(month=first)
    rows = [*view.winners, *view.runners_up, *view.ineligible]
    with transaction.atomic():
        StarSummaryLine.objects.filter(month=first).delete()
        rows_insert(
            StarSummaryLine,
            _LINE_FIELDS,
            [
                (
                    first,
                    row.staff_id,
                    *(
                        _json_list(getattr(row, name)) if name == "reasons" else getattr(row, name)
                        for name in FROZEN_ROW_FIELDS
                        if name != "staff_id"
                    ),
                )
                for row in rows
            ],
        )
        summary, _created = StarSummary.objects.update_or_create(
            month=first,
            defaults={
                "generation": generation,
                "computed_at": timezone.now(),
                "publication": view.publication,
                "has_data": view.has_data,
                "reason_counts": {code: n for code, _text, n in reason_counts(view.ineligible)},
                "ineligible_count": len(view.ineligible),
            },
        )
    return summary


def _json_list(values) -> str:
    """A list as the JSON text its column stores (the rows are written past the ORM)."""
    return json.dumps(list(values))


def _round_for_update(month: date, acting_user) -> ServiceStarRound:
    """The month's round, locked for this transaction (created as a draft if none yet). Call inside atomic()."""
    first = first_of_month(month)
    round_, _created = ServiceStarRound.objects.get_or_create(
        month=first, defaults={"created_by": acting_user}
    )
    return ServiceStarRound.objects.select_for_update().get(pk=round_.pk)


def _refuse_if_published(round_: ServiceStarRound) -> None:
    if round_.status == RoundStatus.PUBLISHED:
        raise AlreadyPublishedError(
            _("%(month)s is published; undo the publication first.") % {"month": _month_text(round_.month)}
        )


def _back_to_draft(round_: ServiceStarRound) -> None:
    round_.status = RoundStatus.DRAFT
    round_.approved_at = None
    round_.approved_by = None
    round_.approved_staff_ids = []


def service_star_exclude(*, month: date, staff, reason: str, acting_user) -> ServiceStarExclusion:
    """Exclude `staff` from the month's Service Stars with a written reason; the next eligible moves up.

    An approved round returns to draft: the approval covered another list.
    """
    _require(acting_user, "incentives.manage_service_stars")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for the exclusion."))
    if not staff.is_in_service:
        raise ValidationError(_("%(name)s is not a Service Star candidate.") % {"name": staff.name})
    with transaction.atomic():
        round_ = _round_for_update(month, acting_user)
        _refuse_if_published(round_)
        if ServiceStarExclusion.objects.filter(round=round_, staff=staff).exists():
            raise ValidationError(_("%(name)s is already excluded this month.") % {"name": staff.name})
        exclusion = ServiceStarExclusion.objects.create(
            round=round_, staff=staff, reason=reason, created_by=acting_user
        )
        was_approved = round_.status == RoundStatus.APPROVED
        if was_approved:
            _back_to_draft(round_)
            round_.save()
        audit_record(
            action="incentives.star.exclude",
            acting_user=acting_user,
            target=exclusion,
            reason=reason,
            month=_month_text(round_.month),
            employee_no=staff.employee_no,
            approval_withdrawn=was_approved,
        )
        star_summary_refresh(month=round_.month)
    return exclusion


def service_star_exclusion_withdraw(*, month: date, staff, reason: str, acting_user) -> None:
    """Take back an exclusion (with a reason); an approved round returns to draft."""
    _require(acting_user, "incentives.manage_service_stars")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for withdrawing the exclusion."))
    with transaction.atomic():
        round_ = _round_for_update(month, acting_user)
        _refuse_if_published(round_)
        deleted, _rows = ServiceStarExclusion.objects.filter(round=round_, staff=staff).delete()
        if not deleted:
            raise ValidationError(_("%(name)s is not excluded this month.") % {"name": staff.name})
        if round_.status == RoundStatus.APPROVED:
            _back_to_draft(round_)
            round_.save()
        audit_record(
            action="incentives.star.exclusion_withdraw",
            acting_user=acting_user,
            target=round_,
            reason=reason,
            month=_month_text(round_.month),
            employee_no=staff.employee_no,
        )
        star_summary_refresh(month=round_.month)


def _refuse_close_blockers(month: date) -> list:
    """The month close: refuse (ValidationError listing each) while a blocking check fails; return the checklist."""
    items = rules.month_close_checklist(month_close_facts(month, timezone.localdate()))
    blockers = rules.close_blockers(items)
    if blockers:
        raise ValidationError([close_item_text(item) for item in blockers])
    return items


def service_star_round_approve(
    *, month: date, acting_user, reason: str, acknowledgement: str = ""
) -> ServiceStarRound:
    """Approve the month's current proposal (the winner list as it stands now is recorded with the approval).

    Only after the month has ended (Asia/Shanghai), with its KPIs imported, its scores stored and no open dispute
    on an evaluation of a scored person (the close checklist's blocking items); warnings (missing KPI rows,
    imports after the last scoring) need a written acknowledgement, kept with the approval in the audit trail.
    The approver writes a reason, and is not whoever excluded someone from this month's list.
    """
    _require(acting_user, "incentives.manage_service_stars")
    reason = _reason_required(reason, _("Write the reason for the approval."))
    items = _refuse_close_blockers(month)
    warnings = rules.close_warnings(items)
    acknowledgement = (acknowledgement or "").strip()
    if warnings and not acknowledgement:
        raise ValidationError(
            [_("Acknowledge the close checklist's warnings in writing:")]
            + [close_item_text(item) for item in warnings]
        )
    with transaction.atomic():
        round_ = _round_for_update(month, acting_user)
        _refuse_if_published(round_)
        if ServiceStarExclusion.objects.filter(round=round_, created_by=acting_user).exists():
            raise PermissionDenied(
                _("You excluded someone from this month's list: another HR user must approve it.")
            )
        view = star_proposal(month=round_.month, exclusions=star_exclusions(round_))
        round_.status = RoundStatus.APPROVED
        round_.approved_at = timezone.now()
        round_.approved_by = acting_user
        round_.approved_staff_ids = view.winner_ids
        round_.save()
        audit_record(
            action="incentives.star.approve",
            acting_user=acting_user,
            target=round_,
            reason=reason,
            month=_month_text(round_.month),
            winners=[row.employee_no for row in view.winners],
            warnings=[item.code for item in warnings],
            acknowledgement=acknowledgement,
        )
    return round_


def service_star_round_publish(*, month: date, acting_user, reason: str) -> ServiceStarPublication:
    """Publish the approved round: freeze every candidate's score and reasons, grant the stars' awards with their
    ledger entries, store the month's scores and lock the month. At most once per month (database constraint;
    concurrent publishers are serialised on the round row). Refused while a blocking item of the close checklist
    fails (an open dispute raised since the approval, for one); the publisher writes a reason.
    """
    _require(acting_user, "incentives.publish_service_stars")
    reason = _reason_required(reason, _("Write the reason for publishing."))
    _refuse_close_blockers(month)
    first = first_of_month(month)
    with transaction.atomic():
        round_ = ServiceStarRound.objects.select_for_update().filter(month=first).first()
        if round_ is None or round_.status == RoundStatus.DRAFT:
            raise ValidationError(_("Approve the month's Service Stars before publishing them."))
        _refuse_if_published(round_)
        if ServiceStarPublication.objects.filter(month=first, undone_at__isnull=True).exists():
            raise AlreadyPublishedError(_("%(month)s is already published.") % {"month": _month_text(first)})
        exclusions = star_exclusions(round_)
        view = star_proposal(month=first, exclusions=exclusions)
        if view.winner_ids != list(round_.approved_staff_ids):
            raise ValidationError(
                _(
                    "The month's data changed after approval, so the list differs: review it and approve again."
                )
            )
        try:
            with transaction.atomic():
                publication = ServiceStarPublication.objects.create(
                    round=round_,
                    month=first,
                    policy_version_id=view.policy_version_id,
                    published_by=acting_user,
                    approved_by=round_.approved_by,
                )
        except IntegrityError:
            raise AlreadyPublishedError(
                _("%(month)s is already published.") % {"month": _month_text(first)}
            ) from None
        ServiceStarEntry.objects.bulk_create(
            [
                ServiceStarEntry(
                    publication=publication, **{name: getattr(row, name) for name in FROZEN_ROW_FIELDS}
                )
                for row in (*view.winners, *view.runners_up, *view.ineligible)
            ],
            batch_size=500,
        )
        policy = award_policy_for_month(first)
        awards = Award.objects.bulk_create(
            [
                Award(
                    kind=AwardKind.SERVICE_STAR,
                    staff_id=row.staff_id,
                    month=first,
                    amount_yuan=policy.star_bonus_yuan,
                    gift_card=policy.star_gift_card,
                    external_learning_priority=True,
                    rank=row.rank,
                    publication=publication,
                    granted_by=acting_user,
                )
                for row in view.winners
            ]
        )
        scope_invalidate(WALL_SCOPE)
        awards = list(Award.objects.filter(publication=publication))
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    award=award,
                    month=first,
                    amount_yuan=award.amount_yuan,
                    created_by=acting_user,
                    note="grant",
                )
                for award in awards
            ]
        )
        round_.status = RoundStatus.PUBLISHED
        round_.published_at = publication.published_at
        round_.published_by = acting_user
        round_.save()
        # The month's stored scores are brought up to date once more, then frozen by the lock.
        monthly_scores_compute(month=first, acting_user=acting_user)
        month_lock_set(month=first, acting_user=acting_user, reason="Service Stars published")
        audit_record(
            action="incentives.star.publish",
            acting_user=acting_user,
            target=publication,
            reason=reason,
            month=_month_text(first),
            winners=[row.employee_no for row in view.winners],
            approved_by=round_.approved_by.employee_no if round_.approved_by else None,
            award_yuan=sum(a.amount_yuan for a in awards),
        )
        star_summary_refresh(month=first)
        signals.month_published.send(sender=None, publication=publication)
    return publication


def service_star_publication_undo(*, month: date, reason: str, acting_user) -> ServiceStarPublication:
    """Undo the month's publication (a recorded act with a reason): the publication stays on record as undone,
    the stars' awards are revoked with reversing ledger entries, the lock is released and the round returns to
    draft (it must be approved and published again)."""
    _require(acting_user, "incentives.publish_service_stars")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason for undoing the publication."))
    first = first_of_month(month)
    with transaction.atomic():
        round_ = ServiceStarRound.objects.select_for_update().filter(month=first).first()
        publication = ServiceStarPublication.objects.filter(month=first, undone_at__isnull=True).first()
        if round_ is None or publication is None:
            raise ValidationError(_("%(month)s is not published.") % {"month": _month_text(first)})
        now = timezone.now()
        publication.undone_at = now
        publication.undone_by = acting_user
        publication.undo_reason = reason
        publication.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        awards = list(Award.objects.filter(publication=publication, revoked_at__isnull=True))
        _revoke(awards, acting_user=acting_user, now=now, note="publication undone")
        _back_to_draft(round_)
        round_.published_at = None
        round_.published_by = None
        round_.save()
        month_lock_release(month=first, acting_user=acting_user, reason=reason)
        # Revisions decided after publication apply now that the month is open again.
        revised = evaluation_revisions_apply(month=first, acting_user=acting_user)
        StarRevisionReview.objects.filter(
            publication=publication, status=RevisionReviewStatus.PENDING
        ).update(status=RevisionReviewStatus.UNDONE, decided_by=acting_user, decided_at=now, reason=reason)
        # Open again: people may have changed while it was locked, so its scores are stored up to date.
        monthly_scores_compute(month=first, acting_user=acting_user)
        audit_record(
            action="incentives.star.undo",
            acting_user=acting_user,
            target=publication,
            reason=reason,
            month=_month_text(first),
            revoked_awards=len(awards),
            revisions_applied=[e.pk for e in revised],
        )
        star_summary_refresh(month=first)
        signals.month_unpublished.send(sender=None, publication=publication)
    return publication


def star_revision_flag(*, evaluation, acting_user) -> StarRevisionReview | None:
    """A QA lead revised an evaluation of a published month (kept beside its frozen score): when the month's
    data with every such revision would give other winners, record it for HR's decision (undo and republish,
    or keep with a reason) and tell HR (on commit). Call inside the deciding transaction. Returns the review,
    or None when the winners would not change (the published month then simply stands)."""
    first = first_of_month(evaluation.date)
    publication = ServiceStarPublication.objects.filter(month=first, undone_at__isnull=True).first()
    if publication is None or evaluation.revised_score_pending is None:
        return None
    published, revised = star_winners_with_revisions(first)
    if set(published) == set(revised):
        return None
    review = StarRevisionReview.objects.create(
        publication=publication,
        month=first,
        evaluation=evaluation,
        published_score=evaluation.score,
        revised_score=evaluation.revised_score_pending,
        winners_published=published,
        winners_revised=revised,
    )
    audit_record(
        action="incentives.star.revision_flag",
        acting_user=acting_user,
        target=review,
        month=_month_text(first),
        evaluation=evaluation.pk,
        published_score=str(review.published_score),
        revised_score=str(review.revised_score),
        winners_published=published,
        winners_revised=revised,
    )
    transaction.on_commit(lambda: _tell_hr_of_revision(review.pk))
    return review


def _tell_hr_of_revision(review_id: int) -> None:
    from notifications.selectors import users_with_permission
    from notifications.services import notify
    from portal.models import User

    review = StarRevisionReview.objects.select_related("evaluation__staff").get(pk=review_id)
    url = reverse("incentives:star-month", args=[_month_text(review.month)])
    for person in User.objects.filter(pk__in=users_with_permission("incentives.publish_service_stars")):
        notify(person, "star_revision", {"review": review, "month": review.month, "url": url})


def star_revision_keep(*, review: StarRevisionReview, acting_user, reason: str) -> StarRevisionReview:
    """HR keeps the published Service Stars although a revision after publication would change the winners,
    with a written reason (recorded in the audit trail and in the dispute's timeline). The revision stays
    beside the frozen score."""
    _require(acting_user, "incentives.publish_service_stars")
    reason = _reason_required(reason, _("Write the reason for keeping the published list."))
    with transaction.atomic():
        review = StarRevisionReview.objects.select_for_update().select_related("evaluation").get(pk=review.pk)
        if review.status != RevisionReviewStatus.PENDING:
            raise ValidationError(_("HR has already decided on this revision."))
        review.status = RevisionReviewStatus.KEPT
        review.decided_by = acting_user
        review.decided_at = timezone.now()
        review.reason = reason
        review.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        evaluation_revision_kept_record(evaluation=review.evaluation, acting_user=acting_user, reason=reason)
        audit_record(
            action="incentives.star.revision_keep",
            acting_user=acting_user,
            target=review,
            reason=reason,
            month=_month_text(review.month),
            evaluation=review.evaluation_id,
            winners_published=review.winners_published,
            winners_revised=review.winners_revised,
        )
    return review


def _revoke(awards: list[Award], *, acting_user, now, note: str) -> None:
    for award in awards:
        award.revoked_at = now
    Award.objects.bulk_update(awards, ["revoked_at"])
    scope_invalidate(WALL_SCOPE)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(award=a, month=a.month, amount_yuan=-a.amount_yuan, created_by=acting_user, note=note)
            for a in awards
        ]
    )


def _grant(*, kind: str, staff, month: date, amount_yuan: int, acting_user, **fields) -> Award:
    """One discretionary award with its ledger entry, within the month's budget; call inside the deciding
    service's transaction (with its audit row). Service Star bonuses are promised by the policy and are granted
    at publication whatever the budget; the spend page shows when a month goes over it."""
    from incentives.selectors import month_spend

    spend = month_spend(month)
    if spend.total_yuan + amount_yuan > spend.budget_yuan:
        raise ValidationError(
            _("This award of %(amount)s yuan would exceed %(month)s's budget (%(left)s yuan left).")
            % {
                "amount": f"{amount_yuan:,}",
                "month": _month_text(month),
                "left": f"{max(0, spend.remaining_yuan):,}",
            }
        )
    award = Award.objects.create(
        kind=kind, staff=staff, month=month, amount_yuan=amount_yuan, granted_by=acting_user, **fields
    )
    LedgerEntry.objects.create(
        award=award, month=month, amount_yuan=amount_yuan, created_by=acting_user, note="grant"
    )
    return award


# --- Innovative Service Case Award ------------------------------------------------------------------------------


def case_nominate(
    *, nominee, month: date, title: str, situation: str, action: str, result: str, evidence=None, acting_user
) -> CaseNomination:
    """A team lead nominates a case by someone in their own team (the lead may nominate their own case)."""
    _require(acting_user, "incentives.nominate_cases")
    if acting_user.team_id is None or nominee.team_id != acting_user.team_id:
        raise PermissionDenied(_("You may nominate cases of your own team only."))
    first = first_of_month(month)
    if month_is_locked(first):
        raise ValidationError(
            _("%(month)s is published; nominate for a later month.") % {"month": _month_text(first)}
        )
    with transaction.atomic():
        nomination = CaseNomination(
            month=first,
            nominee=nominee,
            title=title,
            situation=situation,
            action=action,
            result=result,
            nominated_by=acting_user,
        )
        if evidence is not None:
            nomination.evidence_name = evidence.name[:255]
            nomination.evidence.save(evidence.name, evidence, save=False)
        nomination.full_clean()
        nomination.save()
        audit_record(
            action="incentives.case.nominate",
            acting_user=acting_user,
            target=nomination,
            month=_month_text(first),
            employee_no=nominee.employee_no,
        )
    return nomination


def case_decide(*, nomination: CaseNomination, approve: bool, note: str = "", acting_user) -> CaseNomination:
    """HR approves (granting the policy's innovation award) or turns down a nomination, with a written reason
    (`note`); never the nominator."""
    _require(acting_user, "incentives.manage_awards")
    note = _reason_required(note, _("Write the reason for the decision."))
    with transaction.atomic():
        nomination = CaseNomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.nominated_by_id == acting_user.pk or nomination.nominee_id == acting_user.pk:
            raise PermissionDenied(_("Whoever nominated a case, or is nominated, cannot decide on it."))
        if nomination.status != NominationStatus.NOMINATED:
            raise ValidationError(_("This nomination has already been decided."))
        if approve and month_is_locked(nomination.month):
            raise ValidationError(_("The month is published; undo its publication to add a case award."))
        nomination.status = NominationStatus.APPROVED if approve else NominationStatus.REJECTED
        nomination.decided_by = acting_user
        nomination.decided_at = timezone.now()
        nomination.decision_note = (note or "").strip()
        nomination.save()
        award = None
        if approve:
            policy = award_policy_for_month(nomination.month)
            award = _grant(
                kind=AwardKind.INNOVATION,
                staff=nomination.nominee,
                month=nomination.month,
                amount_yuan=policy.innovation_bonus_yuan,
                acting_user=acting_user,
                citation=nomination.title,
                nomination=nomination,
            )
        audit_record(
            action="incentives.case.approve" if approve else "incentives.case.reject",
            acting_user=acting_user,
            target=nomination,
            reason=nomination.decision_note,
            month=_month_text(nomination.month),
            employee_no=nomination.nominee.employee_no,
            award_yuan=award.amount_yuan if award else 0,
        )
    return nomination


# --- Improvement suggestions ------------------------------------------------------------------------------------


def suggestion_submit(
    *, title: str, problem: str, proposal: str, expected_benefit: str, acting_user
) -> Suggestion:
    suggestion = Suggestion(
        submitter=acting_user,
        title=title,
        problem=problem,
        proposal=proposal,
        expected_benefit=expected_benefit,
    )
    suggestion.full_clean()
    with transaction.atomic():
        suggestion.save()
        audit_record(action="incentives.suggestion.submit", acting_user=acting_user, target=suggestion)
    return suggestion


def suggestion_review(*, suggestion: Suggestion, scores, comment: str = "", acting_user) -> SuggestionReview:
    """Record (or replace) one reviewer's scores; the first review moves the suggestion under review."""
    _require(acting_user, "incentives.review_suggestions")
    if suggestion.submitter_id == acting_user.pk:
        raise PermissionDenied(_("You cannot review your own suggestion."))
    try:
        rules.validate_reviewer_scores(list(scores))
    except (ValueError, TypeError) as exc:
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status not in (SuggestionStatus.SUBMITTED, SuggestionStatus.UNDER_REVIEW):
            raise ValidationError(_("This suggestion has been decided; reviews are closed."))
        values = dict(zip([name for name, _w in rules.SUGGESTION_CRITERIA], scores, strict=True))
        review, _created = SuggestionReview.objects.update_or_create(
            suggestion=suggestion, reviewer=acting_user, defaults={**values, "comment": comment}
        )
        if suggestion.status == SuggestionStatus.SUBMITTED:
            suggestion.status = SuggestionStatus.UNDER_REVIEW
            suggestion.status_changed_at = timezone.now()
            suggestion.save(update_fields=["status", "status_changed_at"])
        audit_record(
            action="incentives.suggestion.review",
            acting_user=acting_user,
            target=suggestion,
            scores=[str(s) for s in scores],
        )
    return review


def suggestion_decide(*, suggestion: Suggestion, adopt: bool, note: str = "", acting_user) -> Suggestion:
    """HR adopts (sizing the award by the value score and the policy's tiers) or declines a reviewed suggestion.

    Needs at least two reviews. The award itself is granted only when a different HR user approves it.
    """
    _require(acting_user, "incentives.decide_suggestions")
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.submitter_id == acting_user.pk:
            raise PermissionDenied(_("You cannot decide on your own suggestion."))
        if suggestion.status != SuggestionStatus.UNDER_REVIEW:
            raise ValidationError(_("Only a suggestion under review can be decided."))
        reviews = [r.scores() for r in suggestion.reviews.all()]
        if len(reviews) < rules.MIN_REVIEWS:
            raise ValidationError(
                _("At least %(n)s reviews are needed before a decision.") % {"n": rules.MIN_REVIEWS}
            )
        value = rules.suggestion_value_score(reviews)
        now = timezone.now()
        policy = award_policy_for_month(timezone.localdate(now))
        suggestion.value_score = value
        suggestion.proposed_award_yuan = (
            rules.suggestion_award_amount(value, policy.award_tiers()) if adopt else None
        )
        suggestion.status = SuggestionStatus.ADOPTED if adopt else SuggestionStatus.NOT_ADOPTED
        suggestion.status_changed_at = now
        suggestion.decided_by = acting_user
        suggestion.decided_at = now
        suggestion.decision_note = (note or "").strip()
        suggestion.save()
        audit_record(
            action="incentives.suggestion.adopt" if adopt else "incentives.suggestion.decline",
            acting_user=acting_user,
            target=suggestion,
            reason=suggestion.decision_note,
            value_score=f"{value:.2f}",
            proposed_award_yuan=suggestion.proposed_award_yuan,
            reviews=len(reviews),
        )
    return suggestion


def suggestion_award_approve(*, suggestion: Suggestion, acting_user, reason: str) -> Award:
    """Approve the sized award of an adopted suggestion: the checker is neither the adopter nor the submitter,
    and writes a reason.

    The award belongs to the month of approval (Asia/Shanghai date).
    """
    _require(acting_user, "incentives.manage_awards")
    reason = _reason_required(reason, _("Write the reason for approving the award."))
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if acting_user.pk in (suggestion.submitter_id, suggestion.decided_by_id):
            raise PermissionDenied(_("Another HR user than the one who adopted it must approve the award."))
        if suggestion.status not in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED):
            raise ValidationError(_("Only an adopted suggestion earns an award."))
        if suggestion.awards.filter(revoked_at__isnull=True).exists():
            raise ValidationError(_("This suggestion's award is already approved."))
        month = first_of_month(timezone.localdate())
        award = _grant(
            kind=AwardKind.SUGGESTION,
            staff=suggestion.submitter,
            month=month,
            amount_yuan=suggestion.proposed_award_yuan,
            acting_user=acting_user,
            citation=suggestion.title,
            suggestion=suggestion,
        )
        audit_record(
            action="incentives.suggestion.award_approve",
            acting_user=acting_user,
            target=award,
            reason=reason,
            month=_month_text(month),
            employee_no=suggestion.submitter.employee_no,
            value_score=f"{suggestion.value_score:.2f}",
            award_yuan=award.amount_yuan,
        )
    return award


def suggestion_mark_implemented(*, suggestion: Suggestion, acting_user) -> Suggestion:
    _require(acting_user, "incentives.decide_suggestions")
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != SuggestionStatus.ADOPTED:
            raise ValidationError(_("Only an adopted suggestion can be marked implemented."))
        suggestion.status = SuggestionStatus.IMPLEMENTED
        suggestion.status_changed_at = timezone.now()
        suggestion.save(update_fields=["status", "status_changed_at"])
        audit_record(action="incentives.suggestion.implemented", acting_user=acting_user, target=suggestion)
    return suggestion


def suggestion_summaries_send(*, month: date) -> int:
    """Send each submitter the status of their suggestions for `month` (open in it or decided in it) through
    the notification service (`suggestion_status`: the notification centre, e-mail and their platform), each
    person once per month: the daily reminder run sends the previous month's the same way. Deliveries leave
    after the surrounding transaction commits. Returns the number of people notified."""
    from incentives.reminders import suggestion_status_for_month
    from notifications.reminders import reminders_deliver

    result = reminders_deliver(suggestion_status_for_month(month), today=timezone.localdate())
    return len(result.notifications)

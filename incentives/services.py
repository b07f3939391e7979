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

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.scoring.services import monthly_scores_compute
from incentives import rules
from incentives.models import (
    Award,
    AwardKind,
    CaseNomination,
    LedgerEntry,
    NominationStatus,
    RoundStatus,
    ServiceStarEntry,
    ServiceStarExclusion,
    ServiceStarPublication,
    ServiceStarRound,
    Suggestion,
    SuggestionReview,
    SuggestionStatus,
)
from incentives.selectors import (
    award_policy_for_month,
    first_of_month,
    star_exclusions,
    star_proposal,
)
from portal.services import audit_record, month_is_locked, month_lock_release, month_lock_set


class AlreadyPublishedError(ValidationError):
    """The month already has an active publication."""


def _require(user, permission: str) -> None:
    if user is None or not user.is_authenticated or not user.has_perm(permission):
        raise PermissionDenied(_("You may not do this."))


def _month_text(month: date) -> str:
    return f"{month:%Y-%m}"


# --- Service Star rounds -------------------------------------------------------------------------------------


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


def service_star_round_approve(*, month: date, acting_user) -> ServiceStarRound:
    """Approve the month's current proposal (the winner list as it stands now is recorded with the approval)."""
    _require(acting_user, "incentives.manage_service_stars")
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
            month=_month_text(round_.month),
            winners=[row.employee_no for row in view.winners],
        )
    return round_


def service_star_round_publish(*, month: date, acting_user) -> ServiceStarPublication:
    """Publish the approved round: freeze every candidate's score and reasons, grant the stars' awards with their
    ledger entries, store the month's scores and lock the month. At most once per month (database constraint;
    concurrent publishers are serialised on the round row).
    """
    _require(acting_user, "incentives.publish_service_stars")
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
                    publication=publication,
                    staff_id=row.staff_id,
                    employee_no=row.employee_no,
                    name=row.name,
                    department=row.department,
                    team=row.team,
                    score=row.score,
                    kpi=row.kpi,
                    quality=row.quality,
                    learning=row.learning,
                    partial=row.partial,
                    rank=row.rank,
                    winner=row.winner,
                    reasons=row.reasons,
                    exclusion_reason=row.exclusion_reason,
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
            month=_month_text(first),
            winners=[row.employee_no for row in view.winners],
            approved_by=round_.approved_by.employee_no if round_.approved_by else None,
            award_yuan=sum(a.amount_yuan for a in awards),
        )
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
        audit_record(
            action="incentives.star.undo",
            acting_user=acting_user,
            target=publication,
            reason=reason,
            month=_month_text(first),
            revoked_awards=len(awards),
        )
    return publication


def _revoke(awards: list[Award], *, acting_user, now, note: str) -> None:
    for award in awards:
        award.revoked_at = now
    Award.objects.bulk_update(awards, ["revoked_at"])
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
    """HR approves (granting the policy's innovation award) or turns down a nomination; never the nominator."""
    _require(acting_user, "incentives.manage_awards")
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


def suggestion_award_approve(*, suggestion: Suggestion, acting_user) -> Award:
    """Approve the sized award of an adopted suggestion: the checker is neither the adopter nor the submitter.

    The award belongs to the month of approval (Asia/Shanghai date).
    """
    _require(acting_user, "incentives.manage_awards")
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

"""Reminders of incentives for the daily run: approvals and reviews waiting for their decider more than two days
(Service Star rounds, case nominations, suggestions to review or decide, suggestion awards to approve), and each
submitter's monthly suggestion status."""

from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import KpiRecord
from incentives import rules
from incentives.models import (
    Award,
    CaseNomination,
    NominationStatus,
    RoundStatus,
    ServiceStarExclusion,
    ServiceStarRound,
    Suggestion,
    SuggestionReview,
    SuggestionStatus,
)
from incentives.selectors import first_of_month, suggestion_month_summary
from notifications.reminders import Reminder, day_start
from notifications.selectors import users_with_permission
from portal.months import add_months


def _to_deciders(deciders, *, key, title, url, what, since, subject_id=None, excluded=()) -> list[Reminder]:
    return [
        Reminder(
            recipient_id=decider,
            kind="decision_waiting",
            key=key,
            title=title,
            url=url,
            subject_id=subject_id,
            data={"what": what, "since": since},
        )
        for decider in deciders
        if decider not in excluded
    ]


def ended_months_without_round(cutoff: datetime) -> list[date]:
    """Months after the last published one that have their KPIs imported, ended before `cutoff` and have no
    Service Star round yet: their Stars wait for HR's review."""
    last_published = ServiceStarRound.objects.filter(status=RoundStatus.PUBLISHED).aggregate(
        last=Max("month")
    )["last"]
    months = KpiRecord.objects.order_by("month").values_list("month", flat=True).distinct()
    if last_published is not None:
        months = months.filter(month__gt=last_published)
    months = [month for month in months if day_start(add_months(month, 1)) < cutoff]
    with_round = set(ServiceStarRound.objects.filter(month__in=months).values_list("month", flat=True))
    return [month for month in months if month not in with_round]


def star_round_decisions(cutoff: datetime) -> list[Reminder]:
    """A month's Service Stars in draft (waiting for approval) or approved (waiting for publication) since before
    `cutoff`."""
    found = []
    approvers = users_with_permission("incentives.manage_service_stars")
    for month in ended_months_without_round(cutoff):
        found += _to_deciders(
            approvers,
            key=f"star_month:{month:%Y-%m}:approve",
            title=f"{month:%Y-%m}",
            url=reverse("incentives:star-month", args=[f"{month:%Y-%m}"]),
            what=_("Service Stars to approve"),
            since=day_start(add_months(month, 1)),
        )
    drafts = list(ServiceStarRound.objects.filter(status=RoundStatus.DRAFT, created_at__lt=cutoff))
    approved = list(ServiceStarRound.objects.filter(status=RoundStatus.APPROVED, approved_at__lt=cutoff))
    if drafts:
        makers: dict[int, set] = {}
        for round_id, maker in ServiceStarExclusion.objects.filter(round__in=drafts).values_list(
            "round_id", "created_by_id"
        ):
            makers.setdefault(round_id, set()).add(maker)
        for round_ in drafts:
            found += _to_deciders(
                approvers,
                key=f"star_round:{round_.pk}:approve",
                title=f"{round_.month:%Y-%m}",
                url=reverse("incentives:star-month", args=[f"{round_.month:%Y-%m}"]),
                what=_("Service Stars to approve"),
                since=round_.created_at,
                excluded=makers.get(round_.pk, set()),
            )
    if approved:
        publishers = users_with_permission("incentives.publish_service_stars")
        for round_ in approved:
            found += _to_deciders(
                publishers,
                key=f"star_round:{round_.pk}:publish:{round_.approved_at:%Y%m%d%H%M%S}",
                title=f"{round_.month:%Y-%m}",
                url=reverse("incentives:star-month", args=[f"{round_.month:%Y-%m}"]),
                what=_("Service Stars to publish"),
                since=round_.approved_at,
            )
    return found


def case_nomination_decisions(cutoff: datetime) -> list[Reminder]:
    """Innovative Service Case nominations waiting for the committee's decision since before `cutoff`."""
    nominations = list(
        CaseNomination.objects.filter(
            status=NominationStatus.NOMINATED, nominated_at__lt=cutoff
        ).select_related("nominee")
    )
    if not nominations:
        return []
    deciders = users_with_permission("incentives.manage_awards")
    found = []
    for nomination in nominations:
        found += _to_deciders(
            deciders,
            key=f"case:{nomination.pk}",
            title=f"{nomination.title} · {nomination.nominee.name}",
            url=reverse("incentives:case-detail", args=[nomination.pk]),
            what=_("Case nomination to decide"),
            since=nomination.nominated_at,
            subject_id=nomination.nominee_id,
            excluded={nomination.nominated_by_id, nomination.nominee_id},
        )
    return found


def suggestion_decisions(cutoff: datetime) -> list[Reminder]:
    """Suggestions waiting since before `cutoff` for their reviews (to reviewers who have not reviewed them), for
    a decision once reviewed, and adopted ones whose award waits for approval."""
    open_ = list(
        Suggestion.objects.filter(status__in=[SuggestionStatus.SUBMITTED, SuggestionStatus.UNDER_REVIEW])
        .annotate(reviews_count=Count("reviews"), last_review=Max("reviews__created_at"))
        .filter(submitted_at__lt=cutoff)
    )
    awarded = Award.objects.filter(suggestion=OuterRef("pk"), revoked_at__isnull=True)
    to_approve = list(
        Suggestion.objects.filter(
            status__in=[SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED],
            proposed_award_yuan__isnull=False,
            decided_at__lt=cutoff,
        ).exclude(Exists(awarded))
    )
    found = []
    reviewed_by: dict[int, set] = {}
    for suggestion_id, reviewer in SuggestionReview.objects.filter(suggestion__in=open_).values_list(
        "suggestion_id", "reviewer_id"
    ):
        reviewed_by.setdefault(suggestion_id, set()).add(reviewer)
    reviewers = users_with_permission("incentives.review_suggestions") if open_ else []
    deciders = users_with_permission("incentives.decide_suggestions") if open_ else []
    for suggestion in open_:
        url = reverse("incentives:suggestion-detail", args=[suggestion.pk])
        if suggestion.reviews_count < rules.MIN_REVIEWS:
            found += _to_deciders(
                reviewers,
                key=f"suggestion:{suggestion.pk}:review",
                title=suggestion.title,
                url=url,
                what=_("Suggestion to review"),
                since=suggestion.submitted_at,
                excluded={suggestion.submitter_id} | reviewed_by.get(suggestion.pk, set()),
            )
        elif suggestion.last_review < cutoff:
            found += _to_deciders(
                deciders,
                key=f"suggestion:{suggestion.pk}:decide",
                title=suggestion.title,
                url=url,
                what=_("Suggestion to decide"),
                since=suggestion.last_review,
                excluded={suggestion.submitter_id},
            )
    if to_approve:
        approvers = users_with_permission("incentives.manage_awards")
        for suggestion in to_approve:
            found += _to_deciders(
                approvers,
                key=f"suggestion:{suggestion.pk}:award",
                title=suggestion.title,
                url=reverse("incentives:suggestion-detail", args=[suggestion.pk]),
                what=_("Suggestion award to approve"),
                since=suggestion.decided_at,
                excluded={suggestion.submitter_id, suggestion.decided_by_id},
            )
    return found


def suggestion_status_for_month(month: date) -> list[Reminder]:
    """Each submitter's suggestions open in `month` or decided in it, with their status and award."""
    first = first_of_month(month)
    url = reverse("incentives:suggestions")
    found = []
    for submitter_id, items in suggestion_month_summary(first).items():
        suggestions = [
            {
                "title": s.title,
                "status": SuggestionStatus(s.status).label,
                "award": f"{s.proposed_award_yuan:,}"
                if s.status in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED)
                and s.proposed_award_yuan is not None
                else "",
            }
            for s in items
        ]
        found.append(
            Reminder(
                recipient_id=submitter_id,
                kind="suggestion_status",
                key=f"{first:%Y-%m}",
                title=f"{first:%Y-%m}",
                url=url,
                data={"month": first, "suggestions": suggestions},
            )
        )
    return found


def suggestion_status_reminders(today: date) -> list[Reminder]:
    """The previous month's suggestion status, sent by the first run of each month."""
    return suggestion_status_for_month(first_of_month(first_of_month(today) - timedelta(days=1)))

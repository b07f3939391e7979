"""Reads of incentives: the month's Service Star proposal (live) or its frozen publication, the wall, awards,
payroll and spend. Set-based: a handful of queries per page, never one per staff member."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.scoring.selectors import (
    month_scores_with_inputs,
    month_scores_with_pending_revisions,
    scoring_policy_for_month,
)
from incentives import rules
from incentives.models import (
    Award,
    AwardKind,
    AwardPolicy,
    CaseNomination,
    LedgerEntry,
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
)
from portal.bulkwork import gc_paused
from portal.cache import cached
from portal.months import first_of_month, month_bounds

# Plain-word explanations of the reason codes, for HR and for the staff member concerned.
REASON_TEXT = {
    "onboarding_incomplete": _("Onboarding was not completed before the month began."),
    "training_hours_short": _("Fewer in-service training hours than required in the month."),
    "no_kpi_data": _("No KPI data for the month."),
    "kpi_target_missed": _("At least one of the four KPI targets was missed."),
    "too_few_contacts": _("Fewer contacts handled than the minimum."),
    "major_complaint": _("An upheld major complaint in the month."),
    "excluded_by_hr": _("Excluded by HR with a written reason."),
}


def award_policy_for_month(month: date) -> AwardPolicy:
    """The award policy in force in `month`: the latest dated version on or before it, else the default."""
    first = first_of_month(month)
    dated = AwardPolicy.objects.filter(effective_month__lte=first).order_by("-effective_month").first()
    return dated or AwardPolicy.objects.get(effective_month__isnull=True)


def award_policy_effective_months() -> dict[int, date | None]:
    """Every award policy version as ``{id: effective month}`` (``None`` for the default version)."""
    return dict(AwardPolicy.objects.values_list("pk", "effective_month"))


def star_months_published() -> list[date]:
    """The months whose Service Stars are published (a month whose publication was undone is not)."""
    return list(
        ServiceStarRound.objects.filter(status=RoundStatus.PUBLISHED)
        .order_by("month")
        .values_list("month", flat=True)
    )


def award_policies_frozen() -> dict[int, list[date]]:
    """The award policy versions that published months used, each with those months: they never change."""
    frozen: dict[int, list[date]] = defaultdict(list)
    in_force = rules.policy_versions_in_force(award_policy_effective_months(), star_months_published())
    for month, version_id in in_force.items():
        frozen[version_id].append(month)
    return dict(frozen)


@dataclass(frozen=True)
class StarRow:
    """One candidate of a month as HR sees them (live or frozen)."""

    staff_id: int
    employee_no: str
    name: str
    department: str
    team: str
    score: Decimal | None
    kpi: Decimal | None
    quality: Decimal | None
    learning: Decimal | None
    partial: bool
    rank: int | None
    winner: bool
    reasons: list[str]
    exclusion_reason: str = ""

    @property
    def reason_texts(self) -> list[str]:
        return [str(REASON_TEXT[code]) for code in self.reasons]


# What a publication freezes of each row (`ServiceStarEntry` has a field of each name).
FROZEN_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(StarRow))


@dataclass
class StarMonth:
    """A month's Service Stars: the live proposal (draft/approved) or the frozen publication (published)."""

    month: date
    status: str
    round: ServiceStarRound | None
    publication: ServiceStarPublication | None
    winners: list[StarRow] = field(default_factory=list)
    runners_up: list[StarRow] = field(default_factory=list)  # eligible but beyond the winners
    ineligible: list[StarRow] = field(default_factory=list)
    policy_version_id: int | None = None
    has_data: bool = True  # False: nobody has data this month (no scores, nobody to propose)

    @property
    def winner_ids(self) -> list[int]:
        return [row.staff_id for row in self.winners]

    def row_for(self, staff_id: int) -> StarRow | None:
        for row in (*self.winners, *self.runners_up, *self.ineligible):
            if row.staff_id == staff_id:
                return row
        return None


@gc_paused()
def star_proposal(
    *, month: date, exclusions: dict[int, str] | None = None, staff_ids=None, score_overrides=None
) -> StarMonth:
    """The live proposal for `month` from current data, with HR's `exclusions` ({staff_id: reason}). Writes
    nothing.

    Ranks the month's stored scores (every write that changes a month's data stores them again), or for an
    open month with data but no stored scores, the scores computed now; so it agrees with the score pages. A
    month without data proposes nobody (`has_data` false). With `staff_ids`, only those people are considered
    (for "why not me": the reasons are exact, the rank is not). `score_overrides` ({staff_id: MonthlyScore})
    replaces some people's scores (what the month would be with revisions decided after publication).
    """
    first = first_of_month(month)
    exclusions = exclusions or {}
    score_overrides = score_overrides or {}
    version = scoring_policy_for_month(first)
    people = {
        person.staff_id: (
            dataclasses.replace(person, score=score_overrides[person.staff_id])
            if person.staff_id in score_overrides
            else person
        )
        for person in month_scores_with_inputs(month=first, staff_ids=staff_ids)
    }
    candidates = [
        rules.Candidate(
            staff_id=person.staff_id,
            employee_no=person.employee_no,
            name=person.name,
            onboarded_on=person.onboarded_on,
            in_service_hours=person.in_service_hours,
            kpis=person.kpis,
            score=person.score,
            excluded=person.staff_id in exclusions,
        )
        for person in people.values()
    ]
    proposal = rules.rank_service_star_candidates(candidates, month=first, policy=version.as_rules())

    def row(candidate, *, rank=None, winner=False, reasons=()):
        person = people[candidate.staff_id]
        score = person.score
        return StarRow(
            staff_id=person.staff_id,
            employee_no=person.employee_no,
            name=person.name,
            department=person.department,
            team=person.team,
            score=score.composite if score else None,
            kpi=score.kpi if score else None,
            quality=score.quality if score else None,
            learning=score.learning if score else None,
            partial=bool(score and score.partial),
            rank=rank,
            winner=winner,
            reasons=list(reasons),
            exclusion_reason=exclusions.get(person.staff_id, ""),
        )

    winners = len(proposal.winners)
    ranked = [row(c, rank=i, winner=i <= winners) for i, c in enumerate(proposal.ranked_eligible, start=1)]
    return StarMonth(
        month=first,
        status=RoundStatus.DRAFT,
        round=None,
        publication=None,
        winners=ranked[:winners],
        runners_up=ranked[winners:],
        ineligible=[row(c, reasons=reasons) for c, reasons in proposal.ineligible],
        policy_version_id=version.pk,
        has_data=bool(people),
    )


def reason_counts(rows: list[StarRow]) -> list[tuple[str, str, int]]:
    """How many of `rows` have each reason, as (code, plain words, count) in the rules' order of reasons."""
    counts = dict.fromkeys(rules.REASON_CODES, 0)
    for row in rows:
        for code in row.reasons:
            counts[code] += 1
    return [(code, str(REASON_TEXT[code]), n) for code, n in counts.items() if n]


def star_round_get(month: date) -> ServiceStarRound | None:
    return (
        ServiceStarRound.objects.select_related("approved_by", "published_by", "created_by")
        .filter(month=first_of_month(month))
        .first()
    )


def active_publication(month: date) -> ServiceStarPublication | None:
    return (
        ServiceStarPublication.objects.select_related("published_by", "approved_by")
        .filter(month=first_of_month(month), undone_at__isnull=True)
        .first()
    )


def star_exclusions(round_: ServiceStarRound | None) -> dict[int, str]:
    if round_ is None:
        return {}
    return dict(ServiceStarExclusion.objects.filter(round=round_).values_list("staff_id", "reason"))


def _frozen(publication: ServiceStarPublication, round_: ServiceStarRound) -> StarMonth:
    view = StarMonth(
        month=publication.month,
        status=RoundStatus.PUBLISHED,
        round=round_,
        publication=publication,
        policy_version_id=publication.policy_version_id,
    )
    for entry in ServiceStarEntry.objects.filter(publication=publication).order_by("rank", "employee_no"):
        row = StarRow(
            **{name: getattr(entry, name) for name in FROZEN_ROW_FIELDS} | {"reasons": list(entry.reasons)}
        )
        if entry.winner:
            view.winners.append(row)
        elif entry.rank is not None:
            view.runners_up.append(row)
        else:
            view.ineligible.append(row)
    view.ineligible.sort(key=lambda r: r.employee_no)
    return view


def star_month(*, month: date, staff_ids=None) -> StarMonth:
    """The month as it stands: the frozen publication if published, else the live proposal with the round's
    exclusions and status ("draft" when no round exists yet)."""
    round_ = star_round_get(month)
    publication = active_publication(month)
    if publication is not None:
        view = _frozen(publication, round_)
        if staff_ids is not None:
            wanted = set(staff_ids)
            view.winners = [r for r in view.winners if r.staff_id in wanted]
            view.runners_up = [r for r in view.runners_up if r.staff_id in wanted]
            view.ineligible = [r for r in view.ineligible if r.staff_id in wanted]
        return view
    view = star_proposal(month=month, exclusions=star_exclusions(round_), staff_ids=staff_ids)
    view.round = round_
    if round_ is not None:
        view.status = RoundStatus.APPROVED if round_.status == RoundStatus.APPROVED else RoundStatus.DRAFT
    return view


@dataclass
class StoredStarMonth:
    """A month's review as stored (`services.star_summary_refresh`): winners, the first runners-up, HR's
    exclusions, the reason counts and one page of the ineligible (by employee number)."""

    view: StarMonth
    excluded: list[StarRow]
    reason_counts: list[tuple[str, str, int]]
    ineligible_page: list[StarRow]  # up to `limit` rows: one more than a page tells whether another follows
    computed_at: object
    stale: bool


_LINE_VALUES = FROZEN_ROW_FIELDS


def _line_rows(queryset) -> list[StarRow]:
    return [
        StarRow(**dict(zip(_LINE_VALUES, values, strict=True)) | {"reasons": list(values[-2])})
        for values in queryset.values_list(*_LINE_VALUES)
    ]


def star_month_stored(
    *, month: date, after: str = "", before: str = "", limit: int = 101, runners_up: int = 10
) -> StoredStarMonth | None:
    """The month's stored review with the round's status, or None when it was never stored (the page then
    computes it, storing nothing). Being updated (`stale`) while the month's score summaries are ahead of it. A
    handful of small queries whatever the number of staff."""
    from assessments.scoring.summaries import score_summary_state

    first = first_of_month(month)
    summary = StarSummary.objects.filter(month=first).first()
    if summary is None:
        return None
    state = score_summary_state(first)
    round_ = star_round_get(first)
    publication = active_publication(first)
    lines = StarSummaryLine.objects.filter(month=first)
    ranked = _line_rows(
        lines.filter(rank__isnull=False, rank__lte=_winners_and(runners_up, lines)).order_by("rank")
    )
    ineligible = lines.filter(rank__isnull=True)
    if before:
        page = _line_rows(ineligible.filter(employee_no__lt=before).order_by("-employee_no")[:limit])
    else:
        page = _line_rows(ineligible.filter(employee_no__gt=after).order_by("employee_no")[:limit])
    if publication is not None:
        status = RoundStatus.PUBLISHED
    elif round_ is not None and round_.status == RoundStatus.APPROVED:
        status = RoundStatus.APPROVED
    else:
        status = RoundStatus.DRAFT
    view = StarMonth(
        month=first,
        status=status,
        round=round_,
        publication=publication,
        winners=[row for row in ranked if row.winner],
        runners_up=[row for row in ranked if not row.winner],
        has_data=summary.has_data,
    )
    stale = (state is not None and state.generation > summary.generation) or (
        (publication.pk if publication else None) != summary.publication_id
    )
    return StoredStarMonth(
        view=view,
        excluded=_line_rows(lines.exclude(exclusion_reason="").order_by("employee_no")),
        reason_counts=[
            (code, str(REASON_TEXT[code]), summary.reason_counts[code])
            for code in rules.REASON_CODES
            if summary.reason_counts.get(code)
        ],
        ineligible_page=page,
        computed_at=summary.computed_at,
        stale=stale,
    )


def _winners_and(runners_up: int, lines) -> int:
    """The last rank shown: every winner and the next `runners_up` eligible."""
    return lines.filter(winner=True).count() + runners_up


def star_winners_with_revisions(month: date) -> tuple[list[str], list[str]]:
    """The published month's winners (employee numbers, by rank) and the winners its data would give with every
    QA revision decided since publication (not applied): the two lists HR compares. Writes nothing."""
    first = first_of_month(month)
    publication = active_publication(first)
    if publication is None:
        return [], []
    published = list(
        ServiceStarEntry.objects.filter(publication=publication, winner=True)
        .order_by("rank", "employee_no")
        .values_list("employee_no", flat=True)
    )
    revised = star_proposal(
        month=first,
        exclusions=star_exclusions(star_round_get(first)),
        score_overrides=month_scores_with_pending_revisions(first),
    )
    return published, [row.employee_no for row in revised.winners]


def star_revision_reviews(month: date):
    """The month's revisions after publication that changed its winners, newest first, with their evaluation."""
    return StarRevisionReview.objects.filter(month=first_of_month(month)).select_related(
        "evaluation__staff", "decided_by"
    )


def star_revision_reviews_pending():
    return StarRevisionReview.objects.filter(status=RevisionReviewStatus.PENDING).select_related(
        "evaluation__staff"
    )


def star_rounds_list():
    return ServiceStarRound.objects.select_related("approved_by", "published_by").order_by("-month")


def publications_for_month(month: date):
    return ServiceStarPublication.objects.select_related("published_by", "undone_by", "approved_by").filter(
        month=first_of_month(month)
    )


# --- Wall, awards, money ---------------------------------------------------------------------------------


@dataclass
class WallMonth:
    month: date
    stars: list[Award]
    cases: list[Award]


# The cache scope of the recognition wall (the same page for every reader): made stale by publication, undo,
# awards granted or revoked, and changes to the names, teams and departments it shows (incentives.receivers).
WALL_SCOPE = "recognition-wall"


def wall_months(*, limit: int = 12) -> list[WallMonth]:
    """Published months, newest first, with their stars and the month's approved innovation cases.

    Carries names, department/team and award only: never scores.
    """
    months = list(
        ServiceStarPublication.objects.filter(undone_at__isnull=True)
        .order_by("-month")
        .values_list("month", flat=True)[:limit]
    )
    if not months:
        return []
    awards = (
        Award.objects.filter(
            month__in=months, revoked_at__isnull=True, kind__in=[AwardKind.SERVICE_STAR, AwardKind.INNOVATION]
        )
        .filter(Q(kind=AwardKind.INNOVATION) | Q(publication__undone_at__isnull=True))
        .select_related("staff__department", "staff__team", "nomination")
        .order_by("month", "kind", "rank", "staff__employee_no")
    )
    by_month = {m: WallMonth(month=m, stars=[], cases=[]) for m in months}
    for award in awards:
        target = by_month[award.month]
        (target.stars if award.kind == AwardKind.SERVICE_STAR else target.cases).append(award)
    return [by_month[m] for m in months]


def awards_for_staff(staff, *, limit: int | None = None) -> list[Award]:
    """A person's awards, newest first (the `limit` newest for a panel)."""
    awards = (
        Award.objects.filter(staff=staff, revoked_at__isnull=True)
        .select_related("nomination", "suggestion")
        .order_by("-month", "kind")
    )
    return list(awards[:limit] if limit is not None else awards)


@dataclass(frozen=True)
class LatestStars:
    month: date
    star_count: int


def latest_published_stars() -> LatestStars | None:
    """The latest published month and how many Service Stars it has (home panels): two small queries, or none
    while the cached wall is current (the same writes change both)."""

    def find():
        month = (
            ServiceStarPublication.objects.filter(undone_at__isnull=True)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        if month is None:
            return None
        count = Award.objects.filter(
            month=month,
            kind=AwardKind.SERVICE_STAR,
            revoked_at__isnull=True,
            publication__undone_at__isnull=True,
        ).count()
        return LatestStars(month=month, star_count=count)

    return cached("latest-published-stars", [WALL_SCOPE], find)


def award_get_by_token(token: str) -> Award:
    """The award whose letter carries `token` (revoked ones too: the public page says so); otherwise 404."""
    from django.http import Http404

    award = Award.objects.select_related("staff", "publication").filter(verification_token=token).first()
    if award is None:
        raise Http404
    return award


def award_get_for_user(user, award_id: int) -> Award:
    """One award: the winner's own, or any for HR with the awards permission; otherwise 404."""
    from django.http import Http404

    qs = Award.objects.select_related("staff__department", "staff__team", "nomination", "suggestion").filter(
        revoked_at__isnull=True
    )
    if not user.has_perm("incentives.manage_awards"):
        qs = qs.filter(staff=user)
    try:
        return qs.get(pk=award_id)
    except (Award.DoesNotExist, ValueError):
        raise Http404 from None


def star_awards_for_month(month: date) -> list[Award]:
    publication = active_publication(month)
    if publication is None:
        return []
    return list(
        Award.objects.filter(publication=publication, revoked_at__isnull=True)
        .select_related("staff__department", "staff__team")
        .order_by("rank")
    )


PAYROLL_HEADER = ["employee_no", "name", "department", "award", "month", "amount_yuan"]


def payroll_rows(month: date) -> list[list]:
    """Every award of `month` not revoked: stars, innovation cases and suggestions, by employee number."""
    awards = (
        Award.objects.filter(month=first_of_month(month), revoked_at__isnull=True)
        .select_related("staff__department")
        .order_by("staff__employee_no", "kind", "id")
    )
    return [
        [
            a.staff.employee_no,
            a.staff.name,
            a.staff.department.name if a.staff.department else "",
            str(a.get_kind_display()),
            f"{a.month:%Y-%m}",
            a.amount_yuan,
        ]
        for a in awards
    ]


@dataclass(frozen=True)
class MonthSpend:
    month: date
    budget_yuan: int
    by_kind: dict[str, int]
    total_yuan: int

    @property
    def remaining_yuan(self) -> int:
        return self.budget_yuan - self.total_yuan

    @property
    def over_by_yuan(self) -> int:
        return max(0, self.total_yuan - self.budget_yuan)

    @property
    def over_budget(self) -> bool:
        return self.total_yuan > self.budget_yuan

    @property
    def percent(self) -> int:
        return min(100, round(self.total_yuan * 100 / self.budget_yuan)) if self.budget_yuan else 100


def month_spend(month: date) -> MonthSpend:
    """The ledger's net spend of `month` (grants minus reversals) per award kind, against the month's budget."""
    first = first_of_month(month)
    by_kind: dict[str, int] = defaultdict(int)
    for kind, amount in LedgerEntry.objects.filter(month=first).values_list("award__kind", "amount_yuan"):
        by_kind[kind] += amount
    policy = award_policy_for_month(first)
    return MonthSpend(
        month=first,
        budget_yuan=policy.monthly_budget_yuan,
        by_kind={kind: by_kind.get(kind, 0) for kind in AwardKind.values},
        total_yuan=sum(by_kind.values()),
    )


# --- Nominations and suggestions -----------------------------------------------------------------------------


def nominations_for_user(user):
    """HR (awards permission) sees every nomination; a team lead the ones they made."""
    qs = CaseNomination.objects.select_related("nominee__team", "nominated_by", "decided_by")
    if user.has_perm("incentives.manage_awards"):
        return qs
    return qs.filter(nominated_by=user)


def nomination_get_for_user(user, nomination_id: int) -> CaseNomination:
    from django.http import Http404

    try:
        return nominations_for_user(user).get(pk=nomination_id)
    except (CaseNomination.DoesNotExist, ValueError):
        raise Http404 from None


def suggestions_visible_to(user):
    """The submitter's own; every suggestion for reviewers and deciders."""
    qs = Suggestion.objects.select_related("submitter__department", "decided_by")
    if user.has_perm("incentives.review_suggestions") or user.has_perm("incentives.decide_suggestions"):
        return qs
    return qs.filter(submitter=user)


def suggestion_get_for_user(user, suggestion_id: int) -> Suggestion:
    from django.http import Http404

    try:
        return suggestions_visible_to(user).get(pk=suggestion_id)
    except (Suggestion.DoesNotExist, ValueError):
        raise Http404 from None


def suggestion_month_summary(month: date) -> dict[int, list[Suggestion]]:
    """Per submitter id, their suggestions that were open during `month` or decided in it (for the monthly mail)."""
    first, following = month_bounds(month)
    qs = (
        Suggestion.objects.filter(submitted_at__date__lt=following)
        .exclude(
            status__in=["not_adopted", "implemented", "adopted"],
            status_changed_at__date__lt=first,
        )
        .select_related("submitter")
        .order_by("submitter_id", "submitted_at")
    )
    result: dict[int, list[Suggestion]] = defaultdict(list)
    for suggestion in qs:
        result[suggestion.submitter_id].append(suggestion)
    return dict(result)


def month_close_facts(month: date, today: date) -> rules.CloseFacts:
    """What the close checklist of `month` judges, as of `today` (Asia/Shanghai). Reads only."""
    from assessments.scoring.selectors import month_close_inputs
    from portal.models import ImportRun

    first = first_of_month(month)
    inputs = month_close_inputs(first)
    late = ()
    if inputs["computed_at"] is not None:
        late = tuple(
            rules.LateImport(kind, file_name, at)
            for kind, file_name, at in ImportRun.objects.filter(
                kind__in=("training_records", "evaluations"), created_at__gt=inputs["computed_at"]
            )
            .order_by("created_at")
            .values_list("kind", "file_name", "created_at")
        )
    return rules.CloseFacts(
        month=first,
        today=today,
        kpi_imported=inputs["kpi_imported"],
        scored_staff=inputs["scored_staff"],
        missing_kpis=inputs["missing_kpis"],
        scores_fresh=inputs["scores_stored"],
        open_disputes=tuple(
            rules.OpenDispute(no, name, pk, timezone.localdate(at) if at else first)
            for no, name, pk, at in inputs["open_disputes"]
        ),
        late_imports=late,
    )


def close_item_text(item: rules.CloseItem) -> str:
    """One line of the close checklist in the reader's language, with who and what it concerns."""
    if item.code == "month_ended":
        return str(
            _("The month has ended.") if item.ok else _("The month has not ended yet (Asia/Shanghai time).")
        )
    if item.code == "kpis_imported":
        return str(
            _("The month's KPIs are imported.") if item.ok else _("The month's KPIs have not been imported.")
        )
    if item.code == "kpis_complete":
        have, total, missing = item.details
        text = _("KPI rows for %(have)s of %(total)s scored staff.") % {"have": have, "total": total}
        if missing:
            shown = "、".join(missing[:20]) + ("…" if len(missing) > 20 else "")
            text += " " + str(_("Missing: %(who)s.") % {"who": shown})
        return str(text)
    if item.code == "scores_fresh":
        return str(
            _("The month's scores are stored and up to date.")
            if item.ok
            else _("The month's scores are not stored yet: recompute them first.")
        )
    if item.code == "no_open_disputes":
        if item.ok:
            return str(_("No evaluation of the month is disputed."))
        disputes = "; ".join(
            str(
                _("%(no)s %(name)s, evaluation %(id)s, disputed since %(since)s")
                % {
                    "no": d.employee_no,
                    "name": d.name,
                    "id": d.evaluation_id,
                    "since": d.disputed_on.isoformat(),
                }
            )
            for d in item.details
        )
        return str(_("Open disputes hold the payout until they are decided: %(list)s.") % {"list": disputes})
    if item.code == "no_late_imports":
        if item.ok:
            return str(_("No training records or evaluations were imported after the last scoring."))
        files = "; ".join(f"{imp.file_name} ({imp.kind})" for imp in item.details)
        return str(_("Imported after the last scoring: %(files)s.") % {"files": files})
    return item.code


def month_close_checklist(month: date, today: date) -> list[tuple[rules.CloseItem, str]]:
    """The month's close checklist with each line's text, for the review page."""
    items = rules.month_close_checklist(month_close_facts(month, today))
    return [(item, close_item_text(item)) for item in items]


def star_approver_note(*, month: date, user) -> tuple[bool, str]:
    """Whether `user` may approve the month's Service Stars, and who may and why, said before the click: an HR
    user with the permission who excluded nobody from this month's list (maker-checker)."""
    from portal.models import User

    excluders = set(
        ServiceStarExclusion.objects.filter(round__month=first_of_month(month)).values_list(
            "created_by_id", flat=True
        )
    )
    # Holders as subqueries of ids rather than joins through groups and permissions: the joins made PostgreSQL
    # read every user of the company with DISTINCT (~12 ms at 10,000 staff).
    permission = Permission.objects.filter(
        codename="manage_service_stars", content_type__app_label="incentives"
    )
    holds = (
        Q(is_superuser=True)
        | Q(pk__in=User.groups.through.objects.filter(group__permissions__in=permission).values("user_id"))
        | Q(pk__in=User.user_permissions.through.objects.filter(permission__in=permission).values("user_id"))
    )
    approvers = list(
        User.objects.filter(holds, is_active=True).exclude(pk__in=excluders).order_by("employee_no")[:10]
    )
    names = "、".join(f"{p.name}（{p.employee_no}）" for p in approvers[:10]) or "—"
    if user.pk in excluders:
        return False, str(
            _(
                "You excluded someone from this month's list, so another HR user approves it (whoever excludes "
                "does not approve). Who may approve: %(names)s."
            )
            % {"names": names}
        )
    return True, str(
        _(
            "Approval needs an HR user who excluded nobody from this month's list; publishing needs the "
            "publish permission. Who may approve: %(names)s."
        )
        % {"names": names}
    )

"""Reads of QA calls and samples (they never write): the policy, the month's sample as the command prints it,
coverage per team, the rules' accuracy against evaluators, and the pre-filled evaluation form of a sampled call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import Permission
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from assessments.models import (
    Call,
    CallImportJob,
    CriterionRule,
    QaEvaluatorCapacity,
    QaPolicy,
    QaSampleDraw,
    Rubric,
    RubricCriterion,
    RuleFinding,
    SampledCall,
)
from assessments.qa import rules, transcripts
from portal.models import Role, Team, User


def qa_policy_get() -> QaPolicy:
    """HR's QA policy (its defaults, unsaved, if the row is missing)."""
    return QaPolicy.objects.order_by("pk").first() or QaPolicy()


def qa_evaluator_ids() -> dict[str, int]:
    """{employee number: id} of the people who take spot checks: active trainer/QA accounts, and anyone else
    given the scoring permission in person (a team lead who also does QA for other teams)."""
    personal = Permission.objects.filter(content_type__app_label="assessments", codename="evaluate_staff")
    return dict(
        User.objects.filter(Q(role=Role.TRAINER) | Q(user_permissions__in=personal), is_active=True)
        .distinct()
        .values_list("employee_no", "pk")
    )


@dataclass
class EvaluatorLoad:
    evaluator: User
    capacity: int
    capacity_set: bool  # False: the policy's default applies
    assigned: int  # sampled calls of the month assigned to them
    done: int

    @property
    def percent(self) -> int:
        """Share of the month's capacity already assigned, as a whole percent."""
        return round(100 * self.assigned / self.capacity) if self.capacity else 0


def qa_evaluator_capacities(policy: QaPolicy | None = None) -> dict[str, int]:
    """{employee number: calls a month} of every QA evaluator (`qa_evaluator_ids`): what HR set for them, else
    the policy's `evaluator_capacity`."""
    default = (policy or qa_policy_get()).evaluator_capacity
    set_for = dict(QaEvaluatorCapacity.objects.values_list("evaluator__employee_no", "calls_per_month"))
    return {number: set_for.get(number, default) for number in qa_evaluator_ids()}


def qa_evaluator_loads(month: date) -> list[EvaluatorLoad]:
    """Each QA evaluator with their capacity and `month`'s sampled calls assigned and done, by employee number.
    Three queries whatever the number of evaluators."""
    policy = qa_policy_get()
    ids = qa_evaluator_ids()
    set_for = dict(QaEvaluatorCapacity.objects.values_list("evaluator_id", "calls_per_month"))
    counts = {
        evaluator_id: (n, done)
        for evaluator_id, n, done in SampledCall.objects.filter(
            call__month=month, evaluator_id__in=ids.values()
        )
        .values("evaluator_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(evaluation__isnull=False)))
        .values_list("evaluator_id", "n", "done")
    }
    people = User.objects.filter(pk__in=ids.values()).order_by("employee_no")
    return [
        EvaluatorLoad(
            evaluator=person,
            capacity=set_for.get(person.pk, policy.evaluator_capacity),
            capacity_set=person.pk in set_for,
            assigned=counts.get(person.pk, (0, 0))[0],
            done=counts.get(person.pk, (0, 0))[1],
        )
        for person in people
    ]


def call_import_jobs_for(user: User):
    """The person's call-list uploads, newest first."""
    return CallImportJob.objects.filter(requested_by=user).order_by("-requested_at", "-pk")


# --- The month's sample ----------------------------------------------------------------------------------------


def qa_sample_get(month: date) -> dict:
    """The month's sample as `qa_sample --json` prints it: the plan (the latest draw's, or the policy's before
    any draw), every draw (seed, when) and every assigned call ordered by employee number then call id (compared
    as Python compares text, whatever the database's collation)."""
    draws = list(QaSampleDraw.objects.filter(month=month).order_by("at", "pk"))
    assigned = sorted(
        SampledCall.objects.filter(call__month=month).values_list(
            "call__call_id", "call__staff__employee_no", "evaluator__employee_no"
        ),
        key=lambda row: (row[1], row[0]),
    )
    return {
        "month": f"{month:%Y-%m}",
        "per_agent": draws[-1].per_agent if draws else qa_policy_get().spot_checks_per_agent,
        "draws": [{"seed": d.seed, "at": timezone.localtime(d.at).isoformat()} for d in draws],
        "assigned": [
            {"call_id": call_id, "employee_no": employee_no, "evaluator": evaluator}
            for call_id, employee_no, evaluator in assigned
        ],
    }


def qa_draw_replay(draw: QaSampleDraw) -> dict[str, list[str]]:
    """What `draw` draws when replayed from its seed on the calls as they are now: each agent's call ids.

    The calls it drew from are those of its month, at least its minimum length, imported up to its time and not
    drawn by an earlier draw, of the agents it drew for (`draw.wanted`, with how many each still wanted; a draw
    recorded before it kept them is replayed for today's active agents). Equal to what the draw recorded while
    those calls are unchanged, whoever has left or changed role since.
    """
    earlier = SampledCall.objects.filter(
        Q(draw__at__lt=draw.at) | Q(draw__at=draw.at, draw__pk__lt=draw.pk), call__month=draw.month
    )
    taken = set(earlier.values_list("call_id", flat=True))
    calls = Call.objects.filter(
        month=draw.month, duration_s__gte=draw.min_call_seconds, imported_at__lte=draw.at
    )
    if draw.wanted:
        calls = calls.filter(staff__employee_no__in=list(draw.wanted))
    else:
        calls = calls.filter(staff__is_active=True, staff__role__in=[Role.AGENT, Role.TEAM_LEAD])
    eligible: dict[str, list[str]] = defaultdict(list)
    for pk, call_id, number in calls.values_list("pk", "call_id", "staff__employee_no"):
        if pk not in taken:
            eligible[number].append(call_id)
    if draw.wanted:
        wanted = dict(draw.wanted)
    else:
        had: dict[str, int] = defaultdict(int)
        for number in earlier.values_list("call__staff__employee_no", flat=True):
            had[number] += 1
        wanted = {number: draw.per_agent - had.get(number, 0) for number in eligible}
    return rules.draw_sample(eligible, wanted, draw.seed)


# --- Coverage for HR -------------------------------------------------------------------------------------------


@dataclass
class TeamCoverage:
    team: str
    agents: int  # agents with a call of the month
    planned: int  # checks due: the plan per agent, or all eligible calls when fewer
    sampled: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.planned) if self.planned else 0


def qa_coverage(month: date) -> list[TeamCoverage]:
    """Per team: agents with calls in `month`, spot checks due (plan, or all eligible calls when fewer), drawn
    and done. Set-based: three grouped queries."""
    policy = qa_policy_get()
    per_agent = defaultdict(lambda: {"eligible": 0, "sampled": 0, "done": 0})
    for staff_id, eligible in (
        Call.objects.filter(month=month, staff__role__in=[Role.AGENT, Role.TEAM_LEAD], staff__is_active=True)
        .values("staff_id")
        .annotate(n=Count("pk", filter=Q(duration_s__gte=policy.min_call_seconds)))
        .values_list("staff_id", "n")
    ):
        per_agent[staff_id]["eligible"] = eligible
    for staff_id, sampled, done in (
        SampledCall.objects.filter(call__month=month)
        .values("call__staff_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(evaluation__isnull=False)))
        .values_list("call__staff_id", "n", "done")
    ):
        per_agent[staff_id]["sampled"] = sampled
        per_agent[staff_id]["done"] = done
    teams = dict(User.objects.filter(pk__in=per_agent.keys()).values_list("pk", "team_id"))
    names = {
        t.pk: str(t) for t in Team.objects.select_related("department").filter(pk__in=set(teams.values()))
    }
    rows: dict[str, TeamCoverage] = {}
    for staff_id, counts in per_agent.items():
        name = names.get(teams.get(staff_id), "—")
        row = rows.setdefault(name, TeamCoverage(team=name, agents=0, planned=0, sampled=0, done=0))
        row.agents += 1
        row.planned += rules.checks_due(counts["sampled"], policy.spot_checks_per_agent, counts["eligible"])
        row.sampled += counts["sampled"]
        row.done += counts["done"]
    return sorted(rows.values(), key=lambda r: r.team)


@dataclass
class RuleAccuracy:
    rule: str
    criterion: str
    findings: int  # findings where the rule could tell
    agreed: int

    @property
    def percent(self) -> int:
        return round(100 * self.agreed / self.findings) if self.findings else 0


def rule_accuracy(month: date) -> list[RuleAccuracy]:
    """Per rule, over the sampled calls of `month` already evaluated: how often the evaluator kept the rule's
    suggestion (findings the rule could not tell are left out)."""
    rows = (
        RuleFinding.objects.filter(sampled_call__call__month=month, suggested__isnull=False)
        .values("rule_id", "rule_text", "rule__criterion__name")
        .annotate(
            n=Count("pk"),
            agreed=Count("pk", filter=Q(suggested=True, passed=True) | Q(suggested=False, passed=False)),
        )
        .order_by("rule__criterion__name", "rule_text")
    )
    return [
        RuleAccuracy(
            rule=r["rule_text"],
            criterion=r["rule__criterion__name"] or "—",
            findings=r["n"],
            agreed=r["agreed"],
        )
        for r in rows
    ]


# --- The evaluator's calls and form ----------------------------------------------------------------------------


def sampled_calls_for_evaluator(user: User) -> list[SampledCall]:
    """The calls assigned to `user`, those still to evaluate first, oldest call first."""
    return list(
        SampledCall.objects.filter(evaluator=user)
        .select_related("call__staff", "evaluation")
        .order_by(F("evaluated_at").asc(nulls_first=True), "call__started_at")[:500]
    )


def sampled_call_get_for_evaluator(user: User, sampled_call_id: int, *, lock: bool = False) -> SampledCall:
    """The sampled call if `user` is its assigned evaluator; 404 otherwise (nobody else learns it exists)."""
    queryset = SampledCall.objects.select_related("call__staff", "evaluation")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    sampled = queryset.filter(pk=sampled_call_id, evaluator=user).first()
    if sampled is None:
        raise Http404
    return sampled


@dataclass
class CriterionFinding:
    rule: CriterionRule
    finding: transcripts.Finding


def _spec(rule: CriterionRule) -> transcripts.RuleSpec:
    return transcripts.RuleSpec(
        kind=rule.kind, phrase=rule.phrase, stage=rule.stage, max_silence_s=rule.max_silence_s
    )


def criterion_findings(transcript: str, rubric: Rubric) -> list[CriterionFinding]:
    """Each rule of `rubric`'s criteria applied to `transcript` (none without a transcript)."""
    if not transcript.strip():
        return []
    utterances = transcripts.parse_transcript(transcript)
    rubric_rules = CriterionRule.objects.filter(criterion__rubric=rubric).select_related("criterion")
    return [
        CriterionFinding(rule, transcripts.evaluate_rule(_spec(rule), utterances)) for rule in rubric_rules
    ]


@dataclass
class FormCriterion:
    criterion: RubricCriterion
    findings: list[CriterionFinding] = field(default_factory=list)
    suggested_level: int | None = None


@dataclass
class FormLine:
    line: int
    speaker: str | None
    text: str
    stamp: str
    highlighted: bool


def sampled_call_form(sampled: SampledCall, rubric: Rubric | None) -> dict:
    """What the evaluation form of a sampled call shows: each criterion with its rules' findings and the level
    they suggest, and the transcript's lines with those the findings rest on highlighted."""
    call = sampled.call
    findings = criterion_findings(call.transcript, rubric) if rubric else []
    by_criterion: dict[int, list[CriterionFinding]] = defaultdict(list)
    for f in findings:
        by_criterion[f.rule.criterion_id].append(f)
    criteria = []
    for criterion in rubric.criteria.all() if rubric else []:
        own = by_criterion.get(criterion.pk, [])
        level = transcripts.suggested_level(criterion.levels, [f.finding for f in own])
        criteria.append(FormCriterion(criterion=criterion, findings=own, suggested_level=level))
    marked = {line for f in findings for line in f.finding.lines}
    lines = [
        FormLine(
            line=u.line,
            speaker=u.speaker,
            text=u.text,
            stamp=f"{u.at_s // 60:02d}:{u.at_s % 60:02d}" if u.at_s is not None else "",
            highlighted=u.line in marked,
        )
        for u in transcripts.parse_transcript(call.transcript)
    ]
    return {"criteria": criteria, "lines": lines, "has_transcript": bool(call.transcript.strip())}

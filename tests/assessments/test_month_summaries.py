"""The month summaries the HR overview and the Service Star review read are stored by the writes that change a
month: after each kind of change every stored figure equals the figure computed from scratch by the selectors the
pages used to run on every view; while a refresh is queued the pages say so and show the last figures; the score
table and the ineligible list are paged by keyset; a lead's page shows only their scope."""

import re
from datetime import date
from decimal import Decimal

import pytest

from assessments.models import (
    KpiRecord,
    MonthlyScore,
    Rubric,
    RubricCriterion,
    ScoreSummary,
    ScoringPolicyVersion,
)
from assessments.scorecards.services import (
    evaluation_dispute,
    evaluation_dispute_resolve,
    evaluation_dispute_review,
    qa_lead_appoint,
    scorecard_evaluate,
)
from assessments.scoring import rules
from assessments.scoring.selectors import (
    coaching_rows,
    kpi_compliance_counts,
    mean_scores_by_month,
    month_score_summary,
    scored_staff_for_month,
    scoring_policy_for_month,
    team_kpi_compliance,
)
from assessments.scoring.services import (
    POLICY_FIELDS,
    kpi_month_import,
    monthly_scores_compute,
    scoring_policy_create,
)
from assessments.scoring.summaries import (
    score_summaries_compute,
    score_summary_get,
    score_summary_state,
)
from incentives.selectors import reason_counts, star_month, star_month_stored
from incentives.services import (
    service_star_exclude,
    service_star_exclusion_withdraw,
    service_star_publication_undo,
    service_star_round_approve,
    service_star_round_publish,
)
from portal.models import Department, Team, User
from portal.services import staff_update
from tests.assessments.scoring_helpers import kpi_csv
from tests.factories import StaffFactory
from tests.incentives.factories import hr, month_data

OCT = date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def _scopes():
    """Every scope a page can ask for, with its people computed from scratch."""
    people = scored_staff_for_month(OCT)
    yield {}, people
    for department in Department.objects.all():
        yield {"department_id": department.pk}, people.filter(department_id=department.pk)
        for team in Team.objects.all():
            yield (
                {"department_id": department.pk, "team_id": team.pk},
                people.filter(department_id=department.pk, team_id=team.pk),
            )
    for team in Team.objects.all():
        yield {"team_id": team.pk}, people.filter(team_id=team.pk)


def assert_summaries_match(month=OCT):
    """Every stored figure of `month` equals the one computed from scratch, in every scope, and the stored review
    equals the proposal (or publication) computed now."""
    state = score_summary_state(month)
    assert state is not None and not state.stale
    stored = dict(ScoreSummary.objects.filter(month=month).values_list("scope", "figures"))
    assert stored == score_summaries_compute(month)
    policy = scoring_policy_for_month(month).as_rules()
    for kwargs, people in _scopes():
        got = score_summary_get(month=month, **kwargs)
        assert got.summary == month_score_summary(month=month, staff_qs=people, policy=policy), kwargs
        total, met = kpi_compliance_counts(months=[month], staff_qs=people).get(
            month, (0, dict.fromkeys(rules.KPI_CODES, 0))
        )
        assert (got.summary.with_kpis, got.met) == (total, [met[code] for code in rules.KPI_CODES]), kwargs
        assert got.summary.mean == mean_scores_by_month(months=[month], staff_qs=people).get(month), kwargs
        assert got.teams == team_kpi_compliance(month=month, staff_qs=people, policy=policy), kwargs
        assert got.summary.missed_any == len(coaching_rows(month=month, staff_qs=people, policy=policy))

    review = star_month_stored(month=month, limit=10**6, runners_up=10**6)
    scratch = star_month(month=month)
    assert not review.stale
    assert review.view.status == scratch.status
    assert review.view.winners == scratch.winners
    assert review.view.runners_up == scratch.runners_up
    assert review.ineligible_page == sorted(scratch.ineligible, key=lambda row: row.employee_no)
    assert review.reason_counts == reason_counts(scratch.ineligible)
    assert review.excluded == sorted(
        (row for row in scratch.ineligible if row.exclusion_reason), key=lambda row: row.employee_no
    )


@pytest.fixture
def month(org):
    """October with six scored people in three teams of two departments; most eligible, some not."""
    month_data(org.agent_a1)
    month_data(org.agent_a1b, satisfaction="89.50")
    month_data(org.agent_a2, quality="70")
    month_data(org.agent_b1, contacts=80)
    month_data(org.lead_a1, complaint="0.6")
    month_data(StaffFactory(team=org.team_b1, employee_no="B0002"), hours=None)
    return org


def test_every_figure_equals_the_figures_from_scratch_after_each_kind_of_change(
    month, django_capture_on_commit_callbacks
):
    org = month
    people = hr("H0001")
    assert_summaries_match()

    # KPI import (replacing the month's rows).
    data = kpi_csv(
        "A0001,150,99,97,95,0.3,0",
        "A0002,150,99,97,91,0.3,0",
        "A0003,150,97,97,95,0.3,0",
        "B0001,150,99,97,95,0.3,0",
        "L0001,150,99,97,95,0.3,0",
        "B0002,150,99,90,95,1.2,1",
    )
    assert kpi_month_import(data=data, file_name="kpi.csv", month=OCT, replace=True, acting_user=people).ok
    assert_summaries_match()

    # Recompute after data changed past the services (a correction in the database).
    MonthlyScore.objects.filter(staff=org.agent_a1, month=OCT).delete()
    monthly_scores_compute(month=OCT, acting_user=people)
    assert_summaries_match()

    # Dispute resolution: a revised evaluation changes the quality score.
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    criterion = RubricCriterion.objects.create(
        rubric=rubric,
        name="礼貌",
        weight=Decimal(1),
        levels=[{"percent": 100, "label": "优"}, {"percent": 40, "label": "良"}],
        order=1,
    )
    qa, qa_lead = StaffFactory(role="trainer"), StaffFactory(role="trainer")
    evaluation = scorecard_evaluate(
        staff=org.agent_a1b,
        rubric=rubric,
        on_date=date(2026, 10, 14),
        levels={criterion.pk: 0},
        acting_user=qa,
    )
    assert_summaries_match()
    evaluation_dispute(
        evaluation=evaluation, acting_user=org.agent_a1b, reason="录音不完整", today=date(2026, 10, 15)
    )
    evaluation_dispute_review(evaluation=evaluation, acting_user=org.lead_a1, endorse=True, note="同意复核")
    qa_lead_appoint(user=qa_lead, acting_user=people, reason="质检组长")
    evaluation_dispute_resolve(
        evaluation=evaluation,
        acting_user=qa_lead,
        decision="revised",
        note="复核",
        new_levels={criterion.pk: 1},
    )
    assert_summaries_match()

    # Exclusion by HR, and its withdrawal.
    service_star_exclude(month=OCT, staff=org.agent_a1, reason="投诉调查中", acting_user=people)
    assert star_month_stored(month=OCT).excluded[0].employee_no == "A0001"
    assert_summaries_match()
    service_star_exclusion_withdraw(month=OCT, staff=org.agent_a1, reason="调查结束", acting_user=people)
    assert_summaries_match()

    # Policy change from October: a stricter satisfaction target.
    base = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    values = {name: getattr(base, name) for name in POLICY_FIELDS} | {
        "name": "2026-10",
        "satisfaction_target": Decimal("94"),
    }
    scoring_policy_create(effective_month=OCT, values=values, acting_user=people, reason="提高满意度目标")
    assert_summaries_match()

    # People moving team (announced after commit): every month's groups change.
    with django_capture_on_commit_callbacks(execute=True):
        staff_update(user=org.agent_a2, acting_user=people, team=org.team_b1, department=org.dept_b)
    assert_summaries_match()

    # Approval, publication (the review is then the frozen publication) and its undoing.
    service_star_round_approve(month=OCT, acting_user=people, reason="核对无误", acknowledgement="已知悉")
    assert_summaries_match()
    publisher = hr("H0002")
    service_star_round_publish(month=OCT, acting_user=publisher, reason="按规则公示")
    assert star_month_stored(month=OCT).view.status == "published"
    assert_summaries_match()
    service_star_publication_undo(month=OCT, reason="数据更正", acting_user=publisher)
    assert_summaries_match()


def test_while_a_refresh_is_queued_the_pages_say_updating_and_show_the_last_figures(month, client, settings):
    from django_tasks import default_task_backend

    people = hr("H0001")
    client.force_login(people)
    before = score_summary_get(month=OCT)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    month_data(StaffFactory(team=month.team_a1, employee_no="A0009"))  # one more scored person: queued

    state = score_summary_state(OCT)
    assert state.stale and state.queued
    (queued,) = [r for r in default_task_backend.results if r.task.name == "refresh_score_summaries"]
    assert queued.task.name == "refresh_score_summaries" and queued.args == ["2026-10-01"]
    response = client.get("/assessments/scores/?month=2026-10")
    assert 'data-testid="updating"' in response.content.decode()
    assert response.context["count"] == before.summary.count
    assert 'data-testid="updating"' in client.get("/incentives/stars/2026-10/").content.decode()

    queued.task.func(*queued.args)  # what the worker runs
    assert not score_summary_state(OCT).stale
    response = client.get("/assessments/scores/?month=2026-10")
    assert 'data-testid="updating"' not in response.content.decode()
    assert response.context["count"] == before.summary.count + 1
    assert 'data-testid="updating"' not in client.get("/incentives/stars/2026-10/").content.decode()


def _employee_nos(html: str) -> list[str]:
    table = html.split('id="scores-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<span class="muted">(\w+)</span>', table)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]*)#scores-table" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _many_scored(org, count: int) -> list[User]:
    """`count` agents of team A1 with a KPI row each, scored (S0000, S0001 …)."""
    User.objects.bulk_create(
        [
            User(
                employee_no=f"S{n:04d}",
                name=f"员工{n}",
                role="agent",
                team=org.team_a1,
                department=org.dept_a,
            )
            for n in range(count)
        ]
    )
    staff = list(User.objects.filter(employee_no__startswith="S").order_by("employee_no"))
    KpiRecord.objects.bulk_create(
        [
            KpiRecord(
                staff=person,
                month=OCT,
                contacts_handled=50 + n,
                response_timeliness_rate=Decimal("99"),
                resolution_rate=Decimal(90 + n % 10),
                satisfaction_rate=Decimal("95"),
                complaint_rate=Decimal("0.3"),
                major_complaints=0,
            )
            for n, person in enumerate(staff)
        ]
    )
    monthly_scores_compute(month=OCT)
    return staff


def test_the_score_table_pages_by_keyset_100_rows_without_duplicates_or_gaps(org, client):
    client.force_login(hr("H0001"))
    _many_scored(org, 250)
    expected = list(
        MonthlyScore.objects.filter(month=OCT)
        .order_by("staff__employee_no")
        .values_list("staff__employee_no", flat=True)
    )
    assert 250 < len(expected) < 300  # the org's people are scored too (learning 0 without the hours)

    seen, query, pages = [], "month=2026-10", []
    while query:
        html = client.get(f"/assessments/scores/?{query}").content.decode()
        pages.append((query, html))
        rows = _employee_nos(html)
        assert len(rows) == (100 if len(pages) < 3 else len(expected) - 200)
        seen += rows
        query = _link(html, "next")
    assert seen == expected
    # Back from the last page: the middle page again, exactly.
    previous = client.get(f"/assessments/scores/?{_link(pages[2][1], 'prev')}").content.decode()
    assert _employee_nos(previous) == _employee_nos(pages[1][1])
    assert _link(pages[0][1], "prev") is None


def test_the_ineligible_list_pages_by_keyset(org, client):
    client.force_login(hr("H0001"))
    _many_scored(org, 150)  # under 100 contacts: all ineligible
    expected = sorted(row.employee_no for row in star_month(month=OCT).ineligible)
    assert len(expected) > 150
    first = client.get("/incentives/stars/2026-10/").content.decode()
    numbers = re.findall(r'<tr data-employee-no="(\w+)">', first.split('id="ineligible"', 1)[1])
    assert len(numbers) == 100
    after = re.search(r'<a href="\?after=([^"]+)#ineligible" rel="next">', first).group(1)
    second = client.get(f"/incentives/stars/2026-10/?after={after}").content.decode()
    rest = re.findall(r'<tr data-employee-no="(\w+)">', second.split('id="ineligible"', 1)[1])
    assert numbers + rest == expected


def test_a_lead_sees_only_their_scope_and_a_filter_never_widens_it(month, client):
    org = month
    client.force_login(org.lead_a1)
    response = client.get("/assessments/scores/?month=2026-10")
    team_a1 = scored_staff_for_month(OCT).filter(team=org.team_a1)
    assert response.context["count"] == team_a1.count() > 0
    assert "B0001" not in response.content.decode() and "A0003" not in response.content.decode()
    # Asking for another team gives nobody, not that team's figures.
    other = client.get(f"/assessments/scores/?month=2026-10&team={org.team_b1.pk}")
    assert other.context["count"] == 0 and "B0001" not in other.content.decode()

    client.force_login(org.manager_a)
    response = client.get("/assessments/scores/?month=2026-10")
    dept_a = scored_staff_for_month(OCT).filter(department=org.dept_a)
    assert response.context["count"] == dept_a.count() > team_a1.count()
    assert "B0001" not in response.content.decode() and "宽带支持组" not in response.content.decode()
    other = client.get(f"/assessments/scores/?month=2026-10&department={org.dept_b.pk}")
    assert other.context["count"] == 0


def test_a_month_never_summarised_is_computed_on_the_page_and_nothing_is_stored(month, client):
    ScoreSummary.objects.all().delete()
    from assessments.models import ScoreSummaryMonth
    from incentives.models import StarSummary, StarSummaryLine

    ScoreSummaryMonth.objects.all().delete()
    StarSummary.objects.all().delete()
    StarSummaryLine.objects.all().delete()
    client.force_login(hr("H0001"))
    people = scored_staff_for_month(OCT)
    expected = month_score_summary(
        month=OCT, staff_qs=people, policy=scoring_policy_for_month(OCT).as_rules()
    ).count
    assert client.get("/assessments/scores/?month=2026-10").context["count"] == expected > 0
    assert client.get("/incentives/stars/2026-10/").status_code == 200
    assert not ScoreSummary.objects.exists() and not StarSummary.objects.exists()

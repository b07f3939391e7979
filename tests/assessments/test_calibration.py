"""Calibration sessions (blind scores, the QA lead's reference, deviations), the monthly evaluator-accuracy report
with its export, and grade-the-grader reviews: worked examples through the services, and the refusals."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from assessments.calibration import selectors, services
from assessments.calibration.leads import is_qa_lead, qa_lead_ids
from assessments.models import (
    CalibrationPolicy,
    CalibrationScore,
    Call,
    Evaluation,
    GraderReview,
    GraderReviewDraw,
    QaLead,
    Rubric,
    RubricCriterion,
)
from assessments.qa import rules as qa_rules
from assessments.qa.services import call_import
from assessments.scorecards.services import scorecard_evaluate
from portal.models import AuditEvent, User
from tests.conftest import sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LEVELS = [
    {"percent": 0, "label": "未做到"},
    {"percent": 50, "label": "部分做到"},
    {"percent": 80, "label": "做到"},
    {"percent": 100, "label": "优秀"},
]
OCTOBER = datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)
NOVEMBER = datetime(2026, 11, 9, 10, 0, tzinfo=SHANGHAI)


def make_lead(employee_no="Q0009") -> User:
    lead = StaffFactory(role="trainer", employee_no=employee_no)
    QaLead.objects.create(user=lead, reason="calibration tests")
    return User.objects.get(pk=lead.pk)  # a fresh object: permissions are cached per instance


@pytest.fixture
def qa(org):
    call_import(
        data=(
            b"call_id,employee_no,started_at,duration_s,channel,recording_url,transcript\n"
            b"C-100,A0001,2026-10-03 09:30,300,phone,https://rec.example.com/C-100.mp3,\n"
            b"C-200,A0002,2026-11-02 14:00,240,chat,,\n"
        ),
        file_name="calls.csv",
    )
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    greeting = RubricCriterion.objects.create(rubric=rubric, name="礼貌用语", weight=D(1), levels=LEVELS)
    accuracy = RubricCriterion.objects.create(
        rubric=rubric, name="业务准确", weight=D(1), levels=LEVELS, order=1
    )
    return {
        "org": org,
        "lead": make_lead(),
        "e1": StaffFactory(role="trainer", employee_no="Q0001"),
        "e2": StaffFactory(role="trainer", employee_no="Q0002"),
        "e3": StaffFactory(role="trainer", employee_no="Q0003"),
        "rubric": rubric,
        "greeting": greeting,
        "accuracy": accuracy,
        "october_call": Call.objects.get(call_id="C-100"),
        "november_call": Call.objects.get(call_id="C-200"),
    }


def open_session(qa, *, call, now, evaluators=("e1", "e2")):
    return services.calibration_session_open(
        call=call,
        rubric=qa["rubric"],
        evaluators=[qa[e] for e in evaluators],
        score_by=now.date(),
        acting_user=qa["lead"],
        now=now,
    )


def level_of(session, **by_name) -> dict[int, int]:
    """{criterion id: level index} from percents given per criterion name ("礼貌用语" → greeting)."""
    names = {"greeting": "礼貌用语", "accuracy": "业务准确"}
    criteria = {c.name: c for c in session.criteria.all()}
    return {
        criteria[names[key]].pk: [level["percent"] for level in LEVELS].index(percent)
        for key, percent in by_name.items()
    }


def score(session, person, **by_name):
    return services.calibration_scores_submit(
        session_id=session.pk, levels=level_of(session, **by_name), acting_user=person
    )


def set_reference(qa, session, **by_name):
    return services.calibration_reference_set(
        session_id=session.pk, levels=level_of(session, **by_name), acting_user=qa["lead"]
    )


# --- Who is a QA lead ------------------------------------------------------------------------------------------


def test_a_qa_lead_is_a_trainer_holding_the_lead_permission(qa):
    assert is_qa_lead(qa["lead"]) and not is_qa_lead(qa["e1"])
    assert qa_lead_ids() == [qa["lead"].pk]
    hr = StaffFactory(role="hr", employee_no="HR009")
    assert not is_qa_lead(hr), "HR holds many permissions but is not a QA lead"


# --- Sessions: worked example ----------------------------------------------------------------------------------


def test_each_evaluator_sees_their_deviation_per_criterion_once_the_reference_is_set(qa):
    session = open_session(qa, call=qa["november_call"], now=NOVEMBER)
    assert [c.name for c in session.criteria.all()] == ["礼貌用语", "业务准确"]
    score(session, qa["e1"], greeting=80, accuracy=50)
    score(session, qa["e2"], greeting=100, accuracy=50)

    before = selectors.session_view(session, qa["e1"])
    assert [line.mine for line in before["lines"]] == [D(80), D(50)]
    assert [line.deviation for line in before["lines"]] == [None, None], "no reference yet"

    set_reference(qa, session, greeting=100, accuracy=50)
    session.refresh_from_db()
    first = selectors.session_view(session, qa["e1"])
    assert [(line.deviation, line.within) for line in first["lines"]] == [(D(-20), False), (D(0), True)]
    assert first["my_accuracy"].mean_abs_deviation == D(10) and first["my_accuracy"].within_share == D(50)
    second = selectors.session_view(session, qa["e2"])
    assert [(line.deviation, line.within) for line in second["lines"]] == [(D(0), True), (D(0), True)]
    assert AuditEvent.objects.filter(action="calibration.reference", target_id=str(session.pk)).exists()


def test_an_evaluator_never_sees_another_evaluators_scores_before_the_reference(qa, client):
    session = open_session(qa, call=qa["november_call"], now=NOVEMBER)
    score(session, qa["e1"], greeting=80, accuracy=0)
    view = selectors.session_view(session, qa["e2"])
    assert view["participants"] == [] and [line.mine for line in view["lines"]] == [None, None]
    sign_in(client, qa["e2"])
    page = client.get(reverse("assessments:calibration-session", args=[session.pk])).content.decode()
    assert 'id="participants"' not in page and 'id="calibration-score"' in page
    # The lead sees everyone's scores to discuss them before setting the reference.
    lead_view = selectors.session_view(session, qa["lead"])
    assert [p.scores for p in lead_view["participants"]] == [[D(80), D(0)], [None, None]]


def test_someone_not_invited_cannot_open_or_score_a_session(qa, client):
    session = open_session(qa, call=qa["november_call"], now=NOVEMBER)
    sign_in(client, qa["e3"])
    assert client.get(reverse("assessments:calibration-session", args=[session.pk])).status_code == 404
    with pytest.raises(Http404):
        score(session, qa["e3"], greeting=80, accuracy=80)


def test_scores_are_taken_once_and_not_after_the_reference(qa):
    session = open_session(qa, call=qa["november_call"], now=NOVEMBER, evaluators=("e1", "e2", "e3"))
    score(session, qa["e1"], greeting=80, accuracy=80)
    with pytest.raises(ValidationError, match="already scored"):
        score(session, qa["e1"], greeting=100, accuracy=100)
    set_reference(qa, session, greeting=80, accuracy=80)
    with pytest.raises(ValidationError, match="reference is set"):
        score(session, qa["e2"], greeting=80, accuracy=80)
    with pytest.raises(ValidationError, match="already set"):
        set_reference(qa, session, greeting=0, accuracy=0)
    assert CalibrationScore.objects.filter(participant__evaluator=qa["e1"]).count() == 2


def test_a_level_for_every_criterion_is_required_and_nothing_is_half_written(qa):
    session = open_session(qa, call=qa["november_call"], now=NOVEMBER)
    with pytest.raises(ValidationError, match="业务准确"):
        score(session, qa["e1"], greeting=80)
    assert not CalibrationScore.objects.exists()


# --- Sessions: refusals ----------------------------------------------------------------------------------------


def test_only_a_qa_lead_opens_a_session_or_sets_its_reference(qa, client):
    with pytest.raises(PermissionDenied):
        services.calibration_session_open(
            call=qa["november_call"],
            rubric=qa["rubric"],
            evaluators=[qa["e2"], qa["e3"]],
            score_by=NOVEMBER.date(),
            acting_user=qa["e1"],
            now=NOVEMBER,
        )
    session = open_session(qa, call=qa["november_call"], now=NOVEMBER)
    score(session, qa["e1"], greeting=80, accuracy=80)
    with pytest.raises(PermissionDenied):
        services.calibration_reference_set(
            session_id=session.pk, levels=level_of(session, greeting=80, accuracy=80), acting_user=qa["e1"]
        )
    sign_in(client, qa["e1"])
    assert client.get(reverse("assessments:calibration-new")).status_code == 403
    response = client.post(
        reverse("assessments:calibration-session", args=[session.pk]),
        {
            "action": "reference",
            **{f"c{pk}": str(i) for pk, i in level_of(session, greeting=0, accuracy=0).items()},
        },
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert not session.reference_is_set


def test_a_session_needs_two_evaluators_other_than_the_lead_and_the_agent(qa):
    agent = qa["org"].agent_a2
    with pytest.raises(ValidationError, match="at least two"):
        open_session(qa, call=qa["november_call"], now=NOVEMBER, evaluators=("e1",))
    with pytest.raises(ValidationError, match="not yourself"):
        open_session(qa, call=qa["november_call"], now=NOVEMBER, evaluators=("e1", "lead"))
    with pytest.raises(ValidationError, match="not a QA evaluator"):
        services.calibration_session_open(
            call=qa["november_call"],
            rubric=qa["rubric"],
            evaluators=[qa["e1"], agent],
            score_by=NOVEMBER.date(),
            acting_user=qa["lead"],
            now=NOVEMBER,
        )


def test_the_reference_waits_for_a_first_score(qa):
    session = open_session(qa, call=qa["november_call"], now=NOVEMBER)
    with pytest.raises(ValidationError, match="Nobody has scored"):
        set_reference(qa, session, greeting=80, accuracy=80)


# --- The monthly evaluator-accuracy report ---------------------------------------------------------------------


def calibrate(qa, *, call, now, scores: dict, reference: dict):
    session = open_session(qa, call=call, now=now, evaluators=tuple(scores))
    for who, values in scores.items():
        if values is not None:
            score(session, qa[who], **values)
    set_reference(qa, session, **reference)
    return session


def test_the_accuracy_report_on_a_worked_example(qa):
    # October: e1 is 20 and 30 points off (MAD 25, flagged); e2 is exact.
    calibrate(
        qa,
        call=qa["october_call"],
        now=OCTOBER,
        scores={"e1": {"greeting": 80, "accuracy": 80}, "e2": {"greeting": 100, "accuracy": 50}},
        reference={"greeting": 100, "accuracy": 50},
    )
    # November, two sessions. e1: |−20|, |0| then |0|, |0| → MAD 5 (= tolerance, not flagged), 3 of 4 within.
    # e2: |0|, |+50| then |0|, |0| → MAD 12.5, flagged, 3 of 4 within. e3 invited twice, scored once: 0, 0.
    calibrate(
        qa,
        call=qa["november_call"],
        now=NOVEMBER,
        scores={
            "e1": {"greeting": 80, "accuracy": 50},
            "e2": {"greeting": 100, "accuracy": 100},
            "e3": None,
        },
        reference={"greeting": 100, "accuracy": 50},
    )
    calibrate(
        qa,
        call=qa["october_call"],
        now=NOVEMBER,
        scores={
            "e1": {"greeting": 50, "accuracy": 0},
            "e2": {"greeting": 50, "accuracy": 0},
            "e3": {"greeting": 50, "accuracy": 0},
        },
        reference={"greeting": 50, "accuracy": 0},
    )
    report = selectors.evaluator_accuracy_report(date(2026, 11, 1))
    assert report["tolerance"] == D(5)
    rows = {r.evaluator.employee_no: r for r in report["rows"]}
    assert [r.evaluator.employee_no for r in report["rows"]] == ["Q0002", "Q0001", "Q0003"], "flagged first"
    e1, e2, e3 = rows["Q0001"], rows["Q0002"], rows["Q0003"]
    assert (e1.invited, e1.accuracy.sessions, e1.accuracy.criteria) == (2, 2, 4)
    assert (e1.mad, e1.within_share, e1.accuracy.flagged) == (D("5.00"), D("75.00"), False)
    assert e1.history[-2:] == [(date(2026, 10, 1), D("25.00")), (date(2026, 11, 1), D("5.00"))]
    assert e1.trend == "better"
    assert (e2.mad, e2.within_share, e2.accuracy.flagged, e2.trend) == (D("12.50"), D("75.00"), True, "worse")
    assert (e3.invited, e3.accuracy.sessions, e3.mad, e3.within_share, e3.trend) == (
        2,
        1,
        D("0.00"),
        D("100.00"),
        "",
    )


def test_a_new_tolerance_judges_the_references_set_after_it_and_past_months_stay_as_reported(qa, hr_user):
    november = calibrate(
        qa,
        call=qa["november_call"],
        now=NOVEMBER,
        scores={"e1": {"greeting": 80, "accuracy": 50}, "e2": {"greeting": 100, "accuracy": 50}},
        reference={"greeting": 100, "accuracy": 50},
    )
    flagged = {
        r.evaluator.employee_no
        for r in selectors.evaluator_accuracy_report(date(2026, 11, 1))["rows"]
        if r.accuracy.flagged
    }
    assert flagged == {"Q0001"}  # 20 and 0 points off: a mean of 10 against ±5
    services.calibration_policy_update(
        tolerance_points=D("12.5"), reviews_per_evaluator=3, review_days=7, reason="放宽", acting_user=hr_user
    )
    report = selectors.evaluator_accuracy_report(date(2026, 11, 1))
    assert (
        report["tolerance"] == D(5)
        and {r.evaluator.employee_no for r in report["rows"] if r.accuracy.flagged} == flagged
    )
    november.refresh_from_db()
    assert selectors.session_view(november, qa["e1"])["tolerance"] == D(5)
    december = calibrate(
        qa,
        call=qa["november_call"],
        now=NOVEMBER + timedelta(days=30),
        scores={"e1": {"greeting": 80, "accuracy": 50}, "e2": {"greeting": 100, "accuracy": 50}},
        reference={"greeting": 100, "accuracy": 50},
    )
    report = selectors.evaluator_accuracy_report(date(2026, 12, 1))
    assert report["tolerance"] == D("12.5") and not any(r.accuracy.flagged for r in report["rows"])
    december.refresh_from_db()
    assert december.tolerance_points == D("12.5")
    with pytest.raises(PermissionDenied):
        services.calibration_policy_update(
            tolerance_points=D(1), reviews_per_evaluator=3, review_days=7, reason="x", acting_user=qa["lead"]
        )
    with pytest.raises(ValidationError, match="2 decimals"):
        services.calibration_policy_update(
            tolerance_points=D("2.555"),
            reviews_per_evaluator=3,
            review_days=7,
            reason="x",
            acting_user=hr_user,
        )
    assert CalibrationPolicy.objects.get().tolerance_points == D("12.5")


def test_the_report_downloads_as_an_excel_workbook_for_hr_and_qa_leads_only(qa, client, hr_user):
    calibrate(
        qa,
        call=qa["november_call"],
        now=NOVEMBER,
        scores={"e1": {"greeting": 80, "accuracy": 50}, "e2": {"greeting": 100, "accuracy": 50}},
        reference={"greeting": 100, "accuracy": 50},
    )
    sign_in(client, hr_user)
    response = client.get(reverse("assessments:calibration-report"), {"month": "2026-11", "format": "xlsx"})
    assert (
        response.status_code == 200 and "evaluator-accuracy-2026-11.xlsx" in response["Content-Disposition"]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["employee_no"] == "Q0001" and first["flagged"] == "yes"
    assert D(str(first["mean_abs_deviation"])) == D(10) and D(str(first["within_tolerance_percent"])) == D(50)
    assert "mad_2026-11" in header and "agreement_percent" in header
    sign_in(client, qa["e1"])
    assert client.get(reverse("assessments:calibration-report")).status_code == 403
    sign_in(client, qa["lead"])
    page = client.get(reverse("assessments:calibration-report"), {"month": "2026-11"}).content.decode()
    assert 'data-employee="Q0001"' in page


# --- Grade the grader ------------------------------------------------------------------------------------------


def evaluate(qa, evaluator, staff, day):
    return scorecard_evaluate(
        staff=staff,
        rubric=qa["rubric"],
        on_date=day,
        levels={qa["greeting"].pk: 2, qa["accuracy"].pk: 3},
        acting_user=evaluator,
    )


def test_the_review_sample_is_seeded_recorded_fair_and_tops_up(qa, hr_user):
    org = qa["org"]
    services.calibration_policy_update(
        tolerance_points=D(5),
        reviews_per_evaluator=2,
        review_days=7,
        reason="每人抽两条",
        acting_user=hr_user,
    )
    for day in (3, 4, 5):
        evaluate(qa, qa["e1"], org.agent_a1, date(2026, 11, day))
    evaluate(qa, qa["e2"], org.agent_a1, date(2026, 11, 3))
    evaluate(qa, qa["e2"], org.agent_a1, date(2026, 10, 30))  # another month: never drawn for November
    outcome = services.grader_review_draw(month=date(2026, 11, 1), acting_user=qa["lead"])
    assert outcome.drawn == 3
    drawn = GraderReview.objects.filter(draw=outcome.draw)
    per_evaluator = {e: drawn.filter(evaluator=qa[e]).count() for e in ("e1", "e2")}
    assert per_evaluator == {"e1": 2, "e2": 1}
    assert all(r.evaluation.date.month == 11 for r in drawn)
    assert {r.due_on for r in drawn} == {timezone.localdate() + timedelta(days=7)}
    # The recorded seed reproduces the draw.
    eligible = {
        "Q0001": [
            str(pk) for pk in Evaluation.objects.filter(evaluator_user=qa["e1"]).values_list("pk", flat=True)
        ],
    }
    replay = qa_rules.draw_sample(eligible, {"Q0001": 2}, outcome.draw.seed)
    assert sorted(int(pk) for pk in replay["Q0001"]) == sorted(
        drawn.filter(evaluator=qa["e1"]).values_list("evaluation_id", flat=True)
    )
    # Nothing new: nothing drawn. A new evaluation of e2: topped up to the plan, with its own seed.
    assert services.grader_review_draw(month=date(2026, 11, 1), acting_user=qa["lead"]).drawn == 0
    evaluate(qa, qa["e2"], org.agent_a1b, date(2026, 11, 6))
    assert services.grader_review_draw(month=date(2026, 11, 1), acting_user=qa["lead"]).drawn == 1
    assert GraderReviewDraw.objects.count() == 2 and GraderReview.objects.count() == 4
    with pytest.raises(PermissionDenied):
        services.grader_review_draw(month=date(2026, 11, 1), acting_user=qa["e1"])


def test_the_agreement_rate_of_reviews_joins_the_report(qa):
    org = qa["org"]
    evaluate(qa, qa["e1"], org.agent_a1, date(2026, 11, 3))
    evaluate(qa, qa["e1"], org.agent_a1b, date(2026, 11, 4))
    services.grader_review_draw(month=date(2026, 11, 1), acting_user=qa["lead"])
    first, second = GraderReview.objects.order_by("evaluation__date")
    with pytest.raises(ValidationError, match="Say why"):
        services.grader_review_submit(
            review_id=first.pk, verdicts={0: (True, ""), 1: (False, " ")}, acting_user=qa["lead"]
        )
    with pytest.raises(ValidationError, match="every criterion"):
        services.grader_review_submit(review_id=first.pk, verdicts={0: (True, "")}, acting_user=qa["lead"])
    services.grader_review_submit(
        review_id=first.pk,
        verdicts={0: (True, ""), 1: (False, "客户问题未解决，不应给优秀")},
        acting_user=qa["lead"],
    )
    services.grader_review_submit(
        review_id=second.pk, verdicts={0: (True, ""), 1: (True, "")}, acting_user=qa["lead"]
    )
    with pytest.raises(ValidationError, match="already been reviewed"):
        services.grader_review_submit(
            review_id=second.pk, verdicts={0: (True, ""), 1: (True, "")}, acting_user=qa["lead"]
        )
    (row,) = selectors.evaluator_accuracy_report(date(2026, 11, 1))["rows"]
    assert row.evaluator == qa["e1"] and row.reviews == 2 and row.agreement_shown == D("75.00")
    assert row.accuracy.sessions == 0 and row.mad is None


def test_a_qa_lead_never_reviews_their_own_evaluations(qa, client):
    other_lead = make_lead("Q0008")
    evaluate(qa, qa["lead"], qa["org"].agent_a1, date(2026, 11, 3))
    services.grader_review_draw(month=date(2026, 11, 1), acting_user=qa["lead"])
    review = GraderReview.objects.get()
    with pytest.raises(ValidationError, match="Another QA lead"):
        services.grader_review_submit(
            review_id=review.pk, verdicts={0: (True, ""), 1: (True, "")}, acting_user=qa["lead"]
        )
    assert selectors.reviews_for_lead(qa["lead"]) == []
    sign_in(client, qa["lead"])
    assert client.get(reverse("assessments:grader-review", args=[review.pk])).status_code == 404
    sign_in(client, qa["e1"])
    assert client.get(reverse("assessments:grader-review", args=[review.pk])).status_code == 404
    sign_in(client, other_lead)
    response = client.post(
        reverse("assessments:grader-review", args=[review.pk]),
        {"v0": "agree", "v1": "disagree", "n1": "业务解释有误"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewer == other_lead and [i.agree for i in review.items.all()] == [True, False]


# --- Pages -----------------------------------------------------------------------------------------------------


def test_a_qa_lead_opens_a_session_from_the_page_and_bad_input_is_named(qa, client):
    sign_in(client, qa["lead"])
    url = reverse("assessments:calibration-new")
    form = {
        "call_id": "C-404",
        "rubric": str(qa["rubric"].pk),
        "score_by": f"{timezone.localdate():%Y-%m-%d}",
        "evaluators": [str(qa["e1"].pk), str(qa["e2"].pk)],
    }
    page = client.post(url, form, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "call_id: no imported call has this id." in page
    page = client.post(url, {**form, "call_id": "C-200", "score_by": "2026-13-01"}).content.decode()
    assert "评分截止：请按 YYYY-MM-DD 填写日期。" in page
    response = client.post(url, {**form, "call_id": "C-200"})
    session = qa["november_call"].calibrations.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessments:calibration-session", args=[session.pk]
    )
    assert sorted(session.participants.values_list("evaluator__employee_no", flat=True)) == ["Q0001", "Q0002"]
    listing = client.get(reverse("assessments:calibration")).content.decode()
    assert "C-200" in listing


def test_calibration_pages_write_nothing_when_read(qa, client, hr_user):
    from tests.portal.test_reads_never_write import _changed, _snapshot

    session = calibrate(
        qa,
        call=qa["november_call"],
        now=NOVEMBER,
        scores={"e1": {"greeting": 80, "accuracy": 50}, "e2": None},
        reference={"greeting": 100, "accuracy": 50},
    )
    evaluate(qa, qa["e1"], qa["org"].agent_a1, date(2026, 11, 3))
    services.grader_review_draw(month=date(2026, 11, 1), acting_user=qa["lead"])
    review = GraderReview.objects.get()
    pages = [
        reverse("assessments:calibration"),
        reverse("assessments:calibration-new"),
        reverse("assessments:calibration-session", args=[session.pk]),
        reverse("assessments:calibration-report") + "?month=2026-11",
        reverse("assessments:calibration-report") + "?month=2026-11&format=xlsx",
        reverse("assessments:grader-reviews") + "?month=2026-11",
        reverse("assessments:grader-review", args=[review.pk]),
        reverse("assessments:calibration-policy"),
        reverse("notifications:queue"),
        reverse("portal:home"),
    ]
    for person in (qa["lead"], qa["e1"], qa["e3"], hr_user):
        sign_in(client, person)
        client.get(reverse("portal:home"))
        before = _snapshot()
        for url in pages:
            assert client.get(url).status_code in (200, 403, 404), url
        assert _changed(before, _snapshot()) == [], person.employee_no
    assert client.get(reverse("assessments:calibration-report") + "?month=2026-13").status_code == 404

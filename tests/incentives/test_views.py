"""Incentives pages: HR review with exclusions/approval/publication, the wall, own awards and letters, refusals."""

import re

import pytest
from django.urls import reverse

from incentives.models import Award, RoundStatus, ServiceStarRound
from incentives.services import service_star_round_approve, service_star_round_publish
from portal.models import User
from tests.conftest import sign_in
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = pytest.mark.django_db
MONTH_URL = reverse("incentives:star-month", args=["2026-10"])
APPROVE = {"action": "approve", "reason": "核对无误", "acknowledgement": "缺KPI的人员已知悉"}


@pytest.fixture
def agents(org):
    month_data(org.agent_a1, quality="99")
    month_data(org.agent_a2, quality="95")
    month_data(org.agent_b1, contacts=99)
    return org


def publish_october(user):
    service_star_round_approve(month=OCTOBER, acting_user=user, reason="核对无误", acknowledgement="已知悉")
    return service_star_round_publish(month=OCTOBER, acting_user=user, reason="按规则公示")


def test_hr_review_page_lists_winners_scores_and_reasons_in_plain_words(agents, client):
    user = hr("HR1")
    client.force_login(user)
    response = client.get(MONTH_URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert agents.agent_a1.employee_no in body and agents.agent_b1.employee_no in body
    row = response.context["view"].row_for(agents.agent_b1.pk)
    assert row.reasons == ["too_few_contacts"]
    assert row.reason_texts[0] in body


def test_hr_excludes_with_reason_then_another_approves_and_publishes(agents, client):
    hr1, hr2 = hr("HR1"), hr("HR2")
    sign_in(client, hr1)
    client.post(
        MONTH_URL, {"action": "exclude", "employee_no": agents.agent_a1.employee_no, "reason": "投诉核查中"}
    )
    client.post(MONTH_URL, APPROVE)
    assert ServiceStarRound.objects.get().status == RoundStatus.DRAFT, "the excluder may not approve"
    sign_in(client, hr2)
    client.post(MONTH_URL, APPROVE)
    client.post(MONTH_URL, {"action": "publish", "reason": "按规则公示"})
    assert ServiceStarRound.objects.get().status == RoundStatus.PUBLISHED
    assert list(Award.objects.values_list("staff__employee_no", flat=True)) == [agents.agent_a2.employee_no]


def test_an_agent_cannot_open_the_review_page_or_post_to_it(agents, client):
    client.force_login(agents.agent_a1)
    assert client.get(MONTH_URL).status_code == 403
    assert client.post(MONTH_URL, {"action": "approve"}).status_code == 403
    assert not ServiceStarRound.objects.exists()


def test_wall_shows_names_and_teams_never_scores(agents, client):
    publish_october(hr("HR1"))
    client.force_login(agents.agent_b1)
    body = client.get(reverse("incentives:wall")).content.decode()
    assert agents.agent_a1.name in body and agents.team_a1.name in body
    # No score shown (random tokens such as the CSRF token may contain any digits, and so may the factory's
    # numbered names of the people on the page, which depend on how many people earlier tests made).
    for employee_no, name in User.objects.values_list("employee_no", "name"):
        body = body.replace(employee_no, "").replace(name, "")
    text = re.sub(r"(csrf|nonce|token)[^>]*>", "", body)
    assert "99" not in text


def test_wall_needs_sign_in(client):
    response = client.get(reverse("incentives:wall"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_winner_downloads_own_letter_others_get_404(agents, client):
    publish_october(hr("HR1"))
    award = Award.objects.get(staff=agents.agent_a1)
    client.force_login(agents.agent_a1)
    response = client.get(reverse("incentives:award-letter", args=[award.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(agents.agent_b1)
    assert client.get(reverse("incentives:award-letter", args=[award.pk])).status_code == 404


def test_staff_sees_why_not_me(agents, client):
    client.force_login(agents.agent_b1)
    response = client.get(reverse("incentives:my-awards") + "?month=2026-10")
    assert response.status_code == 200
    assert response.context["row"].reasons == ["too_few_contacts"]


def test_another_persons_award_page_is_404_for_an_agent(agents, client):
    client.force_login(agents.agent_b1)
    url = reverse("incentives:staff-awards", args=[agents.agent_a1.employee_no])
    assert client.get(url).status_code == 404


def test_payroll_export_and_letters_for_hr_only(agents, client):
    user = hr("HR1")
    publish_october(user)
    client.force_login(user)
    csv = client.get(reverse("incentives:payroll", args=["2026-10", "csv"]))
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "employee_no,name,department,award,month,amount_yuan"
    assert f"{agents.agent_a1.employee_no}," in text and ",2026-10,1000" in text
    xlsx = client.get(reverse("incentives:payroll", args=["2026-10", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    letters = client.get(reverse("incentives:star-letters", args=["2026-10"]))
    assert letters.status_code == 200 and letters.content.startswith(b"%PDF")
    client.force_login(agents.agent_a1)
    assert client.get(reverse("incentives:payroll", args=["2026-10", "csv"])).status_code == 403


def test_spend_page_shows_total_against_budget(agents, client):
    user = hr("HR1")
    publish_october(user)
    client.force_login(user)
    response = client.get(reverse("incentives:spend") + "?month=2026-10")
    assert response.context["spend"].total_yuan == 2000
    assert response.context["spend"].budget_yuan == 30000


def test_a_name_with_markup_is_escaped_in_the_letter_html(agents):
    from incentives.pdf import award_letters_html

    evil = StaffFactory(employee_no="EVIL1", name="<img src=x onerror=alert(1)>")
    month_data(evil, quality="100")
    publish_october(hr("HR1"))
    html = award_letters_html(Award.objects.filter(staff=evil))
    assert "<img" not in html and "&lt;img" in html


def test_audit_page_lists_incentive_decisions_for_hr_only(agents, client):
    user = hr("HR1")
    publish_october(user)
    client.force_login(user)
    response = client.get(reverse("incentives:audit"))
    actions = [e.action for e in response.context["events"]]
    assert "incentives.star.publish" in actions and "incentives.star.approve" in actions
    assert all(a.startswith("incentives.") for a in actions)
    client.force_login(agents.agent_a1)
    assert client.get(reverse("incentives:audit")).status_code == 403


def test_undo_through_the_page_needs_a_reason(agents, client):
    user = hr("HR1")
    publish_october(user)
    sign_in(client, user)
    client.post(MONTH_URL, {"action": "undo", "reason": ""})
    assert ServiceStarRound.objects.get().status == RoundStatus.PUBLISHED
    client.post(MONTH_URL, {"action": "undo", "reason": "数据有误"})
    assert ServiceStarRound.objects.get().status == RoundStatus.DRAFT


def test_approving_after_an_old_sign_in_asks_for_the_password_again(agents, client):
    from datetime import timedelta

    from django.utils import timezone

    user = hr("HR1")
    sign_in(client, user, seconds_ago=2 * 3600)
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(hours=2))
    response = client.post(MONTH_URL, APPROVE)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not ServiceStarRound.objects.filter(status=RoundStatus.APPROVED).exists()


def test_a_team_lead_sees_a_members_awards_without_amounts(agents, client):
    publish_october(hr("HR1"))
    client.force_login(agents.lead_a1)
    response = client.get(reverse("incentives:staff-awards", args=[agents.agent_a1.employee_no]))
    assert response.status_code == 200
    assert response.context["awards"] and not response.context["show_money"]
    assert "¥1,000" not in response.content.decode()


def test_a_large_ineligible_list_comes_a_page_at_a_time_with_counts_and_every_exclusion(agents, client):
    short = [StaffFactory(team=agents.team_a1, employee_no=f"Z{n:04d}") for n in range(120)]
    for person in short:
        month_data(person, contacts=50)
    user = hr("HR1")
    client.force_login(user)
    client.post(MONTH_URL, {"action": "exclude", "employee_no": "Z0119", "reason": "复核中"})
    first = client.get(MONTH_URL)
    counts = {code: n for code, _text, n in first.context["reason_counts"]}
    assert counts["too_few_contacts"] == 121 and counts["excluded_by_hr"] == 1
    assert len(first.context["ineligible"].object_list) == 100
    # The exclusion made on the last page is listed (with its withdraw form) on the first page.
    assert [row.employee_no for row in first.context["excluded"]] == ["Z0119"]
    assert 'id="excluded"' in first.content.decode()
    second = client.get(MONTH_URL, {"after": first.context["ineligible"].next_key})
    assert [row.employee_no for row in second.context["ineligible"].object_list][-1] == "Z0119"


def test_the_home_panel_counts_the_latest_published_stars_and_shows_my_award(agents, client):
    publish_october(hr("HR1"))
    winners = Award.objects.filter(month=OCTOBER).count()
    client.force_login(agents.agent_a2)
    body = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{winners} Service Stars published" in body
    assert "My awards and letters" in body


def test_who_may_approve_names_every_active_holder_of_the_permission_but_the_excluder(agents):
    from django.contrib.auth.models import Permission

    from incentives.selectors import star_approver_note
    from incentives.services import service_star_exclude

    hr1, hr2 = hr("HR1", name="人事甲"), hr("HR2", name="人事乙")
    hr("HR3", name="人事丙", is_active=False)
    direct = StaffFactory(employee_no="X0001", name="直授权")
    direct.user_permissions.add(Permission.objects.get(codename="manage_service_stars"))
    User.objects.filter(pk=StaffFactory(employee_no="X0002", name="超级用户").pk).update(is_superuser=True)
    StaffFactory(employee_no="X0003", name="普通坐席")

    may, note = star_approver_note(month=OCTOBER, user=hr1)
    assert may
    assert all(
        f"{n}（{no}）" in note for n, no in [("人事甲", "HR1"), ("人事乙", "HR2"), ("直授权", "X0001")]
    )
    assert "超级用户（X0002）" in note
    assert "人事丙" not in note and "普通坐席" not in note

    service_star_exclude(month=OCTOBER, staff=agents.agent_a1, reason="投诉核查中", acting_user=hr1)
    may, note = star_approver_note(month=OCTOBER, user=hr1)
    assert not may
    assert "人事甲" not in note and "人事乙（HR2）" in note and "直授权（X0001）" in note
    assert star_approver_note(month=OCTOBER, user=hr2)[0]

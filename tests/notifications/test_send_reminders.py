"""`send_reminders` on the demo company: reminders go out, a second run the same day sends nothing new, a dry run
records nothing, `--json` has its fixed shape, a bad --date is refused."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import REMINDER_KINDS
from notifications.models import Delivery, Notification, ReminderSent
from notifications.rules import CHANNELS

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command("send_reminders", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_daily_run_on_the_demo_company_reaches_the_centre_and_the_platform_once(
    dingtalk_fake, no_quiet_hours, hr_client, django_capture_on_commit_callbacks
):
    call_command("seed_demo", stdout=StringIO())
    for employee_no in ("agent01", "lead01"):
        dingtalk_fake.add_member(f"dt-{employee_no}", job_number=employee_no)
    day = (timezone.localdate() + timedelta(days=4)).isoformat()  # the demo's SOP change is then 4 days old

    dry = run("--date", day, "--dry-run")
    assert (
        not ReminderSent.objects.exists()
        and not Notification.objects.exists()
        and not Delivery.objects.exists()
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = run("--date", day)
    assert first == dry, "a dry run counts exactly what the run then sends"
    assert set(first) == {"date", "sent", "held", "by_kind", "by_channel"} and first["date"] == day
    assert list(first["by_kind"]) == list(REMINDER_KINDS) and list(first["by_channel"]) == list(CHANNELS)
    assert (
        first["sent"] + first["held"] == sum(first["by_kind"].values()) == sum(first["by_channel"].values())
    )
    for kind in ("sop_unread", "onboarding_behind", "lead_digest"):
        assert first["by_kind"][kind] > 0, kind
    assert first["by_channel"]["portal"] == Notification.objects.count() > 0
    assert first["by_channel"]["email"] == Delivery.objects.filter(channel="email").count() > 0
    assert first["by_channel"]["dingtalk"] == Delivery.objects.filter(channel="dingtalk").count() > 0
    assert first["held"] == 0 and first["by_channel"]["feishu"] == first["by_channel"]["wecom"] == 0

    reached = {message.user_id for message in dingtalk_fake.messages}
    assert reached == {"dt-agent01", "dt-lead01"}
    lead_titles = [m.title for m in dingtalk_fake.messages if m.user_id == "dt-lead01"]
    assert any("逾期" in title for title in lead_titles), "the team lead's digest"
    # Everyone else is not in the fake company's contacts: failed at once, with the reason on HR's page.
    failed = Delivery.objects.filter(channel="dingtalk", status="failed")
    assert failed.count() == first["by_channel"]["dingtalk"] - len(dingtalk_fake.messages)
    page = hr_client.get(reverse("notifications:deliveries"), {"status": "failed"}).content.decode()
    assert "user_not_found" in page

    with django_capture_on_commit_callbacks(execute=True):
        second = run("--date", day)
    assert (second["sent"], second["held"]) == (0, 0)
    assert set(second["by_kind"].values()) == {0}
    assert Notification.objects.count() == first["by_channel"]["portal"]
    assert {m.user_id for m in dingtalk_fake.messages} == reached
    assert len(dingtalk_fake.messages) == Delivery.objects.filter(channel="dingtalk", status="sent").count()


@pytest.mark.parametrize("bad", ["2026-13-01", "2026/10/01", "明天"])
def test_a_bad_date_is_refused_with_exit_status_1(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("send_reminders", "--date", bad, "--json")
    assert exit_info.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["date"] == bad and out["sent"] == 0 and "--date" in out["errors"][0]["message"]
    with pytest.raises(CommandError, match="--date"):
        call_command("send_reminders", "--date", bad, stdout=StringIO())


def test_without_json_the_run_says_what_it_did_in_words():
    out = StringIO()
    call_command("send_reminders", "--date", "2026-03-10", stdout=out)
    assert out.getvalue().startswith("2026-03-10: 0 deliveries queued, 0 held")

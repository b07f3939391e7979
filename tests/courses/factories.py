"""Curriculum built through Wagtail's own tree and publish actions (so publish signals run as in the admin)."""

from datetime import date
from decimal import Decimal

from courses.models import LessonPage, ModulePage, ProgrammePage
from courses.services import training_root_ensure


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def programme(
    *,
    kind="onboarding",
    title=None,
    month: date | None = None,
    quarter_start=None,
    slug=None,
    parent=None,
    active_share=None,
):
    parent = parent or training_root_ensure()
    title = title or f"{kind} {month or quarter_start or ''}".strip()
    page = ProgrammePage(
        title=title,
        slug=slug
        or f"{kind}-{(month or quarter_start or date(2000, 1, 1)):%Y-%m}-{ProgrammePage.objects.count() + 1}",
        kind=kind,
        month=month,
        quarter_start=quarter_start,
        active_share_percent=None if active_share is None else Decimal(active_share),
    )
    parent.add_child(instance=page)
    return publish(page)


def module(parent, title="模块", slug=None):
    page = ModulePage(title=title, slug=slug or f"m{ModulePage.objects.count() + 1}")
    parent.add_child(instance=page)
    return publish(page)


def lesson(
    parent,
    *,
    title="课程",
    mode="online",
    hours="1",
    required=True,
    is_sop=False,
    must_reread=False,
    body=None,
    slug=None,
):
    page = LessonPage(
        title=title,
        slug=slug or f"l{LessonPage.objects.count() + 1}",
        delivery_mode=mode,
        planned_hours=Decimal(hours),
        required=required,
        is_sop=is_sop,
        must_reread=must_reread,
        body=body or [],
    )
    parent.add_child(instance=page)
    return publish(page)


def onboarding(*, online=("4", "4"), offline=("6", "6"), optional_online=(), active_share=None):
    """An onboarding programme with one module; lessons of the given hours (online first, then offline).

    `active_share`: the share of an online lesson's hours the learner must study (blank: the policy's 50%;
    "0" for tests about something else than study time)."""
    prog = programme(kind="onboarding", title="入职培训", active_share=active_share)
    mod = module(prog, "基础")
    lessons = [lesson(mod, title=f"线上{i}", mode="online", hours=h) for i, h in enumerate(online, 1)]
    lessons += [lesson(mod, title=f"线下{i}", mode="offline", hours=h) for i, h in enumerate(offline, 1)]
    lessons += [
        lesson(mod, title=f"选修{i}", mode="online", hours=h, required=False)
        for i, h in enumerate(optional_online, 1)
    ]
    return prog, lessons


def monthly(month: date, *, title="沟通技巧", hours=("2", "2"), modes=("online", "offline")):
    prog = programme(kind="monthly", title=title, month=month)
    mod = module(prog, title)
    lessons = [
        lesson(mod, title=f"{title}{i}", mode=m, hours=h)
        for i, (h, m) in enumerate(zip(hours, modes, strict=True), 1)
    ]
    return prog, lessons

"""The curriculum part of the synthetic company (see `demo.scale.company`).

Builds the curriculum pages (the 72-hour onboarding programme, one 4-hour monthly module per month, one
leadership course per quarter) and the learning history: onboarding enrolments and lesson completions of
people hired during the generated months, imported onboarding records of veterans, monthly module enrolments
and completions of the front line, leadership completions of managers. Rows are what `courses.services`
writes (hours and category from the lesson and its programme; online lessons completed by the learner,
offline ones recorded by a trainer), written with `bulk_create` a month at a time.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from wagtail.models import Page

from courses.models import (
    Category,
    DeliveryMode,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
    ProgrammeKind,
    ProgrammePage,
    TrainingRecord,
)
from courses.rules import quarter_end, quarter_start
from courses.services import training_root_ensure
from demo.scale.company import BATCH, Company, Person, random_date
from portal.models import Role
from portal.months import last_of_month, month_label

ONBOARDING_DAYS = 14
ONBOARDING_MODULES = [
    ("企业文化", ["公司发展历程", "使命与价值观", "团队协作实战", "企业文化情景演练"]),
    ("服务理念", ["以客户为中心", "服务礼仪规范", "服务用语演练", "客户体验角色扮演"]),
    ("基础业务知识", ["产品与资费概览", "业务办理规则", "系统操作实训", "业务知识专家答疑"]),
    ("SOP流程", ["咨询引导与需求确认", "方案说明与结果反馈", "SOP全流程情景模拟", "SOP话术角色扮演"]),
]
# Per onboarding module: two online lessons and two offline ones, 40% / 60% of 18 hours.
ONBOARDING_HOURS = [Decimal("3.60"), Decimal("3.60"), Decimal("5.40"), Decimal("5.40")]
ONBOARDING_MODES = [DeliveryMode.ONLINE, DeliveryMode.ONLINE, DeliveryMode.OFFLINE, DeliveryMode.OFFLINE]
MONTHLY_LESSONS = [
    ("客户心理学", DeliveryMode.ONLINE, Decimal("0.80")),
    ("沟通技巧情景演练", DeliveryMode.OFFLINE, Decimal("1.20")),
    ("新产品知识", DeliveryMode.ONLINE, Decimal("0.80")),
    ("典型案例复盘", DeliveryMode.OFFLINE, Decimal("1.20")),
]
LEADERSHIP_LESSONS = [
    ("服务战略解读", DeliveryMode.ONLINE, Decimal("1.20")),
    ("领导力工作坊", DeliveryMode.OFFLINE, Decimal("1.80")),
]
VETERAN_RECORD_TITLE = "新员工入职封闭培训（历史记录）"


@dataclass
class Programme:
    page: ProgrammePage
    lessons: list[LessonPage]


def _body(title: str, is_sop: bool) -> list:
    body = [
        {
            "type": "rich_text",
            "value": f"<h2>{title}</h2><p>本课围绕“{title}”展开：学习要点、常见问题与实际案例。"
            "请在学习后完成课后练习，并在班组内分享一条心得。</p>",
        },
        {
            "type": "callout",
            "value": {"tone": "tip", "text": "<p>约75%的客户投诉源于沟通不畅或知识欠缺。</p>"},
        },
    ]
    if is_sop:
        body.append(
            {
                "type": "sop_steps",
                "value": {
                    "title": title,
                    "steps": [
                        {
                            "step": "咨询引导",
                            "key_action": "倾听并复述客户问题",
                            "script": "您好，请问有什么可以帮您？",
                            "caution": "",
                        },
                        {
                            "step": "需求确认",
                            "key_action": "确认客户真实需求",
                            "script": "您是想……对吗？",
                            "caution": "不要打断客户",
                        },
                        {"step": "方案说明", "key_action": "给出清晰的解决方案", "script": "", "caution": ""},
                        {
                            "step": "结果反馈",
                            "key_action": "确认问题已解决",
                            "script": "还有其他可以帮您的吗？",
                            "caution": "",
                        },
                    ],
                },
            }
        )
    return body


def _child(parent: Page, page: Page) -> Page:
    """Add and publish a page as a trainer would (a revision, then publish: the publish signals run)."""
    base, n = page.slug, 1
    siblings = set(parent.get_children().values_list("slug", flat=True))
    while page.slug in siblings:
        n += 1
        page.slug = f"{base}-{n}"
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _programme(root, *, title, slug, kind, lessons_by_module, month=None, quarter_start=None, due_days=0):
    page = _child(
        root,
        ProgrammePage(
            title=title,
            slug=slug,
            kind=kind,
            month=month,
            quarter_start=quarter_start,
            due_days=due_days,
            summary=f"<p>{title}</p>",
        ),
    )
    lessons = []
    for m_index, (module_title, lesson_specs) in enumerate(lessons_by_module, start=1):
        module = _child(page, ModulePage(title=module_title, slug=f"module-{m_index}"))
        for l_index, (lesson_title, mode, hours) in enumerate(lesson_specs, start=1):
            is_sop = module_title == "SOP流程"
            lessons.append(
                _child(
                    module,
                    LessonPage(
                        title=lesson_title,
                        slug=f"lesson-{l_index}",
                        delivery_mode=mode,
                        planned_hours=hours,
                        required=True,
                        is_sop=is_sop,
                        objectives=f"<p>掌握{lesson_title}的要点。</p>",
                        body=_body(lesson_title, is_sop),
                    ),
                )
            )
    return Programme(page=page, lessons=lessons)


def _completions(staff: Person, programme: Programme, dates: list[date], category: str, trainers) -> list:
    rows = []
    for lesson, on in zip(programme.lessons, dates, strict=False):
        offline = lesson.delivery_mode == DeliveryMode.OFFLINE
        rows.append(
            LessonCompletion(
                staff_id=staff.pk,
                lesson_id=lesson.pk,
                completed_on=on,
                hours=lesson.planned_hours,
                category=category,
                via=LessonCompletion.Via.ATTENDANCE if offline else LessonCompletion.Via.LEARNER,
                recorded_by_id=trainers(staff) if offline else None,
            )
        )
    return rows


def _save_enrolments(rows: list[Enrolment]) -> None:
    """Write enrolments. Where publishing the programme already enrolled the person (the publish signal
    enrols current programmes), keep that row and its assignment date, and only record the completion."""
    programme_ids = {row.programme_id for row in rows}
    existing = {
        (e.staff_id, e.programme_id): e for e in Enrolment.objects.filter(programme_id__in=programme_ids)
    }
    new, completed = [], []
    for row in rows:
        found = existing.get((row.staff_id, row.programme_id))
        if found is None:
            new.append(row)
        elif row.completed_on and found.completed_on != row.completed_on:
            found.completed_on = row.completed_on
            completed.append(found)
    Enrolment.objects.bulk_create(new, batch_size=BATCH)
    Enrolment.objects.bulk_update(completed, ["completed_on"], batch_size=BATCH)


def _sorted_dates(rng: random.Random, count: int, start: date, end: date) -> list[date]:
    return sorted(random_date(rng, start, end) for _ in range(count))


def generate(*, rng: random.Random, company: Company, months: list[date], stdout) -> None:
    root = training_root_ensure()
    trainer_ids_by_dept: dict[int | None, list[int]] = {}
    for trainer in company.with_roles(Role.TRAINER):
        trainer_ids_by_dept.setdefault(trainer.department_id, []).append(trainer.pk)
    all_trainers = [pk for pks in trainer_ids_by_dept.values() for pk in pks]

    def trainer_for(person: Person) -> int:
        return rng.choice(trainer_ids_by_dept.get(person.department_id) or all_trainers)

    onboarding = _programme(
        root,
        title="新员工入职72小时封闭培训",
        slug="onboarding",
        kind=ProgrammeKind.ONBOARDING,
        due_days=ONBOARDING_DAYS,
        lessons_by_module=[
            (module, list(zip(titles, ONBOARDING_MODES, ONBOARDING_HOURS, strict=True)))
            for module, titles in ONBOARDING_MODULES
        ],
    )
    all_months = [*months, company.current_month]
    monthly = {
        m: _programme(
            root,
            title=f"{month_label(m, 'zh-hans')}在岗专题培训",
            slug=f"monthly-{m:%Y-%m}",
            kind=ProgrammeKind.MONTHLY,
            month=m,
            lessons_by_module=[("本月专题", MONTHLY_LESSONS)],
        )
        for m in all_months
    }
    quarters = sorted({quarter_start(m) for m in all_months})
    leadership = {
        q: _programme(
            root,
            title=f"{q.year}年第{(q.month - 1) // 3 + 1}季度服务战略与领导力",
            slug=f"leadership-{q.year}-q{(q.month - 1) // 3 + 1}",
            kind=ProgrammeKind.LEADERSHIP,
            quarter_start=q,
            lessons_by_module=[("服务战略与领导力", LEADERSHIP_LESSONS)],
        )
        for q in quarters
    }
    pages = 1 + len(monthly) + len(leadership)
    stdout.write(f"Curriculum: {pages} programmes, {LessonPage.objects.descendant_of(root).count()} lessons.")

    today = company.today
    window_start = all_months[0]
    front_line = company.with_roles(Role.AGENT, Role.TEAM_LEAD, Role.NEW_HIRE)

    # Onboarding: people hired during the window went through the portal's programme; veterans have the
    # imported record of their closed training.
    enrolments, completions, records = [], [], []
    for person in front_line:
        if person.hire_date is None:
            continue
        if person.hire_date >= window_start or person.onboarded_on is None:
            enrolments.append(
                Enrolment(
                    staff_id=person.pk,
                    programme_id=onboarding.page.pk,
                    assigned_on=person.hire_date,
                    due_on=person.hire_date + timedelta(days=ONBOARDING_DAYS),
                    completed_on=person.onboarded_on,
                )
            )
            lessons = len(onboarding.lessons)
            if person.onboarded_on:
                dates = _sorted_dates(rng, lessons - 1, person.hire_date, person.onboarded_on) + [
                    person.onboarded_on
                ]
            else:
                elapsed = (today - person.hire_date).days
                done = min(lessons - 1, lessons * elapsed // 12)
                dates = _sorted_dates(rng, done, person.hire_date, today)
            completions += _completions(person, onboarding, dates, Category.ONBOARDING, trainer_for)
        else:
            records.append(
                TrainingRecord(
                    staff_id=person.pk,
                    date=person.onboarded_on,
                    category=Category.ONBOARDING,
                    title=VETERAN_RECORD_TITLE,
                    hours=Decimal(72),
                )
            )
    _save_enrolments(enrolments)
    LessonCompletion.objects.bulk_create(completions, batch_size=BATCH)
    TrainingRecord.objects.bulk_create(records, batch_size=BATCH)
    totals = {"enrolments": len(enrolments), "completions": len(completions), "records": len(records)}

    # Monthly modules: every in-service person onboarded before the month ends; most finish all four lessons.
    in_service = company.in_service
    for month, programme in monthly.items():
        last = last_of_month(month)
        enrolments, completions = [], []
        for person in in_service:
            if person.onboarded_on is None or person.onboarded_on >= last:
                continue
            assigned = max(month, person.onboarded_on + timedelta(days=1))
            draw = rng.random()
            wanted = 4 if draw < 0.90 else (rng.randint(1, 3) if draw < 0.96 else 0)
            dates = [d for d in _sorted_dates(rng, wanted, assigned, last) if d <= today]
            done_all = len(dates) == len(programme.lessons)
            enrolments.append(
                Enrolment(
                    staff_id=person.pk,
                    programme_id=programme.page.pk,
                    assigned_on=assigned,
                    due_on=last,
                    completed_on=dates[-1] if done_all else None,
                )
            )
            completions += _completions(person, programme, dates, Category.IN_SERVICE, trainer_for)
        _save_enrolments(enrolments)
        LessonCompletion.objects.bulk_create(completions, batch_size=BATCH)
        totals["enrolments"] += len(enrolments)
        totals["completions"] += len(completions)

    # Leadership: managers, once a quarter.
    managers = company.with_roles(Role.MANAGER)
    enrolments, completions = [], []
    for quarter, programme in leadership.items():
        last = quarter_end(quarter)
        for person in managers:
            enrolments.append(
                Enrolment(
                    staff_id=person.pk, programme_id=programme.page.pk, assigned_on=quarter, due_on=last
                )
            )
            if rng.random() < 0.85:
                dates = [d for d in _sorted_dates(rng, len(programme.lessons), quarter, last) if d <= today]
                if len(dates) == len(programme.lessons):
                    enrolments[-1].completed_on = dates[-1]
                completions += _completions(person, programme, dates, Category.LEADERSHIP, trainer_for)
    _save_enrolments(enrolments)
    LessonCompletion.objects.bulk_create(completions, batch_size=BATCH)
    totals["enrolments"] += len(enrolments)
    totals["completions"] += len(completions)
    stdout.write(
        f"Learning: {totals['enrolments']} enrolments, {totals['completions']} lesson completions, "
        f"{totals['records']} imported onboarding records."
    )

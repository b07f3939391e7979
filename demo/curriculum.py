"""Demo curriculum (Chinese content, English titles as subtitles) and demo progress. Idempotent and quick.

Training root (the site's home, served at /learn/) → the 72-hour onboarding (企业文化, 服务理念, 基础业务知识,
SOP流程: 29 h online / 43 h offline, about 40/60), monthly modules of 4 h for the last three months, and this
quarter's leadership course; then enrolments and completions for the demo staff at varied stages.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from courses.models import (
    DeliveryMode,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
    ProgrammeKind,
    ProgrammePage,
)
from courses.rules import quarter_start
from courses.selectors import lessons_by_programme
from courses.services import (
    enrolment_assign,
    enrolments_complete_check,
    enrolments_for_staff,
    training_root_ensure,
)
from portal.models import IN_SERVICE_ROLES, Role, User
from portal.months import add_months, first_of_month, last_of_month, month_label
from portal.services import months_locked

ON, OFF = DeliveryMode.ONLINE, DeliveryMode.OFFLINE


def text(*paragraphs: str) -> tuple:
    return ("rich_text", "".join(f"<p>{p}</p>" for p in paragraphs))


def bullet(title: str, *items: str) -> tuple:
    return ("rich_text", f"<h3>{title}</h3><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")


def callout(tone: str, message: str) -> tuple:
    return ("callout", {"tone": tone, "text": f"<p>{message}</p>"})


def dialogue(title: str, *lines: tuple[str, str]) -> tuple:
    return ("dialogue", {"title": title, "lines": [{"speaker": s, "text": t} for s, t in lines]})


def sop(title: str, *steps: tuple[str, str, str, str]) -> tuple:
    return (
        "sop_steps",
        {
            "title": title,
            "steps": [{"step": s, "key_action": k, "script": sc, "caution": c} for s, k, sc, c in steps],
        },
    )


FOUR_STEPS = sop(
    "四步服务法 Four-step service SOP",
    (
        "询问引导 Inquiry guidance",
        "主动问候、自报工号、核实客户身份；用开放式问题引导客户说明问题。",
        "您好，工号1234为您服务，请问有什么可以帮您？",
        "不打断客户；身份核实前不透露任何账户信息。",
    ),
    (
        "需求确认 Need confirmation",
        "复述客户诉求，确认问题发生的时间、范围和客户期望。",
        "跟您确认一下：您家里的宽带从昨晚开始无法上网，希望今天内恢复，对吗？",
        "复述时使用客户原话中的关键信息，避免专业术语。",
    ),
    (
        "方案说明 Solution explanation",
        "给出解决方案、办理时限和客户需要配合的事项；多个方案时说明差异供客户选择。",
        "我们会在2小时内安排工程师上门，上门前工程师会先与您电话联系。",
        "不作无法兑现的承诺；时限以系统显示为准。",
    ),
    (
        "结果反馈 Result feedback",
        "告知处理结果和工单号，确认客户是否满意，必要时约定回访时间。",
        "您的工单号是……，处理完成后我们会短信通知您，请问还有其他可以帮您的吗？",
        "工单需在通话结束前录入；承诺回访的必须按时回访。",
    ),
)

RESPONSE_STANDARDS = bullet(
    "响应时效标准 Response-time standards",
    "响应及时率：基础标准 90%，目标 ≥ 98%，卓越标准 99.5%。",
    "问题解决率：基础标准 85%，目标 ≥ 95%，卓越标准 99%。",
    "客户满意度：基础标准 75%，目标 ≥ 90%，卓越标准 98%。",
    "投诉率（越低越好）：基础标准 2.0%，目标 ≤ 0.5%，卓越标准 0.1%。",
)

COMPLAINT_TIERS = bullet(
    "投诉分级 Complaint tiers",
    "一级重大投诉：服务态度恶劣，或问题未解决给客户造成经济损失；经核实成立的一级重大投诉当月不得参评服务之星。",
    "二级投诉：处理超时、答复前后不一致、多次转接未解决。",
    "三级投诉：客户对流程或规定不满，经解释后可化解。",
)

# The onboarding programme ends with its final exam (the quiz is attached to this lesson by the assessments demo).
FINAL_EXAM_SLUG = "final-exam"

# (slug, title, subtitle, lessons: (slug, title, mode, hours, extra, body))
ONBOARDING_MODULES = [
    (
        "culture",
        "企业文化",
        "Company culture",
        [
            (
                "mission",
                "企业使命与价值观 Mission and values",
                ON,
                "3",
                {},
                [
                    text(
                        "我们的使命是让每一位客户的问题都能被认真对待、及时解决。",
                        "价值观：客户至上、专业高效、诚信担当、协作共赢。",
                    ),
                ],
            ),
            (
                "history",
                "发展历程与组织架构 History and organisation",
                ON,
                "2",
                {},
                [text("公司成立以来的重要里程碑；客户服务中心的部门、班组和岗位职责。")],
            ),
            (
                "culture-workshop",
                "服务文化工作坊 Service culture workshop",
                OFF,
                "4",
                {},
                [text("分组讨论：我心中的优质服务；分享一次让自己印象深刻的服务经历。")],
            ),
            (
                "team-building",
                "团队融入活动 Team integration",
                OFF,
                "3",
                {},
                [text("与班组长和老员工面对面交流，了解班组日常工作节奏。")],
            ),
        ],
    ),
    (
        "philosophy",
        "服务理念",
        "Service philosophy",
        [
            (
                "customer-centred",
                "以客户为中心 Customer-centred service",
                ON,
                "3",
                {},
                [
                    text(
                        "约75%的客户投诉源于沟通不畅或业务知识欠缺：服务理念决定沟通方式。",
                        "站在客户角度理解问题，用客户听得懂的语言说明方案。",
                    ),
                    callout("tip", "先处理情绪，再处理问题。"),
                ],
            ),
            (
                "etiquette",
                "服务礼仪与规范用语 Etiquette and standard language",
                ON,
                "3",
                {},
                [
                    bullet(
                        "规范用语",
                        "问候语：您好，很高兴为您服务。",
                        "致歉语：非常抱歉给您带来不便。",
                        "结束语：感谢您的来电，祝您生活愉快。",
                    ),
                    callout("warning", "禁止使用“不知道”“不归我管”“你自己看”等推诿用语。"),
                ],
            ),
            (
                "etiquette-simulation",
                "服务礼仪情景模拟 Etiquette scenario simulation",
                OFF,
                "6",
                {},
                [text("情景模拟：来电问候、转接、挂机；培训师逐一点评语音语调和用语。")],
            ),
        ],
    ),
    (
        "business",
        "基础业务知识",
        "Basic business knowledge",
        [
            (
                "products",
                "产品与资费体系 Products and tariffs",
                ON,
                "4",
                {},
                [text("宽带、固话、移动套餐的构成与资费规则；常见套餐变更的办理条件。")],
            ),
            (
                "systems",
                "业务系统操作 Service systems",
                ON,
                "4",
                {},
                [text("客户信息查询、工单录入与流转、知识库检索。")],
            ),
            (
                "faq",
                "常见问题知识库 FAQ knowledge base",
                ON,
                "3",
                {},
                [text("故障报修、账单疑问、套餐咨询三类高频问题的标准答复。")],
            ),
            (
                "systems-practice",
                "系统实操演练 Hands-on systems practice",
                OFF,
                "8",
                {},
                [text("在培训环境中完成20张模拟工单，培训师现场检查录入质量。")],
            ),
            (
                "expert-qa",
                "专家答疑 Expert Q&A",
                OFF,
                "2",
                {},
                [text("业务专家现场解答学员在学习和实操中遇到的问题。")],
            ),
        ],
    ),
    (
        "sop",
        "SOP流程",
        "SOP procedures",
        [
            (
                "four-steps",
                "SOP：四步服务法 The four-step service SOP",
                ON,
                "3",
                {"is_sop": True, "must_reread": True},
                [
                    text("每一通服务都按四个步骤进行：询问引导、需求确认、方案说明、结果反馈。"),
                    FOUR_STEPS,
                    dialogue(
                        "话术模板：宽带故障 Script: broadband fault",
                        ("agent", "您好，工号1234为您服务，请问有什么可以帮您？"),
                        ("customer", "我家宽带从昨晚开始就上不了网。"),
                        ("agent", "非常抱歉给您带来不便。跟您确认一下，是昨晚开始完全无法上网，对吗？"),
                        ("customer", "对，今天还要在家办公。"),
                        ("agent", "明白。我马上为您提交加急工单，工程师会在2小时内联系您上门。"),
                    ),
                ],
            ),
            (
                "standards",
                "SOP：响应时效与投诉分级 Response times and complaint tiers",
                ON,
                "3",
                {"is_sop": True},
                [
                    RESPONSE_STANDARDS,
                    COMPLAINT_TIERS,
                    callout("warning", "一级重大投诉须在当班内上报班组长。"),
                ],
            ),
            (
                "role-play",
                "角色扮演：四步服务法 Role-play: the four steps",
                OFF,
                "8",
                {},
                [text("两人一组轮流扮演客服和客户，按四步服务法完成5个场景，质检员按评分表打分。")],
            ),
            (
                "complaint-simulation",
                "情景模拟：投诉处理 Scenario simulation: complaints",
                OFF,
                "6",
                {},
                [text("模拟情绪激动的客户来电，练习安抚情绪、确认诉求和升级上报。")],
            ),
            (
                "shadowing",
                "跟岗实习 Shadowing on the floor",
                OFF,
                "6",
                {},
                [text("在老员工身边旁听真实来电，记录并复盘三通典型通话。")],
            ),
        ],
    ),
    (
        "final",
        "结业考核",
        "Final assessment",
        [
            (
                FINAL_EXAM_SLUG,
                "结业考试 Final exam",
                ON,
                "1",
                {},
                [text("入职培训的结业考试：通过后，完成全部72学时即可获得入职证书。")],
            ),
        ],
    ),
]

MONTHLY_TOPICS = [
    ("客户心理学", "Customer psychology", "识别客户情绪类型，选择合适的沟通策略。"),
    ("沟通技巧", "Communication skills", "倾听、复述、提问和共情的技巧与练习。"),
    ("新产品知识与典型案例复盘", "New products and case reviews", "本月新产品要点，复盘典型投诉案例。"),
]

SOP_REVISION_NOTE = "需求确认后30秒内给出初步答复；无法当场解决的，须告知客户预计时限。"


def _child(parent, model, slug: str, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _lesson(module, slug, title, mode, hours, extra, body):
    return _child(
        module,
        LessonPage,
        slug,
        title=title,
        delivery_mode=mode,
        planned_hours=Decimal(hours),
        body=body,
        objectives=f"<p>{title.split(' ')[0]}：掌握本课要点并能在工作中运用。</p>",
        **extra,
    )


def _revise_sop(lesson: LessonPage) -> None:
    """Republish the SOP lesson once with a quarterly revision, so staff have a change to read."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    body = list(lesson.body.raw_data)
    for block in body:
        if block["type"] == "sop_steps":
            step = block["value"]["steps"][1]
            step = step.get("value", step)  # ListBlock items are stored as {"type": "item", "value": ...}
            step["key_action"] += SOP_REVISION_NOTE
    lesson.body = body
    lesson.save_revision().publish()


def _curriculum(today: date):
    root = training_root_ensure(title="培训中心 Training Centre")
    onboarding, _ = _child(
        root,
        ProgrammePage,
        "onboarding",
        title="新员工入职72小时封闭培训",
        subtitle="New-hire onboarding (72 hours)",
        kind=ProgrammeKind.ONBOARDING,
        summary="<p>上岗前的封闭培训：线上理论约40%，线下实战约60%。完成全部必修课并达到72学时后颁发入职证书。</p>",
    )
    for m_slug, m_title, m_subtitle, lessons in ONBOARDING_MODULES:
        module, _ = _child(onboarding, ModulePage, m_slug, title=f"{m_title} {m_subtitle}")
        for slug, title, mode, hours, extra, body in lessons:
            lesson, created = _lesson(module, slug, title, mode, hours, extra, body)
            if created and extra.get("must_reread"):
                _revise_sop(lesson)
    month = first_of_month(today)
    monthly = []
    for offset, (topic, english, summary) in zip((-2, -1, 0), MONTHLY_TOPICS, strict=True):
        first = add_months(month, offset)
        programme, _ = _child(
            root,
            ProgrammePage,
            f"monthly-{first:%Y-%m}",
            title=f"{month_label(first, 'zh-hans')}专题：{topic}",
            subtitle=f"Monthly module {first:%Y-%m}: {english}",
            kind=ProgrammeKind.MONTHLY,
            month=first,
            summary=f"<p>{summary}</p>",
        )
        module, _ = _child(programme, ModulePage, "main", title=f"{topic} {english}")
        _lesson(module, "theory", f"{topic}：线上学习 Online", ON, "1.5", {}, [text(summary)])
        _lesson(
            module,
            "practice",
            f"{topic}：情景模拟与角色扮演 Practice",
            OFF,
            "2.5",
            {},
            [text("结合本月主题的情景模拟和角色扮演，培训师现场点评。")],
        )
        monthly.append(programme)
    quarter = quarter_start(today)
    leadership, _ = _child(
        root,
        ProgrammePage,
        f"leadership-{quarter:%Y-%m}",
        title=f"{quarter.year}年第{(quarter.month - 1) // 3 + 1}季度 服务战略与领导力",
        subtitle="Service strategy and leadership (quarterly)",
        kind=ProgrammeKind.LEADERSHIP,
        quarter_start=quarter,
    )
    module, _ = _child(leadership, ModulePage, "main", title="服务战略与领导力 Strategy and leadership")
    _lesson(
        module, "strategy", "服务战略解读 Service strategy", ON, "2", {}, [text("本季度服务目标与重点举措。")]
    )
    _lesson(
        module, "coaching", "团队辅导与绩效改进 Coaching", OFF, "3", {}, [text("如何辅导表现不佳的员工。")]
    )
    _lesson(
        module, "cases", "管理案例研讨 Case workshop", OFF, "3", {}, [text("分组研讨本季度典型管理案例。")]
    )
    return onboarding, monthly, leadership


def _complete(rows: list[LessonCompletion]) -> None:
    LessonCompletion.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def seed(stdout=None):
    today = timezone.localdate()
    onboarding, monthly, leadership = _curriculum(today)
    staff = list(User.objects.filter(is_active=True).order_by("employee_no"))
    enrolments_for_staff(staff_ids=[u.pk for u in staff], today=today)
    in_service = [u for u in staff if u.role in IN_SERVICE_ROLES]
    for programme in monthly[:-1]:  # past months: the policy assigned them at the time
        enrolment_assign(
            staff_ids=[u.pk for u in in_service],
            programme=programme,
            assigned_on=programme.month,
            due_on=last_of_month(programme.month),
        )
    lessons = lessons_by_programme([onboarding, *monthly, leadership])
    locked = months_locked({p.month for p in monthly} | {today})
    rows: list[LessonCompletion] = []

    def done(person, lesson, on_date, category):
        if first_of_month(on_date) in locked or on_date > today:
            return
        via = LessonCompletion.Via.LEARNER if lesson.delivery_mode == ON else LessonCompletion.Via.ATTENDANCE
        rows.append(
            LessonCompletion(
                staff=person,
                lesson=lesson,
                completed_on=on_date,
                hours=lesson.planned_hours,
                category=category,
                via=via,
            )
        )

    # New hires partway through onboarding: newhire01 about a third, the others a little less or more.
    onboarding_lessons = lessons[onboarding.pk]
    new_hires = [u for u in staff if u.role == Role.NEW_HIRE and not u.onboarded_on]
    for index, person in enumerate(new_hires):
        count = 6 if person.employee_no == "newhire01" else index % 5 * 2
        start = max(person.hire_date or today, today - timedelta(days=14))
        for k, lesson in enumerate(onboarding_lessons[:count]):
            done(person, lesson, min(start + timedelta(days=k // 2), today), "onboarding")

    # In-service staff: most finished past months; this month varies (agent01 has done the online part).
    for index, person in enumerate(in_service):
        for age, programme in enumerate(reversed(monthly)):
            items = lessons[programme.pk]
            if age == 0:
                count = 1 if person.employee_no == "agent01" else index % 3
            else:
                count = len(items) if index % 7 else 1
            for k, lesson in enumerate(items[:count]):
                on_date = programme.month + timedelta(days=min(5 + 7 * k + index % 5, 27))
                done(person, lesson, min(on_date, today), "in_service")
    managers = [u for u in staff if u.role == Role.MANAGER]
    for index, person in enumerate(managers):
        for lesson in lessons[leadership.pk][: 1 + index % 2]:
            done(person, lesson, max(leadership.quarter_start, today - timedelta(days=3)), "leadership")
    _complete(rows)
    for programme in monthly:
        enrolments_complete_check(
            staff_ids=[u.pk for u in in_service],
            programme=programme,
            on_date=min(last_of_month(programme.month), today),
        )
    if stdout is not None:
        stdout.write(
            f"Curriculum: {ProgrammePage.objects.count()} programmes, {LessonPage.objects.count()} lessons, "
            f"{Enrolment.objects.count()} enrolments, {LessonCompletion.objects.count()} completions (/learn/)."
        )
    return []

"""Demo data for quizzes and scorecards: a question bank, a timed monthly quiz and two rubrics. Idempotent."""

from decimal import Decimal

from assessments.models import QuestionBank, Quiz, QuizQuestion, Rubric, RubricCriterion
from assessments.quizzes.services import question_bank_import
from demo import scores as scoring_demo

DEMO_GIFT = """
$CATEGORY: 服务基础/沟通技巧

::首要动作:: 客户来电投诉时，坐席首先应该做什么？ {
    =耐心倾听并表示歉意 #正确：先安抚情绪，再解决问题。
    ~立即解释公司政策 #先解释容易让客户觉得被推脱。
    ~转给组长处理 #能自己处理的先自己处理。
}

::开场白:: 标准开场白应包含哪些内容？ {
    ~%50%问候语
    ~%50%工号或姓名
    ~%-100%个人手机号 #不得透露个人联系方式。
}

::服务热线:: 公司客服热线号码是多少？ {=95588 =９５５８８}

::满意度目标:: 客户满意度的目标值是多少（%）？ {#90:0}

::判断:: 客户情绪激动时，可以打断客户说话以节省时间。 {F#不应打断客户。#正确。}

$CATEGORY: 服务基础/SOP流程

::SOP:: 将SOP环节与其关键动作配对。 {
    =需求确认 -> 复述客户问题
    =方案说明 -> 给出可选方案
    =结果反馈 -> 约定回访时间
}

::复盘:: 请简述一次你成功化解客户不满的经历。 {}
"""

LEVELS = [
    {"percent": 0, "label": "未达到", "descriptor": "未做到"},
    {"percent": 60, "label": "基本达到", "descriptor": "部分做到"},
    {"percent": 100, "label": "优秀", "descriptor": "完整、自然地做到"},
]


def _seed_quizzes(stdout=None):
    question_bank_import(data=DEMO_GIFT.encode("utf-8"), file_name="demo.gift", bank_name="服务基础题库")
    bank = QuestionBank.objects.get(name="服务基础题库")
    lesson = None
    try:
        from courses.models import LessonPage, ProgrammePage

        monthly = ProgrammePage.objects.filter(kind="monthly").first()
        if monthly is not None:
            lesson = LessonPage.objects.descendant_of(monthly).first()
    except ImportError:
        lesson = None
    quiz, created = Quiz.objects.get_or_create(
        title="沟通技巧月度测验",
        defaults={"lesson": lesson, "time_limit_minutes": 15, "pass_percent": Decimal(60), "max_attempts": 3},
    )
    if created:
        QuizQuestion.objects.bulk_create(
            [
                QuizQuestion(quiz=quiz, question=q, order=i)
                for i, q in enumerate(bank.questions.order_by("pk"))
            ]
        )
    _seed_final_exam(bank)
    for name, kind, criteria in (
        (
            "录音抽查评分表",
            "spot_check",
            [("需求确认", 3), ("礼貌用语", 1), ("问题解决", 3), ("结果反馈", 1), ("客户信息保密", 1)],
        ),
        ("角色扮演评分表", "role_play", [("情绪安抚", 2), ("话术规范", 1), ("方案说明", 2)]),
    ):
        rubric, created = Rubric.objects.get_or_create(name=name, defaults={"kind": kind})
        if created:
            RubricCriterion.objects.bulk_create(
                [
                    RubricCriterion(
                        rubric=rubric,
                        name=c,
                        weight=Decimal(w),
                        levels=LEVELS,
                        order=i,
                        critical=c in CRITICAL,
                    )
                    for i, (c, w) in enumerate(criteria)
                ]
            )
    _seed_qa_lead()
    if stdout is not None:
        stdout.write("Assessments: question bank, monthly quiz and rubrics ready.")
    return []


# Leaking a customer's data fails a spot check whatever else went well.
CRITICAL = {"客户信息保密"}


def _seed_qa_lead() -> None:
    """The demo trainer is a QA lead (appointed by HR), so the whole appeal chain can be walked."""
    from assessments.models import QaLead
    from assessments.scorecards.services import qa_lead_appoint
    from portal.models import User

    trainer = User.objects.filter(employee_no="trainer01").first()
    hr = User.objects.filter(employee_no="hr01").first()
    if trainer and hr and not QaLead.objects.filter(user=trainer).exists():
        qa_lead_appoint(user=trainer, acting_user=hr, reason="演示数据：质检主管")


def _seed_final_exam(bank: QuestionBank) -> None:
    """The onboarding programme's final exam, on its last lesson: passing it completes that lesson, and with all
    72 hours done the new hire earns the onboarding certificate."""
    from courses.models import LessonPage, ProgrammeKind, ProgrammePage
    from demo.curriculum import FINAL_EXAM_SLUG

    onboarding = ProgrammePage.objects.filter(kind=ProgrammeKind.ONBOARDING).first()
    if onboarding is None:
        return
    lesson = LessonPage.objects.descendant_of(onboarding).filter(slug=FINAL_EXAM_SLUG).first()
    quiz, created = Quiz.objects.get_or_create(
        title="入职培训结业考试",
        defaults={
            "lesson": lesson,
            "time_limit_minutes": 30,
            "pass_percent": Decimal(60),
            "max_attempts": 3,
            "is_final_exam": True,
        },
    )
    if created:
        questions = bank.questions.exclude(qtype="essay").order_by("pk")
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=quiz, question=q, order=i) for i, q in enumerate(questions)]
        )


def _seed_certificates(stdout=None) -> None:
    """Staff onboarded before the portal hold their onboarding certificate (issued through the service, once)."""
    from assessments.certificates.services import certificate_issue
    from assessments.models import CertificateKind
    from courses.models import ProgrammeKind, ProgrammePage
    from portal.models import IN_SERVICE_ROLES, User

    onboarding = ProgrammePage.objects.filter(kind=ProgrammeKind.ONBOARDING).first()
    if onboarding is None:
        return
    holders = User.objects.filter(role__in=IN_SERVICE_ROLES, onboarded_on__isnull=False, is_active=True)
    named = list(holders.filter(employee_no__in=("agent01", "lead01")))
    for holder in [
        *named,
        *holders.exclude(employee_no__in=("agent01", "lead01")).order_by("employee_no")[:6],
    ]:
        certificate_issue(
            holder=holder,
            programme=onboarding,
            kind=CertificateKind.ONBOARDING,
            issued_on=holder.onboarded_on,
        )


# (criterion, kind, phrase, stage, longest silence in seconds) of the spot-check rubric.
DEMO_RULES = [
    ("礼貌用语", "required", "您好，很高兴为您服务", "opening", None),
    ("礼貌用语", "required", "请问还有什么可以帮您", "closing", None),
    ("礼貌用语", "forbidden", "你有病吧", "", None),
    ("需求确认", "required", "核对一下您的身份", "verification", None),
    ("问题解决", "max_silence", "", "", 30),
    ("客户信息保密", "forbidden", "您的密码是", "", None),
]
# Transcripts a month of calls is made of: a model call, a missing greeting, abuse with a typo, a long silence.
DEMO_TRANSCRIPTS = [
    "[00:00] 坐席：您好，很高兴为您服务，请问有什么可以帮您？\n[00:04] 客户：我的宽带断了。\n"
    "[00:08] 坐席：好的，我先核对一下您的身份，请报一下身份证后四位。\n[00:15] 客户：1234。\n"
    "[00:20] 坐席：已为您重启端口，请稍等。\n[00:45] 坐席：请问还有什么可以帮您？\n[00:50] 坐席：感谢来电，再见。",
    "[00:00] 坐席：喂？\n[00:03] 客户：我要投诉，账单多扣了钱。\n[00:09] 坐席：我先核对一下您的身份。\n"
    "[00:30] 坐席：已经退回了。\n[00:36] 坐席：请问还有什么可以帮您？",
    "[00:00] 坐席：您好，很高兴为您服务。\n[00:05] 客户：网又断了！第三次了！\n"
    "[00:11] 坐席：你有并吧，天天打电话。\n[00:20] 坐席：请问还有什么可以帮您？",
    "[00:00] 坐席：您好，很高兴为您服务。\n[00:06] 客户：我想改套餐。\n[00:10] 坐席：核对一下您的身份。\n"
    "[01:25] 坐席：让您久等了，已经改好。\n[01:30] 坐席：请问还有什么可以帮您？",
]


def _seed_qa(stdout=None) -> None:
    """This month's calls (imported as the call centre's file), transcript rules on the spot-check rubric and
    the month's sample, drawn and assigned through the services as HR would; once."""
    from django.utils import timezone

    from assessments.models import Call, CriterionRule
    from assessments.qa.services import call_import, criterion_rule_create, qa_sample_draw
    from portal.models import IN_SERVICE_ROLES, User

    hr = User.objects.filter(employee_no="hr01").first()
    rubric = Rubric.objects.filter(name="录音抽查评分表").first()
    if hr is None or rubric is None or Call.objects.exists():
        return
    if not CriterionRule.objects.filter(criterion__rubric=rubric).exists():
        criteria = {c.name: c for c in rubric.criteria.all()}
        for criterion, kind, phrase, stage, silence in DEMO_RULES:
            criterion_rule_create(
                values={
                    "criterion": criteria[criterion],
                    "kind": kind,
                    "phrase": phrase,
                    "stage": stage,
                    "max_silence_s": silence,
                },
                reason="演示数据：转写规则",
                acting_user=hr,
            )
    today = timezone.localdate()
    agents = User.objects.filter(role__in=IN_SERVICE_ROLES, is_active=True).order_by("employee_no")
    lines = ["call_id,employee_no,started_at,duration_s,channel,recording_url,transcript"]
    for a_index, number in enumerate(agents.values_list("employee_no", flat=True)):
        for n in range(5):
            day = today.replace(day=1 + (a_index + n * 5) % max(today.day - 1, 1))  # before today
            call_id = f"CALL-{today:%Y%m}-{a_index:03d}{n}"
            transcript = DEMO_TRANSCRIPTS[(a_index + n) % len(DEMO_TRANSCRIPTS)].replace('"', '""')
            lines.append(
                f"{call_id},{number},{day:%Y-%m-%d} {9 + n:02d}:{(a_index * 7) % 60:02d},{60 + 37 * n},phone,"
                f'https://rec.example.com/{call_id}.mp3,"{transcript}"'
            )
    result = call_import(data="\n".join(lines).encode(), file_name="演示通话.csv", acting_user=hr)
    if not result.ok:
        raise RuntimeError(f"demo calls refused: {result.errors[:3]}")
    outcome = qa_sample_draw(month=today, acting_user=hr)
    if stdout is not None:
        stdout.write(
            f"QA: {result.counts['created']} calls this month, {outcome.drawn} drawn for spot checks."
        )


def seed(stdout=None):
    """seed_demo calls this: quizzes and scorecards, then the months of KPIs, evaluations and scores, then
    this month's calls and their spot-check sample."""
    logins = list(_seed_quizzes(stdout=stdout) or [])
    _seed_certificates(stdout=stdout)
    logins.extend(scoring_demo.seed(stdout=stdout) or [])
    _seed_qa(stdout=stdout)
    return logins

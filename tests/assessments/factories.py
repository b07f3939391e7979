"""Curriculum pages, question banks and quizzes for assessment tests, built through the real models/services."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from assessments.models import KpiRecord, Question, QuestionBank, Quiz, QuizQuestion
from courses.models import LessonPage, ModulePage, ProgrammePage, TrainingRootPage
from portal.months import first_of_month


def training_root() -> TrainingRootPage:
    root = TrainingRootPage.objects.first()
    if root is None:
        # Transactional (browser) tests flush the tables, Wagtail's locale and root page included.
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        top = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        root = top.add_child(instance=TrainingRootPage(title="培训", slug="training"))
    return root


def make_lesson(*, kind="monthly", hours="2", title="沟通技巧", required=True, programme=None) -> LessonPage:
    if programme is None:
        this_month = first_of_month(timezone.localdate())
        quarter = this_month.replace(month=(this_month.month - 1) // 3 * 3 + 1)
        programme = training_root().add_child(
            instance=ProgrammePage(
                title=f"{kind} 课程",
                slug=f"p-{kind}-{ProgrammePage.objects.count()}",
                kind=kind,
                month=this_month if kind == "monthly" else None,
                quarter_start=quarter if kind == "leadership" else None,
            )
        )
    module = programme.add_child(instance=ModulePage(title="模块", slug=f"m-{ModulePage.objects.count()}"))
    return module.add_child(
        instance=LessonPage(
            title=title,
            slug=f"l-{LessonPage.objects.count()}",
            delivery_mode="online",
            planned_hours=Decimal(hours),
            required=required,
        )
    )


def make_bank(name="题库") -> QuestionBank:
    return QuestionBank.objects.get_or_create(name=name)[0]


def single_choice(
    bank, text="客户投诉时首先应该做什么？", correct="倾听并致歉", wrong=("争辩", "挂断电话")
) -> Question:
    options = [{"text": correct, "fraction": "100", "feedback": "正确：先安抚情绪"}]
    options += [{"text": w, "fraction": "0", "feedback": "错误"} for w in wrong]
    return Question.objects.create(bank=bank, qtype="single_choice", text=text, data={"options": options})


def short_answer(bank, text="服务热线号码是多少？", answers=("95588",)) -> Question:
    return Question.objects.create(
        bank=bank,
        qtype="short_answer",
        text=text,
        data={"options": [{"text": a, "fraction": "100", "feedback": ""} for a in answers]},
    )


def essay(bank, text="请描述一次你处理投诉的经历。") -> Question:
    return Question.objects.create(bank=bank, qtype="essay", text=text, data={})


def make_quiz(questions, *, lesson=None, title="月度测验", **options) -> Quiz:
    quiz = Quiz.objects.create(title=title, lesson=lesson, **options)
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=quiz, question=q, order=i) for i, q in enumerate(questions)]
    )
    return quiz


def kpi_record(
    staff, month: date, *, timeliness="98", resolution="95", satisfaction="90", complaint="0.5", **extra
):
    """A KPI row; by default every KPI exactly at the default policy's target (80 points each)."""
    return KpiRecord.objects.create(
        staff=staff,
        month=month,
        contacts_handled=extra.pop("contacts_handled", 150),
        response_timeliness_rate=Decimal(timeliness),
        resolution_rate=Decimal(resolution),
        satisfaction_rate=Decimal(satisfaction),
        complaint_rate=Decimal(complaint),
        major_complaints=extra.pop("major_complaints", 0),
    )

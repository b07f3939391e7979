"""Curriculum search finds a Chinese word inside a longer one, in titles and lesson text, on SQLite and
PostgreSQL alike (run this file with DATABASE_URL set for the second)."""

from datetime import date

import pytest
from wagtail.models import Page

from courses.models import LessonPage
from courses.selectors import curriculum_search
from tests.courses.factories import lesson, module, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def curriculum():
    prog = programme(kind="monthly", title="2026年10月专题", month=date(2026, 10, 1))
    mod = module(prog, "客户心理学 Customer psychology")
    online = lesson(
        mod,
        title="客户心理学：线上学习",
        body=[{"type": "rich_text", "value": "<p>识别客户情绪类型，选择合适的沟通策略。</p>"}],
    )
    other = lesson(mod, title="新产品知识 New products")
    draft = LessonPage(title="心理辅导草稿", slug="draft", delivery_mode="online", planned_hours=1)
    mod.add_child(instance=draft)
    LessonPage.objects.filter(pk=draft.pk).update(live=False)
    return mod, online, other


def test_a_word_inside_a_longer_chinese_title_is_found(curriculum):
    mod, online, _other = curriculum
    assert [hit["title"] for hit in curriculum_search("心理")] == [online.title, mod.title]
    assert list(LessonPage.objects.live().search("心理")) == [online]
    # Wagtail's admin searches all pages by title.
    assert online.pk in [page.pk for page in Page.objects.live().search("心理")]


def test_lesson_text_english_words_and_several_words_are_found(curriculum):
    _mod, online, other = curriculum
    assert [hit["title"] for hit in curriculum_search("客户情绪")] == [online.title]
    assert [hit["title"] for hit in curriculum_search("沟通策略 情绪")] == [online.title]
    assert [hit["title"] for hit in curriculum_search("products")] == [other.title]
    assert curriculum_search("心理 products") == []
    assert curriculum_search("   ") == []


def test_a_hit_names_the_module_and_programme_it_is_in(curriculum):
    hit = curriculum_search("线上学习")[0]
    assert hit["kind"] == "lesson" and hit["trail"] == ["2026年10月专题", "客户心理学 Customer psychology"]


def test_the_search_page_lists_hits_and_says_what_to_do_without_any(client, org, curriculum):
    client.force_login(org.agent_a1)
    page = client.get("/courses/search/", {"q": "心理"}).content.decode()
    assert "客户心理学：线上学习" in page and "心理辅导草稿" not in page
    empty = client.get("/courses/search/", {"q": "不存在的词"}).content.decode()
    assert "请试试更短的词" in empty
    client.logout()
    assert client.get("/courses/search/", {"q": "心理"}).status_code == 302

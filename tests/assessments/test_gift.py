"""Tests for assessments.quizzes.gift: the GIFT parser and exporter."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments.quizzes.gift import (
    QUESTION_TYPES,
    GiftError,
    GiftNumeric,
    GiftOption,
    GiftQuestion,
    export_gift,
    parse_gift,
)

if not settings.configured:
    settings.configure(USE_I18N=False)


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English; the portal's default language is Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


DATA = Path(__file__).parent / "data"
D = Decimal


def load(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def by_title(text: str) -> dict[str, GiftQuestion]:
    result = parse_gift(text)
    assert result.errors == []
    return {question.title: question for question in result.questions}


def only_question(text: str) -> GiftQuestion:
    result = parse_gift(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def only_error(text: str) -> GiftError:
    result = parse_gift(text)
    assert result.questions == []
    assert len(result.errors) == 1
    return result.errors[0]


def without_lines(questions: list[GiftQuestion]) -> list[GiftQuestion]:
    return [replace(question, line=0) for question in questions]


def assert_round_trip(questions: list[GiftQuestion]) -> None:
    result = parse_gift(export_gift(questions))
    assert result.errors == []
    assert without_lines(result.questions) == without_lines(questions)


def question(qtype: str, **fields) -> GiftQuestion:
    values = {"line": 1, "category": None, "title": "", "text": "Question?", "text_format": "moodle"}
    return GiftQuestion(qtype=qtype, **(values | fields))


# --------------------------------------------------------------------------- every-construct fixture


def test_every_construct_file_has_the_exact_count_per_type():
    result = parse_gift(load("every_construct.gift"))

    assert result.errors == []
    assert result.by_type() == {
        "single_choice": 5,
        "multiple_choice": 1,
        "true_false": 3,
        "short_answer": 1,
        "numerical": 4,
        "matching": 1,
        "essay": 2,
    }
    assert len(result.questions) == 17
    assert result.categories == ["top/Training/Basics", "top/Training/Writing"]


def test_every_construct_file_has_the_right_answers_and_fractions():
    questions = by_title(load("every_construct.gift"))

    tomb = questions["Grant's tomb"]
    assert tomb.options == [
        GiftOption("Grant", D(0), "No, he is entombed there."),
        GiftOption("Jefferson", D(0)),
        GiftOption("no one", D(100), "Right: nobody is buried there."),
    ]
    assert tomb.general_feedback == "Grant is entombed, not buried."
    assert [(o.text, o.fraction) for o in questions["Colours"].options] == [
        ("red", D(50)),
        ("blue", D(50)),
        ("green", D(-100)),
    ]
    assert [o.fraction for o in questions["Partial credit"].options] == [D(100), D(50), D(0)]
    assert questions["TF true"].correct is True
    assert questions["TF false"].correct is False
    assert questions["TF lower case"].correct is True
    assert questions["Short answer"].options == [
        GiftOption("no one", D(100)),
        GiftOption("nobody", D(100)),
        GiftOption("Grant", D(50), "Half right."),
    ]
    assert questions["Exact number"].numeric == [GiftNumeric(D(1822), D(0))]
    assert questions["Tolerance"].numeric == [GiftNumeric(D("3.14"), D("0.005"))]
    assert questions["Range"].numeric == [GiftNumeric(D(3), D(2))]
    assert questions["Weighted numbers"].numeric == [
        GiftNumeric(D(1822), D(0), D(100), "Correct!"),
        GiftNumeric(D(1822), D(2), D(50), "Close."),
    ]
    assert questions["Capitals"].pairs == [
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
        ("", "Paris"),
    ]
    assert questions["Essay with feedback"].general_feedback == "Mention the SLA."


def test_every_construct_file_keeps_question_types_and_text_formats():
    questions = by_title(load("every_construct.gift"))

    assert {title: q.qtype for title, q in questions.items() if q.qtype != "single_choice"} == {
        "Colours": "multiple_choice",
        "TF true": "true_false",
        "TF false": "true_false",
        "TF lower case": "true_false",
        "Short answer": "short_answer",
        "Exact number": "numerical",
        "Tolerance": "numerical",
        "Range": "numerical",
        "Weighted numbers": "numerical",
        "Capitals": "matching",
        "Essay": "essay",
        "Essay with feedback": "essay",
    }
    assert questions["Colours"].text == "Which of these are <b>primary</b> colours?"
    assert questions["Colours"].text_format == "html"
    assert questions["Essay with feedback"].text_format == "markdown"
    assert questions["Plain"].text_format == "plain"
    assert questions["Essay"].text_format == "moodle"


def test_every_construct_file_records_start_lines_and_categories():
    result = parse_gift(load("every_construct.gift"))
    lines = {q.title: q.line for q in result.questions}
    categories = {q.title: q.category for q in result.questions}

    assert lines["Grant's tomb"] == 6
    assert lines[""] == 14  # the missing-word question: its comment line 13 does not count
    assert lines["Plain"] == 67
    assert categories["Capitals"] == "top/Training/Basics"
    assert categories["Essay"] == "top/Training/Writing"


# --------------------------------------------------------------------------- structure


def test_comment_lines_are_ignored_and_blank_lines_separate_questions():
    result = parse_gift("// intro\n\nFirst {T}\n// between\n\n\n  // indented comment\nSecond {F}\n")

    assert [(q.text, q.line) for q in result.questions] == [("First", 3), ("Second", 8)]


def test_a_question_may_span_several_lines():
    question = only_question("What is\nthe answer?\n{\n  =42\n  ~41\n}")

    assert question.text == "What is\nthe answer?"
    assert [o.text for o in question.options] == ["42", "41"]


def test_category_applies_to_the_following_questions_and_is_listed_once():
    result = parse_gift(
        "Before {T}\n\n$CATEGORY: top/A\n\nQ1 {T}\n\n$CATEGORY:  top/B \n\nQ2 {T}\n\n$CATEGORY: top/A\n\nQ3 {T}"
    )

    assert [q.category for q in result.questions] == [None, "top/A", "top/B", "top/A"]
    assert result.categories == ["top/A", "top/B"]


def test_title_is_optional_and_read_between_double_colons():
    assert only_question("::  Greeting  :: Say hello {T}").title == "Greeting"
    assert only_question("Say hello {T}").title == ""


def test_text_format_prefix_after_the_title_sets_the_text_format():
    question = only_question("::t::[markdown]**Bold** claim {T}")

    assert (question.text_format, question.text) == ("markdown", "**Bold** claim")


def test_unknown_or_upper_case_bracket_prefix_stays_in_the_text():
    assert only_question("[注意] Read first {T}").text == "[注意] Read first"
    assert only_question("[HTML]x {T}").text_format == "moodle"


def test_format_prefix_on_answers_and_feedback_is_removed_from_the_text_and_kept():
    question = only_question("Q {=[html]<b>yes</b>#[plain]good ~no}")

    assert question.options[0] == GiftOption("<b>yes</b>", D(100), "good", "html", "plain")


def test_missing_word_question_gets_a_blank_where_the_block_was():
    question = only_question("The {=fourth ~third} Thursday of November.")

    assert question.text == "The _____ Thursday of November."


def test_block_at_the_end_of_the_text_leaves_no_blank():
    assert only_question("Who is it? {=me ~you}").text == "Who is it?"


def test_general_feedback_is_the_text_after_four_hashes():
    question = only_question("Q {=a#fa ~b ####Because.}")

    assert question.general_feedback == "Because."
    assert question.options[0].feedback == "fa"


# --------------------------------------------------------------------------- escapes


def test_escaped_special_characters_become_literal():
    question = only_question(r"::a\:b:: Pick \{x\} \= \~ \# {=\~1 #f\#1 ~\=2}")

    assert question.title == "a:b"
    assert question.text == "Pick {x} = ~ #"
    assert question.options == [GiftOption("~1", D(100), "f#1"), GiftOption("=2", D(0))]


def test_backslash_before_any_other_character_is_kept():
    assert only_question(r"Match \d+ and \w {T}").text == r"Match \d+ and \w"


def test_double_backslash_is_one_literal_backslash_like_moodle():
    assert only_question(r"Path C\:\\Users\\me {T}").text == "Path C:\\Users\\me"


def test_backslash_n_becomes_a_newline_like_moodle():
    assert only_question(r"Line one\nLine two {T}").text == "Line one\nLine two"


def test_escaped_braces_do_not_open_an_answer_block():
    assert only_question(r"Use \{\} for sets {T}").text == "Use {} for sets"


# --------------------------------------------------------------------------- true / false


@pytest.mark.parametrize(
    ("block", "correct"),
    [
        ("T", True),
        ("TRUE", True),
        ("t", True),
        ("True", True),
        ("F", False),
        ("FALSE", False),
        ("false", False),
    ],
)
def test_true_false_keywords_are_case_insensitive(block, correct):
    question = only_question(f"Statement {{{block}}}")

    assert (question.qtype, question.correct) == ("true_false", correct)


def test_true_false_first_feedback_is_for_the_wrong_answer_like_moodle():
    true_question = only_question("Sky is blue {T#Look up.#Well done.}")
    false_question = only_question("Sky is green {F#Look up.#Well done.}")

    assert (true_question.false_feedback, true_question.true_feedback) == ("Look up.", "Well done.")
    assert (false_question.true_feedback, false_question.false_feedback) == ("Look up.", "Well done.")


def test_true_false_may_have_general_feedback():
    question = only_question("Sky is blue {TRUE####Rayleigh scattering.}")

    assert (question.correct, question.general_feedback, question.true_feedback) == (
        True,
        "Rayleigh scattering.",
        "",
    )


# --------------------------------------------------------------------------- choice and short answer


def test_one_equals_and_tildes_without_weights_is_single_choice():
    question = only_question("Q {=right ~wrong ~also wrong}")

    assert question.qtype == "single_choice"
    assert [o.fraction for o in question.options] == [D(100), D(0), D(0)]


def test_weight_is_read_only_right_after_equals_or_tilde():
    question = only_question("Q {=a %50% b ~ %25%c ~%25 off#costs %10%}")

    assert question.options == [
        GiftOption("a %50% b", D(100)),
        GiftOption("c", D(25)),
        GiftOption("%25 off", D(0), "costs %10%"),
    ]


def test_weights_accept_negative_values_and_five_decimals():
    question = only_question("Q {~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-100%d}")

    assert [o.fraction for o in question.options] == [D("33.33333"), D("33.33333"), D("33.33334"), D(-100)]


def test_partial_weights_without_equals_make_multiple_choice():
    question = only_question("Q {~%50%a ~%50%b ~c}")

    assert question.qtype == "multiple_choice"


def test_several_equals_answers_stay_single_choice_like_moodle():
    question = only_question("Q {=a =b ~c}")

    assert question.qtype == "single_choice"
    assert [o.fraction for o in question.options] == [D(100), D(100), D(0)]


def test_tilde_hundred_percent_without_equals_is_multiple_choice_like_moodle_exports():
    assert only_question("Q {~%100%a ~b}").qtype == "multiple_choice"


def test_only_equals_answers_make_short_answer_with_several_accepted_answers():
    question = only_question("Capital of France? {=Paris =paris =%50%Lutetia#Old name.}")

    assert question.qtype == "short_answer"
    assert question.options == [
        GiftOption("Paris", D(100)),
        GiftOption("paris", D(100)),
        GiftOption("Lutetia", D(50), "Old name."),
    ]


# --------------------------------------------------------------------------- numerical, matching, essay


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("#5", [GiftNumeric(D(5), D(0))]),
        ("#-2.5:0.5", [GiftNumeric(D("-2.5"), D("0.5"))]),
        ("#1..2", [GiftNumeric(D("1.5"), D("0.5"))]),
        ("#1e3", [GiftNumeric(D(1000), D(0))]),
        (
            "# =5:1#Yes =%25%10:5#Far",
            [GiftNumeric(D(5), D(1), D(100), "Yes"), GiftNumeric(D(10), D(5), D(25), "Far")],
        ),
    ],
)
def test_numerical_answers_accept_value_tolerance_and_range(block, expected):
    question = only_question(f"How many? {{{block}}}")

    assert (question.qtype, question.numeric) == ("numerical", expected)


def test_matching_reads_pairs_and_distractors_with_an_empty_left_side():
    question = only_question("Match {=a -> 1 =b -> 2 -> two\n= -> 3}")

    assert question.qtype == "matching"
    assert question.pairs == [("a", "1"), ("b", "2 -> two"), ("", "3")]


def test_empty_block_is_an_essay():
    question = only_question("Tell us about you. {\n}")

    assert (question.qtype, question.options, question.general_feedback) == ("essay", [], "")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Q {=a ~b", "Unbalanced braces"),
        ("Q =a ~b}", "Unbalanced braces"),
        ("Q } text {", "Unbalanced braces"),
        ("Q {=a ~b} and {=c ~d}", "only one answer block"),
        ("::Title Q {=a ~b}", "title is not closed"),
        ("::Title:: {=a ~b}", "no text"),
        ("Q {~a ~b ~c}", "No answer is marked correct."),
        ("Q {~only}", "at least two answers"),
        ("Q {=%50%a ~b}", "One answer must be worth 100%."),
        ("Q {~%50%a ~%30%b ~c}", "must add up to 100%, not 80%."),
        ("Q {=a ~%150%b}", "Invalid weight %150%"),
        ("Q {=a ~%abc%b}", "Invalid weight %abc%"),
        ("Q {=a ~%12.123456%b}", "Invalid weight %12.123456%"),
        ("Q {stray =a ~b}", "Each answer must start with = or ~."),
        ("Q {loose answer}", "Each answer must start with = or ~."),
        ("Q {=a ~ #feedback only}", "An answer has no text."),
        ("Q {=%50%a}", "One answer must be worth 100%."),
        ("Q {=a -> 1 = -> 2}", "at least 2 pairs with a left side"),
        ("Q {=a -> 1 = -> 2 = -> 3}", "at least 2 pairs with a left side"),
        ("Q {=a -> 1 =b -> 2 =c 3}", "needs -> between its two sides"),
        ("Q {=a -> 1 =b -> 2 =c -> }", "needs a right side"),
        ("Q {#abc}", '"abc" is not a number.'),
        ("Q {#5:x}", '"x" is not a number.'),
        ("Q {#５}", '"５" is not a number.'),
        ("Q {#}", "no answers"),
        ("Q {#5:-1}", "tolerance must not be negative"),
        ("Q {#5..1}", "starts above its end"),
        ("Q {#=%50%5}", "One answer must be worth 100%."),
        ("$CATEGORY:", "path is empty"),
        ("$CATEGORY: top/A\nQ {=a ~b}", "must be followed by a blank line"),
    ],
)
def test_malformed_question_is_reported_with_its_start_line(source, message):
    error = only_error("// leading comment\n\n" + source)

    assert error.line == 3
    assert message in error.message


def test_file_with_two_bad_questions_reports_both_lines_and_keeps_the_good_ones():
    source = (
        "// header\n"  # 1
        "\n"
        "::ok:: Good {=a ~b}\n"  # 3
        "\n"
        "// a comment before the bad question\n"  # 5
        "::bad1:: Missing brace {=a ~b\n"  # 6
        "\n"
        "::ok2:: Fine {T}\n"  # 8
        "\n"
        "::bad2:: Bad weight\n"  # 10
        "{~%150%a =b}\n"
    )
    result = parse_gift(source)

    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (6, "Unbalanced braces"),
        (10, "Invalid weight %150%"),
    ]
    assert [(q.title, q.line) for q in result.questions] == [("ok", 3), ("ok2", 8)]


def test_blank_line_inside_an_answer_block_reports_both_halves():
    result = parse_gift("Q {\n=a\n\n~b}")

    assert [(e.line, "Unbalanced" in e.message) for e in result.errors] == [(1, True), (4, True)]


# --------------------------------------------------------------------------- encodings and Chinese


def test_chinese_file_parses_with_full_width_punctuation_as_plain_text():
    result = parse_gift(load("chinese.gift"))
    questions = {q.title: q for q in result.questions}

    assert result.errors == []
    assert result.categories == ["top/销售/SOP", "top/销售/礼仪"]
    assert result.by_type() == {
        "single_choice": 1,
        "multiple_choice": 1,
        "true_false": 1,
        "short_answer": 1,
        "numerical": 1,
        "matching": 1,
        "essay": 1,
    }
    opening = questions["开场白"]
    assert opening.text == "客户来电时，第一句话应该说什么？"
    assert opening.options[0] == GiftOption(
        "您好，这里是客服中心，请问有什么可以帮您？", D(100), "正确：先问候，再报部门。"
    )
    assert opening.general_feedback == "标准开场白见《服务规范》第 3 条。"
    assert questions["退款时限"].text == "退款应在（\u3000）个工作日内到账。"
    assert questions["投诉处理"].true_feedback == "正确！"
    assert questions["术语配对"].pairs[0] == ("SLA", "服务等级协议")
    assert questions["服务热线"].options[0].text == "400-800-1234"
    assert questions["服务礼仪"].category == "top/销售/礼仪"


@pytest.mark.parametrize("fixture", ["every_construct.gift", "chinese.gift"])
def test_crlf_cr_and_utf8_bom_give_the_same_result_as_lf(fixture):
    text = load(fixture)
    expected = parse_gift(text)

    for variant in ("\ufeff" + text, text.replace("\n", "\r\n"), "\ufeff" + text.replace("\n", "\r\n")):
        assert parse_gift(variant) == expected
    assert parse_gift(text.replace("\n", "\r")) == expected


def test_by_type_lists_only_the_types_present_in_question_type_order():
    result = parse_gift("E {}\n\nT {T}\n\nS {=a ~b}")

    assert list(result.by_type()) == ["single_choice", "true_false", "essay"]
    assert set(result.by_type()) <= set(QUESTION_TYPES)


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize("fixture", ["every_construct.gift", "chinese.gift"])
def test_export_round_trips_every_question_of_the_fixtures(fixture):
    parsed = parse_gift(load(fixture))
    again = parse_gift(export_gift(parsed.questions))

    assert again.errors == []
    assert again.categories == parsed.categories
    assert without_lines(again.questions) == without_lines(parsed.questions)


ROUND_TRIP_CASES = {
    "single_choice": question(
        "single_choice",
        title="Choice: {1}",
        options=[GiftOption("%50 off", D(100), "[html] is text"), GiftOption("a=b", D(-50), "#1")],
        general_feedback="All #1",
    ),
    "single_choice_two_right": question(
        "single_choice", options=[GiftOption("a", D(100)), GiftOption("b", D(100)), GiftOption("c", D(0))]
    ),
    "multiple_choice": question(
        "multiple_choice",
        text_format="html",
        text="<p>Pick</p>",
        options=[GiftOption("~x", D("33.33333")), GiftOption("y", D("66.66667")), GiftOption("z", D(-100))],
    ),
    "true_false_true": question("true_false", correct=True, true_feedback="Yes: right"),
    "true_false_false": question("true_false", correct=False, true_feedback="no", false_feedback="yes"),
    "short_answer": question(
        "short_answer", options=[GiftOption("C:\\temp", D(100)), GiftOption("%", D("12.5"), "half")]
    ),
    "numerical": question(
        "numerical",
        text="Value {x}?",
        numeric=[GiftNumeric(D("-1.5"), D("0.25"), D(100), "ok"), GiftNumeric(D(1000), D(0), D(10))],
        general_feedback="See //manual",
    ),
    "matching": question(
        "matching",
        text="[html] is not a format here",
        pairs=[("[plain]x", "1 -> one"), ("y=z", "[html]2"), ("", "~3")],
    ),
    "essay": question("essay", text="//Not a comment\nsecond line", general_feedback="[markdown]"),
    "essay_with_category": question("essay", category="top/销售", title="标题：一", text="请回答。"),
    "description": question(
        "description", text="Read {this} first: a=b", tags=["x]y", "销售"], id_number="D-1"
    ),
    "numerical_catch_all": question(
        "numerical",
        numeric=[GiftNumeric(D(5), D(0), D(100), "<b>ok</b>", "html")],
        has_other=True,
        other_feedback="Any other number is wrong.",
    ),
    "formats": question(
        "true_false",
        correct=False,
        true_feedback="*no*",
        true_feedback_format="markdown",
        false_feedback="yes",
        general_feedback="<i>see</i>",
        general_feedback_format="html",
    ),
}


@pytest.mark.parametrize("case", sorted(ROUND_TRIP_CASES))
def test_export_round_trips_each_question_type(case):
    assert_round_trip([ROUND_TRIP_CASES[case]])


def test_export_round_trips_all_types_together_in_one_file():
    questions = list(ROUND_TRIP_CASES.values())
    questions = [q for q in questions if q.category is None] + [q for q in questions if q.category]

    assert_round_trip(questions)
    assert {q.qtype for q in questions} == set(QUESTION_TYPES)


def test_export_writes_moodle_style_gift():
    exported = export_gift(
        [question("single_choice", title="T", options=[GiftOption("a", D(100)), GiftOption("b", D(0), "no")])]
    )

    assert exported == "::T:: Question?{\n\t=a\n\t~b#no\n}\n"


@pytest.mark.parametrize(
    "bad",
    [
        question("unknown"),
        question("essay", text_format="rtf"),
        question("single_choice", options=[GiftOption("a", D(50)), GiftOption("b", D(50))]),
        question("true_false"),
        question("matching", pairs=[("a -> b", "c"), ("d", "e"), ("f", "g")]),
        question("short_answer", options=[GiftOption("a->b", D(100))]),
    ],
)
def test_export_refuses_questions_that_would_not_read_back_equal(bad):
    with pytest.raises(ValueError):
        export_gift([bad])


def test_export_refuses_to_drop_back_to_no_category():
    with pytest.raises(ValueError):
        export_gift([question("essay", category="top/A"), question("essay")])


# --------------------------------------------------------------------------- property tests

SPECIAL = "~=#{}:\\"
ALPHABET = SPECIAL + "ab Z09%[]/->_\n中文，。：（）\u3000"
texts = (
    st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=24)
    .map(lambda text: text.strip(" \n"))
    .filter(bool)
)
special_texts = texts.filter(lambda text: any(char in SPECIAL for char in text))
feedbacks = st.one_of(st.just(""), texts)


@hypothesis_settings(deadline=None, database=None)
@given(right=special_texts, wrong=st.lists(special_texts, min_size=1, max_size=4), feedback=feedbacks)
def test_option_texts_with_special_characters_survive_export_and_parse(right, wrong, feedback):
    single = question(
        "single_choice",
        options=[GiftOption(right, D(100), feedback), *(GiftOption(text, D(0)) for text in wrong)],
    )
    multiple = question(
        "multiple_choice",
        options=[GiftOption(right, D(100)), *(GiftOption(text, D(0), feedback) for text in wrong)],
    )

    assert_round_trip([single, multiple])


@hypothesis_settings(deadline=None, database=None)
@given(
    title=feedbacks,
    text=texts,
    general=feedbacks,
    answers=st.lists(special_texts.filter(lambda text: "->" not in text), min_size=1, max_size=3),
)
def test_titles_texts_and_short_answers_with_special_characters_survive(title, text, general, answers):
    short = question(
        "short_answer",
        title=title,
        text=text,
        general_feedback=general,
        options=[GiftOption(answer, D(100)) for answer in answers],
    )
    true_false = question("true_false", title=title, text=text, correct=False, false_feedback=general)

    assert_round_trip([short, true_false])


@hypothesis_settings(deadline=None, database=None)
@given(pairs=st.lists(st.tuples(texts.filter(lambda t: "->" not in t), texts), min_size=3, max_size=5))
def test_matching_sides_with_special_characters_survive(pairs):
    assert_round_trip([question("matching", pairs=pairs)])


@hypothesis_settings(deadline=None, database=None)
@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6),
    tolerance=st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=0, max_value=1000),
)
def test_numerical_values_survive_export_and_parse(value, tolerance):
    assert_round_trip([question("numerical", numeric=[GiftNumeric(value, tolerance)])])

"""GIFT as Moodle writes it: our own fixture of every construct Moodle's importer and exporter use."""

import json
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.models import Question, QuestionBank
from assessments.quizzes import gift
from assessments.quizzes import services as quiz_services
from assessments.quizzes.gift import GiftNumeric, GiftOption, parse_gift
from assessments.quizzes.services import question_bank_export, question_bank_import
from tests.assessments import factories as f
from tests.factories import StaffFactory

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "moodle_constructs.gift"


def parsed():
    result = parse_gift(FIXTURE.read_text(encoding="utf-8"))
    assert result.errors == []
    return result.questions


def by_title(questions):
    return {q.title: q for q in questions}


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_questions", *args)
    return exit_info.value.code, json.loads(capsys.readouterr().out)


# --------------------------------------------------------------------------- parsing, no database


def test_the_fixture_reads_as_moodle_reads_it_type_by_type():
    questions = parsed()

    assert [q.qtype for q in questions] == [
        "description",
        "single_choice",
        "multiple_choice",
        "numerical",
        "numerical",
        "matching",
        "matching",
        "short_answer",
        "true_false",
        "true_false",
        "true_false",
        "essay",
    ]
    assert {q.category for q in questions} == {"$course$/top/Service basics"}


def test_a_block_without_answers_is_a_description_with_its_tag():
    welcome = by_title(parsed())["Welcome"]

    assert (welcome.qtype, welcome.text_format) == ("description", "html")
    assert welcome.text == "<p>This part is about <b>greetings</b>.</p>"
    assert (welcome.tags, welcome.id_number) == (["intro"], "")


def test_tags_and_id_number_come_from_the_comment_lines():
    greeting = by_title(parsed())["Greeting"]

    assert greeting.id_number == "GREET-01"
    assert greeting.tags == ["greeting", "phone"]


def test_formats_of_answers_feedback_and_general_feedback_are_kept_where_they_differ():
    greeting = by_title(parsed())["Greeting"]

    assert greeting.text_format == "html"
    assert greeting.options == [
        GiftOption("Hello, how can I help?", D(100), "**Right**", "plain", "markdown"),
        GiftOption("Hold on.", D(0), "<i>Too abrupt.</i>"),  # [html] is the question's own format
        GiftOption("What?", D(0), "Rude.", "plain"),
    ]
    assert (greeting.general_feedback, greeting.general_feedback_format) == (
        "Always *greet* first.",
        "markdown",
    )


def test_weights_come_before_the_format_and_may_be_negative():
    habits = by_title(parsed())["Good habits"]

    assert habits.qtype == "multiple_choice"
    assert [o.fraction for o in habits.options] == [50, -100, 50, -100]
    assert habits.options[1].feedback_format == "html"
    assert (habits.options[3].text, habits.options[3].text_format) == ("Argue", "plain")


def test_numerical_as_moodle_exports_it_with_a_catch_all_answer():
    wait = by_title(parsed())["Wait time"]

    assert wait.numeric == [
        GiftNumeric(D(20), D(0), D(100), ""),
        GiftNumeric(D(25), D(5), D(50), "<i>A little long.</i>", "html"),
    ]
    assert wait.has_other
    assert (wait.other_feedback, wait.other_feedback_format) == ("Far *off*.", "markdown")


def test_numerical_catch_all_inside_a_sentence_leaves_a_blank():
    queue = by_title(parsed())["Queue"]

    assert queue.text == "A queue of _____ callers is normal."
    assert queue.numeric == [GiftNumeric(D(3), D(2), D(100), "")]
    assert (queue.has_other, queue.other_feedback) == (True, "Not in range")


def test_matching_with_two_pairs_and_with_a_distractor():
    questions = by_title(parsed())

    assert questions["Two pairs"].pairs == [("Yes", "是"), ("No", "否")]
    assert questions["Tools"].pairs == [("Records calls", "CRM"), ("Routes *calls*", "ACD"), ("", "Fax")]


def test_short_answer_keeps_a_zero_weight_wildcard_and_true_false_its_feedbacks():
    questions = by_title(parsed())
    best = questions["Best greeting"]
    escalate = questions["Escalate"]

    assert [(o.text, o.fraction) for o in best.options] == [("Hello", 100), ("Hi", 50), ("*", 0)]
    assert (escalate.correct, escalate.true_feedback, escalate.false_feedback) == (
        False,
        "Only serious ones.",
        "Right, only serious ones.",
    )
    assert escalate.general_feedback == "See the escalation guide."


def test_identical_questions_in_one_file_are_both_kept():
    repeats = [q for q in parsed() if q.title == "Repeat"]

    assert len(repeats) == 2
    assert replace(repeats[0], line=0) == replace(repeats[1], line=0)


def test_export_reads_back_as_the_same_questions_with_tags_catch_all_and_formats():
    questions = parsed()
    text = gift.export_gift(questions)

    again = parse_gift(text)
    assert again.errors == []
    assert [replace(q, line=0) for q in again.questions] == [replace(q, line=0) for q in questions]
    assert "// [id:GREET-01] [tag:greeting] [tag:phone]\n" in text
    assert "\t~#[markdown]Far *off*.\n" in text
    assert "::Welcome:: [html]<p>This part is about <b>greetings</b>.</p>\n" in text


def test_tags_with_brackets_are_escaped_on_export_and_read_back():
    question = parse_gift("// [id:A\\]1] [tag:x\\[y\\]] [tag:a\\\\b]\nQ {T}").questions[0]

    assert (question.id_number, question.tags) == ("A]1", ["x[y]", "a\\b"])
    assert parse_gift(gift.export_gift([question])).questions[0].tags == ["x[y]", "a\\b"]


@pytest.mark.parametrize(
    ("weight", "nearest"),
    [
        (D(40), D(40)),
        (D("40.5"), D(40)),
        (D(45), D(50)),
        (D(34), D("33.33333")),
        (D(-47), D(-50)),
        (D(2), D(0)),
    ],
)
def test_weights_move_to_the_nearest_of_moodles_grade_list(weight, nearest):
    assert gift.moodle_grade(weight) == nearest


def test_moodle_export_writes_only_list_weights_and_names_what_it_rounded():
    question = parse_gift("::Odd:: Pick. {~%62%a ~%38%b ~c}").questions[0]

    text, rounded = gift.export_gift_for_moodle([question])

    assert [(r.question, r.weight, r.written) for r in rounded] == [("Odd", 62, 60), ("Odd", 38, 40)]
    assert [o.fraction for o in parse_gift(text).questions[0].options] == [60, 40, 0]


# --------------------------------------------------------------------------- encodings, no database


def test_utf8_with_and_without_bom_and_gb18030_give_the_same_text():
    text = "::题一:: 客户来电先问候？{T}\n"

    assert gift.decode_gift(text.encode("utf-8")) == text
    assert gift.decode_gift(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert gift.decode_gift(text.encode("gb18030")) == text


def test_a_file_mixing_utf8_and_gb18030_is_refused_at_the_line_in_the_other_encoding():
    data = "::一:: 问候？{T}\n\n".encode() + "::二:: 道别？{F}\n".encode("gb18030")

    with pytest.raises(gift.GiftEncodingError) as error:
        gift.decode_gift(data)

    assert error.value.line == 3
    assert "mixes encodings" in error.value.message


def test_a_bom_file_with_a_gb18030_line_is_refused_at_that_line():
    data = b"\xef\xbb\xbf" + "::一:: 问候？{T}\n\n".encode() + "::二:: 道别？{F}\n".encode("gb18030")

    with pytest.raises(gift.GiftEncodingError) as error:
        gift.decode_gift(data)

    assert error.value.line == 3


# --------------------------------------------------------------------------- import and export, database


@pytest.mark.django_db
def test_the_fixture_imports_every_construct_and_a_second_import_adds_nothing(capsys):
    code, output = run_ok(capsys, str(FIXTURE), "--bank", "Moodle", "--json")

    assert output["imported"] == 12
    assert output["by_type"] == {
        "single_choice": 1,
        "multiple_choice": 1,
        "true_false": 3,
        "short_answer": 1,
        "numerical": 2,
        "matching": 2,
        "essay": 1,
        "description": 1,
    }
    greeting = Question.objects.get(title="Greeting")
    assert (greeting.id_number, greeting.tags) == ("GREET-01", ["greeting", "phone"])
    assert greeting.data["options"][0]["text_format"] == "plain"
    assert greeting.data["general_feedback_format"] == "markdown"
    assert Question.objects.get(title="Wait time").data["other"] == {
        "feedback": "Far *off*.",
        "feedback_format": "markdown",
    }
    assert Question.objects.filter(title="Repeat").count() == 2

    _code, again = run_ok(capsys, str(FIXTURE), "--bank", "Moodle", "--json")
    assert again["imported"] == 0
    assert Question.objects.count() == 12


def run_ok(capsys, *args):
    call_command("import_questions", *args)
    return 0, json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_a_file_with_one_more_copy_of_a_question_imports_only_that_copy(tmp_path, capsys):
    one = tmp_path / "one.gift"
    one.write_text("::R:: Same? {T}\n", encoding="utf-8")
    three = tmp_path / "three.gift"
    three.write_text("::R:: Same? {T}\n\n::R:: Same? {T}\n\n::R:: Same? {T}\n", encoding="utf-8")

    run_ok(capsys, str(one), "--bank", "B", "--json")
    _code, output = run_ok(capsys, str(three), "--bank", "B", "--json")

    assert output["imported"] == 2
    assert Question.objects.count() == 3


@pytest.mark.django_db
def test_dry_run_reports_the_counts_and_writes_nothing(capsys):
    _code, output = run_ok(capsys, str(FIXTURE), "--bank", "Moodle", "--json", "--dry-run")

    assert output["imported"] == 12
    assert not QuestionBank.objects.exists() and not Question.objects.exists()


@pytest.mark.django_db
def test_the_bank_export_reads_back_as_the_fixture_reads():
    question_bank_import(data=FIXTURE.read_bytes(), file_name="m.gift", bank_name="Moodle")
    bank = QuestionBank.objects.get(name="Moodle")

    exported = question_bank_export(bank=bank)

    again = parse_gift(exported)
    assert again.errors == []
    assert sorted(repr(replace(q, line=0)) for q in again.questions) == sorted(
        repr(replace(q, line=0)) for q in parsed()
    )
    assert not exported.startswith("//")  # every weight is already on Moodle's list


@pytest.mark.django_db
def test_the_bank_export_rounds_to_moodles_list_and_says_which_question(tmp_path):
    question_bank_import(data=b"::Odd:: Pick. {~%62%a ~%38%b ~c}\n", file_name="o.gift", bank_name="B")

    exported = question_bank_export(bank=QuestionBank.objects.get(name="B"))

    assert "// Odd: 62% written as 60%" in exported
    assert "// Odd: 38% written as 40%" in exported
    assert [o.fraction for o in parse_gift(exported).questions[0].options] == [60, 40, 0]


@pytest.mark.django_db
def test_the_command_refuses_a_mixed_encoding_file_with_its_line(tmp_path, capsys):
    path = tmp_path / "mixed.gift"
    path.write_bytes("::一:: 问候？{T}\n\n".encode() + "::二:: 道别？{F}\n".encode("gb18030"))

    code, output = run(capsys, str(path), "--bank", "B", "--json")

    assert code == 1
    assert output["imported"] == 0 and [e["line"] for e in output["errors"]] == [3]
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_a_gb18030_file(tmp_path, capsys):
    path = tmp_path / "gb.gift"
    path.write_bytes("::一:: 客户来电先问候？{T}\n".encode("gb18030"))

    run_ok(capsys, str(path), "--bank", "B", "--json")

    assert Question.objects.get().text == "客户来电先问候？"


@pytest.mark.django_db
def test_the_command_refuses_a_file_over_5_mb(tmp_path, capsys):
    path = tmp_path / "big.gift"
    path.write_bytes(b"// padding\n" * (gift.MAX_BYTES // 11 + 1))

    code, output = run(capsys, str(path), "--bank", "B", "--json")

    assert code == 1 and "5 MB" in output["errors"][0]["message"]


@pytest.mark.django_db
def test_the_command_refuses_more_than_5000_questions_at_the_first_one_too_many(tmp_path, capsys):
    path = tmp_path / "many.gift"
    path.write_text("".join(f"Q{n} {{T}}\n\n" for n in range(gift.MAX_QUESTIONS + 1)), encoding="utf-8")

    code, output = run(capsys, str(path), "--bank", "B", "--json")

    assert code == 1
    assert output["errors"] == [
        {"line": 2 * gift.MAX_QUESTIONS + 1, "message": "The file has more than 5000 questions."}
    ]
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_descriptions_are_never_drawn_into_an_attempt():
    question_bank_import(data=FIXTURE.read_bytes(), file_name="m.gift", bank_name="Moodle")
    bank = QuestionBank.objects.get(name="Moodle")
    quiz = f.make_quiz([], selection="random", bank=bank, draw_count=50)

    attempt = quiz_services.attempt_start(quiz=quiz, staff=StaffFactory())

    qtypes = [item.snapshot["qtype"] for item in attempt.items.all()]
    assert len(qtypes) == 11 and "description" not in qtypes

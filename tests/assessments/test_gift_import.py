"""GIFT import into a bank (command and upload page) and export back."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.models import Question, QuestionBank
from assessments.quizzes.gift import parse_gift
from assessments.quizzes.services import question_bank_export, question_bank_import
from tests.factories import StaffFactory

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_questions", *args)
    return exit_info.value.code, capsys.readouterr()


def test_every_construct_imports_with_the_count_per_type_and_answers(capsys):
    call_command("import_questions", str(DATA / "every_construct.gift"), "--bank", "基础", "--json")
    output = json.loads(capsys.readouterr().out)
    assert output == {
        "imported": 17,
        "by_type": {
            "single_choice": 5,
            "multiple_choice": 1,
            "true_false": 3,
            "short_answer": 1,
            "numerical": 4,
            "matching": 1,
            "essay": 2,
        },
        "categories": 2,
        "errors": [],
    }
    bank = QuestionBank.objects.get(name="基础")
    assert sorted(bank.categories.values_list("path", flat=True)) == [
        "top/Training/Basics",
        "top/Training/Writing",
    ]
    colours = Question.objects.get(title="Colours")
    assert colours.qtype == "multiple_choice" and colours.text_format == "html"
    assert [Decimal(o["fraction"]) for o in colours.data["options"]] == [50, 50, -100]
    assert colours.data["options"][2]["feedback"] == "Green is a secondary colour."
    assert Question.objects.get(title="Tolerance").data["numeric"][0]["tolerance"] == "0.005"


def test_importing_the_same_file_again_adds_nothing(capsys):
    path = str(DATA / "every_construct.gift")
    call_command("import_questions", path, "--bank", "基础", "--json")
    capsys.readouterr()
    call_command("import_questions", path, "--bank", "基础", "--json")
    assert json.loads(capsys.readouterr().out)["imported"] == 0
    assert Question.objects.count() == 17


def test_a_broken_file_imports_nothing_and_names_the_line(tmp_path, capsys):
    broken = tmp_path / "broken.gift"
    broken.write_text(
        "::ok:: 1+1? {=2 ~3}\n\n// comment\n::bad:: Unclosed {=a ~b\n\n::ok2:: x {T}\n", encoding="utf-8"
    )
    code, captured = run(capsys, str(broken), "--bank", "坏", "--json")
    output = json.loads(captured.out)
    assert code == 1
    assert output["imported"] == 0 and output["by_type"] == {} and output["categories"] == 0
    assert [e["line"] for e in output["errors"]] == [4]
    assert not QuestionBank.objects.exists() and not Question.objects.exists()


def test_export_reads_back_as_the_same_questions(capsys):
    data = (DATA / "every_construct.gift").read_bytes()
    question_bank_import(data=data, file_name="x.gift", bank_name="基础")
    exported = question_bank_export(bank=QuestionBank.objects.get(name="基础"))
    again = parse_gift(exported)
    original = parse_gift(data.decode("utf-8"))
    assert again.errors == []
    assert _comparable(again.questions) == _comparable(original.questions)


def _comparable(questions):
    return sorted((q.title, q.qtype, q.text, repr(q.options), repr(q.numeric), q.pairs) for q in questions)


def test_trainer_uploads_a_gift_file_with_preview_then_confirm_and_downloads_it(client):
    trainer = StaffFactory(role="trainer")
    client.force_login(trainer)
    data = (DATA / "chinese.gift").read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/assessments/banks/import/", {"bank": "中文题库", "file": SimpleUploadedFile("q.gift", data)}
    )
    assert response.status_code == 200 and not Question.objects.exists()
    token = response.context["pending"].token
    client.post("/assessments/banks/import/", {"token": token})
    bank = QuestionBank.objects.get(name="中文题库")
    assert bank.questions.count() == len(parse_gift(data.decode("utf-8")).questions)
    download = client.get(f"/assessments/banks/{bank.pk}/export/")
    assert download["Content-Disposition"].startswith("attachment")
    assert parse_gift(download.content.decode("utf-8")).errors == []


def test_an_agent_cannot_import_questions(client):
    client.force_login(StaffFactory())
    assert client.get("/assessments/banks/import/").status_code == 403

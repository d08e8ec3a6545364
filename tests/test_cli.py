"""The commands a staff member or developer types: ask, eval, chat."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bot.chat import TerminalChat
from bot.cli import main
from bot.config import load_settings
from bot.services import Services

ROOT = Path(__file__).resolve().parent.parent


def test_ask_json_gives_decision_entry_score_and_answer(capsys):
    assert main(["ask", "quels documents pour le permis de construire ?", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["decision"] == "answer"
    assert result["entry_id"] == "permit.documents"
    assert 0 < result["score"] <= 1
    assert result["reply_language"] == "fr"
    assert "permis" in result["answer"].lower()


def test_ask_darija_in_latin_letters_is_answered_in_arabic(capsys):
    assert main(["ask", "wach khassni rokhsa bach nzid tabaq fo9 dar?"]) == 0
    out = capsys.readouterr().out
    assert "entry: permit.when_required" in out
    assert "reply in ar" in out


def test_ask_with_a_chosen_language(capsys):
    assert main(["ask", "wach khassni rokhsa bach nzid tabaq fo9 dar?", "--lang", "fr"]) == 0
    assert "reply in fr" in capsys.readouterr().out


def test_ask_out_of_scope_points_to_the_agency(capsys):
    assert main(["ask", "comment renouveler mon passeport ?", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["decision"] == "unknown"
    assert result["entry_id"] is None
    assert "aubm.ma" in result["answer"]


def test_eval_json_has_summary_and_items(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(case, ensure_ascii=False)
            for case in [
                {
                    "text": "شحال مبلغ الدعم المباشر للسكن؟",
                    "expected": "housing_aid.amounts",
                    "lang": "ar",
                },
                {"text": "permis de conduire international", "expected": None, "lang": "fr"},
            ]
        ),
        encoding="utf-8",
    )
    assert main(["eval", str(cases), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["summary"]) >= {
        "answered_right",
        "recovered",
        "answered_wrong",
        "out_of_scope_answered",
        "by_language",
    }
    assert report["summary"]["answered_right"] == 1.0
    assert report["summary"]["out_of_scope_answered"] == 0.0
    assert set(report["summary"]["by_language"]) == {"ar", "fr"}
    first = report["items"][0]
    assert set(first) == {"text", "expected", "decision", "predicted", "score", "suggestions"}
    assert first["predicted"] == "housing_aid.amounts"


def test_eval_text_report_lists_failures(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"text": "permis de construire", "expected": "smalltalk.thanks"}\n')
    assert main(["eval", str(cases)]) == 0
    out = capsys.readouterr().out
    assert "overall" in out
    assert "failures (1)" in out


def test_eval_refuses_a_malformed_file(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"question": "x"}\n')
    assert main(["eval", str(cases)]) == 2
    assert "cases.jsonl:1" in capsys.readouterr().err


def test_a_wrong_setting_is_named(monkeypatch, capsys):
    monkeypatch.setenv("MATCH_MIN_SCORE", "high")
    assert main(["ask", "salam"]) == 2
    assert "MATCH_MIN_SCORE" in capsys.readouterr().err


async def test_terminal_chat_menu_answer_and_follow_up(tmp_path):
    settings = replace(load_settings({}), database_path=tmp_path / "bot.sqlite3")
    services = await Services.open(settings)
    lines: list[str] = []
    chat = TerminalChat(services, write=lines.append, default_language="fr", files_dir=tmp_path)
    try:
        await chat.start()
        assert "Permis de construire" in lines[-1]
        await chat.handle("1")  # the building-permit topic
        assert "permit." not in lines[-1]  # labels, not ids
        await chat.handle("quels papiers faut-il pour le permis de construire ?")
        answer = "\n".join(lines[-2:])
        documents = services.assistant.knowledge["permit.documents"]
        assert documents.answer["fr"][:40] in answer
        await chat.handle("/lang ar")
        await chat.handle("1")
        assert "\u200f" in lines[-1]  # Arabic lines are marked right-to-left
        await chat.handle("/book")  # the shipped event opens for booking on 1 December 2026
        assert "1 دجنبر 2026" in lines[-1]
        assert await chat.handle("/quit") is False
    finally:
        await services.close()


def test_python_m_bot_without_token_starts_the_chat(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="salam\n/quit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "TELEGRAM_BOT_TOKEN" in done.stderr
    assert "مرحبا" in done.stdout


def test_env_example_lists_every_setting():
    import re

    source = (ROOT / "bot" / "config.py").read_text()
    read = set(re.findall(r'(?:text|number)\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read <= listed, read - listed


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = ci.strip().splitlines()[-1]
    assert command in readme

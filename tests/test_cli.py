"""The commands a staff member or developer types: ask, eval, chat."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.conversation import Conversation
from bot.services import Services
from handlers.terminal.chat import TERMINAL_USER, TerminalChat
from tests.support.events import closed_event, events_file, knowledge_with_events

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


def test_ask_unrelated_question_points_to_the_agency(capsys):
    assert main(["ask", "what is the capital of Japan?", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["decision"] == "unknown"
    assert result["entry_id"] is None
    assert "aubm.ma" in result["answer"]


def test_ask_passport_says_who_handles_it_instead(capsys):
    assert main(["ask", "comment renouveler mon passeport ?", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["decision"] == "unknown"
    assert result["entry_id"] is None
    assert "consulat" in result["answer"]
    assert "aide directe au logement" in result["answer"]


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
                    "kind": "plain",
                },
                {
                    "text": "permis de conduire international",
                    "expected": None,
                    "lang": "fr",
                    "kind": "near_miss",
                },
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
    assert report["summary"]["by_kind"]["near_miss"]["out_of_scope_answered"] == 0.0
    assert report["summary"]["by_kind"]["plain"]["answered_right"] == 1.0
    first = report["items"][0]
    assert set(first) == {
        "text",
        "expected",
        "decision",
        "predicted",
        "score",
        "suggestions",
        "lang",
        "kind",
    }
    assert first["predicted"] == "housing_aid.amounts"


def test_eval_text_report_lists_failures(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"text": "permis de construire", "expected": "smalltalk.thanks"}\n')
    assert main(["eval", str(cases)]) == 0
    out = capsys.readouterr().out
    assert "overall" in out
    assert "failures (1)" in out


def test_eval_expects_the_question_after_a_thanks_not_the_thanks(tmp_path, capsys):
    # Written down as two questions whose first is the thanks: the question is what counts.
    case = {
        "text": "Merci beaucoup ! Autre chose : combien coûte le permis de construire ?",
        "expected": "smalltalk.thanks",
        "also": "permit.fees",
        "kind": "two_questions",
    }
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["eval", str(cases), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["items"][0]["expected"] == "permit.fees"
    assert report["items"][0]["predicted"] == "permit.fees"
    assert report["summary"]["answered_right"] == 1.0


def test_eval_figures_only_keeps_a_held_out_set_unread(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"text": "permis de construire", "expected": "smalltalk.thanks"}\n')
    assert main(["eval", str(cases), "--figures-only"]) == 0
    out = capsys.readouterr().out
    assert "overall" in out
    assert "permis de construire" not in out
    assert main(["eval", str(cases), "--figures-only", "--json"]) == 0
    assert "permis de construire" not in capsys.readouterr().out


def test_eval_refuses_a_malformed_file(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"question": "x"}\n')
    assert main(["eval", str(cases)]) == 2
    assert "cases.jsonl:1" in capsys.readouterr().err


def test_a_wrong_setting_is_named(monkeypatch, capsys):
    monkeypatch.setenv("MATCH_MIN_SCORE", "high")
    assert main(["ask", "salam"]) == 2
    assert "MATCH_MIN_SCORE" in capsys.readouterr().err


async def test_terminal_chat_menu_answer_and_follow_up(tmp_path, clock):
    settings = replace(
        load_settings({}), database_path=tmp_path / "bot.sqlite3", default_language="fr"
    )
    services = await Services.open(settings, clock)
    lines: list[str] = []
    chat = TerminalChat(Conversation(services), write=lines.append, files_dir=tmp_path)
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
        assert await chat.handle("/quit") is False
    finally:
        await services.close()


# The shipped events file holds only the 2025 edition, on 12 August 2025: a Tuesday.
NOTHING_TO_BOOK = {
    "fr": (
        "Aucune journée de communication n'est ouverte à la réservation pour le moment.",
        "a eu lieu le mardi 12 août 2025 (Siège de l'Agence urbaine de Béni Mellal)",
        "Aucune prochaine édition n'est annoncée pour l'instant",
        "Site web : https://aubm.ma",
    ),
    "ar": (
        "لا يوجد حاليا أي يوم تواصلي مفتوح للحجز.",
        "يوم الثلاثاء 12 غشت 2025 (مقر الوكالة الحضرية لبني ملال)",
        "لم يُعلن بعد عن أي دورة مقبلة",
        "https://aubm.ma",
    ),
    "en": (
        "No communication day is open for booking right now.",
        "took place on Tuesday 12 August 2025 (Headquarters of the Urban Agency of Beni Mellal)",
        "No next edition has been announced yet",
        "https://aubm.ma",
    ),
}


@pytest.mark.parametrize("lang", sorted(NOTHING_TO_BOOK))
async def test_book_with_the_shipped_events_says_nothing_is_open_and_who_to_ask(
    tmp_path, clock, lang
):
    settings = replace(
        load_settings({}), database_path=tmp_path / "bot.sqlite3", default_language=lang
    )
    services = await Services.open(settings, clock)
    lines: list[str] = []
    chat = TerminalChat(Conversation(services), write=lines.append, files_dir=tmp_path)
    try:
        await chat.handle("/book")
        reply = lines[-1]
        for expected in NOTHING_TO_BOOK[lang]:
            assert expected in reply
        assert ("\u200f" in reply) is (lang == "ar")
        assert "1." not in reply  # no button: the file plans no next edition
        assert not await services.flow.in_progress(TERMINAL_USER)
    finally:
        await services.close()


def run_bot(tmp_path: Path, typed: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ...` as a new user starts it, typing `typed`, in an empty folder."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        input=typed,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )


def test_python_m_bot_chat_then_book_says_no_communication_day_is_open(tmp_path):
    done = run_bot(tmp_path, "/lang fr\n/book\n/quit\n", "chat")
    assert done.returncode == 0, done.stderr
    assert "Aucune journée de communication n'est ouverte à la réservation" in done.stdout
    assert "mardi 12 août 2025" in done.stdout


def test_the_demo_event_books_end_to_end_in_a_database_of_its_own(tmp_path):
    typed = "\n".join(
        [
            "/lang fr",
            "/book",
            "1",  # the first day
            "1",  # its first time
            "2",  # topic: the direct housing aid
            "1",  # consent
            "Fatima Zahra El Idrissi",
            "+33612345678",
            "France",
            "1",  # confirm
            "/mybookings",
            "/quit",
        ]
    )
    done = run_bot(tmp_path, typed + "\n", "chat", "--demo-event")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "وضع التجربة" in out  # said at the start, in the default language (Arabic)
    assert "Journée de communication de démonstration (essai)" in out
    assert "Votre réservation est confirmée." in out
    code = out.split("Code : ")[1].split()[0]
    assert len(code) == 6
    assert (tmp_path / f"{code}.ics").is_file()  # the calendar file, next to the user
    assert f"{code} : Journée de communication de démonstration" in out  # /mybookings
    # Trial bookings never reach the bot's own database.
    assert not (tmp_path / "bot.sqlite3").exists()


def test_python_m_bot_without_any_channel_starts_the_chat(tmp_path):
    done = run_bot(tmp_path, "salam\n/quit\n")
    assert done.returncode == 0, done.stderr
    assert "No channel is configured" in done.stderr
    assert "مرحبا" in done.stdout


def test_env_example_lists_every_setting():
    import re

    source = "".join(path.read_text() for path in (ROOT / "bot").glob("config*.py"))
    read = set(re.findall(r'(?:text|number|_template)\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read <= listed, read - listed


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = ci.strip().splitlines()[-1]
    assert command in readme


def test_kb_check_warns_about_a_closed_booking_window_on_the_day_it_runs(tmp_path, capsys, clock):
    folder = knowledge_with_events(tmp_path, events_file(closed_event(clock.now)))
    assert main(["kb", "check", str(folder)], clock=clock) == 0
    out = capsys.readouterr().out
    assert "events.yml:3: warning: closed-day: booking closed on" in out
    assert "OK: " in out and "1 event(s)" in out
    # A day before the window closed, nothing to say about it.
    clock.advance(days=-2)
    assert main(["kb", "check", str(folder)], clock=clock) == 0
    assert "booking closed" not in capsys.readouterr().out


def test_debug_logging_keeps_the_libraries_content_lines_off():
    """LOG_LEVEL=DEBUG is for the bot's own lines; the libraries' debug lines carry API
    parameters and SQL values (names, phone numbers, questions) and stay off."""
    from bot.cli import _configure_logging
    from bot.config import load_settings

    root = logging.getLogger()
    before = root.level, list(root.handlers)
    root.handlers[:] = []  # as in a fresh process (pytest installs its own handlers)
    try:
        _configure_logging(load_settings({"LOG_LEVEL": "DEBUG"}))
        assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)
        for library in ("telegram", "telegram.ext.ExtBot", "aiosqlite", "httpx", "pywa"):
            assert not logging.getLogger(library).isEnabledFor(logging.DEBUG), library
    finally:
        root.setLevel(before[0])
        root.handlers[:] = before[1]

"""A citizen's whole conversation on Telegram, end to end.

The real python-telegram-bot Application polls a fake Bot API server on 127.0.0.1 over HTTP;
users send messages and press buttons there, and the tests read what the bot sent back.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.knowledge_loader import load_knowledge
from tests.support.bot_runner import ROOT, make_settings, running_bot
from tests.support.fake_telegram import FakeTelegram
from tests.support.long_answer import QUESTION, long_answer_folder

RLM = "\u200f"
KNOWLEDGE = load_knowledge(ROOT / "knowledge")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture
async def bot(tg: FakeTelegram, database: Path, clock):
    async with running_bot(make_settings(tg.base_url, database), clock) as app:
        yield app


def buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def data_of(message: dict) -> list[str]:
    return [b["callback_data"] for b in buttons(message) if "callback_data" in b]


def urls_of(message: dict) -> list[str]:
    return [b["url"] for b in buttons(message) if "url" in b]


async def choose_language(tg: FakeTelegram, user: int, lang: str, app_language: str) -> dict:
    """/start, then press a language; returns the menu the bot shows in that language."""
    await tg.send_command(user, "/start", language_code=app_language)
    _, choice = await tg.wait_for(user, count=2)
    await tg.press(user, choice, f"lang:{lang}")
    [menu] = await tg.wait_for(user)
    return menu


# ----------------------------------------------------------------------------- start, language


async def test_start_welcomes_in_the_app_language_then_offers_three_languages(tg, bot):
    await tg.send_command(41, "/start", language_code="fr")
    welcome, choice = await tg.wait_for(41, count=2)
    assert welcome["text"].startswith("Bienvenue")
    assert welcome["parse_mode"] == "HTML"
    assert [b["text"] for b in buttons(welcome)][:2] == [
        "Permis de construire",
        "Documents d'urbanisme",
    ]
    assert data_of(welcome)[:2] == ["cat:permits", "cat:urbanism"]
    assert data_of(choice) == ["lang:ar", "lang:fr", "lang:en"]
    assert [b["text"] for b in buttons(choice)] == ["العربية", "Français", "English"]


async def test_unknown_app_language_gets_arabic_right_to_left(tg, bot):
    await tg.send_command(42, "/start", language_code="de")
    welcome, _ = await tg.wait_for(42, count=2)
    assert welcome["text"].startswith(RLM + "مرحبا")


async def test_language_choice_shows_the_menu_and_is_stored(tg, bot, database):
    menu = await choose_language(tg, 43, "fr", app_language="ar")
    assert menu["text"] == "Choisissez un thème :"
    assert "cat:permits" in data_of(menu) and "cat:housing_aid" in data_of(menu)
    assert buttons(menu)[0]["text"] == "Permis de construire"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT language FROM users WHERE user_id = 43").fetchone() == ("fr",)


async def test_language_survives_a_restart(tg, database, clock):
    settings = make_settings(tg.base_url, database)
    async with running_bot(settings, clock):
        await choose_language(tg, 44, "fr", app_language="ar")
    async with running_bot(settings, clock):
        await tg.send_command(44, "/menu", language_code="ar")
        [menu] = await tg.wait_for(44)
        assert menu["text"] == "Choisissez un thème :"
        # A question typed in Arabic is answered in the chosen French.
        await tg.send_text(44, "ما هي الوثائق المطلوبة لرخصة البناء؟")
        [answer] = await tg.wait_for(44)
        assert answer["plain_text"] == KNOWLEDGE["permit.documents"].answer["fr"]


async def test_command_menus_are_registered_per_language(tg, bot):
    for lang in ("ar", "fr", "en", ""):
        commands = tg.commands[("default", lang)]
        names = [c["command"] for c in commands]
        assert names == [
            "start",
            "menu",
            "language",
            "book",
            "mybookings",
            "contact",
            "help",
            "forget",
        ]
    assert tg.commands[("default", "fr")][1]["description"] == "Les thèmes"
    assert tg.commands[("default", "ar")][1]["description"] == "قائمة المواضيع"


# ----------------------------------------------------------------------------- menu and answers


async def test_menu_topic_question_answer_in_french(tg, bot):
    menu = await choose_language(tg, 51, "fr", app_language="fr")
    await tg.press(51, menu, "cat:permits")
    [topic] = await tg.wait_for(51)
    assert topic["text"] == "Permis de construire"
    assert "e:permit.documents" in data_of(topic)
    assert all(len(d.encode()) <= 64 for d in data_of(topic))
    await tg.press(51, topic, "e:permit.documents")
    [answer] = await tg.wait_for(51)
    entry = KNOWLEDGE["permit.documents"]
    assert answer["parse_mode"] == "HTML"
    assert answer["plain_text"] == entry.answer["fr"]
    assert [f"e:{f}" for f in entry.follow_ups[:3]] == [
        d for d in data_of(answer) if d.startswith("e:")
    ]
    assert "fb:1:permit.documents" in data_of(answer)
    assert "fb:0:permit.documents" in data_of(answer)
    assert urls_of(answer) == [link.url for link in entry.links]


async def test_menu_topic_question_answer_in_arabic(tg, bot):
    menu = await choose_language(tg, 57, "ar", app_language="ar")
    assert menu["text"] == RLM + "اختاروا موضوعا:"
    await tg.press(57, menu, "cat:housing_aid")
    [topic] = await tg.wait_for(57)
    assert topic["text"] == RLM + "الدعم المباشر للسكن"
    await tg.press(57, topic, "e:housing_aid.amounts")
    [answer] = await tg.wait_for(57)
    assert answer["plain_text"].replace(RLM, "") == KNOWLEDGE["housing_aid.amounts"].answer["ar"]
    assert all(line.startswith(RLM) for line in answer["plain_text"].split("\n") if line)


async def test_unclear_and_unknown_questions_in_arabic(tg, bot, database):
    await tg.send_text(58, "رخصة", language_code="ar")
    [clarify] = await tg.wait_for(58)
    assert clarify["plain_text"] == RLM + "لم أفهم سؤالكم جيدا. هل تقصدون:"
    assert data_of(clarify)[-1] == "none"
    await tg.send_text(58, "ما هي عاصمة اليابان؟")
    [unknown] = await tg.wait_for(58)
    assert unknown["plain_text"].startswith(RLM + "عذرا")
    assert "https://aubm.ma" in unknown["plain_text"]
    assert data_of(unknown) == ["e:handoff.human"]
    with sqlite3.connect(database) as db:
        decisions = [row[0] for row in db.execute("SELECT decision FROM unanswered")]
    assert decisions == ["clarify", "unknown"]


async def test_darija_question_in_arabic_with_link_related_and_feedback(tg, bot, database):
    await choose_language(tg, 52, "ar", app_language="it")
    await tg.send_text(52, "kifach ndir bach nakhod rokhsa dyal lbni?")
    [answer] = await tg.wait_for(52)
    entry_id = next(d for d in data_of(answer) if d.startswith("fb:1:")).split(":", 2)[2]
    entry = KNOWLEDGE[entry_id]
    assert entry.id.startswith(("permit.", "digital."))
    assert answer["text"].startswith(RLM)
    assert answer["plain_text"].replace(RLM, "") == entry.answer["ar"]
    assert len([d for d in data_of(answer) if d.startswith("e:")]) <= 3
    query = await tg.press(52, answer, f"fb:1:{entry_id}")
    await tg.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c.params.get("callback_query_id") == query
    )
    assert tg.callback_answers[query]["text"].startswith("شكرا")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT entry_id, helpful FROM feedback").fetchall() == [(entry_id, 1)]


async def test_french_question_about_the_housing_aid(tg, bot):
    await tg.send_text(
        53, "Quel est le montant de l'aide directe au logement ?", language_code="fr"
    )
    [answer] = await tg.wait_for(53)
    assert answer["plain_text"] == KNOWLEDGE["housing_aid.amounts"].answer["fr"]
    assert any("daamsakane.ma" in url or "mhpv.gov.ma" in url for url in urls_of(answer))


async def test_unclear_question_offers_suggestions_and_none_of_these(tg, bot):
    await tg.send_text(54, "permis", language_code="fr")
    [clarify] = await tg.wait_for(54)
    assert clarify["text"].startswith("Je ne suis pas sûr")
    suggestions = [d for d in data_of(clarify) if d.startswith("e:")]
    assert 2 <= len(suggestions) <= 3
    assert data_of(clarify)[-1] == "none"
    await tg.press(54, clarify, "none")
    [contact] = await tg.wait_for(54)
    assert "https://aubm.ma" in contact["plain_text"]
    assert "e:handoff.human" in data_of(contact)


async def test_out_of_scope_question_is_declined_kindly_and_kept_for_review(tg, bot, database):
    await tg.send_text(55, "quelle est la capitale du Japon ?", language_code="fr")
    [reply] = await tg.wait_for(55)
    assert reply["plain_text"].startswith("Désolé, je n'ai pas de réponse sûre")
    assert "https://aubm.ma" in reply["plain_text"]
    assert data_of(reply) == ["e:handoff.human"]
    await tg.press(55, reply, "e:handoff.human")
    [handoff] = await tg.wait_for(55)
    assert handoff["plain_text"].startswith(KNOWLEDGE["handoff.human"].answer["fr"][:20])
    await tg.send_text(55, "comment renouveler mon passeport au consulat ?")
    [redirect] = await tg.wait_for(55)
    # A subject handled elsewhere: who handles it, then what the bot is for.
    assert redirect["plain_text"].startswith(KNOWLEDGE.decoy("passport").answer["fr"])
    assert redirect["plain_text"].endswith("je reste à votre disposition.")
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT text, language, decision FROM unanswered").fetchall()
    assert rows == [
        ("quelle est la capitale du japon", "fr", "unknown"),
        ("comment renouveler mon passeport au consulat", "fr", "unknown"),
    ]


async def test_stale_button_gets_a_friendly_answer_and_the_menu(tg, bot):
    menu = await choose_language(tg, 56, "en", app_language="en")
    await tg.press(56, menu, "cat:permits")
    [topic] = await tg.wait_for(56)
    # The knowledge changed since: the button points at an entry that no longer exists.
    live = tg.message(56, topic["message_id"])
    live["reply_markup"]["inline_keyboard"][0][0]["callback_data"] = "e:permit.gone"
    await tg.press(56, topic, "e:permit.gone")
    stale, again = await tg.wait_for(56, count=2)
    assert stale["text"].startswith("This choice is no longer valid")
    assert "cat:permits" in data_of(again)


# ----------------------------------------------------------------------------- commands


async def test_contact_and_help(tg, bot):
    await tg.send_command(61, "/contact", language_code="fr")
    [contact] = await tg.wait_for(61)
    text = contact["plain_text"]
    assert "Site web : https://aubm.ma" in text
    assert "Adresse" not in text and "Téléphone" not in text  # unconfirmed: left out
    await tg.send_command(61, "/help", language_code="fr")
    [help_] = await tg.wait_for(61)
    assert len(help_["plain_text"].splitlines()) == 3


async def test_forget_deletes_after_confirmation(tg, bot, database):
    await choose_language(tg, 62, "fr", app_language="fr")
    await tg.send_command(62, "/forget")
    [confirm] = await tg.wait_for(62)
    assert data_of(confirm) == ["forget:yes", "forget:no"]
    await tg.press(62, confirm, "forget:no")
    await tg.wait_for_call("editMessageText")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM users WHERE user_id = 62").fetchone() == (1,)
    await tg.send_command(62, "/forget")
    [confirm] = await tg.wait_for(62)
    await tg.press(62, confirm, "forget:yes")
    await tg.wait_for_call("editMessageText")
    assert tg.message(62, confirm["message_id"])["plain_text"].startswith("Toutes vos données")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM users WHERE user_id = 62").fetchone() == (0,)


async def test_book_with_the_shipped_events_says_none_is_open_and_who_to_ask(tg, bot):
    # The shipped events file holds only the 2025 edition (12 August 2025, a Tuesday).
    await tg.send_command(63, "/book", language_code="fr")
    [notice] = await tg.wait_for(63)
    text = notice["plain_text"]
    assert text.startswith(
        "Aucune journée de communication n'est ouverte à la réservation pour le moment."
    )
    assert "a eu lieu le mardi 12 août 2025 (Siège de l'Agence urbaine de Béni Mellal)" in text
    assert "Contacter l'agence :" in text and "Site web : https://aubm.ma" in text
    assert data_of(notice) == []  # no waiting list: the file plans no next edition


# ----------------------------------------------------------------------------- everything else


async def test_media_get_a_short_useful_reply(tg, bot):
    await tg.send_photo(71, language_code="fr")
    await tg.send_voice(71)
    await tg.send_sticker(71)
    await tg.send_location(71, 32.33, -6.36)
    replies = await tg.wait_for(71, count=4)
    assert all(r["plain_text"].startswith("Je ne lis que les messages écrits") for r in replies)


async def test_edited_messages_and_group_chatter_are_ignored(tg, bot):
    await tg.send_text(72, "salam", language_code="ar")
    [greeting] = await tg.wait_for(72)
    await tg.edit_text(72, 1, "permis de construire")
    await tg.send_group_text(72, -1001, "bonjour tout le monde")
    await tg.wait_idle(0.5)
    assert len(tg.sent(72)) == 1 and tg.sent(-1001) == []
    await tg.send_group_text(72, -1001, "/start")
    [invite] = await tg.wait_for(-1001)
    assert "privée" in invite["plain_text"] or "خاصة" in invite["plain_text"]
    assert greeting["plain_text"]


async def test_unknown_command_gets_the_help(tg, bot):
    await tg.send_command(73, "/weather", language_code="en")
    [help_] = await tg.wait_for(73)
    assert help_["plain_text"].startswith("Ask your question")


async def test_several_users_at_once_get_their_own_answers(tg, bot):
    questions = {
        81: ("Quel est le montant de l'aide au logement ?", "fr", "housing_aid.amounts"),
        82: ("شحال ديال الوقت كتاخد رخصة البناء؟", "ar", "permit.processing_time"),
        83: ("Quels documents pour le permis de construire ?", "fr", "permit.documents"),
        84: ("فين نقدر نتبع الملف ديالي فرخص؟", "ar", "digital.track_application"),
        85: ("How much is the direct housing aid?", "en", "housing_aid.amounts"),
    }
    await asyncio.gather(
        *(tg.send_text(user, text, language_code="it") for user, (text, _, _) in questions.items())
    )
    for user, (_, lang, entry_id) in questions.items():
        [answer] = await tg.wait_for(user)
        expected = KNOWLEDGE[entry_id].answer[lang]
        assert answer["plain_text"].replace(RLM, "") == expected, user
        assert f"fb:1:{entry_id}" in data_of(answer)


async def test_the_bot_survives_a_failed_send_and_tells_nobody_else(tg, bot, caplog):
    caplog.set_level(logging.ERROR)
    tg.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found")
    await tg.send_text(91, "Quels documents pour le permis de construire ?", language_code="fr")
    await tg.wait_for_call("sendMessage", predicate=lambda c: c.error is not None)
    # The error handler logged the update id and told the user (its own send succeeds).
    [sorry] = await tg.wait_for(91)
    assert sorry["plain_text"].startswith("Désolé, une erreur")
    assert any("failed" in r.getMessage() for r in caplog.records)
    assert "permis" not in " ".join(r.getMessage() for r in caplog.records)
    await tg.send_text(91, "Quels documents pour le permis de construire ?")
    [answer] = await tg.wait_for(91)
    assert answer["plain_text"] == KNOWLEDGE["permit.documents"].answer["fr"]


async def test_long_answers_are_split_at_paragraphs(tg, database, tmp_path, clock):
    folder, _ = long_answer_folder(tmp_path)
    long_answer = load_knowledge(folder)["long.answer"].answer["fr"]
    assert 4096 - 100 < len(long_answer) <= 4096  # with the contact card, over the limit
    settings = replace(make_settings(tg.base_url, database), knowledge_dir=folder)
    async with running_bot(settings, clock):
        await tg.send_text(95, QUESTION, language_code="fr")
        first, second = await tg.wait_for(95, count=2)
    assert first["plain_text"].startswith("Paragraphe 0")
    assert "Paragraphe 4" in second["plain_text"] or "Contacter" in second["plain_text"]
    assert buttons(first) == [] and buttons(second)


async def test_a_passing_server_error_or_flood_limit_still_gets_the_answer(tg, bot, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    question = "Quels documents faut-il pour le permis de construire ?"
    expected = KNOWLEDGE["permit.documents"].answer["fr"]
    tg.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    await tg.send_text(71, question, language_code="fr")
    [answer] = await tg.wait_for(71)
    assert answer["plain_text"] == expected
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", times=3, retry_after=1)
    await tg.send_text(71, question)
    [again] = await tg.wait_for(71, timeout=20)
    assert again["plain_text"] == expected


async def test_an_unreadable_update_is_skipped_with_one_line_and_no_content(tg, bot, caplog):
    caplog.set_level(logging.DEBUG)
    bad = await tg.queue_update(
        message={"message_id": 1, "date": 0, "chat": "+212612345678 Karim", "text": "hi"}
    )
    await tg.send_text(72, "Quels documents faut-il pour le permis de construire ?")
    [answer] = await tg.wait_for(72)
    assert answer["plain_text"] == KNOWLEDGE["permit.documents"].answer["fr"]
    skipped = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert [r.getMessage() for r in skipped] == [
        f"update {bad['update_id']} could not be read; skipped"
    ]
    # The library's DEBUG lines carry content; the bot's logging keeps them off (test_cli).
    leaks = [
        (r.name, r.getMessage()[:200])
        for r in caplog.records
        if r.levelno >= logging.INFO and "612345678" in r.getMessage()
    ]
    assert leaks == []


async def test_a_failed_update_is_logged_without_the_errors_message(tg, bot, caplog):
    caplog.set_level(logging.INFO)
    # An error message can quote what the user sent; the log keeps its type and place only.
    tg.fail_next("sendMessage", 400, "Bad Request: can't parse +212600000001 Karim")
    await tg.send_text(73, "Quels documents faut-il pour le permis de construire ?")
    [_error_note] = await tg.wait_for(73)
    failed = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert failed and failed[0].startswith("update ") and ": BadRequest" in failed[0]
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "212600000001" not in logged and "Karim" not in logged

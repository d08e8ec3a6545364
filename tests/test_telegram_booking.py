"""Booking a slot at the communication day on Telegram, end to end, with a clock the test moves.

The real Application polls the fake Bot API on 127.0.0.1; the knowledge folder is the shipped one
with the test's own events file, dated relative to the frozen clock, so dates and places are
under the test's control whatever day it runs.
"""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.events import to_utc
from tests.support.bot_runner import make_settings, running_bot
from tests.support.calendar_words import ar_day, fr_day
from tests.support.clock import FROZEN_NOW
from tests.support.events import (
    closed_event,
    day_after,
    events_file,
    knowledge_with_events,
    next_clock_change,
    not_yet_open_event,
    open_event,
    ramadan_event,
)
from tests.support.fake_telegram import FakeTelegram

ADMIN = 900
RLM = "\u200f"
# One day, two months after the frozen now, 09:00 to 10:00 in half hours, two places each.
DAY = day_after(FROZEN_NOW, 60)
DAY_KEY = f"{DAY:%Y%m%d}"
AT_NINE, AT_NINE_THIRTY = f"{DAY_KEY}0900", f"{DAY_KEY}0930"
NINE_O_CLOCK = to_utc(datetime.combine(DAY, time(9)))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return knowledge_with_events(tmp_path, events_file(open_event(FROZEN_NOW, "test-day")))


@pytest.fixture
def settings(tg, tmp_path, folder):
    base = make_settings(tg.base_url, tmp_path / "bot.sqlite3")
    return replace(base, knowledge_dir=folder, reminder_check_seconds=0.2)


@pytest.fixture
async def bot(settings, clock):
    async with running_bot(settings, clock) as app:
        yield app


def data_of(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [
        b["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for b in row
        if "callback_data" in b
    ]


def rows_of(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


async def book_until_consent(tg: FakeTelegram, user: int, lang: str, slot: str) -> dict:
    await tg.send_command(user, "/book", language_code=lang)
    [days] = await tg.wait_for(user)
    await tg.press(user, days, f"bk:day:{DAY_KEY}")
    [slots] = await tg.wait_for(user)
    await tg.press(user, slots, f"bk:slot:{slot}")
    [topics] = await tg.wait_for(user)
    await tg.press(user, topics, "bk:topic:housing_aid")
    [consent] = await tg.wait_for(user)
    return consent


async def test_full_booking_in_french(tg, bot, settings):
    consent = await book_until_consent(tg, 301, "fr", AT_NINE)
    assert "09-08" in consent["plain_text"]
    assert data_of(consent) == ["bk:consent:yes", "bk:consent:no"]
    await tg.press(301, consent, "bk:consent:yes")
    [ask_name] = await tg.wait_for(301)
    assert ask_name["plain_text"] == "Votre nom complet :"
    await tg.send_text(301, "Amina El Idrissi")
    [ask_phone] = await tg.wait_for(301)
    keyboard = ask_phone["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_contact"] is True
    await tg.send_text(301, "06 12")
    [bad] = await tg.wait_for(301)
    assert bad["plain_text"].startswith("Ce numéro n'est pas valide")
    await tg.send_text(301, "+39 312 345 6789")
    [ask_country] = await tg.wait_for(301)
    assert ask_country["reply_markup"] == {"remove_keyboard": True}
    await tg.send_text(301, "Italie")
    [summary] = await tg.wait_for(301)
    text = summary["plain_text"]
    assert f"{fr_day(DAY)} à 09:00" in text  # weekday computed from the date
    assert "Amina El Idrissi" in text and "+393123456789" in text and "Italie" in text
    await tg.press(301, summary, "bk:confirm:yes")
    confirmed, ics, location = await tg.wait_for(301, count=3)
    [(code,)] = rows_of(settings.database_path, "SELECT code FROM bookings")
    assert f"Code : {code}" in confirmed["plain_text"]
    assert ics["type"] == "document" and ics["document"]["file_name"] == f"{code}.ics"
    assert b"BEGIN:VCALENDAR" in ics["document"]["content"]
    assert (location["latitude"], location["longitude"]) == (32.3373, -6.3498)
    assert rows_of(settings.database_path, "SELECT * FROM flows") == []


async def test_full_booking_in_arabic_from_a_question_and_a_shared_phone(tg, bot, settings):
    await tg.send_text(302, "bghit nakhod maw3id f nhar dyal mgharba l3alam", language_code="ar")
    [days] = await tg.wait_for(302)
    assert days["plain_text"].startswith(RLM + "اليوم التواصلي test-day")
    assert ar_day(DAY) in days["reply_markup"]["inline_keyboard"][0][0]["text"]
    await tg.press(302, days, f"bk:day:{DAY_KEY}")
    [slots] = await tg.wait_for(302)
    await tg.press(302, slots, f"bk:slot:{AT_NINE_THIRTY}")
    [topics] = await tg.wait_for(302)
    await tg.press(302, topics, "bk:topic:building_permit")
    [consent] = await tg.wait_for(302)
    await tg.press(302, consent, "bk:consent:yes")
    await tg.wait_for(302)
    await tg.send_text(302, "يوسف بنعلي")
    await tg.wait_for(302)
    await tg.send_contact(302, "+32 470 12 34 56")
    await tg.wait_for(302)
    await tg.send_text(302, "بلجيكا")
    [summary] = await tg.wait_for(302)
    assert "+32470123456" in summary["plain_text"]
    await tg.press(302, summary, "bk:confirm:yes")
    confirmed, _, _ = await tg.wait_for(302, count=3)
    assert confirmed["plain_text"].startswith(RLM + "تم تأكيد حجزكم")
    assert "على الساعة 09:30" in confirmed["plain_text"]
    assert rows_of(settings.database_path, "SELECT name, country FROM bookings") == [
        ("يوسف بنعلي", "بلجيكا")
    ]


async def test_shared_phone_without_plus_is_the_users_own_number(tg, bot, settings):
    # Some Telegram clients send the shared contact's number without "+": it still carries its
    # country code. A number typed the same way is not guessed.
    consent = await book_until_consent(tg, 309, "fr", AT_NINE)
    await tg.press(309, consent, "bk:consent:yes")
    await tg.wait_for(309)
    await tg.send_text(309, "Karim Alaoui")
    await tg.wait_for(309)
    await tg.send_text(309, "33612345678")
    [again] = await tg.wait_for(309)
    assert "numéro" in again["plain_text"] and "+33612345678" not in again["plain_text"]
    await tg.send_contact(309, "33612345678")
    [country_step] = await tg.wait_for(309)
    assert "pays" in country_step["plain_text"]
    await tg.send_text(309, "France")
    [summary] = await tg.wait_for(309)
    assert "+33612345678" in summary["plain_text"]


async def test_consent_refused_nothing_is_stored(tg, bot, settings):
    consent = await book_until_consent(tg, 303, "fr", AT_NINE)
    await tg.press(303, consent, "bk:consent:no")
    [refused] = await tg.wait_for(303)
    assert refused["plain_text"].startswith("Sans votre accord")
    assert rows_of(settings.database_path, "SELECT * FROM flows") == []
    assert rows_of(settings.database_path, "SELECT * FROM bookings") == []


async def complete(
    tg: FakeTelegram, user: int, slot: str, name: str = "Karim Alaoui", country: str = "France"
) -> str:
    consent = await book_until_consent(tg, user, "fr", slot)
    await tg.press(user, consent, "bk:consent:yes")
    await tg.wait_for(user)
    for answer in (name, "+33612345678", country):
        await tg.send_text(user, answer)
        await tg.wait_for(user)
    summary = tg.sent(user)[-1]
    await tg.press(user, summary, "bk:confirm:yes")
    confirmed, _, _ = await tg.wait_for(user, count=3)
    return confirmed["plain_text"].split("Code : ")[1].split("\n")[0]


async def test_my_bookings_change_and_cancel(tg, bot, settings):
    code = await complete(tg, 304, AT_NINE)
    await tg.send_command(304, "/mybookings")
    [mine] = await tg.wait_for(304)
    assert code in mine["plain_text"]
    await tg.press(304, mine, f"bk:change:{code}")
    [days] = await tg.wait_for(304)
    await tg.press(304, days, f"bk:day:{DAY_KEY}")
    [slots] = await tg.wait_for(304)
    await tg.press(304, slots, f"bk:slot:{AT_NINE_THIRTY}")
    changed, _, _ = await tg.wait_for(304, count=3)
    assert changed["plain_text"].startswith(f"Votre réservation {code} est déplacée")
    assert rows_of(settings.database_path, "SELECT slot_key FROM bookings") == [(AT_NINE_THIRTY,)]
    await tg.send_command(304, "/mybookings")
    [mine] = await tg.wait_for(304)
    await tg.press(304, mine, f"bk:cancel:{code}")
    [cancelled] = await tg.wait_for(304)
    assert cancelled["plain_text"].startswith(f"Réservation {code} annulée")
    assert rows_of(settings.database_path, "SELECT status FROM bookings") == [("cancelled",)]


async def test_cancel_command_leaves_the_flow(tg, bot, settings):
    await book_until_consent(tg, 305, "fr", AT_NINE)
    await tg.send_command(305, "/cancel")
    [stopped] = await tg.wait_for(305)
    assert stopped["plain_text"].startswith("Réservation interrompue")
    assert rows_of(settings.database_path, "SELECT * FROM flows") == []


async def test_full_slots_are_not_offered_and_the_waitlist_gets_a_freed_place(tg, bot, clock):
    people = ["Sara Bennani", "Omar Tazi", "Nadia Fassi", "Hamid Chraibi"]
    slots = [AT_NINE, AT_NINE, AT_NINE_THIRTY, AT_NINE_THIRTY]
    codes = [await complete(tg, 310 + n, slot, people[n]) for n, slot in enumerate(slots)]
    await tg.send_command(320, "/book", language_code="fr")
    [full] = await tg.wait_for(320)
    assert full["plain_text"].startswith("Journée test-day : tous les créneaux")
    assert data_of(full) == ["bk:wait:test-day"]
    await tg.press(320, full, "bk:wait:test-day")
    [joined] = await tg.wait_for(320)
    assert "rang 1" in joined["plain_text"]
    # Someone cancels: the first person waiting gets an offer with buttons.
    await tg.send_command(311, "/mybookings")
    [mine] = await tg.wait_for(311)
    await tg.press(311, mine, f"bk:cancel:{codes[1]}")
    await tg.wait_for(311)
    [offer] = await tg.wait_for(320, timeout=10)
    assert offer["plain_text"].startswith("Une place s'est libérée")
    assert data_of(offer)[0] == f"bk:accept:test-day:{AT_NINE}"
    await tg.press(320, offer, f"bk:accept:test-day:{AT_NINE}")
    [topics] = await tg.wait_for(320)
    assert data_of(topics)[0] == "bk:topic:building_permit"


async def test_reminders_are_sent_once_in_the_users_language(tg, bot, clock):
    await complete(tg, 330, AT_NINE)
    clock.now = NINE_O_CLOCK - timedelta(hours=23, minutes=30)  # less than a day before
    [reminder] = await tg.wait_for(330, timeout=10)
    assert reminder["plain_text"].startswith("Rappel : votre rendez-vous")
    assert "demain" in reminder["plain_text"]
    await tg.wait_idle(0.6)
    assert len([m for m in tg.sent(330) if "Rappel" in (m.get("plain_text") or "")]) == 1


async def test_a_reminder_to_someone_who_blocked_the_bot_is_counted_for_the_admins(
    tg, bot, clock, settings
):
    await complete(tg, 331, AT_NINE)
    tg.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    clock.now = NINE_O_CLOCK - timedelta(hours=23, minutes=30)
    await tg.wait_idle(1.0)
    assert not [m for m in tg.sent(331) if "Rappel" in (m.get("plain_text") or "")]
    await tg.send_command(ADMIN, "/stats", language_code="fr")
    [stats] = await tg.wait_for(ADMIN)
    assert "la personne a bloqué le bot" in stats["plain_text"]


async def test_restart_in_the_middle_of_the_flow_keeps_progress(tg, settings, clock):
    async with running_bot(settings, clock):
        consent = await book_until_consent(tg, 340, "fr", AT_NINE)
        await tg.press(340, consent, "bk:consent:yes")
        await tg.wait_for(340)
    async with running_bot(settings, clock):
        await tg.send_text(340, "Salma Berrada")
        [ask_phone] = await tg.wait_for(340)
        assert ask_phone["plain_text"].startswith("Votre numéro de téléphone")


async def test_admin_tools(tg, bot, settings):
    code = await complete(tg, 350, AT_NINE, country='=HYPERLINK("x")')
    await tg.send_command(351, "/bookings", language_code="fr")
    [refused] = await tg.wait_for(351)
    assert refused["plain_text"] == "Cette commande n'est pas disponible."
    for command in ("/export", "/checkin ABC", "/stats"):
        await tg.send_command(351, command)
        [refused] = await tg.wait_for(351)
        assert refused["plain_text"] == "Cette commande n'est pas disponible."

    await tg.send_command(ADMIN, "/bookings", language_code="fr")
    [listing] = await tg.wait_for(ADMIN)
    assert "1 réservations sur 4 places" in listing["plain_text"]
    assert "09:00  1/2" in listing["plain_text"] and code in listing["plain_text"]

    await tg.send_command(ADMIN, "/export")
    csv_doc, xlsx_doc = await tg.wait_for(ADMIN, count=2)
    content = csv_doc["document"]["content"]
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][0] == code and rows[1][6] == '\'=HYPERLINK("x")'
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_doc["document"]["content"])).active
    assert sheet.cell(2, 1).value == code
    assert sheet.cell(2, 7).value.startswith("'=")

    await tg.send_command(ADMIN, f"/checkin {code[:3].lower()} {code[3:].lower()}")
    [ok] = await tg.wait_for(ADMIN)
    assert ok["plain_text"].startswith("Arrivée enregistrée")
    await tg.send_command(ADMIN, f"/checkin {code}")
    [again] = await tg.wait_for(ADMIN)
    assert "déjà enregistré" in again["plain_text"]
    await tg.send_command(ADMIN, "/checkin ZZZZZZ")
    [unknown] = await tg.wait_for(ADMIN)
    assert unknown["plain_text"].startswith("Aucune réservation avec le code ZZZZZZ")

    await tg.send_text(ADMIN, "prix du billet de bateau pour Tanger")
    await tg.wait_for(ADMIN)
    await tg.send_command(ADMIN, "/stats")
    [stats] = await tg.wait_for(ADMIN)
    assert "Réservations : 1" in stats["plain_text"]
    assert "Aide directe au logement: 1" in stats["plain_text"]
    assert "prix du billet de bateau pour tanger" in stats["plain_text"]
    await tg.send_command(ADMIN, "/unanswered")
    [review] = await tg.wait_for(ADMIN)
    assert "prix du billet de bateau pour tanger" in review["plain_text"]
    await tg.send_command(351, "/unanswered")
    [refused] = await tg.wait_for(351)
    assert refused["plain_text"] == "Cette commande n'est pas disponible."


async def test_terminal_chat_books_the_same_way(settings, tmp_path, clock):
    from bot.conversation import Conversation
    from bot.services import Services
    from handlers.terminal.chat import TerminalChat

    services = await Services.open(replace(settings, default_language="fr"), clock)
    lines: list[str] = []
    chat = TerminalChat(Conversation(services), write=lines.append, files_dir=tmp_path)
    try:
        for typed in (
            "/book",
            "1",
            "1",
            "2",
            "1",
            "Leila Amrani",
            "0033 6 12 34 56 78",
            "Espagne",
            "1",
        ):
            await chat.handle(typed)
        shown = "\n".join(lines)
        assert "Vérifiez vos informations" in shown and "+33612345678" in shown
        [(code,)] = rows_of(settings.database_path, "SELECT code FROM bookings")
        assert f"Code : {code}" in shown
        assert (tmp_path / f"{code}.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
        assert "openstreetmap.org/?mlat=32.3373" in shown
    finally:
        await services.close()


async def test_the_menu_button_and_the_topic_button_start_the_booking(tg, bot):
    await tg.send_command(360, "/menu", language_code="fr")
    [menu] = await tg.wait_for(360)
    assert data_of(menu)[-1] == "bk:start:"
    await tg.press(360, menu, "bk:start:")
    [days] = await tg.wait_for(360)
    assert data_of(days) == [f"bk:day:{DAY_KEY}"]
    await tg.press(360, menu, "cat:event")
    [topic] = await tg.wait_for(360)
    await tg.press(360, topic, "e:event.booking")
    [days_again] = await tg.wait_for(360)
    assert data_of(days_again) == [f"bk:day:{DAY_KEY}"]


# ----------------------------------------------------------------------------- nothing to book


async def booking_notice(tg: FakeTelegram, settings, clock, events_text: str, user: int) -> dict:
    """/book in French with the given events file; the bot's one reply."""
    (settings.knowledge_dir / "events.yml").write_text(events_text, encoding="utf-8")
    async with running_bot(settings, clock):
        await tg.send_command(user, "/book", language_code="fr")
        [notice] = await tg.wait_for(user)
    return notice


async def test_before_booking_opens_the_day_it_opens_is_given(tg, settings, clock):
    notice = await booking_notice(
        tg, settings, clock, events_file(not_yet_open_event(FROZEN_NOW)), 401
    )
    opens = day_after(FROZEN_NOW, 10)
    assert notice["plain_text"] == (
        f"La réservation pour « Journée later-day » ouvre le {fr_day(opens)}. "
        "Revenez à partir de cette date."
    )
    assert data_of(notice) == []


async def test_after_booking_closed_the_citizen_is_told_since_when_and_who_to_ask(
    tg, settings, clock
):
    notice = await booking_notice(tg, settings, clock, events_file(closed_event(FROZEN_NOW)), 402)
    text = notice["plain_text"]
    assert text.startswith("Aucune journée de communication n'est ouverte à la réservation")
    yesterday = day_after(FROZEN_NOW, -1)
    assert (
        f"La réservation pour « Journée closed-day » est close depuis le {fr_day(yesterday)}."
        in text
    )
    assert "Contacter l'agence :" in text and "https://aubm.ma" in text
    assert data_of(notice) == []


async def test_a_next_edition_is_offered_only_when_the_file_plans_it(tg, settings, clock):
    unplanned = await booking_notice(tg, settings, clock, events_file(), 403)
    assert "Aucune prochaine édition n'est annoncée" in unplanned["plain_text"]
    assert data_of(unplanned) == []
    # A forged button cannot put anyone on a list the file does not plan.
    async with running_bot(settings, clock):
        await tg.press(403, unplanned, "bk:next:", forged=True)
        [refused] = await tg.wait_for(403)
    assert refused["plain_text"].startswith("Aucune journée de communication n'est ouverte")
    assert rows_of(settings.database_path, "SELECT * FROM waitlist") == []


async def test_people_waiting_for_the_next_edition_are_told_when_booking_opens(
    tg, settings, clock
):
    events = settings.knowledge_dir / "events.yml"
    events.write_text(events_file(next_edition_planned=True), encoding="utf-8")
    async with running_bot(settings, clock):
        await tg.send_command(404, "/book", language_code="ar")
        [notice] = await tg.wait_for(404)
        assert "دورة مقبلة مبرمجة" in notice["plain_text"]
        assert data_of(notice) == ["bk:next:"]
        await tg.press(404, notice, "bk:next:")
        [joined] = await tg.wait_for(404)
        assert joined["plain_text"].startswith(RLM + "تم تسجيل طلبكم")
        # The agency announces the edition; staff add it to the file and reload.
        events.write_text(
            events_file(open_event(FROZEN_NOW, "new-day"), next_edition_planned=True),
            encoding="utf-8",
        )
        await tg.send_command(ADMIN, "/reload", language_code="fr")
        # The whole folder is checked first, which takes seconds on a busy machine.
        await tg.wait_for(ADMIN, timeout=60)  # the admins' summary: the new events are in
        [told] = await tg.wait_for(404, timeout=30)
        assert told["plain_text"].startswith(
            RLM + "خبر سار: الحجز في «اليوم التواصلي new-day» مفتوح"
        )
        assert data_of(told) == ["bk:start:"]
        await tg.press(404, told, "bk:start:")
        [days] = await tg.wait_for(404)
        assert data_of(days) == [f"bk:day:{DAY_KEY}"]
        await tg.wait_idle(0.6)
    assert rows_of(settings.database_path, "SELECT status FROM waitlist") == [("told",)]


async def test_slots_keep_the_moroccan_wall_clock_across_the_ramadan_change(tg, settings, clock):
    change, before, after = next_clock_change(FROZEN_NOW)
    (settings.knowledge_dir / "events.yml").write_text(
        events_file(ramadan_event(FROZEN_NOW)), encoding="utf-8"
    )
    async with running_bot(settings, clock):
        first, second = change - timedelta(days=1), change + timedelta(days=1)
        for day in (first, second):
            await tg.send_command(405, "/book", language_code="fr")
            [days] = await tg.wait_for(405)
            assert data_of(days) == [f"bk:day:{first:%Y%m%d}", f"bk:day:{second:%Y%m%d}"]
            await tg.press(405, days, f"bk:day:{day:%Y%m%d}")
            [slots] = await tg.wait_for(405)
            # 10:00 on the agency's clock on both days, whatever UTC says.
            assert data_of(slots) == [f"bk:slot:{day:%Y%m%d}1000"]
            assert slots["reply_markup"]["inline_keyboard"][0][0]["text"].startswith("10:00")
    assert before != after


async def test_the_logs_of_a_whole_run_hold_no_name_phone_or_question(tg, bot, settings, caplog):
    # As `python -m bot` configures them at LOG_LEVEL=DEBUG: the bot's own debug lines on,
    # the libraries' content-carrying debug lines off.
    caplog.set_level(logging.DEBUG)
    for chatty in ("telegram", "aiosqlite"):
        caplog.set_level(logging.INFO, logger=chatty)
    question = "Combien coûte le permis de construire pour un étage ?"
    await tg.send_text(360, question, language_code="fr")
    await tg.wait_for(360)
    await tg.send_text(360, "Ma question personnelle sur le Japon, appelez le 0699887766")
    await tg.wait_for(360)
    consent = await book_until_consent(tg, 360, "fr", AT_NINE)
    await tg.press(360, consent, "bk:consent:yes")
    await tg.wait_for(360)
    typed = ["Hafsa Lmrabet", "+32470998877", "Belgique"]
    for answer in typed:
        await tg.send_text(360, answer)
        await tg.wait_for(360)
    summary = tg.sent(360)[-1]
    await tg.press(360, summary, "bk:confirm:yes")
    await tg.wait_for(360, count=3)
    await tg.send_command(360, "/forget")
    [confirm] = await tg.wait_for(360)
    await tg.press(360, confirm, "forget:yes")  # answered by editing that message
    await tg.wait_idle(0.5)
    assert "vos données ont été effacées" in tg.message(360, confirm["message_id"])["plain_text"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the run did log
    for secret in [*typed, "32470998877", "0699887766", "Lmrabet", question, "Japon"]:
        assert secret not in logged, secret


async def test_a_confirmation_that_could_not_be_sent_is_sent_later_and_only_once(tg, bot, clock):
    consent = await book_until_consent(tg, 370, "fr", AT_NINE)
    await tg.press(370, consent, "bk:consent:yes")
    await tg.wait_for(370)
    for answer in ("Karim Alaoui", "+33612345678", "France"):
        await tg.send_text(370, answer)
        await tg.wait_for(370)
    summary = tg.sent(370)[-1]
    # The booking is saved, but its calendar file cannot be sent (as if the bot stopped there).
    tg.fail_next("sendDocument", 400, "Bad Request: file could not be sent")
    await tg.press(370, summary, "bk:confirm:yes")
    confirmed, error = await tg.wait_for(370, count=2)
    code = confirmed["plain_text"].split("Code : ")[1].split("\n")[0]
    assert error["plain_text"].startswith("Désolé, une erreur")
    clock.advance(minutes=3)
    again, calendar, _ = await tg.wait_for(370, count=3, timeout=10)
    assert f"Code : {code}" in again["plain_text"]
    assert calendar["document"]["file_name"] == f"{code}.ics"
    clock.advance(minutes=11)
    await tg.wait_idle(1.0)
    assert sum(f"Code : {code}" in (m.get("plain_text") or "") for m in tg.sent(370)) == 2

"""The bot on WhatsApp, end to end: the real webhook server and the real pywa client, talking
HTTP to a fake Cloud API on 127.0.0.1 that signs its webhooks and refuses what WhatsApp
refuses (tests/support/fake_whatsapp.py). The clock is the test's, for the bot and the fake.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.conversation import Conversation
from bot.database import User
from bot.services import Services
from handlers.whatsapp import WhatsAppChannel
from tests.support.clock import FROZEN_NOW, FrozenClock
from tests.support.events import events_file, knowledge_with_events, open_event
from tests.support.fake_whatsapp import FakeWhatsApp
from tests.support.long_answer import QUESTION, long_answer_folder
from tests.support.ports import free_port

CITIZEN, NEWCOMER, ADMIN = "33612345678", "32470123456", "212600000001"
RLM = "\u200f"


@pytest.fixture
async def wa(clock) -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp(clock=clock) as fake:
        yield fake


@asynccontextmanager
async def whatsapp_bot(
    fake: FakeWhatsApp, folder: Path, clock: FrozenClock, **env: str
) -> AsyncIterator[WhatsAppChannel]:
    """The WhatsApp channel serving `folder` (a knowledge copy) with its own database."""
    port = free_port()
    settings = load_settings(
        {
            **fake.bot_environment(port),
            "ADMIN_WHATSAPP_NUMBERS": f"+{ADMIN}",
            "INBOUND_BURST": "0",
            **env,
        }
    )
    settings = replace(
        settings,
        knowledge_dir=folder,
        database_path=folder.parent / "bot.sqlite3",
        reminder_check_seconds=0.2,
        watch_knowledge=False,
    )
    services = await Services.open(settings, clock)
    channel = WhatsAppChannel(settings.whatsapp, Conversation(services), 0.2)
    await channel.start()
    fake.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
    try:
        yield channel
    finally:
        await channel.stop()
        await services.close()


@pytest.fixture
def shipped(tmp_path) -> Path:
    return knowledge_with_events(tmp_path, events_file())


@pytest.fixture
def booking_day(tmp_path) -> Path:
    """One day of fourteen half-hour slots, 09:00 to 16:00, at a venue with a map position."""
    event = open_event(FROZEN_NOW, "test-day", closes="16:00", capacity=2)
    return knowledge_with_events(tmp_path, events_file(event))


async def speaks(channel: WhatsAppChannel, lang: str, *numbers: str) -> None:
    """These people chose a language before (and are no newcomers)."""
    storage = channel.conversation.services.storage
    for number in numbers:
        await storage.set_language(User("whatsapp", number), lang)


def text_of(message: dict) -> str:
    return (message.get("body_text") or "").replace(RLM, "")


def titles(message: dict) -> list[str]:
    return [choice["title"] for choice in message.get("choices", [])]


async def choose(wa: FakeWhatsApp, user: str, message: dict, choice: str) -> None:
    """Tap a reply button or pick a list row, whichever the message drew."""
    if message["interactive_type"] == "button":
        await wa.press_button(user, choice)
    else:
        await wa.pick_row(user, choice)


def choice_id(message: dict, title: str) -> str:
    return next(choice["id"] for choice in message["choices"] if choice["title"] == title)


# ----------------------------------------------------------------------------- the webhook


async def test_the_verification_challenge_is_echoed_only_for_the_right_token(wa, shipped, clock):
    async with whatsapp_bot(wa, shipped, clock):
        assert await wa.verify("subscribe", "verify-me", "1158201444") == (200, "1158201444")
        assert (await wa.verify("subscribe", "wrong", "1158201444"))[0] == 403
        assert (await wa.verify("unsubscribe", "verify-me", "1158201444"))[0] == 403


async def test_an_unsigned_or_badly_signed_update_changes_nothing(wa, shipped, clock, tmp_path):
    async with whatsapp_bot(wa, shipped, clock):
        payload = wa.message_payload(CITIZEN, {"type": "text", "text": {"body": "menu"}})
        assert await wa.post_webhook(payload, signature="missing") == 401
        assert await wa.post_webhook(payload, signature="bad") == 403
        await wa.wait_idle(0.5)
    assert wa.sent(CITIZEN) == []
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM inbound").fetchone() == (0,)


async def test_a_message_delivered_twice_is_answered_once_and_marked_read(wa, shipped, clock):
    async with whatsapp_bot(wa, shipped, clock):
        first = await wa.send_text(CITIZEN, "quels documents pour le permis de construire ?")
        answer, _ = await wa.wait_for(CITIZEN, count=2)
        assert "permis" in text_of(answer).lower()
        await wa.deliver_again(first)
        await wa.send_text(
            CITIZEN, "quels documents pour le permis de construire ?", message_id=first
        )
        await wa.wait_idle(0.6)
        assert len(wa.sent(CITIZEN)) == 2
        assert first in wa.read_marks


async def test_status_callbacks_never_reach_the_conversation(wa, shipped, clock, caplog):
    async with whatsapp_bot(wa, shipped, clock):
        wa.open_window(CITIZEN)
        await wa.send_status(CITIZEN, "wamid.sent-before", "delivered")
        await wa.send_status(CITIZEN, "wamid.sent-before", "failed", errors=[131047])
        await wa.wait_idle(0.5)
    assert wa.sent(CITIZEN) == []
    failures = [r.getMessage() for r in caplog.records if "could not deliver" in r.getMessage()]
    assert failures == ["whatsapp could not deliver a message: code 131047"]
    assert all(CITIZEN not in record.getMessage() for record in caplog.records)


# ----------------------------------------------------------------------------- questions


async def test_questions_in_arabic_darija_and_french(wa, shipped, clock):
    knowledge = None
    async with whatsapp_bot(wa, shipped, clock) as channel:
        knowledge = channel.conversation.services.assistant.knowledge
        await wa.send_text(CITIZEN, "شحال مبلغ الدعم المباشر للسكن؟")
        answer, related = await wa.wait_for(CITIZEN, count=2)
        assert text_of(answer).startswith(knowledge["housing_aid.amounts"].answer["ar"][:30])
        assert related["interactive_type"] == "list" and "👍" in titles(related)
        await wa.send_text(CITIZEN, "Quels documents faut-il pour le permis de construire ?")
        sent = await wa.wait_for(CITIZEN, count=2)
        documents = knowledge["permit.documents"]
        assert documents.answer["fr"][:30] in text_of(sent[0])
        # The main official link is a button that opens it.
        assert sent[0]["interactive_type"] == "cta_url"
        assert sent[0]["interactive"]["action"]["parameters"]["url"] == documents.links[0].url


async def test_a_newcomer_whose_language_is_unclear_is_asked_for_it(wa, shipped, clock):
    async with whatsapp_bot(wa, shipped, clock):
        await wa.send_text(NEWCOMER, "salam")
        welcome, choice = await wa.wait_for(NEWCOMER, count=2)
        assert "Béni Mellal" in text_of(welcome) or "بني ملال" in text_of(welcome)
        assert choice["interactive_type"] == "button"
        assert titles(choice) == ["العربية", "Français", "English"]
        await wa.press_button(NEWCOMER, "lang:fr")
        done, menu = await wa.wait_for(NEWCOMER, count=2)
        assert text_of(done) == "Langue choisie : français."
        assert menu["interactive_type"] == "list" and titles(menu)[0] == "Permis de construire"
        # Words typed alone are commands: WhatsApp has no command menu.
        await wa.send_text(NEWCOMER, "Menu")
        [again] = await wa.wait_for(NEWCOMER)
        assert titles(again) == titles(menu)


async def test_clarify_unknown_and_the_menu_as_lists(wa, shipped, clock):
    async with whatsapp_bot(wa, shipped, clock) as channel:
        await speaks(channel, "fr", CITIZEN)
        await wa.send_text(CITIZEN, "xyzzy blorb quux frobnicate")
        [unknown] = await wa.wait_for(CITIZEN)
        assert text_of(unknown).startswith("Désolé, je n'ai pas de réponse sûre")
        assert "https://aubm.ma" in text_of(unknown)
        assert titles(unknown) == ["Parler à un agent"]
        await wa.send_text(CITIZEN, "permis")  # too vague: "did you mean"
        [clarify] = await wa.wait_for(CITIZEN)
        assert text_of(clarify) == "Je ne suis pas sûr d'avoir compris. Vouliez-vous dire :"
        suggested = channel.conversation.services.assistant.ask("permis", "fr").reply.options
        assert [choice["id"] for choice in clarify["choices"]][: len(suggested)] == [
            option.target for option in suggested
        ]
        await choose(wa, CITIZEN, clarify, suggested[0].target)
        entry = channel.conversation.services.assistant.knowledge[suggested[0].target]
        # The answer with its link button, then the choices; or both in one message.
        picked, *_ = await wa.wait_for(CITIZEN, count=2 if entry.links else 1)
        assert entry.answer["fr"][:30] in text_of(picked)
        await speaks(channel, "ar", CITIZEN)
        await wa.send_text(CITIZEN, "القائمة")
        [menu] = await wa.wait_for(CITIZEN)
        await wa.pick_row(CITIZEN, choice_id(menu, "رخص البناء"))
        [topic] = await wa.wait_for(CITIZEN)
        rows = titles(topic)
        assert topic["interactive_type"] == "list" and len(rows) <= 10
        assert rows[-2:] == ["اختيارات أخرى", "القائمة"]  # the next page, then the menu
        await wa.pick_row(CITIZEN, choice_id(topic, "اختيارات أخرى"))
        [more] = await wa.wait_for(CITIZEN)
        assert text_of(more) == "اختيارات أخرى:" and titles(more)


async def test_a_long_answer_is_split_to_fit_whatsapps_limits(wa, tmp_path, clock):
    folder, paragraphs = long_answer_folder(tmp_path)
    async with whatsapp_bot(wa, folder, clock) as channel:
        await speaks(channel, "fr", CITIZEN)
        await wa.send_text(CITIZEN, QUESTION)
        await wa.wait_idle(0.5)
    sent = wa.sent(CITIZEN)
    assert all(call.ok for call in wa.calls)  # nothing over a limit
    words = " ".join(text_of(m) for m in sent).split()
    answer = paragraphs.split()
    assert words[: len(answer)] == answer  # every word once, in order, then the contact card
    assert "Contacter" in words[len(answer) :]
    *texts, last = sent
    assert texts and all(m["type"] == "text" for m in texts)
    assert last["type"] == "interactive" and len(text_of(last)) <= 1024
    assert titles(last) == ["👍", "👎"]


async def test_media_stickers_reactions_and_places_get_the_text_note(wa, shipped, clock):
    async with whatsapp_bot(wa, shipped, clock) as channel:
        await speaks(channel, "fr", CITIZEN)
        await wa.send_image(CITIZEN)
        await wa.send_sticker(CITIZEN)
        await wa.send_location(CITIZEN, 32.33, -6.36)
        await wa.send_reaction(CITIZEN, "wamid.earlier", "👍")
        notes = await wa.wait_for(CITIZEN, count=4)
    assert all(text_of(n).startswith("Je ne lis que les messages écrits") for n in notes)


# ----------------------------------------------------------------------------- booking


async def test_the_whole_booking_with_calendar_file_and_location(wa, booking_day, clock):
    async with whatsapp_bot(wa, booking_day, clock) as channel:
        await speaks(channel, "fr", CITIZEN)
        await wa.send_text(CITIZEN, "Je voudrais réserver un rendez-vous à la journée")
        [days] = await wa.wait_for(CITIZEN)
        await choose(wa, CITIZEN, days, days["choices"][0]["id"])
        [slots] = await wa.wait_for(CITIZEN)
        assert slots["interactive_type"] == "list" and len(titles(slots)) == 9
        assert titles(slots)[-1] == "Plus de choix"
        await wa.pick_row(CITIZEN, choice_id(slots, "Plus de choix"))
        [later] = await wa.wait_for(CITIZEN)
        assert [title[:5] for title in titles(later)] == [
            "13:00",
            "13:30",
            "14:00",
            "14:30",
            "15:00",
            "15:30",
        ]
        await wa.pick_row(CITIZEN, later["choices"][-1]["id"])
        [topics] = await wa.wait_for(CITIZEN)
        await wa.pick_row(CITIZEN, choice_id(topics, "Aide directe au logement"))
        [consent] = await wa.wait_for(CITIZEN)
        assert consent["interactive_type"] == "button" and "09-08" in text_of(consent)
        await wa.press_button(CITIZEN, "bk:consent:yes")
        await wa.wait_for(CITIZEN)
        await wa.send_text(CITIZEN, "Amina El Idrissi")
        [phone] = await wa.wait_for(CITIZEN)
        assert "+33612345678" in text_of(phone) and titles(phone) == ["Utiliser ce numéro"]
        await wa.press_button(CITIZEN, "wa:own-number")
        await wa.wait_for(CITIZEN)
        await wa.send_text(CITIZEN, "France")
        [summary] = await wa.wait_for(CITIZEN)
        assert "+33612345678" in text_of(summary) and "15:30" in text_of(summary)
        await wa.press_button(CITIZEN, "bk:confirm:yes")
        confirmed, ics, place = await wa.wait_for(CITIZEN, count=3)
        code = text_of(confirmed).split("Code : ")[1].split()[0]
        assert ics["type"] == "document" and ics["filename"] == f"{code}.ics"
        assert ics["content"].startswith(b"BEGIN:VCALENDAR") and ics["mime_type"] == "text/plain"
        assert place["type"] == "location"
        assert place["location"]["latitude"] == pytest.approx(32.3373)
        await wa.send_text(CITIZEN, "mybookings")
        [mine] = await wa.wait_for(CITIZEN)
        assert code in text_of(mine)
        assert titles(mine) == ["Changer d'heure", "Annuler la réservation"]
        await wa.pick_row(CITIZEN, choice_id(mine, "Changer d'heure"))
        [days] = await wa.wait_for(CITIZEN)
        await choose(wa, CITIZEN, days, days["choices"][0]["id"])
        [slots] = await wa.wait_for(CITIZEN)
        assert titles(slots)[0].startswith("09:00")
        await wa.pick_row(CITIZEN, slots["choices"][0]["id"])
        changed, ics, place = await wa.wait_for(CITIZEN, count=3)
        assert text_of(changed).startswith(f"Votre réservation {code} est déplacée")
        assert "09:00" in text_of(changed) and ics["filename"] == f"{code}.ics"
        stored = await channel.conversation.services.storage.bookings.of_user(
            User("whatsapp", CITIZEN)
        )
        assert [(b.code, b.phone, b.country) for b in stored] == [(code, "+33612345678", "France")]


async def book_directly(channel: WhatsAppChannel, user: str = CITIZEN) -> tuple[str, object]:
    """A booking made earlier (the flow is tested above), as the citizen's last message."""
    services = channel.conversation.services
    event = services.booking.open_events()[0]
    slot = event.slots()[0]
    booking = await services.booking.book(
        event.id,
        slot.key,
        user=User("whatsapp", user),
        lang="fr",
        topic="other",
        name="Karim Alaoui",
        phone=f"+{user}",
        country="France",
    )
    return booking.code, slot


async def test_a_reminder_inside_the_window_is_a_message(wa, booking_day, clock):
    async with whatsapp_bot(wa, booking_day, clock) as channel:
        await speaks(channel, "fr", CITIZEN)
        code, slot = await book_directly(channel)
        clock.now = slot.start - timedelta(hours=23)
        await wa.send_text(CITIZEN, "merci")  # the window opens
        sent = await wa.wait_for(CITIZEN, count=2, timeout=10)
    reminders = [m for m in sent if text_of(m).startswith("Rappel")]
    assert len(reminders) == 1 and code in text_of(reminders[0])


async def test_a_reminder_outside_the_window_goes_as_the_approved_template(wa, booking_day, clock):
    wa.approve_template("mre_reminder", "fr")
    env = {"WHATSAPP_TEMPLATE_REMINDER": "mre_reminder:ar,fr"}
    async with whatsapp_bot(wa, booking_day, clock, **env) as channel:
        code, slot = await book_directly(channel)
        clock.now = slot.start - timedelta(hours=23)
        [template] = await wa.wait_for(CITIZEN, timeout=10)
    assert template["type"] == "template"
    assert template["template"]["name"] == "mre_reminder"
    assert template["template"]["language"]["code"] == "fr"
    values = [p["text"] for p in template["template"]["components"][0]["parameters"]]
    assert values[0] == code and "09:00" in values[1]


async def test_without_a_template_a_late_reminder_is_counted_not_sent(wa, booking_day, clock):
    async with whatsapp_bot(wa, booking_day, clock) as channel:
        await book_directly(channel)
        _, slot = await book_directly(channel, "33700000000")
        clock.now = slot.start - timedelta(hours=23)
        await wa.wait_idle(1.0)
        assert wa.sent(CITIZEN) == []  # nothing free-form outside the window
        await speaks(channel, "fr", ADMIN)
        await wa.send_text(ADMIN, "/stats")
        [stats] = await wa.wait_for(ADMIN, timeout=10)
    assert "whatsapp · rappels: 2 (hors de la fenêtre de 24 h de WhatsApp)" in text_of(stats)


@pytest.fixture
def one_slot_day(tmp_path) -> Path:
    """One half-hour slot for one person: the second person has to wait."""
    event = open_event(FROZEN_NOW, "test-day", closes="09:30", capacity=1)
    return knowledge_with_events(tmp_path, events_file(event))


async def test_a_cancelled_place_is_offered_to_the_waiting_list(wa, one_slot_day, clock):
    async with whatsapp_bot(wa, one_slot_day, clock) as channel:
        await speaks(channel, "fr", CITIZEN, NEWCOMER)
        code, _ = await book_directly(channel)
        await wa.send_text(NEWCOMER, "réserver")
        [full] = await wa.wait_for(NEWCOMER)
        assert text_of(full).startswith("Journée test-day : tous les créneaux")
        [join] = full["choices"]  # too long for a button: a list row with a description
        assert (join["title"], join["description"]) == ("M'inscrire sur la…", "liste d'attente")
        await wa.pick_row(NEWCOMER, join["id"])
        [joined] = await wa.wait_for(NEWCOMER)
        assert "rang 1" in text_of(joined)
        await wa.send_text(CITIZEN, "mybookings")
        [mine] = await wa.wait_for(CITIZEN)
        await wa.pick_row(CITIZEN, choice_id(mine, "Annuler la réservation"))
        [cancelled] = await wa.wait_for(CITIZEN)
        assert text_of(cancelled).startswith(f"Réservation {code} annulée")
        [offer] = await wa.wait_for(NEWCOMER, timeout=10)
        assert text_of(offer).startswith("Une place s'est libérée")
        assert titles(offer) == ["Je prends ce créneau", "Non merci"]
        await wa.press_button(NEWCOMER, choice_id(offer, "Je prends ce créneau"))
        [topics] = await wa.wait_for(NEWCOMER)
        assert "Aide directe au logement" in titles(topics)


# ----------------------------------------------------------------------------- admins


async def test_every_admin_command_works_by_number_and_others_are_refused(wa, booking_day, clock):
    async with whatsapp_bot(wa, booking_day, clock) as channel:
        await speaks(channel, "fr", CITIZEN, ADMIN)
        code, _ = await book_directly(channel)
        await wa.send_text(CITIZEN, "/export")
        [refused] = await wa.wait_for(CITIZEN)
        assert text_of(refused) == "Cette commande n'est pas disponible."
        await wa.send_text(CITIZEN, "xyzzy blorb quux frobnicate")  # a question with no answer
        await wa.wait_for(CITIZEN)
        await wa.send_text(ADMIN, "/bookings")
        [listing] = await wa.wait_for(ADMIN)
        assert "1 réservations sur 28 places" in text_of(listing) and code in text_of(listing)
        await wa.send_text(ADMIN, "/unanswered")
        [unanswered] = await wa.wait_for(ADMIN)
        assert "xyzzy blorb quux frobnicate" in text_of(unanswered)
        await wa.send_text(ADMIN, "/reload")
        [reloaded] = await wa.wait_for(ADMIN, timeout=30)  # the index is built again
        assert text_of(reloaded).startswith("Connaissances mises à jour : 0 ajoutées")
        await wa.send_text(ADMIN, "/export")
        csv_file, xlsx_file = await wa.wait_for(ADMIN, count=2)
        assert csv_file["filename"] == "test-day.csv" and code.encode() in csv_file["content"]
        assert xlsx_file["filename"] == "test-day.xlsx"
        assert xlsx_file["content"].startswith(b"PK")  # a zip: the xlsx workbook
        await wa.send_text(ADMIN, f"/checkin {code.lower()}")
        [checked] = await wa.wait_for(ADMIN)
        assert text_of(checked).startswith(f"Arrivée enregistrée : Karim Alaoui ({code})")


async def test_forget_deletes_the_users_data(wa, booking_day, clock, tmp_path):
    async with whatsapp_bot(wa, booking_day, clock) as channel:
        await speaks(channel, "fr", CITIZEN)
        await book_directly(channel)
        await wa.send_text(CITIZEN, "forget")
        [confirm] = await wa.wait_for(CITIZEN)
        assert titles(confirm) == ["Oui, effacer", "Annuler"]
        await wa.press_button(CITIZEN, choice_id(confirm, "Oui, effacer"))
        [done] = await wa.wait_for(CITIZEN)
        assert text_of(done).startswith("Toutes vos données ont été effacées")
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        for table in ("users", "bookings", "inbound"):
            count = db.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (CITIZEN,))
            assert count.fetchone() == (0,), table


# ----------------------------------------------------------------------------- errors


async def test_server_errors_are_retried_and_refusals_given_up(wa, shipped, clock, caplog):
    async with whatsapp_bot(wa, shipped, clock) as channel:
        await speaks(channel, "fr", CITIZEN)
        wa.fail_next(status=500, times=2)
        await wa.send_text(CITIZEN, "contact")
        [card] = await wa.wait_for(CITIZEN, timeout=15)
        assert "aubm.ma" in text_of(card)
        await wa.wait_idle(0.5)
        wa.fail_next(status=400, code=131009, times=5)
        await wa.send_text(CITIZEN, "help")
        await wa.wait_idle(1.0)
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refused and all(CITIZEN not in line for line in refused)
    assert len([call for call in wa.calls if call.status == 400]) == 1  # not retried

"""The conversation core on its own: choices paged to a channel's limits, and notifications
collected only for the channels that run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.choices import ChannelLimits
from bot.conversation import Conversation
from bot.database import User
from handlers.terminal.chat import TERMINAL_USER, TerminalChat
from tests.support.clock import FROZEN_NOW
from tests.support.events import day_after, events_file, open_event
from tests.support.services import opened_services

NARROW = User("narrow", "7")
DAY = day_after(FROZEN_NOW, 60)


@pytest.fixture
async def services(tmp_path, clock):
    # One day of fourteen half-hour slots, 09:00 to 16:00.
    async with opened_services(
        tmp_path,
        clock,
        events_file(open_event(FROZEN_NOW, "long-day", closes="16:00", capacity=3)),
    ) as opened:
        yield opened


async def test_fourteen_slots_fit_a_channel_that_shows_ten_rows(services):
    conversation = Conversation(services)
    conversation.use_channel("narrow", ChannelLimits(choices=10, label=24))
    [days] = await conversation.on_command(NARROW, "book")
    [slots] = await conversation.on_choice(NARROW, days.options[0].target)
    labels = [option.label for option in slots.options]
    assert len(labels) == 10 and labels[-1] == "Plus de choix"
    assert labels[0].startswith("09:00") and labels[8].startswith("13:00")
    assert all(len(label) <= 24 for label in labels)
    [more] = await conversation.on_choice(NARROW, slots.options[-1].target)
    assert more.text == "Autres choix :"
    assert [option.label[:5] for option in more.options] == [
        "13:30",
        "14:00",
        "14:30",
        "15:00",
        "15:30",
    ]
    # A time from the second page books like any other.
    [topics] = await conversation.on_choice(NARROW, more.options[-1].target)
    assert topics.text == "De quel sujet voulez-vous parler ?"


async def test_a_forgotten_page_is_a_stale_button(services):
    conversation = Conversation(services)
    stale, menu = await conversation.on_choice(NARROW, "more:3")
    assert stale.text.startswith("Ce choix n'est plus valable")
    assert menu.text == "Choisissez un thème :"


async def test_the_terminal_shows_its_users_reminder_and_leaves_other_channels_alone(
    services, clock, tmp_path
):
    event = services.booking.open_events()[0]
    slot = event.slots()[0]
    person = {"lang": "fr", "topic": "other", "phone": "+33612345678", "country": "France"}
    mine = await services.booking.book(
        event.id, slot.key, user=TERMINAL_USER, name="Karim Alaoui", **person
    )
    theirs = await services.booking.book(
        event.id, slot.key, user=User("telegram", "42"), name="Sara Bennani", **person
    )
    lines: list[str] = []
    chat = TerminalChat(Conversation(services), write=lines.append, files_dir=tmp_path)
    clock.now = slot.start - timedelta(hours=23)
    await chat.handle("/help")
    assert any(f"Rappel : votre rendez-vous {mine.code} est demain" in line for line in lines)
    # Telegram is not running here: its user's reminder stays due for when it is.
    assert not (await services.storage.bookings.get(theirs.code)).reminded_24h
    assert (await services.storage.bookings.get(mine.code)).reminded_24h


async def test_the_communication_day_answer_tells_the_next_edition_from_the_events_file(
    services,
):
    conversation = Conversation(services)
    [answer] = await conversation.on_text(NARROW, "C'est quoi la journée de communication ?")
    assert answer.entry_id == "event.communication_day"
    assert "Prochaine édition : « Journée long-day », le" in answer.text
    assert answer.text.endswith("La réservation des rendez-vous est ouverte : tapez /book.")
    [picked] = await conversation.on_choice(NARROW, "event.communication_day")
    assert picked.text == answer.text


async def test_without_an_announced_edition_the_answer_says_so(tmp_path, clock):
    async with opened_services(tmp_path, clock, events_file()) as services:
        conversation = Conversation(services)
        [answer] = await conversation.on_text(NARROW, "journée de communication MRE c'est quand ?")
    assert "Aucune date n'est encore annoncée pour la prochaine édition" in answer.text
    assert "Prochaine édition" not in answer.text

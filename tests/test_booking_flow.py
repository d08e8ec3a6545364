"""The booking flow as states: old choices, idle flows, questions asked half-way, retries."""

from __future__ import annotations

import pytest

from bot.conversation import Conversation
from bot.database import User
from tests.support.clock import FROZEN_NOW
from tests.support.events import events_file, open_event
from tests.support.services import opened_services

CITIZEN = User("telegram", "9")
QUESTION = "quels documents faut-il pour le permis de construire ?"


@pytest.fixture
async def services(tmp_path, clock):
    async with opened_services(
        tmp_path, clock, events_file(open_event(FROZEN_NOW, "test-day"))
    ) as opened:
        yield opened


@pytest.fixture
def conversation(services) -> Conversation:
    return Conversation(services)


async def until_name(conversation: Conversation) -> None:
    """Day, time, topic and consent chosen: the flow waits for a typed name."""
    [days] = await conversation.on_command(CITIZEN, "book")
    [slots] = await conversation.on_choice(CITIZEN, days.options[0].target)
    [topics] = await conversation.on_choice(CITIZEN, slots.options[0].target)
    [consent] = await conversation.on_choice(CITIZEN, topics.options[0].target)
    [ask_name] = await conversation.on_choice(CITIZEN, consent.options[0].target)
    assert ask_name.text == "Votre nom complet :"


async def test_a_choice_from_an_earlier_step_says_the_step_is_over(conversation, services):
    [days] = await conversation.on_command(CITIZEN, "book")
    [slots] = await conversation.on_choice(CITIZEN, days.options[0].target)
    over, again = await conversation.on_choice(CITIZEN, days.options[0].target)
    assert over.text == "Cette étape est passée. Voici où en est votre réservation :"
    assert again.options == slots.options  # the current step, shown again
    [topics] = await conversation.on_choice(CITIZEN, slots.options[1].target)
    over, again = await conversation.on_choice(CITIZEN, "bk:consent:yes")  # not yet asked
    assert over.text.startswith("Cette étape est passée") and again == topics
    state = await services.flow.current(CITIZEN)
    assert state is not None and state.step == "topic" and state.slot.endswith("0930")


async def test_a_question_during_a_typed_step_is_answered_and_the_booking_goes_on(
    conversation, services
):
    await until_name(conversation)
    answer, resume = await conversation.on_text(CITIZEN, QUESTION)
    assert answer.entry_id == "permit.documents" and answer.feedback
    assert resume.text.startswith("Votre réservation est toujours en cours")
    [ask_phone] = await conversation.on_text(CITIZEN, "Amina El Idrissi")
    assert ask_phone.request_phone and ask_phone.phone_label == "Partager mon numéro"
    # A wrong number is asked again, with the same "share my number" choice.
    [again] = await conversation.on_text(CITIZEN, "06 12")
    assert again.text.startswith("Ce numéro n'est pas valide") and again.request_phone
    state = await services.flow.current(CITIZEN)
    assert state is not None and state.name == "Amina El Idrissi"


async def test_text_while_a_choice_is_awaited(conversation):
    [days] = await conversation.on_command(CITIZEN, "book")
    answer, resume = await conversation.on_text(CITIZEN, QUESTION)
    assert answer.entry_id == "permit.documents"
    assert resume.text.startswith("Votre réservation est toujours en cours")
    pick, again = await conversation.on_text(CITIZEN, "bof")
    assert pick.text.startswith("Merci de choisir une des propositions ci-dessus")
    assert again.options == days.options


async def test_an_idle_flow_expires_and_stops_capturing_messages(conversation, services, clock):
    await until_name(conversation)
    clock.advance(minutes=31)
    [answer] = await conversation.on_text(CITIZEN, QUESTION)
    assert answer.entry_id == "permit.documents"  # a plain answer: no booking to go on with
    assert await services.storage.bookings.flow(CITIZEN) is None
    [stale] = await conversation.on_choice(CITIZEN, "bk:consent:yes")
    assert stale.text.startswith("Ce choix n'est plus valable")


async def test_idle_flows_are_deleted_even_if_their_user_never_comes_back(
    conversation, services, clock
):
    await until_name(conversation)
    await conversation.on_text(CITIZEN, "Amina El Idrissi")
    clock.advance(minutes=29)
    await conversation.notifier.sweep()
    assert await services.storage.bookings.flow(CITIZEN) is not None
    clock.advance(minutes=2)
    await conversation.notifier.sweep()
    assert await services.storage.bookings.flow(CITIZEN) is None  # the name with it


async def test_forged_wait_buttons_are_answered_in_one_line(conversation, services):
    # The "wait" button is only shown for a full event; a client can send it anyway.
    await conversation.on_text(CITIZEN, "bonjour")
    [free] = await conversation.on_choice(CITIZEN, "bk:wait:test-day")
    assert free.text == "Ce choix n'est plus valable. Utilisez /book ou /mybookings."
    [unknown] = await conversation.on_choice(CITIZEN, "bk:wait:no-such-day")
    assert unknown.text.startswith("Aucune journée de communication n'est ouverte")
    booking = services.booking
    assert await booking.store.waiting("test-day") == []
    assert await booking.store.waiting("no-such-day") == []


async def test_a_curly_apostrophe_name_and_an_invisible_laden_country(conversation):
    await until_name(conversation)
    [ask_phone] = await conversation.on_text(CITIZEN, "M’hamed Alaoui")
    assert "téléphone" in ask_phone.text
    await conversation.on_text(CITIZEN, "+33612345678")
    [summary] = await conversation.on_text(CITIZEN, "\u202eFr\u200bance\u202c")
    assert "M'hamed Alaoui" in summary.text and "France" in summary.text
    assert "\u202e" not in summary.text and "\u200b" not in summary.text

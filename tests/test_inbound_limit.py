"""One person sending a flood is slowed down, told once, and costs no work after that."""

from __future__ import annotations

from dataclasses import replace

from bot.conversation import Conversation
from bot.database import User
from bot.inbound_limit import Admission, DailyQuota, InboundLimit
from tests.support.bot_runner import make_settings, running_bot
from tests.support.clock import FROZEN_NOW, FrozenClock
from tests.support.events import events_file, open_event
from tests.support.services import opened_services

FLOODER = User("telegram", "1")
QUESTION = "Quels documents faut-il pour le permis de construire ?"


def test_a_burst_then_one_message_every_refill():
    clock = FrozenClock(FROZEN_NOW)
    limit = InboundLimit(burst=3, every=2.0, clock=clock)
    assert [limit.admit(FLOODER) for _ in range(3)] == [Admission.ADMIT] * 3
    assert limit.admit(FLOODER) is Admission.SLOW_DOWN
    assert limit.admit(FLOODER) is Admission.DROP
    assert limit.admit(User("telegram", "2")) is Admission.ADMIT  # others are not affected
    clock.advance(seconds=2)
    assert limit.admit(FLOODER) is Admission.ADMIT
    assert limit.admit(FLOODER) is Admission.SLOW_DOWN  # told again after a new run


def test_a_burst_of_zero_turns_the_limit_off():
    limit = InboundLimit(burst=0, clock=FrozenClock(FROZEN_NOW))
    assert {limit.admit(FLOODER) for _ in range(100)} == {Admission.ADMIT}


async def test_the_core_answers_ten_then_says_slow_down_once_then_nothing(tmp_path, clock):
    async with opened_services(tmp_path, clock, events_file(open_event(FROZEN_NOW))) as services:
        services.settings = replace(services.settings, inbound_burst=10)
        conversation = Conversation(services)
        replies = [await conversation.on_text(FLOODER, QUESTION) for _ in range(13)]
        [[slow_down], *rest] = replies[10:]
        assert all(reply and reply[0].text.startswith("Le dossier") for reply in replies[:10])
        assert slow_down.text.startswith("Vous envoyez beaucoup de messages")
        assert rest == [[], []]
        assert await conversation.on_choice(FLOODER, "menu") == []  # a button counts too
        clock.advance(seconds=2)
        [answer] = await conversation.on_text(FLOODER, QUESTION)
        assert answer.text.startswith("Le dossier")


async def test_on_telegram_a_flooder_is_told_once_and_others_are_answered(tg, tmp_path, clock):
    settings = make_settings(tg.base_url, tmp_path / "bot.sqlite3", inbound_burst=5)
    async with running_bot(settings, clock):
        for _ in range(8):
            await tg.send_text(41, QUESTION, language_code="fr")
        await tg.send_text(42, QUESTION, language_code="fr")
        [other] = await tg.wait_for(42)
        assert other["plain_text"].startswith("Le dossier")
        replies = await tg.wait_for(41, count=6)
        texts = [reply["plain_text"] for reply in replies]
        assert sum(text.startswith("Le dossier") for text in texts) == 5
        assert texts[-1].startswith("Vous envoyez beaucoup de messages")


async def test_one_persons_many_messages_do_not_hold_up_another(tg, tmp_path, clock):
    # The limit off: this is about order and concurrency, not about slowing anyone down.
    settings = make_settings(tg.base_url, tmp_path / "bot.sqlite3")
    fees = "Combien coûte le permis de construire ?"
    async with running_bot(settings, clock):
        for number in range(60):
            await tg.send_text(41, QUESTION if number % 2 else fees, language_code="fr")
        await tg.send_text(42, QUESTION, language_code="fr")
        [other] = await tg.wait_for(42, timeout=30)
        answered_before = len(tg.sent(41))
        replies = await tg.wait_for(41, count=60, timeout=60)
    assert other["plain_text"].startswith("Le dossier")
    assert answered_before < 60
    # Each person's messages are answered in the order they were sent.
    documents = [reply["plain_text"].startswith("Le dossier") for reply in replies]
    assert documents == [number % 2 == 1 for number in range(60)]


def test_a_daily_quota_of_stored_questions_per_person():
    clock = FrozenClock(FROZEN_NOW)
    quota = DailyQuota(per_day=3, clock=clock)
    assert [quota.take(FLOODER) for _ in range(5)] == [True, True, True, False, False]
    assert quota.take(User("telegram", "2")) is True
    clock.advance(days=1)
    assert quota.take(FLOODER) is True


async def test_one_person_cannot_fill_the_review_list(tmp_path, clock):
    async with opened_services(tmp_path, clock, events_file(open_event(FROZEN_NOW))) as services:
        conversation = Conversation(services)
        for number in range(30):
            await conversation.on_text(FLOODER, f"quelle est la capitale du pays numero {number}")
        await conversation.on_text(User("telegram", "2"), "quelle est la capitale du Japon")
        stored = await services.storage.unanswered()
    assert len(stored) == 21  # 20 of the first person's, then the other person's
    assert stored[-1].text == "quelle est la capitale du japon"

"""Contact details typed into a question never reach the staff's review lists."""

from __future__ import annotations

import pytest

from bot.conversation import Conversation
from bot.database import User
from bot.redaction import MAX_STORED_CHARS, stored_text
from tests.support.clock import FROZEN_NOW
from tests.support.events import events_file, open_event
from tests.support.services import opened_services


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("rappelez-moi au 06 12 34 56 78 svp", "rappelez-moi au [phone] svp"),
        ("+33 6 12 34 56 78", "[phone]"),
        ("0033612345678 hada nemra dyali", "[phone] hada nemra dyali"),
        ("mon adresse karim.alaoui@example.com", "mon adresse [e-mail]"),
        ("appartement à 450000 dh", "appartement à 450000 dh"),
        ("le 2026-12-02 à 10h", "le 2026-12-02 à 10h"),
        ("1 200 000 dh", "1 200 000 dh"),
    ],
)
def test_phones_and_emails_are_masked_amounts_and_dates_kept(typed, stored):
    assert stored_text(typed) == stored


def test_a_pasted_document_is_cut():
    assert len(stored_text("mot " * 1000)) == MAX_STORED_CHARS


async def test_the_admins_list_shows_the_question_without_the_number(tmp_path, clock):
    async with opened_services(tmp_path, clock, events_file(open_event(FROZEN_NOW))) as services:
        conversation = Conversation(services)
        user = User("telegram", "77")
        await conversation.on_text(user, "quelle est la capitale du Japon ? appelez le 0612345678")
        [question] = await services.storage.unanswered()
    assert question.text == "quelle est la capitale du japon appelez le [phone]"

"""Telegram rendering rules that a user sees: escaping, right-to-left, splitting, button data."""

import pytest

from bot.i18n import Texts
from bot.replies import Option, Reply
from handlers.telegram.render import html_chunks, reply_keyboard

RLM = "\u200f"


def test_values_are_escaped():
    assert html_chunks("Prix < 300 000 DH & R+2 <b>", "fr") == [
        "Prix &lt; 300 000 DH &amp; R+2 &lt;b&gt;"
    ]


def test_arabic_lines_read_right_to_left():
    [chunk] = html_chunks("• 5 سنوات\nRokhas منصة", "ar")
    assert all(line.startswith(RLM) for line in chunk.split("\n"))


def test_long_text_is_split_at_paragraphs_under_the_limit():
    paragraphs = [f"Paragraphe {n} " + "mot " * 300 for n in range(6)]
    chunks = html_chunks("\n\n".join(paragraphs), "fr")
    assert len(chunks) > 1
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert all(chunk.startswith("Paragraphe") for chunk in chunks)
    assert "".join(chunks).count("mot") == 6 * 300


def test_a_paragraph_longer_than_a_message_is_cut_at_spaces():
    chunks = html_chunks("mot " * 3000, "fr")
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert all(not chunk.startswith(" ") and not chunk.endswith("mo") for chunk in chunks)


def test_buttons_carry_short_prefixed_data():
    reply = Reply(
        "x",
        "fr",
        entry_id="housing_aid.eligible_homes",
        links=(("Daam Sakane", "https://www.daamsakane.ma"),),
        options=(Option("Montant", "housing_aid.amounts"), Option("Aucune", "none")),
        feedback=True,
        menu_button=True,
    )
    markup = reply_keyboard(reply, Texts.load())
    rows = markup.inline_keyboard
    assert rows[0][0].url == "https://www.daamsakane.ma"
    data = [b.callback_data for row in rows for b in row if b.callback_data]
    assert data == [
        "e:housing_aid.amounts",
        "none",
        "fb:1:housing_aid.eligible_homes",
        "fb:0:housing_aid.eligible_homes",
        "menu",
    ]
    assert all(len(d.encode()) <= 64 for d in data)


def test_overlong_callback_data_is_refused():
    reply = Reply("x", "fr", options=(Option("?", "e" * 70),))
    with pytest.raises(ValueError, match="64 bytes"):
        reply_keyboard(reply, Texts.load())

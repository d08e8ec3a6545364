"""One script of user actions through Telegram and through the terminal: the same texts, the same
choices, the same links, in the same order. Only the drawing differs (HTML messages and buttons,
numbered lines), so no adapter makes a decision that the other lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from bot.conversation import Conversation
from bot.services import Services
from handlers.terminal.chat import TerminalChat
from tests.support.bot_runner import make_settings, running_bot
from tests.support.clock import FROZEN_NOW
from tests.support.events import events_file, knowledge_with_events, open_event
from tests.support.fake_telegram import FakeTelegram

USER = 501
RLM = "\u200f"
# (what the user does, with what): a command, a typed text, or the choice with this label.
SCRIPT = [
    ("command", "menu"),
    ("choose", "Permis de construire"),
    ("choose", 0),  # the topic's first question
    ("text", "quels documents faut-il pour le permis de construire ?"),
    ("choose", "👎"),
    ("text", "xyzzy blorb quux"),  # nothing the bot knows
    ("command", "contact"),
    ("command", "help"),
    ("command", "nonsense"),
    ("command", "book"),
    ("choose", 0),  # the day
    ("choose", 1),  # 09:30
    ("choose", "Aide directe au logement"),
    ("choose", "J'accepte"),
    ("text", "Amina El Idrissi"),
    ("text", "06 12"),  # not a number
    ("text", "+33 6 12 34 56 78"),
    ("text", "France"),
    ("command", "cancel"),
    ("command", "mybookings"),
    ("command", "forget"),
    ("choose", "Oui, effacer"),
]


@dataclass(frozen=True)
class Seen:
    """What the user reads of one reply, whatever drew it."""

    text: str
    choices: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


def clean(text: str) -> str:
    return text.replace(RLM, "").strip()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return knowledge_with_events(tmp_path, events_file(open_event(FROZEN_NOW, "test-day")))


# ----------------------------------------------------------------------------- Telegram


async def telegram_transcript(tg: FakeTelegram, settings, clock) -> list[list[Seen]]:
    transcript = []
    async with running_bot(settings, clock):
        for action, value in SCRIPT:
            sent_before, calls_before = len(tg.sent(USER)), len(tg.calls)
            if action == "command":
                await tg.send_command(USER, f"/{value}", language_code="fr")
            elif action == "text":
                await tg.send_text(USER, str(value), language_code="fr")
            else:
                message, data = _button(tg, value)
                await tg.press(USER, message, data)
            await tg.wait_idle(0.4)
            seen = []
            for call in tg.calls[calls_before:]:
                if call.method == "answerCallbackQuery" and call.params.get("text"):
                    seen.append(Seen(clean(call.params["text"])))
                if call.method == "editMessageText":
                    seen.append(Seen(clean(re.sub(r"<[^>]+>", "", call.params["text"]))))
            seen += [_seen(message) for message in tg.sent(USER)[sent_before:]]
            transcript.append(seen)
    return transcript


def _buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def _button(tg: FakeTelegram, value: str | int) -> tuple[dict, str]:
    """The last message with buttons, and the data of the one asked for (label or position)."""
    message = next(m for m in reversed(tg.sent(USER)) if _buttons(m))
    choices = [b for b in _buttons(message) if "callback_data" in b]
    chosen = (
        choices[value]
        if isinstance(value, int)
        else next(b for b in choices if b["text"] == value)
    )
    return message, chosen["callback_data"]


def _seen(message: dict) -> Seen:
    buttons = _buttons(message)
    return Seen(
        clean(message.get("plain_text") or message.get("caption") or ""),
        tuple(b["text"] for b in buttons if "callback_data" in b),
        tuple(b["text"] for b in buttons if "url" in b),
    )


# ----------------------------------------------------------------------------- the terminal


async def terminal_transcript(settings, clock, tmp_path: Path) -> list[list[Seen]]:
    services = await Services.open(settings, clock)
    written: list[str] = []
    chat = TerminalChat(Conversation(services), write=written.append, files_dir=tmp_path)
    transcript = []
    try:
        for action, value in SCRIPT:
            start = len(written)
            if action == "command":
                await chat.handle(f"/{value}")
            elif action == "text":
                await chat.handle(str(value))
            else:
                labels = [option.label for option in chat._options]
                number = value + 1 if isinstance(value, int) else labels.index(value) + 1
                await chat.handle(str(number))
            transcript.append(_read_back(written[start:]))
    finally:
        await services.close()
    return transcript


_CHOICE = re.compile(r"^\s+\d+\. (.*)$")


def _read_back(chunks: list[str]) -> list[Seen]:
    """The terminal's lines back into what was shown: a text (with its links), then the
    numbered choices that follow it."""
    seen: list[Seen] = []
    for raw in chunks:
        chunk = raw.replace(RLM, "")
        choices = [m[1] for line in chunk.split("\n") if (m := _CHOICE.match(line))]
        if choices and seen:
            seen[-1] = replace(seen[-1], choices=tuple(choices))
            continue
        text, _, links = chunk.strip().partition("\n\nLiens utiles :\n")
        titles = tuple(line[2:].rsplit(": http", 1)[0] for line in links.split("\n") if line)
        seen.append(Seen(text.strip(), (), titles))
    return seen


# ----------------------------------------------------------------------------- the same


def normalized(transcript: list[list[Seen]]) -> list[list[Seen]]:
    """Booking codes are drawn at random; labels are cut to each channel's length."""
    return [
        [
            Seen(
                re.sub(r"\b[A-HJ-NP-Z2-9]{6}\b", "CODE", item.text),
                tuple(label[:50] for label in item.choices),
                item.links,
            )
            for item in step
        ]
        for step in transcript
    ]


async def test_the_same_script_reads_the_same_on_telegram_and_in_the_terminal(
    tg, tmp_path, folder, clock
):
    base = make_settings(tg.base_url, tmp_path / "telegram.sqlite3")
    settings = replace(base, knowledge_dir=folder, watch_knowledge=False, default_language="fr")
    on_telegram = normalized(await telegram_transcript(tg, settings, clock))
    terminal_settings = replace(settings, database_path=tmp_path / "terminal.sqlite3")
    in_terminal = normalized(await terminal_transcript(terminal_settings, clock, tmp_path))
    for (action, value), telegram_step, terminal_step in zip(
        SCRIPT, on_telegram, in_terminal, strict=True
    ):
        assert telegram_step, (action, value)
        assert telegram_step == terminal_step, (action, value)

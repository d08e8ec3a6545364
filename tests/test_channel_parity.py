"""One script of user actions through Telegram, the terminal and WhatsApp: the same texts, the
same choices, the same links, in the same order. Only the drawing differs (HTML messages and
buttons, numbered lines, WhatsApp's buttons and lists), so no adapter makes a decision that the
others lack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.conversation import Conversation
from bot.database import User
from bot.services import Services
from handlers.terminal.chat import TerminalChat
from tests.support.bot_runner import make_settings, running_bot
from tests.support.clock import FROZEN_NOW
from tests.support.events import events_file, knowledge_with_events, open_event
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_whatsapp import FakeWhatsApp
from tests.support.ports import free_port

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
            replied = partial(_telegram_replied, tg, sent_before, calls_before)
            await tg.wait_until(replied, f"a reply to {action} {value}")
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


def _telegram_replied(tg: FakeTelegram, sent_before: int, calls_before: int) -> bool:
    """Whether the bot has shown the user something since: a message, an edited one, or a
    notice on the button pressed."""
    if len(tg.sent(USER)) > sent_before:
        return True
    return any(
        call.method == "editMessageText"
        or (call.method == "answerCallbackQuery" and bool(call.params.get("text")))
        for call in tg.calls[calls_before:]
    )


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


# ----------------------------------------------------------------------------- WhatsApp

PHONE = "33612345678"
# What only WhatsApp's drawing adds: the heading of choices sent after a link button, and the
# offer to use the WhatsApp number at the phone step (Telegram's is a keyboard button).
WHATSAPP_ONLY = ("Questions liées :", "Autres choix :", "Ou touchez « Utiliser ce numéro »")


async def whatsapp_transcript(wa: FakeWhatsApp, settings, clock) -> list[list[Seen]]:
    from handlers.whatsapp import WhatsAppChannel

    services = await Services.open(settings, clock)
    await services.storage.set_language(User("whatsapp", PHONE), "fr")
    channel = WhatsAppChannel(settings.whatsapp, Conversation(services), 60)
    await channel.start()
    wa.webhook_url = f"http://127.0.0.1:{settings.whatsapp.webhook_port}/whatsapp"
    transcript = []
    try:
        for action, value in SCRIPT:
            before = len(wa.sent(PHONE))
            if action == "choose":
                message = next(m for m in reversed(wa.sent(PHONE)) if m.get("choices"))
                choices = message["choices"]
                chosen = (
                    choices[value]
                    if isinstance(value, int)
                    else next(c for c in choices if c["title"] == value)
                )
                if message["interactive_type"] == "button":
                    await wa.press_button(PHONE, chosen["id"])
                else:
                    await wa.pick_row(PHONE, chosen["id"])
            else:
                await wa.send_text(PHONE, f"/{value}" if action == "command" else str(value))
            replied = partial(_whatsapp_replied, wa, before)
            await wa.wait_until(replied, f"a reply to {action} {value}")
            await wa.wait_idle(0.4)
            transcript.append([_seen_on_whatsapp(m) for m in wa.sent(PHONE)[before:]])
    finally:
        await channel.stop()
        await services.close()
    return transcript


def _whatsapp_replied(wa: FakeWhatsApp, before: int) -> bool:
    return len(wa.sent(PHONE)) > before


def _seen_on_whatsapp(message: dict) -> Seen:
    text = clean(message.get("body_text") or "")
    text, _, links = text.partition("\n\nLiens utiles :\n")
    paragraphs = [p for p in text.split("\n\n") if not p.startswith(WHATSAPP_ONLY)]
    titles = [line[2:].rsplit(": http", 1)[0] for line in links.split("\n") if line]
    if message.get("interactive_type") == "cta_url":
        titles.insert(0, message["interactive"]["action"]["parameters"]["display_text"])
    choices = [
        choice["title"] + (f" {choice['description']}" if choice.get("description") else "")
        for choice in message.get("choices", [])
        if choice["id"] != "wa:own-number"
    ]
    return Seen("\n\n".join(paragraphs), tuple(choices), tuple(titles))


def as_read(transcript: list[list[Seen]]) -> list[Seen]:
    """Each step as one reading: its words in order, its choices, its links, however many
    messages carried them (WhatsApp splits what Telegram puts in one message)."""
    return [
        Seen(
            " ".join(word for item in step for word in item.text.split()),
            tuple(_start(label) for item in step for label in item.choices),
            tuple(_start(title) for item in step for title in item.links),
        )
        for step in normalized(transcript)
    ]


def _start(label: str) -> str:
    """The start of a label, which every channel shows whole (WhatsApp cuts titles at 20)."""
    return re.sub(r"\W", "", label.replace("…", ""))[:12]


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


async def test_the_same_script_reads_the_same_on_whatsapp_and_on_telegram(
    tg, tmp_path, folder, clock
):
    base = make_settings(tg.base_url, tmp_path / "telegram.sqlite3")
    settings = replace(base, knowledge_dir=folder, watch_knowledge=False, default_language="fr")
    on_telegram = as_read(await telegram_transcript(tg, settings, clock))
    async with FakeWhatsApp(clock=clock) as wa:
        whatsapp = load_settings(wa.bot_environment(free_port())).whatsapp
        wa_settings = replace(
            settings, database_path=tmp_path / "whatsapp.sqlite3", whatsapp=whatsapp
        )
        on_whatsapp = as_read(await whatsapp_transcript(wa, wa_settings, clock))
    more = _start("Plus de choix")
    for (action, value), telegram_step, whatsapp_step in zip(
        SCRIPT, on_telegram, on_whatsapp, strict=True
    ):
        assert whatsapp_step.text == telegram_step.text, (action, value)
        assert whatsapp_step.links == telegram_step.links, (action, value)
        shown = [label for label in whatsapp_step.choices if label != more]
        if len(shown) == len(whatsapp_step.choices):
            assert tuple(shown) == telegram_step.choices, (action, value)
        else:  # a first page of ten rows: the same choices, in the same order, as far as it goes
            offered = iter(telegram_step.choices)
            assert all(label in offered for label in shown), (action, value)

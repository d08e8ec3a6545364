"""The terminal chat: the same engine, texts and booking flow as Telegram, drawn as numbered lines.

Anyone can try the bot without a Telegram token. Options the Telegram bot shows as buttons
(menu topics, follow-ups, suggestions, booking steps) appear here as numbers to type; a calendar
file is saved next to you and a map position is shown as a link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.booking_flow import PREFIX as BOOKING_PREFIX
from bot.booking_flow import FlowInput
from bot.database import User
from bot.i18n import LANGUAGES, rtl
from bot.replies import CATEGORY_PREFIX, HANDOFF_ID, NONE_OF_THESE, Option, Reply
from bot.services import Services

__all__ = ["TerminalChat"]

# The terminal has one user; its bookings and language are stored under this id.
TERMINAL_USER = User("terminal", "0")


@dataclass
class TerminalChat:
    services: Services
    write: Callable[[str], None] = print
    language: str | None = None
    default_language: str = "ar"
    files_dir: Path = field(default_factory=Path.cwd)
    # Serving the made-up demo event (python -m bot chat --demo-event): said at the start.
    demo: bool = False
    _options: list[Option] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.language or self.default_language

    async def start(self) -> None:
        texts = self.services.texts
        self._say(f"{texts.get('chat.welcome', self.lang)}\n{texts.get('chat.help', self.lang)}")
        if self.demo:
            self._say(texts.get("chat.demo", self.lang))
        self._show(self.services.assistant.replies.menu(self.lang))

    async def handle(self, line: str) -> bool:
        """Process one typed line; return False when the user leaves."""
        line = line.strip()
        flow = self.services.flow
        if not line:
            return True
        if line in ("/quit", "/exit", "/q"):
            self._say(self.services.texts.get("chat.bye", self.lang))
            return False
        if line in ("/menu", "/start"):
            self._show(self.services.assistant.replies.menu(self.lang))
        elif line.startswith("/lang"):
            self._set_language(line.removeprefix("/lang").strip())
        elif line in ("/help", "?"):
            self._say(self.services.texts.get("chat.help", self.lang))
        elif line == "/book":
            self._show_all(await flow.start(TERMINAL_USER, self.lang))
        elif line == "/mybookings":
            self._show_all(await flow.my_bookings(TERMINAL_USER, self.lang))
        elif line == "/cancel":
            self._show_all(await flow.cancel(TERMINAL_USER, self.lang))
        elif line.isdigit() and 1 <= int(line) <= len(self._options):
            await self._pick(self._options[int(line) - 1])
        elif await flow.in_progress(TERMINAL_USER):
            self._show_all(await flow.handle(TERMINAL_USER, self.lang, FlowInput("text", line)))
        else:
            answer = self.services.assistant.ask(line, self.language)
            if answer.reply.action == "book" and answer.result.entry_id:
                self._show_all(await flow.start(TERMINAL_USER, answer.reply.lang))
            else:
                self._show(answer.reply)
        return True

    def _set_language(self, code: str) -> None:
        if code not in LANGUAGES:
            self._say(self.services.texts.get("chat.help", self.lang))
            return
        self.language = code
        self._say(self.services.texts.get("chat.language_set", code))

    async def _pick(self, option: Option) -> None:
        replies = self.services.assistant.replies
        if option.target.startswith(CATEGORY_PREFIX):
            topic = replies.category(option.target.removeprefix(CATEGORY_PREFIX), self.lang)
            if topic is not None:
                self._show(topic)
        elif option.target.startswith(BOOKING_PREFIX):
            picked = FlowInput("pick", option.target)
            self._show_all(await self.services.flow.handle(TERMINAL_USER, self.lang, picked))
        elif option.target == NONE_OF_THESE:
            self._show(replies.none_of_these(self.lang))
        else:
            entry = self.services.assistant.knowledge.get(option.target)
            if entry is not None and entry.action == "book":
                self._show_all(await self.services.flow.start(TERMINAL_USER, self.lang))
                return
            reply = self.services.assistant.show(option.target or HANDOFF_ID, self.lang)
            if reply is not None:
                self._show(reply)

    def _show_all(self, replies: list[Reply]) -> None:
        for reply in replies:
            self._show(reply)

    def _show(self, reply: Reply) -> None:
        texts = self.services.texts
        parts = [reply.text]
        if reply.links:
            links = "\n".join(f"• {title}: {url}" for title, url in reply.links)
            parts.append(f"{texts.get('reply.links', reply.lang)}\n{links}")
        if reply.document is not None:
            name, content = reply.document
            path = self.files_dir / name
            path.write_bytes(content)
            parts.append(str(path))
        if reply.location is not None:
            latitude, longitude = reply.location
            parts.append(f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}")
        self._say("\n\n".join(parts), reply.lang)
        if reply.options:
            self._options = list(reply.options)
            # An answer's options are related questions; other replies already ask to choose.
            lines = [texts.get("reply.related", reply.lang)] if reply.entry_id else []
            lines += [f"  {n}. {o.label}" for n, o in enumerate(reply.options, 1)]
            self._say("\n".join(lines), reply.lang)

    def _say(self, text: str, lang: str | None = None) -> None:
        self.write(rtl(text) if (lang or self.lang) == "ar" else text)

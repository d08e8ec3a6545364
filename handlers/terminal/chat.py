"""The terminal adapter: the same conversation as Telegram, drawn as numbered lines.

Anyone can try the bot without a Telegram token. Choices that Telegram shows as buttons (menu
topics, related questions, suggestions, booking steps, 👍 / 👎) appear as numbers to type; a
calendar file is saved next to you and a map position is shown as a link. Commands are typed as
on Telegram (/menu, /book, /mybookings, /cancel, /forget...); /lang fr picks a language and /quit
leaves. Reminders and offers due for the terminal's user are shown after each line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.choices import ChannelLimits, closing_choices
from bot.conversation import LANGUAGE_PREFIX, Conversation
from bot.database import User
from bot.i18n import LANGUAGES, rtl
from bot.replies import Option, Reply

__all__ = ["CHANNEL", "LIMITS", "TERMINAL_USER", "TerminalChat"]

CHANNEL = "terminal"
# The terminal has one user; its bookings and language are stored under this id.
TERMINAL_USER = User(CHANNEL, "0")
LIMITS = ChannelLimits(choices=None, label=200, shared=False)
_QUIT = ("/quit", "/exit", "/q")


@dataclass
class TerminalChat:
    conversation: Conversation
    write: Callable[[str], None] = print
    files_dir: Path = field(default_factory=Path.cwd)
    # Serving the made-up demo event (python -m bot chat --demo-event): said at the start.
    demo: bool = False
    _options: list[Option] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.conversation.use_channel(CHANNEL, LIMITS)

    async def start(self) -> None:
        lang = await self.conversation.language_of(TERMINAL_USER)
        texts = self.conversation.services.texts
        self._say(f"{texts.get('chat.welcome', lang)}\n{texts.get('chat.help', lang)}", lang)
        if self.demo:
            self._say(texts.get("chat.demo", lang), lang)
        self._show_all(await self.conversation.on_command(TERMINAL_USER, "menu"))

    async def handle(self, line: str) -> bool:
        """Process one typed line; return False when the user leaves."""
        line = line.strip()
        conversation = self.conversation
        if not line:
            return True
        if line in _QUIT:
            lang = await conversation.language_of(TERMINAL_USER)
            self._say(conversation.services.texts.get("chat.bye", lang), lang)
            return False
        if line.startswith("/lang"):
            code = line.removeprefix("/lang").strip()
            if code in LANGUAGES:
                replies = await conversation.on_choice(TERMINAL_USER, f"{LANGUAGE_PREFIX}{code}")
            else:
                replies = await conversation.on_command(TERMINAL_USER, "language")
        elif line.startswith("/"):
            name, *args = line.removeprefix("/").split()
            replies = await conversation.on_command(TERMINAL_USER, name.lower(), args)
        elif line.isdigit() and 1 <= int(line) <= len(self._options):
            target = self._options[int(line) - 1].target
            replies = await conversation.on_choice(TERMINAL_USER, target)
        else:
            replies = await conversation.on_text(TERMINAL_USER, line)
        self._show_all(replies)
        await conversation.sent(replies)
        for note in await conversation.notifier.collect(CHANNEL):
            self._show_all(list(note.replies))
            await conversation.sent(note.replies)
        return True

    def _show_all(self, replies: list[Reply]) -> None:
        for reply in replies:
            self._show(reply)

    def _show(self, reply: Reply) -> None:
        texts = self.conversation.services.texts
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
        options = [*reply.options, *closing_choices(reply, texts.get("menu.button", reply.lang))]
        if options:
            self._options = options
            # An answer's options are related questions; other replies already ask to choose.
            lines = (
                [texts.get("reply.related", reply.lang)]
                if reply.options and reply.entry_id
                else []
            )
            lines += [f"  {n}. {o.label}" for n, o in enumerate(options, 1)]
            self._say("\n".join(lines), reply.lang)

    def _say(self, text: str, lang: str) -> None:
        self.write(rtl(text) if lang == "ar" else text)

"""The terminal chat: the same engine and texts as Telegram, drawn as numbered lines.

Anyone can try the bot without a Telegram token. Options the Telegram bot shows as buttons
(menu topics, follow-ups, suggestions) appear here as numbers to type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.assistant import Assistant
from bot.i18n import LANGUAGES, rtl
from bot.replies import CATEGORY_PREFIX, HANDOFF_ID, NONE_OF_THESE, Option, Reply

__all__ = ["TerminalChat"]


@dataclass
class TerminalChat:
    assistant: Assistant
    write: Callable[[str], None] = print
    language: str | None = None
    default_language: str = "ar"
    _options: list[Option] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.language or self.default_language

    def start(self) -> None:
        texts = self.assistant.texts
        self._say(f"{texts.get('chat.welcome', self.lang)}\n{texts.get('chat.help', self.lang)}")
        self.show_menu()

    def show_menu(self) -> None:
        menu = self.assistant.replies.menu(self.lang)
        self._show_options(menu.text, list(menu.options))

    def handle(self, line: str) -> bool:
        """Process one typed line; return False when the user leaves."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit", "/q"):
            self._say(self.assistant.texts.get("chat.bye", self.lang))
            return False
        if line in ("/menu", "/start"):
            self.show_menu()
        elif line.startswith("/lang"):
            self._set_language(line.removeprefix("/lang").strip())
        elif line in ("/help", "?"):
            self._say(self.assistant.texts.get("chat.help", self.lang))
        elif line.isdigit() and 1 <= int(line) <= len(self._options):
            self._pick(self._options[int(line) - 1])
        else:
            answer = self.assistant.ask(line, self.language)
            self._show_reply(answer.reply)
        return True

    def _set_language(self, code: str) -> None:
        if code not in LANGUAGES:
            self._say(self.assistant.texts.get("chat.help", self.lang))
            return
        self.language = code
        self._say(self.assistant.texts.get("chat.language_set", code))

    def _pick(self, option: Option) -> None:
        if option.target.startswith(CATEGORY_PREFIX):
            topic = self.assistant.replies.category(
                option.target.removeprefix(CATEGORY_PREFIX), self.lang
            )
            if topic is not None:
                self._show_options(topic.text, list(topic.options))
        elif option.target == NONE_OF_THESE:
            self._show_reply(self.assistant.replies.none_of_these(self.lang))
        else:
            reply = self.assistant.show(option.target or HANDOFF_ID, self.lang)
            if reply is not None:
                self._show_reply(reply)

    def _show_reply(self, reply: Reply) -> None:
        parts = [reply.text]
        if reply.links:
            links = "\n".join(f"• {title}: {url}" for title, url in reply.links)
            parts.append(f"{self.assistant.texts.get('reply.links', reply.lang)}\n{links}")
        self._say("\n\n".join(parts), reply.lang)
        if reply.options:
            label = "reply.related" if reply.entry_id else "chat.pick"
            self._show_options(self.assistant.texts.get(label, reply.lang), list(reply.options))

    def _show_options(self, title: str, options: list[Option]) -> None:
        self._options = options
        lines = [title] + [f"  {n}. {option.label}" for n, option in enumerate(options, 1)]
        self._say("\n".join(lines))

    def _say(self, text: str, lang: str | None = None) -> None:
        self.write(rtl(text) if (lang or self.lang) == "ar" else text)

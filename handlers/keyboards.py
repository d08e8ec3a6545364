"""From core replies to Telegram messages: HTML text in chunks, and inline keyboards.

Callback data is short and prefixed (`e:<entry id>`, `cat:<category>`, `lang:fr`, `fb:1:<id>`),
always under Telegram's 64 bytes; `parse_callback` is the one place that reads it back.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.i18n import LANGUAGES, Texts, rtl
from bot.replies import NONE_OF_THESE, Reply

__all__ = [
    "feedback_data",
    "html_chunks",
    "language_keyboard",
    "parse_callback",
    "reply_keyboard",
]

MAX_LABEL = 60
MAX_CALLBACK = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA


def html_chunks(text: str, lang: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Escape every value, mark Arabic right-to-left, and split at paragraph breaks under the
    limit (a paragraph longer than the limit is cut at line breaks, then at spaces)."""
    body = rtl(text) if lang == "ar" else text
    pieces = [
        piece
        for paragraph in body.split("\n\n")
        for piece in _pack(_lines_under(html.escape(paragraph, quote=False), limit), "\n", limit)
    ]
    return _pack(pieces, "\n\n", limit) or [""]


def _lines_under(text: str, limit: int) -> list[str]:
    """The text's lines, each cut at spaces so that none is over the limit."""
    lines: list[str] = []
    for raw_line in text.split("\n"):
        line = raw_line
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    """Join consecutive pieces with the separator into as few chunks under the limit as fit."""
    chunks: list[str] = []
    current: str | None = None
    for piece in pieces:
        candidate = piece if current is None else f"{current}{separator}{piece}"
        if len(candidate) <= limit:
            current = candidate
        else:
            if current is not None:
                chunks.append(current)
            current = piece
    if current is not None:
        chunks.append(current)
    return chunks


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _data(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback data over {MAX_CALLBACK} bytes: {data!r}")
    return data


def option_data(target: str) -> str:
    """Entry ids become `e:<id>`; targets that carry their own prefix (`cat:`, `bk:`) stay."""
    if ":" in target or target == NONE_OF_THESE:
        return _data(target)
    return _data(f"e:{target}")


def feedback_data(entry_id: str, helpful: bool) -> str:
    return _data(f"fb:{int(helpful)}:{entry_id}")


def reply_keyboard(
    reply: Reply, texts: Texts, *, feedback: bool = False, menu: bool = False
) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = [
        [InlineKeyboardButton(_label(title), url=url)] for title, url in reply.links
    ]
    rows += [
        [InlineKeyboardButton(_label(option.label), callback_data=option_data(option.target))]
        for option in reply.options
    ]
    if feedback and reply.entry_id:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=feedback_data(reply.entry_id, True)),
                InlineKeyboardButton("👎", callback_data=feedback_data(reply.entry_id, False)),
            ]
        )
    if menu:
        rows.append(
            [InlineKeyboardButton(texts.get("menu.button", reply.lang), callback_data="menu")]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def language_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.get("language.name", lang), callback_data=f"lang:{lang}"
                )
                for lang in LANGUAGES
            ]
        ]
    )


def parse_callback(data: str | None) -> tuple[str, str]:
    """Split callback data into (kind, value): ("e", "permit.fees"), ("lang", "fr")..."""
    if not data:
        return "", ""
    kind, _, value = data.partition(":")
    return kind, value

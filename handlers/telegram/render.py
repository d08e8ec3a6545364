"""From core replies to Telegram messages: HTML text in chunks, inline keyboards, files, maps.

Callback data is short and prefixed (`e:<entry id>`, `cat:<category>`, `lang:fr`, `fb:1:<id>`),
always under Telegram's 64 bytes; the core reads it back as the option's target. Replies are
split at paragraphs under 4,096 characters; buttons go on the last piece.
"""

from __future__ import annotations

import html

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode

from bot.choices import FEEDBACK_PREFIX, MENU, ChannelLimits, closing_choices
from bot.i18n import Texts, rtl
from bot.replies import NONE_OF_THESE, Option, Reply
from handlers.chunks import split_text

__all__ = [
    "LIMITS",
    "html_chunks",
    "option_data",
    "reply_keyboard",
    "send_replies",
    "send_reply",
]

MAX_LABEL = 60
MAX_CALLBACK = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
# Telegram shows a long inline keyboard whole; labels are cut for phones' narrow buttons.
LIMITS = ChannelLimits(choices=None, label=MAX_LABEL)


def html_chunks(text: str, lang: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Escape every value, mark Arabic right-to-left, and split at paragraph breaks under the
    limit (a paragraph longer than the limit is cut at line breaks, then at spaces)."""
    body = rtl(text) if lang == "ar" else text
    return split_text(body, limit, escape=lambda part: html.escape(part, quote=False))


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _data(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback data over {MAX_CALLBACK} bytes: {data!r}")
    return data


def option_data(target: str) -> str:
    """Entry ids become `e:<id>`; targets that carry their own prefix (`cat:`, `bk:`) stay."""
    if ":" in target or target in (NONE_OF_THESE, MENU):
        return _data(target)
    return _data(f"e:{target}")


def _button(option: Option) -> InlineKeyboardButton:
    return InlineKeyboardButton(_label(option.label), callback_data=option_data(option.target))


def reply_keyboard(reply: Reply, texts: Texts) -> InlineKeyboardMarkup | None:
    """Links as URL buttons, then the options, then 👍 / 👎 and the way back to the menu."""
    rows: list[list[InlineKeyboardButton]] = [
        [InlineKeyboardButton(_label(title), url=url)] for title, url in reply.links
    ]
    rows += [[_button(option)] for option in reply.options]
    closing = closing_choices(reply, texts.get("menu.button", reply.lang))
    feedback = [option for option in closing if option.target.startswith(FEEDBACK_PREFIX)]
    if feedback:  # 👍 and 👎 side by side
        rows.append([_button(option) for option in feedback])
    rows += [[_button(option)] for option in closing if option not in feedback]
    return InlineKeyboardMarkup(rows) if rows else None


async def send_reply(bot: Bot, chat_id: int, reply: Reply, texts: Texts) -> None:
    """Send a core reply as HTML; buttons go on the last chunk, then a file and a map location."""
    chunks = html_chunks(reply.text, reply.lang)
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
    keyboard = reply_keyboard(reply, texts)
    if reply.request_phone:
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(reply.phone_label, request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    elif reply.remove_keyboard and keyboard is None:
        keyboard = ReplyKeyboardRemove()
    if reply.document is None:
        for number, chunk in enumerate(chunks, 1):
            await bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard if number == len(chunks) else None,
                disable_web_page_preview=True,
            )
    else:
        name, content = reply.document
        await bot.send_document(
            chat_id,
            InputFile(content, filename=name),
            caption=chunks[0][: MessageLimit.CAPTION_LENGTH],
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    if reply.location:
        latitude, longitude = reply.location
        await bot.send_location(chat_id, latitude=latitude, longitude=longitude)


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply], texts: Texts) -> None:
    for reply in replies:
        await send_reply(bot, chat_id, reply, texts)

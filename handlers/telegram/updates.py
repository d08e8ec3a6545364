"""Telegram updates in, the conversation's replies out: parsing and drawing only.

Each handler names the sender as a core user (channel "telegram" and Telegram's user id), calls
the one matching entry point of bot.conversation, and sends what comes back. Buttons answer their
callback query: with the reply itself when it is a passing notice (a toast), and by editing the
pressed message when the reply replaces it.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes

from bot.conversation import Conversation
from bot.database import User
from bot.errors import without_message
from bot.replies import Reply
from handlers.telegram.render import html_chunks, send_replies

__all__ = [
    "CHANNEL",
    "deliver_notifications",
    "on_button",
    "on_command",
    "on_contact",
    "on_error",
    "on_group_command",
    "on_other",
    "on_text",
]

log = logging.getLogger(__name__)

CHANNEL = "telegram"
Context = ContextTypes.DEFAULT_TYPE


def conversation_of(context: Context | Application) -> Conversation:
    """The one typed way into the conversation opened in post_init."""
    application = context if isinstance(context, Application) else context.application
    found: Any = application.bot_data["conversation"]
    assert isinstance(found, Conversation)
    return found


def _sender(update: Update) -> tuple[User, str | None] | None:
    user = update.effective_user
    if user is None or update.effective_chat is None:
        return None
    return User(CHANNEL, str(user.id)), user.language_code


async def _send(context: Context, update: Update, replies: list[Reply]) -> None:
    chat = update.effective_chat
    if chat is not None and replies:
        conversation = conversation_of(context)
        await send_replies(context.bot, chat.id, replies, conversation.services.texts)
        await conversation.sent(replies)


async def on_command(update: Update, context: Context) -> None:
    """/start, /menu, /book... and any unknown command (the core answers it with the help)."""
    sender, message = _sender(update), update.effective_message
    if sender is None or message is None or not message.text:
        return
    words = message.text.split()
    name = words[0].removeprefix("/").split("@")[0].lower()
    user, language = sender
    replies = await conversation_of(context).on_command(user, name, words[1:], language)
    await _send(context, update, replies)


async def on_text(update: Update, context: Context) -> None:
    sender, message = _sender(update), update.effective_message
    if sender is None or message is None or not message.text:
        return
    user, language = sender
    replies = await conversation_of(context).on_text(user, message.text, language)
    await _send(context, update, replies)


async def on_button(update: Update, context: Context) -> None:
    sender, query = _sender(update), update.callback_query
    if sender is None or query is None:
        return
    user, language = sender
    replies = await conversation_of(context).on_choice(user, query.data or "", language)
    toasts = [reply for reply in replies if reply.toast]
    await query.answer(toasts[0].text if toasts else None)
    rest = [reply for reply in replies if not reply.toast]
    if rest and rest[0].replaces_choice and query.message is not None:
        first = rest.pop(0)
        await query.edit_message_text(
            html_chunks(first.text, first.lang)[0], parse_mode=ParseMode.HTML
        )
    await _send(context, update, rest)


async def on_contact(update: Update, context: Context) -> None:
    """A shared contact: the user's own number, or someone else's card (asked again)."""
    sender, message = _sender(update), update.effective_message
    if sender is None or message is None or message.contact is None:
        return
    user, language = sender
    own = message.contact.user_id in (None, int(user.id))
    replies = await conversation_of(context).on_contact(
        user, message.contact.phone_number, own, language
    )
    await _send(context, update, replies)


async def on_other(update: Update, context: Context) -> None:
    """A photo, a voice note, a sticker, a location..."""
    sender = _sender(update)
    if sender is not None:
        await _send(context, update, await conversation_of(context).on_other(*sender))


async def on_group_command(update: Update, context: Context) -> None:
    sender = _sender(update)
    if sender is not None:
        await _send(context, update, await conversation_of(context).in_group(*sender))


async def on_error(update: object, context: Context) -> None:
    """Log the error with the update's id only (no personal data), then tell the user."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %s", update_id, without_message(context.error))
    if not isinstance(update, Update) or (sender := _sender(update)) is None:
        return
    try:
        await _send(context, update, await conversation_of(context).after_error(*sender))
    except Exception:  # the notifier must never raise in its turn
        log.warning("update %s: could not tell the user about the error", update_id)


async def deliver_notifications(application: Application, interval: float) -> None:
    """Until cancelled: send what the core has for Telegram users (reminders, offers, admins'
    reload summaries), as soon as it is pushed or at least every `interval` seconds."""
    conversation = conversation_of(application)
    notifier, texts = conversation.notifier, conversation.services.texts
    storage = conversation.services.storage
    async for note in notifier.due(CHANNEL, interval):
        try:
            await send_replies(application.bot, int(note.user.id), list(note.replies), texts)
            await conversation.sent(note.replies)
        except Forbidden:
            # The person blocked the bot: no retry; the admins see the count in /stats.
            await storage.record_undelivered(CHANNEL, note.kind, "blocked")
            log.info("a %s notification was not sent: the user blocked the bot", note.kind)
        except Exception:
            log.warning("a notification could not be sent")

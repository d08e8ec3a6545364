"""Start, language, help, contact, forget, and everything that is not a question."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot.database import User
from bot.i18n import LANGUAGES
from handlers.context import CHANNEL, Context, language_of, say, send_reply, services
from handlers.keyboards import html_chunks, language_keyboard, parse_callback

__all__ = [
    "on_contact",
    "on_contact_shared",
    "on_error",
    "on_forget",
    "on_forget_answer",
    "on_group_command",
    "on_help",
    "on_language",
    "on_language_chosen",
    "on_start",
    "on_unsupported",
]

log = logging.getLogger(__name__)


async def on_start(update: Update, context: Context) -> None:
    """/start: a short welcome in the user's language with the topics, then the language choice."""
    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    menu = shared.assistant.replies.menu(lang)
    welcome = replace(menu, text=shared.texts.get("start.welcome", lang))
    await send_reply(context.bot, chat.id, welcome, shared)
    await on_language(update, context)


async def on_language(update: Update, context: Context) -> None:
    """/language: the three languages as buttons."""
    chat = update.effective_chat
    if chat is None:
        return
    texts = services(context).texts
    text = texts.get("start.choose_language", "ar")
    await say(context.bot, chat.id, text, "fr", reply_markup=language_keyboard(texts))


async def on_language_chosen(update: Update, context: Context) -> None:
    """A language button: store the choice (it survives restarts), then show the menu."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    _, lang = parse_callback(query.data)
    if lang not in LANGUAGES:
        await query.answer()
        return
    shared = services(context)
    await shared.storage.set_language(User(CHANNEL, str(user.id)), lang)
    await query.answer(shared.texts.get("chat.language_set", lang))
    await send_reply(context.bot, chat.id, shared.assistant.replies.menu(lang), shared)


async def on_contact(update: Update, context: Context) -> None:
    """/contact: the agency's confirmed details and, when known, its map location."""
    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    reply = shared.assistant.show("agency.contact", lang) or shared.assistant.replies.unknown(lang)
    await send_reply(context.bot, chat.id, reply, shared)


async def on_contact_shared(update: Update, context: Context) -> None:
    """A shared phone number: the booking flow's answer, or, outside it, media like any other."""
    from handlers.booking import on_flow_message

    if not await on_flow_message(update, context):
        await on_unsupported(update, context)


async def on_forget(update: Update, context: Context) -> None:
    """/forget: ask for confirmation before deleting anything."""
    chat = update.effective_chat
    if chat is None:
        return
    texts = services(context).texts
    lang = await language_of(update, context)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.get("forget.yes", lang), callback_data="forget:yes"),
                InlineKeyboardButton(texts.get("forget.no", lang), callback_data="forget:no"),
            ]
        ]
    )
    await say(context.bot, chat.id, texts.get("forget.confirm", lang), lang, keyboard)


async def on_forget_answer(update: Update, context: Context) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    _, answer = parse_callback(query.data)
    await query.answer()
    if answer == "yes":
        await shared.storage.forget_user(User(CHANNEL, str(user.id)))
        log.info("update %s: a user's data was deleted on request", update.update_id)
        text = shared.texts.get("forget.done", lang)
    else:
        text = shared.texts.get("forget.cancelled", lang)
    await query.edit_message_text(html_chunks(text, lang)[0], parse_mode=ParseMode.HTML)


def _catalog_reply(key: str, doc: str) -> Callable[[Update, Context], Awaitable[None]]:
    """A handler that answers with one text of the catalog, in the user's language."""

    async def handler(update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        lang = await language_of(update, context)
        await say(context.bot, chat.id, services(context).texts.get(key, lang), lang)

    handler.__doc__ = doc
    return handler


on_help = _catalog_reply("help.text", "/help, and any unknown command: three lines on what to do.")
on_unsupported = _catalog_reply(
    "media.unsupported", "A photo, voice note, sticker, location...: say what the bot reads."
)
on_group_command = _catalog_reply(
    "group.private_only", "A command in a group the bot was added to: invite to a private chat."
)


async def on_error(update: object, context: Context) -> None:
    """Log the error with the update's id only (no personal data), then tell the user."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        lang = await language_of(update, context)
        text = services(context).texts.get("error.generic", lang)
        await say(context.bot, update.effective_chat.id, text, lang)
    except Exception:  # the notifier must never raise in its turn
        log.warning("update %s: could not tell the user about the error", update_id)

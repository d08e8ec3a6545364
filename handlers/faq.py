"""Questions and answers: free text, the menu, topics, answers, suggestions, feedback."""

from __future__ import annotations

import logging

from telegram import Update

from bot.database import User
from bot.matching import Decision
from bot.normalize import normalize
from bot.replies import CATEGORY_PREFIX, NONE_OF_THESE
from handlers.booking import on_flow_message
from handlers.context import (
    CHANNEL,
    Context,
    language_of,
    say,
    send_replies,
    send_reply,
    services,
)
from handlers.keyboards import parse_callback

__all__ = ["on_button", "on_menu", "on_text"]

log = logging.getLogger(__name__)


async def on_text(update: Update, context: Context) -> None:
    """A typed question: answer, ask "did you mean", or say so and offer a person."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or not message.text:
        return
    if await on_flow_message(update, context):
        return
    shared = services(context)
    sender = User(CHANNEL, str(user.id))
    chosen = await shared.chosen_language(sender)
    answer = shared.assistant.ask(message.text, chosen)
    result = answer.result
    if result.decision is Decision.ANSWER and answer.reply.action == "book":
        lang = answer.reply.lang
        await send_replies(
            context.bot, message.chat_id, await shared.flow.start(sender, lang), shared
        )
        return
    log.info(
        "update %s: %s %s score=%.2f",
        update.update_id,
        result.decision,
        result.entry_id or "-",
        result.score,
    )
    if result.decision is not Decision.ANSWER:
        await shared.storage.record_unanswered(
            normalize(message.text),
            answer.reply.lang,
            str(result.decision),
            [c.entry_id for c in result.candidates[:3]],
        )
    if result.decision is Decision.ANSWER and context.user_data is not None:
        # Kept in memory only, so that a 👎 on this answer can be reviewed with its question.
        context.user_data["last_question"] = normalize(message.text)
    await send_reply(
        context.bot,
        message.chat_id,
        answer.reply,
        shared,
        feedback=result.decision is Decision.ANSWER,
    )


async def on_menu(update: Update, context: Context) -> None:
    """/menu: the topics as buttons."""
    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    await send_reply(context.bot, chat.id, shared.assistant.replies.menu(lang), shared)


async def on_button(update: Update, context: Context) -> None:
    """A tapped topic, answer, suggestion or feedback button."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    shared = services(context)
    replies = shared.assistant.replies
    lang = await language_of(update, context)
    kind, value = parse_callback(query.data)
    if kind == "fb":
        helpful, _, entry_id = value.partition(":")
        if shared.assistant.knowledge.get(entry_id) is not None:
            await shared.storage.record_feedback(entry_id, helpful == "1", lang)
            question = (context.user_data or {}).get("last_question")
            if helpful != "1" and question:
                await shared.storage.record_unanswered(question, lang, "disliked", [entry_id])
        await query.answer(shared.texts.get("feedback.thanks", lang))
        return
    await query.answer()
    if kind == "menu":
        reply = replies.menu(lang)
    elif f"{kind}:" == CATEGORY_PREFIX:
        reply = replies.category(value, lang)
    elif kind == NONE_OF_THESE:
        reply = replies.none_of_these(lang)
    elif kind == "e":
        entry = shared.assistant.knowledge.get(value)
        if entry is not None and entry.action == "book":
            sender = User(
                CHANNEL, str(update.effective_user.id if update.effective_user else chat.id)
            )
            await send_replies(context.bot, chat.id, await shared.flow.start(sender, lang), shared)
            return
        reply = shared.assistant.show(value, lang)
    else:
        reply = None
    if reply is None:
        await say(context.bot, chat.id, shared.texts.get("button.stale", lang), lang)
        reply = replies.menu(lang)
    shown_answer = kind == "e" and reply.entry_id is not None
    await send_reply(
        context.bot, chat.id, reply, shared, feedback=shown_answer, menu=kind != "menu"
    )

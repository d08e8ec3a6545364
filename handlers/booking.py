"""Booking on Telegram: /book, /cancel, /mybookings, the flow's buttons, shared phone numbers,
and the periodic job that sends reminders and passes waiting-list offers on.

The conversation itself lives in bot.booking_flow (channel-neutral, saved in SQLite); this module
only turns updates into its inputs and its replies into messages.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.booking_flow import BookingFlow, FlowInput
from bot.database import User
from bot.replies import Reply
from handlers.context import CHANNEL, Context, chat_of, language_of, send_replies, services

__all__ = [
    "on_book",
    "on_booking_button",
    "on_cancel",
    "on_flow_message",
    "on_my_bookings",
    "sweep",
]

log = logging.getLogger(__name__)


FlowStep = Callable[[BookingFlow, int, str], Awaitable[list[Reply]]]


def _flow_command(step: FlowStep, doc: str) -> Callable[[Update, Context], Awaitable[None]]:
    """A command that hands the user to one entry point of the booking flow."""

    async def handler(update: Update, context: Context) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        shared = services(context)
        lang = await language_of(update, context)
        replies = await step(shared.flow, User(CHANNEL, str(user.id)), lang)
        await send_replies(context.bot, chat.id, replies, shared)

    handler.__doc__ = doc
    return handler


on_book = _flow_command(
    BookingFlow.start, "/book (or the deep link ?start=book): the first step of the booking."
)
on_cancel = _flow_command(BookingFlow.cancel, "/cancel: leave the booking at any step.")
on_my_bookings = _flow_command(
    BookingFlow.my_bookings, "/mybookings: each active booking with buttons to change or cancel."
)


async def on_booking_button(update: Update, context: Context) -> None:
    """A `bk:` button: a step of the flow, a change, a cancellation, a waiting-list answer."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    await query.answer()
    shared = services(context)
    lang = await language_of(update, context)
    replies = await shared.flow.handle(
        User(CHANNEL, str(user.id)), lang, FlowInput("pick", query.data or "")
    )
    await send_replies(context.bot, chat.id, replies, shared)


async def on_flow_message(update: Update, context: Context) -> bool:
    """A typed answer or a shared contact while a booking is in progress; False if none is."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return False
    shared = services(context)
    sender = User(CHANNEL, str(user.id))
    if not await shared.flow.in_progress(sender):
        return False
    lang = await language_of(update, context)
    if message.contact is not None:
        if message.contact.user_id not in (None, user.id):
            given = FlowInput("text", "")  # someone else's card: ask again
        else:
            given = FlowInput("phone", message.contact.phone_number)
    else:
        given = FlowInput("text", message.text or "")
    replies = await shared.flow.handle(sender, lang, given)
    await send_replies(context.bot, message.chat_id, replies, shared)
    return True


async def sweep(context: Context) -> None:
    """Every few seconds: due reminders, expired offers, new offers, and the news that booking
    has opened for those who asked. All state is in SQLite, so a restart loses nothing and the
    job queue keeps nothing."""
    shared = services(context)
    booking, flow = shared.booking, shared.flow
    for reminder in await booking.due_reminders():
        try:
            reply = flow.reminder_reply(reminder.booking, reminder.kind)
            await _send(context, reminder.booking.user, [reply])
        except Exception:
            log.warning("reminder %s for a booking could not be sent", reminder.kind)
        await booking.mark_sent(reminder)
    for expired, _ in await booking.expire_offers():
        reply_text = shared.texts.get("waitlist.expired", expired.language)
        await _send(context, expired.user, [Reply(reply_text, expired.language)])
    for offer in await booking.store.unnotified_offers(booking.clock()):
        event = booking.event(offer.event_id)
        if event is None or offer.offered_slot is None:
            continue
        reply = flow.offer_reply(
            event, offer.offered_slot, offer.language, shared.settings.waitlist_hold_minutes
        )
        await _send(context, offer.user, [reply])
        await booking.store.mark_notified(offer.id)
    for waiting, event in await booking.booking_opened():
        await _send(context, waiting.user, [flow.opened_reply(event, waiting.language)])


async def _send(context: Context, user: User, replies: list[Reply]) -> None:
    """A message the user did not ask for just now; users of other channels are not ours."""
    chat_id = chat_of(user)
    if chat_id is None:
        return
    try:
        await send_replies(context.bot, chat_id, replies, services(context))
    except Exception:
        log.warning("a notice could not be sent")

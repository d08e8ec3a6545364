"""Admin commands: /bookings, /export, /checkin, /stats, for the user ids in ADMIN_IDS only.

Anyone else gets one line saying the command is not available, and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.admin_reports import booking_pages, check_in_text, export_rows, stats_text
from bot.events import Event
from bot.exports import bookings_csv, bookings_xlsx
from handlers.context import Context, language_of, say, services
from handlers.keyboards import parse_callback

__all__ = [
    "on_bookings",
    "on_bookings_page",
    "on_checkin",
    "on_export",
    "on_stats",
    "on_unanswered",
]

log = logging.getLogger(__name__)

Handler = Callable[[Update, Context], Awaitable[None]]


def admins_only(handler: Handler) -> Handler:
    async def guarded(update: Update, context: Context) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        if user.id not in services(context).settings.admin_ids:
            lang = await language_of(update, context)
            if update.callback_query is not None:
                await update.callback_query.answer()
            await say(
                context.bot,
                chat.id,
                services(context).texts.get("admin.not_available", lang),
                lang,
            )
            return
        await handler(update, context)

    guarded.__doc__ = handler.__doc__
    return guarded


def _event(context: Context, args: list[str] | None) -> Event | None:
    """The event named in the command, else the next upcoming one, else the latest."""
    booking = services(context).booking
    if args:
        return booking.event(args[0])
    upcoming = booking.upcoming_events()
    if upcoming:
        return min(upcoming, key=lambda e: e.slots()[0].start)
    return max(booking.events.values(), key=lambda e: e.slots()[-1].start, default=None)


@admins_only
async def on_bookings(update: Update, context: Context) -> None:
    """/bookings [event]: per slot, booked out of capacity, and who (first page)."""
    await _show_page(update, context, _event(context, context.args), 0)


@admins_only
async def on_bookings_page(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    _, value = parse_callback(query.data)
    event_id, _, page = value.rpartition(":")
    event = services(context).booking.event(event_id)
    await _show_page(update, context, event, int(page) if page.isdigit() else 0)


async def _show_page(update: Update, context: Context, event: Event | None, page: int) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    if event is None:
        await say(context.bot, chat.id, shared.texts.get("admin.no_event", lang), lang)
        return
    bookings = await shared.storage.bookings.of_event(event.id)
    pages = booking_pages(event, bookings, shared.booking.clock(), shared.texts, lang)
    page = max(0, min(page, len(pages) - 1))
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("◀", callback_data=f"adm:{event.id}:{page - 1}"))
    if page < len(pages) - 1:
        buttons.append(InlineKeyboardButton("▶", callback_data=f"adm:{event.id}:{page + 1}"))
    markup = InlineKeyboardMarkup([buttons]) if buttons else None
    text = f"{pages[page]}\n\n{page + 1}/{len(pages)}"
    await say(context.bot, chat.id, text, lang, markup)


@admins_only
async def on_export(update: Update, context: Context) -> None:
    """/export [event]: the bookings as CSV (UTF-8 with BOM) and XLSX documents."""
    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    event = _event(context, context.args)
    if event is None:
        await say(context.bot, chat.id, shared.texts.get("admin.no_event", lang), lang)
        return
    rows = export_rows(event, await shared.storage.bookings.of_event(event.id), shared.texts)
    caption = shared.texts.get(
        "admin.export_caption", lang, title=event.title_in(lang), count=len(rows)
    )
    await context.bot.send_document(
        chat.id, InputFile(bookings_csv(rows), filename=f"{event.id}.csv"), caption=caption
    )
    await context.bot.send_document(
        chat.id, InputFile(bookings_xlsx(rows), filename=f"{event.id}.xlsx"), caption=caption
    )
    log.info("update %s: bookings of %s exported (%d rows)", update.update_id, event.id, len(rows))


@admins_only
async def on_checkin(update: Update, context: Context) -> None:
    """/checkin CODE: mark the person as arrived (case and spaces ignored)."""
    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    code = "".join(context.args or [])
    if not code:
        await say(context.bot, chat.id, shared.texts.get("admin.checkin_usage", lang), lang)
        return
    result = await shared.booking.check_in(code)
    await say(context.bot, chat.id, check_in_text(result, shared.texts, lang, code), lang)


@admins_only
async def on_stats(update: Update, context: Context) -> None:
    """/stats [event]: bookings per slot, topic and country; what the bot could not answer."""
    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    event = _event(context, context.args)
    if event is None:
        await say(context.bot, chat.id, shared.texts.get("admin.no_event", lang), lang)
        return
    text = stats_text(
        event,
        await shared.storage.bookings.of_event(event.id),
        unanswered=await shared.storage.unanswered(),
        now=shared.booking.clock(),
        texts=shared.texts,
        lang=lang,
    )
    await say(context.bot, chat.id, text, lang)


@admins_only
async def on_unanswered(update: Update, context: Context) -> None:
    """/unanswered: questions the bot could not answer, grouped, most frequent first."""
    from bot.analysis import Analyzer, load_stopwords
    from bot.review import format_review, group_unanswered

    chat = update.effective_chat
    if chat is None:
        return
    shared = services(context)
    lang = await language_of(update, context)
    rows = await shared.storage.unanswered()
    if not rows:
        await say(context.bot, chat.id, shared.texts.get("admin.unanswered_none", lang), lang)
        return
    groups = group_unanswered(rows, Analyzer(load_stopwords()))
    text = format_review(groups[:30], shared.assistant.knowledge)
    await say(context.bot, chat.id, text, lang)

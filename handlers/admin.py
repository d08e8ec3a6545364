"""Admin commands: /bookings, /export, /checkin, /stats, /unanswered, for ADMIN_IDS only.

Anyone else gets one line saying the command is not available, and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.admin_reports import booking_pages, check_in_text, export_rows, stats_text
from bot.analysis import Analyzer, load_stopwords
from bot.events import Event
from bot.exports import bookings_csv, bookings_xlsx
from bot.review import format_review, group_unanswered
from bot.services import Services
from handlers.context import Context, language_of, say, services
from handlers.keyboards import parse_callback

__all__ = [
    "admins_only",
    "on_bookings",
    "on_bookings_page",
    "on_checkin",
    "on_export",
    "on_stats",
    "on_unanswered",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Admin:
    """One admin's request: where to answer, in which language, with which services."""

    bot: Bot
    chat_id: int
    lang: str
    shared: Services
    args: tuple[str, ...]

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await say(self.bot, self.chat_id, text, self.lang, markup)

    async def say_key(self, key: str, **values: object) -> None:
        await self.say(self.shared.texts.get(key, self.lang, **values))

    async def event(self) -> Event | None:
        """The event named in the command, else the next upcoming one, else the latest; says
        so when there is none."""
        booking = self.shared.booking
        found = booking.report_event(self.args[0] if self.args else None)
        if found is None:
            await self.say_key("admin.no_event" if self.args else "admin.no_bookable_event")
        return found


AdminHandler = Callable[[Update, Admin], Awaitable[None]]
Handler = Callable[[Update, Context], Awaitable[None]]


def admins_only(handler: AdminHandler) -> Handler:
    async def guarded(update: Update, context: Context) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        shared = services(context)
        lang = await language_of(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer()
        admin = Admin(context.bot, chat.id, lang, shared, tuple(context.args or ()))
        if user.id not in shared.settings.admin_ids:
            await admin.say_key("admin.not_available")
            return
        await handler(update, admin)

    guarded.__doc__ = handler.__doc__
    return guarded


@admins_only
async def on_bookings(update: Update, admin: Admin) -> None:
    """/bookings [event]: per slot, booked out of capacity, and who (first page)."""
    event = await admin.event()
    if event is not None:
        await _show_page(admin, event, 0)


@admins_only
async def on_bookings_page(update: Update, admin: Admin) -> None:
    """A page button of /bookings."""
    query = update.callback_query
    _, value = parse_callback(query.data if query else "")
    event_id, _, page = value.rpartition(":")
    event = admin.shared.booking.event(event_id)
    if event is not None:
        await _show_page(admin, event, int(page) if page.isdigit() else 0)


async def _show_page(admin: Admin, event: Event, page: int) -> None:
    shared = admin.shared
    bookings = await shared.storage.bookings.of_event(event.id)
    pages = booking_pages(event, bookings, shared.booking.clock(), shared.texts, admin.lang)
    page = max(0, min(page, len(pages) - 1))
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("◀", callback_data=f"adm:{event.id}:{page - 1}"))
    if page < len(pages) - 1:
        buttons.append(InlineKeyboardButton("▶", callback_data=f"adm:{event.id}:{page + 1}"))
    markup = InlineKeyboardMarkup([buttons]) if buttons else None
    await admin.say(f"{pages[page]}\n\n{page + 1}/{len(pages)}", markup)


@admins_only
async def on_export(update: Update, admin: Admin) -> None:
    """/export [event]: the bookings as CSV (UTF-8 with BOM) and XLSX documents."""
    event = await admin.event()
    if event is None:
        return
    shared = admin.shared
    rows = export_rows(event, await shared.storage.bookings.of_event(event.id), shared.texts)
    caption = shared.texts.get(
        "admin.export_caption", admin.lang, title=event.title_in(admin.lang), count=len(rows)
    )
    for content, suffix in ((bookings_csv(rows), "csv"), (bookings_xlsx(rows), "xlsx")):
        document = InputFile(content, filename=f"{event.id}.{suffix}")
        await admin.bot.send_document(admin.chat_id, document, caption=caption)
    log.info("update %s: bookings of %s exported (%d rows)", update.update_id, event.id, len(rows))


@admins_only
async def on_checkin(update: Update, admin: Admin) -> None:
    """/checkin CODE: mark the person as arrived (case and spaces ignored)."""
    code = "".join(admin.args)
    if not code:
        await admin.say_key("admin.checkin_usage")
        return
    result = await admin.shared.booking.check_in(code)
    await admin.say(check_in_text(result, admin.shared.texts, admin.lang, code))


@admins_only
async def on_stats(update: Update, admin: Admin) -> None:
    """/stats [event]: bookings per slot, topic and country; what the bot could not answer."""
    event = await admin.event()
    if event is None:
        return
    shared = admin.shared
    text = stats_text(
        event,
        await shared.storage.bookings.of_event(event.id),
        unanswered=await shared.storage.unanswered(),
        now=shared.booking.clock(),
        texts=shared.texts,
        lang=admin.lang,
    )
    await admin.say(text)


@admins_only
async def on_unanswered(update: Update, admin: Admin) -> None:
    """/unanswered: questions the bot could not answer, grouped, most frequent first."""
    rows = await admin.shared.storage.unanswered()
    if not rows:
        await admin.say_key("admin.unanswered_none")
        return
    groups = group_unanswered(rows, Analyzer(load_stopwords()))
    await admin.say(format_review(groups[:30], admin.shared.assistant.knowledge))

"""Admin commands, for every channel: /bookings, /export, /checkin, /stats, /unanswered, /reload.

Admins are users listed in the settings (Telegram ids in ADMIN_IDS, WhatsApp numbers in
ADMIN_WHATSAPP_NUMBERS). Anyone else
gets one line saying the command is not available, and nothing else. The reports themselves are
plain functions (bot.admin_reports); this module checks who asks, picks the event and turns the
reports into replies. Names and phones go to admins only, never to the logs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.admin_reports import booking_pages, check_in_text, export_rows, stats_text
from bot.database import User
from bot.events import Event
from bot.exports import bookings_csv, bookings_xlsx
from bot.notifications import Notifier
from bot.reload import ReloadOutcome, describe
from bot.replies import Option, Reply
from bot.review import REVIEW_WINDOW, format_review, group_unanswered
from bot.services import Services
from bot.terms import Analyzer, load_stopwords

__all__ = ["ADMIN_COMMANDS", "PAGE_PREFIX", "AdminDesk"]

log = logging.getLogger(__name__)

ADMIN_COMMANDS = ("bookings", "export", "checkin", "stats", "unanswered", "reload")
PAGE_PREFIX = "adm:"
UNANSWERED_SHOWN = 30


class AdminDesk:
    def __init__(self, services: Services, notifier: Notifier) -> None:
        self.services = services
        self.notifier = notifier

    def admins(self) -> list[User]:
        settings = self.services.settings
        telegram = [User("telegram", str(admin_id)) for admin_id in sorted(settings.admin_ids)]
        whatsapp = [User("whatsapp", number) for number in sorted(settings.whatsapp.admin_numbers)]
        return telegram + whatsapp

    def is_admin(self, user: User) -> bool:
        return user in self.admins()

    async def command(self, user: User, name: str, args: Sequence[str], lang: str) -> list[Reply]:
        """One admin command; for anyone else, that it is not available."""
        if not self.is_admin(user):
            return [self._say("admin.not_available", lang)]
        if name == "checkin":
            return await self._check_in("".join(args), lang)
        if name == "unanswered":
            return await self._unanswered(lang)
        if name == "reload":
            return await self.reload(asked_by=user, lang=lang)
        event = self.services.booking.report_event(args[0] if args else None)
        if event is None:
            return [self._say("admin.no_event" if args else "admin.no_bookable_event", lang)]
        if name == "bookings":
            return await self._page(event, 0, lang)
        if name == "export":
            return await self._export(event, lang)
        return await self._stats(event, lang)

    async def page(self, user: User, value: str, lang: str) -> list[Reply]:
        """A page button of /bookings: `<event id>:<page>`."""
        if not self.is_admin(user):
            return [self._say("admin.not_available", lang)]
        event_id, _, page = value.rpartition(":")
        event = self.services.booking.report_event(event_id)
        if event is None:
            return [self._say("admin.no_event", lang)]
        return await self._page(event, int(page) if page.isdigit() else 0, lang)

    async def reload(self, asked_by: User | None = None, lang: str = "ar") -> list[Reply]:
        """Check and load the knowledge now; the admin who asked is answered, every other
        admin is told (a reload after a saved file tells them all)."""
        outcome = await self.services.reload()
        for admin in self.admins():
            if admin != asked_by:
                self.notifier.push(admin, [await self._outcome(outcome, admin)])
        if asked_by is None:
            return []
        return [Reply(describe(outcome, self.services.texts, lang), lang)]

    async def _outcome(self, outcome: ReloadOutcome, admin: User) -> Reply:
        lang = await self.services.language_of(admin, None)
        return Reply(describe(outcome, self.services.texts, lang), lang)

    # ------------------------------------------------------------------ the reports

    async def _page(self, event: Event, page: int, lang: str) -> list[Reply]:
        shared = self.services
        bookings = await shared.storage.bookings.of_event(event.id)
        pages = booking_pages(event, bookings, shared.clock(), shared.texts, lang)
        page = max(0, min(page, len(pages) - 1))
        options = []
        if page > 0:
            options.append(Option("◀", f"{PAGE_PREFIX}{event.id}:{page - 1}"))
        if page < len(pages) - 1:
            options.append(Option("▶", f"{PAGE_PREFIX}{event.id}:{page + 1}"))
        text = f"{pages[page]}\n\n{page + 1}/{len(pages)}"
        return [Reply(text, lang, options=tuple(options))]

    async def _export(self, event: Event, lang: str) -> list[Reply]:
        shared = self.services
        rows = export_rows(event, await shared.storage.bookings.of_event(event.id), shared.texts)
        caption = shared.texts.get(
            "admin.export_caption", lang, title=event.title_in(lang), count=len(rows)
        )
        log.info("bookings of %s exported (%d rows)", event.id, len(rows))
        return [
            Reply(caption, lang, document=(f"{event.id}.csv", bookings_csv(rows))),
            Reply(caption, lang, document=(f"{event.id}.xlsx", bookings_xlsx(rows))),
        ]

    async def _check_in(self, code: str, lang: str) -> list[Reply]:
        if not code:
            return [self._say("admin.checkin_usage", lang)]
        result = await self.services.booking.check_in(code)
        return [Reply(check_in_text(result, self.services.texts, lang, code), lang)]

    async def _stats(self, event: Event, lang: str) -> list[Reply]:
        shared = self.services
        text = stats_text(
            event,
            await shared.storage.bookings.of_event(event.id),
            unanswered=await shared.storage.unanswered(latest=REVIEW_WINDOW),
            now=shared.clock(),
            texts=shared.texts,
            lang=lang,
            undelivered=await shared.storage.undelivered_counts(),
        )
        return [Reply(text, lang)]

    async def _unanswered(self, lang: str) -> list[Reply]:
        rows = await self.services.storage.unanswered(latest=REVIEW_WINDOW)
        if not rows:
            return [self._say("admin.unanswered_none", lang)]
        # Grouping is CPU work: in a thread, so citizens' answers do not wait for it.
        groups = await asyncio.to_thread(group_unanswered, rows, Analyzer(load_stopwords()))
        knowledge = self.services.assistant.knowledge
        return [Reply(format_review(groups[:UNANSWERED_SHOWN], knowledge), lang)]

    def _say(self, key: str, lang: str) -> Reply:
        return Reply(self.services.texts.get(key, lang), lang)

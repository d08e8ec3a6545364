"""The services every channel shares, opened once at start-up and closed at shutdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.assistant import Assistant
from bot.booking import BookingService
from bot.booking_flow import BookingFlow
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.database import User
from bot.events import EventSchedule, load_events
from bot.i18n import LANGUAGES, Texts
from bot.reload import ReloadOutcome
from bot.storage import Storage

__all__ = ["Services"]

log = logging.getLogger(__name__)

EVENTS_FILE = "events.yml"


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    storage: Storage
    booking: BookingService
    flow: BookingFlow
    # The one clock of the program: bookings, reminders, storage stamps and checks read it.
    clock: Clock = system_clock

    @property
    def texts(self) -> Texts:
        return self.assistant.texts

    @classmethod
    async def open(
        cls,
        settings: Settings,
        clock: Clock = system_clock,
        events: EventSchedule | None = None,
    ) -> Services:
        """Everything a channel needs; `events` replaces the events file (the demo event)."""
        assistant = Assistant.from_folder(settings.knowledge_dir, settings.match)
        if events is None:
            events = load_events(settings.knowledge_dir / EVENTS_FILE)
        storage = await Storage.open(settings.database_path, clock)
        booking = BookingService(
            storage.bookings, events, clock=clock, offer_minutes=settings.waitlist_hold_minutes
        )
        flow = BookingFlow(booking, storage.bookings, assistant.texts, assistant.replies)
        log.info(
            "knowledge loaded: %d entries, %d events",
            len(assistant.knowledge.entries),
            len(events.events),
        )
        return cls(settings, assistant, storage, booking, flow, clock)

    def swap(self, outcome: ReloadOutcome) -> None:
        """Serve the next question with the new knowledge and events (one assignment each)."""
        assert outcome.assistant is not None and outcome.schedule is not None
        self.assistant = outcome.assistant
        self.flow.replies = outcome.assistant.replies
        self.booking.use(outcome.schedule)

    async def close(self) -> None:
        await self.storage.close()

    async def language_of(self, user: User | None, platform_language: str | None) -> str:
        """The user's stored choice, else the language of their app, else the default."""
        if user is not None:
            stored = await self.storage.get_language(user)
            if stored:
                return stored
        code = (platform_language or "").split("-")[0].lower()
        return code if code in LANGUAGES else self.settings.default_language

    async def chosen_language(self, user: User | None) -> str | None:
        """Only an explicit choice: free text without one is answered in its own language."""
        return await self.storage.get_language(user) if user is not None else None

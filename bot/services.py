"""The services every channel shares, opened once at start-up and closed at shutdown."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from bot.assistant import Assistant
from bot.booking import BookingService
from bot.booking_flow import BookingFlow
from bot.booking_replies import BookingReplies
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.database import User
from bot.events import EventSchedule
from bot.events_check import load_events
from bot.i18n import LANGUAGES, Texts
from bot.reload import ReloadOutcome, reload_folder
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
    # One reload at a time: a saved file and an admin's /reload may come together.
    _reloading: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

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
            storage.bookings,
            events,
            clock=clock,
            offer_minutes=settings.waitlist_hold_minutes,
            personal_data_days=settings.personal_data_days_after_event,
        )
        say = BookingReplies(booking, assistant.texts, assistant.replies)
        flow = BookingFlow(booking, storage.bookings, say, settings.booking_flow_timeout_minutes)
        log.info(
            "knowledge loaded: %d entries, %d events",
            len(assistant.knowledge.entries),
            len(events.events),
        )
        return cls(settings, assistant, storage, booking, flow, clock)

    async def reload(self) -> ReloadOutcome:
        """Check the whole knowledge folder (in a thread: it takes seconds) and serve it if
        nothing is wrong; the outcome says what changed or what is wrong."""
        async with self._reloading:
            outcome = await asyncio.to_thread(
                reload_folder,
                self.settings.knowledge_dir,
                self.assistant.knowledge,
                self.settings.match,
                self.texts,
                self.clock(),
            )
            if outcome.accepted:
                self.swap(outcome)
                log.info(
                    "knowledge reloaded: %d added, %d changed, %d removed",
                    len(outcome.added),
                    len(outcome.changed),
                    len(outcome.removed),
                )
            else:
                log.warning("knowledge change refused: %d errors", len(outcome.errors))
        return outcome

    def swap(self, outcome: ReloadOutcome) -> None:
        """Serve the next question with the new knowledge and events (one assignment each)."""
        assert outcome.assistant is not None and outcome.schedule is not None
        self.assistant = outcome.assistant
        self.flow.say.faq = outcome.assistant.replies
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

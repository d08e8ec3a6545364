"""The services every channel shares, opened once at start-up and closed at shutdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.assistant import Assistant
from bot.booking import BookingService
from bot.booking_flow import BookingFlow
from bot.config import Settings
from bot.events import load_events
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

    @property
    def texts(self) -> Texts:
        return self.assistant.texts

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        assistant = Assistant.from_folder(settings.knowledge_dir, settings.match)
        events = load_events(settings.knowledge_dir / EVENTS_FILE)
        storage = await Storage.open(settings.database_path)
        booking = BookingService(
            storage.bookings, events, offer_minutes=settings.waitlist_hold_minutes
        )
        flow = BookingFlow(booking, storage.bookings, assistant.texts)
        log.info(
            "knowledge loaded: %d entries, %d events",
            len(assistant.knowledge.entries),
            len(events),
        )
        return cls(settings, assistant, storage, booking, flow)

    def swap(self, outcome: ReloadOutcome) -> None:
        """Serve the next question with the new knowledge and events (one assignment each)."""
        assert outcome.assistant is not None and outcome.events is not None
        self.assistant = outcome.assistant
        self.booking.events = {event.id: event for event in outcome.events}

    async def close(self) -> None:
        await self.storage.close()

    async def language_of(self, user_id: int | None, platform_language: str | None) -> str:
        """The user's stored choice, else the language of their app, else the default."""
        if user_id is not None:
            stored = await self.storage.get_language(user_id)
            if stored:
                return stored
        code = (platform_language or "").split("-")[0].lower()
        return code if code in LANGUAGES else self.settings.default_language

    async def chosen_language(self, user_id: int | None) -> str | None:
        """Only an explicit choice: free text without one is answered in its own language."""
        return await self.storage.get_language(user_id) if user_id is not None else None

"""Messages the bot sends without being asked at that moment, for any channel to deliver.

Reminders, waiting-list offers and their expiry, "booking has opened" for those who asked, and
the admins' reload summaries. The database holds what is due (so a restart loses nothing); a
sweep turns it into notifications queued per channel, and each running adapter collects its
channel's queue and sends it. A channel that is not running is not swept for: its users'
reminders and offers stay due until it runs, rather than being marked sent and lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

from bot.booking import BookingService
from bot.booking_flow import BookingFlow
from bot.database import User
from bot.errors import without_message
from bot.i18n import Texts
from bot.replies import Reply
from bot.storage import Storage

__all__ = ["Notification", "Notifier"]

log = logging.getLogger(__name__)

# Per channel, the most notifications kept waiting for their adapter (oldest dropped).
_QUEUE_LIMIT = 10_000
MESSAGES_KEPT = timedelta(hours=48)


@dataclass(frozen=True)
class Notification:
    """A message nobody asked for just now. `kind` ("confirmation", "reminder", "offer",
    "expired", "opened", "admin") and `params` let a channel that restricts such messages
    (WhatsApp outside its 24-hour window) send an approved template in its place."""

    user: User
    replies: tuple[Reply, ...]
    kind: str = "admin"
    params: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        return self.replies[0].lang if self.replies else "ar"


class Notifier:
    def __init__(
        self, booking: BookingService, flow: BookingFlow, texts: Texts, storage: Storage
    ) -> None:
        self.booking = booking
        self.storage = storage
        self.flow = flow
        self.texts = texts
        self.hold_minutes = int(booking.offer_time.total_seconds() // 60)
        self._served: set[str] = set()
        self._queues: dict[str, deque[Notification]] = defaultdict(
            lambda: deque(maxlen=_QUEUE_LIMIT)
        )
        self._news: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._sweeping = asyncio.Lock()

    def serve(self, channel: str) -> None:
        """An adapter of `channel` is running and will collect its notifications."""
        self._served.add(channel)

    def push(
        self,
        user: User,
        replies: Iterable[Reply],
        kind: str = "admin",
        params: tuple[str, ...] = (),
    ) -> None:
        """Queue a message for the user's channel and wake its adapter."""
        self._queues[user.channel].append(Notification(user, tuple(replies), kind, params))
        self._news[user.channel].set()

    async def wait(self, channel: str, timeout: float) -> None:
        """Until something is pushed for the channel, or `timeout` seconds (the next sweep)."""
        news = self._news[channel]
        with suppress(TimeoutError):
            await asyncio.wait_for(news.wait(), timeout)
        news.clear()

    async def collect(self, channel: str) -> list[Notification]:
        """Sweep the database, then hand over everything queued for the channel."""
        self.serve(channel)
        await self.sweep()
        queue = self._queues[channel]
        collected = list(queue)
        queue.clear()
        return collected

    async def due(self, channel: str, interval: float) -> AsyncIterator[Notification]:
        """Every notification for the channel, as soon as it is pushed or found by the sweep
        that runs at least every `interval` seconds; an adapter sends them in an `async for`.
        A sweep that fails is logged and tried again at the next turn."""
        while True:
            await self.wait(channel, interval)
            try:
                notes = await self.collect(channel)
            except Exception as error:
                log.error("notifications could not be collected: %s", without_message(error))
                continue
            for note in notes:
                yield note
            await asyncio.sleep(0)

    async def sweep(self) -> None:
        """Turn what the database says is due into queued notifications (one sweep at a time,
        so two channels sweeping together cannot send a reminder twice)."""
        async with self._sweeping:
            await self._reminders()
            await self._offers()
            for waiting, event in await self.booking.booking_opened(self._served):
                self.push(waiting.user, [self.flow.say.opened(event, waiting.language)], "opened")
            await self._confirmations()
            await self.flow.purge_idle()
            await self.booking.erase_old_personal_data()
            # Message ids outlive WhatsApp's retries and its 24-hour window, and no more.
            await self.storage.purge_messages(self.booking.clock() - MESSAGES_KEPT)

    async def _confirmations(self) -> None:
        """Confirmations a crash kept from being sent (the booking itself was saved)."""
        for booking in await self.booking.owed_confirmations(self._served):
            event = self.booking.event(booking.event_id)
            if event is not None:
                replies = self.flow.say.confirmed(event, booking, booking.language)
                self.push(booking.user, replies, "confirmation")

    async def _reminders(self) -> None:
        for reminder in await self.booking.due_reminders():
            if reminder.booking.user.channel not in self._served:
                continue
            booking = reminder.booking
            self.push(
                booking.user,
                [self.flow.say.reminder(booking, reminder.kind)],
                "reminder",
                self.flow.say.reminder_params(booking),
            )
            await self.booking.mark_sent(reminder)

    async def _offers(self) -> None:
        # An expired hold passes the place on whatever the channel: the next person must not
        # wait for a channel that is not running.
        for expired, _ in await self.booking.expire_offers():
            if expired.user.channel in self._served:
                text = self.texts.get("waitlist.expired", expired.language)
                self.push(expired.user, [Reply(text, expired.language)], "expired")
        for offer in await self.booking.offers_to_announce(self._served):
            event = self.booking.event(offer.event_id)
            if event is None or offer.offered_slot is None:
                continue
            say, slot, lang = self.flow.say, offer.offered_slot, offer.language
            self.push(
                offer.user,
                [say.offer(event, slot, lang, self.hold_minutes)],
                "offer",
                say.offer_params(event, slot, lang, self.hold_minutes),
            )

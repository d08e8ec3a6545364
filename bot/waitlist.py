"""The waiting lists: a full event's list, whose first person is offered each freed place and
holds it for a while; and the list of people to tell when the next edition opens for booking.
Every change that passes a place on runs in one transaction with the change that freed it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from bot.booking_errors import BookingClosedError, WaitlistNotNeededError
from bot.booking_store import BookingStore, WaitlistRow
from bot.clock import Clock
from bot.database import User
from bot.events import NEXT_EDITION, Event

__all__ = ["WaitlistRules"]


class WaitlistRules:
    """The waiting-list part of bot.booking.BookingService (which sets these attributes)."""

    store: BookingStore
    clock: Clock
    events: dict[str, Event]
    next_edition_planned: bool
    offer_time: timedelta

    def open_events(self) -> list[Event]:
        """The events taking bookings now (BookingService gives it)."""
        raise NotImplementedError

    async def join_waitlist(self, event_id: str, user: User, lang: str) -> int:
        """Join an event's waiting list, or (NEXT_EDITION) the list of people told when the
        booking of an announced next edition opens; that one only if the file plans it."""
        if event_id == NEXT_EDITION:
            if not self.next_edition_planned:
                raise BookingClosedError(event_id)
            return await self.store.join_waitlist(event_id, user, lang, self.clock())
        # The "wait" button says the event is full; a client can send it anyway, so check.
        event = self.events.get(event_id)
        if event is None or not event.is_open(self.clock()):
            raise BookingClosedError(event_id)
        async with self.store.db.transaction():
            if await self._holds_booking(event_id, user) or await self._has_free_place(event):
                raise WaitlistNotNeededError(event_id)
            return await self.store.join_waitlist(event_id, user, lang, self.clock())

    async def _holds_booking(self, event_id: str, user: User) -> bool:
        return any(b.active and b.event_id == event_id for b in await self.store.of_user(user))

    async def _has_free_place(self, event: Event) -> bool:
        now = self.clock()
        taken = await self.store.taken(event.id, now)
        return any(
            taken.get(slot.key, 0) < event.capacity for slot in event.slots() if slot.start > now
        )

    async def booking_opened(self, channels: Collection[str]) -> list[tuple[WaitlistRow, Event]]:
        """Once an event is open, everyone of these channels waiting for the next edition is
        told, once: each waiting row is closed and returned with the event to announce."""
        opened = sorted(self.open_events(), key=lambda event: event.days[0])
        if not opened:
            return []
        async with self.store.db.transaction():
            waiting = await self.store.waiting(NEXT_EDITION)
            told = [row for row in waiting if row.user.channel in channels]
            for row in told:
                await self.store.close_wait(row.id, "told")
        return [(row, opened[0]) for row in told]

    async def offers_to_announce(self, channels: Collection[str]) -> list[WaitlistRow]:
        """Held offers nobody was told about yet, for these channels; marked as told."""
        async with self.store.db.transaction():
            offers = [
                offer
                for offer in await self.store.unnotified_offers(self.clock())
                if offer.user.channel in channels
            ]
            for offer in offers:
                await self.store.mark_notified(offer.id)
        return offers

    async def decline_offer(self, event_id: str, user: User) -> WaitlistRow | None:
        """The person declines: their hold ends and the place goes to the next in line."""
        async with self.store.db.transaction():
            offer = await self.store.offer_of(event_id, user)
            if offer is None or offer.offered_slot is None:
                return None
            await self.store.close_wait(offer.id, "declined")
            return await self._offer_freed_place(event_id, offer.offered_slot)

    async def expire_offers(self) -> list[tuple[WaitlistRow, WaitlistRow | None]]:
        """Offers past their hold pass to the next person: (expired, new offer or None)."""
        passed = []
        for offer in await self.store.expired_offers(self.clock()):
            async with self.store.db.transaction():
                await self.store.close_wait(offer.id, "expired")
                following = await self._offer_freed_place(offer.event_id, offer.offered_slot or "")
            passed.append((offer, following))
        return passed

    async def _offer_freed_place(self, event_id: str, slot_key: str) -> WaitlistRow | None:
        event = self.events.get(event_id)
        slot = event.slot(slot_key) if event else None
        if event is None or slot is None or slot.start <= self.clock():
            return None
        waiting = await self.store.next_waiting(event_id)
        if waiting is None:
            return None
        expires = self.clock() + self.offer_time
        await self.store.offer(waiting.id, slot_key, expires)
        return WaitlistRow(
            waiting.id, event_id, waiting.user, waiting.language, "offered", slot_key, expires
        )

"""Booking rules for the communication day: places, codes, changes, cancellation, check-in.

The waiting lists are in bot.waitlist, the reminders in bot.reminders, the errors (re-exported
here) in bot.booking_errors. The clock is injected, so tests move time instead of waiting.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import timedelta

from bot.booking_errors import (
    AlreadyBookedError,
    BookingClosedError,
    BookingError,
    SlotFullError,
    UnknownBookingError,
    WaitlistNotNeededError,
)
from bot.booking_store import BookingRow, BookingStore, WaitlistRow
from bot.clock import Clock, system_clock
from bot.database import User
from bot.events import Event, EventSchedule, Slot
from bot.reminders import Reminder, due_reminders
from bot.waitlist import WaitlistRules

__all__ = [
    "CODE_ALPHABET",
    "AlreadyBookedError",
    "BookingClosedError",
    "BookingError",
    "BookingService",
    "CheckIn",
    "Reminder",
    "SlotFullError",
    "UnknownBookingError",
    "WaitlistNotNeededError",
    "normalize_code",
]

# Easy to read aloud on the phone: no 0/O, no 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


@dataclass(frozen=True)
class CheckIn:
    outcome: str  # "ok", "unknown", "cancelled", "already"
    booking: BookingRow | None = None


def normalize_code(text: str) -> str:
    """Codes are typed back by admins: case and spaces do not matter."""
    return "".join(text.split()).upper().replace("-", "")


class BookingService(WaitlistRules):
    def __init__(
        self,
        store: BookingStore,
        events: EventSchedule | Iterable[Event],
        clock: Clock = system_clock,
        offer_minutes: int = 30,
        personal_data_days: int = 90,
    ) -> None:
        self.store = store
        self.clock = clock
        self.offer_time = timedelta(minutes=offer_minutes)
        self.personal_data_kept = timedelta(days=personal_data_days)
        self.use(events if isinstance(events, EventSchedule) else EventSchedule(tuple(events)))

    def use(self, schedule: EventSchedule) -> None:
        """Serve the events of a (re)loaded events file from now on."""
        self.events = {event.id: event for event in schedule.events}
        self.next_edition_planned = schedule.next_edition_planned

    # ------------------------------------------------------------------ reading

    def open_events(self) -> list[Event]:
        now = self.clock()
        return [event for event in self.events.values() if event.is_open(now)]

    def upcoming_events(self) -> list[Event]:
        now = self.clock()
        return [event for event in self.events.values() if event.is_upcoming(now)]

    def report_event(self, event_id: str | None = None) -> Event | None:
        """The event an admin report is about: the one named, else the next bookable one,
        else the latest bookable one. Events only announced have no bookings to report."""
        bookable = [event for event in self.events.values() if event.bookable]
        if event_id is not None:
            return next((event for event in bookable if event.id == event_id), None)
        now = self.clock()
        upcoming = [event for event in bookable if event.is_upcoming(now)]
        if upcoming:
            return min(upcoming, key=lambda event: event.slots()[0].start)
        return max(bookable, key=lambda event: event.ends(), default=None)

    def last_edition(self) -> Event | None:
        """The most recent event that is over, to tell citizens when the last one was."""
        now = self.clock()
        past = [event for event in self.events.values() if not event.is_upcoming(now)]
        return max(past, key=lambda event: event.days[-1], default=None)

    def event(self, event_id: str) -> Event | None:
        return self.events.get(event_id)

    async def places_left(self, event: Event) -> dict[str, int]:
        """Per future slot key: places still free (full slots have 0)."""
        now = self.clock()
        taken = await self.store.taken(event.id, now)
        return {
            slot.key: max(event.capacity - taken.get(slot.key, 0), 0)
            for slot in event.slots()
            if slot.start > now
        }

    async def bookings_of(self, user: User) -> list[BookingRow]:
        return await self.store.of_user(user)

    async def active_booking(self, user: User, event_id: str) -> BookingRow | None:
        return next(
            (b for b in await self.store.of_user(user) if b.event_id == event_id and b.active),
            None,
        )

    # ------------------------------------------------------------------ changing

    async def book(
        self,
        event_id: str,
        slot_key: str,
        *,
        user: User,
        lang: str,
        topic: str,
        name: str,
        phone: str,
        country: str,
    ) -> BookingRow:
        event, slot = self._open_slot(event_id, slot_key)
        now = self.clock()
        # One transaction: the place, and the waiting-list hold it uses, change together.
        async with self.store.db.transaction():
            existing = await self.active_booking(user, event_id)
            if existing is not None:
                raise AlreadyBookedError(existing)
            offer = await self.store.offer_of(event_id, user)
            holder = offer.id if offer and offer.offered_slot == slot_key else None
            for _ in range(5):
                booking = BookingRow(
                    code=_new_code(),
                    event_id=event_id,
                    slot_key=slot.key,
                    slot_start=slot.start,
                    user=user,
                    language=lang,
                    topic=topic,
                    name=name,
                    phone=phone,
                    country=country,
                    status="active",
                    created_at=now,
                    cancelled_at=None,
                    checked_in_at=None,
                    reminded_24h=False,
                    reminded_2h=False,
                )
                if await self.store.insert_if_free(booking, event.capacity, now, holder):
                    if holder is not None:
                        await self.store.close_wait(holder, "accepted")
                    await self.store.pend_confirmation(booking.code, now)
                    return booking
                if await self.store.get(booking.code) is None:
                    raise SlotFullError(slot_key)
                # The random code existed: draw another one.
        raise BookingError("could not draw a free booking code")

    async def cancel(self, user: User, code: str) -> tuple[BookingRow, WaitlistRow | None]:
        """Cancel; the place is free at once and offered to the first person waiting, in the
        same transaction (a crash between the two cannot lose the offer)."""
        async with self.store.db.transaction():
            booking = await self.store.get(normalize_code(code))
            if booking is None or booking.user != user or not booking.active:
                raise UnknownBookingError(code)
            await self.store.cancel(booking.code, self.clock())
            offer = await self._offer_freed_place(booking.event_id, booking.slot_key)
        return booking, offer

    async def forget(
        self, user: User, erase: Callable[[User], Awaitable[None]]
    ) -> list[WaitlistRow]:
        """/forget: `erase` deletes everything about the user, and each place they held (a
        booking, an offer on hold) goes to the first person waiting, like a cancellation, in
        the same transaction."""
        async with self.store.db.transaction():
            freed = [
                (booking.event_id, booking.slot_key)
                for booking in await self.store.of_user(user)
                if booking.active
            ]
            for event_id in self.events:
                held = await self.store.offer_of(event_id, user)
                if held is not None and held.offered_slot is not None:
                    freed.append((event_id, held.offered_slot))
            await erase(user)
            offers = [await self._offer_freed_place(event, slot) for event, slot in freed]
        await self.store.db.checkpoint()
        return [offer for offer in offers if offer is not None]

    async def change_slot(self, user: User, code: str, slot_key: str) -> BookingRow:
        async with self.store.db.transaction():
            booking = await self.store.get(normalize_code(code))
            if booking is None or booking.user != user or not booking.active:
                raise UnknownBookingError(code)
            event, slot = self._open_slot(booking.event_id, slot_key)
            moved = await self.store.move_if_free(
                booking.code, slot.key, slot.start, event.capacity, self.clock()
            )
            if not moved:
                raise SlotFullError(slot_key)
            await self._offer_freed_place(booking.event_id, booking.slot_key)
            changed = await self.store.get(booking.code)
        assert changed is not None
        return changed

    async def owed_confirmations(self, channels: Collection[str]) -> list[BookingRow]:
        """Bookings whose confirmation no channel reported as sent (a crash between the booking
        and its message): left a little time first, then pushed again at most three times,
        ten minutes apart. Each push is counted at once, so a crash cannot double it."""
        now = self.clock()
        owed = await self.store.owed_confirmations(
            now - CONFIRMATION_GRACE, now - CONFIRMATION_RETRY, CONFIRMATION_ATTEMPTS
        )
        owed = [booking for booking in owed if booking.user.channel in channels]
        for booking in owed:
            await self.store.mark_confirmation_pushed(booking.code, now)
        return owed

    async def confirmation_sent(self, code: str) -> None:
        await self.store.confirmation_sent(code)

    async def erase_old_personal_data(self) -> int:
        """Names, phones and user ids of bookings older than the retention period are erased
        (counts stay); the write-ahead log is emptied so the old values do not linger."""
        erased = await self.store.erase_personal_data(self.clock() - self.personal_data_kept)
        if erased:
            await self.store.db.checkpoint()
        return erased

    async def check_in(self, code: str) -> CheckIn:
        booking = await self.store.get(normalize_code(code))
        if booking is None:
            return CheckIn("unknown")
        if not booking.active:
            return CheckIn("cancelled", booking)
        if booking.checked_in_at is not None:
            return CheckIn("already", booking)
        await self.store.check_in(booking.code, self.clock())
        return CheckIn("ok", await self.store.get(booking.code))

    # ------------------------------------------------------------------ reminders

    async def due_reminders(self) -> list[Reminder]:
        """Reminders whose time has come and that were not sent (see bot.reminders)."""
        now = self.clock()
        return due_reminders(await self.store.upcoming_active(now), now)

    async def mark_sent(self, reminder: Reminder) -> None:
        async with self.store.db.transaction():
            await self.store.mark_reminded(reminder.booking.code, reminder.kind)
            if reminder.kind == "2h":
                await self.store.mark_reminded(reminder.booking.code, "24h")

    # ------------------------------------------------------------------ helpers

    def _open_slot(self, event_id: str, slot_key: str) -> tuple[Event, Slot]:
        event = self.events.get(event_id)
        if event is None or not event.is_open(self.clock()):
            raise BookingClosedError(event_id)
        slot = event.slot(slot_key)
        if slot is None or slot.start <= self.clock():
            raise SlotFullError(slot_key)
        return event, slot


# A confirmation normally goes out within a second of its booking; after this, it is owed.
CONFIRMATION_GRACE = timedelta(minutes=2)
CONFIRMATION_RETRY = timedelta(minutes=10)
CONFIRMATION_ATTEMPTS = 3


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))

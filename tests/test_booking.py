"""Booking rules against a real SQLite file: places, codes, changes, waitlist, reminders."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.booking import (
    CODE_ALPHABET,
    AlreadyBookedError,
    BookingClosedError,
    BookingService,
    SlotFullError,
    UnknownBookingError,
    normalize_code,
)
from bot.events import Event, Venue
from bot.storage import Storage


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_event(
    days: tuple[date, ...] = (date(2027, 8, 9), date(2027, 8, 10)),
    capacity: int = 5,
    event_id: str = "mre-day-2027",
) -> Event:
    return Event(
        id=event_id,
        title={"ar": "اليوم التواصلي", "fr": "Journée de communication"},
        description={"ar": "لقاء", "fr": "Rencontre"},
        venue=Venue({"ar": "مقر الوكالة", "fr": "Siège de l'agence"}, 32.33, -6.35),
        days=days,
        opens=time(9, 0),
        closes=time(11, 0),
        slot_minutes=30,
        capacity=capacity,
        booking_opens=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
        booking_closes=datetime(2027, 8, 8, 17, 0, tzinfo=UTC),
        topics=("building_permit", "housing_aid", "digital_services", "other"),
    )


@pytest.fixture
async def storage(tmp_path):
    store = await Storage.open(tmp_path / "bot.sqlite3")
    yield store
    await store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 1, 15, 10, 0, tzinfo=UTC))


@pytest.fixture
def service(storage, clock) -> BookingService:
    return BookingService(storage.bookings, [make_event()], clock=clock, offer_minutes=30)


def person(user_id: int) -> dict[str, object]:
    return {
        "user_id": user_id,
        "lang": "fr",
        "topic": "housing_aid",
        "name": f"Personne {user_id}",
        "phone": "+33612345678",
        "country": "France",
    }


async def test_two_hundred_at_once_for_five_places(service):
    async def attempt(user_id: int) -> str:
        try:
            await service.book("mre-day-2027", "202708090900", **person(user_id))
        except SlotFullError:
            return "full"
        return "booked"

    outcomes = await asyncio.gather(*(attempt(n) for n in range(200)))
    assert outcomes.count("booked") == 5
    assert outcomes.count("full") == 195
    places = await service.places_left(make_event())
    assert places["202708090900"] == 0
    assert places["202708090930"] == 5  # other slots are offered instead


async def test_codes_are_easy_to_read_aloud(service):
    booking = await service.book("mre-day-2027", "202708091000", **person(1))
    assert len(booking.code) == 6
    assert set(booking.code) <= set(CODE_ALPHABET)
    assert not set(booking.code) & set("0O1I")
    assert normalize_code(f" {booking.code.lower()[:3]} {booking.code.lower()[3:]} ") == (
        booking.code
    )


async def test_one_active_booking_per_user_per_event(service):
    first = await service.book("mre-day-2027", "202708091000", **person(1))
    with pytest.raises(AlreadyBookedError) as caught:
        await service.book("mre-day-2027", "202708100900", **person(1))
    assert caught.value.booking.code == first.code


async def test_cancel_frees_the_place_at_once(service):
    event = make_event()
    bookings = [await service.book(event.id, "202708090900", **person(n)) for n in range(5)]
    with pytest.raises(SlotFullError):
        await service.book(event.id, "202708090900", **person(9))
    await service.cancel(2, bookings[2].code)
    assert (await service.places_left(event))["202708090900"] == 1
    again = await service.book(event.id, "202708090900", **person(9))
    assert again.slot_key == "202708090900"
    with pytest.raises(UnknownBookingError):
        await service.cancel(3, bookings[2].code)  # not theirs, and already cancelled


async def test_change_slot_moves_the_booking_and_frees_the_old_one(service):
    event = make_event()
    booking = await service.book(event.id, "202708090900", **person(1))
    moved = await service.change_slot(1, booking.code, "202708101030")
    assert moved.code == booking.code and moved.slot_key == "202708101030"
    places = await service.places_left(event)
    assert places["202708090900"] == 5 and places["202708101030"] == 4
    for n in range(2, 6):
        await service.book(event.id, "202708091000", **person(n))
    await service.book(event.id, "202708091000", **person(6))
    with pytest.raises(SlotFullError):
        await service.change_slot(1, booking.code, "202708091000")


async def test_booking_window_is_enforced(service, clock):
    clock.now = datetime(2026, 11, 30, tzinfo=UTC)
    with pytest.raises(BookingClosedError):
        await service.book("mre-day-2027", "202708090900", **person(1))
    assert service.open_events() == []
    assert [e.id for e in service.upcoming_events()] == ["mre-day-2027"]


async def test_waitlist_offer_is_held_then_passed_on(service, clock):
    event = make_event(capacity=1)
    service.events = {event.id: event}
    taken = []
    for slot in event.slots():
        taken.append(await service.book(event.id, slot.key, **person(len(taken) + 1)))
    assert sum((await service.places_left(event)).values()) == 0
    assert await service.join_waitlist(event.id, 100, "ar") == 1
    assert await service.join_waitlist(event.id, 101, "fr") == 2
    _, offer = await service.cancel(1, taken[0].code)
    assert offer is not None and offer.user_id == 100
    # The place is held for the first in line: nobody else can take it.
    with pytest.raises(SlotFullError):
        await service.book(event.id, taken[0].slot_key, **person(200))
    clock.advance(minutes=31)
    [(expired, following)] = await service.expire_offers()
    assert expired.user_id == 100
    assert following is not None and following.user_id == 101
    booked = await service.book(event.id, taken[0].slot_key, **person(101))
    assert booked.user_id == 101


async def test_reminders_24h_and_2h_once_each(service, clock):
    booking = await service.book("mre-day-2027", "202708091000", **person(1))
    assert await service.due_reminders() == []
    clock.now = booking.slot_start - timedelta(hours=23)
    [day_before] = await service.due_reminders()
    assert day_before.kind == "24h"
    await service.mark_sent(day_before)
    assert await service.due_reminders() == []
    clock.now = booking.slot_start - timedelta(hours=1, minutes=59)
    [soon] = await service.due_reminders()
    assert soon.kind == "2h"
    await service.mark_sent(soon)
    clock.advance(minutes=30)
    assert await service.due_reminders() == []


async def test_late_booking_gets_no_reminder_spam(service, clock):
    event = make_event()
    slot = event.slot("202708091030")
    assert slot is not None
    clock.now = slot.start - timedelta(hours=1, minutes=30)
    service.events = {event.id: _replace_window(event, slot.start)}
    await service.book(event.id, slot.key, **person(1))
    clock.advance(minutes=10)
    assert await service.due_reminders() == []


def _replace_window(event: Event, until: datetime) -> Event:
    from dataclasses import replace

    return replace(event, booking_closes=until)


async def test_reminders_across_a_change_of_morocco_offset(storage):
    # Ramadan 2027: Morocco is at UTC+0 from late January to late March; outside, UTC+1.
    before = make_event(days=(date(2027, 1, 20),), event_id="winter")
    during = make_event(days=(date(2027, 2, 20),), event_id="ramadan")
    [w] = before.slots()[:1]
    [r] = during.slots()[:1]
    assert w.start.hour != r.start.hour  # same 09:00 on the wall, different UTC hours
    assert {w.start.hour, r.start.hour} == {8, 9}
    clock = Clock(datetime(2027, 1, 2, tzinfo=UTC))
    service = BookingService(storage.bookings, [before, during], clock=clock)
    booking = await service.book("ramadan", r.key, **person(1))
    clock.now = r.start - timedelta(hours=24) - timedelta(seconds=1)
    assert await service.due_reminders() == []
    clock.advance(seconds=2)
    [reminder] = await service.due_reminders()
    assert reminder.booking.code == booking.code and reminder.kind == "24h"


async def test_check_in_outcomes(service, clock):
    booking = await service.book("mre-day-2027", "202708091000", **person(1))
    assert (await service.check_in("nope99")).outcome == "unknown"
    first = await service.check_in(f" {booking.code.lower()} ")
    assert first.outcome == "ok" and first.booking.checked_in_at == clock.now
    again = await service.check_in(booking.code)
    assert again.outcome == "already" and again.booking.checked_in_at == clock.now
    other = await service.book("mre-day-2027", "202708091000", **person(2))
    await service.cancel(2, other.code)
    assert (await service.check_in(other.code)).outcome == "cancelled"


async def test_forget_deletes_the_bookings(service, storage):
    await service.book("mre-day-2027", "202708091000", **person(1))
    await storage.forget_user(1)
    assert await service.bookings_of(1) == []

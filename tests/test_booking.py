"""Booking rules against a real SQLite file: places, codes, changes, waitlist, reminders.

The events are the test's own, dated relative to the frozen clock (tests/support/clock.py).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

import pytest

from bot.booking import (
    CODE_ALPHABET,
    AlreadyBookedError,
    BookingClosedError,
    BookingService,
    SlotFullError,
    UnknownBookingError,
    WaitlistNotNeededError,
    normalize_code,
)
from bot.database import User
from bot.events import NEXT_EDITION, Event, EventSchedule, Venue, to_utc
from bot.storage import Storage
from tests.support.clock import FROZEN_NOW, FrozenClock
from tests.support.events import day_after, next_clock_change

EVENT_ID = "mre-day"
# Two days two months after the frozen now, booked from 09:00 to 11:00 in half hours.
DAY1 = day_after(FROZEN_NOW, 60)
DAY2 = DAY1 + timedelta(days=1)


def key(day: date, hhmm: str) -> str:
    """A slot's key: its local day and start, as the flow's buttons carry it."""
    return f"{day:%Y%m%d}{hhmm}"


def make_event(
    days: tuple[date, ...] = (DAY1, DAY2),
    capacity: int = 5,
    event_id: str = EVENT_ID,
) -> Event:
    """Open for booking since a month before the frozen now, until the eve of its first day."""
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
        booking_opens=FROZEN_NOW - timedelta(days=30),
        booking_closes=to_utc(datetime.combine(days[0] - timedelta(days=1), time(18, 0))),
        topics=("building_permit", "housing_aid", "digital_services", "other"),
    )


@pytest.fixture
async def storage(tmp_path, clock):
    store = await Storage.open(tmp_path / "bot.sqlite3", clock)
    yield store
    await store.close()


@pytest.fixture
def service(storage, clock) -> BookingService:
    return BookingService(storage.bookings, [make_event()], clock=clock, offer_minutes=30)


def user(number: int) -> User:
    return User("telegram", str(number))


def person(user_id: int) -> dict[str, object]:
    return {
        "user": user(user_id),
        "lang": "fr",
        "topic": "housing_aid",
        "name": f"Personne {user_id}",
        "phone": "+33612345678",
        "country": "France",
    }


async def test_two_hundred_at_once_for_five_places(service):
    async def attempt(user_id: int) -> str:
        try:
            await service.book(EVENT_ID, key(DAY1, "0900"), **person(user_id))
        except SlotFullError:
            return "full"
        return "booked"

    outcomes = await asyncio.gather(*(attempt(n) for n in range(200)))
    assert outcomes.count("booked") == 5
    assert outcomes.count("full") == 195
    places = await service.places_left(make_event())
    assert places[key(DAY1, "0900")] == 0
    assert places[key(DAY1, "0930")] == 5  # other slots are offered instead


async def test_codes_are_easy_to_read_aloud(service):
    booking = await service.book(EVENT_ID, key(DAY1, "1000"), **person(1))
    assert len(booking.code) == 6
    assert set(booking.code) <= set(CODE_ALPHABET)
    assert not set(booking.code) & set("0O1I")
    assert normalize_code(f" {booking.code.lower()[:3]} {booking.code.lower()[3:]} ") == (
        booking.code
    )


async def test_one_active_booking_per_user_per_event(service):
    first = await service.book(EVENT_ID, key(DAY1, "1000"), **person(1))
    with pytest.raises(AlreadyBookedError) as caught:
        await service.book(EVENT_ID, key(DAY2, "0900"), **person(1))
    assert caught.value.booking.code == first.code


async def test_cancel_frees_the_place_at_once(service):
    event = make_event()
    bookings = [await service.book(event.id, key(DAY1, "0900"), **person(n)) for n in range(5)]
    with pytest.raises(SlotFullError):
        await service.book(event.id, key(DAY1, "0900"), **person(9))
    await service.cancel(user(2), bookings[2].code)
    assert (await service.places_left(event))[key(DAY1, "0900")] == 1
    again = await service.book(event.id, key(DAY1, "0900"), **person(9))
    assert again.slot_key == key(DAY1, "0900")
    with pytest.raises(UnknownBookingError):
        await service.cancel(user(3), bookings[2].code)  # not theirs, and already cancelled


async def test_change_slot_moves_the_booking_and_frees_the_old_one(service):
    event = make_event()
    booking = await service.book(event.id, key(DAY1, "0900"), **person(1))
    moved = await service.change_slot(user(1), booking.code, key(DAY2, "1030"))
    assert moved.code == booking.code and moved.slot_key == key(DAY2, "1030")
    places = await service.places_left(event)
    assert places[key(DAY1, "0900")] == 5 and places[key(DAY2, "1030")] == 4
    for n in range(2, 6):
        await service.book(event.id, key(DAY1, "1000"), **person(n))
    await service.book(event.id, key(DAY1, "1000"), **person(6))
    with pytest.raises(SlotFullError):
        await service.change_slot(user(1), booking.code, key(DAY1, "1000"))


async def test_booking_window_is_enforced(service, clock):
    clock.now = FROZEN_NOW - timedelta(days=31)  # the day before booking opens
    with pytest.raises(BookingClosedError):
        await service.book(EVENT_ID, key(DAY1, "0900"), **person(1))
    assert service.open_events() == []
    assert [e.id for e in service.upcoming_events()] == [EVENT_ID]


async def test_waitlist_offer_is_held_then_passed_on(service, clock):
    event = make_event(capacity=1)
    service.events = {event.id: event}
    taken = []
    for slot in event.slots():
        taken.append(await service.book(event.id, slot.key, **person(len(taken) + 1)))
    assert sum((await service.places_left(event)).values()) == 0
    assert await service.join_waitlist(event.id, user(100), "ar") == 1
    assert await service.join_waitlist(event.id, user(101), "fr") == 2
    _, offer = await service.cancel(user(1), taken[0].code)
    assert offer is not None and offer.user == user(100)
    # The place is held for the first in line: nobody else can take it.
    with pytest.raises(SlotFullError):
        await service.book(event.id, taken[0].slot_key, **person(200))
    clock.advance(minutes=31)
    [(expired, following)] = await service.expire_offers()
    assert expired.user == user(100)
    assert following is not None and following.user == user(101)
    booked = await service.book(event.id, taken[0].slot_key, **person(101))
    assert booked.user == user(101)


async def test_forget_frees_the_place_for_the_first_person_waiting(service, storage, tmp_path):
    event = make_event(capacity=1)
    service.events = {event.id: event}
    first, *others = event.slots()
    taken = [await service.book(event.id, first.key, **{**person(1), "name": "Zineb Oubliée"})]
    for slot in others:
        taken.append(await service.book(event.id, slot.key, **person(len(taken) + 1)))
    await service.join_waitlist(event.id, user(100), "ar")
    await service.join_waitlist(event.id, user(101), "fr")
    [offer] = await service.forget(user(1), storage.forget_user)
    assert offer.user == user(100) and offer.offered_slot == taken[0].slot_key
    assert await storage.bookings.of_user(user(1)) == []
    files = [tmp_path / "bot.sqlite3", tmp_path / "bot.sqlite3-wal"]
    content = b"".join(path.read_bytes() for path in files if path.exists())
    assert taken[0].name.encode() not in content  # not in free pages, not in the log
    # The first in line forgets too: the place they held goes to the next one.
    [following] = await service.forget(user(100), storage.forget_user)
    assert following.user == user(101) and following.offered_slot == taken[0].slot_key


async def test_waitlist_only_for_a_full_event_and_people_without_a_place(service):
    event = make_event(capacity=1)
    service.events = {event.id: event}
    first = event.slots()[0]
    await service.book(event.id, first.key, **person(1))
    with pytest.raises(WaitlistNotNeededError):
        await service.join_waitlist(event.id, user(2), "fr")  # other slots are still free
    for number, slot in enumerate(event.slots()[1:], start=2):
        await service.book(event.id, slot.key, **person(number))
    with pytest.raises(WaitlistNotNeededError):
        await service.join_waitlist(event.id, user(1), "fr")  # already holds a place
    with pytest.raises(BookingClosedError):
        await service.join_waitlist("no-such-event", user(100), "fr")
    assert await service.join_waitlist(event.id, user(100), "fr") == 1


async def test_reminders_24h_and_2h_once_each(service, clock):
    booking = await service.book(EVENT_ID, key(DAY1, "1000"), **person(1))
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
    slot = event.slot(key(DAY1, "1030"))
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
    # Ramadan moves Morocco between UTC+1 and UTC+0: the next change after the frozen now.
    change, offset_before, offset_after = next_clock_change(FROZEN_NOW)
    assert {offset_before, offset_after} == {timedelta(hours=1), timedelta(0)}
    before = make_event(days=(change - timedelta(days=3),), event_id="before")
    after = make_event(days=(change + timedelta(days=3),), event_id="after")
    [b] = before.slots()[:1]
    [a] = after.slots()[:1]
    assert {b.start.hour, a.start.hour} == {8, 9}  # same 09:00 on the wall, other UTC hours
    clock = FrozenClock()
    service = BookingService(storage.bookings, [before, after], clock=clock)
    booking = await service.book("after", a.key, **person(1))
    clock.now = a.start - timedelta(hours=24) - timedelta(seconds=1)
    assert await service.due_reminders() == []
    clock.advance(seconds=2)
    [reminder] = await service.due_reminders()
    assert reminder.booking.code == booking.code and reminder.kind == "24h"


async def test_check_in_outcomes(service, clock):
    booking = await service.book(EVENT_ID, key(DAY1, "1000"), **person(1))
    assert (await service.check_in("nope99")).outcome == "unknown"
    first = await service.check_in(f" {booking.code.lower()} ")
    assert first.outcome == "ok" and first.booking.checked_in_at == clock.now
    again = await service.check_in(booking.code)
    assert again.outcome == "already" and again.booking.checked_in_at == clock.now
    other = await service.book(EVENT_ID, key(DAY1, "1000"), **person(2))
    await service.cancel(user(2), other.code)
    assert (await service.check_in(other.code)).outcome == "cancelled"


async def test_forget_deletes_the_bookings(service, storage):
    await service.book(EVENT_ID, key(DAY1, "1000"), **person(1))
    await storage.forget_user(user(1))
    assert await service.bookings_of(user(1)) == []


# ----------------------------------------------------------------------------- next edition


async def test_the_next_edition_list_exists_only_when_the_file_plans_one(storage, clock):
    service = BookingService(storage.bookings, EventSchedule(), clock=clock)
    with pytest.raises(BookingClosedError):
        await service.join_waitlist(NEXT_EDITION, user(1), "fr")
    service.use(EventSchedule(next_edition_planned=True))
    assert await service.join_waitlist(NEXT_EDITION, user(1), "fr") == 1
    assert await service.join_waitlist(NEXT_EDITION, user(2), "ar") == 2
    assert await service.join_waitlist(NEXT_EDITION, user(1), "fr") == 1  # once per person


async def test_those_waiting_for_the_next_edition_are_told_once_when_booking_opens(storage, clock):
    service = BookingService(
        storage.bookings, EventSchedule(next_edition_planned=True), clock=clock
    )
    await service.join_waitlist(NEXT_EDITION, user(1), "fr")
    await service.join_waitlist(NEXT_EDITION, user(2), "ar")
    assert await service.booking_opened({"telegram"}) == []  # nothing open yet: nobody is told
    later = make_event()
    service.use(EventSchedule((later,), next_edition_planned=True))
    told = await service.booking_opened({"telegram"})
    assert [(row.user, row.language, event.id) for row, event in told] == [
        (user(1), "fr", EVENT_ID),
        (user(2), "ar", EVENT_ID),
    ]
    assert await service.booking_opened({"telegram"}) == []


async def test_last_edition_and_the_event_of_admin_reports(storage, clock):
    past = Event(
        id="past",
        title={"ar": "دورة سابقة", "fr": "Édition passée"},
        description={"ar": "لقاء", "fr": "Rencontre"},
        venue=Venue({}, name={"ar": "المقر", "fr": "Siège"}),
        days=(day_after(FROZEN_NOW, -200),),
    )
    service = BookingService(storage.bookings, [past], clock=clock)
    assert service.last_edition() == past
    assert service.report_event() is None  # an announced event has no bookings to report
    assert service.report_event("past") is None
    bookable = make_event()
    service.use(EventSchedule((past, bookable)))
    assert service.report_event() == bookable == service.report_event(EVENT_ID)
    clock.now = bookable.ends() + timedelta(days=1)
    assert service.report_event() == bookable  # over, but still the latest one with bookings
    assert service.last_edition() == bookable


async def test_storage_stamps_come_from_the_programs_clock(storage, clock):
    clock.advance(days=3, minutes=7)
    await storage.record_unanswered("wach kayn chi jdid", "ar", "unknown", [])
    [row] = await storage.unanswered()
    assert row.created_at == clock.now


async def test_personal_data_is_erased_after_the_retention_period(storage, clock, tmp_path):
    service = BookingService(storage.bookings, [make_event()], clock=clock, personal_data_days=90)
    old = await service.book(EVENT_ID, key(DAY1, "0900"), **person(1))
    later = await service.book(EVENT_ID, key(DAY2, "0900"), **person(2))
    assert await service.erase_old_personal_data() == 0
    clock.now = old.slot_start + timedelta(days=90, minutes=1)
    assert await service.erase_old_personal_data() == 1
    erased, kept = await storage.bookings.get(old.code), await storage.bookings.get(later.code)
    assert (erased.name, erased.phone) == ("", "") and erased.user != user(1)
    assert erased.country == "France" and erased.slot_key == old.slot_key  # statistics stay
    assert kept.name == later.name and kept.user == user(2)
    assert await service.erase_old_personal_data() == 0
    # Neither the database file nor its write-ahead log still holds the erased name.
    files = [tmp_path / "bot.sqlite3", tmp_path / "bot.sqlite3-wal"]
    content = b"".join(path.read_bytes() for path in files if path.exists())
    assert old.name.encode() not in content and later.name.encode() in content

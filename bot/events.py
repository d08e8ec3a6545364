"""Communication-day events that staff edit in knowledge/events.yml (checked by bot.events_check).

Staff write days and hours as they read them on a wall clock in Béni Mellal; the code turns them
into UTC instants with zoneinfo, because Morocco leaves UTC+1 for UTC+0 around Ramadan and a fixed
offset would put every booking of that month an hour off. Weekday names are never typed: they are
computed from the dates when shown (bot.dates), so a file cannot pair "mardi" with a Wednesday.

A slot is named by its local start ("202708100930"): with an id of at most 24 characters it fits
Telegram's 64-byte button data (`book:slot:<id>:<key>`) and reads plainly in logs and exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.dates import TIME_ZONE
from bot.knowledge import pick_language

__all__ = [
    "NEXT_EDITION",
    "TIME_ZONE",
    "TOPICS",
    "Event",
    "EventSchedule",
    "Slot",
    "Venue",
    "to_utc",
]

TOPICS = ("building_permit", "housing_aid", "digital_services", "other")
# The waiting list of an edition announced without dates. Event ids cannot hold '_', so this
# never names a real event.
NEXT_EDITION = "_next"


def to_utc(local_time: datetime) -> datetime:
    """A naive wall time in Morocco as a UTC instant (the first one if the clocks went back)."""
    return local_time.replace(tzinfo=TIME_ZONE).astimezone(UTC)


@dataclass(frozen=True)
class Venue:
    """Where the event takes place. A field staff could not confirm stays empty and is left out
    of every reply: the headquarters' name is known, its street address is not."""

    address: Mapping[str, str]
    latitude: float | None = None
    longitude: float | None = None
    name: Mapping[str, str] = field(default_factory=dict)

    def address_in(self, lang: str) -> str:
        return pick_language(self.address, lang)

    def label_in(self, lang: str) -> str:
        """The name and the address as one line, leaving out what is empty."""
        parts = (pick_language(self.name, lang), pick_language(self.address, lang))
        comma = "، " if lang == "ar" else ", "
        return comma.join(part for part in parts if part)


@dataclass(frozen=True)
class Slot:
    event_id: str
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """The local start as YYYYMMDDHHMM; its first 8 characters are the local day."""
        return self.start.astimezone(TIME_ZONE).strftime("%Y%m%d%H%M")


@dataclass(frozen=True)
class Event:
    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    venue: Venue
    days: tuple[date, ...]
    # The booking terms: all set for an event citizens book through the bot, all left out for
    # one that is only announced (a past edition, or one booked elsewhere).
    opens: time | None = None
    closes: time | None = None
    slot_minutes: int = 0
    capacity: int = 0
    booking_opens: datetime | None = None
    booking_closes: datetime | None = None
    topics: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    @property
    def bookable(self) -> bool:
        return self.booking_opens is not None and self.booking_closes is not None

    def slots(self) -> list[Slot]:
        """Every slot of every day, stepped on the local clock and then converted to UTC."""
        if not self.bookable or self.opens is None or self.closes is None:
            return []
        step = timedelta(minutes=self.slot_minutes)
        result = []
        for day in self.days:
            start, closes = datetime.combine(day, self.opens), datetime.combine(day, self.closes)
            while start < closes:
                result.append(Slot(self.id, to_utc(start), to_utc(start + step)))
                start += step
        return result

    def slot(self, key: str) -> Slot | None:
        return next((slot for slot in self.slots() if slot.key == key), None)

    def is_open(self, now: datetime) -> bool:
        """Bookable now: inside the booking window and with its last slot still ahead."""
        if self.booking_opens is None or self.booking_closes is None:
            return False
        slots = self.slots()
        in_window = self.booking_opens <= now < self.booking_closes
        return in_window and bool(slots) and slots[-1].start > now

    def opens_later(self, now: datetime) -> bool:
        """Booking has not opened yet for an event still ahead."""
        return self.booking_opens is not None and now < self.booking_opens < self.ends()

    def booking_closed(self, now: datetime) -> bool:
        """A bookable event whose booking window is over (the event itself may still be ahead)."""
        return self.booking_closes is not None and self.booking_closes <= now

    def ends(self) -> datetime:
        """The end of its last slot; for an announced event, the midnight after its last day."""
        slots = self.slots()
        if slots:
            return slots[-1].end
        return to_utc(datetime.combine(self.days[-1] + timedelta(days=1), time(0, 0)))

    def is_upcoming(self, now: datetime) -> bool:
        """Not over yet: it ends after `now` (bookings can still be shown)."""
        return bool(self.days) and self.ends() > now

    def title_in(self, lang: str) -> str:
        return pick_language(self.title, lang)

    def description_in(self, lang: str) -> str:
        return pick_language(self.description, lang)


@dataclass(frozen=True)
class EventSchedule:
    """What the events file says: the events, past and coming, and whether the agency has
    announced another edition (then citizens may ask to be told when its booking opens)."""

    events: tuple[Event, ...] = ()
    next_edition_planned: bool = False

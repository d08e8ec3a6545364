"""The fields of an event in knowledge/events.yml, and the checks of each one: what it must look
like, with the line of every problem and what to write instead. bot.events_check runs them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from bot.events import TIME_ZONE, TOPICS, to_utc
from bot.validation import Report, closest
from bot.yamlsource import LineDict, LineList

__all__ = [
    "BOOKING_FIELDS",
    "FIELDS",
    "ID",
    "ISO_DAY",
    "MAX_ID_LENGTH",
    "MOMENT",
    "TIME",
    "TOP_LEVEL",
    "VENUE_FIELDS",
    "FieldChecks",
]

MAX_ID_LENGTH = 24
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VENUE_FIELDS = ("name", "address", "latitude", "longitude")
TOP_LEVEL = ("events", "next_edition_planned")
# The value says what to write when a field is missing. The first five are required; the
# booking terms (BOOKING_FIELDS) are all given for a bookable event, or all left out.
FIELDS = {
    "id": "a short name in lower case, like mre-day-2027",
    "title": "the title in ar and fr (en optional)",
    "description": "a short description in ar and fr (en optional)",
    "venue": "the place: its name and address in ar and fr (empty until confirmed), latitude "
    "and longitude (null until confirmed)",
    "days": "the dates, one per line, like - 2027-08-10",
    "opens": "the opening time, like '09:00'",
    "closes": "the closing time, like '16:00'",
    "slot_minutes": "the length of one appointment in minutes, like 30",
    "capacity": "how many people one slot takes, like 5",
    "booking_opens": "when booking starts, in Moroccan time, like 2026-12-01T09:00",
    "booking_closes": "when booking ends, in Moroccan time, like 2027-08-08T18:00",
    "topics": f"the topics offered, from: {', '.join(TOPICS)}",
}
BOOKING_FIELDS = (
    "opens",
    "closes",
    "slot_minutes",
    "capacity",
    "booking_opens",
    "booking_closes",
    "topics",
)
_WEEKDAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DAY.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def exists(wall: datetime) -> bool:
    """False for a wall time skipped when Moroccan clocks jump forward."""
    return to_utc(wall).astimezone(TIME_ZONE).replace(tzinfo=None) == wall


def is_coordinate(value: Any, limit: int) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and -limit <= value <= limit


@dataclass
class FieldChecks:
    """The checks of one event's fields; each reports its own problems and returns None."""

    item: LineDict
    report: Report
    label: str = ""

    def error(self, line: int, message: str) -> None:
        self.report.error(line, f"{self.label}: {message}")

    def days(self) -> tuple[date, ...] | None:
        if "days" not in self.item:
            return None
        raw = self.item["days"]
        if not isinstance(raw, LineList) or not raw:
            self.error(self.item.line_of("days"), "'days' must list dates, like - 2027-08-10")
            return None
        days: list[date] = []
        for index, value in enumerate(raw):
            day = as_day(value)
            if day is None:
                self.error(
                    raw.line_of(index),
                    f"'{value}' is not a date; write it as YYYY-MM-DD, like 2027-08-10, "
                    "without a weekday name",
                )
            elif day in days:
                self.report.warn(raw.line_of(index), f"{self.label}: {day} is listed twice")
            else:
                days.append(day)
        return tuple(sorted(days)) if len(days) + repeats(raw) == len(raw) else None

    def time(self, key: str) -> time | None:
        if key not in self.item:
            return None
        raw, line = self.item[key], self.item.line_of(key)
        written = ""
        if isinstance(raw, str):
            written = raw.strip()
        elif isinstance(raw, int) and not isinstance(raw, bool):
            written = self.report.written(line)
        match = TIME.match(written)
        if match is None:
            self.error(line, f"'{key}' must be a time like '09:00' (24-hour clock)")
            return None
        return time(int(match[1]), int(match[2]))

    def whole(self, key: str, low: int, high: int) -> int | None:
        if key not in self.item:
            return None
        raw = self.item[key]
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            self.error(self.item.line_of(key), f"'{key}' must be a whole number, {low} to {high}")
            return None
        return raw

    def moment(self, key: str) -> datetime | None:
        """A naive Moroccan wall time, as staff read it on the agency's clock."""
        if key not in self.item:
            return None
        raw, line = self.item[key], self.item.line_of(key)
        moment = raw if isinstance(raw, datetime) else None
        if isinstance(raw, str) and MOMENT.match(raw.strip()):
            try:
                moment = datetime.fromisoformat(raw.strip())
            except ValueError:
                moment = None
        if moment is None:
            self.error(line, f"'{key}' must be a Moroccan local time like 2026-12-01T09:00")
        elif moment.tzinfo is not None:
            self.error(line, f"write '{key}' in Moroccan local time, without 'Z' or an offset")
        elif not exists(moment):
            self.error(
                line,
                f"{moment:%Y-%m-%dT%H:%M} does not exist in Morocco (the clocks jump forward "
                "that night); pick another time",
            )
        else:
            return moment
        return None

    def topics(self) -> tuple[str, ...] | None:
        if "topics" not in self.item:
            return None
        raw = self.item["topics"]
        if not isinstance(raw, LineList) or not raw:
            self.error(self.item.line_of("topics"), f"'topics' needs some of: {', '.join(TOPICS)}")
            return None
        topics: list[str] = []
        for index, topic in enumerate(raw):
            if topic not in TOPICS:
                hint = closest(str(topic), TOPICS)
                self.error(
                    raw.line_of(index), f"unknown topic '{topic}'{hint} (use {', '.join(TOPICS)})"
                )
            elif topic in topics:
                self.report.warn(raw.line_of(index), f"{self.label}: '{topic}' is listed twice")
            else:
                topics.append(topic)
        return tuple(topics) if len(topics) + repeats(raw) == len(raw) else None

    def hours(self, opens: time, closes: time, slot_minutes: int) -> bool:
        """Whether the hours make whole slots on every day (else the booking window is moot)."""
        if opens >= closes:
            self.error(
                self.item.line_of("closes"),
                f"'closes' ({closes:%H:%M}) must be after 'opens' ({opens:%H:%M})",
            )
            return False
        fit = True
        minutes = (closes.hour - opens.hour) * 60 + closes.minute - opens.minute
        if minutes % slot_minutes:
            fit = False
            self.error(
                self.item.line_of("slot_minutes"),
                f"the {minutes} minutes from {opens:%H:%M} to {closes:%H:%M} do not split into "
                f"{slot_minutes}-minute slots; change 'slot_minutes' or the hours",
            )
        raw_days: LineList = self.item["days"]
        for index, value in enumerate(raw_days):
            day = as_day(value)
            if day is None:
                continue
            first, last = datetime.combine(day, opens), datetime.combine(day, closes)
            elapsed = to_utc(last) - to_utc(first)
            if not exists(first) or not exists(last) or elapsed != last - first:
                fit = False
                self.error(
                    raw_days.line_of(index),
                    f"Moroccan clocks change on {day} between {opens:%H:%M} and {closes:%H:%M}; "
                    "choose other hours or another day",
                )
        return fit

    def booking(self, opens: datetime, closes: datetime, last_start: datetime) -> None:
        line = self.item.line_of("booking_closes")
        if opens >= closes:
            self.error(line, "'booking_closes' must be after 'booking_opens'")
        elif closes > last_start:
            self.error(
                line,
                f"booking must close by the start of the last slot ({last_start:%Y-%m-%dT%H:%M});"
                " move 'booking_closes' earlier",
            )


def repeats(values: list[Any]) -> int:
    """How many items repeat an earlier one (warned about, not errors)."""
    return len(values) - len({str(value) for value in values})

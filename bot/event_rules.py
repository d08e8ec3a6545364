"""One event of knowledge/events.yml: validated against its model (bot.formats), then the rules
a model cannot say, each reported at its line with what to do:

- the booking fields come all together (an event booked through the bot) or not at all;
- ids are not used twice; days and topics are not listed twice (warnings);
- times are Moroccan wall times that exist (the clocks jump forward one night around Ramadan),
  the hours split into whole slots and never straddle a clock change, and booking closes after
  it opens and before the last slot;
- the venue has a name or an address in Arabic and French, and both coordinates or neither;
- a weekday typed in a text is that of its date (bot.weekday_mentions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import ValidationError

from bot.events import TIME_ZONE, Event, Venue, to_utc
from bot.format_errors import report_validation
from bot.formats import BOOKING_FIELDS, EventFormat
from bot.knowledge import REQUIRED_LANGUAGES
from bot.validation import LANGUAGE_NAMES, Report
from bot.weekday_mentions import weekday_mismatches
from bot.yamlsource import LineDict, LineList

__all__ = ["check_event"]

_WEEKDAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TEXTS = (("title",), ("description",), ("venue", "name"), ("venue", "address"))


def check_event(item: LineDict, report: Report, seen: dict[str, int]) -> Event | None:
    """The event, or None after reporting every problem found in it."""
    raw_id = item.get("id")
    label = raw_id if isinstance(raw_id, str) and raw_id else f"the event at line {item.line}"
    errors_before = report.errors()
    if isinstance(raw_id, str) and raw_id in seen:
        report.error(
            item.line_of("id"),
            f"duplicate id '{raw_id}' (already at line {seen[raw_id]}); give each its own id",
        )
    elif isinstance(raw_id, str):
        seen[raw_id] = item.line_of("id")
    bookable = any(key in item for key in BOOKING_FIELDS)
    for key in BOOKING_FIELDS if bookable else ():
        if key not in item:
            what = EventFormat.model_fields[key].description
            report.error(
                item.line,
                f"{label}: add '{key}': {what} (or remove every booking field if citizens do "
                "not book this event through the bot)",
            )
    try:
        valid = EventFormat.model_validate(_as_written(item, report))
    except ValidationError as error:
        report_validation(error, item, report, EventFormat, label)
        return None
    rules = _Rules(item, report, label)
    days = rules.days(valid)
    venue = rules.venue(valid)
    rules.weekdays(days)
    terms = rules.booking_terms(valid, days) if bookable else {}
    if report.errors() > errors_before or venue is None or terms is None:
        return None
    return Event(
        id=valid.id,
        title=dict(valid.title),
        description=dict(valid.description),
        venue=venue,
        days=days,
        **terms,
        file=report.file,
        line=item.line,
    )


def _as_written(item: LineDict, report: Report) -> dict[str, Any]:
    """The event with its times as typed: YAML 1.1 reads an unquoted 16:00 as the number 960,
    and staff meant four in the afternoon."""
    data = dict(item)
    for key in ("opens", "closes"):
        if isinstance(data.get(key), int) and not isinstance(data[key], bool):
            data[key] = report.written(item.line_of(key))
    return data


def _exists(wall: datetime) -> bool:
    """False for a wall time skipped when Moroccan clocks jump forward."""
    return to_utc(wall).astimezone(TIME_ZONE).replace(tzinfo=None) == wall


@dataclass
class _Rules:
    item: LineDict
    report: Report
    label: str

    def error(self, line: int, message: str) -> None:
        self.report.error(line, f"{self.label}: {message}")

    def warn(self, line: int, message: str) -> None:
        self.report.warn(line, f"{self.label}: {message}")

    def days(self, valid: EventFormat) -> tuple[date, ...]:
        raw: LineList = self.item["days"]
        days: list[date] = []
        for index, day in enumerate(valid.days):
            if day in days:
                self.warn(raw.line_of(index), f"{day} is listed twice")
            else:
                days.append(day)
        topics: list[str] = []
        for index, topic in enumerate(valid.topics or ()):
            if topic in topics:
                self.warn(self.item["topics"].line_of(index), f"'{topic}' is listed twice")
            topics.append(topic)
        return tuple(sorted(days))

    def venue(self, valid: EventFormat) -> Venue | None:
        raw: LineDict = self.item["venue"]
        name = {lang: text.strip() for lang, text in (valid.venue.name or {}).items() if text}
        address = {lang: t.strip() for lang, t in (valid.venue.address or {}).items() if t}
        for lang in REQUIRED_LANGUAGES:
            if not name.get(lang) and not address.get(lang):
                self.error(
                    raw.line,
                    f"give the venue a name or an address in '{lang}' ({LANGUAGE_NAMES[lang]})",
                )
        latitude, longitude = valid.venue.latitude, valid.venue.longitude
        if (latitude is None) != (longitude is None):
            key = "longitude" if latitude is not None else "latitude"
            self.error(
                raw.line_of(key),
                "the venue needs both latitude (-90..90) and longitude (-180..180) as numbers, "
                "or both null until the position is confirmed",
            )
            return None
        return Venue(address, latitude, longitude, name)

    def weekdays(self, days: tuple[date, ...]) -> None:
        """A weekday typed in a text must be that of its date: announcements get it wrong."""
        for path in _TEXTS:
            texts: Any = self.item
            for key in path:
                texts = texts.get(key) if isinstance(texts, LineDict) else None
            if not isinstance(texts, LineDict):
                continue
            for lang, text in texts.items():
                for mismatch in weekday_mismatches(str(text or ""), days):
                    if mismatch.day is not None:
                        truth = f"{mismatch.day} is a {_WEEKDAY_WORDS[mismatch.day.weekday()]}"
                    else:
                        dates = ", ".join(str(day) for day in days)
                        weekday = _WEEKDAY_WORDS[mismatch.named]
                        truth = f"the event's day ({dates}) is not a {weekday}"
                    self.warn(
                        texts.line_of(lang),
                        f"the text says '{mismatch.written}' but {truth}; the bot writes weekdays "
                        "from the dates itself, so remove the weekday or correct it",
                    )

    def booking_terms(self, valid: EventFormat, days: tuple[date, ...]) -> dict[str, Any] | None:
        """Hours, slots, places and booking window of a bookable event, or None if wrong."""
        opens, closes = _clock(valid.opens), _clock(valid.closes)
        slot_minutes, capacity, topics = valid.slot_minutes, valid.capacity, valid.topics
        booking_opens = self.moment("booking_opens", valid.booking_opens)
        booking_closes = self.moment("booking_closes", valid.booking_closes)
        if opens is None or closes is None or slot_minutes is None:
            return None
        fit = self.hours(opens, closes, slot_minutes, valid.days)
        if fit and booking_opens and booking_closes:
            last_start = datetime.combine(days[-1], closes) - timedelta(minutes=slot_minutes)
            self.booking(booking_opens, booking_closes, last_start)
        if topics is None or capacity is None or booking_opens is None or booking_closes is None:
            return None
        return {
            "opens": opens,
            "closes": closes,
            "slot_minutes": slot_minutes,
            "capacity": capacity,
            "booking_opens": to_utc(booking_opens),
            "booking_closes": to_utc(booking_closes),
            "topics": tuple(dict.fromkeys(topics)),
        }

    def moment(self, key: str, moment: datetime | None) -> datetime | None:
        """A naive Moroccan wall time, as staff read it on the agency's clock."""
        if moment is None:
            return None
        line = self.item.line_of(key)
        if moment.tzinfo is not None:
            self.error(line, f"write '{key}' in Moroccan local time, without 'Z' or an offset")
            return None
        if not _exists(moment):
            self.error(
                line,
                f"{moment:%Y-%m-%dT%H:%M} does not exist in Morocco (the clocks jump forward "
                "that night); pick another time",
            )
            return None
        return moment

    def hours(self, opens: time, closes: time, slot_minutes: int, days: list[date]) -> bool:
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
        raw: LineList = self.item["days"]
        for index, day in enumerate(days):
            first, last = datetime.combine(day, opens), datetime.combine(day, closes)
            elapsed = to_utc(last) - to_utc(first)
            if not _exists(first) or not _exists(last) or elapsed != last - first:
                fit = False
                self.error(
                    raw.line_of(index),
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


def _clock(text: str | None) -> time | None:
    if text is None:
        return None
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes))

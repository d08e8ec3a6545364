"""Checking knowledge/events.yml: every problem at once, each with its line and what to do.

The document and each event are checked here (id, texts, venue, days, the booking terms when
given, weekdays typed in texts); the field checks are in bot.events_fields. No file means no event
is planned; content never raises, however broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.dates import local
from bot.errors import KnowledgeError, Problem, Severity
from bot.events import Event, EventSchedule, Venue, to_utc
from bot.events_fields import (
    BOOKING_FIELDS,
    FIELDS,
    ID,
    MAX_ID_LENGTH,
    TOP_LEVEL,
    VENUE_FIELDS,
    FieldChecks,
    is_coordinate,
)
from bot.knowledge import ANSWER_LANGUAGES, REQUIRED_LANGUAGES
from bot.validation import LANGUAGE_NAMES, Report, closest, read_document, report_repeated_keys
from bot.weekday_mentions import weekday_mismatches
from bot.yamlsource import LineDict, LineList

__all__ = ["check_events", "load_events"]

_WEEKDAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EMPTY = "the file is empty; write 'events: []' when no event is planned"


def check_events(path: Path, now: datetime | None = None) -> tuple[EventSchedule, list[Problem]]:
    """Every problem of the events file at once; the events only if none is an error.

    No file means no event is planned. Content never raises, however broken. With `now`, events
    whose booking window has closed are warned about too (staff forget to retire them).
    """
    path = Path(path)
    if not path.is_file():
        return EventSchedule(), []
    report = Report(str(path))
    document = read_document(path, report, _EMPTY)
    schedule = _check_document(document, report) if document is not None else EventSchedule()
    if now is not None:
        _warn_closed(schedule.events, now, report)
    problems = sorted(report.problems)
    if any(problem.severity is Severity.ERROR for problem in problems):
        return EventSchedule(), problems
    return schedule, problems


def load_events(path: Path) -> EventSchedule:
    """The events, or KnowledgeError listing every error (warnings are not fatal)."""
    schedule, problems = check_events(path)
    errors = [problem for problem in problems if problem.severity is Severity.ERROR]
    if errors:
        raise KnowledgeError(errors)
    return schedule


def _warn_closed(events: tuple[Event, ...], now: datetime, report: Report) -> None:
    for event in events:
        if event.booking_closes is not None and event.booking_closed(now):
            report.warn(
                event.line,
                f"{event.id}: booking closed on {local(event.booking_closes):%Y-%m-%d %H:%M} "
                "(Moroccan time), so citizens can no longer book it; to keep it as a past "
                "edition, remove its booking fields (opens, closes, slot_minutes, capacity, "
                "booking_opens, booking_closes, topics)",
            )


def _check_document(data: Any, report: Report) -> EventSchedule:
    if not isinstance(data, LineDict):
        report.error(1, "the file must start with 'events:' followed by the events (- id: ...)")
        return EventSchedule()
    report_repeated_keys(data, report)
    for key in data:
        if key not in TOP_LEVEL:
            hint = closest(str(key), TOP_LEVEL)
            report.error(
                data.line_of(key),
                f"unknown section '{key}'{hint}; write 'events:' and 'next_edition_planned:'",
            )
    planned = data.get("next_edition_planned", False)
    if not isinstance(planned, bool):
        report.error(
            data.line_of("next_edition_planned"),
            "'next_edition_planned' must be true (the agency has announced another edition) "
            "or false",
        )
        planned = False
    items = data.get("events")
    if items is None:
        return EventSchedule(next_edition_planned=planned)
    if not isinstance(items, LineList):
        report.error(data.line_of("events"), "'events' must be a list of events, each '- id: ...'")
        return EventSchedule(next_edition_planned=planned)
    events: list[Event] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, LineDict):
            report.error(items.line_of(index), "each event must be a mapping starting '- id:'")
            continue
        event = _EventCheck(item, report).run(seen)
        if event is not None:
            events.append(event)
    return EventSchedule(tuple(events), planned)


@dataclass
class _EventCheck(FieldChecks):
    """The checks of one event: its id, texts and venue here, its other fields inherited."""

    # (line, text) of every text written, for the weekday check once the days are known.
    written: list[tuple[int, str]] = field(default_factory=list)

    def run(self, seen: dict[str, int]) -> Event | None:
        item, errors_before = self.item, self.report.errors()
        report_repeated_keys(item, self.report)
        for key in item:
            if key not in FIELDS:
                hint = closest(str(key), FIELDS)
                self.report.error(item.line_of(key), f"unknown field '{key}'{hint}")
        event_id = self.event_id(seen)
        self.label = event_id or f"the event at line {item.line}"
        bookable = any(key in item for key in BOOKING_FIELDS)
        for key, what in FIELDS.items():
            if key in item:
                continue
            if key not in BOOKING_FIELDS:
                self.error(item.line, f"add '{key}': {what}")
            elif bookable:
                self.error(
                    item.line,
                    f"add '{key}': {what} (or remove every booking field if citizens do not "
                    "book this event through the bot)",
                )
        title = self.texts(item, "title", "title")
        description = self.texts(item, "description", "description")
        venue, days = self.venue(), self.days()
        if days is not None:
            self.weekdays(days)
        terms = self.booking_terms(days) if bookable else {}
        if (
            self.report.errors() > errors_before
            or event_id is None
            or title is None
            or description is None
            or venue is None
            or days is None
            or terms is None
        ):
            return None
        return Event(
            id=event_id,
            title=title,
            description=description,
            venue=venue,
            days=days,
            **terms,
            file=self.report.file,
            line=item.line,
        )

    def booking_terms(self, days: tuple[date, ...] | None) -> dict[str, Any] | None:
        """Hours, slots, places and booking window of a bookable event, or None if wrong."""
        topics = self.topics()
        opens, closes = self.time("opens"), self.time("closes")
        slot_minutes = self.whole("slot_minutes", 5, 240)
        capacity = self.whole("capacity", 1, 1000)
        booking_opens, booking_closes = self.moment("booking_opens"), self.moment("booking_closes")
        if days is None or opens is None or closes is None or slot_minutes is None:
            return None
        hours_fit = self.hours(opens, closes, slot_minutes)
        last_start = datetime.combine(days[-1], closes) - timedelta(minutes=slot_minutes)
        if hours_fit and booking_opens is not None and booking_closes is not None:
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
            "topics": topics,
        }

    def weekdays(self, days: tuple[date, ...]) -> None:
        """A weekday typed in a text must be that of its date: announcements get it wrong."""
        for line, text in self.written:
            for mismatch in weekday_mismatches(text, days):
                if mismatch.day is not None:
                    truth = f"{mismatch.day} is a {_WEEKDAY_WORDS[mismatch.day.weekday()]}"
                else:
                    dates = ", ".join(str(day) for day in days)
                    truth = f"the event's day ({dates}) is not a {_WEEKDAY_WORDS[mismatch.named]}"
                self.report.warn(
                    line,
                    f"{self.label}: the text says '{mismatch.written}' but {truth}; the bot "
                    "writes weekdays from the dates itself, so remove the weekday or correct it",
                )

    def event_id(self, seen: dict[str, int]) -> str | None:
        if "id" not in self.item:
            return None
        raw, line = self.item["id"], self.item.line_of("id")
        if not isinstance(raw, str) or not ID.match(raw):
            self.report.error(line, "malformed 'id': write lower-case letters, digits and '-'")
            return None
        if len(raw) > MAX_ID_LENGTH:
            self.report.error(
                line,
                f"id '{raw}' is over {MAX_ID_LENGTH} characters; buttons carry it: shorten it",
            )
        elif raw in seen:
            self.report.error(
                line, f"duplicate id '{raw}' (already at line {seen[raw]}); give each its own id"
            )
        seen.setdefault(raw, line)
        return raw

    def texts(
        self, mapping: LineDict, key: str, name: str, *, may_be_empty: bool = False
    ) -> dict[str, str] | None:
        """One text per language; `may_be_empty` for facts not confirmed yet (left out)."""
        if key not in mapping:
            return None
        raw, line = mapping[key], mapping.line_of(key)
        if raw is None and may_be_empty:
            return {}
        if not isinstance(raw, LineDict):
            self.error(line, f"'{name}' must give one text per language: ar, fr, en")
            return None
        report_repeated_keys(raw, self.report)
        texts: dict[str, str] = {}
        for lang, text in raw.items():
            text_line = raw.line_of(lang)
            if lang not in ANSWER_LANGUAGES:
                hint = closest(str(lang), ANSWER_LANGUAGES)
                self.error(
                    text_line, f"unknown language '{lang}' in '{name}'{hint} (use ar, fr, en)"
                )
            elif may_be_empty and (text is None or (isinstance(text, str) and not text.strip())):
                continue
            elif not isinstance(text, str) or not text.strip():
                self.error(text_line, f"the '{lang}' text of '{name}' is empty; write it")
            else:
                texts[str(lang)] = text.strip()
                self.written.append((text_line, text))
        for lang in () if may_be_empty else REQUIRED_LANGUAGES:
            if lang not in raw:
                self.error(line, f"add the '{name}' in '{lang}' ({LANGUAGE_NAMES[lang]})")
        return texts

    def venue(self) -> Venue | None:
        if "venue" not in self.item:
            return None
        raw = self.item["venue"]
        if not isinstance(raw, LineDict):
            self.error(self.item.line_of("venue"), f"'venue' needs {', '.join(VENUE_FIELDS)}")
            return None
        report_repeated_keys(raw, self.report)
        for key in raw:
            if key not in VENUE_FIELDS:
                hint = closest(str(key), VENUE_FIELDS)
                self.error(raw.line_of(key), f"unknown venue field '{key}'{hint}")
        name = self.texts(raw, "name", "venue.name", may_be_empty=True) or {}
        address = self.texts(raw, "address", "venue.address", may_be_empty=True)
        if address is None:
            address = {} if "address" not in raw else None
        for lang in REQUIRED_LANGUAGES:
            if address is not None and not name.get(lang) and not address.get(lang):
                self.error(
                    raw.line,
                    f"give the venue a name or an address in '{lang}' ({LANGUAGE_NAMES[lang]})",
                )
        latitude, longitude = raw.get("latitude"), raw.get("longitude")
        if latitude is None and longitude is None:
            return Venue(address, None, None, name) if address is not None else None
        if not (is_coordinate(latitude, 90) and is_coordinate(longitude, 180)):
            key = "longitude" if is_coordinate(latitude, 90) else "latitude"
            self.error(
                raw.line_of(key),
                "the venue needs both latitude (-90..90) and longitude (-180..180) as numbers, "
                "or both null until the position is confirmed",
            )
            return None
        if address is None:
            return None
        return Venue(address, float(latitude), float(longitude), name)

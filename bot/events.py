"""Communication-day events that staff edit in knowledge/events.yml, checked like the knowledge.

Staff write days and hours as they read them on a wall clock in Béni Mellal; the code turns them
into UTC instants with zoneinfo, because Morocco leaves UTC+1 for UTC+0 around Ramadan and a fixed
offset would put every booking of that month an hour off. Weekday names are never typed: they are
computed from the dates when shown (bot.dates), so a file cannot pair "mardi" with a Wednesday.

A slot is named by its local start ("202708100930"): with an id of at most 24 characters it fits
Telegram's 64-byte button data (`book:slot:<id>:<key>`) and reads plainly in logs and exports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.dates import TIME_ZONE, local
from bot.errors import KnowledgeError, Problem, Severity
from bot.knowledge import ANSWER_LANGUAGES, REQUIRED_LANGUAGES, pick_language
from bot.knowledge_loader import _LANGUAGE_NAMES, _closest, _Report, _report_repeated_keys
from bot.weekday_mentions import weekday_mismatches
from bot.yamlsource import LineDict, LineList, YamlSyntaxError, read_yaml

__all__ = [
    "NEXT_EDITION",
    "TIME_ZONE",
    "TOPICS",
    "Event",
    "EventSchedule",
    "Slot",
    "Venue",
    "check_events",
    "load_events",
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


def check_events(path: Path, now: datetime | None = None) -> tuple[EventSchedule, list[Problem]]:
    """Every problem of the events file at once; the events only if none is an error.

    No file means no event is planned. Content never raises, however broken. With `now`, events
    whose booking window has closed are warned about too (staff forget to retire them).
    """
    path = Path(path)
    if not path.is_file():
        return EventSchedule(), []
    report = _FileReport(str(path))
    document = _read(path, report)
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


def _warn_closed(events: tuple[Event, ...], now: datetime, report: _Report) -> None:
    for event in events:
        if event.booking_closes is not None and event.booking_closed(now):
            report.warn(
                event.line,
                f"{event.id}: booking closed on {local(event.booking_closes):%Y-%m-%d %H:%M} "
                "(Moroccan time), so citizens can no longer book it; to keep it as a past "
                "edition, remove its booking fields (opens, closes, slot_minutes, capacity, "
                "booking_opens, booking_closes, topics)",
            )


# ----------------------------------------------------------------------------- checks

MAX_ID_LENGTH = 24
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VENUE_FIELDS = ("name", "address", "latitude", "longitude")
_TOP_LEVEL = ("events", "next_edition_planned")
# The value says what to write when a field is missing. The first five are required; the
# booking terms (_BOOKING_FIELDS) are all given for a bookable event, or all left out.
_FIELDS = {
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
_BOOKING_FIELDS = (
    "opens",
    "closes",
    "slot_minutes",
    "capacity",
    "booking_opens",
    "booking_closes",
    "topics",
)
_WEEKDAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WRITTEN_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


@dataclass
class _FileReport(_Report):
    """A file's problems plus its lines, to read back what YAML turned into something else."""

    lines: list[str] = field(default_factory=list)

    def written(self, line: int) -> str:
        """The value as typed on a `key: value` line: YAML 1.1 reads an unquoted 16:00 as 960."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return text.partition(":")[2].split("#")[0].strip().strip("'\"")

    def errors(self) -> int:
        return sum(problem.severity is Severity.ERROR for problem in self.problems)


def _read(path: Path, report: _FileReport) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        report.error(1, "the file is not UTF-8 text; save it again as UTF-8")
        return None
    report.lines = text.splitlines()
    try:
        document = read_yaml(text)
    except YamlSyntaxError as exc:
        report.error(
            exc.line,
            f"not valid YAML ({exc.message}); check the indentation and the quotes near this line",
        )
        return None
    except ValueError as exc:
        # PyYAML builds dates itself and lets an impossible one (2027-02-30) out as ValueError.
        report.error(_impossible_date_line(report.lines), f"a date does not exist ({exc})")
        return None
    except TypeError:
        report.error(1, "a key is a list or a mapping; keys must be plain words like 'title'")
        return None
    if document is None:
        report.warn(1, "the file is empty; write 'events: []' when no event is planned")
    return document


def _impossible_date_line(lines: list[str]) -> int:
    for number, text in enumerate(lines, start=1):
        for year, month, day in _WRITTEN_DATE.findall(text.split("#")[0]):
            try:
                date(int(year), int(month), int(day))
            except ValueError:
                return number
    return 1


def _check_document(data: Any, report: _FileReport) -> EventSchedule:
    if not isinstance(data, LineDict):
        report.error(1, "the file must start with 'events:' followed by the events (- id: ...)")
        return EventSchedule()
    _report_repeated_keys(data, report)
    for key in data:
        if key not in _TOP_LEVEL:
            hint = _closest(str(key), _TOP_LEVEL)
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


def _as_day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _exists(wall: datetime) -> bool:
    """False for a wall time skipped when Moroccan clocks jump forward."""
    return to_utc(wall).astimezone(TIME_ZONE).replace(tzinfo=None) == wall


def _is_coordinate(value: Any, limit: int) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and -limit <= value <= limit


@dataclass
class _EventCheck:
    """The checks of one event; each field check reports its own problems and returns None."""

    item: LineDict
    report: _FileReport
    label: str = ""
    # (line, text) of every text written, for the weekday check once the days are known.
    written: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.report.error(line, f"{self.label}: {message}")

    def run(self, seen: dict[str, int]) -> Event | None:
        item, errors_before = self.item, self.report.errors()
        _report_repeated_keys(item, self.report)
        for key in item:
            if key not in _FIELDS:
                hint = _closest(str(key), _FIELDS)
                self.report.error(item.line_of(key), f"unknown field '{key}'{hint}")
        event_id = self.event_id(seen)
        self.label = event_id or f"the event at line {item.line}"
        bookable = any(key in item for key in _BOOKING_FIELDS)
        for key, what in _FIELDS.items():
            if key in item:
                continue
            if key not in _BOOKING_FIELDS:
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
        if not isinstance(raw, str) or not _ID.match(raw):
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
        _report_repeated_keys(raw, self.report)
        texts: dict[str, str] = {}
        for lang, text in raw.items():
            text_line = raw.line_of(lang)
            if lang not in ANSWER_LANGUAGES:
                hint = _closest(str(lang), ANSWER_LANGUAGES)
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
                self.error(line, f"add the '{name}' in '{lang}' ({_LANGUAGE_NAMES[lang]})")
        return texts

    def venue(self) -> Venue | None:
        if "venue" not in self.item:
            return None
        raw = self.item["venue"]
        if not isinstance(raw, LineDict):
            self.error(self.item.line_of("venue"), f"'venue' needs {', '.join(_VENUE_FIELDS)}")
            return None
        _report_repeated_keys(raw, self.report)
        for key in raw:
            if key not in _VENUE_FIELDS:
                hint = _closest(str(key), _VENUE_FIELDS)
                self.error(raw.line_of(key), f"unknown venue field '{key}'{hint}")
        name = self.texts(raw, "name", "venue.name", may_be_empty=True) or {}
        address = self.texts(raw, "address", "venue.address", may_be_empty=True)
        if address is None:
            address = {} if "address" not in raw else None
        for lang in REQUIRED_LANGUAGES:
            if address is not None and not name.get(lang) and not address.get(lang):
                self.error(
                    raw.line,
                    f"give the venue a name or an address in '{lang}' ({_LANGUAGE_NAMES[lang]})",
                )
        latitude, longitude = raw.get("latitude"), raw.get("longitude")
        if latitude is None and longitude is None:
            return Venue(address, None, None, name) if address is not None else None
        if not (_is_coordinate(latitude, 90) and _is_coordinate(longitude, 180)):
            key = "longitude" if _is_coordinate(latitude, 90) else "latitude"
            self.error(
                raw.line_of(key),
                "the venue needs both latitude (-90..90) and longitude (-180..180) as numbers, "
                "or both null until the position is confirmed",
            )
            return None
        if address is None:
            return None
        return Venue(address, float(latitude), float(longitude), name)

    def days(self) -> tuple[date, ...] | None:
        if "days" not in self.item:
            return None
        raw = self.item["days"]
        if not isinstance(raw, LineList) or not raw:
            self.error(self.item.line_of("days"), "'days' must list dates, like - 2027-08-10")
            return None
        days: list[date] = []
        for index, value in enumerate(raw):
            day = _as_day(value)
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
        return tuple(sorted(days)) if len(days) + _repeats(raw) == len(raw) else None

    def time(self, key: str) -> time | None:
        if key not in self.item:
            return None
        raw, line = self.item[key], self.item.line_of(key)
        written = ""
        if isinstance(raw, str):
            written = raw.strip()
        elif isinstance(raw, int) and not isinstance(raw, bool):
            written = self.report.written(line)
        match = _TIME.match(written)
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
        if isinstance(raw, str) and _MOMENT.match(raw.strip()):
            try:
                moment = datetime.fromisoformat(raw.strip())
            except ValueError:
                moment = None
        if moment is None:
            self.error(line, f"'{key}' must be a Moroccan local time like 2026-12-01T09:00")
        elif moment.tzinfo is not None:
            self.error(line, f"write '{key}' in Moroccan local time, without 'Z' or an offset")
        elif not _exists(moment):
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
                hint = _closest(str(topic), TOPICS)
                self.error(
                    raw.line_of(index), f"unknown topic '{topic}'{hint} (use {', '.join(TOPICS)})"
                )
            elif topic in topics:
                self.report.warn(raw.line_of(index), f"{self.label}: '{topic}' is listed twice")
            else:
                topics.append(topic)
        return tuple(topics) if len(topics) + _repeats(raw) == len(raw) else None

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
            day = _as_day(value)
            if day is None:
                continue
            first, last = datetime.combine(day, opens), datetime.combine(day, closes)
            elapsed = to_utc(last) - to_utc(first)
            if not _exists(first) or not _exists(last) or elapsed != last - first:
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


def _repeats(values: list[Any]) -> int:
    """How many items repeat an earlier one (warned about, not errors)."""
    return len(values) - len({str(value) for value in values})

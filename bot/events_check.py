"""Checking knowledge/events.yml: every problem at once, each with its line and what to do.

The document is checked here; each event by bot.event_rules, against its model (bot.formats).
No file means no event is planned; content never raises, however broken.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.dates import local
from bot.errors import KnowledgeError, Problem, Severity
from bot.event_rules import check_event
from bot.events import Event, EventSchedule
from bot.formats import EventsFile
from bot.validation import Report, closest, read_document, report_repeated_keys
from bot.yamlsource import LineDict, LineList

__all__ = ["check_events", "load_events"]

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
    top_level = list(EventsFile.model_fields)
    for key in data:
        if key not in top_level:
            hint = closest(str(key), top_level)
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
        event = check_event(item, report, seen)
        if event is not None:
            events.append(event)
    return EventSchedule(tuple(events), planned)

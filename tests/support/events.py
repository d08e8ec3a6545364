"""Events files that tests write for themselves, dated relative to the frozen "now".

No test reads knowledge/events.yml for its dates: each builds the events it needs here, one
open for booking, one not open yet, one whose booking has closed, one on both sides of Morocco's
Ramadan clock change, all placed relative to the instant the test's clock shows. Times are
written as staff write them: Moroccan wall-clock time, without an offset.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot.dates import TIME_ZONE, local

__all__ = [
    "ROOT",
    "closed_event",
    "event_block",
    "events_file",
    "knowledge_with_events",
    "next_clock_change",
    "not_yet_open_event",
    "open_event",
    "ramadan_event",
    "wall",
]

ROOT = Path(__file__).resolve().parents[2]
HEADQUARTERS = (32.3373, -6.3498)


def wall(moment: datetime) -> str:
    """An instant as staff write it in the events file: Moroccan local time, to the minute."""
    return local(moment).strftime("%Y-%m-%dT%H:%M")


def day_after(now: datetime, days: int) -> date:
    """The Moroccan calendar day `days` after the day of `now`."""
    return local(now).date() + timedelta(days=days)


def evening_before(day: date) -> str:
    return f"{(day - timedelta(days=1)).isoformat()}T18:00"


def event_block(
    event_id: str,
    days: Sequence[date],
    *,
    booking_opens: str | None = None,
    booking_closes: str | None = None,
    opens: str = "09:00",
    closes: str = "10:00",
    slot_minutes: int = 30,
    capacity: int = 2,
    coordinates: tuple[float, float] | None = HEADQUARTERS,
) -> str:
    """One event of an events file; without a booking window it is only announced."""
    latitude, longitude = coordinates if coordinates else ("null", "null")
    lines = [
        f"  - id: {event_id}",
        f"    title: {{ar: اليوم التواصلي {event_id}, fr: Journée {event_id}, "
        f"en: Day {event_id}}}",
        "    description: {ar: لقاء مع مغاربة العالم, fr: Rencontre avec les Marocains du monde}",
        "    venue:",
        "      name: {ar: مقر الوكالة الحضرية لبني ملال, "
        "fr: Siège de l'Agence urbaine de Béni Mellal}",
        f"      latitude: {latitude}",
        f"      longitude: {longitude}",
        f"    days: [{', '.join(day.isoformat() for day in days)}]",
    ]
    if booking_opens is not None and booking_closes is not None:
        lines += [
            f'    opens: "{opens}"',
            f'    closes: "{closes}"',
            f"    slot_minutes: {slot_minutes}",
            f"    capacity: {capacity}",
            f"    booking_opens: {booking_opens}",
            f"    booking_closes: {booking_closes}",
            "    topics: [building_permit, housing_aid, digital_services, other]",
        ]
    return "\n".join(lines) + "\n"


def events_file(*blocks: str, next_edition_planned: bool = False) -> str:
    planned = "true" if next_edition_planned else "false"
    body = "".join(blocks) if blocks else "  []\n"
    return f"next_edition_planned: {planned}\nevents:\n{body}"


def open_event(now: datetime, event_id: str = "open-day", ahead: int = 60, **terms) -> str:
    """Open for booking since a month ago; takes place `ahead` days from now."""
    day = day_after(now, ahead)
    return event_block(
        event_id,
        [day],
        booking_opens=wall(now - timedelta(days=30)),
        booking_closes=evening_before(day),
        **terms,
    )


def not_yet_open_event(now: datetime, event_id: str = "later-day", **terms) -> str:
    """Booking opens in ten days, for a day three months ahead."""
    day = day_after(now, 90)
    return event_block(
        event_id,
        [day],
        booking_opens=wall(now + timedelta(days=10)),
        booking_closes=evening_before(day),
        **terms,
    )


def closed_event(now: datetime, event_id: str = "closed-day", **terms) -> str:
    """Booking closed yesterday; the event itself is still five days ahead."""
    day = day_after(now, 5)
    return event_block(
        event_id,
        [day],
        booking_opens=wall(now - timedelta(days=30)),
        booking_closes=wall(now - timedelta(days=1)),
        **terms,
    )


def next_clock_change(now: datetime) -> tuple[date, timedelta, timedelta]:
    """The first Moroccan day after `now` whose clock differs from the day before (Ramadan
    moves Morocco between UTC+1 and UTC+0), with the offsets before and after."""
    day = local(now).date()
    before = datetime.combine(day, time(12), TIME_ZONE).utcoffset()
    for _ in range(800):
        day += timedelta(days=1)
        after = datetime.combine(day, time(12), TIME_ZONE).utcoffset()
        if after != before:
            assert before is not None and after is not None
            return day, before, after
    raise AssertionError("no clock change in the tz database for two years")


def ramadan_event(now: datetime, event_id: str = "ramadan-day") -> str:
    """One hour-long slot at 10:00 on the day before and the day after the next clock change;
    open for booking now."""
    change, _, _ = next_clock_change(now)
    days = [change - timedelta(days=1), change + timedelta(days=1)]
    return event_block(
        event_id,
        days,
        booking_opens=wall(now - timedelta(days=1)),
        booking_closes=evening_before(days[0]),
        opens="10:00",
        closes="11:00",
        slot_minutes=60,
    )


def knowledge_with_events(folder: Path, events_text: str) -> Path:
    """A copy of the shipped knowledge whose events file is the test's own."""
    knowledge = Path(folder) / "knowledge"
    knowledge.mkdir(parents=True, exist_ok=True)
    for source in (ROOT / "knowledge").glob("*.yml"):
        if source.name != "events.yml":
            shutil.copyfile(source, knowledge / source.name)
    (knowledge / "events.yml").write_text(events_text, encoding="utf-8")
    return knowledge

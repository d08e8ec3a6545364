"""A made-up communication day, open for booking from today, to try the whole booking flow.

The shipped events file holds only what the agency announced, so most days nothing can be
booked. `python -m bot chat --demo-event` serves this event instead, with its own throw-away
database. It is written as an events file and read by the same checker as the staff's file, so
the demo cannot drift from what the real format accepts; its dates follow the clock it is given.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from bot.dates import local
from bot.events import EventSchedule
from bot.events_check import load_events

__all__ = ["DEMO_EVENT_ID", "demo_events_yaml", "write_demo_events"]

DEMO_EVENT_ID = "demo-day"
# Far enough ahead for reminders to matter, near enough to read as a real appointment.
_DAYS_AHEAD = 14


def _working_days(start: date, count: int) -> list[date]:
    """The first `count` days from `start` on that are not a Saturday or a Sunday."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def demo_events_yaml(now: datetime) -> str:
    """An events file whose one event opened for booking yesterday and takes place on two
    working days two weeks ahead, from 09:00 to 12:00 (the Ramadan clock change happens at
    night, so these hours never straddle it)."""
    today = local(now).date()
    first, second = _working_days(today + timedelta(days=_DAYS_AHEAD), 2)
    return f"""\
# A demonstration event made by `python -m bot chat --demo-event`: not an announcement.
events:
  - id: {DEMO_EVENT_ID}
    title:
      ar: "يوم تواصلي تجريبي (للتجربة فقط)"
      fr: "Journée de communication de démonstration (essai)"
      en: "Demonstration communication day (trial only)"
    description:
      ar: "لقاء وهمي لتجربة الحجز عبر البوت، لا يطابق أي إعلان للوكالة."
      fr: >-
        Rencontre fictive pour essayer la réservation avec le bot ; elle ne correspond à
        aucune annonce de l'agence.
      en: >-
        A made-up meeting to try booking with the bot; it matches no announcement of the
        agency.
    venue:
      name:
        ar: "مقر الوكالة الحضرية لبني ملال"
        fr: "Siège de l'Agence urbaine de Béni Mellal"
        en: "Headquarters of the Urban Agency of Beni Mellal"
      latitude: null
      longitude: null
    days: [{first.isoformat()}, {second.isoformat()}]
    opens: "09:00"
    closes: "12:00"
    slot_minutes: 30
    capacity: 3
    booking_opens: {(today - timedelta(days=1)).isoformat()}T08:00
    booking_closes: {(first - timedelta(days=1)).isoformat()}T18:00
    topics: [building_permit, housing_aid, digital_services, other]
"""


def write_demo_events(folder: Path, now: datetime) -> EventSchedule:
    """Write the demo events file into `folder` (a throw-away one) and load it as staff's is."""
    path = Path(folder) / "events.demo.yml"
    path.write_text(demo_events_yaml(now), encoding="utf-8")
    return load_events(path)

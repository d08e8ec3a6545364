"""The booking's calendar file, read back as a calendar app would read it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.calendar_file import booking_ics
from bot.events_check import load_events

# An event of the test's own: the file's dates are read as they are, whatever today is.
EVENTS = """\
events:
  - id: mre-day
    title: {ar: اليوم التواصلي لفائدة مغاربة العالم, fr: Journée de communication}
    description: {ar: لقاء مع مغاربة العالم, fr: Rencontre avec les Marocains du monde}
    venue:
      name: {ar: مقر الوكالة الحضرية لبني ملال, fr: Siège de l'Agence urbaine de Béni Mellal}
      address: {ar: بني ملال, fr: Béni Mellal}
      latitude: null
      longitude: null
    days: [2027-08-09, 2027-08-10]
    opens: "09:00"
    closes: "16:00"
    slot_minutes: 30
    capacity: 5
    booking_opens: 2026-12-01T09:00
    booking_closes: 2027-08-08T18:00
    topics: [building_permit, housing_aid]
"""
STAMP = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def event(tmp_path_factory):
    path = tmp_path_factory.mktemp("events") / "events.yml"
    path.write_text(EVENTS, encoding="utf-8")
    (event,) = load_events(path).events
    return event


def parse(data: bytes):
    calendar = Calendar.from_ical(data)
    (appointment,) = calendar.walk("VEVENT")
    return calendar, appointment


def test_one_appointment_in_utc_named_by_the_booking_code(event):
    slot = event.slot("202708100930")
    data = booking_ics(event, slot, "K7M2QX", "fr", stamp=STAMP)
    calendar, appointment = parse(data)
    assert str(calendar["PRODID"]) == "-//AUBM//MRE bot//"
    assert str(appointment["UID"]) == "K7M2QX@aubm-mre-bot"
    assert appointment.decoded("DTSTART") == datetime(2027, 8, 10, 8, 30, tzinfo=UTC)
    assert appointment.decoded("DTEND") == datetime(2027, 8, 10, 9, 0, tzinfo=UTC)
    assert b"DTSTART:20270810T083000Z" in data
    assert str(appointment["SUMMARY"]) == f"{event.title['fr']} (K7M2QX)"
    assert str(appointment["LOCATION"]) == "Siège de l'Agence urbaine de Béni Mellal, Béni Mellal"
    assert "K7M2QX" in str(appointment["DESCRIPTION"])
    assert "GEO" not in appointment


def test_reminder_the_day_before(event):
    _, appointment = parse(booking_ics(event, event.slots()[0], "K7M2QX", "en", stamp=STAMP))
    (alarm,) = appointment.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(days=1)


def test_texts_follow_the_language(event):
    slot = event.slots()[0]
    _, appointment = parse(booking_ics(event, slot, "K7M2QX", "ar", stamp=STAMP))
    assert str(appointment["SUMMARY"]) == f"{event.title['ar']} (K7M2QX)"
    assert str(appointment["LOCATION"]) == "مقر الوكالة الحضرية لبني ملال، بني ملال"
    assert str(appointment["DESCRIPTION"]).startswith("رمز الحجز: K7M2QX")


def test_map_position_once_confirmed(event):
    placed = replace(event, venue=replace(event.venue, latitude=32.33, longitude=-6.35))
    _, appointment = parse(booking_ics(placed, placed.slots()[0], "K7M2QX", "fr", stamp=STAMP))
    geo = appointment["GEO"]
    assert (geo.latitude, geo.longitude) == (32.33, -6.35)


def test_same_booking_gives_the_same_bytes(event):
    slot = event.slots()[0]
    first = booking_ics(event, slot, "K7M2QX", "fr", stamp=STAMP)
    assert booking_ics(event, slot, "K7M2QX", "fr", stamp=STAMP) == first


def test_the_stamp_is_the_clock_it_is_given(event):
    later = STAMP + timedelta(days=3)
    _, appointment = parse(booking_ics(event, event.slots()[0], "K7M2QX", "fr", stamp=later))
    assert appointment.decoded("DTSTAMP") == later


def test_a_venue_without_its_address_is_named_alone(event):
    unnamed = replace(event, venue=replace(event.venue, address={}))
    _, appointment = parse(booking_ics(unnamed, unnamed.slots()[0], "K7M2QX", "fr", stamp=STAMP))
    assert str(appointment["LOCATION"]) == "Siège de l'Agence urbaine de Béni Mellal"

"""The events file: the shipped one loads; every mistake is reported with its line and what to do;
slots fall on the right UTC instants on both sides of Morocco's Ramadan clock change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.errors import KnowledgeError, Severity
from bot.events import TIME_ZONE, TOPICS, check_events, load_events

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "knowledge" / "events.yml"

VALID = """\
events:
  - id: mre-day
    title:
      ar: "اليوم التواصلي"
      fr: "Journée de communication"
    description:
      ar: "لقاء مع مغاربة العالم"
      fr: "Rencontre avec les Marocains du monde"
    venue:
      address:
        ar: "سوق الأحد، مقر الوكالة"
        fr: "Siège de l'agence"
      latitude: null
      longitude: null
    days:
      - 2027-08-09
      - 2027-08-10
    opens: "09:00"
    closes: "16:00"
    slot_minutes: 30
    capacity: 5
    booking_opens: 2026-12-01T09:00
    booking_closes: 2027-08-08T18:00
    topics: [building_permit, housing_aid]
"""


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.yml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(*changes: tuple[str, str]) -> str:
    text = VALID
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


@pytest.fixture(scope="module")
def shipped():
    (event,) = load_events(SHIPPED)
    return event


# ----------------------------------------------------------------------------- the shipped file


def test_shipped_events_file_loads_without_any_problem():
    events, problems = check_events(SHIPPED)
    assert problems == []
    assert [event.id for event in events] == ["mre-day-2027"]


def test_shipped_event_is_the_august_communication_day(shipped):
    assert shipped.days == (date(2027, 8, 9), date(2027, 8, 10))
    assert (shipped.opens, shipped.closes, shipped.slot_minutes) == (time(9), time(16), 30)
    assert shipped.capacity == 5
    assert shipped.topics == TOPICS
    assert shipped.venue.latitude is None and shipped.venue.longitude is None
    for lang in ("ar", "fr", "en"):
        assert shipped.title_in(lang) == shipped.title[lang]
        assert shipped.venue.address_in(lang)
    # Written in Moroccan local time, UTC+1 in December and August.
    assert shipped.booking_opens == utc(2026, 12, 1, 8, 0)
    assert shipped.booking_closes == utc(2027, 8, 8, 17, 0)
    assert shipped.file == str(SHIPPED) and shipped.line == line_of(SHIPPED.read_text(), "- id:")


def test_shipped_event_has_half_hour_slots_from_nine_to_four(shipped):
    slots = shipped.slots()
    assert len(slots) == 2 * 14
    assert slots[0].start == utc(2027, 8, 9, 8, 0) and slots[0].key == "202708090900"
    assert slots[-1].key == "202708101530" and slots[-1].end == utc(2027, 8, 10, 15, 0)
    assert all(slot.end - slot.start == timedelta(minutes=30) for slot in slots)
    assert all(slot.event_id == "mre-day-2027" for slot in slots)
    assert len({slot.key for slot in slots}) == len(slots)


def test_slot_is_found_by_its_local_key(shipped):
    slot = shipped.slot("202708100930")
    assert slot is not None and slot.start == utc(2027, 8, 10, 8, 30)
    assert shipped.slot("202708100945") is None
    assert shipped.slot("nonsense") is None


def test_title_falls_back_to_french_then_arabic(shipped):
    assert shipped.title_in("es") == shipped.title["fr"]
    no_french = replace(shipped, title={"ar": "اليوم التواصلي"})
    assert no_french.title_in("en") == "اليوم التواصلي"


# ----------------------------------------------------------------------------- open / upcoming


def test_booking_is_open_only_inside_its_window(shipped):
    assert not shipped.is_open(utc(2026, 11, 23, 12, 0))
    assert shipped.is_open(utc(2026, 12, 1, 8, 0))
    assert shipped.is_open(utc(2027, 8, 8, 16, 59))
    assert not shipped.is_open(utc(2027, 8, 8, 17, 0))


def test_booking_closes_with_the_last_slot_whatever_the_window_says(shipped):
    late = replace(shipped, booking_closes=utc(2028, 1, 1, 0, 0))
    last_start = utc(2027, 8, 10, 14, 30)
    assert late.is_open(last_start - timedelta(minutes=1))
    assert not late.is_open(last_start)


def test_event_is_upcoming_until_its_last_slot_ends(shipped):
    assert shipped.is_upcoming(utc(2026, 11, 23, 12, 0))
    assert shipped.is_upcoming(utc(2027, 8, 10, 14, 59))
    assert not shipped.is_upcoming(utc(2027, 8, 10, 15, 0))


# ----------------------------------------------------------------------------- Morocco's clock


def test_morocco_is_utc_plus_0_during_ramadan_2027_and_utc_plus_1_around_it():
    """The premise of the next test, as the tz database has it (Ramadan ≈ 8 Feb – 9 Mar 2027)."""
    offsets = {
        day: datetime.combine(day, time(10), TIME_ZONE).utcoffset()
        for day in (date(2027, 2, 5), date(2027, 2, 8), date(2027, 3, 15))
    }
    assert offsets == {
        date(2027, 2, 5): timedelta(hours=1),
        date(2027, 2, 8): timedelta(0),
        date(2027, 3, 15): timedelta(hours=1),
    }


def test_slots_follow_the_moroccan_clock_on_both_sides_of_a_change(tmp_path):
    text = edited(
        (
            "      - 2027-08-09\n      - 2027-08-10",
            "      - 2027-02-05\n      - 2027-02-08\n      - 2027-03-15",
        ),
        ('opens: "09:00"', 'opens: "10:00"'),
        ('closes: "16:00"', 'closes: "11:00"'),
        ("slot_minutes: 30", "slot_minutes: 60"),
        ("booking_closes: 2027-08-08T18:00", "booking_closes: 2027-02-05T09:00"),
    )
    (event,) = load_events(write(tmp_path, text))
    slots = event.slots()
    assert [slot.start for slot in slots] == [
        utc(2027, 2, 5, 9, 0),  # UTC+1: 10:00 local is 09:00 UTC
        utc(2027, 2, 8, 10, 0),  # UTC+0 during Ramadan: 10:00 local is 10:00 UTC
        utc(2027, 3, 15, 9, 0),  # UTC+1 again
    ]
    assert [slot.key for slot in slots] == ["202702051000", "202702081000", "202703151000"]
    assert event.slot("202702081000") == slots[1]
    assert event.booking_closes == utc(2027, 2, 5, 8, 0)


def test_hours_across_a_clock_change_are_refused(tmp_path):
    text = edited(
        ("      - 2027-08-10", "      - 2027-03-14"),
        ('opens: "09:00"', 'opens: "01:00"'),
        ('closes: "16:00"', 'closes: "05:00"'),
    )
    events, problems = check_events(write(tmp_path, text))
    assert events == []
    (problem,) = problems
    assert problem.line == line_of(text, "2027-03-14")
    assert "Moroccan clocks change on 2027-03-14 between 01:00 and 05:00" in problem.message


# ----------------------------------------------------------------------------- every mistake

MISTAKES = [
    pytest.param(
        [("capacity: 5", "capacty: 5")],
        "unknown field 'capacty' (did you mean 'capacity'?)",
        "capacty",
        id="unknown-field",
    ),
    pytest.param(
        [("    capacity: 5\n", "")], "mre-day: add 'capacity'", "- id:", id="missing-field"
    ),
    pytest.param(
        [("capacity: 5", "capacity: 5\n    capacity: 6")],
        "'capacity' is given twice",
        "capacity: 6",
        id="repeated-field",
    ),
    pytest.param([("id: mre-day", 'id: "MRE Day"')], "malformed 'id'", "id:", id="bad-id"),
    pytest.param(
        [("id: mre-day", "id: mre-day-for-moroccans-abroad")],
        "over 24 characters",
        "id:",
        id="long-id",
    ),
    pytest.param(
        [('      ar: "اليوم التواصلي"\n', "")],
        "add the 'title' in 'ar' (Arabic)",
        "title:",
        id="title-without-arabic",
    ),
    pytest.param(
        [('fr: "Journée de communication"', 'de: "Kommunikationstag"')],
        "unknown language 'de' in 'title'",
        "de:",
        id="unknown-language",
    ),
    pytest.param(
        [('fr: "Rencontre avec les Marocains du monde"', 'fr: ""')],
        "the 'fr' text of 'description' is empty",
        'fr: ""',
        id="empty-text",
    ),
    pytest.param(
        [("latitude: null", "lattitude: null")],
        "unknown venue field 'lattitude' (did you mean 'latitude'?)",
        "lattitude",
        id="venue-field",
    ),
    pytest.param(
        [("latitude: null", "latitude: 32.33")],
        "both latitude (-90..90) and longitude (-180..180)",
        "longitude:",
        id="latitude-alone",
    ),
    pytest.param(
        [("latitude: null\n      longitude: null", "latitude: 132.3\n      longitude: -6.35")],
        "both latitude (-90..90) and longitude (-180..180)",
        "latitude:",
        id="latitude-out-of-range",
    ),
    pytest.param(
        [("      - 2027-08-10", "      - mardi 10 août 2027")],
        "is not a date; write it as YYYY-MM-DD",
        "mardi",
        id="day-with-weekday",
    ),
    pytest.param(
        [("      - 2027-08-10", "      - 2027-02-30")],
        "a date does not exist",
        "2027-02-30",
        id="impossible-day",
    ),
    pytest.param(
        [('opens: "09:00"', "opens: 9h")],
        "'opens' must be a time like '09:00'",
        "opens:",
        id="bad-time",
    ),
    pytest.param(
        [('closes: "16:00"', 'closes: "08:00"')],
        "'closes' (08:00) must be after 'opens' (09:00)",
        "closes:",
        id="closes-before-opens",
    ),
    pytest.param(
        [("slot_minutes: 30", "slot_minutes: 45")],
        "the 420 minutes from 09:00 to 16:00 do not split into 45-minute slots",
        "slot_minutes:",
        id="slots-do-not-divide",
    ),
    pytest.param(
        [("slot_minutes: 30", "slot_minutes: 300")],
        "'slot_minutes' must be a whole number, 5 to 240",
        "slot_minutes:",
        id="slot-too-long",
    ),
    pytest.param(
        [("capacity: 5", "capacity: 0")],
        "'capacity' must be a whole number, 1 to 1000",
        "capacity:",
        id="capacity-zero",
    ),
    pytest.param(
        [("capacity: 5", "capacity: five")],
        "'capacity' must be a whole number, 1 to 1000",
        "capacity:",
        id="capacity-text",
    ),
    pytest.param(
        [("booking_opens: 2026-12-01T09:00", "booking_opens: 01/12/2026 09:00")],
        "'booking_opens' must be a Moroccan local time like 2026-12-01T09:00",
        "booking_opens:",
        id="booking-format",
    ),
    pytest.param(
        [("booking_opens: 2026-12-01T09:00", 'booking_opens: "2026-12-01T09:00+01:00"')],
        "without 'Z' or an offset",
        "booking_opens:",
        id="booking-offset",
    ),
    pytest.param(
        [("booking_opens: 2026-12-01T09:00", "booking_opens: 2027-03-14T02:30")],
        "2027-03-14T02:30 does not exist in Morocco",
        "booking_opens:",
        id="booking-in-clock-gap",
    ),
    pytest.param(
        [("booking_closes: 2027-08-08T18:00", "booking_closes: 2026-11-30T18:00")],
        "'booking_closes' must be after 'booking_opens'",
        "booking_closes:",
        id="booking-closes-first",
    ),
    pytest.param(
        [("booking_closes: 2027-08-08T18:00", "booking_closes: 2027-08-10T16:00")],
        "booking must close by the start of the last slot (2027-08-10T15:30)",
        "booking_closes:",
        id="booking-after-last-slot",
    ),
    pytest.param(
        [("topics: [building_permit, housing_aid]", "topics: [building_permit, housing]")],
        "unknown topic 'housing' (did you mean 'housing_aid'?)",
        "topics:",
        id="unknown-topic",
    ),
    pytest.param(
        [("topics: [building_permit, housing_aid]", "topics: []")],
        "'topics' needs some of: building_permit",
        "topics:",
        id="no-topic",
    ),
    pytest.param(
        [("events:", "evnts:")],
        "unknown section 'evnts' (did you mean 'events'?)",
        "evnts:",
        id="unknown-section",
    ),
]


@pytest.mark.parametrize(("changes", "message", "marker"), MISTAKES)
def test_each_mistake_is_reported_on_its_line(tmp_path, changes, message, marker):
    text = edited(*changes)
    path = write(tmp_path, text)
    events, problems = check_events(path)
    assert events == []
    found = [p for p in problems if message in p.message and p.severity is Severity.ERROR]
    assert found, [str(p) for p in problems]
    assert found[0].line == line_of(text, marker)
    assert found[0].file == str(path)


def test_every_problem_is_reported_at_once(tmp_path):
    text = edited(
        ("capacity: 5", "capacity: 0"),
        ("topics: [building_permit, housing_aid]", "topics: [permits]"),
        ('opens: "09:00"', "opens: nine"),
    )
    with pytest.raises(KnowledgeError) as caught:
        load_events(write(tmp_path, text))
    lines = [problem.line for problem in caught.value.problems]
    assert lines == [line_of(text, m) for m in ("opens:", "capacity:", "topics:")]
    assert f"{tmp_path / 'events.yml'}:{line_of(text, 'capacity:')}: error:" in str(caught.value)


def test_broken_yaml_is_reported_near_its_line(tmp_path):
    text = edited(('fr: "Journée de communication"', 'fr: "Journée de communication'))
    events, problems = check_events(write(tmp_path, text))
    assert events == []
    (problem,) = problems
    assert "not valid YAML" in problem.message and "indentation" in problem.message
    assert problem.line >= line_of(text, "Journée de communication")


def test_duplicate_ids_point_at_the_first_one(tmp_path):
    text = VALID + VALID.removeprefix("events:\n")
    events, problems = check_events(write(tmp_path, text))
    assert events == []
    (problem,) = problems
    assert problem.message.startswith("duplicate id 'mre-day' (already at line 2)")
    assert problem.line == len(VALID.splitlines()) + 1


def test_weekday_names_are_warned_about_but_accepted(tmp_path):
    text = edited(
        ('ar: "اليوم التواصلي"', 'ar: "اليوم التواصلي يوم الثلاثاء والخميس"'),
        ('fr: "Journée de communication"', 'fr: "Journée de communication du Mardi"'),
        ('fr: "Rencontre avec les Marocains du monde"', 'fr: "Rencontre"\n      en: "Sundays"'),
    )
    events, problems = check_events(write(tmp_path, text))
    assert len(events) == 1
    assert all(p.severity is Severity.WARNING for p in problems)
    removed = {p.message.split("remove ")[1] for p in problems}
    assert removed == {"'الثلاثاء'", "'والخميس'", "'Mardi'", "'Sundays'"}
    assert all("weekday names are computed from dates" in p.message for p in problems)
    assert problems[0].line == line_of(text, "الثلاثاء")


def test_unquoted_times_are_read_as_written(tmp_path):
    # YAML 1.1 reads an unquoted 16:00 as the number 960; staff meant four in the afternoon.
    text = edited(('opens: "09:00"', "opens: 09:00"), ('closes: "16:00"', "closes: 16:00"))
    (event,) = load_events(write(tmp_path, text))
    assert (event.opens, event.closes) == (time(9), time(16))


def test_coordinates_when_confirmed(tmp_path):
    text = edited(
        ("latitude: null\n      longitude: null", "latitude: 32.3\n      longitude: -6.3")
    )
    (event,) = load_events(write(tmp_path, text))
    assert (event.venue.latitude, event.venue.longitude) == (32.3, -6.3)


def test_no_file_empty_file_and_no_event(tmp_path):
    assert check_events(tmp_path / "missing.yml") == ([], [])
    assert check_events(write(tmp_path, "events:\n")) == ([], [])
    events, problems = check_events(write(tmp_path, ""))
    assert events == [] and [p.severity for p in problems] == [Severity.WARNING]
    (tmp_path / "events.yml").write_bytes(b"events:\n  - id: caf\xe9\n")
    events, problems = check_events(tmp_path / "events.yml")
    assert events == [] and "UTF-8" in problems[0].message

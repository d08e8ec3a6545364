"""The events file: the shipped one holds only the announced past edition; every mistake is
reported with its line and what to do; slots fall on the right UTC instants on both sides of
Morocco's Ramadan clock change; kb check warns about closed windows and wrong weekdays."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.errors import KnowledgeError, Problem, Severity
from bot.events import TIME_ZONE, Event
from bot.events_check import check_events, load_events

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


def checked(path: Path, now: datetime | None = None) -> tuple[list[Event], list[Problem]]:
    schedule, problems = check_events(path, now)
    return list(schedule.events), problems


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """A bookable event of the test's own (the shipped file has no bookable one)."""
    path = tmp_path_factory.mktemp("events") / "events.yml"
    path.write_text(VALID, encoding="utf-8")
    (event,) = load_events(path).events
    return event


# ----------------------------------------------------------------------------- the shipped file

# Before, during and after the days of the edition that was once invented for August 2027.
MACHINE_DATES = (utc(2026, 11, 1, 9, 0), utc(2027, 8, 9, 9, 0), utc(2028, 1, 1, 9, 0))


@pytest.mark.parametrize("now", MACHINE_DATES, ids=lambda now: f"{now:%Y-%m-%d}")
def test_shipped_events_file_loads_without_any_problem_on_any_date(now):
    events, problems = checked(SHIPPED, now)
    assert problems == []
    assert [event.id for event in events] == ["mre-day-2025"]
    assert not events[0].is_open(now) and not events[0].is_upcoming(now)


def test_shipped_file_holds_only_the_announced_2025_edition():
    schedule = load_events(SHIPPED)
    assert schedule.next_edition_planned is False
    (edition,) = schedule.events
    assert edition.days == (date(2025, 8, 12),)
    # Only told about: no capacity, hours or booking window that no source gives.
    assert not edition.bookable and edition.slots() == []
    assert edition.capacity == 0 and edition.topics == ()
    assert edition.booking_opens is None and edition.booking_closes is None
    # The headquarters, by name; its street address and map position are not verified.
    assert edition.venue.address == {}
    assert edition.venue.latitude is None and edition.venue.longitude is None
    for lang in ("ar", "fr", "en"):
        assert edition.title_in(lang) == edition.title[lang]
        assert "2025" in edition.title[lang]
        assert edition.venue.label_in(lang) == edition.venue.name[lang]
    assert "Béni Mellal" in edition.venue.label_in("fr")
    assert edition.file == str(SHIPPED) and edition.line == line_of(SHIPPED.read_text(), "- id:")


def test_shipped_event_has_half_hour_slots_from_nine_to_four(shipped):
    slots = shipped.slots()
    assert len(slots) == 2 * 14
    assert slots[0].start == utc(2027, 8, 9, 8, 0) and slots[0].key == "202708090900"
    assert slots[-1].key == "202708101530" and slots[-1].end == utc(2027, 8, 10, 15, 0)
    assert all(slot.end - slot.start == timedelta(minutes=30) for slot in slots)
    assert all(slot.event_id == "mre-day" for slot in slots)
    assert len({slot.key for slot in slots}) == len(slots)


def test_slot_is_found_by_its_local_key(shipped):
    slot = shipped.slot("202708100930")
    assert slot is not None and slot.start == utc(2027, 8, 10, 8, 30)
    assert shipped.slot("202708100945") is None
    assert shipped.slot("nonsense") is None


def test_title_falls_back_to_french_then_arabic(shipped):
    assert shipped.title_in("en") == shipped.title["fr"]
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
    (event,) = load_events(write(tmp_path, text)).events
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
    events, problems = checked(write(tmp_path, text))
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
    events, problems = checked(path)
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
    events, problems = checked(write(tmp_path, text))
    assert events == []
    (problem,) = problems
    assert "not valid YAML" in problem.message and "indentation" in problem.message
    assert problem.line >= line_of(text, "Journée de communication")


def test_duplicate_ids_point_at_the_first_one(tmp_path):
    text = VALID + VALID.removeprefix("events:\n")
    events, problems = checked(write(tmp_path, text))
    assert events == []
    (problem,) = problems
    assert problem.message.startswith("duplicate id 'mre-day' (already at line 2)")
    assert problem.line == len(VALID.splitlines()) + 1


def test_a_weekday_that_does_not_match_its_date_is_warned_about(tmp_path):
    """9 August 2027 is a Monday and 10 August a Tuesday; the announcement error of 2025 in
    every language, a weekday alone that is neither, and right ones that stay quiet."""
    text = edited(
        ('ar: "اليوم التواصلي"', 'ar: "اليوم التواصلي يوم الأربعاء 9 غشت 2027"'),
        ('fr: "Journée de communication"', 'fr: "Journée de communication du jeudi"'),
        (
            'fr: "Rencontre avec les Marocains du monde"',
            'fr: "Rencontre du lundi 9 août 2027 et du mardi 10 août 2027"\n'
            '      en: "Monday 12 August 2025"',
        ),
    )
    events, problems = checked(write(tmp_path, text))
    assert len(events) == 1
    assert all(p.severity is Severity.WARNING for p in problems)
    assert [(p.line, p.message.split(": ", 1)[1]) for p in problems] == [
        (
            line_of(text, "الأربعاء"),
            "the text says 'الأربعاء' but 2027-08-09 is a Monday; the bot writes weekdays from "
            "the dates itself, so remove the weekday or correct it",
        ),
        (
            line_of(text, "jeudi"),
            "the text says 'jeudi' but the event's day (2027-08-09, 2027-08-10) is not a "
            "Thursday; the bot writes weekdays from the dates itself, so remove the weekday or "
            "correct it",
        ),
        (
            line_of(text, "Monday 12"),
            "the text says 'Monday' but 2025-08-12 is a Tuesday; the bot writes weekdays from "
            "the dates itself, so remove the weekday or correct it",
        ),
    ]


def test_a_booking_window_that_has_closed_is_warned_about_with_a_date(tmp_path):
    path = write(tmp_path, VALID)
    before_close = utc(2027, 8, 8, 16, 59)  # 17:59 in Morocco (UTC+1 in August)
    assert checked(path, before_close)[1] == []
    events, problems = checked(path, utc(2027, 8, 8, 17, 0))
    assert len(events) == 1
    (problem,) = problems
    assert problem.severity is Severity.WARNING and problem.line == line_of(VALID, "- id:")
    assert problem.message.startswith(
        "mre-day: booking closed on 2027-08-08 18:00 (Moroccan time), so citizens can no "
        "longer book it; to keep it as a past edition, remove its booking fields"
    )
    assert checked(path)[1] == []  # without a date, kb check cannot tell


def test_an_event_without_booking_fields_is_announced_only(tmp_path):
    text = VALID.split("    opens:", maxsplit=1)[0]
    (event,) = load_events(write(tmp_path, text)).events
    assert not event.bookable and event.slots() == []
    assert not event.is_open(utc(2027, 8, 1, 0, 0))
    # Upcoming until the end of its last day in Morocco (UTC+1 in August).
    assert event.is_upcoming(utc(2027, 8, 10, 22, 59))
    assert not event.is_upcoming(utc(2027, 8, 10, 23, 0))


def test_booking_fields_come_all_together(tmp_path):
    text = VALID.split("    slot_minutes:", maxsplit=1)[0]
    events, problems = checked(write(tmp_path, text))
    assert events == []
    missing = sorted(p.message.split("add '")[1].split("'")[0] for p in problems)
    assert missing == sorted(
        ["booking_closes", "booking_opens", "capacity", "slot_minutes", "topics"]
    )
    assert all("or remove every booking field" in p.message for p in problems)


def test_the_venue_needs_a_name_or_an_address(tmp_path):
    address = (
        '      address:\n        ar: "سوق الأحد، مقر الوكالة"\n        fr: "Siège de l\'agence"'
    )
    unconfirmed = '      address:\n        ar: ""\n        fr: ""'
    text = edited((address, '      name:\n        ar: "مقر الوكالة"\n' + unconfirmed))
    events, problems = checked(write(tmp_path, text))
    assert events == []
    assert [p.message for p in problems] == [
        "mre-day: give the venue a name or an address in 'fr' (French)"
    ]
    fixed = text.replace(
        '        ar: "مقر الوكالة"\n', '        ar: "مقر الوكالة"\n        fr: "Siège"\n'
    )
    (event,) = load_events(write(tmp_path, fixed)).events
    assert event.venue.label_in("fr") == "Siège" and event.venue.address == {}


@pytest.mark.parametrize(
    ("line", "planned"),
    [
        ("next_edition_planned: true\n", True),
        ("next_edition_planned: false\n", False),
        ("", False),
    ],
)
def test_a_next_edition_is_planned_only_when_the_file_says_so(tmp_path, line, planned):
    schedule = load_events(write(tmp_path, line + VALID))
    assert schedule.next_edition_planned is planned
    assert [event.id for event in schedule.events] == ["mre-day"]


def test_next_edition_planned_must_be_true_or_false(tmp_path):
    text = "next_edition_planned: maybe\n" + VALID
    events, problems = checked(write(tmp_path, text))
    assert events == []
    (problem,) = problems
    assert problem.line == 1 and "'next_edition_planned' must be true" in problem.message


def test_unquoted_times_are_read_as_written(tmp_path):
    # YAML 1.1 reads an unquoted 16:00 as the number 960; staff meant four in the afternoon.
    text = edited(('opens: "09:00"', "opens: 09:00"), ('closes: "16:00"', "closes: 16:00"))
    (event,) = load_events(write(tmp_path, text)).events
    assert (event.opens, event.closes) == (time(9), time(16))


def test_coordinates_when_confirmed(tmp_path):
    text = edited(
        ("latitude: null\n      longitude: null", "latitude: 32.3\n      longitude: -6.3")
    )
    (event,) = load_events(write(tmp_path, text)).events
    assert (event.venue.latitude, event.venue.longitude) == (32.3, -6.3)


def test_no_file_empty_file_and_no_event(tmp_path):
    assert checked(tmp_path / "missing.yml") == ([], [])
    assert checked(write(tmp_path, "events:\n")) == ([], [])
    events, problems = checked(write(tmp_path, ""))
    assert events == [] and [p.severity for p in problems] == [Severity.WARNING]
    (tmp_path / "events.yml").write_bytes(b"events:\n  - id: caf\xe9\n")
    events, problems = checked(tmp_path / "events.yml")
    assert events == [] and "UTF-8" in problems[0].message

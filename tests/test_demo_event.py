"""The demo event: valid for the checker of staff's file, open for booking whatever the day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.dates import local
from bot.demo_event import DEMO_EVENT_ID, demo_events_yaml, write_demo_events
from bot.events_check import check_events
from tests.support.clock import FROZEN_NOW
from tests.support.events import next_clock_change

# A year of days from the frozen now, in steps that fall on every weekday, and the eve of a
# Ramadan clock change.
NOWS = [
    FROZEN_NOW + timedelta(days=days, hours=hours)
    for days in range(0, 366, 23)
    for hours in (0, 13)
]
NOWS.append(
    FROZEN_NOW.replace(hour=22)
    + (next_clock_change(FROZEN_NOW)[0] - local(FROZEN_NOW).date() - timedelta(days=1))
)


@pytest.mark.parametrize("now", NOWS, ids=lambda now: f"{now:%Y-%m-%dT%H}")
def test_the_demo_event_is_open_now_on_working_days_two_weeks_ahead(tmp_path, now):
    path = tmp_path / "events.demo.yml"
    path.write_text(demo_events_yaml(now), encoding="utf-8")
    schedule, problems = check_events(path, now)
    assert problems == []
    (event,) = schedule.events
    assert event.id == DEMO_EVENT_ID and event.is_open(now)
    today = local(now).date()
    assert all(day.weekday() < 5 for day in event.days)
    assert event.days[0] >= today + timedelta(days=14)
    assert len(event.slots()) == 2 * 6 and event.capacity == 3
    # Its title says what it is, in every language.
    assert "démonstration" in event.title_in("fr") and "تجريبي" in event.title_in("ar")


def test_the_demo_file_is_written_where_it_is_asked(tmp_path):
    schedule = write_demo_events(tmp_path, FROZEN_NOW)
    assert (tmp_path / "events.demo.yml").is_file()
    assert [event.id for event in schedule.events] == [DEMO_EVENT_ID]
    assert schedule.next_edition_planned is False

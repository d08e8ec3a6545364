"""No test depends on the day it runs: the booking checks pass with the machine's date moved
before, during and after the days of the edition once invented for August 2027.

Each run is a fresh pytest process with `--today` (tests/conftest.py), which moves the whole
process's wall clock with time-machine; the tests inject their own frozen clock into the bot, so
the machine's date must change nothing. The three runs go side by side to spare CI's time.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")
MACHINE_DATES = ("2026-11-01", "2027-08-09", "2028-01-01")
BOOKING_CHECKS = (
    "tests/test_any_date.py::test_today_moves_the_machine_clock",
    "tests/test_booking.py",
    "tests/test_events.py",
    "tests/test_demo_event.py",
    "tests/test_calendar_file.py",
    "tests/test_telegram_booking.py",
    "tests/test_cli.py::test_terminal_chat_menu_answer_and_follow_up",
    "tests/test_cli.py::test_book_with_the_shipped_events_says_nothing_is_open_and_who_to_ask",
    "tests/test_cli.py::test_python_m_bot_chat_then_book_says_no_communication_day_is_open",
    "tests/test_cli.py::test_the_demo_event_books_end_to_end_in_a_database_of_its_own",
)


def test_today_moves_the_machine_clock(request):
    """The canary of the runs below: under --today the machine's date is that day."""
    today: date | None = request.config.getoption("--today")
    if today is None:
        pytest.skip("only meaningful under --today")
    assert date.today() == today


def test_booking_checks_pass_whatever_the_machine_date(request, tmp_path):
    if request.config.getoption("--today") is not None:
        pytest.skip("the suite already runs at a moved date")
    # Each run keeps its temporary files apart: in the shared folder, a run whose clock is in
    # 2028 takes the others' folders for old ones and cleans them up under their feet.
    runs = {
        day: subprocess.Popen(
            [*PYTEST, "--today", day, "--basetemp", str(tmp_path / day), *BOOKING_CHECKS],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for day in MACHINE_DATES
    }
    # Every run is read to its end before any verdict, so no process or pipe is left behind.
    outputs = {day: run.communicate(timeout=900)[0] for day, run in runs.items()}
    for day, run in runs.items():
        output = outputs[day].strip()
        tail = output.splitlines()[-1] if output else ""
        assert run.returncode == 0, f"with the machine at {day}:\n{output[-4000:]}"
        assert " passed" in tail and "skipped" not in tail, tail

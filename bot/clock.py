"""The program's one source of "now".

Booking windows, reminders, waiting-list holds, storage timestamps, calendar files and the
knowledge's review age all ask this clock, never the machine directly: the composition root
(`Services.open`, the command line) creates one and hands it down, and a test hands down one it
moves itself. So no behaviour depends on the day the code happens to run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from bot.dates import TIME_ZONE

__all__ = ["Clock", "moroccan_today", "system_clock"]

# A clock is any function returning the current instant as an aware datetime.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The machine's time, in UTC: the clock of the running bot."""
    return datetime.now(UTC)


def moroccan_today(clock: Clock) -> date:
    """The date on the agency's wall calendar (Béni Mellal), which is what staff mean by today."""
    return clock().astimezone(TIME_ZONE).date()

"""The clock tests hand to the program: frozen at a fixed instant, moved only by the test.

The program reads "now" from the clock it is given (bot.clock), so a test that gives it this one
behaves the same whatever day it runs on. FROZEN_NOW is an arbitrary instant, not today.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["FROZEN_NOW", "FrozenClock"]

FROZEN_NOW = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


class FrozenClock:
    """A clock the test sets and moves by hand."""

    def __init__(self, now: datetime = FROZEN_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

"""How many messages one person may send before the bot slows them down.

One user sending hundreds of messages used to delay everyone else's answers. Each person has a
bucket of `burst` messages that refills by one every `every` seconds; a message that finds the
bucket empty is not worked on. The first such message of a run gets one polite "slow down"
reply, the next ones nothing, until the bucket has refilled enough to take a message again.
Time is the program's clock, like everything else (tests move it); a burst of 0 turns the
limit off.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.clock import Clock, system_clock
from bot.database import User

__all__ = ["Admission", "DailyQuota", "InboundLimit"]

# People remembered at once; the least recently seen is forgotten first (their bucket is full
# again long before that matters).
_REMEMBERED = 10_000


class Admission(Enum):
    ADMIT = "admit"
    SLOW_DOWN = "slow_down"  # the first message over the limit: say so once
    DROP = "drop"  # further messages over the limit: no work, no reply


@dataclass
class _Bucket:
    tokens: float
    seen: datetime
    warned: bool = False


class InboundLimit:
    def __init__(self, burst: int = 10, every: float = 2.0, clock: Clock = system_clock) -> None:
        self.burst = burst
        self.every = every
        self.clock = clock
        self._buckets: OrderedDict[User, _Bucket] = OrderedDict()

    def admit(self, user: User) -> Admission:
        now = self.clock()
        bucket = self._buckets.pop(user, None) or _Bucket(float(self.burst), now)
        elapsed = max((now - bucket.seen).total_seconds(), 0.0)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed / self.every)
        bucket.seen = now
        self._buckets[user] = bucket
        while len(self._buckets) > _REMEMBERED:
            self._buckets.popitem(last=False)
        if self.burst == 0 or bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Admission.ADMIT
        if bucket.warned:
            return Admission.DROP
        bucket.warned = True
        return Admission.SLOW_DOWN


class DailyQuota:
    """How many of one person's questions are stored for the staff's review each day (UTC):
    enough for a real person's unanswered questions, not enough for one person to fill the
    review lists."""

    def __init__(self, per_day: int = 20, clock: Clock = system_clock) -> None:
        self.per_day = per_day
        self.clock = clock
        self._used: OrderedDict[User, tuple[object, int]] = OrderedDict()

    def take(self, user: User) -> bool:
        """True (and counted) while the user's quota for today lasts."""
        today = self.clock().date()
        day, used = self._used.pop(user, (today, 0))
        if day != today:
            used = 0
        self._used[user] = (today, used + 1)
        while len(self._used) > _REMEMBERED:
            self._used.popitem(last=False)
        return used < self.per_day

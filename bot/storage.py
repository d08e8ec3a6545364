"""SQLite storage behind a narrow async API: users' choices, ratings, unanswered questions.

Personal data is kept to the minimum and tied to the user only where it must be: the chosen
language and the bookings (per user, deleted by /forget). Feedback and unanswered questions
are stored without any identity, so staff can review them and /forget has nothing of them to
delete. Times are UTC, from the program's clock.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.booking_store import BookingStore, iso
from bot.clock import Clock, system_clock
from bot.database import Database, User

__all__ = ["Storage", "UnansweredQuestion"]


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    language: str
    decision: str
    candidates: tuple[str, ...]
    created_at: datetime


class Storage:
    def __init__(self, database: Database, clock: Clock = system_clock) -> None:
        self.db = database
        self._clock = clock
        self.bookings = BookingStore(database)

    @classmethod
    async def open(cls, path: Path | str, clock: Clock = system_clock) -> Storage:
        return cls(await Database.open(path), clock)

    async def close(self) -> None:
        await self.db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Several changes at once or none (see bot.database)."""
        async with self.db.transaction():
            yield

    def _now(self) -> str:
        """The time stamp of a new row, from the program's clock (tests move it)."""
        return iso(self._clock())

    # ------------------------------------------------------------------ users

    async def get_language(self, user: User) -> str | None:
        row = await self.db.fetchone(
            "SELECT language FROM users WHERE channel = ? AND user_id = ?",
            (user.channel, user.id),
        )
        return row[0] if row else None

    async def set_language(self, user: User, language: str) -> None:
        now = self._now()
        await self.db.execute(
            "INSERT INTO users (channel, user_id, language, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(channel, user_id) DO UPDATE SET "
            "language = excluded.language, updated_at = excluded.updated_at",
            (user.channel, user.id, language, now, now),
        )

    async def forget_user(self, user: User) -> None:
        """Delete everything stored about this user at once: language, bookings, waitlist,
        progress."""
        async with self.db.transaction():
            await self.bookings.delete_user(user)
            await self.db.execute(
                "DELETE FROM users WHERE channel = ? AND user_id = ?", (user.channel, user.id)
            )

    # ------------------------------------------------------------------ anonymous records

    async def record_feedback(self, entry_id: str, helpful: bool, language: str) -> None:
        await self.db.execute(
            "INSERT INTO feedback (entry_id, helpful, language, created_at) VALUES (?, ?, ?, ?)",
            (entry_id, int(helpful), language, self._now()),
        )

    async def feedback_counts(self) -> dict[str, tuple[int, int]]:
        """Per entry: (helpful, not helpful)."""
        rows = await self.db.fetchall(
            "SELECT entry_id, SUM(helpful), SUM(1 - helpful) FROM feedback GROUP BY entry_id"
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def record_unanswered(
        self, text: str, language: str, decision: str, candidates: Sequence[str]
    ) -> None:
        await self.db.execute(
            "INSERT INTO unanswered (text, language, decision, candidates, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (text, language, decision, json.dumps(list(candidates)), self._now()),
        )

    async def unanswered(self) -> list[UnansweredQuestion]:
        rows = await self.db.fetchall(
            "SELECT text, language, decision, candidates, created_at FROM unanswered ORDER BY id"
        )
        return [
            UnansweredQuestion(
                row[0], row[1], row[2], tuple(json.loads(row[3])), datetime.fromisoformat(row[4])
            )
            for row in rows
        ]

"""SQLite storage behind a narrow async API: users' choices, ratings, unanswered questions.

Personal data is kept to the minimum and tied to the user only where it must be: the chosen
language and the bookings (per user id, deleted by /forget). Feedback and unanswered questions
are stored without any identity, so staff can review them and /forget has nothing of them to
delete. Times are UTC.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiosqlite

from bot.booking_store import SCHEMA as BOOKING_SCHEMA
from bot.booking_store import BookingStore, iso
from bot.clock import Clock, system_clock

__all__ = ["Storage", "UnansweredQuestion"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id     INTEGER PRIMARY KEY,
    language    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id    TEXT NOT NULL,
    helpful     INTEGER NOT NULL,
    language    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS unanswered (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    text        TEXT NOT NULL,
    language    TEXT NOT NULL,
    decision    TEXT NOT NULL,
    candidates  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    language: str
    decision: str
    candidates: tuple[str, ...]
    created_at: datetime


class Storage:
    def __init__(self, connection: aiosqlite.Connection, clock: Clock = system_clock) -> None:
        self._db = connection
        self._clock = clock
        self.bookings = BookingStore(connection)

    def _now(self) -> str:
        """The time stamp of a new row, from the program's clock (tests move it)."""
        return iso(self._clock())

    @classmethod
    async def open(cls, path: Path | str, clock: Clock = system_clock) -> Storage:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path))
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.executescript(_SCHEMA + BOOKING_SCHEMA)
        await connection.commit()
        return cls(connection, clock)

    async def close(self) -> None:
        await self._db.close()

    # ------------------------------------------------------------------ users

    async def get_language(self, user_id: int) -> str | None:
        async with self._db.execute(
            "SELECT language FROM users WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        now = self._now()
        await self._db.execute(
            "INSERT INTO users (user_id, language, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, "
            "updated_at = excluded.updated_at",
            (user_id, language, now, now),
        )
        await self._db.commit()

    async def forget_user(self, user_id: int) -> None:
        """Delete everything stored about this user: language, bookings, waitlist, progress."""
        await self.bookings.delete_user(user_id)
        await self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        await self._db.commit()

    # ------------------------------------------------------------------ anonymous records

    async def record_feedback(self, entry_id: str, helpful: bool, language: str) -> None:
        await self._db.execute(
            "INSERT INTO feedback (entry_id, helpful, language, created_at) VALUES (?, ?, ?, ?)",
            (entry_id, int(helpful), language, self._now()),
        )
        await self._db.commit()

    async def feedback_counts(self) -> dict[str, tuple[int, int]]:
        """Per entry: (helpful, not helpful)."""
        async with self._db.execute(
            "SELECT entry_id, SUM(helpful), SUM(1 - helpful) FROM feedback GROUP BY entry_id"
        ) as cursor:
            rows = await cursor.fetchall()
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def record_unanswered(
        self, text: str, language: str, decision: str, candidates: Sequence[str]
    ) -> None:
        await self._db.execute(
            "INSERT INTO unanswered (text, language, decision, candidates, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (text, language, decision, json.dumps(list(candidates)), self._now()),
        )
        await self._db.commit()

    async def unanswered(self) -> list[UnansweredQuestion]:
        async with self._db.execute(
            "SELECT text, language, decision, candidates, created_at FROM unanswered ORDER BY id"
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            UnansweredQuestion(
                row[0], row[1], row[2], tuple(json.loads(row[3])), datetime.fromisoformat(row[4])
            )
            for row in rows
        ]

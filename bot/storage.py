"""SQLite storage behind a narrow async API: users' choices, ratings, unanswered questions.

Personal data is kept to the minimum and tied to the user only where it must be: the chosen
language and the bookings (per user, deleted by /forget). Feedback and unanswered questions
are stored without any identity (contact details typed into a question are masked, see
bot.redaction), so staff can review them and /forget has nothing of them to delete. Times
are UTC, from the program's clock.
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
from bot.redaction import stored_text

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
        progress, the ids of the messages received from them."""
        async with self.db.transaction():
            await self.bookings.delete_user(user)
            for table in ("users", "inbound"):
                await self.db.execute(
                    f"DELETE FROM {table} WHERE channel = ? AND user_id = ?",
                    (user.channel, user.id),
                )

    async def first_contact(self, user: User) -> bool:
        """True the first time the user writes (a row is kept, without a language, so that
        the next message is not the first)."""
        now = self._now()
        added = await self.db.execute(
            "INSERT INTO users (channel, user_id, language, created_at, updated_at) "
            "VALUES (?, ?, NULL, ?, ?) ON CONFLICT DO NOTHING",
            (user.channel, user.id, now, now),
        )
        return added == 1

    # ------------------------------------------------------------------ messages received

    async def new_message(self, user: User, message_id: str) -> bool:
        """Note a message received; False if it was received already (a platform may deliver
        the same message twice, and it must be answered once)."""
        added = await self.db.execute(
            "INSERT INTO inbound (channel, message_id, user_id, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (user.channel, message_id, user.id, self._now()),
        )
        return added == 1

    async def last_message_at(self, user: User) -> datetime | None:
        """When the user last wrote (what opens a messaging window on some platforms)."""
        row = await self.db.fetchone(
            "SELECT MAX(received_at) FROM inbound WHERE channel = ? AND user_id = ?",
            (user.channel, user.id),
        )
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def purge_messages(self, received_before: datetime) -> int:
        """Forget message ids older than a platform's retry and window periods."""
        return await self.db.execute(
            "DELETE FROM inbound WHERE received_at < ?", (iso(received_before),)
        )

    async def record_undelivered(self, channel: str, kind: str, reason: str) -> None:
        """A notification that could not be sent (no identity: a count for the admins)."""
        await self.db.execute(
            "INSERT INTO undelivered (channel, kind, reason, created_at) VALUES (?, ?, ?, ?)",
            (channel, kind, reason, self._now()),
        )

    async def undelivered_counts(self) -> dict[tuple[str, str, str], int]:
        """(channel, kind, reason) → how many."""
        rows = await self.db.fetchall(
            "SELECT channel, kind, reason, COUNT(*) FROM undelivered "
            "GROUP BY channel, kind, reason"
        )
        return {(row[0], row[1], row[2]): int(row[3]) for row in rows}

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
            (stored_text(text), language, decision, json.dumps(list(candidates)), self._now()),
        )

    async def unanswered(self, latest: int | None = None) -> list[UnansweredQuestion]:
        """Oldest first; with `latest`, only that many of the most recent ones."""
        rows = await self.db.fetchall(
            "SELECT text, language, decision, candidates, created_at FROM ("
            "SELECT id, text, language, decision, candidates, created_at FROM unanswered "
            "ORDER BY id DESC LIMIT ?) ORDER BY id",
            (-1 if latest is None else latest,),
        )
        return [
            UnansweredQuestion(
                row[0], row[1], row[2], tuple(json.loads(row[3])), datetime.fromisoformat(row[4])
            )
            for row in rows
        ]

"""The waiting lists and the booking flows' progress in SQLite (the bookings themselves are in
bot.booking_store). Changes of several statements are made by the caller inside a transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.database import Database, User

__all__ = ["WaitlistRow", "WaitlistStore", "iso", "parse"]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class WaitlistRow:
    id: int
    event_id: str
    user: User
    language: str
    status: str
    offered_slot: str | None
    offer_expires_at: datetime | None


_WAITLIST_COLUMNS = (
    "id, event_id, channel, user_id, language, status, offered_slot, offer_expires_at"
)


def _waiting(row: Any) -> WaitlistRow:
    return WaitlistRow(
        row[0], row[1], User(row[2], str(row[3])), row[4], row[5], row[6], parse(row[7])
    )


class WaitlistStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    # ------------------------------------------------------------------ waitlist

    async def join_waitlist(self, event_id: str, user: User, lang: str, now: datetime) -> int:
        """Add the user (once: joining again changes nothing) and return their position among
        those waiting."""
        async with self.db.transaction():
            await self.db.execute(
                "INSERT INTO waitlist (event_id, channel, user_id, language, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (event_id, user.channel, user.id, lang, iso(now)),
            )
            row = await self.db.fetchone(
                "SELECT COUNT(*) FROM waitlist w WHERE w.event_id = ? AND w.status = 'waiting' "
                "AND w.id <= (SELECT id FROM waitlist WHERE event_id = ? AND channel = ? AND "
                "user_id = ? AND status IN ('waiting', 'offered'))",
                (event_id, event_id, user.channel, user.id),
            )
        return int(row[0]) if row else 0

    async def waiting(self, event_id: str) -> list[WaitlistRow]:
        """Everyone still waiting on a list, first come first."""
        rows = await self.db.fetchall(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE event_id = ? AND status = 'waiting' "
            "ORDER BY id",
            (event_id,),
        )
        return [_waiting(row) for row in rows]

    async def next_waiting(self, event_id: str) -> WaitlistRow | None:
        waiting = await self.waiting(event_id)
        return waiting[0] if waiting else None

    async def offer(self, waiting_id: int, slot_key: str, expires: datetime) -> None:
        await self.db.execute(
            "UPDATE waitlist SET status = 'offered', offered_slot = ?, offer_expires_at = ?, "
            "notified = 0 WHERE id = ?",
            (slot_key, iso(expires), waiting_id),
        )

    async def offer_of(self, event_id: str, user: User) -> WaitlistRow | None:
        row = await self.db.fetchone(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE event_id = ? AND channel = ? AND "
            "user_id = ? AND status = 'offered'",
            (event_id, user.channel, user.id),
        )
        return _waiting(row) if row else None

    async def expired_offers(self, now: datetime) -> list[WaitlistRow]:
        rows = await self.db.fetchall(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE status = 'offered' AND "
            "offer_expires_at <= ?",
            (iso(now),),
        )
        return [_waiting(row) for row in rows]

    async def unnotified_offers(self, now: datetime) -> list[WaitlistRow]:
        rows = await self.db.fetchall(
            f"SELECT {_WAITLIST_COLUMNS} FROM waitlist WHERE status = 'offered' AND "
            "notified = 0 AND offer_expires_at > ?",
            (iso(now),),
        )
        return [_waiting(row) for row in rows]

    async def mark_notified(self, waiting_id: int) -> None:
        await self.db.execute("UPDATE waitlist SET notified = 1 WHERE id = ?", (waiting_id,))

    async def close_wait(self, waiting_id: int, status: str) -> None:
        await self.db.execute("UPDATE waitlist SET status = ? WHERE id = ?", (status, waiting_id))

    # ------------------------------------------------------------------ flow progress

    async def flow(self, user: User) -> tuple[dict[str, Any], datetime] | None:
        """The saved progress of the user's booking flow and when it last moved."""
        row = await self.db.fetchone(
            "SELECT state, updated_at FROM flows WHERE channel = ? AND user_id = ?",
            (user.channel, user.id),
        )
        return (json.loads(row[0]), datetime.fromisoformat(row[1])) if row else None

    async def save_flow(self, user: User, state: dict[str, Any], now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO flows (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(channel, user_id) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            (user.channel, user.id, json.dumps(state, ensure_ascii=False), iso(now)),
        )

    async def purge_flows(self, idle_since: datetime) -> int:
        """Delete the flows that have not moved since `idle_since`; how many."""
        return await self.db.execute("DELETE FROM flows WHERE updated_at <= ?", (iso(idle_since),))

    async def clear_flow(self, user: User) -> None:
        await self.db.execute(
            "DELETE FROM flows WHERE channel = ? AND user_id = ?", (user.channel, user.id)
        )

"""Polling that survives an update the client library cannot read.

When one update in a batch could not be turned into the library's objects, the library logged
the whole raw batch (names, phone numbers, texts) and fetched the same batch again, forever: no
one else was answered. This bot reads such a batch one update at a time, keeps the readable
ones, logs one line with the update id of each unreadable one (no content), and confirms it to
Telegram with the next call's offset, so it is never fetched again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

__all__ = ["TolerantBot"]

log = logging.getLogger(__name__)

_RAW_BATCH_LOG = "Error while parsing updates"


class _NoRawUpdates(logging.Filter):
    """The library's own log line about an unreadable batch carries its raw content."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_RAW_BATCH_LOG)


logging.getLogger("telegram.Bot").addFilter(_NoRawUpdates())
logging.getLogger("telegram.ext.ExtBot").addFilter(_NoRawUpdates())


class TolerantBot(ExtBot[Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Updates below this id were skipped as unreadable: the next call confirms them.
        self._confirm_below = 0

    async def get_updates(  # type: ignore[override]
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,
        allowed_updates: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        if self._confirm_below and (offset is None or offset < self._confirm_below):
            offset = self._confirm_below
        try:
            return await super().get_updates(
                offset=offset,
                limit=limit,
                timeout=timeout,
                allowed_updates=allowed_updates,
                **kwargs,
            )
        except (TypeError, ValueError, KeyError, AttributeError):
            pass  # one update of the batch is unreadable: read them one by one
        data: dict[str, Any] = {"offset": offset, "limit": limit, "timeout": 0}
        if allowed_updates is not None:
            data["allowed_updates"] = allowed_updates
        raw = await self._post("getUpdates", data)
        readable = []
        for item in raw if isinstance(raw, list) else []:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            try:
                update = Update.de_json(item, self)
            except (TypeError, ValueError, KeyError, AttributeError):
                log.warning("update %s could not be read; skipped", update_id)
                if isinstance(update_id, int):
                    self._confirm_below = max(self._confirm_below, update_id + 1)
                continue
            self.insert_callback_data(update)
            readable.append(update)
        return tuple(readable)

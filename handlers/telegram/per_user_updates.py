"""Telegram updates of different people handled side by side, each person's in order.

By default the library handles one update at a time: while one person sent 300 messages,
another waited 9 s for an answer. The library's documented extension point for concurrency
is an update processor; this one runs updates concurrently but holds one lock per sender, so
a person's messages are still answered in the order they were sent (a booking flow depends
on it). Waiting updates are cheap coroutines, so the concurrency bound is generous: a
flooder's queued updates must not take every slot from the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["PerUserUpdates"]


class PerUserUpdates(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _sender(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                # Nobody else queued for this sender: forget the lock (memory stays bounded).
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _sender(update: object) -> object:
    """The person (else the chat) an update comes from; updates without either share a key."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return ("other",)

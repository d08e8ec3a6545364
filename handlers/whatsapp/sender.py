"""Every message to WhatsApp goes through here: within the API's throughput, retried when
WhatsApp is overloaded or down, given up (with a log line that names no one) when it refuses.

The Cloud API takes 80 messages a second per number by default; more gets "rate limit hit"
(code 130429). Server errors (5xx) and throttling are retried with growing pauses; any other
refusal (a 4xx: bad parameter, outside the 24-hour window...) is final.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
from aiolimiter import AsyncLimiter
from pywa_async.errors import WhatsAppError

__all__ = ["Sender", "retriable"]

log = logging.getLogger(__name__)

T = TypeVar("T")
# WhatsApp's codes for "try again later": throttling, and its own temporary failures.
_TRANSIENT_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004})
_ATTEMPTS = 4


def retriable(error: WhatsAppError) -> bool:
    status = error.status_code
    return (
        bool(error.is_transient)
        or error.code in _TRANSIENT_CODES
        or status == 429
        or (status is not None and status >= 500)
    )


class Sender:
    def __init__(self, messages_per_second: int, first_pause: float = 0.5) -> None:
        # One call every 1/rate seconds, no burst: a bucket of the full rate would let twice the
        # rate through in the second after a quiet one.
        self._limiter = AsyncLimiter(1, 1 / messages_per_second)
        self._first_pause = first_pause

    async def call(self, what: str, request: Callable[[], Awaitable[T]]) -> T:
        """Make one API call, paced and retried; `what` names it in logs (never a person)."""
        pause = self._first_pause
        for attempt in range(1, _ATTEMPTS + 1):
            async with self._limiter:
                try:
                    return await request()
                except WhatsAppError as error:
                    if not retriable(error) or attempt == _ATTEMPTS:
                        log.warning(
                            "whatsapp refused %s: code %s (HTTP %s)",
                            what,
                            error.code,
                            error.status_code,
                        )
                        raise
                    log.info("whatsapp busy for %s (code %s): retrying", what, error.code)
                except (httpx.TransportError, httpx.TimeoutException):
                    if attempt == _ATTEMPTS:
                        log.warning("whatsapp unreachable for %s", what)
                        raise
            await asyncio.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")

"""Telegram calls that survive a passing server error.

A single 500/502 from the Bot API, or a refused connection while Telegram restarts a front
server, used to turn into "an error occurred" for the citizen. Such errors pass within seconds,
so a call is tried again a few times with a growing pause before the error reaches the handler.
A timeout is not retried: the message may have been delivered, and sending it twice is worse
than one error note. Flood limits (429 with retry_after) are the rate limiter's job.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._baserequest import BaseRequest

__all__ = ["RetryingRequest"]

log = logging.getLogger(__name__)

_SERVER_ERROR = 500


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that repeats a call answered with a 5xx status or a network error."""

    def __init__(self, *, attempts: int = 4, first_pause: float = 0.5, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._attempts = attempts
        self._first_pause = first_pause

    async def do_request(  # noqa: PLR0917 (the library calls it with this signature)
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        pause = self._first_pause
        for attempt in range(1, self._attempts + 1):
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,  # type: ignore[arg-type]
                    write_timeout,  # type: ignore[arg-type]
                    connect_timeout,  # type: ignore[arg-type]
                    pool_timeout,  # type: ignore[arg-type]
                )
            except TimedOut:
                raise
            except NetworkError:
                if attempt == self._attempts:
                    raise
                log.warning("Telegram unreachable (try %d of %d)", attempt, self._attempts)
            else:
                if code < _SERVER_ERROR or attempt == self._attempts:
                    return code, payload
                log.warning("Telegram answered %d (try %d of %d)", code, attempt, self._attempts)
            await asyncio.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")

"""Waiting on a fake platform server until the bot has done something, shared by both fakes."""

from __future__ import annotations

from collections.abc import Callable


class WaitsUntil:
    """For a fake that has `_wait_until(condition, timeout)` (woken on every call it records)
    and `describe_calls()`."""

    async def _wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        raise NotImplementedError

    def describe_calls(self) -> str:
        raise NotImplementedError

    async def wait_until(
        self, condition: Callable[[], bool], what: str, timeout: float = 10
    ) -> None:
        """Wait until ``condition()`` holds (the bot has replied, say): a quiet spell alone
        can end before a reply that a busy machine is slow to send."""
        if not await self._wait_until(condition, timeout):
            raise AssertionError(
                f"{what}: not within {timeout}s; calls so far:\n{self.describe_calls()}"
            )

"""Staff's saved edits reach the running bot: the knowledge folder is watched for YAML changes.

Native file events (watchfiles: inotify on Linux), debounced so that an editor's several writes
of one save give one reload. What a reload does (check everything, swap or refuse, tell the
admins) is the caller's; this module only says when.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from pathlib import Path

from watchfiles import Change, awatch

from bot.knowledge_examples import EXAMPLES_FOLDER
from bot.knowledge_loader import is_knowledge_file

__all__ = ["KnowledgeWatch"]

log = logging.getLogger(__name__)


class KnowledgeWatch:
    def __init__(
        self, folder: Path, debounce_ms: int, on_change: Callable[[], Awaitable[object]]
    ) -> None:
        self.folder = folder
        self.debounce_ms = debounce_ms
        self.on_change = on_change
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="knowledge-watch")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _watch(self) -> None:
        try:
            async for changes in awatch(
                self.folder,
                stop_event=self._stop,
                debounce=self.debounce_ms,
                step=50,
                watch_filter=_yaml_files,
            ):
                log.info("knowledge folder changed (%d files)", len(changes))
                try:
                    await self.on_change()
                except Exception:
                    log.exception("reload failed")
        except FileNotFoundError:
            log.warning("the knowledge folder cannot be watched: it does not exist")


def _yaml_files(change: Change, path: str) -> bool:
    """Staff's YAML files, and the example messages the classifier learns from."""
    file = Path(path)
    if file.parent.name == EXAMPLES_FOLDER:
        return file.suffix == ".jsonl" and is_knowledge_file(file.stem + ".yml")
    return is_knowledge_file(file.name)

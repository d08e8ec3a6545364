"""Shared fixtures: the real knowledge folder (a broken YAML edit fails CI) and its assistant,
a frozen clock, and `--today`, which runs the whole suite as if the machine's date were another
day (time-machine), to show that no test depends on the day it runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
import time_machine

from bot.assistant import Assistant
from bot.dates import TIME_ZONE
from bot.knowledge_loader import load_knowledge
from tests.support.clock import FrozenClock
from tests.support.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        help="run every test with the machine's clock moved to this day (10:00 in Morocco)",
    )


@pytest.fixture(autouse=True)
def machine_date(request: pytest.FixtureRequest) -> Iterator[None]:
    """With --today, the wall clock of this process reads that day; time goes on ticking."""
    day: date | None = request.config.getoption("--today")
    if day is None:
        yield
        return
    with time_machine.travel(datetime.combine(day, time(10), TIME_ZONE), tick=True):
        yield


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API server on 127.0.0.1, stopped after the test."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def clock() -> FrozenClock:
    """The program's clock in a test: frozen at FROZEN_NOW until the test moves it."""
    return FrozenClock()


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def assistant(knowledge):
    return Assistant(knowledge)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No setting leaks from the machine into a test."""
    import os

    for key in list(os.environ):
        if key.startswith(("TELEGRAM_", "MATCH_", "KNOWLEDGE_", "DATABASE_", "ADMIN_")) or key in (
            "DEFAULT_LANGUAGE",
            "LOG_LEVEL",
        ):
            monkeypatch.delenv(key, raising=False)

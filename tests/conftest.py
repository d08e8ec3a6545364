"""Shared fixtures: the real knowledge folder (a broken YAML edit fails CI) and its assistant."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.knowledge_loader import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"


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

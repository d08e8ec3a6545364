"""Domain errors raised by the core and turned into words by the adapters.

BotError
├── ConfigError          a setting is missing or wrong (names the setting)
└── KnowledgeError       the knowledge folder has problems (carries every Problem at once)
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "MAX_PROBLEM_LINES",
    "BotError",
    "ConfigError",
    "KnowledgeError",
    "Problem",
    "Severity",
    "problem_lines",
    "without_message",
]


class BotError(Exception):
    """Base of every error the core raises on purpose."""


class ConfigError(BotError):
    """A setting is missing or has a wrong value; the message names the setting."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a knowledge file, with where it is and what to do about it."""

    file: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


# Problems printed before the rest are only counted: a broken 10 MB file must not bury the
# first lines (the ones to fix first) under hundreds of kilobytes.
MAX_PROBLEM_LINES = 50


def problem_lines(problems: list[Problem], limit: int = MAX_PROBLEM_LINES) -> list[str]:
    """The first `limit` problems, one per line, then how many more there are."""
    lines = [str(problem) for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more problem(s)")
    return lines


class KnowledgeError(BotError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(problem_lines(self.problems)))


def without_message(error: BaseException | None) -> str:
    """An error for the log: its type and the frames where it happened, not its message, which
    can quote what a user sent (a callback payload, a phone number, a question)."""
    if error is None:
        return "no error"
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{type(error).__name__}\n{frames}".rstrip()

"""Domain errors raised by the core and turned into words by the adapters.

BotError
├── ConfigError          a setting is missing or wrong (names the setting)
└── KnowledgeError       the knowledge folder has problems (carries every Problem at once)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["BotError", "ConfigError", "KnowledgeError", "Problem", "Severity"]


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


class KnowledgeError(BotError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

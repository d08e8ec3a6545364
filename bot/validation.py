"""What every checker of staff's YAML files shares: a report of problems with their lines,
reading a file into line-aware data, "did you mean" hints, and the common small checks.

The knowledge checker and the events checker both import these public names, rather than one
reaching into the other's private ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.errors import Problem, Severity
from bot.yamlsource import LineDict, YamlSyntaxError, read_yaml

__all__ = [
    "LANGUAGE_NAMES",
    "MAX_FILE_BYTES",
    "Report",
    "closest",
    "is_web_url",
    "read_document",
    "report_repeated_keys",
]

LANGUAGE_NAMES = {"ar": "Arabic", "fr": "French", "en": "English"}
# The largest shipped knowledge file is about 200 KB; a file far beyond that is a mistake (a
# paste, a generated file) whose checks would stall a reload.
MAX_FILE_BYTES = 2_000_000
_WRITTEN_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


@dataclass
class Report:
    """Problems of one file, so each check says only what is wrong and where."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    # The file's lines, to read back what YAML turned into something else.
    lines: list[str] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, Severity.WARNING))

    def errors(self) -> int:
        return sum(problem.severity is Severity.ERROR for problem in self.problems)

    def written(self, line: int) -> str:
        """The value as typed on a `key: value` line: YAML 1.1 reads an unquoted 16:00 as 960."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return text.partition(":")[2].split("#")[0].strip().strip("'\"")


def read_document(path: Path, report: Report, empty: str) -> Any:
    """The file's YAML as line-aware data, or None after reporting why it cannot be read;
    `empty` is the warning for an empty file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(
                1,
                f"the file is {size / 1_000_000:.1f} MB; the limit is "
                f"{MAX_FILE_BYTES / 1_000_000:.0f} MB: split it, or remove what was pasted by "
                "mistake",
            )
            return None
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        report.error(1, "the file is not UTF-8 text; save it again as UTF-8")
        return None
    except OSError as exc:
        report.error(1, f"the file cannot be read ({exc.strerror or exc})")
        return None
    report.lines = text.splitlines()
    try:
        document = read_yaml(text)
    except YamlSyntaxError as exc:
        report.error(
            exc.line,
            f"not valid YAML ({exc.message}); check the indentation and the quotes near this line",
        )
        return None
    except ValueError as exc:
        # PyYAML builds dates itself and lets an impossible one (2027-02-30) out as ValueError.
        report.error(_impossible_date_line(report.lines), f"a date does not exist ({exc})")
        return None
    except TypeError:
        report.error(1, "a key is a list or a mapping; keys must be plain words like 'title'")
        return None
    if document is None:
        report.warn(1, empty)
    return document


def _impossible_date_line(lines: list[str]) -> int:
    for number, text in enumerate(lines, start=1):
        for year, month, day in _WRITTEN_DATE.findall(text.split("#")[0]):
            try:
                date(int(year), int(month), int(day))
            except ValueError:
                return number
    return 1


def report_repeated_keys(node: Any, report: Report) -> None:
    """A key given twice in a mapping, at any depth (YAML keeps only the last one silently)."""
    if isinstance(node, LineDict):
        for key, line in node.repeated_keys:
            report.error(line, f"'{key}' is given twice here; keep only one")
        for value in node.values():
            report_repeated_keys(value, report)
    elif isinstance(node, list):
        for value in node:
            report_repeated_keys(value, report)


def closest(word: str, choices: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" hint for a misspelt name, or nothing."""
    from rapidfuzz import process

    match = process.extractOne(word, list(choices), score_cutoff=70)
    return f" (did you mean '{match[0]}'?)" if match else ""


def is_web_url(url: str) -> bool:
    parsed = urlparse(url.strip())
    return (
        parsed.scheme in ("http", "https")
        and "." in parsed.netloc
        and not any(ch.isspace() for ch in url.strip())
    )

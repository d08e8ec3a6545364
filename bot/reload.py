"""Reloading the knowledge while the bot runs: all of it validated first, or nothing replaced.

A staff member saves a file (sometimes half-typed); the new folder is read and checked in full.
If it is valid, a new assistant and the new events replace the old ones in one assignment, and
the admins get a one-line summary. If not, the bot keeps answering with what it had, and the
admins get every problem with its file, line, the validator's detail and a hint in plain words in
their own language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.assistant import Assistant
from bot.conflicts import find_conflicts
from bot.errors import Problem, Severity
from bot.events import EventSchedule
from bot.events_check import check_events
from bot.i18n import Texts
from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge_loader import check_folder
from bot.matching import MatchSettings

__all__ = ["ReloadOutcome", "describe", "hint_key", "reload_folder"]

log = logging.getLogger(__name__)

EVENTS_FILE = "events.yml"

# The validator's messages, by what they mean for a staff member: the first match gives the hint.
_HINTS = (
    ("not valid YAML", "yaml"),
    ("not UTF-8", "encoding"),
    ("unknown field", "unknown_field"),
    ("unknown section", "unknown_field"),
    ("unknown question language", "language_key"),
    ("unknown answer language", "language_key"),
    ("add the answer in", "missing_language"),
    ("add at least one question", "missing_language"),
    ("duplicate id", "duplicate_id"),
    ("follow_up", "follow_up"),
    ("answer is empty", "empty_answer"),
    ("of one chat message", "long_answer"),
    ("malformed link", "link"),
    ("needs a 'title'", "link"),
    ("in group", "synonym"),
    ("is given twice", "twice"),
    ("closer to", "conflict"),
    ("the file is empty", "empty_file"),
    ("booking closed on", "booking_closed"),
    ("the bot writes weekdays", "weekday"),
)


def hint_key(problem: Problem) -> str:
    return next((key for text, key in _HINTS if text in problem.message), "other")


@dataclass(frozen=True)
class ReloadOutcome:
    assistant: Assistant | None = None
    schedule: EventSchedule | None = None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.assistant is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


# Question variants a reload checks for conflicts (about 2 s of work); a bigger change is
# summarised in one warning and left to `kb check`, so a reload never stalls the bot.
MAX_RELOAD_CHECKS = 1500


def reload_folder(
    folder: Path,
    current: KnowledgeBase,
    settings: MatchSettings,
    texts: Texts,
    now: datetime | None = None,
) -> ReloadOutcome:
    """Read and check the whole folder; build the new assistant only if nothing is wrong.
    `now` adds the warnings that depend on the date (a booking window that has closed)."""
    knowledge, problems = check_folder(folder)
    schedule, event_problems = check_events(Path(folder) / EVENTS_FILE, now)
    problems = sorted(problems + event_problems)
    if knowledge is None or any(p.severity is Severity.ERROR for p in problems):
        return ReloadOutcome(problems=problems)
    assistant = Assistant(knowledge, settings, texts)
    added, changed, removed = _differences(current, knowledge)
    # Staff learn about a regression when they save: questions of the entries they touched that
    # now lead elsewhere are reported (the rest of the knowledge was reported before).
    touched = set(added) | set(changed)
    regressions = find_conflicts(
        knowledge, assistant.index, only=touched, max_checked=MAX_RELOAD_CHECKS
    )
    return ReloadOutcome(assistant, schedule, added, changed, removed, problems + regressions)


def _differences(
    old: KnowledgeBase, new: KnowledgeBase
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    before = {entry.id: _content(entry) for entry in old.entries}
    after = {entry.id: _content(entry) for entry in new.entries}
    added = tuple(sorted(set(after) - set(before)))
    removed = tuple(sorted(set(before) - set(after)))
    changed = tuple(sorted(i for i in set(after) & set(before) if after[i] != before[i]))
    return added, changed, removed


def _content(entry: Entry) -> tuple[object, ...]:
    """What an entry says and how it is asked (not where it sits in its file)."""
    return (
        entry.category,
        tuple(sorted((k, tuple(v)) for k, v in entry.questions.items())),
        tuple(sorted(entry.answer.items())),
        entry.keywords,
        entry.links,
        entry.follow_ups,
        entry.action,
    )


def describe(outcome: ReloadOutcome, texts: Texts, lang: str, limit: int = 25) -> str:
    """The admins' message: a one-line summary, or the problems with a hint in plain words."""
    if outcome.accepted:
        summary = texts.get(
            "reload.done",
            lang,
            added=len(outcome.added),
            changed=len(outcome.changed),
            removed=len(outcome.removed),
            warnings=len(outcome.problems),
        )
        notes = [
            f"• {Path(p.file).name}:{p.line} — {texts.get(f'hint.{hint_key(p)}', lang)}\n"
            f"  ({p.message})"
            for p in outcome.problems[:limit]
        ]
        return "\n".join([summary, *notes])
    lines = [texts.get("reload.refused", lang, errors=len(outcome.errors))]
    for problem in outcome.errors[:limit]:
        where = f"{Path(problem.file).name}:{problem.line}"
        hint = texts.get(f"hint.{hint_key(problem)}", lang)
        lines.append(f"• {where} — {hint}\n  ({problem.message})")
    if len(outcome.errors) > limit:
        lines.append(texts.get("reload.more", lang, count=len(outcome.errors) - limit))
    return "\n".join(lines)

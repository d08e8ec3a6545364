"""The staff's knowledge commands: `kb check` (every problem at once, then one summary line)
and `kb review` / `kb suggest` (the questions the bot could not answer, grouped)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from bot.config import Settings
from bot.conflicts import find_conflicts
from bot.errors import Problem, Severity, problem_lines
from bot.events_check import check_events
from bot.knowledge_loader import check_folder, load_knowledge
from bot.matching import MatchIndex, MatchSettings
from bot.review import (
    format_review,
    format_suggestions,
    group_unanswered,
    read_unanswered,
    recorded_since,
)
from bot.services import EVENTS_FILE
from bot.terms import Analyzer, load_stopwords

__all__ = ["day_argument", "kb_check", "kb_review"]

CONFLICTS_SHOWN = 15


def kb_check(
    folder: Path,
    match: MatchSettings | None = None,
    strict: bool = False,
    now: datetime | None = None,
) -> int:
    """The knowledge, the events file and the leave-one-out conflicts (bot.conflicts): every
    problem at once, then one summary line. `strict` refuses warnings too; `now` adds the
    warnings that depend on the date (a booking window already closed)."""
    knowledge, problems = check_folder(folder)
    schedule, event_problems = check_events(folder / EVENTS_FILE, now)
    problems = sorted(problems + event_problems)
    conflicts: list[Problem] = []
    if knowledge is not None:
        index = MatchIndex(knowledge, Analyzer(load_stopwords()), match)
        conflicts = sorted(find_conflicts(knowledge, index))
    for line in problem_lines(problems):
        print(line)
    # Conflicts are advice, often many: all of them with --strict, the first few otherwise.
    shown = conflicts if strict else conflicts[:CONFLICTS_SHOWN]
    for problem in shown:
        print(problem)
    if len(shown) < len(conflicts):
        print(
            f"... and {len(conflicts) - len(shown)} more questions closer to another entry "
            "(python -m bot kb check --strict lists them all)"
        )
    problems += conflicts
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if knowledge is None or errors:
        print(f"\n{errors} error(s): the knowledge was NOT accepted; fix them and check again.")
        return 1
    if strict and problems:
        print(f"\n{len(problems)} warning(s) with --strict: the knowledge was NOT accepted.")
        return 1
    per_language: Counter[str] = Counter()
    for entry in knowledge.entries:
        for lang, texts in entry.questions.items():
            per_language[lang] += len(texts)
    languages = ", ".join(f"{lang} {count}" for lang, count in sorted(per_language.items()))
    print(
        f"OK: {len(knowledge.entries)} entries, {sum(per_language.values())} questions "
        f"({languages}), {len(knowledge.synonyms)} synonym groups, "
        f"{len(knowledge.decoys)} out-of-scope subjects, {len(knowledge.examples)} example "
        f"messages, {len(schedule.events)} event(s)"
    )
    return 0


def day_argument(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def kb_review(settings: Settings, since: date | None, suggest: bool) -> int:
    """Unanswered questions from the database, grouped; or as lines to paste (`suggest`)."""
    path = settings.database_path
    if not path.exists():
        print(
            f"no database at {path} yet: nothing has been recorded there "
            "(the bot creates it on its first start; DATABASE_PATH names another one)",
            file=sys.stderr,
        )
        return 1
    rows = recorded_since(asyncio.run(read_unanswered(path)), since)
    if not rows:
        print("no unanswered question recorded" + (f" since {since}" if since else "") + ".")
        return 0
    groups = group_unanswered(rows, Analyzer(load_stopwords()))
    knowledge = load_knowledge(settings.knowledge_dir)
    period = f" since {since}" if since else ""
    print(f"# {len(rows)} unanswered question(s){period} in {len(groups)} group(s)\n")
    print(format_suggestions(groups, knowledge) if suggest else format_review(groups, knowledge))
    return 0

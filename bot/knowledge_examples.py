"""Example messages: whole citizen messages, each with the entry that answers it, that the
classifier (`bot.second_opinion`) learns from besides the entries' own questions.

Why: an entry's questions are short and clean ("how long is the permit valid?"); citizens write
"I live in Turin since 2009, my brother says the land is in the new road plan…, what can we
do?". Trained on the questions alone, the classifier judged such messages no better than the
term matcher; trained also on messages written that way, it got right most of the long
situations and near misses the matcher got wrong, on sets of messages by other writers that
neither had seen (README, "Measured"). The examples are the project's own blind sets, written by
people who never saw the knowledge, once they were measured as held-out sets; never the
evaluation sample beside the project.

Files: `knowledge/examples/*.jsonl`, one JSON object per line, the evaluation's format (`text`,
`expected`: an entry id or null for "out of scope", and optionally `also`, `lang`, `kind`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.errors import Problem, Severity

__all__ = ["EXAMPLES_FOLDER", "Example", "asked_entry", "read_examples"]

# The examples' folder, inside the knowledge folder.
EXAMPLES_FOLDER = "examples"
# Entries of small talk (greetings, thanks): they answer no question.
_SMALL_TALK = "smalltalk."


@dataclass(frozen=True)
class Example:
    text: str
    entry_id: str | None  # None: out of scope


def asked_entry(expected: str | None, also: object) -> str | None:
    """The entry a message written down as two questions expects. "Merci ! Autre chose : …"
    has the thanks first, but a greeting or thanks asks nothing: the second question is what
    must be answered."""
    small_talk_first = expected is not None and expected.startswith(_SMALL_TALK)
    if small_talk_first and isinstance(also, str) and not also.startswith(_SMALL_TALK):
        return also
    return expected


def read_examples(folder: Path, entry_ids: set[str]) -> tuple[list[Example], list[Problem]]:
    """Every example of `folder/examples/*.jsonl`. A line that is not an example, or that names
    an entry the knowledge does not have (renamed since), is left out with a warning: the
    examples only sharpen the classifier, so they never stop the knowledge from loading."""
    examples: list[Example] = []
    problems: list[Problem] = []
    for path in sorted((Path(folder) / EXAMPLES_FOLDER).glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            example, problem = _example(line, entry_ids)
            if problem:
                problems.append(Problem(str(path), number, problem, Severity.WARNING))
            elif example is not None:
                examples.append(example)
    return examples, problems


def _example(line: str, entry_ids: set[str]) -> tuple[Example | None, str | None]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not a JSON object ({exc.msg}); the line is left out"
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None, 'write {"text": "...", "expected": "entry.id" or null}; the line is left out'
    expected = asked_entry(data.get("expected"), data.get("also"))
    if expected is not None and expected not in entry_ids:
        return None, f"'{expected}' is not an entry id; the example is left out"
    return Example(data["text"], expected), None

"""Leave-one-out check: each question variant must still lead to its own entry without itself.

A variant that, left out of the knowledge, is matched to another entry tells staff that the two
entries share its wording: a citizen asking it in slightly different words may get the other
answer. Only variants that are clearly lost are reported (another entry would be answered, or the
own entry falls out of the first three), plus pairs of entries where several variants of one are
closer to the other, so that the list stays short and each line says what to look at.

The index scores each variant with `MatchIndex.match(text, leave_out=...)`, so the check does
not rebuild the index per variant; on the shipped knowledge it takes a few seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from pathlib import Path

import yaml

from bot.errors import Problem, Severity
from bot.knowledge import Entry, KnowledgeBase
from bot.matching import Decision, MatchIndex

__all__ = ["OVERLAP_MIN", "TOP_RANKS", "find_conflicts"]

# The own entry must stay among this many first candidates.
TOP_RANKS = 3
# Variants of one entry closer to another one before the pair is reported as overlapping.
OVERLAP_MIN = 3


def find_conflicts(
    knowledge: KnowledgeBase,
    index: MatchIndex,
    *,
    top_ranks: int = TOP_RANKS,
    overlap_min: int = OVERLAP_MIN,
    only: Collection[str] | None = None,
    max_checked: int | None = None,
) -> list[Problem]:
    """Warnings, sorted: each question variant that, left out, would be answered by another
    entry or no longer finds its own entry among the first `top_ranks` candidates; and each
    pair of entries where at least `overlap_min` variants of one are closer to the other.
    `only` limits the check to these entries' variants (a reload checks what was touched) and
    `max_checked` bounds the work, counting what was left unchecked in one more warning."""
    lines = _QuestionLines()
    problems: list[Problem] = []
    closer: Counter[tuple[str, str]] = Counter()
    checked = 0
    for entry in knowledge.entries:
        if only is not None and entry.id not in only:
            continue
        questions = entry.all_questions()
        if max_checked is not None and checked + len(questions) > max_checked:
            problems.append(_unchecked(knowledge, only, checked, max_checked, entry))
            break
        checked += len(questions)
        for position, (lang, text) in enumerate(questions):
            result = index.match(text, leave_out=(entry.id, position))
            ranked = [candidate.entry_id for candidate in result.candidates]
            best = result.best
            if best is not None and best != entry.id:
                closer[(entry.id, best)] += 1
            answered_other = result.decision is Decision.ANSWER and result.entry_id != entry.id
            if not answered_other and entry.id in ranked[:top_ranks]:
                continue
            if best is None:
                message = (
                    f"this question of {entry.id} finds no entry without itself: «{text}»; "
                    "add variants using its words, or keywords"
                )
            else:
                message = (
                    f"this question of {entry.id} is closer to {best}: «{text}»; "
                    f"reword it, or move it to {best}"
                )
            line = lines.find(entry, lang, text)
            problems.append(Problem(entry.file, line, message, Severity.WARNING))
    problems.extend(_overlaps(knowledge, closer, overlap_min))
    return sorted(problems)


def _unchecked(
    knowledge: KnowledgeBase,
    only: Collection[str] | None,
    checked: int,
    max_checked: int,
    stopped_at: Entry,
) -> Problem:
    """One warning for the variants a bounded check did not reach."""
    entries = [e for e in knowledge.entries if only is None or e.id in only]
    total = sum(len(e.all_questions()) for e in entries)
    return Problem(
        stopped_at.file,
        stopped_at.line,
        f"{total - checked} more questions were not checked for conflicts here (the check stops "
        f"after {max_checked}); run python -m bot kb check for all of them",
        Severity.WARNING,
    )


def _overlaps(
    knowledge: KnowledgeBase, closer: Counter[tuple[str, str]], overlap_min: int
) -> list[Problem]:
    """One warning per pair of entries where at least `overlap_min` variants of one are closer
    to the other, placed at the entry that loses more of them."""
    problems = []
    seen: set[frozenset[str]] = set()
    for (first, second), count in closer.most_common():
        pair = frozenset((first, second))
        if count < overlap_min or pair in seen:
            continue
        seen.add(pair)
        back = closer[(second, first)]
        entry = knowledge[first]
        problems.append(
            Problem(
                entry.file,
                entry.line,
                f"{first} and {second} overlap: {count} questions of {first} are closer to "
                f"{second} (and {back} the other way); make their questions more distinct, or "
                "merge the two entries",
                Severity.WARNING,
            )
        )
    return problems


class _QuestionLines:
    """The line of each question in its file, read again (once per file) with libyaml's node
    composer when it is there: re-reading with bot.yamlsource would double the check's time."""

    def __init__(self) -> None:
        self._files: dict[str, dict[tuple[str, str, str], int]] = {}

    def find(self, entry: Entry, lang: str, text: str) -> int:
        """The question's line, else the entry's line (the file changed since, or no file)."""
        if entry.file not in self._files:
            self._files[entry.file] = _read_lines(entry.file)
        return self._files[entry.file].get((entry.id, lang, text), entry.line)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_lines(file: str) -> dict[tuple[str, str, str], int]:
    """(entry id, language, question) → line, for the entries of one knowledge file."""
    if not file:
        return {}
    try:
        root = yaml.compose(Path(file).read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    lines = {}
    entries = _get(root, "entries")
    for item in entries.value if isinstance(entries, yaml.SequenceNode) else ():
        entry_id, questions = _get(item, "id"), _get(item, "questions")
        if not isinstance(entry_id, yaml.ScalarNode) or not isinstance(
            questions, yaml.MappingNode
        ):
            continue
        for lang, texts in questions.value:
            if isinstance(texts, yaml.SequenceNode):
                for node in texts.value:
                    if isinstance(node, yaml.ScalarNode):
                        key = (entry_id.value, lang.value, node.value.strip())
                        lines.setdefault(key, node.start_mark.line + 1)
    return lines


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key:
                return value
    return None

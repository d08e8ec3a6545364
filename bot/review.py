"""Review of the questions the bot could not answer: similar ones grouped, ready-to-paste YAML.

The `unanswered` table keeps each question normalised, with the bot's first candidates. Similar
texts are grouped (rapidfuzz token_set_ratio on the normalised text, or the same set of terms),
most frequent first, and each group points to its closest entry: the entry most often ranked first
for its questions. `format_suggestions` prints, per entry, the lines to paste under it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

from bot.knowledge import KnowledgeBase
from bot.language import Language, detect_language
from bot.normalize import normalize
from bot.storage import Storage, UnansweredQuestion
from bot.terms import Analyzer

__all__ = [
    "REVIEW_WINDOW",
    "SIMILARITY",
    "Group",
    "format_review",
    "format_suggestions",
    "group_unanswered",
    "question_language",
    "read_unanswered",
    "recorded_since",
]

# token_set_ratio (0–100) from which two questions are taken for the same one.
SIMILARITY = 80
EXAMPLES = 3
# The most recent unanswered questions a review groups: what staff act on is recent, and the
# grouping compares texts pairwise, so an unbounded table would make the review unbounded too.
REVIEW_WINDOW = 1000


@dataclass(frozen=True)
class Group:
    """Similar unanswered questions: how many, up to 3 distinct texts (most frequent first), the
    question languages (knowledge keys: ar, ary_latn, fr, en) with their counts, and the entry
    most often ranked first for them (None when the bot had no candidate)."""

    count: int
    examples: tuple[str, ...]
    languages: tuple[tuple[str, int], ...]
    closest: str | None


@dataclass
class _Cluster:
    text: str
    tokens: frozenset[str]
    terms: frozenset[str]
    texts: Counter[str] = field(default_factory=Counter)

    def accepts(self, text: str, tokens: frozenset[str], terms: frozenset[str]) -> bool:
        if terms and terms == self.terms:
            return True
        # token_set_ratio gives 100 as soon as one text's words are all in the other: a
        # one-word question would swallow every longer one, so half the words must be shared.
        if 2 * len(tokens & self.tokens) < max(len(tokens), len(self.tokens)):
            return False
        return fuzz.token_set_ratio(text, self.text, processor=None) >= SIMILARITY


def question_language(text: str) -> str:
    """The knowledge's question key for a text: ar (Arabic script), ary_latn, fr or en."""
    return "ary_latn" if (lang := detect_language(text)) is Language.DARIJA_LATIN else str(lang)


def recorded_since(rows: list[UnansweredQuestion], day: date | None) -> list[UnansweredQuestion]:
    """The questions recorded on that day (UTC) or later; all of them when `day` is None."""
    return rows if day is None else [row for row in rows if row.created_at.date() >= day]


async def read_unanswered(path: Path) -> list[UnansweredQuestion]:
    storage = await Storage.open(path)
    try:
        return await storage.unanswered(latest=REVIEW_WINDOW)
    finally:
        await storage.close()


def group_unanswered(rows: list[UnansweredQuestion], analyzer: Analyzer) -> list[Group]:
    """Group similar texts; the most asked texts found the groups. Most frequent group first."""
    asked = Counter(row.text.strip() for row in rows if row.text.strip())
    clusters: list[_Cluster] = []
    for text, count in sorted(asked.items(), key=lambda item: (-item[1], item[0])):
        tokens = frozenset(text.split())
        terms = frozenset(analyzer.terms(text))
        cluster = next((c for c in clusters if c.accepts(text, tokens, terms)), None)
        if cluster is None:
            cluster = _Cluster(text, tokens, terms)
            clusters.append(cluster)
        cluster.texts[text] += count
    first_candidates: dict[str, Counter[str]] = {}
    for row in rows:
        if row.candidates:
            first_candidates.setdefault(row.text.strip(), Counter())[row.candidates[0]] += 1
    groups = []
    for cluster in clusters:
        closest: Counter[str] = Counter()
        languages: Counter[str] = Counter()
        for text, count in cluster.texts.items():
            closest.update(first_candidates.get(text, Counter()))
            languages[question_language(text)] += count
        groups.append(
            Group(
                count=sum(cluster.texts.values()),
                examples=tuple(text for text, _ in cluster.texts.most_common(EXAMPLES)),
                languages=tuple(languages.most_common()),
                closest=closest.most_common(1)[0][0] if closest else None,
            )
        )
    return sorted(groups, key=lambda group: -group.count)


def format_review(groups: list[Group], knowledge: KnowledgeBase) -> str:
    lines = []
    for number, group in enumerate(groups, 1):
        languages = ", ".join(f"{lang} {count}" for lang, count in group.languages)
        lines.append(
            f"{number}. {group.count} × ({languages}) — closest: {_where(group, knowledge)}"
        )
        lines += [f"     «{text}»" for text in group.examples]
    return "\n".join(lines)


def _where(group: Group, knowledge: KnowledgeBase) -> str:
    entry = knowledge.get(group.closest) if group.closest else None
    if entry is None:
        return f"{group.closest} (no longer in the knowledge)" if group.closest else "none"
    return f"{entry.id} ({_shown(entry.file)}:{entry.line})"


def format_suggestions(groups: list[Group], knowledge: KnowledgeBase) -> str:
    """Per closest entry, the `questions:` lines to paste under it (texts it already has are left
    out); then, as comments, the groups that no entry is close to."""
    per_entry: dict[str, list[Group]] = {}
    orphans: list[Group] = []
    for group in groups:
        if group.closest and knowledge.get(group.closest):
            per_entry.setdefault(group.closest, []).append(group)
        else:
            orphans.append(group)
    blocks = []
    ordered = sorted(per_entry.items(), key=lambda item: -sum(g.count for g in item[1]))
    for entry_id, entry_groups in ordered:
        entry = knowledge[entry_id]
        count = sum(group.count for group in entry_groups)
        lines = [
            f"# {entry_id}  ({_shown(entry.file)}, entry at line {entry.line}) "
            f"— {count} similar question{'s' if count > 1 else ''}"
        ]
        known = {normalize(text) for _, text in entry.all_questions()}
        per_language: dict[str, list[str]] = {}
        for group in entry_groups:
            for text in group.examples:
                if normalize(text) not in known:
                    per_language.setdefault(question_language(text), []).append(text)
        if per_language:
            lines.append("questions:")
            for lang, texts in per_language.items():
                lines.append(f"  {lang}:")
                lines += [f"    - {json.dumps(text, ensure_ascii=False)}" for text in texts]
        else:
            lines.append("# (the entry already has these questions)")
        blocks.append("\n".join(lines))
    if orphans:
        lines = ["# close to no entry (a new entry, or out of scope?):"]
        for group in orphans:
            lines += [f"#   {group.count} × «{text}»" for text in group.examples[:1]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _shown(file: str) -> str:
    """A knowledge file's path relative to the current folder when it is inside it."""
    if not file:
        return "?"
    try:
        return str(Path(file).resolve().relative_to(Path.cwd()))
    except ValueError:
        return file

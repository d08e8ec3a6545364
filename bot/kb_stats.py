"""Figures about the knowledge for staff: what is there, what is missing, what needs a look.

`knowledge_stats()` is a pure function of the knowledge and today's date; `format_stats()` turns
its result into the text that `python -m bot kb stats` prints.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from bot.knowledge import ANSWER_LANGUAGES, CATEGORIES, QUESTION_LANGUAGES, KnowledgeBase, Link

__all__ = ["KnowledgeStats", "LinkTitles", "format_stats", "knowledge_stats"]


@dataclass(frozen=True)
class LinkTitles:
    """One address given different titles: each title (as shown) with the entries using it."""

    url: str
    titles: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class KnowledgeStats:
    today: date
    entries: int
    per_category: dict[str, int]
    questions_per_language: dict[str, int]
    # Language → ids of the entries that have no question (answer) in it.
    missing_questions: dict[str, tuple[str, ...]]
    missing_answers: dict[str, tuple[str, ...]]
    # Reviewed before `review_limit` (more than a year ago), oldest first; and never reviewed.
    review_limit: date
    stale: tuple[tuple[str, date], ...]
    never_reviewed: tuple[str, ...]
    link_titles: tuple[LinkTitles, ...]

    @property
    def questions(self) -> int:
        return sum(self.questions_per_language.values())


def knowledge_stats(knowledge: KnowledgeBase, today: date) -> KnowledgeStats:
    entries = knowledge.entries
    categories = Counter(entry.category for entry in entries)
    order = [c for c in CATEGORIES if c in categories] + sorted(set(categories) - set(CATEGORIES))
    questions: Counter[str] = Counter()
    for entry in entries:
        for lang, texts in entry.questions.items():
            questions[lang] += len(texts)
    limit = _year_before(today)
    reviewed = [(e.id, e.reviewed) for e in entries if e.reviewed is not None]
    return KnowledgeStats(
        today=today,
        entries=len(entries),
        per_category={category: categories[category] for category in order},
        questions_per_language={lang: questions[lang] for lang in QUESTION_LANGUAGES},
        missing_questions={
            lang: tuple(e.id for e in entries if not e.questions.get(lang))
            for lang in QUESTION_LANGUAGES
        },
        missing_answers={
            lang: tuple(e.id for e in entries if not e.answer.get(lang))
            for lang in ANSWER_LANGUAGES
        },
        review_limit=limit,
        stale=tuple(sorted(((i, d) for i, d in reviewed if d < limit), key=lambda x: x[1])),
        never_reviewed=tuple(e.id for e in entries if e.reviewed is None),
        link_titles=_link_titles(knowledge),
    )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _title_text(link: Link) -> str:
    """The title as staff wrote it: one text, or each language's."""
    texts = {lang: text for lang, text in link.title.items() if text}
    if len(set(texts.values())) == 1:
        return next(iter(texts.values()))
    return " | ".join(f"{lang}: {text}" for lang, text in texts.items())


def _link_titles(knowledge: KnowledgeBase) -> tuple[LinkTitles, ...]:
    uses: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for entry in knowledge.entries:
        for link in entry.links:
            users = uses[link.url].setdefault(_title_text(link), [])
            if entry.id not in users:
                users.append(entry.id)
    return tuple(
        LinkTitles(url, tuple((title, tuple(ids)) for title, ids in titles.items()))
        for url, titles in sorted(uses.items())
        if len(titles) > 1
    )


def format_stats(stats: KnowledgeStats) -> str:
    lines = [f"{stats.entries} entries, {stats.questions} questions", "", "Entries per category:"]
    width = max((len(c) for c in stats.per_category), default=0)
    lines += [f"  {c:<{width}}  {n}" for c, n in stats.per_category.items()]
    lines += ["", "Questions per language:"]
    lines += [f"  {lang:<8}  {n}" for lang, n in stats.questions_per_language.items()]
    lines += ["", "Entries missing a language:"]
    missing = [
        (f"questions in {lang}", ids) for lang, ids in stats.missing_questions.items() if ids
    ] + [(f"answer in {lang}", ids) for lang, ids in stats.missing_answers.items() if ids]
    lines += [f"  {what} ({len(ids)}): {', '.join(ids)}" for what, ids in missing] or ["  none"]
    lines += ["", f"Not reviewed for more than a year (before {stats.review_limit}):"]
    lines += [f"  {entry_id}  reviewed {day}" for entry_id, day in stats.stale]
    if stats.never_reviewed:
        ids = ", ".join(stats.never_reviewed)
        lines.append(f"  no 'reviewed' date ({len(stats.never_reviewed)}): {ids}")
    if not stats.stale and not stats.never_reviewed:
        lines.append("  none")
    lines += ["", "Links given different titles:"]
    for link in stats.link_titles:
        lines.append(f"  {link.url}")
        lines += [f"    «{title}» in {', '.join(ids)}" for title, ids in link.titles]
    if not stats.link_titles:
        lines.append("  none")
    return "\n".join(lines)

"""What a match concludes: its settings, its result types and the decision rule.

Scores are on a 0–1 scale. The decision uses two settings: a minimum score to answer and a
minimum margin over the runner-up; below them the best entries are offered as suggestions, and a
question closer to an out-of-scope subject than to any entry, or leaning on off-topic words, is
unknown.

Kept apart from the index and the scoring (`bot.matching`) so that what consumes a match (replies,
the conversation, the evaluation) reads small types and one rule, not the matcher's machinery.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Candidate", "Decision", "MatchResult", "MatchSettings", "decide"]

# Entries kept as candidates of a match, best first (suggestions, review lists, evaluation).
_KEPT = 10


class Decision(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds on the 0–1 score scale; see the README for what each one trades off."""

    min_score: float = 0.3
    min_margin: float = 0.025
    suggest_min: float = 0.2
    max_suggestions: int = 3
    coverage_weight: float = 0.7
    unknown_weight: float = 0.45
    light_word_weight: float = 0.3
    term_saturation: float = 3.0
    keyword_count: int = 2
    decoy_ratio: float = 0.9
    off_topic_share: float = 0.4
    fuzzy_weight: float = 0.15
    focus_weight: float = 0.7
    # The known weight (question words aside) from which a message's question counts in full.
    focus_substance: float = 4.0
    # The classifier's second opinion (bot.second_opinion), in its own decision units: how far
    # ahead its preferred entry must be to settle a hesitation or to doubt an answer; how close
    # behind its best "out of scope" must come to refuse one; and how much its reading weighs
    # the question clause.
    second_opinion: bool = True
    settle_margin: float = 0.2
    doubt_margin: float = 0.2
    refuse_gap: float = 0.1
    opinion_question_weight: float = 0.3
    # How far ahead the classifier's entry for a message's first question must be to answer it
    # instead of the matcher's, when the message asks two things.
    first_question_margin: float = 0.3
    # How far ahead the classifier's entry must be to be answered instead of the matcher's
    # (from `doubt_margin` up to this, the citizen is asked which of the two they mean; no
    # lower than `doubt_margin`).
    switch_margin: float = 0.5
    # A matcher's answer from this score up stands whatever the classifier says.
    sure_score: float = 0.7
    # How far ahead the classifier's entry must be, of every other entry and of "out of scope",
    # to answer a message the matcher gives up on (or hands to an out-of-scope subject), when
    # the entry is among the matcher's `rescue_candidates` leading ones.
    rescue_margin: float = 0.6
    rescue_candidates: int = 5


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    decision: Decision
    entry_id: str | None
    score: float
    suggestions: tuple[Candidate, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    unknown_terms: tuple[str, ...] = field(default=(), compare=False)
    # A second question of the same message that another entry answers clearly.
    also: str | None = None
    # The out-of-scope subject the question is about, when one beat every entry.
    redirect: str | None = None

    @property
    def best(self) -> str | None:
        """The best entry even when not confident: for evaluation and review lists."""
        return self.entry_id or (self.candidates[0].entry_id if self.candidates else None)


def decide(
    scored: Iterable[tuple[str, bool, float]],
    settings: MatchSettings,
    unknown: tuple[str, ...],
    *,
    off_topic: float = 0.0,
    query: Set[str] = frozenset(),
    off_topic_terms: frozenset[str] = frozenset(),
) -> MatchResult:
    """Answer, clarify or give up, from each scored document as (key, is an out-of-scope
    subject, score); `off_topic` is the share of the question's weight carried by
    `off_topic_terms`, and `query` holds the question's known terms."""
    entries: list[tuple[str, float]] = []
    decoy_key, decoy_best = "", 0.0
    for key, decoy, score in scored:
        if not decoy:
            entries.append((key, score))
        elif score > decoy_best:
            decoy_key, decoy_best = key, score
    leading = heapq.nlargest(_KEPT, entries, key=lambda item: item[1])
    real = [Candidate(key, round(score, 4)) for key, score in leading]
    # A one-word question made of a word the entries use more than the out-of-scope
    # subjects ("permis", "rokhsa") is vague, not out of scope: suggest, do not refuse.
    if len(query) == 1 and not query & off_topic_terms:
        decoy_best = 0.0
    if not real:
        return MatchResult(Decision.UNKNOWN, None, 0.0, unknown_terms=unknown)
    best = real[0]
    second = real[1].score if len(real) > 1 else 0.0
    decoy_wins = decoy_best >= settings.decoy_ratio * best.score
    if decoy_wins or off_topic >= settings.off_topic_share or best.score < settings.suggest_min:
        # The subject is named only when it is the question's best match, and a clear one.
        redirect = decoy_key if decoy_wins and decoy_best >= settings.suggest_min else None
        return MatchResult(
            Decision.UNKNOWN, None, best.score, (), tuple(real), unknown, redirect=redirect
        )
    if best.score >= settings.min_score and best.score - second >= settings.min_margin:
        return MatchResult(Decision.ANSWER, best.entry_id, best.score, (), tuple(real), unknown)
    floor = max(settings.suggest_min, best.score - 0.2)
    suggestions = tuple(c for c in real if c.score >= floor)[: settings.max_suggestions]
    return MatchResult(Decision.CLARIFY, None, best.score, suggestions, tuple(real), unknown)

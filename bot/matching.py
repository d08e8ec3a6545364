"""Match a question to the knowledge: normalise → resolve terms → score → decide.

The index is built once per knowledge base. Each entry (and each out-of-scope subject, a "decoy")
is a document made of its question variants and keywords, reduced to terms: stems, or the name of a
synonym group when the word belongs to one, so "rokhsa", "رخصة" and "permis" are one term.

A term weighs by how rare it is across documents (inverse document frequency), so the words that
tell topics apart ("construire", "سياقة") decide, and words every permit question shares do not.
Words of the question that the knowledge has never seen are first corrected with rapidfuzz
against the known vocabulary (typos, Darija spellings); if nothing is close they stay unknown and
count against every entry, which is how "permis de conduire" fails to look like a building permit.

An entry's score, on a 0–1 scale, blends two views: how much of the question's weight its whole
vocabulary covers, and how close its best single variant is (weighted Dice). The decision uses two
settings: a minimum score to answer and a minimum margin over the runner-up.

Leave-one-out (`match(text, leave_out=(entry_id, position))`, used by `bot.conflicts`): scores the
text as if that question variant (position in `Entry.all_questions()`) were not in the knowledge,
without rebuilding the index: its terms no longer count towards its entry's term strengths and it
is skipped when the entry's best variant is sought, in both the term and the wording comparison.
Term weights (IDF) and the vocabulary stay those of the full knowledge, a close approximation.
The entry's term counts are rebuilt from the knowledge on the first such call and kept.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.knowledge import KnowledgeBase
from bot.terms import Analyzer, load_light_words, stem

__all__ = ["Candidate", "Decision", "MatchIndex", "MatchResult", "MatchSettings"]

_CONCEPT = "~"
_MAX_PHRASE = 5
# Documents whose best variant is compared in full (see MatchIndex._score).
_CANDIDATES = 15
# Documents whose variants are compared word for word with rapidfuzz.
_SURFACE_CANDIDATES = 6


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
    decoy_ratio: float = 1.0
    off_topic_share: float = 0.4
    fuzzy_weight: float = 0.15


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

    @property
    def best(self) -> str | None:
        """The best entry even when not confident: for evaluation and review lists."""
        return self.entry_id or (self.candidates[0].entry_id if self.candidates else None)


@dataclass(frozen=True)
class _Doc:
    key: str
    decoy: bool
    smalltalk: bool


@dataclass(frozen=True)
class _EntryCounts:
    """One entry's term counts (as at build time) and, per question position, the variant's id
    in the index (None when it has no term) and its terms: what leaving it out takes away."""

    counts: Counter[str]
    top: int
    top_terms: int
    variants: tuple[tuple[int | None, frozenset[str]], ...]


@dataclass(frozen=True)
class _LeftOut:
    """A question variant left out of the scoring; see the module docstring."""

    doc: int
    position: int
    variant: int | None
    counts: Counter[str]
    removed: frozenset[str]
    scale: float
    saturation: float

    def strength(self, term: str) -> float:
        count = self.counts.get(term, 0) - (term in self.removed)
        return count / (count + self.saturation) * self.scale if count > 0 else 0.0


@dataclass(frozen=True)
class _QueryTerm:
    term: str
    weight: float
    known: bool


class MatchIndex:
    """Everything the matcher needs, precomputed from one knowledge base."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        analyzer: Analyzer,
        settings: MatchSettings | None = None,
    ) -> None:
        self.settings = settings or MatchSettings()
        self._analyzer = analyzer
        self._singles: dict[str, str] = {}
        self._phrases: dict[tuple[str, ...], str] = {}
        self._load_synonyms(knowledge.synonyms)

        self._light_words = load_light_words()
        self._knowledge = knowledge
        self._docs: list[_Doc] = []
        # For leave-one-out only: each document's first variant id, and entry counts on demand.
        self._doc_first_variant: list[int] = []
        self._entry_counts_cache: dict[int, _EntryCounts] = {}
        self._entry_docs: dict[str, int] = {}
        self._doc_texts: list[list[str]] = []
        doc_bags: list[Counter[str]] = []
        variant_terms: list[frozenset[str]] = []
        variant_doc: list[int] = []
        raw_tokens: set[str] = set()

        def add_doc(doc: _Doc, variants: Iterable[str], keywords: Iterable[str]) -> None:
            index = len(self._docs)
            self._docs.append(doc)
            self._doc_first_variant.append(len(variant_terms))
            bag: Counter[str] = Counter()
            texts: list[str] = []
            for text in variants:
                tokens = analyzer.tokens(text)
                raw_tokens.update(tokens)
                texts.append(" ".join(sorted(tokens)))
                stems = [stem(token) for token in tokens]
                terms = frozenset(self._canonical(stems))
                if terms:
                    variant_terms.append(terms)
                    variant_doc.append(index)
                    bag.update(terms)
            for text in keywords:
                tokens = analyzer.tokens(text)
                raw_tokens.update(tokens)
                stems = [stem(token) for token in tokens]
                for term in set(self._canonical(stems)):
                    bag[term] += self.settings.keyword_count
            doc_bags.append(bag)
            self._doc_texts.append(texts)

        for entry in knowledge.entries:
            doc = _Doc(entry.id, decoy=False, smalltalk=entry.category == "smalltalk")
            add_doc(doc, [text for _, text in entry.all_questions()], entry.keywords)
        for decoy in knowledge.decoys:
            add_doc(_Doc(f"oos:{decoy.subject}", decoy=True, smalltalk=False), decoy.phrases, ())

        count = max(len(self._docs), 1)
        frequency: dict[str, int] = defaultdict(int)
        for bag in doc_bags:
            for term in bag:
                frequency[term] += 1
        self._idf = {term: math.log(1 + count / df) for term, df in frequency.items()}
        self._unknown_idf = math.log(1 + count) * self.settings.unknown_weight

        # How strongly an entry owns a term grows with the number of its variants (and keywords)
        # that use it, and saturates; the entry's most used term has strength 1.
        inside: Counter[str] = Counter()
        outside: Counter[str] = Counter()
        for doc, bag in zip(self._docs, doc_bags, strict=True):
            (outside if doc.decoy else inside).update(bag)
        saturation = self.settings.term_saturation
        self._doc_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, bag in enumerate(doc_bags):
            top = max(bag.values(), default=1)
            scale = (top + saturation) / top
            for term, count in bag.items():
                # Out-of-scope phrases are few and each is characteristic: full strength.
                strength = 1.0 if self._docs[index].decoy else count / (count + saturation) * scale
                self._doc_postings[term].append((index, strength))
        # Cosine denominators, precomputed: 1 / sqrt(total weight of the variant's terms).
        self._variant_inverse_norm = [
            1 / math.sqrt(sum(self._idf[t] for t in terms)) for terms in variant_terms
        ]
        self._doc_term_variants: list[dict[str, list[int]]] = [{} for _ in self._docs]
        for variant, (doc, terms) in enumerate(zip(variant_doc, variant_terms, strict=True)):
            for term in terms:
                self._doc_term_variants[doc].setdefault(term, []).append(variant)
        self._smalltalk_docs = [i for i, doc in enumerate(self._docs) if doc.smalltalk]
        # Words used mostly by out-of-scope subjects ("سياقة", "passeport"): a question that leans
        # on them is about something else, whatever permit words surround them.
        self._off_topic = frozenset(t for t, count in outside.items() if count > inside[t])

        # Chit-chat words are those used mostly by the small-talk entries ("salam", "merci"), even
        # if a permit question or an out-of-scope phrase happens to start with one.
        small: Counter[str] = Counter()
        other: Counter[str] = Counter()
        for doc, bag in zip(self._docs, doc_bags, strict=True):
            (small if doc.smalltalk else other).update(bag)
        self._chitchat = frozenset(term for term, count in small.items() if count >= other[term])

        synonym_tokens = {
            token
            for members in dict(knowledge.synonyms).values()
            for member in members
            for token in analyzer.tokens(member)
        }
        self._known_stems = frozenset(stem(token) for token in raw_tokens | synonym_tokens)
        fuzzy_pool = raw_tokens | synonym_tokens
        # Typo candidates share the first or the second letter with the typed word: a one-letter
        # slip rarely hits both, and comparing against a small bucket keeps correction fast.
        by_letter: dict[tuple[int, str], list[str]] = defaultdict(list)
        for token in sorted(fuzzy_pool):
            for position in (0, 1):
                if len(token) > position:
                    by_letter[(position, token[position])].append(token)
        self._by_letter = {key: tuple(tokens) for key, tokens in by_letter.items()}
        self._correct = lru_cache(maxsize=16384)(self._correct_uncached)

    # ------------------------------------------------------------------ vocabulary

    def _load_synonyms(self, groups: dict[str, Sequence[str]] | object) -> None:
        for name, members in dict(groups).items():  # type: ignore[call-overload]
            concept = f"{_CONCEPT}{name}"
            for member in members:
                stems = tuple(self._analyzer.terms(member))
                if len(stems) == 1:
                    self._singles.setdefault(stems[0], concept)
                elif 1 < len(stems) <= _MAX_PHRASE:
                    self._phrases.setdefault(stems, concept)

    def _canonical(self, stems: Sequence[str]) -> list[str]:
        return [term for term, _ in self._canonical_pairs(stems)]

    def _canonical_pairs(self, stems: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
        """Replace synonym phrases (longest first) and words by their group's name.

        Each term comes with the stems it replaced, so a fuzzy-corrected stem passes its
        similarity on to the term.
        """
        out: list[tuple[str, tuple[str, ...]]] = []
        i = 0
        while i < len(stems):
            for size in range(min(_MAX_PHRASE, len(stems) - i), 1, -1):
                span = tuple(stems[i : i + size])
                concept = self._phrases.get(span)
                if concept:
                    out.append((concept, span))
                    i += size
                    break
            else:
                out.append((self._singles.get(stems[i], stems[i]), (stems[i],)))
                i += 1
        return out

    def _correct_uncached(self, token: str) -> tuple[str, float] | None:
        """The stem of the closest known word for a word the knowledge has never seen, with its
        similarity. Compared before stemming: a typo ("logment") can change the stem entirely."""
        own = stem(token)
        if own in self._known_stems:
            return own, 1.0
        if len(token) < 4 or token.isdigit():
            return None
        cutoff = 80 if len(token) <= 5 else 75
        best: tuple[str, float] | None = None
        for key in ((0, token[0]), (1, token[1])):
            found = process.extractOne(
                token, self._by_letter.get(key, ()), scorer=fuzz.ratio, score_cutoff=cutoff
            )
            if found is not None and (best is None or found[1] > best[1]):
                best = (found[0], found[1])
                cutoff = found[1]
        if best is None:
            return None
        return stem(best[0]), best[1] / 100

    # ------------------------------------------------------------------ matching

    def _query_terms(self, text: str) -> list[_QueryTerm]:
        resolved: list[str] = []
        similarity: dict[str, float] = {}
        unknown: list[str] = []
        for token in self._analyzer.tokens(text):
            corrected = self._correct(token)
            if corrected is None:
                if not token.isdigit() and len(token) > 2:
                    unknown.append(stem(token))
                continue
            resolved.append(corrected[0])
            similarity[corrected[0]] = min(similarity.get(corrected[0], 1.0), corrected[1])
        terms: dict[str, _QueryTerm] = {}
        for term, sources in self._canonical_pairs(resolved):
            idf = self._idf.get(term)
            if idf is None:
                continue
            weight = idf * min(similarity[source] for source in sources)
            if term in self._light_words or term.isdigit():
                weight *= self.settings.light_word_weight
            if term not in terms or terms[term].weight < weight:
                terms[term] = _QueryTerm(term, weight, known=True)
        for word in unknown:
            terms.setdefault(word, _QueryTerm(word, self._unknown_idf, known=False))
        return list(terms.values())

    def match(self, text: str, *, leave_out: tuple[str, int] | None = None) -> MatchResult:
        """Match one question. `leave_out=(entry_id, position)` scores it as if the entry's
        question at that position of `Entry.all_questions()` were absent (leave-one-out checks);
        an unknown entry id or position raises ValueError."""
        left_out = self._leave_out(*leave_out) if leave_out is not None else None
        terms = self._query_terms(text)
        known = [t for t in terms if t.known]
        unknown = tuple(t.term for t in terms if not t.known)
        if not known:
            return MatchResult(Decision.UNKNOWN, None, 0.0, unknown_terms=unknown)
        # "salam, bghit n3ref…" is a question with a greeting in front: drop the greeting when the
        # rest says more than it does; "super merci bien" stays thanks.
        chitchat = sum(t.weight for t in known if t.term in self._chitchat)
        substantive = sum(t.weight for t in known if t.term not in self._chitchat)
        skip_smalltalk = substantive > 0 and (chitchat == 0 or substantive >= chitchat)
        if skip_smalltalk:
            terms = [t for t in terms if t.term not in self._chitchat]
            if not [t for t in terms if t.known]:
                return MatchResult(Decision.UNKNOWN, None, 0.0, unknown_terms=unknown)
        scores = self._score(terms, skip_smalltalk, left_out)
        query = " ".join(sorted(self._analyzer.tokens(text)))
        self._add_surface_similarity(scores, query, left_out)
        total = sum(t.weight for t in terms)
        off_topic = sum(t.weight for t in terms if t.term in self._off_topic) / total
        return self._decide(scores, unknown, off_topic, {t.term for t in terms if t.known})

    def _score(
        self, terms: list[_QueryTerm], skip_smalltalk: bool, left_out: _LeftOut | None = None
    ) -> dict[int, float]:
        """Coverage for every document sharing a term, then the best-variant cosine for the
        leading candidates only: a document outside them cannot catch up, since coverage
        carries most of the score, and this keeps a 5,000-entry base fast."""
        total = sum(t.weight for t in terms)
        weights = {t.term: t.weight for t in terms if t.known}
        coverage: dict[int, float] = defaultdict(float)
        for term, weight in weights.items():
            for doc, strength in self._doc_postings.get(term, ()):
                coverage[doc] += weight * strength
        if left_out is not None:
            own = sum(weight * left_out.strength(term) for term, weight in weights.items())
            coverage[left_out.doc] = own
            if not own:
                del coverage[left_out.doc]
        if skip_smalltalk:
            for doc in self._smalltalk_docs:
                coverage.pop(doc, None)
        leaders = heapq.nlargest(_CANDIDATES, coverage.items(), key=lambda item: item[1])
        alpha = self.settings.coverage_weight
        root_total = math.sqrt(total)
        inverse_norm = self._variant_inverse_norm
        scores: dict[int, float] = {}
        for doc, covered in leaders:
            shared: dict[int, float] = {}
            by_term = self._doc_term_variants[doc]
            for term, weight in weights.items():
                for variant in by_term.get(term, ()):
                    shared[variant] = shared.get(variant, 0.0) + weight
            if left_out is not None and doc == left_out.doc and left_out.variant is not None:
                shared.pop(left_out.variant, None)
            best = max((w * inverse_norm[v] for v, w in shared.items()), default=0.0)
            scores[doc] = alpha * covered / total + (1 - alpha) * best / root_total
        return scores

    def _add_surface_similarity(
        self, scores: dict[int, float], query: str, left_out: _LeftOut | None = None
    ) -> None:
        """Blend in how close the question's wording is to the leading entries' variants
        (rapidfuzz, word order ignored): it separates near-ties the word weights leave."""
        beta = self.settings.fuzzy_weight
        leaders = set(heapq.nlargest(_SURFACE_CANDIDATES, scores, key=scores.__getitem__))
        for doc, score in scores.items():
            surface = 0.0
            texts = self._doc_texts[doc]
            if left_out is not None and doc == left_out.doc:
                texts = texts[: left_out.position] + texts[left_out.position + 1 :]
            if doc in leaders and texts:
                # Both sides hold their words sorted, so a plain ratio is rapidfuzz's
                # token_sort_ratio without sorting every variant again for each question.
                found = process.extractOne(query, texts, scorer=fuzz.ratio)
                surface = found[1] / 100 if found else 0.0
            scores[doc] = (1 - beta) * score + beta * surface

    def _leave_out(self, entry_id: str, position: int) -> _LeftOut:
        if not self._entry_docs:
            self._entry_docs = {d.key: i for i, d in enumerate(self._docs) if not d.decoy}
        doc = self._entry_docs.get(entry_id)
        if doc is None:
            raise ValueError(f"leave_out: no entry {entry_id!r}")
        data = self._entry_counts(doc, entry_id)
        if not 0 <= position < len(data.variants):
            raise ValueError(f"leave_out: {entry_id} has no question at position {position}")
        variant, removed = data.variants[position]
        # Counts drop by one at most, so the top count drops only if every top term goes.
        lowered = sum(1 for term in removed if data.counts[term] == data.top)
        top = max(data.top - (lowered == data.top_terms), 1)
        saturation = self.settings.term_saturation
        return _LeftOut(
            doc, position, variant, data.counts, removed, (top + saturation) / top, saturation
        )

    def _entry_counts(self, doc: int, entry_id: str) -> _EntryCounts:
        """The entry's term counts rebuilt from the knowledge exactly as `__init__` does."""
        cached = self._entry_counts_cache.get(doc)
        if cached is not None:
            return cached
        entry = self._knowledge[entry_id]
        counts: Counter[str] = Counter()
        variants: list[tuple[int | None, frozenset[str]]] = []
        next_id = self._doc_first_variant[doc]
        for _, text in entry.all_questions():
            terms = frozenset(self._canonical([stem(t) for t in self._analyzer.tokens(text)]))
            variants.append((next_id if terms else None, terms))
            next_id += bool(terms)
            counts.update(terms)
        for text in entry.keywords:
            for term in set(self._canonical([stem(t) for t in self._analyzer.tokens(text)])):
                counts[term] += self.settings.keyword_count
        top = max(counts.values(), default=1)
        top_terms = sum(1 for count in counts.values() if count == top)
        data = _EntryCounts(counts, top, top_terms, tuple(variants))
        self._entry_counts_cache[doc] = data
        return data

    def _decide(
        self,
        scores: dict[int, float],
        unknown: tuple[str, ...],
        off_topic: float = 0.0,
        query: frozenset[str] | set[str] = frozenset(),
    ) -> MatchResult:
        settings = self.settings
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        real = [
            Candidate(self._docs[doc].key, round(score, 4))
            for doc, score in ranked
            if not self._docs[doc].decoy
        ][:10]
        decoy_best = next((score for doc, score in ranked if self._docs[doc].decoy), 0.0)
        # A one-word question made of a word the entries use more than the out-of-scope
        # subjects ("permis", "rokhsa") is vague, not out of scope: suggest, do not refuse.
        if len(query) == 1 and not query & self._off_topic:
            decoy_best = 0.0
        if not real:
            return MatchResult(Decision.UNKNOWN, None, 0.0, unknown_terms=unknown)
        best = real[0]
        second = real[1].score if len(real) > 1 else 0.0
        decoy_wins = decoy_best >= settings.decoy_ratio * best.score
        if (
            decoy_wins
            or off_topic >= settings.off_topic_share
            or best.score < settings.suggest_min
        ):
            return MatchResult(Decision.UNKNOWN, None, best.score, (), tuple(real), unknown)
        if best.score >= settings.min_score and best.score - second >= settings.min_margin:
            return MatchResult(
                Decision.ANSWER, best.entry_id, best.score, (), tuple(real), unknown
            )
        floor = max(settings.suggest_min, best.score - 0.2)
        suggestions = tuple(c for c in real if c.score >= floor)[: settings.max_suggestions]
        return MatchResult(Decision.CLARIFY, None, best.score, suggestions, tuple(real), unknown)


def _is_arabic(term: str) -> bool:
    return bool(term) and "\u0600" <= term[0] <= "\u06ff"

"""The knowledge reduced to weighted terms: what the matcher needs, built once per knowledge base.

Each entry (and each out-of-scope subject, a "decoy") is a document made of its question variants
and keywords, reduced to terms: stems, or the name of a synonym group when the word belongs to one,
so "rokhsa", "رخصة" and "permis" are one term.

A term weighs by how rare it is across documents (inverse document frequency), so the words that
tell topics apart ("construire", "سياقة") decide, and words every permit question shares do not.
Words of the question that the knowledge has never seen are first corrected with rapidfuzz
against the known vocabulary (typos, Darija spellings); if nothing is close they stay unknown
(see `bot.matching` for how they count).

Building is the slow, once-per-knowledge-base half of matching; it lives here so that
`bot.matching` reads as the per-question scoring it does with these tables. For leave-one-out
checks (see `bot.matching`), an entry's term counts are rebuilt from the knowledge on the first
such request and kept.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.agency_place import OtherAgency
from bot.knowledge import KnowledgeBase
from bot.match_decision import MatchSettings
from bot.terms import Analyzer, load_light_words, stem
from bot.variant_table import VariantTable
from bot.works_place import WorksPlace

__all__ = ["TermIndex"]

# Marks a synonym group's name used as a term: words never hold it, so no stem collides.
_CONCEPT = "~"
# Longest synonym phrase, in words, recognised as one term.
_MAX_PHRASE = 5


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


class TermIndex:
    """Everything the matcher needs, precomputed from one knowledge base: documents, term
    weights and strengths, synonym groups and the vocabulary for typo correction."""

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
        self._works_place = WorksPlace(knowledge.synonyms)
        self._other_agency = OtherAgency(knowledge.synonyms)
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
            add_doc(_Doc(decoy.subject, decoy=True, smalltalk=False), decoy.phrases, ())

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
        self._variants = VariantTable.build(variant_terms, self._idf, self._doc_first_variant)
        self._smalltalk_docs = [i for i, doc in enumerate(self._docs) if doc.smalltalk]
        self._smalltalk_keys = frozenset(self._docs[i].key for i in self._smalltalk_docs)
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

    # ------------------------------------------------------------------ leave-one-out

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

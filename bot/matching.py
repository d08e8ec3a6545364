"""Match a question to the knowledge: normalise → resolve terms → score → decide.

The public entry of matching: `MatchIndex` and the result types are imported from here. The index
is built once per knowledge base (`bot.term_index`: documents, synonyms, term weights, typo
correction); this module scores a question against it, and `bot.match_decision` turns the scores
into an answer, a clarification or "unknown".

Words of the question that the knowledge has never seen, and that typo correction cannot place,
stay unknown and count against every entry, which is how "permis de conduire" fails to look like
a building permit.

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
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, cached_property, partial

from rapidfuzz import fuzz, process

from bot.agency_place import OTHER_AGENCY
from bot.knowledge import KnowledgeBase
from bot.match_decision import Candidate, Decision, MatchResult, MatchSettings, decide
from bot.question_focus import Focus, asks, focus
from bot.second_opinion import OpinionSource, SecondOpinion
from bot.term_index import TermIndex
from bot.terms import Analyzer, stem
from bot.works_place import VETOED, WORKS_ABROAD

__all__ = ["Candidate", "Decision", "MatchIndex", "MatchResult", "MatchSettings"]

# Documents whose best variant is compared in full (see MatchIndex._score): at most this many,
# and only those covering at least this share of what the leader covers.
_CANDIDATES = 15
_LEADER_SHARE = 0.3
# The blend's score from which the question and the whole leading with one entry answer it.
_AGREED_SCORE = 0.4
# A message of at most this many terms that greets or thanks and asks nothing is small talk.
_SMALLTALK_TERMS = 4
# The term of the knowledge's "thanks" synonym group.
_THANKS = "~thanks"
# Documents whose variants are compared word for word with rapidfuzz.
_SURFACE_CANDIDATES = 6
# A message of fewer words ("permis", "rokhsa dyal") is vague: its "did you mean" stands, whatever
# the classifier's second opinion.
_SETTLE_MIN_WORDS = 3
# A message read whole is about an out-of-scope subject when that subject scores at least this
# share of the best entry (the question clause alone uses `MatchSettings.decoy_ratio`).
_STORY_DECOY_RATIO = 1.0


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
class _Scored:
    """A text's scores by document, its unknown words, the share of its weight on off-topic
    words and its known terms."""

    scores: dict[int, float]
    unknown: tuple[str, ...]
    off_topic: float = 0.0
    query: frozenset[str] = frozenset()
    substance: float = 0.0  # the weight of its known words, question words aside
    # Every known term of the text, greetings and thanks included (`query` may leave them out).
    said: frozenset[str] = frozenset()


def _blend(asked: _Scored, whole: _Scored, weight: float) -> _Scored:
    """The question's scores first, the whole message's second. Leaning on out-of-scope words
    anywhere counts: "the earthquake reconstruction aid, do they still pay it?" is about the
    earthquake even if the clause that asks does not say so."""
    if not asked.scores:
        return whole
    docs = asked.scores.keys() | whole.scores.keys()
    scores = {
        doc: weight * asked.scores.get(doc, 0.0) + (1 - weight) * whole.scores.get(doc, 0.0)
        for doc in docs
    }
    query = asked.query | whole.query
    off_topic = max(asked.off_topic, whole.off_topic)
    return _Scored(scores, whole.unknown, off_topic, query, asked.substance)


def _agreed(blended: MatchResult, readings: list[MatchResult]) -> MatchResult:
    """A long message read three ways (its question, the whole, its second question): when the
    blend's leading entry is what one reading answers outright and another reading also leads
    with, or what both the question and the whole lead with at a fair score, that agreement is
    the confidence the blend's margin lacked."""
    best = blended.best
    answered = [r.decision is Decision.ANSWER and r.entry_id == best for r in readings]
    agreed = [r.best for r in readings].count(best) >= 2
    both_lead = readings[0].best == readings[1].best == best and blended.score >= _AGREED_SCORE
    if best is None or not (answered[1] or (any(answered) and agreed) or both_lead):
        return blended
    return replace(blended, decision=Decision.ANSWER, entry_id=best, suggestions=())


def _withheld(result: MatchResult, redirect: str | None = None) -> MatchResult:
    """The match as "I don't know" (or the out-of-scope subject's redirection), keeping its
    candidates for review lists and evaluation."""
    return MatchResult(
        Decision.UNKNOWN,
        None,
        result.score,
        candidates=result.candidates,
        unknown_terms=result.unknown_terms,
        redirect=redirect,
    )


@dataclass(frozen=True)
class _QueryTerm:
    term: str
    weight: float
    known: bool


class MatchIndex(TermIndex):
    """The matcher: the index of one knowledge base (built on construction, see `TermIndex`)
    and the scoring of questions against it."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        analyzer: Analyzer,
        settings: MatchSettings | None = None,
        opinions: OpinionSource | None = None,
    ) -> None:
        """`opinions` gives the second opinion; by default, the classifier fitted on this
        knowledge (`bot.second_opinion`), unless the settings turn it off."""
        super().__init__(knowledge, analyzer, settings)
        if opinions is None and self.settings.second_opinion:
            opinions = SecondOpinion.of(knowledge)
        self._second_opinion = opinions

    @cached_property
    def _works_abroad_doc(self) -> int | None:
        return next((i for i, doc in enumerate(self._docs) if doc.key == WORKS_ABROAD), None)

    def _query_terms(self, tokens: list[str]) -> list[_QueryTerm]:
        resolved: list[str] = []
        similarity: dict[str, float] = {}
        unknown: list[str] = []
        for token in tokens:
            corrected = self._correct(token)
            if stem(token) in self._light_words and (corrected is None or corrected[1] < 1.0):
                # "c'est faisable ?": a light word the knowledge never uses is not another word
                # misspelt ("fiscal").
                continue
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
        an unknown entry id or position raises ValueError.

        A message that tells a situation before it asks, or asks two things, is scored on its
        question first and on the whole second (see `bot.question_focus`); a second question
        the knowledge answers clearly comes back as `also`."""
        left_out = self._leave_out(*leave_out) if leave_out is not None else None
        # Works in the region, or asked about by someone who only says where they live, are
        # never "works abroad", however the words score (looked at only when that subject
        # scores at all).
        judge = partial(
            self._decide, at_home=cache(partial(self._works_place.works_at_home, text))
        )
        parts = focus(text) if leave_out is None else None
        # A long message's wording is compared in its question, not as a whole: cheaper, and
        # a whole story is close to no single variant anyway.
        whole = self._scored(text, left_out, surface=parts is None)
        if parts is None:
            return self._placed(self._reviewed(judge(whole), text, text, left_out), text, text)
        asked = self._scored(parts.question, None)
        second = self._scored(parts.second, None) if parts.second is not None else None
        first = judge(asked)
        if self._only_chitchat(asked) or (
            self._small_talk(first) and not self._asks_beyond_chitchat(parts.question, judge)
        ):
            # "salam cv? je veux réserver…", "Merci ! Autre chose : …": the greeting's or the
            # thanks' question mark asks nothing; the question is the rest of the message,
            # read without its greetings and thanks.
            if asks(text):
                whole = self._scored(text, None, surface=False, drop_chitchat=True)
            if second is None or self._small_talk(judge(second)):
                # "salam, labas? kolchi bikhir? bghit nfhem chno howa da3m…": greetings all
                # the way to a question the focus did not separate; the whole message asks it.
                whole_reading = judge(whole)
                answered = whole_reading.decision is Decision.ANSWER
                if answered and not self._small_talk(whole_reading):
                    reviewed = self._reviewed(whole_reading, text, text, None)
                    return self._placed(reviewed, text, text)
            elif not self._only_chitchat(second):
                parts = Focus(parts.second, None, None)
                asked, second = second, None
                first = judge(asked)
        if (
            second is not None
            and first.decision is Decision.UNKNOWN
            and asked.substance < second.substance / 2
        ):
            # "I don't get why. Whom do I call to appeal?": the first asks nothing by itself.
            asked, second = second, asked
            first = judge(asked)
        # A question that says little by itself ("what can I do?") leans on the whole message.
        settings = self.settings
        weight = settings.focus_weight * min(1.0, asked.substance / settings.focus_substance)
        result = judge(_blend(asked, whole, weight))
        also = judge(second) if second is not None else None
        if result.decision is Decision.CLARIFY:
            readings = [first, judge(whole)] + ([also] if also else [])
            result = _agreed(result, readings)
        if result.redirect and second is None:
            # A question clause of a few words can lean on one an out-of-scope subject uses too
            # ("general", "7aja" read as hajj); a whole message clearly about one entry is not
            # about that subject.
            whole_reading = judge(whole)
            if whole_reading.decision is Decision.ANSWER:
                result = whole_reading
        if result.decision is Decision.ANSWER and second is None:
            # "My son wants his driving licence this summer… how long does it take?": the
            # question clause fits an entry, the message is about an out-of-scope subject. Only
            # when that subject beats every entry outright: a story names many things.
            strict = replace(settings, decoy_ratio=_STORY_DECOY_RATIO)
            whole_reading = judge(whole, settings=strict)
            if whole_reading.redirect is not None:
                result = whole_reading
        if also is not None and first.decision is Decision.ANSWER:
            # Two questions and the first is clear by itself: the blend hesitating, or leaning
            # to the second's entry, is the second's words speaking, not what was asked first.
            hesitant = result.decision is Decision.CLARIFY and result.best == first.entry_id
            leaning = result.entry_id == also.entry_id != first.entry_id
            if hesitant or leaning:
                result = replace(first, candidates=result.candidates)
        if also and also.decision is Decision.ANSWER and also.entry_id != result.entry_id:
            result = replace(result, also=also.entry_id)
        result = self._reviewed(result, parts.question, text, left_out, parts.rest)
        if parts.rest is not None:
            result = self._first_asked(result, parts.question, parts.rest)
        return self._placed(result, parts.question, text)

    def _reviewed(
        self,
        result: MatchResult,
        question: str,
        message: str,
        left_out: _LeftOut | None,
        rest: str | None = None,
    ) -> MatchResult:
        """The classifier's second opinion (bot.second_opinion) where it can change the
        outcome: a hesitation it settles among the leading entries, an answer it reads as out
        of scope or nearly, which is refused, or an answer it gives to another entry: clearly
        ahead, the citizen is asked which of the two they mean; far ahead, among the entries
        the message's words lead to, that entry is answered. An answer scored `sure_score` or
        more is all but one of the entry's own questions and stands: a topic staff have just
        added, with one or two questions, is barely known to the classifier. Not in
        leave-one-out checks: the classifier has learned the question being left out. In a
        message that asks two things, `rest` is the message without its second question: a
        doubt that reading it does not share was the second question's words, and the answer
        to the first stands."""
        second_opinion = self._second_opinion
        if second_opinion is None or left_out is not None:
            return result
        settings = self.settings
        if result.decision is Decision.CLARIFY and len(message.split()) >= _SETTLE_MIN_WORDS:
            opinion = second_opinion.opinion(question, message)
            leading = [c.entry_id for c in result.candidates[:3]]
            if opinion.entry in leading and opinion.margin >= settings.settle_margin:
                return replace(
                    result, decision=Decision.ANSWER, entry_id=opinion.entry, suggestions=()
                )
        elif (
            result.decision is Decision.ANSWER
            and result.entry_id is not None
            and result.score < settings.sure_score
        ):
            opinion = second_opinion.opinion(question, message, settings.opinion_question_weight)
            if opinion.out_of_scope_gap <= settings.refuse_gap:
                return _withheld(result)
            if (
                opinion.entry is None
                or opinion.entry == result.entry_id
                or opinion.margin < settings.doubt_margin
                or self._first_question_agrees(result, question, rest)
            ):
                return result
            scores = {c.entry_id: c.score for c in result.candidates}
            if opinion.margin >= settings.switch_margin and opinion.entry in scores:
                # Far ahead, and an entry the message's words lead to at all: the classifier
                # has read thousands of whole messages, the matcher weighs words.
                return replace(result, entry_id=opinion.entry, score=scores[opinion.entry])
            suggestions = tuple(
                Candidate(entry, scores.get(entry, 0.0))
                for entry in (result.entry_id, opinion.entry)
            )
            return replace(
                result, decision=Decision.CLARIFY, entry_id=None, suggestions=suggestions
            )
        elif result.decision is Decision.UNKNOWN:
            return self._rescued(result, question, message)
        return result

    def _rescued(self, result: MatchResult, question: str, message: str) -> MatchResult:
        """A message the matcher gives up on, or reads as an out-of-scope subject, whose words
        still lead to an entry that the classifier reads far ahead of every other and of "out
        of scope": a long story spreads its words over many entries and names other
        administrations on the way, and the classifier has read thousands of whole stories
        (cross-validation on the examples: +0.8 point right, +0.1 out of scope answered)."""
        second_opinion = self._second_opinion
        settings = self.settings
        leading = {c.entry_id: c.score for c in result.candidates[: settings.rescue_candidates]}
        if second_opinion is None or not leading:
            return result
        opinion = second_opinion.opinion(question, message, settings.opinion_question_weight)
        if opinion.entry not in leading or opinion.margin < settings.rescue_margin:
            return result
        return replace(
            result,
            decision=Decision.ANSWER,
            entry_id=opinion.entry,
            score=leading[opinion.entry],
            suggestions=(),
            redirect=None,
            also=None if result.also == opinion.entry else result.also,
        )

    def _first_question_agrees(self, result: MatchResult, question: str, rest: str | None) -> bool:
        """Whether the classifier, reading a two-question message without its second question,
        prefers the matcher's answer: a doubt on the whole message was the second's words."""
        if rest is None or self._second_opinion is None:
            return False
        weight = self.settings.opinion_question_weight
        return self._second_opinion.opinion(question, rest, weight).entry == result.entry_id

    def _first_asked(self, result: MatchResult, question: str, rest: str) -> MatchResult:
        """Two questions in one message: the answer is for the one asked first, the other is
        offered as a related question. The words of both weigh on the matcher's blend, so when
        the classifier, reading the message without its second question, clearly prefers
        another of the leading entries, that entry is answered and the matcher's is offered."""
        second_opinion = self._second_opinion
        if second_opinion is None or result.decision is not Decision.ANSWER:
            return result
        settings = self.settings
        opinion = second_opinion.opinion(question, rest, settings.opinion_question_weight)
        scores = {c.entry_id: c.score for c in result.candidates[:3]}
        if (
            opinion.entry not in scores
            or opinion.entry == result.entry_id
            or opinion.margin < settings.first_question_margin
        ):
            return result
        return replace(
            result, entry_id=opinion.entry, score=scores[opinion.entry], also=result.entry_id
        )

    def _placed(self, result: MatchResult, question: str, message: str) -> MatchResult:
        """A building question about a house abroad is not the agency's (bot.works_place),
        nor is a question about another town's urban agency (bot.agency_place)."""
        best = result.best
        entry = self._knowledge.get(best) if best else None
        if entry is None:
            return result
        if self._knowledge.decoy(OTHER_AGENCY) and self._other_agency.named(message):
            return _withheld(result, OTHER_AGENCY)
        if entry.category not in VETOED:
            return result
        if not self._works_place.works_abroad(question, message):
            return result
        return _withheld(result, WORKS_ABROAD if self._knowledge.decoy(WORKS_ABROAD) else None)

    def _scored(
        self,
        text: str,
        left_out: _LeftOut | None,
        surface: bool = True,
        drop_chitchat: bool = False,
    ) -> _Scored:
        """Every document's score for a text, with what the decision needs to know of it."""
        tokens = self._analyzer.tokens(text)
        terms = self._query_terms(tokens)
        known = [t for t in terms if t.known]
        unknown = tuple(t.term for t in terms if not t.known)
        if not known:
            return _Scored({}, unknown)
        # "salam, bghit n3ref…" is a question with a greeting in front: drop the greeting when the
        # rest says more than it does; "super merci bien" stays thanks, and so does a short
        # message that thanks and asks nothing ("thanks a lot, that helps").
        chitchat = sum(t.weight for t in known if t.term in self._chitchat)
        substantive = sum(t.weight for t in known if t.term not in self._chitchat)
        skip_smalltalk = substantive > 0 and (chitchat == 0 or substantive >= chitchat)
        short = len(terms) <= _SMALLTALK_TERMS and self._opens_or_closes_with_chitchat(tokens)
        # "Je voulais juste vous dire merci, grâce à vos explications sur le permis…": a
        # message of any length that thanks and asks nothing is thanks.
        thanks = any(t.term == _THANKS for t in known)
        if chitchat and (short or thanks) and not asks(text) and not drop_chitchat:
            terms = [t for t in terms if t.term in self._chitchat]
            skip_smalltalk = False
        said = frozenset(t.term for t in known)
        if drop_chitchat:
            skip_smalltalk = True
        if skip_smalltalk:
            terms = [t for t in terms if t.term not in self._chitchat]
            if not [t for t in terms if t.known]:
                return _Scored({}, unknown, said=said)
        scores = self._score(terms, skip_smalltalk, left_out)
        query = " ".join(sorted(tokens))
        if surface:
            self._add_surface_similarity(scores, query, left_out)
        total = sum(t.weight for t in terms)
        off_topic = sum(t.weight for t in terms if t.term in self._off_topic) / total
        known_terms = frozenset(t.term for t in terms if t.known)
        substance = sum(t.weight for t in terms if t.known and t.term not in self._light_words)
        return _Scored(scores, unknown, off_topic, known_terms, substance, said)

    def _asks_beyond_chitchat(self, text: str, judge: Callable[[_Scored], MatchResult]) -> bool:
        """Whether a clause that greets or thanks also asks what an entry answers ("salam,
        chnou hiya rokhas ?"), read without its greeting and thanks words."""
        reading = judge(self._scored(text, None, drop_chitchat=True))
        return reading.decision is Decision.ANSWER and not self._small_talk(reading)

    def _small_talk(self, result: MatchResult) -> bool:
        """Whether a match answers with a greeting or thanks."""
        return result.decision is Decision.ANSWER and result.entry_id in self._smalltalk_keys

    def _only_chitchat(self, scored: _Scored) -> bool:
        """Whether a text says nothing but a greeting or thanks ("salam cv", "merci !")."""
        return bool(scored.said) and scored.said <= self._chitchat

    def _opens_or_closes_with_chitchat(self, tokens: list[str]) -> bool:
        """ "Merci beaucoup, c'est clair" opens with thanks; in "the number of Marhaba in Tanger
        Med", the greeting word is a name."""
        for token in {tokens[0], tokens[-1]} if tokens else ():
            corrected = self._correct(token)
            if corrected is not None and any(
                term in self._chitchat for term, _ in self._canonical_pairs([corrected[0]])
            ):
                return True
        return False

    def _decide(
        self,
        scored: _Scored,
        *,
        at_home: Callable[[], bool] | None = None,
        settings: MatchSettings | None = None,
    ) -> MatchResult:
        if not scored.scores:
            return MatchResult(Decision.UNKNOWN, None, 0.0, unknown_terms=scored.unknown)
        docs = self._docs
        works_abroad = self._works_abroad_doc
        scored_abroad = works_abroad is not None and works_abroad in scored.scores
        excluded = WORKS_ABROAD if scored_abroad and at_home is not None and at_home() else None
        return decide(
            [
                (docs[doc].key, docs[doc].decoy, score)
                for doc, score in scored.scores.items()
                if docs[doc].key != excluded
            ],
            settings or self.settings,
            scored.unknown,
            off_topic=scored.off_topic,
            query=scored.query,
            off_topic_terms=self._off_topic,
        )

    def _score(
        self, terms: list[_QueryTerm], skip_smalltalk: bool, left_out: _LeftOut | None = None
    ) -> dict[int, float]:
        """Coverage for every document sharing a term, then the best-variant cosine for the
        leading candidates only: a document outside them cannot catch up, since coverage
        carries most of the score, and this keeps a 5,000-entry base fast. Leaders covering
        less than 30 % of what the first covers are dropped too: on the tuning sets that cost
        no right answer, and comparing their variants was most of a long message's time."""
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
        if not leaders:
            return {}
        floor = leaders[0][1] * _LEADER_SHARE
        alpha = self.settings.coverage_weight
        root_total = math.sqrt(total)
        best = self._variants.best_by_document(
            weights, left_out.variant if left_out is not None else None
        )
        return {
            doc: alpha * covered / total + (1 - alpha) * float(best[doc]) / root_total
            for doc, covered in leaders
            if covered >= floor
        }

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

"""A second opinion on a match: a classifier trained on the knowledge's own questions.

Why: the term matcher is tuned rule by rule on messages we have read, and each rule or phrase
fixes the failures it was written from and their close cousins, not the next writer's (measured
on set F in stop 16). A linear classifier (scikit-learn's `LinearSVC` on TF-IDF character
n-grams and words) trained on the same five thousand questions weighs every n-gram against every
entry at once; its mistakes are not the matcher's. It is asked only where the two can disagree:

- the matcher hesitates (it would ask "did you mean") and the classifier clearly prefers one of
  the matcher's leading entries: that entry is answered;
- the matcher answers and the classifier clearly prefers another entry: the citizen is asked
  which of the two they mean, rather than given a confident wrong answer.

Out-of-scope phrases train one class of their own, so the classifier can also say "none of
these". Fitting takes a few seconds: it happens once per knowledge base and process (the same
questions give the same fitted model back), in a child process (`bot.classifier_fit`), and not at
all for a knowledge base too large for it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, pairwise
from typing import Protocol

import numpy as np

from bot.classifier_fit import FittedTables, fit_in_child
from bot.knowledge import KnowledgeBase
from bot.normalize import normalize

__all__ = ["Opinion", "OpinionSource", "SecondOpinion", "forget_fitted"]

log = logging.getLogger(__name__)

# The class of every out-of-scope phrase.
_OUT_OF_SCOPE = "~out-of-scope"
# Character n-gram sizes, and what a word is (scikit-learn's default token pattern).
_CHAR_SIZES = (2, 5)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# Words whose character n-gram columns are kept (a few megabytes at most), and texts whose
# scores are kept.
_WORDS_KEPT = 20000
_TEXTS_KEPT = 8
# One-vs-rest fitting grows with the number of entries; past this, no second opinion. Below
# _MIN_QUESTIONS questions in all, a classifier learns nothing the matcher does not know.
_MAX_ENTRIES = 300
_MIN_QUESTIONS = 200
# Fitted classifiers kept per process, by the hash of what they were trained on.
_KEPT = 4
_FITTED: OrderedDict[str, SecondOpinion] = OrderedDict()
_LOCK = threading.Lock()


def forget_fitted() -> None:
    """Drop the classifiers kept in this process, so the next index fits (and a benchmark
    measures) its own."""
    with _LOCK:
        _FITTED.clear()


@dataclass(frozen=True)
class Opinion:
    """The classifier's preferred entry (None: out of scope), how far ahead of the next it is,
    and how far "out of scope" is behind it (0 when it is the preferred one), in the
    classifier's own decision units."""

    entry: str | None
    margin: float
    out_of_scope_gap: float = math.inf


class OpinionSource(Protocol):
    def opinion(self, question: str, whole: str, question_weight: float = 0.0) -> Opinion: ...


def _char_grams(text: str) -> list[str]:
    """Character n-grams inside each word padded with spaces, as scikit-learn's "char_wb"
    analyzer makes them (a word shorter than n counts once, whole), in a list comprehension
    rather than its append loop."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(_CHAR_SIZES[0], _CHAR_SIZES[1] + 1):
            if size <= n:
                grams.append(padded)
                break
            grams.extend([padded[i : i + n] for i in range(size - n + 1)])
    return grams


def _word_grams(text: str) -> list[str]:
    """Words and word pairs, as scikit-learn's word analyzer with `ngram_range=(1, 2)`."""
    words = _TOKEN.findall(text)
    return words + [f"{first} {second}" for first, second in pairwise(words)]


class SecondOpinion:
    def __init__(self, tables: FittedTables) -> None:
        # One message through scikit-learn's transform and decision_function costs about 2 ms
        # of input checks and sparse-matrix building; the same arithmetic on the fitted tables
        # (the same n-grams, TF-IDF, one dot product) costs a twentieth of that. Character
        # n-grams never cross a word, so each word's columns are looked up once and kept.
        self._classes = [None if c == _OUT_OF_SCOPE else c for c in tables.classes]
        self._out_of_scope = self._classes.index(None) if None in self._classes else None
        self._char_vocabulary = tables.char_columns
        self._word_vocabulary = tables.word_columns
        self._idf = tables.idf
        self._weights = tables.weights.astype(np.float32)  # half the memory; scores move by 1e-7
        self._intercept = tables.intercept
        self._word_columns = lru_cache(maxsize=_WORDS_KEPT)(self._char_columns)
        # One match reads the same question clause for two rules; callers never change the
        # array they get.
        self.scores = lru_cache(maxsize=_TEXTS_KEPT)(self._scores)

    @classmethod
    def of(cls, knowledge: KnowledgeBase) -> SecondOpinion | None:
        """The fitted classifier of a knowledge base, or None when it should not have one: too
        few questions to learn from, a single class, or too many entries to fit quickly."""
        if len(knowledge.entries) > _MAX_ENTRIES:
            return None
        texts: list[str] = []
        labels: list[str] = []
        for entry in knowledge.entries:
            for _, question in entry.all_questions():
                texts.append(normalize(question))
                labels.append(entry.id)
        for decoy in knowledge.decoys:
            texts.extend(normalize(phrase) for phrase in decoy.phrases)
            labels.extend(_OUT_OF_SCOPE for _ in decoy.phrases)
        for example in knowledge.examples:
            texts.append(normalize(example.text))
            labels.append(example.entry_id or _OUT_OF_SCOPE)
        if len(set(labels)) < 2 or len(texts) < _MIN_QUESTIONS:
            return None
        pairs = "\x1e".join(
            f"{label}\x1f{text}" for text, label in zip(texts, labels, strict=True)
        )
        key = hashlib.sha256(pairs.encode()).hexdigest()
        with _LOCK:
            fitted = _FITTED.get(key)
            if fitted is None:
                try:
                    fitted = cls(fit_in_child(texts, labels, _CHAR_SIZES, _TOKEN.pattern))
                except ValueError:  # no n-gram seen twice: a toy knowledge base
                    return None
                except ImportError as missing:  # an install without scikit-learn
                    log.warning("no second opinion on matches: %s", missing)
                    return None
                _FITTED[key] = fitted
                while len(_FITTED) > _KEPT:
                    _FITTED.popitem(last=False)
            _FITTED.move_to_end(key)
        return fitted

    def opinion(self, question: str, whole: str, question_weight: float = 0.0) -> Opinion:
        """What the classifier prefers for a message, reading its question clause with
        `question_weight` and the whole message with the rest."""
        scores = self.scores(whole)
        if question_weight and question != whole:
            scores = (1 - question_weight) * scores + question_weight * self.scores(question)
        if len(scores) == 1:  # two classes: one score, for the second class
            scores = np.array([-scores[0], scores[0]])
        order = np.argsort(-scores)
        best = scores[order[0]]
        gap = (
            float(best - scores[self._out_of_scope])
            if self._out_of_scope is not None
            else math.inf
        )
        return Opinion(self._classes[order[0]], float(best - scores[order[1]]), gap)

    def _scores(self, text: str) -> np.ndarray:
        """The model's decision value for each class (as `LinearSVC.decision_function`); read
        through `scores`, which keeps the last few."""
        text = normalize(text)
        word_columns = self._word_vocabulary.get
        blocks = (
            list(chain.from_iterable(map(self._word_columns, text.split()))),
            [c for gram in _word_grams(text) if (c := word_columns(gram)) is not None],
        )
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for found in blocks:
            if not found:
                continue
            counts = Counter(found)
            block = np.fromiter(counts, dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            weights = (np.log(tf) + 1.0) * self._idf[block]
            columns.append(block)
            values.append(weights / np.linalg.norm(weights))
        if not columns:
            return self._intercept.copy()
        return np.concatenate(values) @ self._weights[np.concatenate(columns)] + self._intercept

    def _char_columns(self, word: str) -> tuple[int, ...]:
        """The columns of a word's character n-grams that the vocabulary holds, repeated as
        often as the n-gram occurs in the word."""
        vocabulary = self._char_vocabulary
        return tuple(c for gram in _char_grams(word) if (c := vocabulary.get(gram)) is not None)

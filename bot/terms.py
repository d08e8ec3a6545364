"""From normalised text to the terms the matcher counts: stop words out, words stemmed.

Why a light hand-written Arabic stemmer: the Snowball Arabic stemmer strips root letters that look
like prefixes ("بناء" → "ناء" while "البناء" → "بناء"), so the same word lands on two stems. Here
only clitics are removed (the article and the conjunctions glued to it, pronoun suffixes, Darija's
present-tense prefixes) and only while three letters remain; the fuzzy step of the matcher absorbs
the rest. Latin words go through the Snowball French stemmer, which also folds English plurals.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import snowballstemmer

from bot.normalize import normalize, tokenize

__all__ = ["Analyzer", "load_light_words", "load_stopwords", "stem"]

_ARABIC_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "دال", "لل", "ال", "كن", "كت", "كي")
_ARABIC_SUFFIXES = ("هما", "كما", "ها", "هم", "هن", "كم", "نا", "ات", "ون", "ين", "ه")
_MIN_ARABIC_STEM = 3

_french = snowballstemmer.stemmer("french")
# Words the French stemmer would merge with an unrelated word: "communication" and "commune" both
# become "comun", "pays" (country) and "pay" both "pay", "taxi" and "taxe" both "tax". They are
# kept whole.
_KEEP_WHOLE = frozenset({"communication", "communications", "pays", "taxi", "taxis"})


def _is_arabic(token: str) -> bool:
    return "\u0600" <= token[0] <= "\u06ff"


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Return the matching key of one normalised token."""
    if _is_arabic(token):
        return _stem_arabic(token)
    if any(ch.isdigit() for ch in token) or len(token) <= 3 or token in _KEEP_WHOLE:
        return _squash(token)
    return _squash(_french.stemWord(token))


def _stem_arabic(token: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= _MIN_ARABIC_STEM:
            token = token[len(prefix) :]
            break
    for suffix in _ARABIC_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_ARABIC_STEM:
            token = token[: -len(suffix)]
            break
    return token


def _squash(token: str) -> str:
    """Collapse doubled Latin letters: "rokhssa"/"rokhsa" and "aafak"/"afak" meet."""
    out: list[str] = []
    for ch in token:
        if not out or ch != out[-1] or ch.isdigit():
            out.append(ch)
    return "".join(out)


def _read_word_lists(*names: str) -> frozenset[str]:
    words: set[str] = set()
    folder = resources.files("bot") / "resources"
    for name in names:
        for raw in (folder / name).read_text(encoding="utf-8").splitlines():
            text = raw.split("#", 1)[0].strip()
            if text:
                words.update(normalize(text).split())
    return frozenset(words)


def load_stopwords() -> frozenset[str]:
    """The shipped stop-word lists (Arabic script and Latin script), normalised."""
    return _read_word_lists("stopwords_ar.txt", "stopwords_latn.txt")


def load_light_words() -> frozenset[str]:
    """Words that weigh little (question words, generic verbs), as stems; see
    bot/resources/light_words.txt."""
    return frozenset(stem(word) for word in _read_word_lists("light_words.txt"))


class Analyzer:
    """Turns any text into stemmed content terms; one instance serves index and queries alike."""

    def __init__(self, stopwords: Iterable[str]) -> None:
        self._stopwords = frozenset(stopwords)

    def tokens(self, text: str) -> list[str]:
        """Normalised content words, before stemming (what typo correction compares)."""
        return [token for token in tokenize(text) if token not in self._stopwords]

    def terms(self, text: str) -> list[str]:
        return [stem(token) for token in self.tokens(text)]

    def is_stopword(self, token: str) -> bool:
        return token in self._stopwords

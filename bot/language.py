"""Guess the language a question is written in, and pick the language of the reply.

Arabic script is read as Arabic (MSA and Darija get the same Arabic answer). Latin script may be
French, English or Darija in Latin letters; short marker-word lists tell them apart well enough,
and a Darija writer in Latin letters gets the Arabic answer unless they chose French.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.normalize import Script, detect_script, tokenize

__all__ = ["Language", "clear_language", "detect_language", "reply_language"]


class Language(StrEnum):
    ARABIC = "ar"
    DARIJA_LATIN = "ary_latn"
    FRENCH = "fr"
    ENGLISH = "en"


UI_LANGUAGES = ("ar", "fr", "en")

_FRENCH = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "au",
        "aux",
        "et",
        "ou",
        "est",
        "sont",
        "je",
        "j",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ils",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "votre",
        "vos",
        "notre",
        "nos",
        "ce",
        "cette",
        "ces",
        "qui",
        "que",
        "quoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "comment",
        "pourquoi",
        "combien",
        "quand",
        "dans",
        "pour",
        "par",
        "sur",
        "avec",
        "sans",
        "pas",
        "plus",
        "faut",
        "peut",
        "peux",
        "puis",
        "dois",
        "doit",
        "bonjour",
        "bonsoir",
        "merci",
        "svp",
        "stp",
        "oui",
        "non",
        "suis",
        "ai",
        "avez",
        "avoir",
        "etre",
        "mais",
        "aussi",
        "tres",
        "chez",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "without",
        "is",
        "are",
        "was",
        "be",
        "can",
        "could",
        "would",
        "should",
        "do",
        "does",
        "did",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "my",
        "your",
        "i",
        "you",
        "we",
        "they",
        "it",
        "this",
        "that",
        "there",
        "have",
        "has",
        "need",
        "want",
        "please",
        "hello",
        "hi",
        "thanks",
        "thank",
        "much",
        "many",
        "long",
        "get",
        "apply",
        "from",
        "am",
        "not",
        "any",
    ]
)
_DARIJA = frozenset(
    [
        "wach",
        "wash",
        "ach",
        "achno",
        "chno",
        "chnou",
        "chnu",
        "shno",
        "kifach",
        "kifash",
        "kif",
        "fin",
        "fine",
        "imta",
        "ch7al",
        "chhal",
        "shhal",
        "bghit",
        "bghina",
        "bgha",
        "khassni",
        "khasni",
        "khass",
        "khas",
        "3afak",
        "afak",
        "dyal",
        "dial",
        "dyali",
        "diali",
        "dyalna",
        "ana",
        "nta",
        "nti",
        "howa",
        "hiya",
        "hna",
        "7na",
        "rah",
        "ra",
        "raha",
        "ghir",
        "chi",
        "shi",
        "had",
        "hadi",
        "hada",
        "hadchi",
        "kayn",
        "kayna",
        "kaynin",
        "mzyan",
        "bzaf",
        "daba",
        "ila",
        "bach",
        "m3a",
        "mea",
        "3la",
        "3nd",
        "3ndi",
        "andi",
        "3andi",
        "nqder",
        "n9der",
        "n9dar",
        "nqdar",
        "wla",
        "ola",
        "salam",
        "slm",
        "lah",
        "llah",
        "choukran",
        "chokran",
        "chukran",
        "chokrane",
        "baraka",
        "lhamdulillah",
        "inchallah",
        "nchallah",
        "safi",
        "walakin",
        "bla",
    ]
)

# A letter-digit inside a word ("ch7al", "3afak"), not a number or a measure ("49cc", "m2").
_ARABIZI_WORD = re.compile(r"(?<![0-9])[23579][a-z]{2,}|[a-z][23579][a-z]")


def detect_language(text: str) -> Language:
    """The language the text is most likely written in (French when Latin and undecided)."""
    return clear_language(text) or Language.FRENCH


def clear_language(text: str) -> Language | None:
    """The text's language when the text itself shows it (Arabic letters, or words of one
    language); None for a Latin text with no telling word ("salam", "ok", a name)."""
    if detect_script(text) is Script.ARABIC:
        return Language.ARABIC
    tokens = tokenize(text)
    raw = text.lower()
    darija = sum(token in _DARIJA for token in tokens)
    darija += sum(1 for word in raw.split() if _has_arabizi_digit(word))
    french = sum(token in _FRENCH for token in tokens)
    english = sum(token in _ENGLISH for token in tokens)
    if darija > max(french, english) or (darija and darija == french and darija > english):
        return Language.DARIJA_LATIN
    if english > french:
        return Language.ENGLISH
    return Language.FRENCH if french else None


def _has_arabizi_digit(word: str) -> bool:
    return bool(_ARABIZI_WORD.search(word))


def reply_language(
    detected: Language | str,
    chosen: str | None = None,
    available: tuple[str, ...] = UI_LANGUAGES,
) -> str:
    """The language to answer in: the user's choice first, then the question's language.

    Darija in Latin letters is answered in Arabic; English falls back to French where the text
    has no English version.
    """
    if chosen in UI_LANGUAGES:
        lang = chosen
    elif detected in (Language.ARABIC, Language.DARIJA_LATIN):
        lang = "ar"
    elif detected == Language.ENGLISH:
        lang = "en"
    else:
        lang = "fr"
    if lang not in available:
        lang = "fr" if "fr" in available else available[0]
    return lang

"""Text normalisation shared by the knowledge index and the user's question.

Both sides must go through exactly the same functions, so every rule lives here once. The rules
fold away differences that do not change meaning for a reader on a phone: Arabic diacritics and
letter variants, Persian/Urdu look-alike keyboards, Eastern digits, Latin case and accents, French
elisions, stretched letters ("merciii"), and Arabizi digits used as letters.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache

__all__ = [
    "Script",
    "detect_script",
    "fold_arabic",
    "fold_arabizi",
    "fold_latin",
    "normalize",
    "tokenize",
]


class Script(StrEnum):
    ARABIC = "arabic"
    LATIN = "latin"
    NONE = "none"


# Harakat, shadda, sukun, superscript alef, Quranic marks: they never change the word for a reader.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"

_ARABIC_LETTER_MAP = str.maketrans(
    {
        # alef with hamza or madda, and alef wasla, read as a bare alef when typed in a hurry
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        # hamza carriers fold onto their seat letter
        "ؤ": "و",
        "ئ": "ي",
        # ta marbuta and alef maqsura are often typed as ha and ya
        "ة": "ه",
        "ى": "ي",
        # Persian / Urdu keyboard look-alikes
        "ک": "ك",
        "ی": "ي",
        "ي": "ي",
        "ۀ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ە": "ه",
        # Maghrebi letters for sounds missing from MSA (g, v, p, ch)
        "گ": "ك",
        "ڭ": "ك",
        "ݣ": "ك",
        "ڤ": "ف",
        "ڨ": "ق",
        "پ": "ب",
        "چ": "ج",
        # Arabic-Indic and Eastern Arabic-Indic digits
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        # Arabic punctuation becomes plain punctuation, later dropped
        "؟": "?",
        "،": ",",
        "؛": ";",
        "٪": "%",
    }
)

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile("[a-z]")

# French and Arabizi elisions: l'ard, d'habiter, j'ai, qu'il, n'est, s'il, c'est, m'a, t'as.
_ELISION = re.compile(r"\b(?:qu|[ldjnsmtc])['’`´]")
_APOSTROPHES = re.compile(r"['’`´]")
# Three or more of the same letter are a stretched word ("merciii", "salaaam", "شكراااا").
_STRETCH = re.compile(r"(\D)\1{2,}")
_NON_WORD = re.compile(r"[^\w]+")

# Arabizi: a digit written for a letter that Latin lacks. Each maps to the Latin letters people
# also type for it, so "3afak" meets "afak" half-way and "7" meets "h".
_ARABIZI_DIGITS = {"2": "a", "3": "a", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "q"}
_ARABIZI_TOKEN = re.compile(r"^(?=.*[a-z])(?=.*[235679])[a-z0-9]+$")
_MEASURE = re.compile(r"^\d+(?:m2|m|cm|km|mm|ha|dh|mad|cc|kg|h|min|eme|er|e|x)?$")


def detect_script(text: str) -> Script:
    """Tell which script dominates, since the reply language and the stemmer depend on it."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text.lower()))
    if not arabic and not latin:
        return Script.NONE
    return Script.ARABIC if arabic >= latin else Script.LATIN


def fold_arabic(text: str) -> str:
    """Remove marks and fold letter variants that people type interchangeably."""
    text = _ARABIC_MARKS.sub("", text.replace(_TATWEEL, ""))
    return text.translate(_ARABIC_LETTER_MAP)


def fold_latin(text: str) -> str:
    """Lower-case, strip accents and cut elisions, so "L'Agence" and "agence" are one word."""
    text = text.lower()
    if not text.isascii():  # ASCII has nothing to decompose, and most Latin messages are ASCII
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch) or _is_arabic_mark(ch))
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    text = _ELISION.sub("", text)
    return _APOSTROPHES.sub(" ", text)


def _is_arabic_mark(ch: str) -> bool:
    # NFKD splits no Arabic letter we care about, but keep Arabic combining marks for fold_arabic.
    return "\u0600" <= ch <= "\u06ff"


def fold_arabizi(token: str) -> str:
    """Turn Arabizi letter-digits into Latin letters; leave numbers and measures ("49cc", "m2")."""
    if _MEASURE.match(token) or not _ARABIZI_TOKEN.match(token):
        return token
    letters = sum(ch.isalpha() for ch in token)
    digits = len(token) - letters
    if letters <= digits:
        return token
    return "".join(_ARABIZI_DIGITS.get(ch, ch) for ch in token)


# Matching one message folds it several times (its question, the whole, the place of the works):
# the last few texts are kept, and only those, so a message is folded once.
@lru_cache(maxsize=32)
def normalize(text: str) -> str:
    """Fold a whole text into the canonical form that tokens are cut from."""
    text = unicodedata.normalize("NFKC", text)
    text = fold_arabic(text)
    text = fold_latin(text)
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    text = " ".join(fold_arabizi(token) for token in text.split())
    # After the Arabizi digits, so that normalising twice changes nothing ("sa3a" → "saaa" → "sa").
    return _STRETCH.sub(r"\1", text)


def tokenize(text: str) -> list[str]:
    """Split a text into normalised tokens, splitting glued Latin/Arabic runs ("fالدار")."""
    tokens: list[str] = []
    for token in normalize(text).split():
        tokens.extend(_split_scripts(token))
    return tokens


_SCRIPT_RUN = re.compile("[\u0600-\u06ff]+|[^\u0600-\u06ff]+")


def _split_scripts(token: str) -> list[str]:
    return _SCRIPT_RUN.findall(token)

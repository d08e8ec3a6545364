"""Works abroad: the citizen asks about building on a house outside Morocco.

"Je vis en Belgique et je veux construire au bled" is the agency's daily question; "je veux
agrandir ma maison à Bruxelles" is not its business at all, though both name a permit, a house
and a foreign place. A foreign place right after a word that says the person lives or works
there ("je vis en", "ana sakn f", "أقيم في") is where they live; one within a few words after a
house, works or permit word, in a message that names no place in Morocco, is where the works
are, and that vetoes a building-permit answer (`bot.matching`).

Places and house words come from the knowledge's synonym groups, so staff extend them there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from bot.normalize import normalize

__all__ = ["VETOED", "WORKS_ABROAD", "WorksPlace", "bare_word"]

# The out-of-scope subject (knowledge/out_of_scope.yml) that tells who handles works abroad.
WORKS_ABROAD = "works_abroad"
# The categories of entries a works-abroad question must not get.
VETOED = frozenset({"permits", "urbanism"})

_RESIDENCE_FILE = Path(__file__).parent / "resources" / "residence_words.txt"
_PROPERTY_FILE = Path(__file__).parent / "resources" / "property_words.txt"
_CITIES_FILE = Path(__file__).parent / "resources" / "foreign_cities.txt"
_AUTHORITIES_FILE = Path(__file__).parent / "resources" / "foreign_authorities.txt"
# Synonym groups: foreign places; places in Morocco; what the works are about.
_FOREIGN = ("abroad_country",)
_MOROCCAN = ("morocco", "city", "country")
_WORKS = ("house", "apartment", "build", "works", "extension", "floor", "permit", "shop")
# How far before a foreign place a house or works word ties the works to it, and how far a
# residence word makes it the person's home instead.
_WORKS_WINDOW = 5
_RESIDENCE_WINDOW = 3
# One-letter Arabic prefixes glued to a place name: "في" (ف), "ب", "ل", "و".
_PREFIXES = ("فال", "بال", "وال", "ال", "ف", "ب", "ل", "و")


@lru_cache(maxsize=1)
def _foreign_authorities() -> tuple[frozenset[str], frozenset[str]]:
    """The authority words and the foreign adjectives of `foreign_authorities.txt`."""
    sections: dict[str, set[str]] = {"[authority]": set(), "[adjective]": set()}
    current: set[str] | None = None
    for raw in _AUTHORITIES_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line in sections:
            current = sections[line]
        elif current is not None:
            current.add(normalize(line))
    return frozenset(sections["[authority]"]), frozenset(sections["[adjective]"])


@lru_cache(maxsize=3)
def _listed_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize(line) for line in lines if line.strip() and line[0] not in "#[")


@lru_cache(maxsize=1)
def _next_to_place_words() -> frozenset[str]:
    """The residence words that say where the person lives only right before the place
    ("ana men Belgique"), not a few words before ("the permit from the municipality of
    Madrid"): the lines after `[right before]` in `residence_words.txt`."""
    lines = _RESIDENCE_FILE.read_text(encoding="utf-8").splitlines()
    start = lines.index("[right before]") + 1
    return frozenset(normalize(line) for line in lines[start:] if line.strip() and line[0] != "#")


def _words(synonyms: Mapping[str, Sequence[str]], groups: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(member) for group in groups for member in synonyms.get(group, ()))


class WorksPlace:
    """Built once per knowledge base, from its synonym groups."""

    def __init__(self, synonyms: Mapping[str, Sequence[str]]) -> None:
        self._foreign = _words(synonyms, _FOREIGN) | _listed_words(_CITIES_FILE)
        self._moroccan = _words(synonyms, _MOROCCAN)
        self._works = _words(synonyms, _WORKS) | _listed_words(_PROPERTY_FILE)
        self._residence = _listed_words(_RESIDENCE_FILE) | _words(synonyms, ("live",))
        self._next_to_place = _next_to_place_words()

    def works_at_home(self, message: str) -> bool:
        """Whether the message places its works in Morocco: it names a place there ("fel bled",
        "Béni Mellal"), or every foreign place it names is where the person lives ("ana 3ayech
        f Belgique"). One pass over the message: this runs for every long message."""
        tokens = normalize(message).split()
        if self._places(tokens, self._moroccan):
            return True
        places = self._places(tokens, self._foreign)
        return bool(places) and all(self._resident_at(tokens, place) for place in places)

    def _resident_at(self, tokens: list[str], position: int) -> bool:
        before = tokens[max(0, position - _RESIDENCE_WINDOW) : position]
        if before and before[-1] in self._next_to_place:
            return True
        return any(
            bare_word(word) in self._residence and word not in self._next_to_place
            for word in before
        )

    def works_abroad(self, question: str, message: str) -> bool:
        """Whether the works `question` asks about are on a house outside Morocco, the whole
        `message` naming no place in Morocco."""
        if self._places(normalize(message).split(), self._moroccan):
            return False
        tokens = normalize(message).split()
        return (
            self._works_named(normalize(question).split())
            or (question != message and self._works_named(tokens))
            or self._foreign_authority_named(tokens)
        )

    def _foreign_authority_named(self, tokens: list[str]) -> bool:
        """A foreign country's authority or rules named with its adjective, right before or
        after ("la procédure québécoise", "البلدية البلجيكية", "the Dutch municipality")."""
        authorities, adjectives = _foreign_authorities()
        for position, word in enumerate(tokens):
            if word not in authorities:
                continue
            nearby = tokens[max(0, position - 1) : position] + tokens[position + 1 : position + 2]
            if any(other in adjectives for other in nearby):
                return True
        return False

    def _works_named(self, tokens: list[str]) -> bool:
        """A foreign place within a few words after a house or works word, where the person
        does not say they live."""
        for position in self._places(tokens, self._foreign):
            if self._resident_at(tokens, position):
                continue
            nearby = tokens[max(0, position - _WORKS_WINDOW) : position]
            if any(bare_word(word) in self._works or word in self._works for word in nearby):
                return True
        return False

    def _places(self, tokens: list[str], names: frozenset[str]) -> list[int]:
        """Positions where a place of `names` starts (one or two words, prefixes allowed)."""
        found = []
        last = len(tokens) - 1
        for position, word in enumerate(tokens):
            bare = bare_word(word)
            if word in names or bare in names:
                found.append(position)
            elif position < last:
                following = tokens[position + 1]
                if f"{word} {following}" in names or f"{bare} {following}" in names:
                    found.append(position)
        return found


@lru_cache(maxsize=8192)
def bare_word(word: str) -> str:
    """The word without a one-letter Arabic preposition or article glued to it."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word

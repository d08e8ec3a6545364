"""Another town's urban agency: "le numéro de l'agence urbaine de Marrakech".

The bot speaks for the urban agency of Béni Mellal only. A citizen asking for another town's
agency (its phone, its office, its opening hours) must not get Béni Mellal's details as if they
were that agency's: the words ("agence urbaine", "numéro") are the agency's own, so the matcher
alone answers with confidence. A message that names an urban agency followed within a few
words by a Moroccan town outside the agency's territory is about that other agency
(`bot.matching` withholds the answer and says whom to ask).

The agency words come from the knowledge's synonym group "agency", so staff extend them there;
the towns from `resources/other_moroccan_cities.txt`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from bot.normalize import normalize
from bot.works_place import bare_word

__all__ = ["OTHER_AGENCY", "OtherAgency"]

# The out-of-scope subject (knowledge/out_of_scope.yml) that says whom to ask instead.
OTHER_AGENCY = "other_urban_agency"

_TOWNS_FILE = Path(__file__).parent / "resources" / "other_moroccan_cities.txt"
# The words that may stand between the agency's name and the town ("agence urbaine de la ville
# de Rabat", "الوكالة الحضرية ديال مراكش"): "l'agence urbaine, moi je suis à Casablanca" names
# where the person is, not which agency.
_LINKS = frozenset(
    normalize(word)
    for word in "de d du la ville of in the city town a à en dyal f fi l mdina "
    "ديال د في ف مدينة لمدينة ب".split()
)


@lru_cache(maxsize=1)
def _towns() -> frozenset[str]:
    lines = _TOWNS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize(line) for line in lines if line.strip() and line[0] != "#")


@lru_cache(maxsize=1)
def _town_openings() -> frozenset[str]:
    """The first word of every town's name: a message without one names no town (checked
    first, since this runs for every answer)."""
    return frozenset(town.split()[0] for town in _towns())


class OtherAgency:
    """Built once per knowledge base, from its synonym group "agency"."""

    def __init__(self, synonyms: Mapping[str, Sequence[str]]) -> None:
        names = {tuple(normalize(name).split()) for name in synonyms.get("agency", ())}
        self._names = frozenset(name for name in names if name)
        self._longest = max((len(name) for name in self._names), default=0)

    def named(self, message: str) -> bool:
        """Whether the message names an urban agency of a town outside the territory."""
        tokens = normalize(message).split()
        openings = _town_openings()
        if not any(word in openings or bare_word(word) in openings for word in tokens):
            return False
        towns = _towns()
        for end in self._agency_ends(tokens):
            after = end
            while after < len(tokens) and tokens[after] in _LINKS:
                after += 1
            word = tokens[after] if after < len(tokens) else ""
            pair = " ".join(tokens[after : after + 2])
            if word in towns or bare_word(word) in towns or pair in towns:
                return True
        return False

    def _agency_ends(self, tokens: list[str]) -> list[int]:
        """Where each mention of the agency's name ends, the longest name first; a name glued
        to a prefix ("للوكالة") counts through its first word."""
        ends = []
        for start in range(len(tokens)):
            for size in range(min(self._longest, len(tokens) - start), 0, -1):
                words = tokens[start : start + size]
                glued = (bare_word(words[0]), *words[1:])
                if tuple(words) in self._names or glued in self._names:
                    ends.append(start + size)
                    break
        return ends

"""Find the question in a message: what it asks, apart from the situation told before it.

Citizens abroad rarely type a bare question. They tell their situation first ("I live in
Belgium, my father left us a house near Fquih Ben Salah, my brother wants to add a floor…") and
ask at the end, or ask two things at once. Scored as one bag of words, such a message spreads its
weight over every topic it mentions. So the matcher scores the asking part first and the whole
message second (`bot.matching`); this module only cuts the message.

A message is cut into clauses at sentence punctuation, commas and line breaks, and where "and"
joins a new question ("…? وشحال…", "… et combien…"). A clause asks when it ends with "?" or
starts with a question word or a "I want to know" phrase (`resources/question_cues.txt`); in a
long clause typed without punctuation, the question starts at such a word. The first clause that
asks is the question; a later one, the second question. A question too short to name its
subject, or one that points back ("how do I get it?", "contester ça"), keeps the clause (or the
words) before it. "aussi / also / zid / ثم" join questions like "and", and a clause that opens
with "and" says the one before it asked too, even without a question word. French "où" (where),
which folds into "ou" (or), is told apart by its accent, and opens a question. Plain functions on
text, no index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.normalize import normalize

__all__ = ["Focus", "asks", "focus"]

_CUES_FILE = Path(__file__).parent / "resources" / "question_cues.txt"
# Sentences end at these; clauses also at commas (Latin and Arabic).
_SENTENCE = re.compile(r"[^.!?؟\n…;؛]+[.!?؟\n…;؛]*")
_CLAUSE = re.compile(r"[^,،]+[,،]*")
# Words that join a second question: "and" ("w/o/et/and/ou", or "و" glued to the word), and
# "also/then" ("aussi", "puis", "zid", "كذلك", "ثم"…).
_JOINS = frozenset(
    {"w", "o", "u", "et", "and", "ou", "و"}
    | {"aussi", "also", "puis", "ensuite", "zid", "kadalik", "كذلك", "ايضا", "زيد", "ثم"}
    | {"sinon", "autrement", "otherwise", "besides"}
)
# A cue this far into a clause still opens it ("salam, wach…", "bonjour monsieur comment…").
_OPENING = 3
# A clause longer than this, typed without punctuation, is cut where a cue starts the question.
_LONG_CLAUSE = 8
# A message shorter than this is its own question, unless it asks two things.
_SHORT_MESSAGE = 14
# "…, and also to know how…": at most this many words between "and" and the question word.
_JOIN_BEFORE_CUE = 4
# "…et il reste valable combien…": a question word this close after "and" opens a question.
_LATE_CUE = 5
# A question this short names its subject in the clause before ("how do I get it?").
_SHORT_QUESTION = 6
# Words that point back to what the clause before said ("where do I appeal this decision?").
_BACK_REFERENCES = frozenset(
    normalize(word)
    for word in ("هذا", "هذه", "ذلك", "هادشي", "hadchi", "ça", "cela", "it", "this", "that")
)
# "ما" before a definite noun asks "what" ("ما المدة…", "وما الوثائق…"); before a verb it is
# Darija's "not" ("ما كنعرفش"), so it is no cue by itself.
_WHAT = frozenset({"ما", "وما"})
# "If", after "and", in a clause that goes on to ask (`_asks_if`).
_IF = frozenset(normalize(word) for word in ("ila", "ida", "si", "if", "إلا", "إذا", "إلى"))
# "…? Or …?" goes on with the same question; "والا" is "or" unless typed "وإلا" ("and if").
_OR_OR_IF = "والا"
_OR = frozenset({"ولا", "او", _OR_OR_IF, "wla", "wela", "ola", "ou", "or"})


@dataclass(frozen=True)
class Focus:
    """The clause that asks, and the next one that asks, if any (normalised texts)."""

    question: str
    second: str | None = None
    # The message without its second question (normalised), when it has one; derived from the
    # message, so not part of what a focus is.
    rest: str | None = field(default=None, compare=False)


@lru_cache(maxsize=1)
def _cues() -> tuple[frozenset[tuple[str, ...]], int]:
    cues = set()
    for line in _CUES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cues.add(tuple(normalize(line).split()))
    return frozenset(cues), max(len(cue) for cue in cues)


def _cue_at(tokens: list[str], position: int) -> int:
    """The length of the cue that starts at `position` (0 if none); "و" glued to a one-word
    cue ("وواش", "وهل") counts."""
    if position >= len(tokens):
        return 0
    cues, longest = _cues()
    for size in range(min(longest, len(tokens) - position), 0, -1):
        if tuple(tokens[position : position + size]) in cues:
            return size
    word = tokens[position]
    if word.startswith("و") and len(word) > 2 and (word[1:],) in cues:
        return 1
    if word in _WHAT and tokens[position + 1 : position + 2] and tokens[position + 1][:2] == "ال":
        return 1
    return 0


def _clauses(text: str) -> list[tuple[list[str], bool, int, bool]]:
    """(normalised tokens, ends its sentence with a question mark, sentence number, opens with
    French "où") for each clause, with joined questions split apart."""
    clauses: list[tuple[list[str], bool, int, bool]] = []
    for number, sentence in enumerate(_SENTENCE.findall(text)):
        asked = "?" in sentence or "؟" in sentence
        pieces = _CLAUSE.findall(sentence)
        for last, piece in enumerate(pieces, 1 - len(pieces)):
            tokens = normalize(piece).split()
            if tokens[:1] == [_OR_OR_IF] and piece.lstrip().startswith("وإلا"):
                # "وإلا" with its hamza is "and if" ("…؟ وإلا ما قدرتش نجي، كيفاش نلغي؟"), a
                # new question; "والا" typed plain is "or" (wella) and goes on with the last.
                tokens = ["و", "الا", *tokens[1:]]
            # "où" (where) folds into "ou" (or); only the accent tells them apart.
            where = piece.lstrip(" \t-–—").lower().startswith("où")
            start = 0
            for position in range(1, len(tokens)):
                joined = tokens[position - 1] in _JOINS and (
                    _cue_at(tokens, position)
                    or _asks_if(tokens, position)
                    or _asks_again(tokens, start, position)
                )
                glued = tokens[position].startswith("و") and _cue_at(tokens, position)
                if not (joined or glued) or position - start <= 1:
                    continue
                end = position - 1 if joined else position
                # "comment et quand…", "où et comment…" ask one question with two question
                # words.
                opening = _cue_at(tokens, start) or int(where and start == 0)
                if opening < end - start:
                    clauses.append((tokens[start:end], False, number, where and start == 0))
                    start = end
            if tokens[start:]:
                clauses.append((tokens[start:], asked and last == 0, number, where and start == 0))
    return clauses


def _asks_again(tokens: list[str], start: int, position: int) -> bool:
    """ "Combien de temps pour l'avoir et il reste valable combien de temps ?": after "and", a
    question word a few words on asks again, when the words before "and" asked already."""
    later = range(position + 1, min(position + _LATE_CUE, len(tokens)))
    if not any(_cue_at(tokens, at) for at in later):
        return False
    return any(_cue_at(tokens, at) for at in range(start, position - 1))


def _asks_if(tokens: list[str], position: int) -> bool:
    """ "…and if I cannot come, how do I cancel?": after "and", an "if" whose clause goes on to
    ask opens a second question ("w ila ma9dertch nji kifach nlghi", "et si je ne viens pas,
    comment annuler")."""
    if tokens[position] not in _IF:
        return False
    return any(_cue_at(tokens, later) for later in range(position + 1, len(tokens)))


def _opens_with_and(word: str) -> bool:
    """Whether a clause's first word is "and" (or "also"), alone or as "و" glued to the next
    word ("ومدة", "وما")."""
    return word in _JOINS or (word.startswith("و") and len(word) > 2)


@dataclass(frozen=True)
class _Asking:
    """A part of a message that asks: its words, the clause it starts in, and what that clause
    said before it when the question starts in the middle ("my uncle wants to split his land —
    what does he need?")."""

    tokens: list[str]
    clause: int
    before: list[str]


def _asks(tokens: list[str], marked: bool) -> tuple[list[str], list[str], bool] | None:
    """The asking part of a clause, the words before it, and whether a question word or request
    says it asks (not only a question mark); None if it does not ask."""
    for position in range(min(_OPENING, len(tokens))):
        if _cue_at(tokens, position):
            return tokens, [], True
    if len(tokens) > _LONG_CLAUSE:
        for position in range(_OPENING, len(tokens)):
            if _cue_at(tokens, position):
                return tokens[position:], tokens[:position], True
    return (tokens, [], False) if marked else None


def focus(text: str) -> Focus | None:
    """The question of a message that says more than its question; None when the whole
    message is the question (nothing to set apart)."""
    clauses = _clauses(text)
    asking: list[_Asking] = []
    for index, (tokens, marked, sentence, opens_with_where) in enumerate(clauses):
        # "…, et où est-ce que…", "Ensuite, où voir…" start a new question, not an alternative.
        where = opens_with_where or (tokens[0] == "ou" and _cue_at(tokens, 1))
        if asking and tokens[0] in _OR and not where:
            last = asking[-1]
            asking[-1] = _Asking(last.tokens + tokens, last.clause, last.before)
            continue
        found = _asks(tokens, marked)
        if found is None and opens_with_where:
            found = (tokens, [], True)
        if found is None:
            continue
        part, before, cued = found
        start = index
        same_sentence = asking and clauses[asking[-1].clause][2] == sentence
        if not cued and _opens_with_and(tokens[0]) and same_sentence:
            # "شحال الرسوم، وما مدة الصلاحية؟": the question mark ends the sentence, yet "and"
            # opens a second question rather than making the sentence one.
            asking.append(_Asking(part, index, []))
            continue
        if not cued:
            # Only the question mark says it asks: the question is the whole sentence.
            start = next(i for i, clause in enumerate(clauses) if clause[2] == sentence)
            part = [token for clause in clauses[start : index + 1] for token in clause[0]]
            if asking and asking[-1].tokens == part[: len(asking[-1].tokens)]:
                asking.pop()
        asking.append(_Asking(part, start, before))
    if not asking:
        if len({clause[2] for clause in clauses}) < 2:
            return None
        last = clauses[-1][2]
        start = next(i for i, clause in enumerate(clauses) if clause[2] == last)
        tokens = [token for clause in clauses[start:] for token in clause[0]]
        asking = [_Asking(tokens, start, [])]
    back = _asked_before(asking[0], clauses)
    if back is not None:
        # "bghit nbeddel lmaw3id, w bghit n3ref…": "and" says the clause before asked first,
        # though no question word says so.
        asking.insert(0, _Asking(clauses[back][0], back, []))
    first = asking[0].tokens
    if len(first) < _SHORT_QUESTION or _BACK_REFERENCES & set(first):
        # "…free architectural help in rural areas. How can I get it?": "it" is said before.
        if asking[0].before:
            first = asking[0].before + first
        elif asking[0].clause > 0:
            first = clauses[asking[0].clause - 1][0] + first
    question = " ".join(first)
    second = " ".join(_named(asking[1], clauses, asking[0])) if len(asking) > 1 else None
    whole = normalize(text).split()
    if second is None and (question == " ".join(whole) or len(whole) < _SHORT_MESSAGE):
        return None
    said = [token for clause in clauses for token in clause[0]]
    rest = _without(said, second.split()) if second else None
    return Focus(question, second, rest)


def _asked_before(asking: _Asking, clauses: list[tuple[list[str], bool, int, bool]]) -> int | None:
    """The clause that asked before the first question, when "and" opens that question: "and"
    opening its clause, standing alone before the comma ("…my slot. Also, can I…"), or opening
    the few words before the question word, in the same sentence as the clause before ("…a
    complaint about a delay, and also to know how to track…"); None otherwise."""
    back = asking.clause - 1
    if asking.before:
        same_sentence = back >= 0 and clauses[back][2] == clauses[asking.clause][2]
        opening = asking.before if same_sentence and len(asking.before) <= _JOIN_BEFORE_CUE else []
    else:
        opening = clauses[asking.clause][0]
        if back > 0 and len(clauses[back][0]) == 1:
            opening = clauses[back][0]
            back -= 1
    joined = back >= 0 and bool(opening) and opening[0] in _JOINS - _OR
    return back if joined else None


def _named(
    asking: _Asking, clauses: list[tuple[list[str], bool, int, bool]], first: _Asking
) -> list[str]:
    """A second question too short to name its subject ("…? Et la journée de communication,
    c'est quand ?") keeps the clause before it, when that clause is not the first question's."""
    tokens = asking.tokens
    if len(tokens) >= _SHORT_QUESTION and not _BACK_REFERENCES & set(tokens):
        return tokens
    if asking.before:
        return asking.before + tokens
    previous = asking.clause - 1
    if previous > first.clause and clauses[previous][2] != clauses[first.clause][2]:
        return clauses[previous][0] + tokens
    return tokens


def _without(words: list[str], part: list[str]) -> str | None:
    """The words with the last occurrence of `part` taken out (None if it is not there)."""
    size = len(part)
    for start in range(len(words) - size, -1, -1):
        if words[start : start + size] == part:
            return " ".join(words[:start] + words[start + size :]) or None
    return None


def asks(text: str) -> bool:
    """Whether a message asks anything: a question mark, or a question word or request
    anywhere in it ("merci, c'est clair" does not; "merci, et le délai ?" does)."""
    if "?" in text or "؟" in text:
        return True
    tokens = normalize(text).split()
    return any(_cue_at(tokens, position) for position in range(len(tokens)))

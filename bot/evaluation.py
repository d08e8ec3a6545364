"""Batch evaluation of the matcher on a JSONL file of questions with their expected entry.

The figures that matter for citizens are reported side by side, overall, per language and per
kind of message (an optional `kind` field: a plain question, messy typing, a situation told
before the question, two questions in one, a near miss...): right answers, questions recovered
(right answer or among the suggestions), wrong answers, and — the one a plain accuracy hides —
out-of-scope questions that got an answer anyway.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.knowledge_examples import asked_entry
from bot.matching import Decision, MatchIndex

__all__ = ["EvalCase", "EvalItem", "Summary", "evaluate", "format_report", "read_cases"]


@dataclass(frozen=True)
class EvalCase:
    text: str
    expected: str | None
    lang: str = ""
    kind: str = ""


@dataclass(frozen=True)
class EvalItem:
    text: str
    expected: str | None
    decision: str
    predicted: str | None
    score: float
    suggestions: list[str]
    lang: str = ""
    kind: str = ""

    @property
    def in_scope(self) -> bool:
        return self.expected is not None

    @property
    def correct(self) -> bool:
        return self.decision == Decision.ANSWER and self.predicted == self.expected

    @property
    def recovered(self) -> bool:
        return self.correct or (
            self.decision == Decision.CLARIFY and self.expected in self.suggestions
        )

    @property
    def wrong(self) -> bool:
        return self.decision == Decision.ANSWER and self.predicted != self.expected

    @property
    def failed(self) -> bool:
        return self.wrong if not self.in_scope else not self.correct


@dataclass
class Summary:
    in_scope: int = 0
    out_of_scope: int = 0
    correct: int = 0
    recovered: int = 0
    wrong: int = 0
    out_of_scope_answered: int = 0
    by_language: dict[str, Summary] = field(default_factory=dict)
    by_kind: dict[str, Summary] = field(default_factory=dict)

    def add(self, item: EvalItem) -> None:
        if item.in_scope:
            self.in_scope += 1
            self.correct += item.correct
            self.recovered += item.recovered
            self.wrong += item.wrong
        else:
            self.out_of_scope += 1
            self.out_of_scope_answered += item.wrong

    def rates(self) -> dict[str, float | int]:
        def share(part: int, whole: int) -> float:
            return round(part / whole, 4) if whole else 0.0

        return {
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "answered_right": share(self.correct, self.in_scope),
            "recovered": share(self.recovered, self.in_scope),
            "answered_wrong": share(self.wrong, self.in_scope),
            "out_of_scope_answered": share(self.out_of_scope_answered, self.out_of_scope),
        }

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = dict(self.rates())
        data["by_language"] = {lang: s.rates() for lang, s in sorted(self.by_language.items())}
        data["by_kind"] = {kind: s.rates() for kind, s in sorted(self.by_kind.items())}
        return data


class EvalFileError(ValueError):
    """A line of the evaluation file is not a question with its expected entry."""


def read_cases(path: Path) -> list[EvalCase]:
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            text = data["text"]
            expected = data.get("expected")
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalFileError(
                f'{path}:{number}: expected {{"text": ..., "expected": id or null}} ({exc})'
            ) from None
        if not isinstance(text, str) or not (expected is None or isinstance(expected, str)):
            raise EvalFileError(f"{path}:{number}: 'text' must be text, 'expected' an id or null")
        lang, kind = str(data.get("lang") or ""), str(data.get("kind") or "")
        cases.append(EvalCase(text, asked_entry(expected, data.get("also")), lang, kind))
    return cases


def evaluate(index: MatchIndex, cases: Iterable[EvalCase]) -> tuple[Summary, list[EvalItem]]:
    summary = Summary()
    per_language: dict[str, Summary] = defaultdict(Summary)
    per_kind: dict[str, Summary] = defaultdict(Summary)
    items = []
    for case in cases:
        result = index.match(case.text)
        item = EvalItem(
            text=case.text,
            expected=case.expected,
            decision=str(result.decision),
            predicted=result.best,
            score=round(result.score, 4),
            suggestions=[c.entry_id for c in result.suggestions],
            lang=case.lang,
            kind=case.kind,
        )
        items.append(item)
        summary.add(item)
        if case.lang:
            per_language[case.lang].add(item)
        if case.kind:
            per_kind[case.kind].add(item)
    summary.by_language = dict(per_language)
    summary.by_kind = dict(per_kind)
    return summary, items


def as_json(summary: Summary, items: list[EvalItem]) -> str:
    keys = ("text", "expected", "decision", "predicted", "score", "suggestions", "lang", "kind")
    payload = {
        "summary": summary.as_dict(),
        "items": [{key: asdict(item)[key] for key in keys} for item in items],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def format_report(summary: Summary, items: list[EvalItem], *, failures: bool = True) -> str:
    def line(label: str, s: Summary) -> str:
        r = s.rates()
        return (
            f"{label:<13} in-scope {r['in_scope']:>4}  right {r['answered_right']:6.1%}  "
            f"recovered {r['recovered']:6.1%}  wrong {r['answered_wrong']:6.1%}  "
            f"out-of-scope {r['out_of_scope']:>3} answered {r['out_of_scope_answered']:6.1%}"
        )

    lines = [line("overall", summary)]
    lines += [line(lang, s) for lang, s in sorted(summary.by_language.items())]
    if summary.by_kind:
        lines.append("by kind of message:")
        lines += [line(kind, s) for kind, s in sorted(summary.by_kind.items())]
    if not failures:
        return "\n".join(lines)
    failed = [item for item in items if item.failed]
    lines.append(f"\nfailures ({len(failed)}):")
    for item in failed:
        shown = item.predicted if item.decision != Decision.CLARIFY else item.suggestions
        lines.append(
            f"  [{item.decision:<7} {item.score:.2f}] expected {item.expected} got {shown}: "
            f"{item.text}"
        )
    return "\n".join(lines)

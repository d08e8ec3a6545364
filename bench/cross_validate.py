"""Matching on the example messages, each scored by a classifier that has not learned it.

Run: python bench/cross_validate.py [--folds abcdef,ghij,klm,nop] [--set name=value ...]

The second opinion's classifier learns `knowledge/examples/`, so scoring those files with the
shipped knowledge would only say how well it remembers them. Here the example files are split
into folds by the letter their name starts with; each fold is scored by a matcher whose
classifier learned every other fold (and the entries' questions, as always). `--set` changes one
`MatchSettings` value (`--set switch_margin=0.4`), which is how the second opinion's thresholds
were chosen. Prints the figures as `python -m bot eval` does, without the failures. Slow: one
classifier fit per fold.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluation import EvalItem, Summary, evaluate, format_report, read_cases  # noqa: E402
from bot.knowledge_examples import EXAMPLES_FOLDER, Example  # noqa: E402
from bot.knowledge_loader import load_knowledge  # noqa: E402
from bot.matching import MatchIndex, MatchSettings  # noqa: E402
from bot.terms import Analyzer, load_stopwords  # noqa: E402


def setting(text: str) -> tuple[str, object]:
    name, _, value = text.partition("=")
    current = getattr(MatchSettings(), name)
    if isinstance(current, bool):
        return name, value.lower() in {"1", "true", "yes"}
    return name, type(current)(value)


def examples_of(paths: list[Path]) -> tuple[Example, ...]:
    return tuple(Example(case.text, case.expected) for path in paths for case in read_cases(path))


def summed(items: list[EvalItem]) -> Summary:
    """The figures of items scored by different matchers, as `evaluate` adds them up."""
    total = Summary()
    for item in items:
        total.add(item)
        if item.lang:
            total.by_language.setdefault(item.lang, Summary()).add(item)
        if item.kind:
            total.by_kind.setdefault(item.kind, Summary()).add(item)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", default="abcdef,ghij,klm,nop")
    parser.add_argument("--set", action="append", default=[], type=setting)
    args = parser.parse_args()
    settings = MatchSettings(**dict(args.set))
    knowledge = load_knowledge(ROOT / "knowledge")
    files = sorted((ROOT / "knowledge" / EXAMPLES_FOLDER).glob("*.jsonl"))
    items: list[EvalItem] = []
    for fold in args.folds.split(","):
        scored = [path for path in files if path.name[0] in fold]
        learned = [path for path in files if path.name[0] not in fold]
        fold_knowledge = dataclasses.replace(knowledge, examples=examples_of(learned))
        index = MatchIndex(fold_knowledge, Analyzer(load_stopwords()), settings)
        for path in scored:
            items += evaluate(index, read_cases(path))[1]
        print(f"fold {fold}: {len(scored)} files scored, {len(learned)} learned", flush=True)
    print(format_report(summed(items), items, failures=False))


if __name__ == "__main__":
    main()

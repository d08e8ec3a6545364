"""A plain baseline on the same questions: TF-IDF over character n-grams, nearest question.

Run: python bench/baseline_tfidf.py FILE.jsonl [FILE.jsonl ...] [--threshold 0.35]
Every question variant of the knowledge (and every out-of-scope phrase) is a vector of
character 3- to 5-grams of its normalised words, weighted by TF-IDF; a question goes to the
entry of its most similar variant (cosine), is answered when that similarity reaches the
threshold and the variant is not an out-of-scope phrase. Printed in the layout of
`python -m bot eval`, so the two read side by side. Pure Python: it exists to be compared, not
to be fast.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluation import EvalItem, Summary, read_cases  # noqa: E402
from bot.knowledge_loader import load_knowledge  # noqa: E402
from bot.normalize import normalize  # noqa: E402


def grams(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in normalize(text).split():
        padded = f" {word} "
        for size in (3, 4, 5):
            counts.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return counts


class NearestQuestion:
    def __init__(self, documents: list[tuple[str | None, str]]) -> None:
        self.labels = [label for label, _ in documents]
        bags = [grams(text) for _, text in documents]
        frequency: Counter[str] = Counter(gram for bag in bags for gram in bag)
        self.idf = {gram: math.log(len(bags) / count) + 1 for gram, count in frequency.items()}
        self.vectors = [self._vector(bag) for bag in bags]
        self.postings: dict[str, list[int]] = {}
        for index, vector in enumerate(self.vectors):
            for gram in vector:
                self.postings.setdefault(gram, []).append(index)

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        weights = {gram: count * self.idf.get(gram, 0.0) for gram, count in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {gram: w / norm for gram, w in weights.items() if w}

    def nearest(self, text: str) -> tuple[str | None, float]:
        query = self._vector(grams(text))
        scores: Counter[int] = Counter()
        for gram, weight in query.items():
            for index in self.postings.get(gram, ()):
                scores[index] += weight * self.vectors[index][gram]
        if not scores:
            return None, 0.0
        index, score = scores.most_common(1)[0]
        return self.labels[index], score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--threshold", type=float, default=0.35)
    args = parser.parse_args()
    knowledge = load_knowledge(ROOT / "knowledge")
    documents: list[tuple[str | None, str]] = [
        (entry.id, text) for entry in knowledge.entries for _, text in entry.all_questions()
    ]
    documents += [(None, phrase) for decoy in knowledge.decoys for phrase in decoy.phrases]
    model = NearestQuestion(documents)
    for path in args.files:
        summary, by_kind = Summary(), {}
        for case in read_cases(path):
            label, score = model.nearest(case.text)
            answered = label is not None and score >= args.threshold
            item = EvalItem(
                case.text,
                case.expected,
                "answer" if answered else "unknown",
                label if answered else None,
                score,
                [],
            )
            summary.add(item)
            by_kind.setdefault(case.kind or "-", Summary()).add(item)
        rates = summary.rates()
        print(
            f"{path.name}: in-scope {rates['in_scope']}  right {rates['answered_right']:.1%}  "
            f"wrong {rates['answered_wrong']:.1%}  out-of-scope {rates['out_of_scope']} "
            f"answered {rates['out_of_scope_answered']:.1%}"
        )
        for kind, part in sorted(by_kind.items()):
            r = part.rates()
            print(
                f"  {kind:<14} right {r['answered_right']:6.1%}  wrong {r['answered_wrong']:6.1%}"
                f"  out of scope answered {r['out_of_scope_answered']:6.1%}"
            )


if __name__ == "__main__":
    main()

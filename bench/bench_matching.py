"""Match latency, index build time and memory: shipped knowledge and a generated 5,000-entry one,
and on the shipped knowledge, the held-out citizen messages of tests/data/blind (longer than the
test questions: a situation told first, two questions at once).

Run: python bench/bench_matching.py [--rounds N] [--skip-large]
Pinned to one core (where the OS allows it), so the figures are those of one core of the machine.
Prints figures only; nothing here asserts a time (shared machines are noisy).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from bot.knowledge import Entry, KnowledgeBase  # noqa: E402
from bot.knowledge_loader import load_knowledge  # noqa: E402
from bot.matching import MatchIndex  # noqa: E402
from bot.second_opinion import forget_fitted  # noqa: E402
from bot.terms import Analyzer, load_stopwords  # noqa: E402

RUNS_FOR_SPREAD = 9


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity here)"


def build(knowledge: KnowledgeBase) -> tuple[MatchIndex, float, float]:
    """Build the index twice: once timed, once under tracemalloc for its memory. Both fit
    their own classifier for the second opinion (in a child process; its tables count)."""
    analyzer = Analyzer(load_stopwords())
    gc.collect()
    forget_fitted()
    start = time.perf_counter()
    index = MatchIndex(knowledge, analyzer)
    seconds = time.perf_counter() - start
    gc.collect()
    forget_fitted()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    traced = MatchIndex(knowledge, analyzer)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del traced
    return index, seconds, (after - before) / 2**20


def cold_latencies(index: MatchIndex, queries: list[str]) -> list[float]:
    """Each question once on a fresh index: every unknown word goes through typo correction."""
    samples = []
    for query in queries:
        start = time.perf_counter_ns()
        index.match(query)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def latencies(index: MatchIndex, queries: list[str], rounds: int) -> list[float]:
    """Repeated questions, as a running bot sees them (typo corrections cached)."""
    samples = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter_ns()
            index.match(query)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def report(
    name: str, samples: list[float], build_s: float | None = None, memory_mb: float = 0.0
) -> None:
    samples.sort()
    p99 = percentile(samples, 0.99)
    built = (
        f"build {build_s * 1000:.0f} ms, index memory {memory_mb:.1f} MiB, "
        if build_s is not None
        else ""
    )
    print(
        f"{name}: {built}{len(samples)} matches: median {statistics.median(samples):.3f} ms, "
        f"p99 {p99:.3f} ms, max {samples[-1]:.3f} ms"
    )


def shipped_queries() -> list[str]:
    path = ROOT / "tests" / "data" / "questions.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def generated_knowledge(base: KnowledgeBase, entries: int, per_entry: int, seed: int):
    """A large base whose questions reuse the shipped vocabulary plus invented words, so that
    common words have long posting lists the way a real, grown knowledge base would."""
    rng = random.Random(seed)
    words = sorted({w for e in base.entries for _, q in e.all_questions() for w in q.split()})
    invented = [
        "".join(rng.choice("abcdefghijklmnoprstuvwyz") for _ in range(rng.randint(4, 9)))
        for _ in range(20000)
    ]
    invented += [
        "".join(rng.choice("ابتثجحخدرزسشصطعغفقكلمنهوي") for _ in range(rng.randint(3, 7)))
        for _ in range(20000)
    ]
    generated = []
    questions_out = []
    for n in range(entries):
        topic = [rng.choice(invented) for _ in range(4)]
        questions = []
        for _ in range(per_entry):
            length = rng.randint(4, 10)
            text = [
                rng.choice(topic) if rng.random() < 0.5 else rng.choice(words)
                for _ in range(length)
            ]
            questions.append(" ".join(text))
        questions_out.extend(questions[:1])
        generated.append(
            Entry(
                id=f"gen.e{n}",
                category="permits",
                questions={
                    "fr": tuple(questions[: per_entry // 2]),
                    "ar": tuple(questions[per_entry // 2 :]),
                },
                answer={"ar": "-", "fr": "-"},
            )
        )
    knowledge = KnowledgeBase(tuple(generated), base.synonyms, base.decoys, base.agency)
    queries = []
    for question in rng.sample(questions_out, 500):
        words_ = question.split()
        rng.shuffle(words_)
        queries.append(" ".join(words_[: max(2, len(words_) - 2)]))
    return knowledge, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    print(pin_to_one_core(), f"; Python {sys.version.split()[0]}")

    base = load_knowledge(ROOT / "knowledge")
    index = measure(f"shipped ({len(base.entries)} entries)", base, shipped_queries(), args.rounds)
    # Citizens' real messages are longer than the test questions (a situation, then the
    # question): the held-out sets show what those cost on the same index.
    held_out = held_out_messages()
    if held_out:
        name = f"shipped, {len(held_out)} held-out citizen messages"
        report(f"{name}, repeated", latencies(index, held_out, 2))
        spread(name, index, held_out)
    if args.skip_large:
        return
    large, large_queries = generated_knowledge(base, 5000, 10, seed=7)
    queries = large_queries + shipped_queries()
    measure("generated (5000 entries x 10 questions)", large, queries, max(1, args.rounds // 2))


def held_out_messages() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in sorted((ROOT / "tests" / "data" / "blind").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def measure(name: str, knowledge: KnowledgeBase, queries: list[str], rounds: int) -> MatchIndex:
    index, build_s, memory = build(knowledge)
    report(f"{name}, first time", cold_latencies(index, queries), build_s, memory)
    report(f"{name}, repeated", latencies(index, queries, rounds), build_s, memory)
    spread(name, index, queries)
    return index


def spread(name: str, index: MatchIndex, queries: list[str]) -> None:
    """This VM's speed drifts by half from one minute to the next: the same rounds again, each
    its own p99, show how much of a single figure is the machine."""
    p99s = sorted(
        percentile(sorted(latencies(index, queries, 1)), 0.99) for _ in range(RUNS_FOR_SPREAD)
    )
    print(
        f"{name}, p99 of {RUNS_FOR_SPREAD} separate rounds: best {p99s[0]:.3f} ms, "
        f"median {statistics.median(p99s):.3f} ms, worst {p99s[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main()

"""How long the admins' /unanswered takes with many stored questions.

Run: python bench/bench_review.py [--rows 10000]
Fills a throw-away database with distinct unanswered questions (4 KB ones among them, as a
flood would leave), then times what /unanswered does: read the most recent window and group it.
Prints figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.review import REVIEW_WINDOW, group_unanswered  # noqa: E402
from bot.storage import Storage  # noqa: E402
from bot.terms import Analyzer, load_stopwords  # noqa: E402

WORDS = (
    "permis construire terrain maison etage taxe commune agence aide logement notaire "
    "rokhas dossier architecte douar heritage titre foncier delai prix appartement"
).split()


def question(rng: random.Random, number: int) -> str:
    size = 400 if number % 10 == 0 else rng.randint(4, 14)  # one in ten is a pasted block
    return " ".join(rng.choice(WORDS) for _ in range(size)) + f" {number}"


async def main(rows: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        storage = await Storage.open(Path(folder) / "bench.sqlite3")
        try:
            start = time.perf_counter()
            async with storage.db.transaction():
                for number in range(rows):
                    await storage.record_unanswered(question(rng, number), "fr", "unknown", [])
            filled = time.perf_counter() - start
            start = time.perf_counter()
            window = await storage.unanswered(latest=REVIEW_WINDOW)
            read = time.perf_counter() - start
            start = time.perf_counter()
            groups = await asyncio.to_thread(group_unanswered, window, Analyzer(load_stopwords()))
            grouped = time.perf_counter() - start
        finally:
            await storage.close()
    print(f"{rows} stored questions (filled in {filled:.1f} s)")
    print(
        f"/unanswered: read the latest {len(window)} in {read * 1000:.0f} ms, "
        f"grouped into {len(groups)} groups in {grouped:.2f} s; "
        f"total {read + grouped:.2f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().rows))

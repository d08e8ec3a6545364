"""A citizen's answer time while the knowledge is reloaded after a big save.

Run: python bench/bench_reload.py [--copies 4]
Copies the shipped knowledge into a throw-away folder, opens the bot's services on it, then
saves a large extra topic file (the shipped entries again under new ids, `--copies` times: 1.7 MB
at the default; 3.3 MB with 8, which the 2 MB limit refuses) and reloads while a citizen asks a
question every 50 ms. Prints the reload's duration and outcome, and the citizen's answer times
during it (median, 99th percentile, max).
Prints figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.database import User  # noqa: E402
from bot.services import Services  # noqa: E402

QUESTION = "Quels documents faut-il pour le permis de construire ?"


def big_topic_file(folder: Path, copies: int) -> Path:
    """The shipped entries again under new ids, `copies` times, in one file."""
    entries = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries += data.get("entries", []) if isinstance(data, dict) else []
    copied = []
    for copy in range(copies):
        for entry in entries:
            clone = dict(entry, id=f"copy{copy}.{entry['id'].replace('.', '_')}")
            clone.pop("follow_ups", None)
            clone["questions"] = {
                lang: [f"{text} ({copy})" for text in texts]
                for lang, texts in entry["questions"].items()
            }
            copied.append(clone)
    path = folder / "zz_big.yml"
    path.write_text(yaml.safe_dump({"entries": copied}, allow_unicode=True), encoding="utf-8")
    return path


async def main(copies: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "knowledge"
        shutil.copytree(ROOT / "knowledge", folder)
        settings = replace(
            load_settings({}),
            knowledge_dir=folder,
            database_path=Path(temp) / "bench.sqlite3",
            watch_knowledge=False,
            inbound_burst=0,
        )
        services = await Services.open(settings)
        conversation = Conversation(services)
        citizen = User("telegram", "1")
        try:
            big = big_topic_file(folder, copies)
            size = big.stat().st_size / 1_000_000
            waits: list[float] = []
            reload = asyncio.create_task(conversation.admin.reload())
            start = time.perf_counter()
            while not reload.done():
                sent = time.perf_counter()
                await conversation.on_text(citizen, QUESTION)
                waits.append(time.perf_counter() - sent)
                await asyncio.sleep(0.05)
            took = time.perf_counter() - start
            await reload
            entries = len(services.assistant.knowledge.entries)
        finally:
            await services.close()
    waits.sort()
    p99 = percentile(waits, 0.99)
    print(f"saved a {size:.1f} MB topic file ({copies} copies of the shipped entries)")
    print(f"reload took {took:.1f} s; the bot now serves {entries} entries")
    print(
        f"citizen's answers during it ({len(waits)}): median {statistics.median(waits) * 1000:.0f}"
        f" ms, p99 {p99 * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    asyncio.run(main(parser.parse_args().copies))

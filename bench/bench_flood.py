"""A quiet person's reply time while another person floods the bot, on the fake Bot API.

Run: python bench/bench_flood.py [--flood 300] [--quiet 20] [--burst 10]
The bot runs in this process against the tests' fake Telegram server on 127.0.0.1, with the
shipped knowledge and a throw-away database. One person sends --flood messages at once; a
quiet person asks one question every half second meanwhile (within their own limit). Prints
the quiet person's reply time (median, 99th percentile), how many of the flooder's messages
were answered, and the process's peak memory. Prints figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from bot.clock import system_clock  # noqa: E402
from tests.support.bot_runner import make_settings, running_bot  # noqa: E402
from tests.support.fake_telegram import FakeTelegram  # noqa: E402

QUESTION = "Quels documents faut-il pour le permis de construire ?"
FLOODER, QUIET = 1, 2


async def main(flood: int, quiet: int, burst: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeTelegram() as tg:
            settings = replace(
                make_settings(tg.base_url, Path(folder) / "bench.sqlite3"),
                inbound_burst=burst,
                watch_knowledge=False,
            )
            async with running_bot(settings, system_clock):
                await tg.send_text(QUIET, "/start", language_code="fr")
                await tg.wait_for(QUIET, count=2, timeout=30)
                start = time.perf_counter()
                for _ in range(flood):
                    await tg.send_text(FLOODER, QUESTION, language_code="fr")
                waits = []
                for _ in range(quiet):
                    sent = time.perf_counter()
                    await tg.send_text(QUIET, QUESTION, language_code="fr")
                    await tg.wait_for(QUIET, timeout=120)
                    waits.append(time.perf_counter() - sent)
                    await asyncio.sleep(0.5)
                await tg.wait_idle(1.0)
                elapsed = time.perf_counter() - start
                answered = sum(
                    (m.get("plain_text") or "").startswith("Le dossier") for m in tg.sent(FLOODER)
                )
    waits.sort()
    p99 = percentile(waits, 0.99)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"one person sends {flood} messages at once; another asks {quiet} questions meanwhile")
    print(f"message limit: burst {burst} (0 = off)")
    print(
        f"quiet person's reply: median {statistics.median(waits) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms"
    )
    print(f"flooder: {answered} of {flood} answered; all done in {elapsed:.1f} s")
    print(f"peak memory (resident, bot and fake server together): {peak:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--quiet", type=int, default=8)
    parser.add_argument("--burst", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.flood, args.quiet, args.burst))

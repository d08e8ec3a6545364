"""WhatsApp throughput: many people write at once to the bot process (`python -m bot run
--whatsapp`, the real webhook server and pywa) through the fake Cloud API of the tests
(tests/support/fake_whatsapp.py) on 127.0.0.1.

Run: python bench/bench_whatsapp.py [--people N] [--rate R]
Each person sends one question (from tests/data/questions.jsonl) at the same moment. Printed:
how long the webhook takes to answer 200 (Meta wants it fast), how long until the first reply
is at the fake API, how many calls a second reached the API at the busiest second (the adapter
paces itself to WHATSAPP_MESSAGES_PER_SECOND, 80 by default), the bot's CPU time per question
and its peak memory (Linux /proc). The fake runs in this process, the bot in its own.
Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import percentile  # noqa: E402
from tests.support.fake_whatsapp import FakeWhatsApp  # noqa: E402
from tests.support.ports import free_port  # noqa: E402


def questions(count: int) -> list[str]:
    lines = (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    return [texts[n % len(texts)] for n in range(count)]


def busiest_second(times: list[float]) -> int:
    """The most calls within any one-second span."""
    times = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process so far (Linux), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


async def run(people: int, rate: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeWhatsApp() as fake:
            port = free_port()
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": folder,
                "PYTHONUNBUFFERED": "1",
                "DATABASE_PATH": str(Path(folder) / "bench.sqlite3"),
                "KNOWLEDGE_DIR": str(ROOT / "knowledge"),
                "DEFAULT_LANGUAGE": "fr",
                **fake.bot_environment(port),
                "WHATSAPP_MESSAGES_PER_SECOND": str(rate),
            }
            bot = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--whatsapp",
                cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            try:
                assert bot.stdout is not None
                async for line in bot.stdout:
                    if b"ready" in line:
                        break
                else:
                    raise SystemExit("the bot stopped before it was ready")
                fake.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
                before = cpu_seconds(bot.pid)
                numbers = [f"3361{n:07d}" for n in range(people)]
                await measure(fake, numbers, questions(people), rate)
                after = cpu_seconds(bot.pid)
                if before is not None and after is not None:
                    per_question = (after - before) / people * 1000
                    print(f"bot CPU time: {per_question:.1f} ms per question")
                memory = peak_memory_mb(bot.pid)
                if memory is not None:
                    print(f"bot peak memory (resident): {memory:.0f} MB")
            finally:
                bot.send_signal(signal.SIGINT)
                await bot.communicate()


async def measure(fake: FakeWhatsApp, numbers: list[str], texts: list[str], rate: int) -> None:
    acknowledged: list[float] = []
    answered: list[float] = []
    started = time.perf_counter()

    async def one(number: str, text: str) -> None:
        sent = time.perf_counter()
        await fake.send_text(number, text)
        acknowledged.append(time.perf_counter() - sent)
        await fake.wait_for(number, timeout=300)
        answered.append(time.perf_counter() - sent)

    await asyncio.gather(*(one(n, t) for n, t in zip(numbers, texts, strict=True)))
    total = time.perf_counter() - started
    await fake.wait_idle(0.5)
    sends = [call.time for call in fake.calls if call.method == "POST"]  # read marks count too
    print(f"{len(numbers)} people writing at once; the bot paces itself at {rate} calls/s")
    print(
        f"webhook answered 200 in: median {statistics.median(acknowledged) * 1000:.0f} ms, "
        f"p95 {percentile(acknowledged, 0.95) * 1000:.0f} ms"
    )
    print(
        f"first reply at the API after: median {statistics.median(answered):.2f} s, "
        f"p95 {percentile(answered, 0.95):.2f} s, last {max(answered):.2f} s"
    )
    print(f"calls to the API: {len(sends)}; busiest second: {busiest_second(sends)} calls")
    print(f"all {len(numbers)} questions answered in {total:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--rate", type=int, default=80)
    args = parser.parse_args()
    asyncio.run(run(args.people, args.rate))


if __name__ == "__main__":
    main()

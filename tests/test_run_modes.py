"""`python -m bot run` as an operator starts it: polling and webhook, against the fake Bot API.

The bot runs as a real subprocess; the fake server (in this test's event loop) is the only
network peer, on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from tests.support.bot_runner import ROOT, TOKEN
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_whatsapp import FakeWhatsApp
from tests.support.ports import free_port, wait_until_listening


def bot_environment(tg: FakeTelegram, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": tg.base_url,
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "KNOWLEDGE_DIR": str(ROOT / "knowledge"),
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


@asynccontextmanager
async def bot_process(args: list[str], env: dict[str, str]) -> AsyncIterator[list[str]]:
    """Run `python -m bot ...`, collect its log lines, stop it with Ctrl-C like an operator."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    lines: list[str] = []

    async def read() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            lines.append(raw.decode(errors="replace").rstrip())

    reader = asyncio.create_task(read())
    try:
        yield lines
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), timeout=20)
            except TimeoutError:
                process.kill()
                await process.wait()
        await reader


async def wait_for_line(lines: list[str], text: str, timeout: float = 30) -> str:
    for _ in range(int(timeout * 10)):
        found = next((line for line in lines if text in line), None)
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no log line with {text!r}; got:\n" + "\n".join(lines))


async def test_run_polls_logs_ready_and_answers(tg, tmp_path):
    async with bot_process(["run"], bot_environment(tg, tmp_path)) as lines:
        ready = await wait_for_line(lines, "ready")
        assert "@test_mre_bot" in ready
        await tg.send_text(7, "Quels documents pour le permis de construire ?", language_code="fr")
        [answer] = await tg.wait_for(7, timeout=20)
        assert answer["parse_mode"] == "HTML"
    assert not any(TOKEN in line for line in lines)  # the token never reaches the logs


async def test_run_webhook_checks_the_secret_and_answers(tg, tmp_path):
    port = free_port()
    env = bot_environment(
        tg,
        tmp_path,
        WEBHOOK_URL="https://bot.example.org",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="s3cret-token",
    )
    async with bot_process(["run", "--webhook"], env) as lines:
        await wait_for_line(lines, "ready")
        call = await tg.wait_for_call("setWebhook", timeout=20)
        assert call.params["url"] == "https://bot.example.org/telegram"
        assert call.params["secret_token"] == "s3cret-token"
        await wait_until_listening(port)
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": 8, "type": "private"},
                "from": {"id": 8, "is_bot": False, "first_name": "Sara", "language_code": "fr"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as session:
            async with session.post(
                url,
                data=json.dumps(update),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": "wrong",
                },
            ) as refused:
                assert refused.status == 403
            async with session.post(
                url,
                data=json.dumps(update),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret-token",
                },
            ) as accepted:
                assert accepted.status == 200
        [help_] = await tg.wait_for(8, timeout=20)
        assert help_["plain_text"].startswith("Posez votre question")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["run", "--webhook"], {}, "WEBHOOK_URL must be set"),
        (["run"], {"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN does not look like"),
        (["run"], {"DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE must be one of ar, fr, en"),
        (["run"], {"ADMIN_IDS": "12,abc"}, "ADMIN_IDS must be Telegram user ids"),
        (["run"], {"MATCH_MIN_MARGIN": "5"}, "MATCH_MIN_MARGIN must be between 0 and 1"),
        (["run"], {"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT must be a port number"),
        (["run", "--whatsapp"], {}, "--whatsapp needs WHATSAPP_TOKEN"),
        (["run"], {"ADMIN_WHATSAPP_NUMBERS": "+212 6x"}, "ADMIN_WHATSAPP_NUMBERS must be"),
    ],
)
async def test_a_wrong_setting_stops_the_start_with_one_clear_line(
    tg, tmp_path, args, env, message
):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=bot_environment(tg, tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert tg.calls == []  # nothing reached Telegram


# ----------------------------------------------------------------------------- WhatsApp


@pytest.fixture
async def wa():
    async with FakeWhatsApp() as fake:
        yield fake


async def test_run_whatsapp_serves_the_webhook_and_answers(tg, wa, tmp_path):
    port = free_port()
    env = bot_environment(tg, tmp_path, **wa.bot_environment(port))
    async with bot_process(["run", "--whatsapp"], env) as lines:
        ready = await wait_for_line(lines, "ready")
        assert f":{port}/whatsapp" in ready
        wa.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
        assert await wa.verify(token="verify-me", challenge="42") == (200, "42")
        await wa.send_text("33612345678", "Quels documents pour le permis de construire ?")
        [answer] = await wa.wait_for("33612345678", timeout=20)
        assert "permis" in answer["body_text"].lower()
    assert tg.calls == []  # --whatsapp starts WhatsApp only
    secrets = (wa.token, wa.app_secret, "verify-me", "33612345678")
    assert not any(secret in line for line in lines for secret in secrets)


async def test_run_starts_both_channels_in_one_process(tg, wa, tmp_path):
    port = free_port()
    env = bot_environment(tg, tmp_path, **wa.bot_environment(port))
    async with bot_process(["run"], env) as lines:
        await wait_for_line(lines, "ready: WhatsApp")
        await wait_for_line(lines, "ready: @test_mre_bot")
        wa.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
        await tg.send_text(7, "contact", language_code="fr")
        await wa.send_text("33612345678", "contact")
        [on_telegram] = await tg.wait_for(7, timeout=20)
        [on_whatsapp] = await wa.wait_for("33612345678", timeout=20)
        assert "aubm.ma" in on_telegram["plain_text"] and "aubm.ma" in on_whatsapp["body_text"]
    assert len([line for line in lines if "ready:" in line]) == 2

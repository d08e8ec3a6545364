"""Local servers for tests and benches: a free port on 127.0.0.1, or an aiohttp app served on
one (the fake platform servers), never anything beyond this machine."""

from __future__ import annotations

import asyncio
import socket

from aiohttp import web

__all__ = ["free_port", "serve_locally", "wait_until_listening"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_listening(port: int, timeout: float = 20.0) -> None:
    """Wait until something accepts connections on 127.0.0.1:`port`. python-telegram-bot sets
    the webhook before its server listens, so seeing setWebhook does not mean it is up yet."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port}") from None
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def serve_locally(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve `app` on 127.0.0.1 on a port the system picks; its runner (to clean up) and its
    root URL. Pending requests are cancelled at shutdown, so a test never waits on them."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"

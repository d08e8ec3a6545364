"""Command line: run the bot, chat in the terminal, ask one question, evaluate, check knowledge."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from bot.assistant import Assistant
from bot.clock import Clock, moroccan_today, system_clock
from bot.config import Settings, load_settings, read_environment
from bot.conversation import Conversation
from bot.demo_event import write_demo_events
from bot.errors import BotError, KnowledgeError
from bot.evaluation import EvalFileError, as_json, evaluate, format_report, read_cases
from bot.events import EventSchedule
from bot.kb_commands import day_argument, kb_check, kb_review
from bot.kb_stats import format_stats, knowledge_stats
from bot.knowledge_loader import load_knowledge
from bot.schema import events_schema, knowledge_schema
from bot.services import Services

__all__ = ["main"]

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Citizen-service bot of the urban agency of Beni Mellal (MRE).",
    )
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser(
        "run", help="start every channel whose settings are set (the chat when none is)"
    )
    run.add_argument("--webhook", action="store_true", help="Telegram updates by webhook")
    run.add_argument("--whatsapp", action="store_true", help="start only the WhatsApp webhook")
    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument(
        "--demo-event",
        action="store_true",
        help="try booking: a made-up event open from today, in a throw-away database",
    )

    ask = commands.add_parser("ask", help="answer one question and show how it was matched")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=("ar", "fr", "en"), help="reply language (chosen)")
    ask.add_argument("--json", action="store_true", help="print the result as JSON")

    ev = commands.add_parser("eval", help="evaluate the matcher on a JSONL file")
    ev.add_argument("file", type=Path)
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument(
        "--figures-only",
        action="store_true",
        help="print the figures without the failing questions (for a held-out set)",
    )

    kb = commands.add_parser("kb", help="knowledge base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_commands.add_parser("check", help="validate the knowledge folder")
    check.add_argument("dir", nargs="?", type=Path, help="folder (default: KNOWLEDGE_DIR)")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")
    stats = kb_commands.add_parser("stats", help="entries, languages, reviews, links")
    stats.add_argument("dir", nargs="?", type=Path, help="folder (default: KNOWLEDGE_DIR)")
    for name, text in (
        ("review", "group the questions the bot could not answer (DATABASE_PATH)"),
        ("suggest", "the same, as question lines to paste under their closest entry"),
    ):
        unanswered = kb_commands.add_parser(name, help=text)
        unanswered.add_argument(
            "--since", type=day_argument, help="only from this day on (YYYY-MM-DD)"
        )
    schema = kb_commands.add_parser("schema", help="print the JSON Schema of the knowledge files")
    schema.add_argument("--events", action="store_true", help="the schema of events.yml instead")
    return parser


def main(argv: list[str] | None = None, clock: Clock = system_clock) -> int:
    """The command line; `clock` is the program's one source of now."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(read_environment())
    except BotError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    try:
        if args.command == "kb" and args.kb_command == "schema":
            schema = events_schema() if args.events else knowledge_schema()
            print(json.dumps(schema, ensure_ascii=False, indent=2))
            return 0
        if args.command == "kb" and args.kb_command == "stats":
            knowledge = load_knowledge(args.dir or settings.knowledge_dir)
            print(format_stats(knowledge_stats(knowledge, moroccan_today(clock))))
            return 0
        if args.command == "kb" and args.kb_command in ("review", "suggest"):
            return kb_review(settings, args.since, suggest=args.kb_command == "suggest")
        if args.command == "kb":
            folder = args.dir or settings.knowledge_dir
            return kb_check(folder, settings.match, args.strict, clock())
        if args.command == "eval":
            return _eval(settings, args.file, args.json, args.figures_only)
        if args.command == "ask":
            return _ask(settings, args.question, args.lang, args.json)
        if args.command == "chat":
            return _chat(settings, clock, demo=args.demo_event)
        return _run(
            settings,
            clock,
            webhook=getattr(args, "webhook", False),
            whatsapp=getattr(args, "whatsapp", False),
        )
    except KnowledgeError as exc:
        print(f"the knowledge folder has problems:\n{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (`| head`) has seen enough; leave quietly instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


class _RedactSecrets(logging.Filter):
    """Defence in depth: whatever a library logs, the tokens and secrets never reach the
    output."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[secret]")
            record.msg, record.args = message, ()
        return True


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    whatsapp = settings.whatsapp
    secrets = (settings.telegram_token, whatsapp.token, whatsapp.app_secret, whatsapp.verify_token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_RedactSecrets(*secrets))
    # httpx logs every request URL at INFO, and Bot API URLs carry the token; pywa logs the
    # content of updates at DEBUG, names and numbers included.
    for noisy in ("httpx", "httpcore", "pywa", "pywa_async"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # At DEBUG, python-telegram-bot logs every API call with its parameters and results and
    # aiosqlite every statement with its values: names, phone numbers, questions. Even with
    # LOG_LEVEL=DEBUG they stay at INFO; the bot's own debug lines carry no personal data.
    for chatty in ("telegram", "aiosqlite"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLogger().level))


def _assistant(settings: Settings) -> Assistant:
    return Assistant.from_folder(settings.knowledge_dir, settings.match)


def _eval(settings: Settings, path: Path, as_json_output: bool, figures_only: bool) -> int:
    """Figures per language and kind, then the failures. A held-out set is scored with
    `figures_only`: reading its failures would make it one more set to tune on."""
    try:
        cases = read_cases(path)
    except (OSError, EvalFileError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 2
    summary, items = evaluate(_assistant(settings).index, cases)
    if as_json_output:
        print(as_json(summary, [] if figures_only else items))
    else:
        print(format_report(summary, items, failures=not figures_only))
    return 0


def _ask(settings: Settings, question: str, lang: str | None, as_json_output: bool) -> int:
    answer = _assistant(settings).ask(question, lang)
    result, reply = answer.result, answer.reply
    if as_json_output:
        payload = {
            "decision": str(result.decision),
            "entry_id": result.entry_id,
            "score": round(result.score, 4),
            "suggestions": [
                {"id": c.entry_id, "score": round(c.score, 4)} for c in result.suggestions
            ],
            "detected_language": str(answer.detected),
            "reply_language": reply.lang,
            "answer": reply.text,
            "links": [{"title": title, "url": url} for title, url in reply.links],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(f"decision: {result.decision}  entry: {result.entry_id}  score: {result.score:.2f}")
    if result.suggestions:
        shown = ", ".join(f"{c.entry_id} ({c.score:.2f})" for c in result.suggestions)
        print(f"suggestions: {shown}")
    print(f"language: detected {answer.detected}, reply in {reply.lang}\n")
    print(reply.text)
    for title, url in reply.links:
        print(f"• {title}: {url}")
    return 0


def _chat(settings: Settings, clock: Clock, demo: bool = False) -> int:
    if settings.log_level == "INFO":
        # The chat is a conversation on this terminal: start-up lines would only get in the way.
        logging.getLogger().setLevel(logging.WARNING)
    if not demo:
        return asyncio.run(_chat_loop(settings, clock))
    # The demo books into a database of its own that disappears with the chat, so trial
    # bookings never mix with real ones.
    with tempfile.TemporaryDirectory(prefix="mre-bot-demo-") as folder:
        demo_settings = replace(settings, database_path=Path(folder) / "demo.sqlite3")
        events = write_demo_events(Path(folder), clock())
        return asyncio.run(_chat_loop(demo_settings, clock, events))


async def _chat_loop(settings: Settings, clock: Clock, events: EventSchedule | None = None) -> int:
    from handlers.terminal.chat import TerminalChat

    services = await Services.open(settings, clock, events)
    try:
        chat = TerminalChat(Conversation(services), demo=events is not None)
        await chat.start()
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if not await chat.handle(line):
                return 0
    finally:
        await services.close()


def _run(settings: Settings, clock: Clock, webhook: bool = False, whatsapp: bool = False) -> int:
    """Every channel whose settings are present (only WhatsApp with --whatsapp); with none,
    the terminal chat."""
    on_whatsapp = settings.whatsapp.configured
    on_telegram = bool(settings.telegram_token) and not whatsapp
    if whatsapp and not on_whatsapp:
        print(
            "configuration error: --whatsapp needs WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, "
            "WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN (see .env.example)",
            file=sys.stderr,
        )
        return 2
    if not on_telegram and not on_whatsapp:
        print(
            "No channel is configured (TELEGRAM_BOT_TOKEN, or the WHATSAPP_* settings; see "
            ".env.example): starting the terminal chat.",
            file=sys.stderr,
        )
        return _chat(settings, clock)
    try:
        if webhook:
            settings.require_webhook()
        if on_whatsapp:
            from handlers.serve import serve

            asyncio.run(serve(settings, clock, telegram=on_telegram, webhook=webhook))
        else:
            from handlers.telegram import run

            run(settings, clock, webhook=webhook)
    except BotError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return 0

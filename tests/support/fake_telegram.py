"""A fake Telegram Bot API server for end-to-end tests of the bot.

Why: the bot's bugs live at the border with Telegram (invalid HTML, texts over 4096
characters, callback data over 64 bytes, "message is not modified", expired callback
queries, flood limits). Mocking ``telegram.Bot`` methods would hide them, so end-to-end tests
run the real python-telegram-bot stack over HTTP against this small aiohttp server. It answers
like Telegram (same JSON shapes and error texts), records every call and lets a test play
the users: send texts, commands, photos, locations, contacts, and press inline buttons.

Usage::

    async with FakeTelegram() as tg:
        app = (
            ApplicationBuilder().token(TOKEN)
            .base_url(tg.base_url).base_file_url(tg.base_file_url).build()
        )
        ...  # initialize, start, start_polling
        await tg.send_text(42, "Bonjour", language_code="fr")
        [reply] = await tg.wait_for(42)

python-telegram-bot sends parameters as form data (urlencoded, or multipart with files) whose
values are JSON-encoded except plain strings, which are sent raw; JSON bodies are accepted too.
``getUpdates`` calls are not listed in :attr:`FakeTelegram.calls` (they are polling noise).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest_asyncio
from aiohttp import web

from tests.support.ports import serve_locally
from tests.support.waiting import WaitsUntil

Message = dict[str, Any]
Params = dict[str, Any]
ChatId = int | str

BOT_USERNAME = "test_mre_bot"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

# Parameters that python-telegram-bot sends as raw strings: never JSON-decode them
# (a text "123" or "true" must stay a string).
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "url", "title", "address",
        "description", "short_description", "name", "language_code", "action", "secret_token",
        "ip_address", "inline_message_id", "business_connection_id", "foursquare_id",
        "foursquare_type", "google_place_id", "google_place_type", "phone_number",
        "first_name", "last_name", "vcard", "emoji", "question", "explanation", "file_id",
        "message_effect_id", "query", "next_offset", "switch_pm_text", "switch_pm_parameter",
    }
)  # fmt: skip

_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip

# HTML tags Telegram accepts, with the entity type each one produces.
_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link",
    "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_INLINE_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LEADING_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")

_QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class ApiError(Exception):
    """A Telegram error answer (``{"ok": false, ...}``) with its HTTP status."""

    def __init__(self, error_code: int, description: str, parameters: Params | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> Params:
        """The JSON body Telegram sends for this error."""
        body: Params = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    """One Bot API call the bot made; ``params`` values are JSON-decoded."""

    method: str
    params: Params
    time: float  # time.monotonic()
    error: str | None = None  # the error description when the fake answered with an error


@dataclass
class _Fault:
    error: ApiError
    times: int


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    extra: Params = field(default_factory=dict)

    def json(self) -> Params:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            **self.extra,
        }


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Parses a text the way Telegram's ``parse_mode=HTML`` does, or raises ApiError."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.parts: list[str] = []
        self.entities: list[Params] = []
        self._length = 0  # UTF-16 code units, as Telegram counts entity offsets
        self._open: list[tuple[str, int, Params]] = []

    def parse(self) -> tuple[str, list[Params]]:
        self.feed(self.source)
        self.close()
        if self._open:
            tag = self._open[-1][0]
            self._fail(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.parts), self.entities

    def _fail(self, reason: str) -> None:
        raise _bad_request(f"can't parse entities: {reason}")

    def _byte_offset(self, extra_chars: int = 0) -> int:
        line, column = self.getpos()
        lines = self.source.split("\n")
        index = sum(len(text) + 1 for text in lines[: line - 1]) + column + extra_chars
        return len(self.source[:index].encode())

    def _add_text(self, text: str) -> None:
        self.parts.append(text)
        self._length += _utf16_len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        allowed = tag in _HTML_TAGS and (tag != "span" or attributes.get("class") == "tg-spoiler")
        if not allowed:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self._open.append((tag, self._length, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
        expected, start, attributes = self._open.pop()
        if tag != expected:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{expected}>", found "</{tag}>"'
            )
        self._add_entity(tag, start, attributes)

    def _add_entity(self, tag: str, start: int, attributes: Params) -> None:
        length = self._length - start
        entity_type = _HTML_TAGS[tag]
        entity: Params = {"type": entity_type, "offset": start, "length": length}
        if tag == "a":
            if not attributes.get("href"):
                return
            entity["url"] = attributes["href"]
        elif tag == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id", "")
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif tag == "code" and self._open and self._open[-1][0] == "pre":
            language = attributes.get("class", "").removeprefix("language-")
            if language:
                self._open[-1][2]["language"] = language
            return
        elif tag == "pre" and attributes.get("language"):
            entity["language"] = attributes["language"]
        if length > 0:
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        for index, char in enumerate(data):
            if char in "<>&":
                self._fail(
                    f'Unexpected character "{char}" at byte offset '
                    f"{self._byte_offset(index)}; escape it as {html.escape(char)}"
                )
        self._add_text(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _HTML_ENTITIES:
            self._fail(f'Unsupported HTML entity "&{name};" at byte offset {self._byte_offset()}')
        self._add_text(_HTML_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self._add_text(chr(code))
        except (ValueError, OverflowError):
            self._fail(
                f'Invalid character entity "&#{name};" at byte offset {self._byte_offset()}'
            )

    def handle_comment(self, data: str) -> None:
        self._fail(f"Unsupported comment at byte offset {self._byte_offset()}")

    def handle_decl(self, decl: str) -> None:
        self._fail(f"Unsupported declaration at byte offset {self._byte_offset()}")

    def handle_pi(self, data: str) -> None:
        self._fail(f"Unsupported processing instruction at byte offset {self._byte_offset()}")

    def unknown_decl(self, data: str) -> None:
        self._fail(f"Unsupported declaration at byte offset {self._byte_offset()}")


def parse_entities(text: str, parse_mode: str | None) -> tuple[str, list[Params]]:
    """Return (plain text, entities) as Telegram would, or raise ApiError (400)."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _TelegramHTML(text).parse()
    if mode in ("markdown", "markdownv2"):
        return text, []  # not validated by this fake
    raise _bad_request("unsupported parse_mode")


def _check_text(text: Any, parse_mode: str | None) -> tuple[str, list[Params]]:
    if not isinstance(text, str) or not text:
        raise _bad_request("message text is empty")
    plain, entities = parse_entities(text, parse_mode)
    if not plain.strip():
        raise _bad_request("message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise _bad_request("message is too long")
    return plain, entities


def _check_caption(caption: Any, parse_mode: str | None) -> tuple[str | None, list[Params]]:
    if not caption:
        return None, []
    plain, entities = parse_entities(str(caption), parse_mode)
    if len(plain) > MAX_CAPTION_LENGTH:
        raise _bad_request("message caption is too long")
    return plain, entities


def _check_markup(markup: Any) -> Params | None:
    """Validate a reply_markup like Telegram does and return it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not any(key in button for key in _INLINE_BUTTON_ACTIONS):
                raise _bad_request("BUTTON_DATA_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise _bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise _bad_request("BUTTON_URL_INVALID")
    return markup


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _chat_key(chat_id: Any) -> ChatId:
    if isinstance(chat_id, str):
        with contextlib.suppress(ValueError):
            return int(chat_id)
    if isinstance(chat_id, int | str):
        return chat_id
    raise _bad_request("chat_id is empty")


def _button_data(markup: Params | None) -> list[str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


class FakeTelegram(WaitsUntil):
    """The fake Bot API server plus the helpers tests use to play users and check replies."""

    def __init__(self, token: str | None = None, bot_id: int = 7000000001) -> None:
        """Serve any token, or only ``token`` (others get 401) when given."""
        self.token = token
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.commands: dict[tuple[str, str], list[Params]] = {}
        self.menu_buttons: dict[ChatId | None, Params] = {}
        self.callback_answers: dict[str, Params] = {}
        self.webhook_url = ""
        self.poll_count = 0
        self.base_url = ""
        self.base_file_url = ""
        self._messages: dict[tuple[ChatId, int], Message] = {}
        self._incoming: dict[tuple[ChatId, int], Params] = {}
        self._sent: dict[ChatId, list[Message]] = {}
        self._read_upto: dict[ChatId, int] = {}
        self._returned_calls: set[int] = set()
        self._users: dict[int, Params] = {}
        self._chats: dict[ChatId, Params] = {}
        self._next_message_id: dict[ChatId, int] = {}
        self._updates: list[Params] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._open_queries: dict[str, Params] = {}
        self._files: dict[str, _StoredFile] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._delivered_upto = 0
        self._last_activity = time.monotonic()
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, tuple[str, Callable[[Params], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": lambda p: self.bot_user(),
                "logOut": lambda p: True,
                "close": lambda p: True,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendLocation": self._send_location,
                "sendVenue": self._send_venue,
                "sendDocument": self._send_document,
                "sendChatAction": self._send_chat_action,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
                "getChat": self._get_chat,
                "getFile": self._get_file,
            }.items()
        }

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port and set base_url / base_file_url."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner, root_url = await serve_locally(app)
        self.base_url = f"{root_url}/bot"
        self.base_file_url = f"{root_url}/file/bot"

    async def stop(self) -> None:
        """End pending long polls at once and close the server."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ----------------------------------------------------------------- HTTP layer

    async def _handle(self, request: web.Request) -> web.Response:
        if self.token is not None and request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        name = request.match_info["method"]
        canonical, handler = self._handlers.get(name.lower(), (name, None))
        try:
            params = await self._read_params(request)
            if canonical.lower() == "getupdates":
                self._raise_fault(canonical)
                return web.json_response({"ok": True, "result": await self._get_updates(params)})
        except ApiError as error:
            return web.json_response(error.payload(), status=error.error_code)
        call = Call(canonical, params, time.monotonic())
        self.calls.append(call)
        self._last_activity = call.time
        try:
            self._raise_fault(canonical)
            result = (handler or self._fallback(canonical))(params)
            body: Params = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            call.error = error.description
            body, status = error.payload(), error.error_code
        except Exception as exc:  # a bug in the fake: report it to the bot as Telegram would
            call.error = f"Internal Server Error: {exc!r}"
            body, status = ApiError(500, call.error).payload(), 500
        finally:
            self._notify()
        return web.json_response(body, status=status)

    async def _read_params(self, request: web.Request) -> Params:
        params: Params = {key: _decode(key, value) for key, value in request.query.items()}
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise _bad_request("can't parse JSON") from exc
            params.update(body if isinstance(body, dict) else {})
            return params
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = UploadedFile(
                    value.filename, value.file.read(), value.content_type or ""
                )
            else:
                params[key] = _decode(key, str(value))
        return params

    async def _download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for stored in self._files.values():
            if stored.file_path == path:
                return web.Response(body=stored.content)
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    def _raise_fault(self, method: str) -> None:
        faults = self._faults.get(method.lower())
        if not faults:
            return
        fault = faults[0]
        fault.times -= 1
        if fault.times <= 0:
            faults.pop(0)
        raise fault.error

    def _fallback(self, method: str) -> Callable[[Params], Any]:
        skip = {"sendchataction", "sendmediagroup", "sendinvoice", "sendgift"}
        if method.lower().startswith("send") and method.lower() not in skip:
            return lambda params: self._send_generic(method, params)
        return lambda params: True

    def _notify(self) -> None:
        """Wake every waiter (long polls and test helpers) to re-check its condition."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            event = self._changed
            if condition():
                return True
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ----------------------------------------------------------------- JSON objects

    def bot_user(self) -> Params:
        """The bot's User object, as getMe returns it."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "MRE Test Bot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _chat(self, chat_id: Any) -> Params:
        key = _chat_key(chat_id)
        if key not in self._chats:
            if isinstance(key, int) and key > 0:
                self._chats[key] = {"id": key, "type": "private", "first_name": f"User{key}"}
            elif isinstance(key, int):
                self._chats[key] = {"id": key, "type": "group", "title": f"Group {key}"}
            else:
                self._chats[key] = {"id": -1000000000001, "type": "channel", "title": key}
        return self._chats[key]

    def _new_message_id(self, chat: ChatId) -> int:
        message_id = self._next_message_id.get(chat, 1)
        self._next_message_id[chat] = message_id + 1
        return message_id

    def _message_json(self, record: Message) -> Params:
        """The Telegram Message object for a message the bot sent."""
        message: Params = {
            "message_id": record["message_id"],
            "from": self.bot_user(),
            "chat": self._chat(record["chat_id"]),
            "date": record["date"],
        }
        if record.get("edit_date"):
            message["edit_date"] = record["edit_date"]
        if record.get("text") is not None:
            message["text"] = record["plain_text"]
            if record["entities"]:
                message["entities"] = record["entities"]
        if record.get("caption") is not None:
            message["caption"] = record["plain_caption"]
            if record["caption_entities"]:
                message["caption_entities"] = record["caption_entities"]
        if record["type"] in ("location", "venue"):
            message["location"] = {
                "latitude": record["latitude"],
                "longitude": record["longitude"],
            }
        if record["type"] == "venue":
            message["venue"] = {
                "location": message["location"],
                "title": record["title"],
                "address": record["address"],
            }
        document = record.get("document")
        if document and document.get("file_id") in self._files:
            message["document"] = self._files[document["file_id"]].json()
        if record.get("reply_markup") and "inline_keyboard" in record["reply_markup"]:
            message["reply_markup"] = record["reply_markup"]
        return message

    # ----------------------------------------------------------------- Bot API methods

    def _set_webhook(self, params: Params) -> bool:
        self.webhook_url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: Params) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: Params) -> Params:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _scope_key(self, params: Params) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return str(scope.get("type", "default")), str(params.get("language_code") or "")

    def _set_my_commands(self, params: Params) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = commands
        return True

    def _get_my_commands(self, params: Params) -> list[Params]:
        return self.commands.get(self._scope_key(params), [])

    def _delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    def _store_sent(self, method: str, kind: str, params: Params, **fields: Any) -> Params:
        """Create the record of a message the bot sent and return its Message JSON."""
        chat = _chat_key(params.get("chat_id"))
        self._chat(chat)
        markup = _check_markup(params.get("reply_markup"))
        plain_caption, caption_entities = _check_caption(
            params.get("caption"), params.get("parse_mode")
        )
        record: Message = {
            "message_id": self._new_message_id(chat),
            "chat_id": chat,
            "date": int(time.time()),
            "method": method,
            "type": kind,
            "text": None,
            "parse_mode": params.get("parse_mode"),
            "reply_markup": markup,
            "caption": params.get("caption") or None,
            "plain_caption": plain_caption,
            "caption_entities": caption_entities,
            "params": params,
            "deleted": False,
            "edit_date": None,
            **fields,
        }
        self._messages[chat, record["message_id"]] = record
        self._sent.setdefault(chat, []).append(copy.deepcopy(record))
        return self._message_json(record)

    def _send_message(self, params: Params) -> Params:
        plain, entities = _check_text(params.get("text"), params.get("parse_mode"))
        return self._store_sent(
            "sendMessage", "text", params,
            text=params["text"], plain_text=plain, entities=entities,
        )  # fmt: skip

    def _send_location(self, params: Params) -> Params:
        return self._store_sent(
            "sendLocation", "location", params,
            latitude=params.get("latitude"), longitude=params.get("longitude"),
        )  # fmt: skip

    def _send_venue(self, params: Params) -> Params:
        if not params.get("title") or not params.get("address"):
            raise _bad_request("venue title and address must be non-empty")
        return self._store_sent(
            "sendVenue", "venue", params,
            latitude=params.get("latitude"), longitude=params.get("longitude"),
            title=params["title"], address=params["address"],
        )  # fmt: skip

    def _store_upload(self, value: Any, folder: str) -> Params:
        if isinstance(value, UploadedFile):
            number = next(self._file_ids)
            file_id = f"BQACAgQAAxkBAAI{number:06d}"
            self._files[file_id] = _StoredFile(
                file_id, f"AgAD{number:06d}", f"{folder}/file_{number}_{value.filename}",
                value.content, {"file_name": value.filename, "mime_type": value.content_type},
            )  # fmt: skip
            return {
                "file_id": file_id,
                "file_name": value.filename,
                "mime_type": value.content_type,
                "content": value.content,
            }
        return {"file_id": value, "file_name": None, "mime_type": None, "content": None}

    def _send_document(self, params: Params) -> Params:
        if params.get("document") in (None, ""):
            raise _bad_request("there is no document in the request")
        document = self._store_upload(params["document"], "documents")
        return self._store_sent("sendDocument", "document", params, document=document)

    def _send_generic(self, method: str, params: Params) -> Params:
        kind = method[4:].lower() or "message"
        media = params.get(kind)
        fields: Params = {}
        if media is not None:
            fields[kind] = self._store_upload(media, f"{kind}s")
        return self._store_sent(method, kind, params, **fields)

    def _editable(self, params: Params) -> Message:
        chat = _chat_key(params.get("chat_id"))
        message_id = params.get("message_id")
        record = self._messages.get((chat, message_id)) if isinstance(message_id, int) else None
        if record is None or record["deleted"]:
            if (chat, message_id) in self._incoming:
                raise _bad_request("message can't be edited")
            raise _bad_request("message to edit not found")
        return record

    def _edit_message_text(self, params: Params) -> Params | bool:
        plain, entities = _check_text(params.get("text"), params.get("parse_mode"))
        markup = _check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        record = self._editable(params)
        if record["text"] is None:
            raise _bad_request("there is no text in the message to edit")
        same = (record["plain_text"], record["entities"], record["reply_markup"])
        if same == (plain, entities, markup):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        record.update(
            text=params["text"], plain_text=plain, entities=entities, reply_markup=markup,
            parse_mode=params.get("parse_mode"), edit_date=int(time.time()),
        )  # fmt: skip
        return self._message_json(record)

    def _edit_message_reply_markup(self, params: Params) -> Params | bool:
        markup = _check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        record = self._editable(params)
        if record["reply_markup"] == markup:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        record.update(reply_markup=markup, edit_date=int(time.time()))
        return self._message_json(record)

    def _delete_message(self, params: Params) -> bool:
        key = (_chat_key(params.get("chat_id")), int(params.get("message_id") or 0))
        record = self._messages.get(key)
        if record is not None and not record["deleted"]:
            record["deleted"] = True
            return True
        if self._incoming.pop(key, None) is not None:
            return True
        raise _bad_request("message to delete not found")

    def _answer_callback_query(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id"))
        if self._open_queries.pop(query_id, None) is None:
            raise ApiError(400, _QUERY_TOO_OLD)
        self.callback_answers[query_id] = params
        return True

    def _send_chat_action(self, params: Params) -> bool:
        self._chat(params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _set_chat_menu_button(self, params: Params) -> bool:
        chat = params.get("chat_id")
        key = None if chat is None else _chat_key(chat)
        self.menu_buttons[key] = params.get("menu_button") or {"type": "default"}
        return True

    def _get_chat_menu_button(self, params: Params) -> Params:
        chat = params.get("chat_id")
        key = None if chat is None else _chat_key(chat)
        return self.menu_buttons.get(key, self.menu_buttons.get(None, {"type": "commands"}))

    def _get_chat(self, params: Params) -> Params:
        return {
            **self._chat(params.get("chat_id")),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_file(self, params: Params) -> Params:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {**stored.json(), "file_path": stored.file_path}

    async def _get_updates(self, params: Params) -> list[Params]:
        """Long polling: confirm updates below offset, wait up to timeout for new ones."""
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self.poll_count += 1
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), 50.0)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # a newer getUpdates terminates the older one, as on Telegram

        def ready() -> list[Params]:
            allowed = self._allowed_updates
            return [u for u in self._updates if not allowed or set(u) & set(allowed)][:limit]

        await self._wait_until(
            lambda: bool(ready()) or self._closing or generation != self._poll_generation,
            timeout,
        )
        if generation != self._poll_generation:
            raise ApiError(409, _CONFLICT_POLL)
        updates = ready()
        if updates:
            self._delivered_upto = max(self._delivered_upto, updates[-1]["update_id"])
            self._last_activity = time.monotonic()
        return copy.deepcopy(updates)

    # ----------------------------------------------------------------- test helpers: setup

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str = "Bad Request: chat not found",
        *,
        times: int = 1,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this Telegram error.

        Note: python-telegram-bot 22 emits a PTBDeprecationWarning when it builds RetryAfter
        unless the environment has ``PTB_TIMEDELTA=true``; set it in tests that use retry_after.
        """
        parameters: Params = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        error = ApiError(error_code, description, parameters or None)
        self._faults.setdefault(method.lower(), []).append(_Fault(error, times))

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> Params:
        """Create or update a user's profile (sticky across helpers) and return the User."""
        profile = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        )
        for key, value in (
            ("first_name", first_name), ("language_code", language_code),
            ("last_name", last_name), ("username", username),
        ):  # fmt: skip
            if value is not None:
                profile[key] = value
        return dict(profile)

    def chat_for(self, user: Params, chat_id: ChatId | None, chat_type: str) -> Params:
        """The chat a user writes in: their private chat, or a group by id."""
        if chat_type == "private" and chat_id in (None, user["id"]):
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    chat[key] = user[key]
        else:
            key = _chat_key(user["id"] if chat_id is None else chat_id)
            previous = self._chats.get(key, {})
            chat = {"id": key, "type": chat_type, "title": previous.get("title", f"Group {key}")}
        self._chats[chat["id"]] = chat
        return chat

    # ----------------------------------------------------------------- test helpers: users act

    async def queue_update(self, **content: Any) -> Params:
        """Queue a raw update (e.g. ``message={...}``) and return it with its update_id."""
        update = {"update_id": next(self._update_ids), **content}
        self._updates.append(update)
        self._notify()
        return update

    async def _user_message(
        self,
        user_id: int,
        content: Params,
        chat_id: ChatId | None = None,
        chat_type: str = "private",
        **profile: str | None,
    ) -> Params:
        user = self.user(user_id, **profile)
        chat = self.chat_for(user, chat_id, chat_type)
        message = {
            "message_id": self._new_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        self._incoming[chat["id"], message["message_id"]] = message
        return await self.queue_update(message=copy.deepcopy(message))

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = None,
        first_name: str | None = None,
        chat_id: ChatId | None = None,
        chat_type: str = "private",
    ) -> Params:
        """A user sends a text; a leading /command gets its bot_command entity, as in apps."""
        content: Params = {"text": text}
        command = _LEADING_COMMAND_RE.match(text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}
            ]
        return await self._user_message(
            user_id, content, chat_id, chat_type,
            language_code=language_code, first_name=first_name,
        )  # fmt: skip

    async def send_command(
        self, user_id: int, command: str, args: str = "", **kwargs: Any
    ) -> Params:
        """A user sends ``/command args`` (kwargs as for send_text)."""
        command = command if command.startswith("/") else f"/{command}"
        return await self.send_text(user_id, f"{command} {args}".strip(), **kwargs)

    async def send_group_text(
        self, user_id: int, group_chat_id: int, text: str, **kwargs: Any
    ) -> Params:
        """A user writes in a group chat (kwargs as for send_text)."""
        return await self.send_text(
            user_id, text, chat_id=group_chat_id, chat_type="group", **kwargs
        )

    def _user_file(self, kind: str, content: bytes, **extra: Any) -> Params:
        number = next(self._file_ids)
        file_id = f"AgACAgQAAxkBAAI{kind[:2].upper()}{number:06d}"
        stored = _StoredFile(
            file_id, f"AQAD{number:06d}", f"{kind}s/file_{number}", content, extra
        )
        self._files[file_id] = stored
        return stored.json()

    async def send_photo(
        self, user_id: int, caption: str | None = None, content: bytes = b"\xff\xd8fake-jpeg",
        **kwargs: Any,
    ) -> Params:  # fmt: skip
        """A user sends a photo (two sizes of the same downloadable file)."""
        big = self._user_file("photo", content, width=1280, height=960)
        small = {**big, "width": 320, "height": 240}
        payload: Params = {"photo": [small, big]}
        if caption is not None:
            payload["caption"] = caption
        return await self._user_message(user_id, payload, **kwargs)

    async def send_voice(
        self, user_id: int, duration: int = 3, content: bytes = b"OggS-fake-voice",
        **kwargs: Any,
    ) -> Params:  # fmt: skip
        """A user sends a voice note."""
        voice = self._user_file("voice", content, duration=duration, mime_type="audio/ogg")
        return await self._user_message(user_id, {"voice": voice}, **kwargs)

    async def send_sticker(self, user_id: int, emoji: str = "👍", **kwargs: Any) -> Params:
        """A user sends a sticker."""
        sticker = self._user_file(
            "sticker", b"RIFF-fake-webp", type="regular", width=512, height=512,
            is_animated=False, is_video=False, emoji=emoji,
        )  # fmt: skip
        return await self._user_message(user_id, {"sticker": sticker}, **kwargs)

    async def send_location(
        self, user_id: int, latitude: float, longitude: float, **kwargs: Any
    ) -> Params:
        """A user shares a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return await self._user_message(user_id, {"location": location}, **kwargs)

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str | None = None,
        own: bool = True,
        **kwargs: Any,
    ) -> Params:
        """A user shares a contact; ``own`` (the "share my phone" button) sets its user_id."""
        user = self.user(user_id)
        contact: Params = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
        }
        if own:
            contact["user_id"] = user_id
        return await self._user_message(user_id, {"contact": contact}, **kwargs)

    async def edit_text(
        self, user_id: int, message_id: int, new_text: str, chat_id: ChatId | None = None
    ) -> Params:
        """A user edits one of their texts: queues an edited_message update."""
        chat = _chat_key(user_id if chat_id is None else chat_id)
        original = self._incoming.get((chat, message_id))
        if original is None:
            raise AssertionError(f"user message {message_id} not found in chat {chat}")
        original.update(text=new_text, edit_date=int(time.time()))
        original.pop("entities", None)
        return await self.queue_update(edited_message=copy.deepcopy(original))

    async def press(
        self,
        user_id: int,
        message: Message,
        data: str,
        *,
        forged: bool = False,
        **profile: str | None,
    ) -> str:
        """A user presses the inline button with callback ``data`` on a message the bot sent.

        Returns the callback query id; raises AssertionError when the message (current state)
        has no such button, unless the press is `forged`: a client can send any callback data.
        """
        record = self._messages.get((message["chat_id"], message["message_id"]))
        if record is None or record["deleted"]:
            raise AssertionError(f"message {message['message_id']} no longer exists")
        buttons = _button_data(record["reply_markup"])
        if data not in buttons and not forged:
            raise AssertionError(
                f"no button {data!r} on message {record['message_id']}; buttons: {buttons}"
            )
        query_id = str(next(self._query_ids))
        query = {
            "id": query_id,
            "from": self.user(user_id, **profile),
            "message": self._message_json(record),
            "chat_instance": str(abs(hash(record["chat_id"]))),
            "data": data,
        }
        self._open_queries[query_id] = query
        await self.queue_update(callback_query=query)
        return query_id

    # ----------------------------------------------------------------- test helpers: inspect

    def sent(self, chat_id: ChatId) -> list[Message]:
        """Messages the bot sent to that chat, as they were sent (see message() for now).

        Each is a dict with message_id, chat_id, date, method ("sendMessage"...), type ("text",
        "location", "venue", "document", or the media kind of another send* method), text (as
        the bot sent it, tags included), plain_text and entities (as Telegram parsed them),
        parse_mode, reply_markup (decoded), caption, latitude/longitude, title/address,
        document ({file_id, file_name, mime_type, content}), params (all decoded parameters),
        deleted and edit_date.
        """
        return list(self._sent.get(_chat_key(chat_id), []))

    def message(self, chat_id: ChatId, message_id: int) -> Message:
        """The current state of a message the bot sent (after edits; ``deleted`` flag)."""
        return self._messages[_chat_key(chat_id), message_id]

    def calls_of(self, method: str) -> list[Call]:
        """The calls of one method (case-insensitive)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def describe_calls(self, calls: Iterable[Call] | None = None) -> str:
        """A readable list of calls for assertion messages."""
        lines = []
        for call in self.calls if calls is None else calls:
            params = {k: v for k, v in call.params.items() if not isinstance(v, UploadedFile)}
            error = f"  -> {call.error}" if call.error else ""
            shown = json.dumps(params, ensure_ascii=False, default=str)[:300]
            lines.append(f"  {call.method} {shown}{error}")
        return "\n".join(lines) or "  (no calls)"

    async def wait_for(
        self, chat_id: ChatId, count: int = 1, timeout: float = 10, method: str | None = None
    ) -> list[Message]:
        """Wait for ``count`` new messages to the chat since the last wait_for on that chat."""
        chat = _chat_key(chat_id)

        def fresh() -> list[tuple[int, Message]]:
            sent = self._sent.get(chat, [])
            start = self._read_upto.get(chat, 0)
            return [
                (index, message)
                for index, message in enumerate(sent[start:], start)
                if method is None or message["method"].lower() == method.lower()
            ]

        if not await self._wait_until(lambda: len(fresh()) >= count, timeout):
            raise AssertionError(
                f"expected {count} new message(s) to chat {chat_id}"
                f"{f' via {method}' if method else ''} within {timeout}s, "
                f"got {len(fresh())}; calls so far:\n{self.describe_calls()}"
            )
        found = fresh()[:count]
        self._read_upto[chat] = found[-1][0] + 1 if found else self._read_upto.get(chat, 0)
        return [message for _, message in found]

    async def wait_for_call(
        self,
        method: str,
        timeout: float = 10,
        predicate: Callable[[Call], bool] | None = None,
    ) -> Call:
        """Wait for a call of ``method`` (matching predicate) not returned by a previous wait."""

        def match() -> int | None:
            for index, call in enumerate(self.calls):
                if (
                    index not in self._returned_calls
                    and call.method.lower() == method.lower()
                    and (predicate is None or predicate(call))
                ):
                    return index
            return None

        if not await self._wait_until(lambda: match() is not None, timeout):
            raise AssertionError(
                f"no {method} call within {timeout}s; calls so far:\n{self.describe_calls()}"
            )
        index = match()
        assert index is not None
        self._returned_calls.add(index)
        return self.calls[index]

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Wait until every queued update was fetched and no call came for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            undelivered = any(u["update_id"] > self._delivered_upto for u in self._updates)
            remaining = self._last_activity + quiet - now
            if not undelivered and remaining <= 0:
                return
            if now >= deadline:
                raise AssertionError(
                    f"the bot did not go idle within {timeout}s; calls so far:\n"
                    f"{self.describe_calls()}"
                )
            await asyncio.sleep(min(max(remaining, 0.01), deadline - now))


@pytest_asyncio.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A started FakeTelegram, stopped after the test."""
    async with FakeTelegram() as tg:
        yield tg

"""A fake WhatsApp Business Cloud API (Graph API) server for end-to-end tests of the bot.

Why: the WhatsApp adapter's bugs live at the border with Meta, not in our code: a button title
of 21 characters, a fourth reply button, eleven list rows, a reply sent 25 hours after the
user's last message (outside the customer-service window), a template not approved in the
user's language, a webhook whose signature must be checked on the raw bytes. Mocking pywa
would hide all of them, so end-to-end tests run the real pywa client over HTTP against this
small aiohttp server. It answers like the Cloud API (same JSON shapes and error codes),
records every call, and plays the users: it builds webhook payloads in Meta's shape, signs
them with the app secret and POSTs them to the bot's webhook server.

Usage::

    async with FakeWhatsApp(clock=FrozenClock()) as wa:
        wa.webhook_url = "http://127.0.0.1:8080/whatsapp"  # the bot's webhook server
        ...  # start the bot with base URL wa.base_url, token wa.token, phone id
        await wa.send_text("212612345678", "Bonjour")
        [reply] = await wa.wait_for("212612345678")

Users are phone numbers as WhatsApp writes them: digits with the country code, no "+".
Webhook contacts also carry a business-scoped user id (``user_id``, see :meth:`bsuid`), as
Meta sends since 2026 and pywa 4.5 requires; messages the bot addresses to that id
(``"recipient"`` instead of ``"to"``) count as sent to the same user.

The fake only uses the standard library and aiohttp; it does not import pywa, so a change in
pywa cannot silently change what the fake accepts.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest_asyncio
from aiohttp import web

from tests.support.ports import serve_locally
from tests.support.waiting import WaitsUntil

__all__ = [
    "GRAPH_API_VERSION",
    "SUPPORTED_MEDIA_TYPES",
    "Call",
    "Delivery",
    "FakeWhatsApp",
    "GraphError",
    "StoredMedia",
    "fake_whatsapp",
    "meta_json",
]

Params = dict[str, Any]
Message = dict[str, Any]
Clock = Callable[[], datetime]

# The Graph API version pywa 4.5 speaks (pywa.utils.Version.GRAPH_API); a test keeps them in step.
GRAPH_API_VERSION = "26.0"

# The customer-service window: free-form messages only within 24 hours of the user's last one.
WINDOW = timedelta(hours=24)

MAX_TEXT_BODY = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_HEADER_TEXT = 60
MAX_FOOTER_TEXT = 60
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_SECTION_TITLE = 24
MAX_CTA_TEXT = 20
MAX_CAPTION = 1024

# Cloud API error codes the fake answers with (developers.facebook.com, "Error codes").
UNKNOWN_API_ERROR = 1
INVALID_PARAMETER = 100
INVALID_TOKEN = 190
RATE_LIMIT_HIT = 130429
SOMETHING_WENT_WRONG = 131000
MISSING_PARAMETER = 131008
PARAMETER_NOT_VALID = 131009
SERVICE_UNAVAILABLE = 131016
UNDELIVERABLE = 131026
RE_ENGAGEMENT = 131047
MEDIA_ERROR = 131053
TEMPLATE_PARAM_COUNT = 132000
TEMPLATE_MISSING = 132001

ERROR_TITLES = {
    UNKNOWN_API_ERROR: "An unknown error occurred",
    2: "Service temporarily unavailable",
    4: "Application request limit reached",
    10: "Permission denied",
    INVALID_PARAMETER: "Invalid parameter",
    INVALID_TOKEN: "Invalid OAuth access token - Cannot parse access token",
    RATE_LIMIT_HIT: "Rate limit hit",
    SOMETHING_WENT_WRONG: "Something went wrong",
    MISSING_PARAMETER: "Required parameter is missing",
    PARAMETER_NOT_VALID: "Parameter value is not valid",
    SERVICE_UNAVAILABLE: "Service unavailable",
    UNDELIVERABLE: "Message undeliverable",
    RE_ENGAGEMENT: "Re-engagement message",
    MEDIA_ERROR: "Media upload error",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    TEMPLATE_PARAM_COUNT: "Number of parameters does not match the expected number of params",
    TEMPLATE_MISSING: "Template name does not exist in the translation",
}
# What fail_next answers by default for an HTTP status.
_DEFAULT_FAULT_CODES = {
    400: UNDELIVERABLE,
    429: RATE_LIMIT_HIT,
    500: SOMETHING_WENT_WRONG,
    503: SERVICE_UNAVAILABLE,
}
_FAULT_DETAILS = {
    RATE_LIMIT_HIT: "Cloud API message throughput has been reached.",
    SOMETHING_WENT_WRONG: "Something went wrong. Please try again later.",
    SERVICE_UNAVAILABLE: "A service is temporarily unavailable.",
    UNDELIVERABLE: "Message failed to send because of an unknown error.",
}
_WINDOW_DETAILS = (
    "Message failed to send because more than 24 hours have passed since the customer last "
    "replied to this number."
)
_ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

# What /media accepts (Cloud API "Supported media types"); a .ics file is not among them.
SUPPORTED_MEDIA_TYPES = frozenset(
    {
        "audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg",
        "text/plain", "application/pdf", "application/vnd.ms-excel", "application/msword",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "image/jpeg", "image/png", "image/webp", "video/mp4", "video/3gpp",
    }
)  # fmt: skip

_MEDIA_KINDS = ("image", "video", "audio", "document", "sticker")
_CAPTIONED = ("image", "video", "document")
# Interactive types WhatsApp knows and this fake accepts without checking their content.
_OTHER_INTERACTIVE = frozenset(
    {
        "flow", "product", "product_list", "catalog_message", "location_request_message",
        "voice_call", "call_permission_request", "request_contact_info", "carousel",
    }
)  # fmt: skip
_STATUSES = ("sent", "delivered", "read", "failed")

_BSUID_RE = re.compile(r"^[A-Z]{2}\.(ENT\.)?\d+$")
_PHONE_NOISE_RE = re.compile(r"[+\s\-().]")
# Calling code -> ISO country, for the prefix of business-scoped user ids.
_COUNTRIES = {
    "1": "US", "212": "MA", "213": "DZ", "216": "TN", "31": "NL", "32": "BE", "33": "FR",
    "34": "ES", "351": "PT", "39": "IT", "41": "CH", "44": "GB", "49": "DE", "90": "TR",
    "966": "SA", "971": "AE",
}  # fmt: skip


class GraphError(Exception):
    """A Graph API error answer (``{"error": {...}}``) with its HTTP status."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        status: int = 400,
        message: str | None = None,
        error_type: str = "OAuthException",
        subcode: int | None = None,
    ) -> None:
        self.code = code
        self.details = details
        self.status = status
        self.message = message or f"(#{code}) {ERROR_TITLES.get(code, 'Unknown error')}"
        self.error_type = error_type
        self.subcode = subcode
        super().__init__(f"{self.message}: {details}" if details else self.message)

    def error(self, fbtrace_id: str) -> Params:
        """The ``error`` object of the answer, as the Cloud API writes it."""
        error: Params = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = fbtrace_id
        return error


def _not_valid(details: str) -> GraphError:
    return GraphError(PARAMETER_NOT_VALID, details)


def _invalid(details: str) -> GraphError:
    return GraphError(INVALID_PARAMETER, details)


def _missing(parameter: str) -> GraphError:
    return GraphError(MISSING_PARAMETER, f"The parameter {parameter} is required.")


@dataclass
class Call:
    """One request the bot made. ``body`` is the JSON body, or the form fields of an upload
    (the file part as ``{"filename", "content_type", "size"}``)."""

    method: str
    path: str  # after the version, e.g. "/106540352242922/messages"
    body: Params
    status: int = 200
    error: Params | None = None  # the "error" object answered, when the fake refused
    response: Params | None = None  # the JSON answered, when the fake accepted
    kind: str = ""  # "text", "interactive", ..., "read", "upload", "media", "download"
    to: str | None = None  # the user a message was for (phone digits)
    time: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status < 400

    @property
    def code(self) -> int | None:
        """The Cloud API error code, when refused."""
        return None if self.error is None else self.error["code"]


@dataclass
class StoredMedia:
    """A media file the fake holds: uploaded by the bot, or sent by a user in a webhook."""

    id: str
    content: bytes
    mime_type: str
    filename: str | None
    origin: str  # "bot" (POST /media) or "user" (arrived in a webhook)
    deleted: bool = False

    @property
    def sha256_hex(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def sha256_b64(self) -> str:
        return base64.b64encode(hashlib.sha256(self.content).digest()).decode()


@dataclass
class Delivery:
    """One webhook POST the fake made to the bot, and what the bot answered."""

    body: bytes  # exactly the bytes sent (and signed)
    headers: dict[str, str]
    status: int
    answer: str
    message_id: str | None  # the inbound message id, or the message id of a status
    kind: str  # "text", "interactive", ..., "status:read", or "raw"
    time: float = field(default_factory=time.monotonic)

    @property
    def payload(self) -> Params:
        return json.loads(self.body)


@dataclass
class _Fault:
    error: GraphError
    times: int
    kind: str | None


@dataclass
class _Template:
    name: str
    language: str
    category: str
    body_params: int | None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text_length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def meta_json(payload: Params) -> bytes:
    """Serialize like Meta's webhooks: compact, non-ASCII as \\uXXXX escapes and "/" as "\\/".

    So a bot that re-serializes the parsed JSON before checking the signature fails here as it
    would in production: the signature only matches the raw bytes.
    """
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return text.replace("/", "\\/").encode()


class FakeWhatsApp(WaitsUntil):
    """The fake Cloud API server plus the helpers tests use to play users and check replies."""

    def __init__(
        self,
        *,
        token: str = "EAAFakeWhatsAppToken0123456789",
        phone_number_id: str = "106540352242922",
        display_phone_number: str = "15550001234",
        waba_id: str = "102290129340398",
        app_secret: str = "fake-app-secret-0123456789abcdef",
        version: str = GRAPH_API_VERSION,
        clock: Clock | None = None,
        media_types: Iterable[str] = SUPPORTED_MEDIA_TYPES,
        webhook_timeout: float = 10.0,
    ) -> None:
        """``clock`` returns the fake's "now" (an aware datetime): it stamps inbound messages
        and decides the 24-hour window, so tests move it instead of waiting."""
        self.token = token
        self.phone_number_id = phone_number_id
        self.display_phone_number = display_phone_number
        self.waba_id = waba_id
        self.app_secret = app_secret
        self.version = version
        self.media_types = frozenset(media_types)
        self.webhook_timeout = webhook_timeout
        self.webhook_url = ""
        self.root_url = ""
        self.calls: list[Call] = []
        self.read_marks: list[str] = []
        self.typing: list[str] = []  # message ids a typing indicator was shown for
        self.uploads: list[StoredMedia] = []
        self.deliveries: list[Delivery] = []
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        self._templates: dict[tuple[str, str], _Template] = {}
        self._media: dict[str, StoredMedia] = {}
        self._sent: dict[str, list[Message]] = {}
        self._sent_by_id: dict[str, Message] = {}
        self._read_upto: dict[str, int] = {}
        self._last_inbound: dict[str, datetime] = {}
        self._inbound: dict[str, str] = {}  # inbound message id -> user
        self._names: dict[str, str] = {}
        self._bsuid_users: dict[str, str] = {}
        self._faults: list[_Fault] = []
        self._wamids = itertools.count(1)
        self._media_ids = itertools.count(4_301_000_000_000_001)
        self._trace_ids = itertools.count(1)
        self._last_activity = time.monotonic()
        self._in_flight = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> FakeWhatsApp:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port and set root_url / base_url."""
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/v{version}/{path:.*}", self._handle)
        app.router.add_get("/media-download/{media_id}", self._download)
        self._runner, self.root_url = await serve_locally(app)
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Close the webhook client and the server."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """What the bot uses instead of https://graph.facebook.com/v<version>."""
        return f"{self.root_url}/v{self.version}"

    def bot_environment(self, port: int, verify_token: str = "verify-me") -> dict[str, str]:
        """The settings that point a bot at this fake, its webhook served on 127.0.0.1:port
        (set webhook_url once it listens)."""
        return {
            "WHATSAPP_TOKEN": self.token,
            "WHATSAPP_PHONE_NUMBER_ID": self.phone_number_id,
            "WHATSAPP_APP_SECRET": self.app_secret,
            "WHATSAPP_VERIFY_TOKEN": verify_token,
            "WHATSAPP_API_BASE_URL": self.base_url,
            "WHATSAPP_WEBHOOK_LISTEN": "127.0.0.1",
            "WHATSAPP_WEBHOOK_PORT": str(port),
        }

    def now(self) -> datetime:
        """The fake's "now", from its clock."""
        now = self._clock()
        if now.tzinfo is None:
            raise TypeError("the FakeWhatsApp clock must return an aware datetime")
        return now

    # ----------------------------------------------------------------- HTTP layer

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        call = Call(request.method, path, {})
        self.calls.append(call)
        try:
            call.body = await self._read_body(request)
            if request.match_info["version"] != self.version:
                raise GraphError(
                    INVALID_PARAMETER,
                    f"this fake serves v{self.version}, not v{request.match_info['version']}",
                    message=f"Unknown path components: /v{request.match_info['version']}",
                )
            self._check_token(request)
            answer = self._route(request.method, path, call)
            call.response = answer
            status = 200
        except GraphError as error:
            call.error = error.error(self._fbtrace_id())
            call.status = status = error.status
            answer = {"error": call.error}
        except Exception as exc:  # a bug in the fake: answer as the Cloud API would
            error = GraphError(UNKNOWN_API_ERROR, f"fake server error: {exc!r}", status=500)
            call.error = error.error(self._fbtrace_id())
            call.status = status = 500
            answer = {"error": call.error}
        finally:
            self._touch()
        return web.json_response(answer, status=status)

    async def _read_body(self, request: web.Request) -> Params:
        if not request.can_read_body:
            return {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise _invalid("the request body is not valid JSON") from exc
            if not isinstance(body, dict):
                raise _invalid("the request body must be a JSON object")
            return body
        fields: Params = {}
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                fields[key] = {
                    "filename": value.filename,
                    "content_type": value.content_type,
                    "size": len(content),
                    "content": content,
                }
            else:
                fields[key] = str(value)
        return fields

    def _check_token(self, request: web.Request) -> None:
        given = request.headers.get("Authorization", "")
        if given != f"Bearer {self.token}" and request.query.get("access_token") != self.token:
            raise GraphError(
                INVALID_TOKEN,
                status=401,
                message="Invalid OAuth access token - Cannot parse access token",
            )

    def _route(self, method: str, path: str, call: Call) -> Params:
        segments = path.strip("/").split("/")
        if len(segments) == 2 and method == "POST" and segments[1] in ("messages", "media"):
            if segments[0] != self.phone_number_id:
                raise self._no_object(method, segments[0])
            if segments[1] == "messages":
                return self._post_messages(call)
            return self._post_media(call)
        if len(segments) == 1 and method in ("GET", "DELETE"):
            media = self._media.get(segments[0])
            if media is None or media.deleted:
                raise self._no_object(method, segments[0])
            call.kind = "media"
            if method == "DELETE":
                media.deleted = True
                return {"success": True}
            return {
                "url": f"{self.root_url}/media-download/{media.id}",
                "mime_type": media.mime_type,
                "sha256": media.sha256_hex,
                "file_size": len(media.content),
                "id": media.id,
                "messaging_product": "whatsapp",
            }
        raise GraphError(
            INVALID_PARAMETER,
            f"this fake does not serve {method} {path}",
            message=f"Unknown path components: {path}",
        )

    def _no_object(self, method: str, object_id: str) -> GraphError:
        return GraphError(
            INVALID_PARAMETER,
            error_type="GraphMethodException",
            subcode=33,
            message=(
                f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not "
                "exist, cannot be loaded due to missing permissions, or does not support this "
                "operation. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api"
            ),
        )

    async def _download(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        call = Call("GET", f"/media-download/{media_id}", {}, kind="download")
        self.calls.append(call)
        try:
            self._check_token(request)
            media = self._media.get(media_id)
            if media is None or media.deleted:
                raise GraphError(MEDIA_ERROR, f"media {media_id} not found", status=404)
        except GraphError as error:
            call.error = error.error(self._fbtrace_id())
            call.status = error.status
            return web.json_response({"error": call.error}, status=error.status)
        finally:
            self._touch()
        return web.Response(body=media.content, content_type=media.mime_type.split(";")[0])

    def _touch(self) -> None:
        self._last_activity = time.monotonic()
        self._notify()

    def _notify(self) -> None:
        """Wake every waiter to re-check its condition."""
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

    def _fbtrace_id(self) -> str:
        digest = hashlib.sha256(str(next(self._trace_ids)).encode()).digest()
        return "A" + base64.urlsafe_b64encode(digest).decode()[:22]

    def _new_wamid(self, user: str) -> str:
        """A message id shaped like WhatsApp's (base64: may hold "+", "/" and "=")."""
        raw = f"{user}\x15\x02\x00{next(self._wamids):08d}{self.phone_number_id}".encode()
        return "wamid.HBgM" + base64.b64encode(raw).decode()

    # ----------------------------------------------------------------- users

    def user_key(self, user: str | int) -> str:
        """The user as the fake files it: phone digits (a known business-scoped id maps back)."""
        text = str(user).strip()
        if _BSUID_RE.match(text):
            return self._bsuid_users.get(text, text)
        digits = _PHONE_NOISE_RE.sub("", text)
        if not digits.isdigit():
            raise ValueError(f"not a WhatsApp user (phone digits): {user!r}")
        return digits

    def bsuid(self, user: str | int) -> str:
        """The user's business-scoped user id (``user_id`` in webhooks), stable per number."""
        phone = self.user_key(user)
        country = next((_COUNTRIES[phone[:n]] for n in (3, 2, 1) if phone[:n] in _COUNTRIES), "ZZ")
        digest = hashlib.sha256(f"{self.waba_id}:{phone}".encode()).digest()
        bsuid = f"{country}.{int.from_bytes(digest[:8]) % 10**19 + 10**19}"
        self._bsuid_users[bsuid] = phone
        return bsuid

    def name_of(self, user: str | int) -> str:
        """The profile name the user's webhooks carry (sticky; set by a helper's name=)."""
        phone = self.user_key(user)
        return self._names.get(phone, f"User {phone[-4:]}")

    def last_inbound(self, user: str | int) -> datetime | None:
        """When the user last wrote (by the fake's clock), or None."""
        return self._last_inbound.get(self.user_key(user))

    def window_open(self, user: str | int) -> bool:
        """Whether a free-form message to the user would be accepted now."""
        last = self.last_inbound(user)
        return last is not None and self.now() - last <= WINDOW

    # ----------------------------------------------------------------- setup helpers

    def approve_template(
        self,
        name: str,
        language_code: str,
        *,
        category: str = "utility",
        body_params: int | None = None,
    ) -> None:
        """Make a template approved in one language; with ``body_params``, sends must fill
        exactly that many body parameters (else 132000)."""
        self._templates[name, language_code] = _Template(
            name, language_code, category, body_params
        )

    def fail_next(
        self,
        status: int = 500,
        code: int | None = None,
        *,
        times: int = 1,
        kind: str | None = None,
        details: str | None = None,
    ) -> None:
        """Make the next ``times`` calls fail with this HTTP status and a WhatsApp error body.

        ``code`` defaults by status: 429 -> 130429 "Rate limit hit", 500 -> 131000 "Something
        went wrong", 503 -> 131016, 400 -> 131026. ``kind`` picks the calls: None is any
        outgoing message (not read marks, not uploads); else a message type ("text",
        "interactive", "template"...), "read" (read marks) or "upload" (POST /media).
        """
        code = code if code is not None else _DEFAULT_FAULT_CODES.get(status, UNKNOWN_API_ERROR)
        error = GraphError(code, details or _FAULT_DETAILS.get(code), status=status)
        self._faults.append(_Fault(error, times, kind))

    def _raise_fault(self, kind: str) -> None:
        for fault in self._faults:
            matches = fault.kind == kind if fault.kind else kind not in ("read", "upload")
            if matches:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                raise fault.error

    def open_window(self, user: str | int, at: datetime | None = None) -> None:
        """Stamp the user's last inbound message at ``at`` (default now) without delivering
        anything: for tests about sending, not receiving."""
        self._last_inbound[self.user_key(user)] = at or self.now()

    # ----------------------------------------------------------------- Cloud API: messages

    def _post_messages(self, call: Call) -> Params:
        body = call.body
        if body.get("messaging_product") != "whatsapp":
            raise _missing("messaging_product")
        if body.get("status") == "read":
            call.kind = "read"
            call.to = self._inbound.get(str(body.get("message_id")))
            self._raise_fault("read")
            return self._mark_read(body)
        kind = str(body.get("type") or "text")
        call.kind = kind
        user, contact = self._recipient(body)
        call.to = user
        self._raise_fault(kind)
        payload = body.get(kind)
        if not isinstance(payload, dict | list):
            raise _missing(kind)
        extra = self._validate(kind, payload)
        if kind != "template":
            self._check_window(user)
        message_id = self._new_wamid(user)
        message: Message = {
            "id": message_id,
            "to": user,
            "type": kind,
            kind: copy.deepcopy(payload),
            "context_id": (body.get("context") or {}).get("message_id"),
            "request": copy.deepcopy(body),
            "time": self.now(),
            "body_text": None,
            **extra,
        }
        self._sent.setdefault(user, []).append(message)
        self._sent_by_id[message_id] = message
        answer: Params = {
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": message_id}],
        }
        if kind == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return answer

    def _recipient(self, body: Params) -> tuple[str, Params]:
        """(the user's key, the "contacts" entry of the answer)."""
        to, recipient = body.get("to"), body.get("recipient")
        if to not in (None, ""):
            try:
                phone = self.user_key(to)
            except ValueError:
                raise _invalid(f"Param to must be a phone number, not {to!r}") from None
            return phone, {"input": str(to), "wa_id": phone}
        if recipient not in (None, ""):
            if not _BSUID_RE.match(str(recipient)):
                raise _invalid(f"Param recipient must be a business-scoped user id: {recipient}")
            return self.user_key(recipient), {"input": recipient, "user_id": recipient}
        raise _missing("to")

    def _check_window(self, user: str) -> None:
        """Refuse a free-form message outside the 24-hour customer-service window.

        The Cloud API may also accept such a message and report 131047 later, in a "failed"
        status webhook; ``send_status(user, id, "failed", errors=[131047])`` plays that case.
        """
        last = self._last_inbound.get(user)
        if last is None or self.now() - last > WINDOW:
            raise GraphError(RE_ENGAGEMENT, _WINDOW_DETAILS)

    def _mark_read(self, body: Params) -> Params:
        message_id = body.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise _missing("message_id")
        if message_id not in self._inbound:
            raise _invalid(f"Invalid message_id {message_id}: no such message from a user")
        self.read_marks.append(message_id)
        if body.get("typing_indicator"):
            self.typing.append(message_id)
        return {"success": True}

    def _validate(self, kind: str, payload: Any) -> Params:
        """Check a message like WhatsApp does; return the extra fields of its record."""
        if kind == "text":
            return self._check_text(payload)
        if kind == "interactive":
            return self._check_interactive(payload)
        if kind in _MEDIA_KINDS:
            return self._check_media(kind, payload)
        if kind == "location":
            return self._check_location(payload)
        if kind == "template":
            return self._check_template(payload)
        if kind == "reaction":
            if not payload.get("message_id"):
                raise _missing("reaction['message_id']")
            return {}
        if kind == "contacts":
            if not isinstance(payload, list) or not payload:
                raise _missing("contacts")
            return {}
        raise _invalid(f"Param type must be a supported message type, not {kind!r}")

    def _check_text(self, payload: Params) -> Params:
        body = payload.get("body")
        if not isinstance(body, str) or not body.strip():
            raise _missing("text['body']")
        if len(body) > MAX_TEXT_BODY:
            raise _invalid(f"Param text['body'] must be at most {MAX_TEXT_BODY} characters long.")
        return {"body_text": body}

    def _check_interactive(self, payload: Params) -> Params:
        kind = payload.get("type")
        action = payload.get("action")
        body = (payload.get("body") or {}).get("text")
        if kind in ("button", "list", "cta_url"):
            if not isinstance(body, str) or not body.strip():
                raise _missing("interactive['body']['text']")
            if not isinstance(action, dict):
                raise _missing("interactive['action']")
        elif kind not in _OTHER_INTERACTIVE:
            raise _invalid(f"Param interactive['type'] is not a supported type: {kind!r}")
        if body is not None and len(str(body)) > MAX_INTERACTIVE_BODY:
            raise _not_valid(
                f"Body text length invalid. Min length: 1, Max length: {MAX_INTERACTIVE_BODY}"
            )
        footer = (payload.get("footer") or {}).get("text")
        if footer is not None and not 1 <= _text_length(footer) <= MAX_FOOTER_TEXT:
            raise _not_valid(
                f"Footer text length invalid. Min length: 1, Max length: {MAX_FOOTER_TEXT}"
            )
        self._check_header(kind, payload.get("header"))
        extra: Params = {"body_text": body, "interactive_type": kind}
        if kind == "button":
            extra["choices"] = self._check_buttons(action)
        elif kind == "list":
            extra["choices"] = self._check_list(action)
        elif kind == "cta_url":
            self._check_cta(action)
        return extra

    def _check_header(self, kind: Any, header: Any) -> None:
        if header is None:
            return
        if not isinstance(header, dict):
            raise _invalid("Param interactive['header'] must be an object")
        header_type = header.get("type")
        if header_type == "text":
            if not 1 <= _text_length(header.get("text")) <= MAX_HEADER_TEXT:
                raise _not_valid(
                    f"Header text length invalid. Min length: 1, Max length: {MAX_HEADER_TEXT}"
                )
        elif kind == "list" or header_type not in ("image", "video", "document"):
            raise _not_valid(f"Header type {header_type!r} is not valid for {kind} messages")
        else:
            self._check_media(header_type, header.get(header_type) or {}, caption=False)

    def _check_buttons(self, action: Params) -> list[Params]:
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS:
            count = len(buttons) if isinstance(buttons, list) else 0
            raise _not_valid(
                f"Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: "
                f"{MAX_BUTTONS}, got {count}"
            )
        choices = []
        for button in buttons:
            reply = button.get("reply") if isinstance(button, dict) else None
            if not isinstance(button, dict) or button.get("type") != "reply" or not reply:
                raise _not_valid("Button type must be 'reply' with a 'reply' object")
            title, button_id = reply.get("title"), reply.get("id")
            if not 1 <= _text_length(title) <= MAX_BUTTON_TITLE:
                raise _not_valid(
                    f"Button title length invalid. Min length: 1, Max length: "
                    f"{MAX_BUTTON_TITLE}, got {title!r}"
                )
            if not 1 <= _text_length(button_id) <= MAX_BUTTON_ID:
                raise _not_valid(
                    f"Button id length invalid. Min length: 1, Max length: {MAX_BUTTON_ID}"
                )
            choices.append({"id": button_id, "title": title})
        titles = [choice["title"] for choice in choices]
        if len(set(titles)) != len(titles):
            raise _not_valid(f"Button title is not unique: {titles}")
        ids = [choice["id"] for choice in choices]
        if len(set(ids)) != len(ids):
            raise _not_valid(f"Button id is not unique: {ids}")
        return choices

    def _check_list(self, action: Params) -> list[Params]:
        if not 1 <= _text_length(action.get("button")) <= MAX_LIST_BUTTON:
            raise _not_valid(
                f"Button text length invalid. Min length: 1, Max length: {MAX_LIST_BUTTON}"
            )
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= MAX_SECTIONS:
            raise _not_valid(f"Invalid number of sections. Min: 1, Max: {MAX_SECTIONS}")
        rows: list[Params] = []
        for section in sections:
            title = section.get("title") or None
            if title is None and len(sections) > 1:
                raise _not_valid("Section title is required when there is more than 1 section")
            if title is not None and _text_length(title) > MAX_SECTION_TITLE:
                raise _not_valid(
                    f"Section title length invalid. Min length: 1, Max length: {MAX_SECTION_TITLE}"
                )
            section_rows = section.get("rows")
            if not isinstance(section_rows, list) or not section_rows:
                raise _not_valid("Each section must have at least 1 row")
            for row in section_rows:
                rows.append(self._check_row(row, title))
        if len(rows) > MAX_ROWS:
            raise _not_valid(f"Total row count exceed max allowed count: {MAX_ROWS}")
        ids = [row["id"] for row in rows]
        if len(set(ids)) != len(ids):
            raise _not_valid(f"Row id is not unique: {ids}")
        return rows

    def _check_row(self, row: Params, section: str | None) -> Params:
        row_id, title, description = row.get("id"), row.get("title"), row.get("description")
        if not 1 <= _text_length(row_id) <= MAX_ROW_ID:
            raise _not_valid(f"Row id length invalid. Min length: 1, Max length: {MAX_ROW_ID}")
        if not 1 <= _text_length(title) <= MAX_ROW_TITLE:
            raise _not_valid(
                f"Row title length invalid. Min length: 1, Max length: {MAX_ROW_TITLE}, "
                f"got {title!r}"
            )
        if description is not None and _text_length(description) > MAX_ROW_DESCRIPTION:
            raise _not_valid(f"Row description length invalid. Max length: {MAX_ROW_DESCRIPTION}")
        return {"id": row_id, "title": title, "description": description, "section": section}

    def _check_cta(self, action: Params) -> None:
        parameters = action.get("parameters") or {}
        if action.get("name") != "cta_url":
            raise _not_valid("Action name must be 'cta_url'")
        if not 1 <= _text_length(parameters.get("display_text")) <= MAX_CTA_TEXT:
            raise _not_valid(
                f"Display text length invalid. Min length: 1, Max length: {MAX_CTA_TEXT}"
            )
        url = parameters.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise _not_valid(f"Invalid URL {url!r}: it must start with http:// or https://")

    def _check_media(self, kind: str, payload: Params, *, caption: bool = True) -> Params:
        media_id, link = payload.get("id"), payload.get("link")
        if bool(media_id) == bool(link):
            raise _invalid(f"Param {kind} must have either 'id' or 'link'")
        text = payload.get("caption")
        if caption and text is not None:
            if kind not in _CAPTIONED:
                raise _invalid(f"Param {kind}['caption'] is not supported for {kind}")
            if len(str(text)) > MAX_CAPTION:
                raise _not_valid(f"Caption length invalid. Max length: {MAX_CAPTION}")
        extra: Params = {"caption": text, "body_text": text, "media_id": media_id, "link": link}
        if media_id:
            media = self._media.get(str(media_id))
            if media is None or media.deleted:
                raise GraphError(MEDIA_ERROR, f"Media ID {media_id} not found or expired")
            extra.update(content=media.content, mime_type=media.mime_type)
            extra["filename"] = payload.get("filename") or media.filename
        else:
            if not str(link).startswith(("http://", "https://")):
                raise _not_valid(f"Invalid {kind} link {link!r}")
            extra.update(content=None, mime_type=None, filename=payload.get("filename"))
        return extra

    def _check_location(self, payload: Params) -> Params:
        for key, limit in (("latitude", 90), ("longitude", 180)):
            value = payload.get(key)
            if not _is_number(value) or not -limit <= value <= limit:
                raise _not_valid(f"Param location['{key}'] must be a number in ±{limit}")
        for key in ("name", "address"):
            if payload.get(key) is not None and not isinstance(payload[key], str):
                raise _invalid(f"Param location['{key}'] must be a string")
        return {}

    def _check_template(self, payload: Params) -> Params:
        name = payload.get("name")
        language = (payload.get("language") or {}).get("code")
        if not name:
            raise _missing("template['name']")
        if not language:
            raise _missing("template['language']['code']")
        template = self._templates.get((name, language))
        if template is None:
            raise GraphError(
                TEMPLATE_MISSING, f"template name ({name}) does not exist in {language}"
            )
        if template.body_params is not None:
            components = payload.get("components") or []
            body = next((c for c in components if c.get("type") == "body"), {})
            given = len(body.get("parameters") or [])
            if given != template.body_params:
                raise GraphError(
                    TEMPLATE_PARAM_COUNT,
                    f"body: number of localizable_params ({given}) does not match the "
                    f"expected number of params ({template.body_params})",
                )
        return {"template_category": template.category}

    # ----------------------------------------------------------------- Cloud API: media

    def _post_media(self, call: Call) -> Params:
        call.kind = "upload"
        self._raise_fault("upload")
        fields = call.body
        if fields.get("messaging_product") != "whatsapp":
            raise _missing("messaging_product")
        upload = fields.get("file")
        if not isinstance(upload, dict):
            raise _missing("file")
        content = upload.pop("content")  # keep the call record small
        mime_type = str(fields.get("type") or upload.get("content_type") or "")
        if mime_type.split(";", maxsplit=1)[0].strip() not in self.media_types:
            raise _invalid(
                "Param file must be a file with one of the following types: "
                f"{', '.join(sorted(self.media_types))}. Received file of type '{mime_type}'."
            )
        media = self._store_media(content, mime_type, upload.get("filename"), "bot")
        self.uploads.append(media)
        return {"id": media.id}

    def _store_media(
        self, content: bytes, mime_type: str, filename: str | None, origin: str
    ) -> StoredMedia:
        media = StoredMedia(str(next(self._media_ids)), content, mime_type, filename, origin)
        self._media[media.id] = media
        return media

    def media(self, media_id: str) -> StoredMedia:
        """A stored media file by id (uploaded by the bot or sent by a user)."""
        return self._media[str(media_id)]

    # ----------------------------------------------------------------- inspect

    def sent(self, to: str | int) -> list[Message]:
        """Messages accepted for that user, in order.

        Each is a dict: id, to, type, the payload under its type ("text", "interactive"...,
        as the bot sent it), context_id (the quoted message), request (the whole JSON body),
        time (the fake's clock); body_text (text body, interactive body, caption); for
        interactive: interactive_type and choices ([{id, title}] for buttons, [{id, title,
        description, section}] for list rows); for media: media_id or link, caption,
        content, filename and mime_type (from the upload).
        """
        return list(self._sent.get(self.user_key(to), []))

    def message(self, message_id: str) -> Message:
        """An accepted outgoing message by id."""
        return self._sent_by_id[message_id]

    def calls_of(self, kind: str) -> list[Call]:
        """Calls of one kind ("text", "interactive", "read", "upload"...)."""
        return [call for call in self.calls if call.kind == kind]

    def describe_calls(self, calls: Iterable[Call] | None = None) -> str:
        """A readable list of calls for assertion messages."""
        lines = []
        for call in self.calls if calls is None else calls:
            shown = json.dumps(call.body, ensure_ascii=False, default=str)[:300]
            outcome = f"  -> {call.status} {call.error['message']}" if call.error else ""
            details = (call.error or {}).get("error_data", {}).get("details")
            outcome += f" ({details})" if details else ""
            lines.append(f"  {call.method} {call.path} {shown}{outcome}")
        return "\n".join(lines) or "  (no calls)"

    async def wait_for(self, to: str | int, count: int = 1, timeout: float = 10) -> list[Message]:
        """Wait for ``count`` new accepted messages to the user since the last wait_for."""
        user = self.user_key(to)

        def fresh() -> list[Message]:
            return self._sent.get(user, [])[self._read_upto.get(user, 0) :]

        if not await self._wait_until(lambda: len(fresh()) >= count, timeout):
            raise AssertionError(
                f"expected {count} new message(s) to {user} within {timeout}s, got "
                f"{len(fresh())}; calls so far:\n{self.describe_calls()}"
            )
        found = fresh()[:count]
        self._read_upto[user] = self._read_upto.get(user, 0) + len(found)
        return found

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Wait until no webhook is in flight and no call came for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            remaining = self._last_activity + quiet - now
            if not self._in_flight and remaining <= 0:
                return
            if now >= deadline:
                raise AssertionError(
                    f"the bot did not go idle within {timeout}s; calls so far:\n"
                    f"{self.describe_calls()}"
                )
            await asyncio.sleep(min(max(remaining, 0.01), deadline - now))

    # ----------------------------------------------------------------- webhooks: building

    def contact(self, user: str | int) -> Params:
        """The ``contacts`` entry of the user's webhooks."""
        return {
            "profile": {"name": self.name_of(user)},
            "wa_id": self.user_key(user),
            "user_id": self.bsuid(user),
        }

    def envelope(self, value: Params) -> Params:
        """Wrap a change value in the webhook envelope (object, entry, changes)."""
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": self.waba_id, "changes": [{"value": value, "field": "messages"}]}],
        }

    def _metadata(self) -> Params:
        return {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": self.phone_number_id,
        }

    def _timestamp(self) -> str:
        return str(int(self.now().timestamp()))

    def message_payload(
        self, user: str | int, content: Params, *, message_id: str | None = None
    ) -> Params:
        """The webhook payload of a user message whose type-specific part is ``content``
        (e.g. ``{"type": "text", "text": {"body": "hi"}}``)."""
        phone = self.user_key(user)
        message = {
            "from": phone,
            "id": message_id or self._new_wamid(phone),
            "timestamp": self._timestamp(),
            **content,
        }
        return self.envelope(
            {
                "messaging_product": "whatsapp",
                "metadata": self._metadata(),
                "contacts": [self.contact(phone)],
                "messages": [message],
            }
        )

    def status_payload(
        self,
        user: str | int,
        message_id: str,
        status: str,
        errors: Iterable[int | Params] | None = None,
    ) -> Params:
        """The webhook payload of a status callback about a message the bot sent."""
        if status not in _STATUSES:
            raise ValueError(f"status must be one of {_STATUSES}, not {status!r}")
        phone = self.user_key(user)
        entry: Params = {
            "id": message_id,
            "status": status,
            "timestamp": self._timestamp(),
            "recipient_id": phone,
        }
        sent = self._sent_by_id.get(message_id)
        tracker = sent and sent["request"].get("biz_opaque_callback_data")
        if tracker:
            entry["biz_opaque_callback_data"] = tracker
        if status == "failed":
            entry["errors"] = [self._status_error(e) for e in errors or (SOMETHING_WENT_WRONG,)]
        else:
            template = sent is not None and sent["type"] == "template"
            entry["pricing"] = {
                "billable": template,
                "pricing_model": "PMP",
                "type": "regular" if template else "free_customer_service",
                "category": sent["template_category"] if sent and template else "service",
            }
        return self.envelope(
            {
                "messaging_product": "whatsapp",
                "metadata": self._metadata(),
                "contacts": [self.contact(phone)],
                "statuses": [entry],
            }
        )

    @staticmethod
    def _status_error(error: int | Params) -> Params:
        if isinstance(error, dict):
            return error
        title = ERROR_TITLES.get(error, "Unknown error")
        return {
            "code": error,
            "title": title,
            "message": title,
            "error_data": {"details": _WINDOW_DETAILS if error == RE_ENGAGEMENT else title},
            "href": _ERROR_HREF,
        }

    # ----------------------------------------------------------------- webhooks: delivering

    def sign(self, body: bytes) -> str:
        """The X-Hub-Signature-256 header value for a body."""
        digest = hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        return f"sha256={digest}"

    async def post_webhook(self, payload: Params | bytes, signature: str = "valid") -> int:
        """POST a payload (dict, serialized as Meta does, or raw bytes) to webhook_url and
        return the HTTP status the bot answered.

        ``signature``: "valid", "missing" (no header) or "bad" (signed with another secret).
        Messages in the payload stamp their users' window (the first time their id is seen).
        """
        body = payload if isinstance(payload, bytes) else meta_json(payload)
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = self.sign(body)
        elif signature == "bad":
            wrong = hmac.new(b"not-the-app-secret", body, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = f"sha256={wrong}"
        elif signature != "missing":
            raise ValueError(f'signature must be "valid", "missing" or "bad", not {signature!r}')
        message_id, kind = self._register(body)
        delivery = await self._post(body, headers, message_id, kind)
        return delivery.status

    def _register(self, body: bytes) -> tuple[str | None, str]:
        """Note the inbound messages of a body (ids, window); return (message id, kind)."""
        try:
            value = json.loads(body)["entry"][0]["changes"][0]["value"]
        except (ValueError, KeyError, IndexError, TypeError):
            return None, "raw"
        messages, statuses = value.get("messages") or [], value.get("statuses") or []
        for message in messages:
            user = self.user_key(message["from"])
            if message["id"] not in self._inbound:
                self._inbound[message["id"]] = user
                self._last_inbound[user] = self.now()
        if messages:
            return messages[0]["id"], str(messages[0].get("type"))
        if statuses:
            return statuses[0]["id"], f"status:{statuses[0]['status']}"
        return None, "raw"

    async def _post(
        self, body: bytes, headers: dict[str, str], message_id: str | None, kind: str
    ) -> Delivery:
        if not self.webhook_url:
            raise AssertionError("set fake.webhook_url to the bot's webhook URL first")
        assert self._session is not None, "the fake is not started"
        self._in_flight += 1
        try:
            async with self._session.post(
                self.webhook_url,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                delivery = Delivery(
                    body, headers, response.status, await response.text(), message_id, kind
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise AssertionError(
                f"could not deliver the webhook to {self.webhook_url}: {exc!r}"
            ) from exc
        finally:
            self._in_flight -= 1
            self._touch()
        self.deliveries.append(delivery)
        return delivery

    async def deliver_again(self, message_id: str) -> int:
        """Re-POST the exact bytes (and signature) of the last delivery about ``message_id``,
        as WhatsApp retries a webhook; return the bot's HTTP status."""
        for delivery in reversed(self.deliveries):
            if delivery.message_id == message_id:
                again = await self._post(
                    delivery.body, dict(delivery.headers), message_id, delivery.kind
                )
                return again.status
        raise AssertionError(f"no webhook was delivered about {message_id}")

    async def verify(
        self, mode: str = "subscribe", token: str = "", challenge: str = "1158201444"
    ) -> tuple[int, str]:
        """Meta's verification request (GET with hub.mode, hub.verify_token, hub.challenge)
        against webhook_url; return (status, body)."""
        if not self.webhook_url:
            raise AssertionError("set fake.webhook_url to the bot's webhook URL first")
        assert self._session is not None, "the fake is not started"
        params = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
        async with self._session.get(
            self.webhook_url,
            params=params,
            timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
        ) as response:
            return response.status, await response.text()

    async def _deliver_message(
        self,
        user: str | int,
        content: Params,
        *,
        name: str | None,
        message_id: str | None,
        expect_status: int | None,
    ) -> str:
        phone = self.user_key(user)
        if name is not None:
            self._names[phone] = name
        payload = self.message_payload(phone, content, message_id=message_id)
        delivered_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        status = await self.post_webhook(payload)
        self._expect(status, expect_status, delivered_id)
        return delivered_id

    def _expect(self, status: int, expected: int | None, what: str) -> None:
        if expected is not None and status != expected:
            answer = self.deliveries[-1].answer[:300] if self.deliveries else ""
            raise AssertionError(
                f"the bot answered HTTP {status} (expected {expected}) to the webhook about "
                f"{what}: {answer!r}"
            )

    # ----------------------------------------------------------------- webhooks: users act

    async def send_text(
        self,
        user: str | int,
        text: str,
        *,
        name: str | None = None,
        reply_to: str | None = None,
        message_id: str | None = None,
        expect_status: int | None = 200,
    ) -> str:
        """The user sends a text (quoting ``reply_to``); returns its message id.

        Every helper like this one stamps the user's window, POSTs a signed webhook, and
        raises AssertionError unless the bot answers ``expect_status`` (None: anything).
        Pass an earlier ``message_id`` to send another body with the same id.
        """
        content: Params = {"type": "text", "text": {"body": text}}
        if reply_to:
            content["context"] = {"from": self.display_phone_number, "id": reply_to}
        return await self._deliver_message(
            user, content, name=name, message_id=message_id, expect_status=expect_status
        )

    def _find_choice(
        self, user: str, interactive_type: str, choice_id: str, context_message_id: str | None
    ) -> tuple[Message | None, Params | None]:
        """The latest message to the user (or the given one) with that button/row."""
        candidates = (
            [self._sent_by_id[context_message_id]]
            if context_message_id in self._sent_by_id
            else reversed(self._sent.get(user, []))
        )
        for message in candidates:
            if message.get("interactive_type") != interactive_type:
                continue
            for choice in message.get("choices", []):
                if choice["id"] == choice_id:
                    return message, choice
        return None, None

    async def press_button(
        self,
        user: str | int,
        button_id: str,
        title: str | None = None,
        context_message_id: str | None = None,
        *,
        forged: bool = False,
        name: str | None = None,
        message_id: str | None = None,
        expect_status: int | None = 200,
    ) -> str:
        """The user taps a reply button of a message the bot sent them (the latest with that
        id, or ``context_message_id``); ``title`` defaults to the button's.

        Raises AssertionError when no such button was sent (or the title differs), unless
        ``forged``: a client can send anything.
        """
        phone = self.user_key(user)
        message, choice = self._find_choice(phone, "button", button_id, context_message_id)
        if not forged:
            if choice is None:
                raise AssertionError(
                    f"no reply button {button_id!r} was sent to {phone}"
                    f"{f' in {context_message_id}' if context_message_id else ''}; "
                    f"buttons sent: {self._choices_sent(phone, 'button')}"
                )
            if title is not None and title != choice["title"]:
                raise AssertionError(f"button {button_id!r} is titled {choice['title']!r}")
        context_id = context_message_id or (message["id"] if message else self._new_wamid(phone))
        shown = title if title is not None else (choice or {}).get("title", button_id)
        reply = {"id": button_id, "title": shown}
        content = {
            "context": {"from": self.display_phone_number, "id": context_id},
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": reply},
        }
        return await self._deliver_message(
            phone, content, name=name, message_id=message_id, expect_status=expect_status
        )

    async def pick_row(
        self,
        user: str | int,
        row_id: str,
        title: str | None = None,
        description: str | None = None,
        context_message_id: str | None = None,
        *,
        forged: bool = False,
        name: str | None = None,
        message_id: str | None = None,
        expect_status: int | None = 200,
    ) -> str:
        """The user picks a row of a list the bot sent them; title and description default to
        the row's (same rules as press_button)."""
        phone = self.user_key(user)
        message, choice = self._find_choice(phone, "list", row_id, context_message_id)
        if not forged:
            if choice is None:
                raise AssertionError(
                    f"no list row {row_id!r} was sent to {phone}; rows sent: "
                    f"{self._choices_sent(phone, 'list')}"
                )
            if title is not None and title != choice["title"]:
                raise AssertionError(f"row {row_id!r} is titled {choice['title']!r}")
        context_id = context_message_id or (message["id"] if message else self._new_wamid(phone))
        shown = title if title is not None else (choice or {}).get("title", row_id)
        reply: Params = {"id": row_id, "title": shown}
        if description is None:
            description = (choice or {}).get("description")
        if description:
            reply["description"] = description
        content = {
            "context": {"from": self.display_phone_number, "id": context_id},
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": reply},
        }
        return await self._deliver_message(
            phone, content, name=name, message_id=message_id, expect_status=expect_status
        )

    def _choices_sent(self, user: str, interactive_type: str) -> list[str]:
        return [
            choice["id"]
            for message in self._sent.get(user, [])
            if message.get("interactive_type") == interactive_type
            for choice in message.get("choices", [])
        ]

    async def send_contacts(self, user: str | int, phone: str, name: str, **kwargs: Any) -> str:
        """The user shares a contact card (a number and a name)."""
        digits = _PHONE_NOISE_RE.sub("", phone)
        first, _, last = name.partition(" ")
        card_name = {"formatted_name": name, "first_name": first}
        if last:
            card_name["last_name"] = last
        card = {
            "name": card_name,
            "phones": [{"phone": phone, "wa_id": digits, "type": "CELL"}],
        }
        content = {"type": "contacts", "contacts": [card]}
        return await self._deliver_message(user, content, **self._options(kwargs))

    @staticmethod
    def _options(kwargs: Params) -> Params:
        unknown = set(kwargs) - {"name", "message_id", "expect_status"}
        if unknown:
            raise TypeError(f"unexpected arguments: {sorted(unknown)}")
        return {
            "name": kwargs.get("name"),
            "message_id": kwargs.get("message_id"),
            "expect_status": kwargs.get("expect_status", 200),
        }

    async def _send_media(
        self,
        user: str | int,
        kind: str,
        content: bytes,
        mime_type: str,
        extra: Params,
        kwargs: Params,
    ) -> str:
        media = self._store_media(content, mime_type, extra.get("filename"), "user")
        part = {"mime_type": mime_type, "sha256": media.sha256_b64, "id": media.id, **extra}
        return await self._deliver_message(
            user, {"type": kind, kind: part}, **self._options(kwargs)
        )

    async def send_image(
        self,
        user: str | int,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        **kwargs: Any,
    ) -> str:
        """The user sends a photo (downloadable through the media endpoints)."""
        extra = {"caption": caption} if caption is not None else {}
        return await self._send_media(user, "image", content, "image/jpeg", extra, kwargs)

    async def send_sticker(
        self, user: str | int, content: bytes = b"RIFF\x00\x00WEBPfake", **kwargs: Any
    ) -> str:
        """The user sends a (static) sticker."""
        extra = {"animated": False}
        return await self._send_media(user, "sticker", content, "image/webp", extra, kwargs)

    async def send_voice(
        self, user: str | int, content: bytes = b"OggSfake-voice", **kwargs: Any
    ) -> str:
        """The user sends a voice note."""
        mime = "audio/ogg; codecs=opus"
        return await self._send_media(user, "audio", content, mime, {"voice": True}, kwargs)

    async def send_document(
        self,
        user: str | int,
        content: bytes = b"%PDF-1.4 fake",
        filename: str = "document.pdf",
        mime_type: str = "application/pdf",
        **kwargs: Any,
    ) -> str:
        """The user sends a document."""
        extra = {"filename": filename}
        return await self._send_media(user, "document", content, mime_type, extra, kwargs)

    async def send_location(
        self,
        user: str | int,
        latitude: float,
        longitude: float,
        *,
        place: str | None = None,
        address: str | None = None,
        **kwargs: Any,
    ) -> str:
        """The user shares a location (a pin, or a named ``place`` with its address)."""
        location: Params = {"latitude": latitude, "longitude": longitude}
        if place is not None:
            location["name"] = place
        if address is not None:
            location["address"] = address
        content = {"type": "location", "location": location}
        return await self._deliver_message(user, content, **self._options(kwargs))

    async def send_reaction(
        self, user: str | int, message_id: str, emoji: str, **kwargs: Any
    ) -> str:
        """The user reacts to a message with an emoji ("" removes the reaction)."""
        content = {"type": "reaction", "reaction": {"message_id": message_id, "emoji": emoji}}
        return await self._deliver_message(user, content, **self._options(kwargs))

    async def send_status(
        self,
        user: str | int,
        message_id: str,
        status: str,
        errors: Iterable[int | Params] | None = None,
        *,
        expect_status: int | None = 200,
    ) -> str:
        """WhatsApp reports a status ("sent", "delivered", "read", "failed" with ``errors``:
        codes or error objects) of a message the bot sent; returns the message id.
        Statuses do not stamp the window."""
        payload = self.status_payload(user, message_id, status, errors)
        status_code = await self.post_webhook(payload)
        self._expect(status_code, expect_status, f"status {status} of {message_id}")
        return message_id


@pytest_asyncio.fixture
async def fake_whatsapp() -> AsyncIterator[FakeWhatsApp]:
    """A started FakeWhatsApp (real clock), stopped after the test."""
    async with FakeWhatsApp() as wa:
        yield wa

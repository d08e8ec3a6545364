"""Tests of the fake WhatsApp Cloud API server itself, with pywa on both sides of it.

If the fake drifted from WhatsApp (JSON shapes, limits, error codes, the 24-hour window,
webhook payloads and their signature), the WhatsApp adapter's end-to-end tests would pass or
fail for the wrong reasons. So the real pywa client sends to the fake over HTTP, and the
fake's webhooks go through pywa's own signature check and update parser.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web
from pywa.utils import Version
from pywa_async import WhatsApp, errors, types
from pywa_async.types import Button, Section, SectionList, SectionRow, URLButton
from pywa_async.types.templates import TemplateLanguage

from tests.support.clock import FrozenClock
from tests.support.fake_whatsapp import (
    GRAPH_API_VERSION,
    MAX_BUTTON_ID,
    MAX_BUTTON_TITLE,
    MAX_CAPTION,
    MAX_CTA_TEXT,
    MAX_FOOTER_TEXT,
    MAX_HEADER_TEXT,
    MAX_INTERACTIVE_BODY,
    MAX_LIST_BUTTON,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_ID,
    MAX_ROW_TITLE,
    MAX_SECTION_TITLE,
    MAX_TEXT_BODY,
    FakeWhatsApp,
)

USER = "212612345678"
OTHER = "33612345678"
VERIFY_TOKEN = "verify-token-for-tests"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def fake(clock: FrozenClock) -> AsyncIterator[FakeWhatsApp]:
    """The fake server on its frozen clock, stopped after the test."""
    async with FakeWhatsApp(clock=clock) as wa:
        yield wa


@asynccontextmanager
async def pywa_client(fake: FakeWhatsApp, token: str | None = None) -> AsyncIterator[WhatsApp]:
    """A real pywa_async client whose Graph API is the fake."""
    session = httpx.AsyncClient()
    try:
        wa = WhatsApp(phone_id=fake.phone_number_id, token=token or fake.token, session=session)
        session.base_url = fake.base_url  # pywa sets graph.facebook.com when it is built
        yield wa
    finally:
        await session.aclose()


@pytest.fixture
async def client(fake: FakeWhatsApp) -> AsyncIterator[WhatsApp]:
    async with pywa_client(fake) as wa:
        yield wa


@dataclass
class Receiver:
    """What pywa's handlers got from the fake's webhooks, and the raw bodies it was sent."""

    messages: list[types.Message] = field(default_factory=list)
    buttons: list[types.CallbackButton] = field(default_factory=list)
    selections: list[types.CallbackSelection] = field(default_factory=list)
    statuses: list[types.MessageStatus] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)


@asynccontextmanager
async def pywa_webhook(
    fake: FakeWhatsApp, app_secret: str | None = None
) -> AsyncIterator[Receiver]:
    """A webhook server on 127.0.0.1 that checks signatures and parses updates with pywa,
    the way a custom-server pywa bot does; fake.webhook_url points at it."""
    wa = WhatsApp(
        phone_id=fake.phone_number_id,
        waba_id=fake.waba_id,
        app_secret=app_secret or fake.app_secret,
        verify_token=VERIFY_TOKEN,
        validate_updates=True,
    )
    got = Receiver()

    @wa.on_message
    async def on_message(_: WhatsApp, message: types.Message) -> None:
        got.messages.append(message)

    @wa.on_callback_button
    async def on_button(_: WhatsApp, button: types.CallbackButton) -> None:
        got.buttons.append(button)

    @wa.on_callback_selection
    async def on_selection(_: WhatsApp, selection: types.CallbackSelection) -> None:
        got.selections.append(selection)

    @wa.on_message_status
    async def on_status(_: WhatsApp, status: types.MessageStatus) -> None:
        got.statuses.append(status)

    async def post(request: web.Request) -> web.Response:
        body = await request.read()
        got.bodies.append(body)
        refused = await wa.webhook_update_validator(
            body, request.headers.get("X-Hub-Signature-256")
        )
        if refused:
            return web.Response(text=refused[0], status=refused[1])
        text, status = await wa.webhook_update_handler(body)
        return web.Response(text=text, status=status)

    async def get(request: web.Request) -> web.Response:
        challenge, status = await wa.webhook_challenge_handler(
            vt=request.query.get("hub.verify_token"), ch=request.query.get("hub.challenge")
        )
        return web.Response(text=challenge or "", status=status)

    app = web.Application()
    app.router.add_post("/whatsapp", post)
    app.router.add_get("/whatsapp", get)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        fake.webhook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/whatsapp"
        yield got
    finally:
        await runner.cleanup()


@pytest.fixture
async def receiver(fake: FakeWhatsApp) -> AsyncIterator[Receiver]:
    async with pywa_webhook(fake) as got:
        yield got


async def refused(call: Awaitable[Any]) -> errors.WhatsAppError:
    """Await a pywa call that must fail, and return pywa's error."""
    with pytest.raises(errors.WhatsAppError) as caught:
        await call
    return caught.value


# ----------------------------------------------------------------------- the server


async def test_base_url_speaks_the_graph_version_pywa_uses(fake: FakeWhatsApp) -> None:
    assert Version.GRAPH_API.value == GRAPH_API_VERSION
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith(f"/v{Version.GRAPH_API.value}")


async def test_a_wrong_token_is_refused_with_code_190(fake: FakeWhatsApp) -> None:
    fake.open_window(USER)
    async with pywa_client(fake, token="EAAnot-the-token") as wa:
        error = await refused(wa.send_message(USER, "Bonjour"))
    assert isinstance(error, errors.ExpiredAccessToken)
    assert (error.code, error.status_code, error.type) == (190, 401, "OAuthException")
    assert fake.calls[-1].status == 401
    assert fake.sent(USER) == []


async def test_an_unknown_phone_number_id_is_refused(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    error = await refused(client.send_message(USER, "Bonjour", sender="999999999999999"))
    assert (error.code, error.status_code, error.type) == (100, 400, "GraphMethodException")
    assert "999999999999999" in error.message


# ----------------------------------------------------------------------- accepted messages


async def test_text_is_accepted_and_recorded(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    sent = await client.send_message(USER, "Bonjour", reply_to_message_id="wamid.QUOTED")
    [message] = fake.sent(USER)
    assert sent.id == message["id"]
    assert sent.id.startswith("wamid.")
    assert sent.chat.id == USER
    assert message["type"] == "text"
    assert message["text"] == {"body": "Bonjour", "preview_url": False}
    assert message["body_text"] == "Bonjour"
    assert message["context_id"] == "wamid.QUOTED"
    assert message["request"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": "text",
        "to": USER,
        "context": {"message_id": "wamid.QUOTED"},
        "text": {"body": "Bonjour", "preview_url": False},
    }
    [call] = fake.calls
    assert (call.method, call.path, call.status, call.kind, call.to) == (
        "POST", f"/{fake.phone_number_id}/messages", 200, "text", USER,
    )  # fmt: skip
    assert call.response == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": USER, "wa_id": USER}],
        "messages": [{"id": sent.id}],
    }


async def test_every_message_id_is_new(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    ids = {(await client.send_message(USER, f"n°{n}")).id for n in range(5)}
    assert len(ids) == 5


async def test_a_formatted_number_is_filed_under_its_digits(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    fake.open_window(USER)
    sent = await client.send_message("+212 612-345678", "Bonjour")
    assert [m["id"] for m in fake.sent(USER)] == [sent.id]
    assert fake.calls[-1].response["contacts"] == [{"input": "+212 612-345678", "wa_id": USER}]


async def test_a_business_scoped_id_reaches_the_same_user(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    """pywa replies to a BSUID first (user_identifier_priority): it must count for the phone."""
    fake.open_window(USER)
    bsuid = fake.bsuid(USER)
    assert bsuid.startswith("MA.")
    sent = await client.send_message(bsuid, "Bonjour")
    [message] = fake.sent(USER)
    assert message["id"] == sent.id
    assert message["request"]["recipient"] == bsuid
    assert "to" not in message["request"]
    assert sent.chat.id == bsuid
    assert fake.bsuid(USER) == bsuid  # stable


async def test_reply_buttons_are_accepted_and_recorded(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    fake.open_window(USER)
    await client.send_message(
        USER,
        "Voulez-vous confirmer ?",
        header="Rendez-vous",
        footer="Agence urbaine",
        buttons=[Button("Oui", "confirm:1"), Button("Non", "cancel:1")],
    )
    [message] = fake.sent(USER)
    assert message["type"] == "interactive"
    assert message["interactive_type"] == "button"
    assert message["body_text"] == "Voulez-vous confirmer ?"
    assert message["choices"] == [
        {"id": "confirm:1", "title": "Oui"},
        {"id": "cancel:1", "title": "Non"},
    ]
    assert message["interactive"] == {
        "type": "button",
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "confirm:1", "title": "Oui"}},
                {"type": "reply", "reply": {"id": "cancel:1", "title": "Non"}},
            ]
        },
        "header": {"type": "text", "text": "Rendez-vous"},
        "body": {"text": "Voulez-vous confirmer ?"},
        "footer": {"text": "Agence urbaine"},
    }


async def test_a_list_is_accepted_and_recorded(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    rows = [SectionRow("Permis", "topic:permit", "Permis de construire"), SectionRow("Autre", "x")]
    await client.send_message(
        USER, "Choisissez un sujet", buttons=SectionList("Sujets", [Section("Urbanisme", rows)])
    )
    [message] = fake.sent(USER)
    assert message["interactive_type"] == "list"
    assert message["interactive"]["action"] == {
        "button": "Sujets",
        "sections": [
            {
                "title": "Urbanisme",
                "rows": [
                    {
                        "id": "topic:permit",
                        "title": "Permis",
                        "description": "Permis de construire",
                    },
                    {"id": "x", "title": "Autre"},
                ],
            }
        ],
    }
    assert message["choices"] == [
        {
            "id": "topic:permit",
            "title": "Permis",
            "description": "Permis de construire",
            "section": "Urbanisme",
        },
        {"id": "x", "title": "Autre", "description": None, "section": "Urbanisme"},
    ]


async def test_a_url_button_is_accepted_and_recorded(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    await client.send_message(USER, "Le site", buttons=URLButton("Ouvrir", "https://example.org/"))
    [message] = fake.sent(USER)
    assert message["interactive"]["type"] == "cta_url"
    assert message["interactive"]["action"] == {
        "name": "cta_url",
        "parameters": {"display_text": "Ouvrir", "url": "https://example.org/"},
    }


async def test_a_document_is_uploaded_then_sent(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    media = await client.upload_media(
        b"%PDF-1.4 attestation", mime_type="application/pdf", filename="upload.pdf"
    )
    [upload] = fake.uploads
    assert (upload.id, upload.content, upload.filename, upload.mime_type, upload.origin) == (
        media.id, b"%PDF-1.4 attestation", "upload.pdf", "application/pdf", "bot",
    )  # fmt: skip
    upload_call = fake.calls_of("upload")[0]
    assert upload_call.body["messaging_product"] == "whatsapp"
    assert upload_call.body["type"] == "application/pdf"
    assert upload_call.body["file"]["filename"] == "upload.pdf"

    sent = await client.send_document(USER, media.id, filename="attestation.pdf", caption="Votre")
    [message] = fake.sent(USER)
    assert message["id"] == sent.id
    assert message["document"] == {
        "id": media.id,
        "caption": "Votre",
        "filename": "attestation.pdf",
    }
    assert (message["content"], message["filename"], message["mime_type"]) == (
        b"%PDF-1.4 attestation", "attestation.pdf", "application/pdf",
    )  # fmt: skip
    assert message["caption"] == message["body_text"] == "Votre"


async def test_a_document_by_link_is_accepted(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    await client.send_document(USER, "https://example.org/guide.pdf", filename="guide.pdf")
    [message] = fake.sent(USER)
    assert message["document"] == {
        "link": "https://example.org/guide.pdf",
        "filename": "guide.pdf",
    }
    assert (message["link"], message["content"]) == ("https://example.org/guide.pdf", None)


async def test_an_upload_of_an_unsupported_type_is_refused(client: WhatsApp) -> None:
    error = await refused(
        client.upload_media(b"BEGIN:VCALENDAR", mime_type="text/calendar", filename="rdv.ics")
    )
    assert error.code == 100
    assert "Received file of type 'text/calendar'" in (error.details or "")


async def test_a_location_is_accepted(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    await client.send_location(USER, 32.3373, -6.3498, name="Agence urbaine")
    [message] = fake.sent(USER)
    # pywa sends the address it was not given as null.
    assert message["location"] == {
        "latitude": 32.3373,
        "longitude": -6.3498,
        "name": "Agence urbaine",
        "address": None,
    }


async def test_an_approved_template_is_accepted_in_its_languages_only(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    fake.approve_template("mre_reminder", "fr")
    sent = await client.send_template(USER, "mre_reminder", TemplateLanguage.FRENCH)
    assert sent.status == types.SentTemplateStatus.ACCEPTED
    [message] = fake.sent(USER)
    assert message["template"] == {"name": "mre_reminder", "language": {"code": "fr"}}

    for name, language in (("mre_reminder", TemplateLanguage.ARABIC), ("nope", "fr")):
        error = await refused(client.send_template(USER, name, TemplateLanguage(language)))
        assert isinstance(error, errors.TemplateNotExists)
        assert error.code == 132001
        assert f"({name})" in (error.details or "")
    assert len(fake.sent(USER)) == 1


async def test_a_template_must_fill_its_body_parameters(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    fake.approve_template("mre_reminder", "fr", body_params=2)

    def body(*values: str) -> list[dict[str, Any]]:
        parameters = [{"type": "text", "text": value} for value in values]
        return [{"type": "body", "parameters": parameters}]

    error = await refused(
        client.send_template(USER, "mre_reminder", TemplateLanguage.FRENCH, params=body("x"))
    )
    assert isinstance(error, errors.TemplateParamCountMismatch)
    await client.send_template(USER, "mre_reminder", TemplateLanguage.FRENCH, body("x", "y"))
    assert len(fake.sent(USER)) == 1


async def test_mark_as_read_and_typing_are_recorded(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver, clock: FrozenClock
) -> None:
    message_id = await fake.send_text(USER, "Bonjour")
    clock.advance(hours=48)  # read marks are not messages: no window
    result = await client.mark_message_as_read(message_id)
    assert result.success is True
    await client.indicate_typing(message_id)
    assert fake.read_marks == [message_id, message_id]
    assert fake.typing == [message_id]
    assert fake.calls[0].body == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": message_id,
    }
    assert fake.calls[0].response == {"success": True}
    error = await refused(client.mark_message_as_read("wamid.NEVER-SENT"))
    assert error.code == 100
    assert fake.sent(USER) == []


# ----------------------------------------------------------------------- WhatsApp's limits

Send = Callable[[WhatsApp], Awaitable[Any]]


def _buttons(*titles: str) -> list[Button]:
    return [Button(title, f"id-{n}") for n, title in enumerate(titles)]


def _rows(count: int, prefix: str = "r") -> list[SectionRow]:
    return [SectionRow(f"Row {n}", f"{prefix}{n}") for n in range(count)]


def _one_row(**row: str) -> SectionList:
    fields = {"title": "Row", "callback_data": "r", **row}
    return SectionList("Menu", [Section("S", [SectionRow(**fields)])])


def _list(*sections: Section, label: str = "Menu") -> SectionList:
    return SectionList(label, list(sections))


def _raw_interactive(interactive: dict[str, Any]) -> Send:
    """Through pywa's API layer: its client turns an empty button list into a text."""
    return lambda wa: wa.api.send_message(
        sender=wa.phone_id, to=USER, recipient=None, recipient_type="individual",
        typ="interactive", msg=interactive,
    )  # fmt: skip


def _send(**kwargs: Any) -> Send:
    return lambda wa: wa.send_message(USER, **kwargs)


# (what is sent, the Cloud API code, words of its details); pywa checks none of these itself.
LIMITS = [
    pytest.param(_send(text="x" * (MAX_TEXT_BODY + 1)), 100, "at most 4096", id="text 4097"),
    pytest.param(_send(text=" "), 131008, "text['body'] is required", id="blank text"),
    pytest.param(
        _send(text="b" * 1025, buttons=_buttons("Oui")), 131009, "Body text length",
        id="interactive body 1025",
    ),
    pytest.param(
        _send(text="b", header="h" * 61, buttons=_buttons("Oui")), 131009, "Header text length",
        id="header 61",
    ),
    pytest.param(
        _send(text="b", footer="f" * 61, buttons=_buttons("Oui")), 131009, "Footer text length",
        id="footer 61",
    ),
    pytest.param(
        _send(text="b", buttons=_buttons(*"ABCD")), 131009, "Invalid buttons count",
        id="4 buttons",
    ),
    pytest.param(
        _raw_interactive({"type": "button", "body": {"text": "b"}, "action": {"buttons": []}}),
        131009, "Invalid buttons count", id="0 buttons",
    ),
    pytest.param(
        _send(text="b", buttons=_buttons("t" * 21)), 131009, "Button title length",
        id="button title 21",
    ),
    pytest.param(
        _send(text="b", buttons=[Button("Oui", "i" * 257)]), 131009, "Button id length",
        id="button id 257",
    ),
    pytest.param(
        _send(text="b", buttons=_buttons("Oui", "Oui")), 131009, "title is not unique",
        id="same button titles",
    ),
    pytest.param(
        _send(text="b", buttons=[Button("Oui", "x"), Button("Non", "x")]), 131009,
        "id is not unique", id="same button ids",
    ),
    pytest.param(
        _send(text="b", buttons=_list(Section("S", _rows(1)), label="l" * 21)), 131009,
        "Button text length", id="list label 21",
    ),
    pytest.param(
        _send(text="b", buttons=_list(*[Section(f"S{n}", _rows(1, f"s{n}")) for n in range(11)])),
        131009, "number of sections", id="11 sections",
    ),
    pytest.param(
        _send(text="b", buttons=_list(Section("A", _rows(6)), Section("B", _rows(5, "b")))),
        131009, "Total row count", id="11 rows",
    ),
    pytest.param(
        _send(text="b", buttons=_list(Section("A", _rows(1)), Section("B", _rows(1)))),
        131009, "Row id is not unique", id="same row ids",
    ),
    pytest.param(
        _send(text="b", buttons=_one_row(title="t" * 25)), 131009, "Row title length",
        id="row title 25",
    ),
    pytest.param(
        _send(text="b", buttons=_one_row(description="d" * 73)), 131009,
        "Row description length", id="row description 73",
    ),
    pytest.param(
        _send(text="b", buttons=_one_row(callback_data="i" * 201)), 131009, "Row id length",
        id="row id 201",
    ),
    pytest.param(
        _send(text="b", buttons=_list(Section("s" * 25, _rows(1)))), 131009,
        "Section title length", id="section title 25",
    ),
    pytest.param(
        _send(text="b", buttons=_list(Section("", _rows(1)), Section("B", _rows(1, "b")))),
        131009, "Section title is required", id="untitled section of 2",
    ),
    pytest.param(
        _send(text="b", buttons=URLButton("t" * 21, "https://e.org")), 131009,
        "Display text length", id="url button text 21",
    ),
    pytest.param(
        _send(text="b", buttons=URLButton("Site", "ftp://e.org/x")), 131009, "Invalid URL",
        id="url button ftp",
    ),
    pytest.param(
        lambda wa: wa.send_document(USER, "https://e.org/a.pdf", "a.pdf", caption="c" * 1025),
        131009, "Caption length", id="document caption 1025",
    ),
    pytest.param(
        lambda wa: wa.send_document(USER, "123456789", "a.pdf"), 131053, "not found",
        id="unknown media id",
    ),
    pytest.param(
        lambda wa: wa.send_location(USER, "north", 0), 131009, "location['latitude']",
        id="latitude not a number",
    ),
    pytest.param(
        lambda wa: wa.send_location(USER, 32.3, 181), 131009, "location['longitude']",
        id="longitude 181",
    ),
]  # fmt: skip

# The class pywa raises for each code.
PYWA_ERRORS = {
    100: errors.WhatsAppError,
    131008: errors.MissingRequiredParameter,
    131009: errors.InvalidParameter,
    131053: errors.MediaUploadError,
}


@pytest.mark.parametrize(("send", "code", "details"), LIMITS)
async def test_whatsapp_limits_are_refused_with_its_codes(
    fake: FakeWhatsApp, client: WhatsApp, send: Send, code: int, details: str
) -> None:
    fake.open_window(USER)
    error = await refused(send(client))
    assert error.code == code, fake.describe_calls()
    assert details in (error.details or ""), error.details
    assert error.status_code == 400
    assert error.raw["error_data"]["messaging_product"] == "whatsapp"
    assert error.raw["message"].startswith(f"(#{code}) ")
    assert error.fbtrace_id
    assert type(error) is PYWA_ERRORS[code]
    assert fake.calls[-1].code == code
    assert fake.sent(USER) == []


async def test_messages_at_the_limits_are_accepted(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    await client.send_message(USER, "x" * MAX_TEXT_BODY)
    await client.send_message(
        USER,
        "b" * MAX_INTERACTIVE_BODY,
        header="h" * MAX_HEADER_TEXT,
        footer="f" * MAX_FOOTER_TEXT,
        buttons=[Button(f"{n}" * MAX_BUTTON_TITLE, f"{n}" * MAX_BUTTON_ID) for n in range(3)],
    )
    long_row = SectionRow("t" * MAX_ROW_TITLE, "i" * MAX_ROW_ID, "d" * MAX_ROW_DESCRIPTION)
    sections = [
        Section("s" * MAX_SECTION_TITLE, [long_row, *_rows(4)]),
        Section("B", _rows(5, "b")),
    ]
    await client.send_message(USER, "b", buttons=SectionList("l" * MAX_LIST_BUTTON, sections))
    await client.send_message(USER, "b", buttons=URLButton("u" * MAX_CTA_TEXT, "http://e.org"))
    await client.send_document(USER, "https://e.org/a.pdf", "a.pdf", caption="c" * MAX_CAPTION)
    assert len(fake.sent(USER)) == 5, fake.describe_calls()
    assert len(fake.sent(USER)[2]["choices"]) == 10


# ----------------------------------------------------------------------- the 24-hour window


async def test_free_form_is_refused_to_a_user_who_never_wrote(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    error = await refused(client.send_message(USER, "Bonjour"))
    assert isinstance(error, errors.ReEngagementMessage)
    assert (error.code, error.status_code) == (131047, 400)
    assert "24 hours" in (error.details or "")
    assert fake.calls[-1].code == 131047
    assert fake.sent(USER) == []
    assert not fake.window_open(USER)


async def test_the_window_follows_the_users_last_message(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver, clock: FrozenClock
) -> None:
    fake.approve_template("mre_reminder", "fr")
    await fake.send_text(USER, "Bonjour")
    assert fake.last_inbound(USER) == clock.now
    await client.send_message(USER, "Bienvenue")

    clock.advance(hours=23, minutes=59)
    await client.send_message(USER, "Toujours là ?")

    clock.advance(hours=1, minutes=1)  # 25 h after the user's message
    error = await refused(client.send_message(USER, "Rappel"))
    assert error.code == 131047
    error = await refused(client.send_message(USER, "Oui ?", buttons=_buttons("Oui")))
    assert error.code == 131047
    await client.send_template(USER, "mre_reminder", TemplateLanguage.FRENCH)

    await fake.press_button(USER, "id-0", forged=True)  # any user message reopens it
    await client.send_message(USER, "Merci")
    assert [m["type"] for m in fake.sent(USER)] == ["text", "text", "template", "text"]
    assert fake.sent(OTHER) == []


async def test_statuses_do_not_open_the_window(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver
) -> None:
    await fake.send_status(USER, "wamid.OLD", "read")
    error = await refused(client.send_message(USER, "Bonjour"))
    assert error.code == 131047


# ----------------------------------------------------------------------- injected failures


async def test_fail_next_500_fails_once_then_recovers(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    fake.open_window(USER)
    fake.fail_next(status=500)
    error = await refused(client.send_message(USER, "Bonjour"))
    assert isinstance(error, errors.UnknownError)
    assert (error.code, error.status_code) == (131000, 500)
    failed = fake.calls[-1]
    assert (failed.status, failed.code, failed.ok) == (500, 131000, False)
    sent = await client.send_message(USER, "Bonjour")
    assert [m["id"] for m in fake.sent(USER)] == [sent.id]


async def test_fail_next_429_rate_limit_for_n_calls(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)
    fake.fail_next(status=429, times=2)
    for _ in range(2):
        error = await refused(client.send_message(USER, "Bonjour"))
        assert isinstance(error, errors.RateLimitHit)
        assert (error.code, error.status_code) == (130429, 429)
    await client.send_message(USER, "Bonjour")
    assert [c.status for c in fake.calls] == [429, 429, 200]


async def test_fail_next_can_pick_the_calls_it_fails(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver
) -> None:
    fake.approve_template("mre_reminder", "fr")
    message_id = await fake.send_text(USER, "Bonjour")
    fake.fail_next(status=400, kind="template")
    fake.fail_next(status=500, code=1)
    await client.mark_message_as_read(message_id)  # read marks are spared by default
    error = await refused(client.send_template(USER, "mre_reminder", TemplateLanguage.FRENCH))
    assert isinstance(error, errors.MessageUndeliverable)
    error = await refused(client.send_message(USER, "Bonjour"))
    assert (error.code, error.status_code) == (1, 500)
    await client.send_message(USER, "Bonjour")
    assert [c.status for c in fake.calls] == [200, 400, 500, 200]


# ----------------------------------------------------------------------- waiting


async def test_wait_for_returns_the_new_messages_in_order(
    fake: FakeWhatsApp, client: WhatsApp
) -> None:
    fake.open_window(USER)
    await client.send_message(USER, "déjà lu")
    assert [m["body_text"] for m in await fake.wait_for(USER)] == ["déjà lu"]

    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.send_message(USER, "un")
        await client.send_message(USER, "deux")

    task = asyncio.create_task(later())
    got = await fake.wait_for(USER, count=2, timeout=5)
    await task
    assert [m["body_text"] for m in got] == ["un", "deux"]
    with pytest.raises(AssertionError, match=r"expected 1 new message\(s\) to 212612345678"):
        await fake.wait_for(USER, timeout=0.1)


async def test_wait_idle_waits_for_quiet(fake: FakeWhatsApp, client: WhatsApp) -> None:
    fake.open_window(USER)

    async def chatter() -> None:
        while True:
            await client.send_message(USER, "…")
            await asyncio.sleep(0.01)

    task = asyncio.create_task(chatter())
    try:
        with pytest.raises(AssertionError, match="did not go idle"):
            await fake.wait_idle(quiet=0.3, timeout=0.6)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    await fake.wait_idle(quiet=0.05, timeout=2)


# ----------------------------------------------------------------------- webhooks, read by pywa


async def test_a_text_reaches_pywa_on_message(
    fake: FakeWhatsApp, receiver: Receiver, clock: FrozenClock
) -> None:
    message_id = await fake.send_text(USER, "Bonjour", name="Fatima Zahra")
    [message] = receiver.messages
    assert (message.id, message.type, message.text) == (message_id, "text", "Bonjour")
    assert message.from_user.wa_id == USER
    assert message.from_user.name == "Fatima Zahra"
    assert message.from_user.bsuid == fake.bsuid(USER)
    assert message.metadata.phone_number_id == fake.phone_number_id
    assert message.metadata.display_phone_number == fake.display_phone_number
    assert message.timestamp == clock.now
    assert message.waba_id == fake.waba_id
    assert fake.deliveries[-1].status == 200
    assert fake.deliveries[-1].kind == "text"


async def test_a_quoted_text_carries_its_context(fake: FakeWhatsApp, receiver: Receiver) -> None:
    await fake.send_text(USER, "Et ça ?", reply_to="wamid.EARLIER")
    [message] = receiver.messages
    assert message.reply_to_message is not None
    assert message.reply_to_message.id == "wamid.EARLIER"


async def test_a_button_press_reaches_on_callback_button(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver
) -> None:
    await fake.send_text(USER, "Bonjour")
    sent = await client.send_message(USER, "Confirmer ?", buttons=_buttons("Oui", "Non"))
    message_id = await fake.press_button(USER, "id-1")
    [button] = receiver.buttons
    assert (button.id, button.data, button.title) == (message_id, "id-1", "Non")
    assert button.reply_to_message is not None
    assert button.reply_to_message.id == sent.id
    assert button.from_user.wa_id == USER
    assert receiver.messages[1:] == []  # not also an on_message update


async def test_only_buttons_that_were_sent_can_be_pressed(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver
) -> None:
    await fake.send_text(USER, "Bonjour")
    await client.send_message(USER, "Confirmer ?", buttons=_buttons("Oui"))
    with pytest.raises(AssertionError, match=r"no reply button 'stale' was sent.*'id-0'"):
        await fake.press_button(USER, "stale")
    with pytest.raises(AssertionError, match="titled 'Oui'"):
        await fake.press_button(USER, "id-0", "Non")
    await fake.press_button(USER, "stale", "Ancien", forged=True)
    [button] = receiver.buttons
    assert (button.data, button.title) == ("stale", "Ancien")


async def test_a_list_pick_reaches_on_callback_selection(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver
) -> None:
    await fake.send_text(USER, "Bonjour")
    rows = [SectionRow("Permis", "permit", "Permis de construire"), SectionRow("Autre", "other")]
    sent = await client.send_message(
        USER, "Sujet ?", buttons=SectionList("Sujets", [Section("Urbanisme", rows)])
    )
    message_id = await fake.pick_row(USER, "permit")
    [selection] = receiver.selections
    assert (selection.id, selection.data, selection.title) == (message_id, "permit", "Permis")
    assert selection.description == "Permis de construire"
    assert selection.reply_to_message.id == sent.id
    with pytest.raises(AssertionError, match="no list row 'gone'"):
        await fake.pick_row(USER, "gone")


async def test_a_shared_contact_reaches_on_message(fake: FakeWhatsApp, receiver: Receiver) -> None:
    await fake.send_contacts(USER, "+212 600-112233", "Karim Alaoui")
    [message] = receiver.messages
    assert message.type == "contacts"
    [card] = message.contacts
    assert card.name.formatted_name == "Karim Alaoui"
    assert card.name.first_name == "Karim"
    assert (card.phones[0].phone, card.phones[0].wa_id) == ("+212 600-112233", "212600112233")


@pytest.mark.parametrize(
    ("kind", "mime_type"),
    [
        ("image", "image/jpeg"),
        ("sticker", "image/webp"),
        ("voice", "audio/ogg; codecs=opus"),
        ("document", "application/pdf"),
    ],
)
async def test_user_media_reaches_on_message_and_downloads(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver, kind: str, mime_type: str
) -> None:
    content = f"{kind} bytes".encode()
    await getattr(fake, f"send_{kind}")(USER, content=content)
    [message] = receiver.messages
    assert message.type == ("audio" if kind == "voice" else kind)
    media = message.media
    assert media is not None
    assert media.mime_type == mime_type
    if kind == "voice":
        assert message.voice is not None
    if kind == "document":
        assert media.filename == "document.pdf"
    url = await client.get_media_url(media.id)
    assert await client.get_media_bytes(url.url) == content
    assert fake.media(media.id).origin == "user"


async def test_an_image_caption_reaches_pywa(fake: FakeWhatsApp, receiver: Receiver) -> None:
    await fake.send_image(USER, caption="Mon terrain")
    [message] = receiver.messages
    assert message.caption == "Mon terrain"


async def test_a_location_reaches_on_message(fake: FakeWhatsApp, receiver: Receiver) -> None:
    await fake.send_location(USER, 32.3373, -6.3498, place="Agence", address="Bd Mohammed V")
    [message] = receiver.messages
    assert message.type == "location"
    assert (message.location.latitude, message.location.longitude) == (32.3373, -6.3498)
    assert (message.location.name, message.location.address) == ("Agence", "Bd Mohammed V")


async def test_a_reaction_reaches_on_message(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver
) -> None:
    await fake.send_text(USER, "Bonjour")
    sent = await client.send_message(USER, "Voici")
    await fake.send_reaction(USER, sent.id, "👍")
    await fake.send_reaction(USER, sent.id, "")
    reaction, removal = receiver.messages[1:]
    assert reaction.type == "reaction"
    assert (reaction.reaction.message_id, reaction.reaction.emoji) == (sent.id, "👍")
    assert removal.reaction.is_removed


async def test_statuses_reach_on_message_status(
    fake: FakeWhatsApp, client: WhatsApp, receiver: Receiver
) -> None:
    await fake.send_text(USER, "Bonjour")
    sent = await client.send_message(USER, "Voici", tracker="booking:42")
    for status in ("sent", "delivered", "read"):
        await fake.send_status(USER, sent.id, status)
    await fake.send_status(USER, sent.id, "failed", errors=[131047])
    assert [s.status for s in receiver.statuses] == ["sent", "delivered", "read", "failed"]
    assert {s.id for s in receiver.statuses} == {sent.id}
    assert {s.tracker for s in receiver.statuses} == {"booking:42"}
    assert receiver.statuses[0].from_user.wa_id == USER
    assert receiver.statuses[0].pricing is not None
    assert receiver.statuses[0].pricing.category == "service"
    failed = receiver.statuses[-1]
    assert isinstance(failed.error, errors.ReEngagementMessage)
    assert failed.error.code == 131047
    assert fake.deliveries[-1].kind == "status:failed"


# ----------------------------------------------------------------------- webhook signatures


async def test_pywa_refuses_a_bad_or_missing_signature(
    fake: FakeWhatsApp, receiver: Receiver
) -> None:
    payload = fake.message_payload(USER, {"type": "text", "text": {"body": "forged"}})
    assert await fake.post_webhook(payload, signature="bad") == 403
    assert await fake.post_webhook(payload, signature="missing") == 401
    assert "X-Hub-Signature-256" not in fake.deliveries[-1].headers
    assert receiver.messages == []
    assert await fake.post_webhook(payload) == 200
    assert [m.text for m in receiver.messages] == ["forged"]


async def test_helpers_fail_when_the_bot_refuses_the_webhook(fake: FakeWhatsApp) -> None:
    async with pywa_webhook(fake, app_secret="another-secret"):
        with pytest.raises(AssertionError, match="answered HTTP 403"):
            await fake.send_text(USER, "Bonjour")
        await fake.send_text(USER, "Bonjour", expect_status=None)
    assert [d.status for d in fake.deliveries] == [403, 403]


async def test_helpers_need_a_webhook_url(fake: FakeWhatsApp) -> None:
    with pytest.raises(AssertionError, match="webhook_url"):
        await fake.send_text(USER, "Bonjour")


async def test_bodies_are_escaped_like_meta_and_signed_as_sent(
    fake: FakeWhatsApp, receiver: Receiver
) -> None:
    text = "Rendez-vous à 10h/11h 🙂"
    await fake.send_text(USER, text)
    [body] = receiver.bodies
    assert b"\\u00e0" in body
    assert b"\\/" in body
    assert b"\\ud83d\\ude42" in body
    assert b": " not in body
    assert fake.deliveries[-1].headers["X-Hub-Signature-256"] == fake.sign(body)
    assert [m.text for m in receiver.messages] == [text]


# ----------------------------------------------------------------------- retries and verification


async def test_deliver_again_posts_the_same_bytes(
    fake: FakeWhatsApp, receiver: Receiver, clock: FrozenClock
) -> None:
    message_id = await fake.send_text(USER, "Bonjour")
    stamped = fake.last_inbound(USER)
    clock.advance(hours=1)
    assert await fake.deliver_again(message_id) == 200
    first, again = fake.deliveries
    assert again.body == first.body
    assert again.headers == first.headers
    assert receiver.bodies == [first.body, first.body]
    assert len(receiver.messages) == 1  # pywa drops a byte-identical retry itself
    assert fake.last_inbound(USER) == stamped  # a retry is not a new message
    with pytest.raises(AssertionError, match="no webhook was delivered"):
        await fake.deliver_again("wamid.UNKNOWN")


async def test_the_same_message_id_can_come_in_a_new_body(
    fake: FakeWhatsApp, receiver: Receiver, clock: FrozenClock
) -> None:
    """pywa only drops identical bodies: a bot must also drop a message id it has seen."""
    message_id = await fake.send_text(USER, "Bonjour")
    stamped = fake.last_inbound(USER)
    clock.advance(seconds=5)
    assert await fake.send_text(USER, "Bonjour", message_id=message_id) == message_id
    assert fake.last_inbound(USER) == stamped  # the same message, not a new one
    assert [m.id for m in receiver.messages] == [message_id, message_id]
    assert fake.deliveries[0].body != fake.deliveries[1].body


async def test_verify_echoes_the_challenge_only_with_the_right_token(
    fake: FakeWhatsApp, receiver: Receiver
) -> None:
    assert await fake.verify("subscribe", VERIFY_TOKEN, "1158201444") == (200, "1158201444")
    status, body = await fake.verify("subscribe", "wrong-token", "1158201444")
    assert status == 403
    assert "1158201444" not in body

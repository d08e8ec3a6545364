"""Tests of the fake Telegram server itself, driven by the real python-telegram-bot client.

If the fake drifted from Telegram (JSON shapes, error texts, long polling), the bot's
end-to-end tests would pass or fail for the wrong reasons; these tests pin it down.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.fake_telegram import (
    FakeTelegram,
    fake_telegram,  # noqa: F401
    parse_entities,
)

TOKEN = "123456:TEST-token"
CHAT = 1001


@asynccontextmanager
async def real_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """A real telegram.Bot talking to the fake."""
    async with Bot(TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        yield bot


@pytest.fixture
def tg(fake_telegram: FakeTelegram) -> FakeTelegram:  # noqa: F811 (the imported fixture)
    """The started fake server (short name)."""
    return fake_telegram


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


async def test_get_me(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        me = await bot.get_me()
    assert me.is_bot
    assert me.username == "test_mre_bot"
    assert me.can_join_groups is True
    assert tg.calls[0].method == "getMe"


async def test_send_message_html_is_parsed_and_recorded(tg: FakeTelegram) -> None:
    text = '<b>Bonjour</b> &amp; <a href="https://example.org">bienvenue</a> 🇲🇦 <i>!</i>'
    async with real_bot(tg) as bot:
        message = await bot.send_message(CHAT, text, parse_mode="HTML", reply_markup=keyboard("a"))
    assert message.message_id == 1
    assert message.text == "Bonjour & bienvenue 🇲🇦 !"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 7),
        ("text_link", 10, 9),
        ("italic", 25, 1),  # the flag counts 4 UTF-16 units, as in Telegram
    ]
    assert message.reply_markup == keyboard("a")
    [sent] = tg.sent(CHAT)
    assert sent["text"] == text
    assert sent["parse_mode"] == "HTML"
    assert sent["type"] == "text"
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert tg.calls[-1].params["chat_id"] == CHAT


@pytest.mark.parametrize(
    "text",
    [
        "<b>unclosed",
        "<div>unknown</div>",
        "<span>no class</span>",
        "<b>crossed <i>tags</b></i>",
        "1 < 2",
        "Tom & Jerry",
        "a > b",
        "&nbsp;",
        "line<br/>break",
    ],
)
async def test_invalid_html_is_rejected(tg: FakeTelegram, text: str) -> None:
    async with real_bot(tg) as bot:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(CHAT, text, parse_mode="HTML")
    assert tg.sent(CHAT) == []
    assert tg.calls[-1].error.startswith("Bad Request: can't parse entities")


async def test_text_limits(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(CHAT, "a" * 4097)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")
        # tags and entities do not count: 4096 characters after parsing are fine
        await bot.send_message(CHAT, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
        await bot.send_message(CHAT, "ا" * 4096)
    assert len(tg.sent(CHAT)) == 2


async def test_inline_buttons_are_checked(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        for markup in (
            keyboard("x" * 65),
            keyboard("é" * 33),  # 66 bytes in UTF-8
            InlineKeyboardMarkup([[InlineKeyboardButton("no action", callback_data="")]]),
        ):
            with pytest.raises(BadRequest, match="Button_data_invalid"):
                await bot.send_message(CHAT, "menu", reply_markup=markup)
        await bot.send_message(CHAT, "menu", reply_markup=keyboard("x" * 64))


async def test_edit_message(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        message = await bot.send_message(CHAT, "Choose", reply_markup=keyboard("a", "b"))
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "Choose", CHAT, message.message_id, reply_markup=keyboard("a", "b")
            )
        edited = await bot.edit_message_text("Done", CHAT, message.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("Done", CHAT, 999)
    assert edited.text == "Done"
    assert edited.reply_markup is None  # an edit without markup removes the keyboard
    current = tg.message(CHAT, message.message_id)
    assert (current["text"], current["reply_markup"]) == ("Done", None)
    assert tg.sent(CHAT)[0]["text"] == "Choose"  # the record as sent


async def test_fail_next(tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else PTB 22 warns when building RetryAfter
    tg.fail_next("sendMessage")
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    async with real_bot(tg) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(CHAT, "hello")
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(CHAT, "hello")
        await bot.send_message(CHAT, "hello")
    assert flood.value.retry_after == dtm.timedelta(seconds=1)
    assert [call.error for call in tg.calls_of("sendmessage")] == [
        "Bad Request: chat not found",
        "Too Many Requests: retry after 1",
        None,
    ]
    assert len(tg.sent(CHAT)) == 1


async def test_unknown_callback_query(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("12345")


async def test_document_upload_and_download(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        message = await bot.send_document(
            CHAT, b"%PDF-1.4 fake", filename="guide.pdf", caption="<b>Guide</b>", parse_mode="HTML"
        )
        downloaded = await (await bot.get_file(message.document.file_id)).download_as_bytearray()
    assert message.caption == "Guide"
    assert message.document.file_name == "guide.pdf"
    [sent] = tg.sent(CHAT)
    assert sent["document"]["content"] == b"%PDF-1.4 fake"
    assert sent["caption"] == "<b>Guide</b>"
    assert bytes(downloaded) == b"%PDF-1.4 fake"


async def test_commands_locations_and_catch_all(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        await bot.set_my_commands(
            [BotCommand("start", "Démarrer")],
            scope=BotCommandScopeAllPrivateChats(),
            language_code="fr",
        )
        assert await bot.get_my_commands(
            scope=BotCommandScopeAllPrivateChats(), language_code="fr"
        ) == (BotCommand("start", "Démarrer"),)
        assert await bot.get_my_commands() == ()
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Start", "bad")])
        venue = await bot.send_venue(CHAT, 32.34, -6.36, "Agence urbaine", "Beni Mellal")
        await bot.send_location(CHAT, 32.34, -6.36)
        await bot.send_chat_action(CHAT, "typing")
        assert await bot.set_my_description("anything") is True
        chat = await bot.get_chat(CHAT)
    assert tg.commands[("all_private_chats", "fr")] == [
        {"command": "start", "description": "Démarrer"}
    ]
    assert venue.venue.title == "Agence urbaine"
    assert chat.type == "private"
    assert [m["type"] for m in tg.sent(CHAT)] == ["venue", "location"]
    assert tg.calls_of("setMyDescription")[0].params == {"description": "anything"}


async def test_get_updates_returns_at_once_when_an_update_arrives(tg: FakeTelegram) -> None:
    async def user_writes_later() -> None:
        await asyncio.sleep(0.1)
        await tg.send_text(7, "hi")

    async with real_bot(tg) as bot:
        writer = asyncio.create_task(user_writes_later())
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        assert time.monotonic() - started < 1
        await writer
        assert [u.message.text for u in updates] == ["hi"]
        # confirmed by the offset: not returned again
        assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


def test_html_entities_like_telegram() -> None:
    text, entities = parse_entities(
        '<pre><code class="language-python">x = 1</code></pre> '
        "<tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote> &#233;&quot;",
        "HTML",
    )
    assert text == 'x = 1 s q é"'
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 6, "length": 1},
        {"type": "expandable_blockquote", "offset": 8, "length": 1},
    ]


async def test_wait_for_reports_the_calls_seen(tg: FakeTelegram) -> None:
    async with real_bot(tg) as bot:
        await bot.send_message(CHAT, "to someone else")
    with pytest.raises(AssertionError, match="sendMessage"):
        await tg.wait_for(4242, timeout=0.1)


# ----------------------------------------------------------------- a real Application


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(
        f"Bienvenue {update.effective_user.first_name}", reply_markup=keyboard("yes", "no")
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await asyncio.sleep(0.05)  # lets two users' updates interleave
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    await query.edit_message_text(f"You chose {query.data}")


@asynccontextmanager
async def running_app(tg: FakeTelegram) -> AsyncIterator[Application]:
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_application_polls_and_replies(tg: FakeTelegram) -> None:
    async with running_app(tg):
        await tg.send_command(CHAT, "/start", first_name="Amina", language_code="ar")
        [welcome] = await tg.wait_for(CHAT)
        assert welcome["text"] == "Bienvenue Amina"

        await tg.send_text(CHAT, "bonjour")
        [reply] = await tg.wait_for(CHAT)
        assert reply["text"] == "echo: bonjour"

        query_id = await tg.press(CHAT, welcome, "yes")
        await tg.wait_for_call("answerCallbackQuery")
        await tg.wait_for_call("editMessageText")
        assert query_id in tg.callback_answers
        assert tg.message(CHAT, welcome["message_id"])["text"] == "You chose yes"
        with pytest.raises(AssertionError, match="no button"):
            await tg.press(CHAT, welcome, "no")  # the edit removed the keyboard
        await tg.wait_idle(0.1)
    assert [call.error for call in tg.calls if call.error] == []


async def test_two_users_at_once(tg: FakeTelegram) -> None:
    async with running_app(tg):
        await asyncio.gather(tg.send_text(1, "un"), tg.send_text(2, "deux"))
        [first], [second] = await asyncio.gather(tg.wait_for(1), tg.wait_for(2))
    assert first["text"] == "echo: un"
    assert second["text"] == "echo: deux"
    assert first["chat_id"] == 1
    assert second["chat_id"] == 2


async def test_nothing_left_running_after_stop() -> None:
    async with FakeTelegram() as tg, running_app(tg):
        await tg.send_text(CHAT, "bonjour")
        await tg.wait_for(CHAT)
    assert asyncio.all_tasks() == {asyncio.current_task()}

"""From core replies to WhatsApp messages, within WhatsApp's limits.

A reply's text goes as text messages under 4,096 characters; its choices (with 👍 / 👎 and the
way back to the menu) as up to three reply buttons when their titles fit in 20 characters, else
as a list of at most ten rows (titles of 24 characters, the rest of a long label as the row's
description). An interactive message's body holds 1,024 characters, so a longer text is sent
first and the choices follow on its last part. The main official link is a button that opens
it; a file is uploaded and sent as a document; a place as a location; "share my number" is
the offer to use the WhatsApp number itself.
"""

from __future__ import annotations

from pywa_async import WhatsApp
from pywa_async.types import Button, Section, SectionList, SectionRow, URLButton

from bot.choices import ChannelLimits, closing_choices
from bot.i18n import Texts, rtl
from bot.replies import Option, Reply
from handlers.chunks import split_text
from handlers.whatsapp.sender import Sender

__all__ = ["LIMITS", "OWN_NUMBER", "Renderer"]

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
BUTTONS, BUTTON_TITLE = 3, 20
ROWS, ROW_TITLE, ROW_DESCRIPTION = 10, 24, 72
# The core pages choices to 9: room for "more" in a 10-row list, or for the menu row.
LIMITS = ChannelLimits(choices=9, label=ROW_TITLE + ROW_DESCRIPTION, start_command=False)
# The choice that answers "your phone number?" with the WhatsApp number itself.
OWN_NUMBER = "wa:own-number"
# WhatsApp takes documents of a few types only: a calendar file and a CSV travel as text, their
# names keep the extension that phones open them by.
_MIME = {
    ".ics": "text/plain",
    ".csv": "text/plain",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Renderer:
    def __init__(self, wa: WhatsApp, sender: Sender, texts: Texts) -> None:
        self.wa = wa
        self.sender = sender
        self.texts = texts

    async def send(self, to: str, reply: Reply) -> None:
        text = rtl(reply.text) if reply.lang == "ar" else reply.text
        links = list(reply.links)
        main_link = links.pop(0) if links else None
        if links:
            heading = self.texts.get("reply.links", reply.lang)
            lines = "\n".join(f"• {title}: {url}" for title, url in links)
            text = f"{text}\n\n{heading}\n{lines}"
        own_number = reply.request_phone and to.isdigit()  # not for a username-only account
        if own_number:
            text = f"{text}\n\n{self.texts.get('wa.use_number', reply.lang, number=f'+{to}')}"
        choices = self._choices(reply, own_number)
        if reply.document is not None:
            await self._document(to, reply.document, text)
        elif main_link is not None or choices:
            related = bool(reply.entry_id and reply.options)
            await self._interactive(
                to, text, choices, link=main_link, lang=reply.lang, related=related
            )
        else:
            for chunk in split_text(text, TEXT_LIMIT):
                await self.sender.call("a text", lambda c=chunk: self.wa.send_message(to, c))
        if reply.location is not None:
            latitude, longitude = reply.location
            await self.sender.call(
                "a location",
                lambda: self.wa.send_location(to, latitude=latitude, longitude=longitude),
            )

    def _choices(self, reply: Reply, own_number: bool) -> list[Option]:
        menu_label = self.texts.get("menu.button", reply.lang)
        choices = [*reply.options, *closing_choices(reply, menu_label)]
        if own_number:
            choices.append(Option(self.texts.get("wa.use_number_button", reply.lang), OWN_NUMBER))
        return choices

    async def _interactive(
        self,
        to: str,
        text: str,
        choices: list[Option],
        *,
        link: tuple[str, str] | None,
        lang: str,
        related: bool,
    ) -> None:
        """The text, then the link's button and the choices on its last part (or their own)."""
        chunks = split_text(text, BODY_LIMIT)
        *before, body = chunks
        for chunk in split_text("\n\n".join(before), TEXT_LIMIT) if before else ():
            await self.sender.call("a text", lambda c=chunk: self.wa.send_message(to, c))
        if link is not None:
            title, url = link
            button = URLButton(title=_cut(title, BUTTON_TITLE), url=url)
            await self.sender.call(
                "a link", lambda: self.wa.send_message(to, body, buttons=button)
            )
            if not choices:
                return
            body = self.texts.get("reply.related" if related else "choices.next_page", lang)
        buttons: list[Button] | SectionList
        if len(choices) <= BUTTONS and all(len(c.label) <= BUTTON_TITLE for c in choices):
            buttons = [Button(title=c.label, callback_data=c.target) for c in choices]
        else:
            rows = [_row(choice) for choice in choices[:ROWS]]
            label = _cut(self.texts.get("wa.choose", lang), BUTTON_TITLE)
            buttons = SectionList(button_title=label, sections=[Section(title="", rows=rows)])
        await self.sender.call("choices", lambda: self.wa.send_message(to, body, buttons=buttons))

    async def _document(self, to: str, document: tuple[str, bytes], caption: str) -> None:
        name, content = document
        mime = _MIME.get(name[name.rfind(".") :], "application/octet-stream")
        await self.sender.call(
            "a document",
            lambda: self.wa.send_document(
                to,
                content,
                filename=name,
                caption=_cut(caption, BODY_LIMIT),
                mime_type=mime,
            ),
        )


def _row(choice: Option) -> SectionRow:
    """A list row: the label as title, or its start as title and the rest as description."""
    if len(choice.label) <= ROW_TITLE:
        return SectionRow(title=choice.label, callback_data=choice.target)
    head = choice.label[: ROW_TITLE - 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > ROW_TITLE // 2 else head
    rest = choice.label[len(head) :].strip()
    return SectionRow(
        title=head.rstrip() + "…",
        callback_data=choice.target,
        description=_cut(rest, ROW_DESCRIPTION),
    )


def _cut(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"

"""Bookings exported for the agency's admins, as CSV and as an Excel workbook.

Admins open these files in Excel or LibreOffice, which do two harmful things with a plain CSV:
they read it in the machine's legacy code page, turning Arabic names into mojibake, unless the
file starts with a UTF-8 byte-order mark; and they execute a cell that starts with "=", "+", "-"
or "@" as a formula (CSV injection), so a name typed as "=HYPERLINK(…)" in Telegram would run on
an admin's computer. Every value is therefore neutralized, in both formats: a workbook saved
again as CSV, or a cell edited by hand, must not bring the formula back to life.

A French Excel expects semicolons in a CSV and puts a comma-separated file in one column; the
workbook is the format to give admins who use Excel, the CSV is for LibreOffice and scripts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = ["COLUMNS", "ExportRow", "bookings_csv", "bookings_xlsx", "neutralize"]


@dataclass(frozen=True)
class ExportRow:
    """One booking as admins see it: every field already formatted as text."""

    code: str
    event_id: str
    day: str
    time: str
    name: str
    phone: str
    country: str
    topic: str
    status: str
    checked_in_at: str
    created_at: str


COLUMNS: tuple[str, ...] = (
    "Code / الرمز",
    "Événement / الحدث",
    "Jour / اليوم",
    "Heure / الساعة",
    "Nom / الاسم",
    "Téléphone / الهاتف",
    "Pays de résidence / بلد الإقامة",
    "Sujet / الموضوع",
    "Statut / الحالة",
    "Arrivée / الحضور",
    "Réservé le / تاريخ الحجز",
)
"""Header labels, in the order of `ExportRow`'s fields, in both languages the agency works in."""

SHEET_TITLE = "Bookings"

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_FORMAT = "@"
_MIN_WIDTH = 8
_MAX_WIDTH = 60


def neutralize(value: str) -> str:
    """Prefix a leading apostrophe to a value a spreadsheet would run as a formula.

    This is OWASP's advice for CSV injection. The apostrophe is visible in the cell (a phone
    number shows as "'+212…"), the price of a value that can never become a formula.
    """
    return f"'{value}" if value.startswith(_FORMULA_TRIGGERS) else value


def bookings_csv(rows: Sequence[ExportRow]) -> bytes:
    """Return the bookings as a UTF-8 CSV with a byte-order mark, a header row and CRLF lines."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralize(value) for value in values] for values in _table(rows))
    return buffer.getvalue().encode("utf-8-sig")


def bookings_xlsx(rows: Sequence[ExportRow]) -> bytes:
    """Return the bookings as an XLSX workbook with one sheet, every cell stored as text.

    Cells are typed as strings and formatted as Text ("@"), so a phone number stays
    "+212612345678" instead of becoming a number, and an admin's edit keeps it text; an empty
    value leaves an empty (Text-formatted) cell. Control characters, which XLSX cannot hold and a
    Telegram name might carry, are removed; a carriage return comes back from the file as a line
    feed, as XML reads it.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    widths = [_MIN_WIDTH] * len(COLUMNS)
    bold = Font(bold=True)
    for row_index, values in enumerate(_table(rows), start=1):
        for column_index, value in enumerate(values, start=1):
            text = neutralize(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell = sheet.cell(row=row_index, column=column_index, value=text or None)
            if text:
                cell.data_type = "s"
            cell.number_format = _TEXT_FORMAT
            if row_index == 1:
                cell.font = bold
            widths[column_index - 1] = max(widths[column_index - 1], _width(text))
    for column_index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column_index)].width = min(width, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(rows: Iterable[ExportRow]) -> Iterator[tuple[str, ...]]:
    """Yield the header, then each booking's values, raw: each format neutralizes its own cells.

    Neutralizing comes last so that nothing removed afterwards (a control character before an
    "=") can uncover a formula.
    """
    yield COLUMNS
    for row in rows:
        yield astuple(row)


def _width(value: str) -> int:
    """Return a column width that shows `value`: its longest line, plus a little margin."""
    return max((len(line) for line in value.splitlines()), default=0) + 2

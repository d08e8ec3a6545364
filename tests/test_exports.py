"""Booking exports: Arabic survives Excel, no cell runs as a formula, phones stay text."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import astuple, fields, replace

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.exports import COLUMNS, ExportRow, bookings_csv, bookings_xlsx, neutralize

ROW = ExportRow(
    code="BM-7K2Q",
    event_id="mre-2025",
    day="2025-08-12",
    time="10:30",
    name="فاطمة الزهراء بنعلي",
    phone="+212612345678",
    country="France",
    topic="Autorisation de construire / رخصة البناء",
    status="confirmed",
    checked_in_at="",
    created_at="2025-07-01T09:15:00Z",
)

FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


# --- neutralize -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_neutralize_prefixes_formula_triggers(value):
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["", "Fatima", "فاطمة", "2025-08-12", "10:30", "a=b", " =1", "'=already", "٠٦"]
)
def test_neutralize_leaves_other_values_unchanged(value):
    assert neutralize(value) == value


# --- columns --------------------------------------------------------------------------------


def test_columns_match_the_row_fields_and_are_bilingual():
    assert len(COLUMNS) == len(fields(ExportRow))
    assert len(set(COLUMNS)) == len(COLUMNS)
    for label in COLUMNS:
        french, arabic = label.split(" / ")
        assert any(char.isascii() and char.isalpha() for char in french)
        assert any("\u0600" <= char <= "\u06ff" for char in arabic)


# --- CSV ------------------------------------------------------------------------------------


def test_csv_starts_with_a_byte_order_mark():
    assert bookings_csv([ROW]).startswith(codecs.BOM_UTF8)


def test_csv_of_no_bookings_is_just_the_header():
    data = bookings_csv([])
    assert data == codecs.BOM_UTF8 + ",".join(COLUMNS).encode() + b"\r\n"
    assert read_csv(data) == [list(COLUMNS)]


def test_csv_round_trips_arabic_names():
    rows = read_csv(bookings_csv([ROW]))
    assert rows[0] == list(COLUMNS)
    assert rows[1][COLUMNS.index("Nom / الاسم")] == "فاطمة الزهراء بنعلي"
    assert rows[1][COLUMNS.index("Sujet / الموضوع")] == ROW.topic


def test_csv_lines_end_with_crlf():
    data = bookings_csv([ROW, ROW])
    assert data.count(b"\r\n") == 3
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_csv_quotes_commas_quotes_and_newlines():
    tricky = replace(ROW, name='Ben Ali, "Fatima"', topic="ligne 1\nligne 2")
    data = bookings_csv([tricky])
    assert b'"Ben Ali, ""Fatima"""' in data
    assert b'"ligne 1\nligne 2"' in data
    assert read_csv(data)[1] == [neutralize(value) for value in astuple(tricky)]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_neutralizes_formula_cells(formula):
    row = replace(ROW, name=formula, country=formula)
    cells = read_csv(bookings_csv([row]))[1]
    assert cells[COLUMNS.index("Nom / الاسم")] == "'" + formula
    assert cells[COLUMNS.index("Pays de résidence / بلد الإقامة")] == "'" + formula
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_csv_phone_is_neutralized_so_it_is_not_read_as_a_number():
    assert read_csv(bookings_csv([ROW]))[1][COLUMNS.index("Téléphone / الهاتف")] == (
        "'+212612345678"
    )


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_has_one_bookings_sheet_with_a_bold_frozen_header():
    workbook = load_workbook(io.BytesIO(bookings_xlsx([ROW])))
    assert workbook.sheetnames == ["Bookings"]
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A2"


def test_xlsx_of_no_bookings_is_just_the_header():
    sheet = read_xlsx(bookings_xlsx([]))
    assert sheet.max_row == 1
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)


def test_xlsx_keeps_arabic_and_every_value_in_order():
    sheet = read_xlsx(bookings_xlsx([ROW]))
    values = [cell.value or "" for cell in sheet[2]]
    assert values == [neutralize(value) for value in astuple(ROW)]
    assert values[COLUMNS.index("Nom / الاسم")] == "فاطمة الزهراء بنعلي"


def test_xlsx_stores_every_cell_as_text():
    sheet = read_xlsx(bookings_xlsx([replace(ROW, code="000123", day="42")]))
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.number_format == "@", cell.coordinate
            if cell.value is not None:
                assert cell.data_type == "s", cell.coordinate
    assert sheet["A2"].value == "000123"
    assert sheet["C2"].value == "42"
    assert sheet["J2"].value is None  # not checked in: an empty cell, not a blank string


def test_xlsx_phone_stays_text():
    cell = read_xlsx(bookings_xlsx([ROW])).cell(
        row=2, column=COLUMNS.index("Téléphone / الهاتف") + 1
    )
    assert cell.data_type == "s"
    assert cell.value == "'+212612345678"


@pytest.mark.parametrize("formula", FORMULAS)
def test_xlsx_neutralizes_formula_cells(formula):
    sheet = read_xlsx(bookings_xlsx([replace(ROW, name=formula)]))
    cell = sheet.cell(row=2, column=COLUMNS.index("Nom / الاسم") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + formula.replace("\r", "\n")  # XML turns CR into LF


def test_xlsx_drops_control_characters_before_neutralizing():
    sheet = read_xlsx(bookings_xlsx([replace(ROW, name="\x01=1+1", topic="a\x00b")]))
    assert sheet.cell(row=2, column=COLUMNS.index("Nom / الاسم") + 1).value == "'=1+1"
    assert sheet.cell(row=2, column=COLUMNS.index("Sujet / الموضوع") + 1).value == "ab"


def test_xlsx_fits_column_widths_to_the_longest_value():
    long_topic = "x" * 40
    sheet = read_xlsx(bookings_xlsx([replace(ROW, topic=long_topic, status="ok")]))
    topic_width = sheet.column_dimensions["H"].width
    assert topic_width >= len(long_topic)
    assert sheet.column_dimensions["I"].width >= len(COLUMNS[8])
    assert sheet.column_dimensions["I"].width < topic_width
    huge = read_xlsx(bookings_xlsx([replace(ROW, topic="y" * 500)]))
    assert huge.column_dimensions["H"].width <= 60

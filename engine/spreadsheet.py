"""CSV files that people open in spreadsheets. Excel, LibreOffice and Google Sheets run a cell that starts
with = + - @ (or a tab or carriage return before one) as a formula, so a job title such as
'=HYPERLINK("http://evil.example","Apply")' would act in whoever opens the export. Every CSV the engine
writes goes through ``write_csv``: such text cells get a leading single quote, the spreadsheets' own mark
for "this is text" (OWASP, CSV injection). ``import_cell`` takes the mark off when we read our own files
back, so a description that starts with "- " survives the round trip."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_cell(value):
    """The value as a spreadsheet should see it: text that would start a formula is quoted; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def import_cell(text: str) -> str:
    """Undo export_cell on a cell read from a file we wrote."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_csv(handle: TextIO, header: Iterable[str], rows: Iterable[Iterable]) -> int:
    """Write the header and rows, every cell through export_cell; returns the number of rows."""
    writer = csv.writer(handle)
    writer.writerow([export_cell(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([export_cell(value) for value in row])
        count += 1
    return count

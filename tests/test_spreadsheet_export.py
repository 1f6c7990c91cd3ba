"""Exported CSV cells never start a spreadsheet formula, and our own export still reads back unchanged."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from engine import jobs as jobs_core
from engine import store
from engine.datasets.importers import OWN_COLUMNS, export_csv, import_csv
from engine.spreadsheet import export_cell, import_cell

ENGINE = Path(__file__).resolve().parent.parent / "engine"
HOSTILE = ['=HYPERLINK("http://evil.example","Apply")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def test_formula_cells_are_quoted_and_come_back_unchanged():
    for text in HOSTILE:
        assert export_cell(text) == "'" + text and import_cell(export_cell(text)) == text
    for plain in ("Data Engineer", "'quoted already", "", "50 000", "a=b"):
        assert export_cell(plain) == plain and import_cell(plain) == plain
    assert export_cell(-5) == -5 and export_cell(None) is None   # numbers are numbers, not formulas


def test_job_export_writes_no_formula_and_reads_back_the_same(db, tmp_path):
    for i, text in enumerate(HOSTILE):
        jobs_core.add_job(db, {"title": f"{text} {i}", "description": f"- build pipelines\n{text}",
                               "company": "@Acme", "location": "Berlin", "category": "Engineering",
                               "requirements": text, "salary_min": 50000, "salary_max": 70000})
    out = tmp_path / "jobs.csv"
    assert export_csv(db, out) == len(HOSTILE)
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(OWN_COLUMNS)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    salary = OWN_COLUMNS.index("salary_min")
    assert {row[salary] for row in rows[1:]} == {"50000"}
    def texts(conn):   # the importer trims blanks around values (a leading tab too); the rest must match
        return [[" ".join(r[k].split()) for k in ("title", "description", "company", "requirements")]
                for r in conn.query("SELECT * FROM jobs ORDER BY id")]

    exported = texts(db)
    # read back into an empty jobs table (the test's PostgreSQL database is the only one it has)
    with store.transaction(db):
        db.execute("DELETE FROM jobs")
    assert import_csv(db, out).taken == len(HOSTILE)
    assert texts(db) == exported


def test_every_csv_the_engine_writes_goes_through_the_one_helper():
    writers = re.compile(r"csv\.writer|DictWriter|\.to_csv\(")
    found = [p.relative_to(ENGINE).as_posix() for p in ENGINE.rglob("*.py") if writers.search(p.read_text("utf-8"))]
    assert found == ["spreadsheet.py"]

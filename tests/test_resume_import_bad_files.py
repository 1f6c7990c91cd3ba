"""Hostile and broken files: each is refused with a reason a candidate understands, and nothing is saved."""
import io
import json
import zipfile

import pytest
from fpdf import FPDF

from engine.authz import AccessDenied
from engine.resume import repository as repo
from engine.resume.importing import ImportRejected, read_resume
from engine.resume.importing.review import read_for_review, save_import
from engine.resume.importing.safety import MAX_IMPORT_BYTES
from engine.resume.model import ResumeInvalid
from engine.resume.render import render_pdf
from engine.resume.samples import sample_resume
from engine.store import one
from resume_helpers import add_user


def refused(data: bytes, name: str = "cv") -> str:
    with pytest.raises(ImportRejected) as info:
        read_resume(data, name)
    return str(info.value)


def test_scanned_pdf_without_text_layer_says_so():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    for i in range(30):   # a page of "scanned" lines: shapes, no text
        pdf.rect(20, 20 + i * 8, 170, 3, style="F")
    assert "no text layer" in refused(bytes(pdf.output()), "scan.pdf")


def test_encrypted_pdf_is_refused_as_password_protected():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(render_pdf(sample_resume(), "classic"))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert "password-protected" in refused(out.getvalue(), "locked.pdf")


@pytest.mark.parametrize("data, expected", [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "could not be read"),
    (render_pdf(sample_resume(), "modern")[:4000], "could not be read"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "is not a PDF, Word document"),
    (b"Jose Muller, Python developer", "is not a PDF, Word document"),
    (b"", "is empty"),
    (b"%PDF-" + b"0" * MAX_IMPORT_BYTES, "the limit is 5 MB"),
])
def test_corrupt_wrong_type_empty_and_oversize_files(data, expected):
    assert expected in refused(data, "x")


def bomb_zip(with_document: bool) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if with_document:
            z.writestr("word/document.xml", "<w:document/>")
        else:
            z.writestr("Profile.csv", "First Name,Last Name\nA,B\n")
        z.writestr("word/media/huge.bin" if with_document else "Positions.csv", b"\0" * (60 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize("with_document", [True, False], ids=["docx", "linkedin-zip"])
def test_zip_bombs_are_not_unpacked(with_document):
    data = bomb_zip(with_document)
    assert len(data) < MAX_IMPORT_BYTES
    assert "zip bomb" in refused(data, "bomb")


def test_zip_that_is_neither_word_nor_linkedin_and_a_damaged_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8")
    assert "not a LinkedIn data export" in refused(buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<not xml")
    assert "could not be read" in refused(buf.getvalue(), "broken.docx") or "damaged" in refused(buf.getvalue())


@pytest.mark.parametrize("doc, field, words", [
    ({"basics": {"name": 5}}, "basics.name", "is not of type 'string'"),
    ({"work": [{"name": "Acme", "startDate": "2019/01"}]}, "work[0].startDate", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ({"basics": {"email": "not-an-email"}}, "basics.email", "is not a 'email'"),
    ({"education": {"institution": "MIT"}}, "education", "is not of type 'array'"),
    ({"hobbies": ["chess"]}, "(the document)", "unknown top-level section"),
])
def test_json_resume_failing_the_schema_names_the_field(doc, field, words):
    with pytest.raises(ImportRejected) as info:
        read_resume(json.dumps(doc).encode(), "cv.json")
    assert info.value.field == field
    assert field in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("data, words", [(b"{ not json", "is not valid JSON"), (b"[1, 2]", "not a JSON Resume"),
                                         (b"{\"basics\": \"\xff\"}", "not UTF-8")])
def test_broken_json(data, words):
    assert words in refused(data, "cv.json")


def test_only_candidates_read_files_for_their_builder(db):
    recruiter = add_user(db, "Rita", "rita@acme.test", role="recruiter")
    with pytest.raises(AccessDenied):
        read_for_review(recruiter, render_pdf(sample_resume(), "modern"), "cv.pdf")


def test_an_import_that_fails_validation_saves_nothing_and_leaves_the_profile(db):
    me = add_user(db, location="Berlin", headline="Student")
    read = read_resume(render_pdf(sample_resume(), "modern")).resume
    read.personal.email = "not an email"
    with pytest.raises(ResumeInvalid):
        save_import(db, me, read, update_profile=True)
    assert repo.list_resumes(db, me) == []
    assert one(db, "SELECT headline FROM users WHERE id = ?", [me.user_id])["headline"] == "Student"

"""Reading existing resumes: the builder's own PDFs and DOCX exports, JSON Resume (schema v1.0.0, round trip),
a LinkedIn export, and a table-based Word document."""
import csv
import io
import json
import zipfile

import pytest

from engine.resume.docx_export import render_docx
from engine.resume.importing import read_resume
from engine.resume.json_resume import check, export_json, from_json_resume, to_json_resume
from engine.resume.model import Education, Experience, Personal, Resume
from engine.resume.render import render_pdf
from engine.resume.samples import long_resume, sample_resume

TEMPLATES = ("classic", "modern", "compact")


def essentials(r: Resume) -> dict:
    return {"name": r.personal.name, "email": r.personal.email, "phone": r.personal.phone,
            "location": r.personal.location, "skills": r.skills,
            "work": [(e.title, e.company, e.start, e.end) for e in r.experience],
            "schools": [(e.school, e.degree, e.field, e.start, e.end) for e in r.education]}


@pytest.mark.parametrize("template", TEMPLATES)
def test_builder_pdf_is_read_back_field_by_field(template):
    original = sample_resume()
    result = read_resume(render_pdf(original, template), "cv.pdf")
    assert result.format == "pdf" and result.notes == []
    assert essentials(result.resume) == essentials(original)
    assert result.resume.experience[0].bullets == original.experience[0].bullets


@pytest.mark.parametrize("template", TEMPLATES)
def test_two_page_pdf_keeps_every_entry_and_drops_page_footers(template):
    original = long_resume(jobs=6, bullets=4)
    read = read_resume(render_pdf(original, template)).resume
    assert [(e.title, e.company, e.start, e.end) for e in read.experience] == \
           [(e.title, e.company, e.start, e.end) for e in original.experience]
    assert not any("page" in lang.name for lang in read.languages)


@pytest.mark.parametrize("template", TEMPLATES)
def test_docx_export_uses_word_headings_and_reads_back(template):
    import docx

    original = sample_resume()
    data = render_docx(original, template)
    doc = docx.Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [h.lower() for h in headings][:2] in (["profile", "experience"], ["profile", "education"])
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == "José Müller"
    result = read_resume(data, "cv.docx")
    assert result.format == "docx"
    assert essentials(result.resume) == essentials(original)


def test_docx_designs_differ_in_type():
    import docx

    fonts = {t: docx.Document(io.BytesIO(render_docx(sample_resume(), t))).styles["Normal"].font.name for t in TEMPLATES}
    assert len(set(fonts.values())) == 3


@pytest.mark.parametrize("resume", [sample_resume(), long_resume(3, 2), Resume(personal=Personal(name="A B", email="a@b.co"))])
def test_json_resume_round_trip_gives_back_the_same_resume(resume):
    exported = json.loads(export_json(resume))
    check(exported)   # valid against the shipped v1.0.0 schema
    assert exported["basics"]["name"] == resume.personal.name
    assert read_resume(export_json(resume), "cv.json").resume == resume


def test_current_job_round_trips_as_a_missing_end_date():
    r = Resume(personal=Personal(name="A B", email="a@b.co"),
               experience=[Experience(title="Analyst", company="Acme", start="2022-01", current=True)])
    doc = to_json_resume(r)
    assert "endDate" not in doc["work"][0]
    assert from_json_resume(doc) == r


def test_json_resume_skills_go_through_canonical_names():
    doc = {"basics": {"name": "A B"}, "skills": [{"name": "Web", "keywords": ["js", "k8s"]}, {"name": "Python"}]}
    assert read_resume(json.dumps(doc).encode()).resume.skills == ["JavaScript", "Kubernetes", "Python"]


def _csv(rows: list[dict], preamble: str = "") -> bytes:
    out = io.StringIO()
    out.write(preamble)
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode()


def linkedin_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Basic_LinkedInDataExport/Profile.csv", _csv([{
            "First Name": "Amara", "Last Name": "Okafor", "Headline": "Data Engineer", "Summary": "I build pipelines.",
            "Geo Location": "Lagos, Nigeria", "Websites": "[PORTFOLIO:amara.dev]"}]))
        z.writestr("Basic_LinkedInDataExport/Positions.csv", _csv([
            {"Company Name": "Paystack", "Title": "Data Engineer", "Description": "Built Spark jobs", "Location": "Lagos",
             "Started On": "Mar 2021", "Finished On": ""},
            {"Company Name": "Andela", "Title": "Junior Analyst", "Description": "", "Location": "",
             "Started On": "Jan 2019", "Finished On": "Feb 2021"}]))
        z.writestr("Basic_LinkedInDataExport/Education.csv", _csv([
            {"School Name": "University of Lagos", "Start Date": "2014", "End Date": "2018", "Notes": "",
             "Degree Name": "BSc, Computer Science", "Activities": ""}]))
        z.writestr("Basic_LinkedInDataExport/Skills.csv", _csv([{"Name": "k8s"}, {"Name": "Python"}]))
        z.writestr("Basic_LinkedInDataExport/Email Addresses.csv", _csv([
            {"Email Address": "old@example.com", "Confirmed": "Yes", "Primary": "No", "Updated On": ""},
            {"Email Address": "amara@example.com", "Confirmed": "Yes", "Primary": "Yes", "Updated On": ""}],
            preamble=""))
        z.writestr("Basic_LinkedInDataExport/PhoneNumbers.csv", _csv([{"Extension": "", "Number": "+234 801 555 0101", "Type": "Mobile"}]))
    return buf.getvalue()


def test_linkedin_export_is_read_from_its_csv_files():
    result = read_resume(linkedin_zip(), "Basic_LinkedInDataExport.zip")
    r = result.resume
    assert result.format == "linkedin"
    assert (r.personal.name, r.personal.email, r.personal.phone, r.personal.location, r.personal.headline) == \
           ("Amara Okafor", "amara@example.com", "+234 801 555 0101", "Lagos, Nigeria", "Data Engineer")
    assert [(e.title, e.company, e.start, e.end, e.current) for e in r.experience] == [
        ("Data Engineer", "Paystack", "2021-03", "", True), ("Junior Analyst", "Andela", "2019-01", "2021-02", False)]
    assert r.education == [Education(school="University of Lagos", degree="BSc", field="Computer Science",
                                     start="2014", end="2018")]
    assert r.skills == ["Kubernetes", "Python"]


def test_table_based_word_resume_is_read_in_row_order():
    import docx

    doc = docx.Document()
    doc.add_paragraph("Mina Park", style="Title")
    doc.add_paragraph("mina.park@example.org  |  (415) 555-0199  |  Oakland, CA")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "Work History"
    table.cell(0, 1).text = "Senior Product Designer, Figma Inc\t06/2020 to Present"
    table.cell(1, 0).text = "Academic Background"
    table.cell(1, 1).text = "Rhode Island School of Design\nBFA in Graphic Design\t2012 - 2016"
    table.cell(2, 0).text = "Toolbox"
    table.cell(2, 1).text = "Figma; Sketch; Adobe Illustrator"
    buf = io.BytesIO()
    doc.save(buf)
    r = read_resume(buf.getvalue(), "mina.docx").resume
    assert (r.personal.name, r.personal.email, r.personal.phone, r.personal.location) == \
           ("Mina Park", "mina.park@example.org", "(415) 555-0199", "Oakland, CA")
    assert [(e.title, e.company, e.start, e.current) for e in r.experience] == \
           [("Senior Product Designer", "Figma Inc", "2020-06", True)]
    assert [(e.school, e.degree, e.field, e.end) for e in r.education] == \
           [("Rhode Island School of Design", "BFA", "Graphic Design", "2016")]
    assert "Figma" in r.skills and "Sketch" in r.skills


def test_a_long_email_in_the_modern_sidebar_is_not_broken_across_lines():
    r = sample_resume()
    r.personal.email = "alexandra.featherstonehaugh13@hotmail.com"
    r.personal.location = "Lake Christopherborough, Netherlands"
    read = read_resume(render_pdf(r, "modern")).resume
    assert (read.personal.email, read.personal.location) == (r.personal.email, r.personal.location)


def test_an_email_line_followed_by_a_dotted_phone_line_stays_apart():
    import docx

    doc = docx.Document()
    doc.add_paragraph("Eric Huerta", style="Title")
    for line in ("eric.huerta82@gmail.com", "611.111.0376", "West Zoe, NE"):
        doc.add_paragraph(line)
    doc.add_heading("Skills", level=1)
    doc.add_paragraph("Python, SQL")
    buf = io.BytesIO()
    doc.save(buf)
    p = read_resume(buf.getvalue()).resume.personal
    assert (p.email, p.phone, p.location) == ("eric.huerta82@gmail.com", "611.111.0376", "West Zoe, NE")

"""A LinkedIn data export (the zip from Settings -> Data privacy -> Get a copy of your data) -> the
builder's document, from its Profile, Positions, Education, Skills, Email Addresses, PhoneNumbers and
Languages CSV files (found by name anywhere in the zip)."""
from __future__ import annotations

import csv
import io

from engine.datasets.skills import normalise_skill
from engine.resume.importing.safety import ImportRejected, open_zip
from engine.resume.importing.vocabulary import normalise_date
from engine.resume.model import Education, Experience, Language, Personal, Resume

MARKERS = ("profile.csv", "positions.csv")


def is_linkedin(members: dict[str, bytes]) -> bool:
    names = {name.rsplit("/", 1)[-1].lower() for name in members}
    return any(m in names for m in MARKERS)


def _table(members: dict[str, bytes], filename: str, first_column: str) -> list[dict]:
    """Rows of one CSV; LinkedIn puts a few lines of notes above the header of some files."""
    for name, content in members.items():
        if name.rsplit("/", 1)[-1].lower() == filename.lower():
            text = content.decode("utf-8-sig", errors="replace")
            lines = text.splitlines()
            start = next((i for i, ln in enumerate(lines) if ln.lstrip('"').startswith(first_column)), None)
            if start is None:
                return []
            return [{k.strip(): (v or "").strip() for k, v in row.items() if k}
                    for row in csv.DictReader(io.StringIO("\n".join(lines[start:])))]
    return []


def read_linkedin(data: bytes, label: str = "The file", members: dict[str, bytes] | None = None) -> Resume:
    members = members if members is not None else open_zip(data, label)
    if not is_linkedin(members):
        raise ImportRejected(f"{label} is a zip file but not a LinkedIn data export (no Profile.csv or Positions.csv).")
    profile = (_table(members, "Profile.csv", "First Name") or [{}])[0]
    emails = _table(members, "Email Addresses.csv", "Email Address")
    primary = next((e for e in emails if e.get("Primary", "").lower() == "yes"), emails[0] if emails else {})
    phones = _table(members, "PhoneNumbers.csv", "Extension") or _table(members, "PhoneNumbers.csv", "Number")
    name = " ".join(x for x in (profile.get("First Name", ""), profile.get("Last Name", "")) if x)
    personal = Personal(name=name, email=primary.get("Email Address", ""),
                        phone=(phones[0].get("Number", "") if phones else ""),
                        location=profile.get("Geo Location", "") or profile.get("Location", ""),
                        headline=profile.get("Headline", ""))
    experience = []
    for row in _table(members, "Positions.csv", "Company Name"):
        end = normalise_date(row.get("Finished On", ""))
        experience.append(Experience(
            title=row.get("Title", ""), company=row.get("Company Name", ""), location=row.get("Location", ""),
            start=normalise_date(row.get("Started On", "")), end=end, current=not end,
            bullets=[b.strip(" -•") for b in row.get("Description", "").splitlines() if b.strip(" -•")]))
    education = []
    for row in _table(members, "Education.csv", "School Name"):
        degree, _, field = row.get("Degree Name", "").partition(",")
        education.append(Education(school=row.get("School Name", ""), degree=degree.strip(), field=field.strip(),
                                   start=normalise_date(row.get("Start Date", "")),
                                   end=normalise_date(row.get("End Date", "")), details=row.get("Notes", "")))
    skills = list(dict.fromkeys(normalise_skill(r.get("Name", "")) for r in _table(members, "Skills.csv", "Name")
                                if r.get("Name")))
    languages = [Language(r.get("Name", ""), r.get("Proficiency", "")) for r in _table(members, "Languages.csv", "Name")
                 if r.get("Name")]
    websites = [w.strip("[] ").split(":", 1)[-1] for w in profile.get("Websites", "").split(",") if w.strip("[] ")]
    return Resume(personal=personal, summary=profile.get("Summary", ""), experience=experience, education=education,
                  skills=skills, languages=languages, links=websites)

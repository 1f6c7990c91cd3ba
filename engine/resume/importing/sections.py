"""Lines of a resume (from a PDF or DOCX) -> the builder's document, the way an applicant-tracking system
reads one: find the section headings (by their words, size and weight), then read contact details from the
top, entries (title, employer, dates, bullets) from Experience and Education, and skills through the
engine's skill names.

Nothing here knows a particular layout: headings are recognised from a vocabulary of heading words in
several phrasings, or from being set larger or bold in capitals; entries are anchored on their date ranges.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from engine.datasets.skills import extract_skills, known_skills, normalise_skill
from engine.resume.importing.entries import group_entries, read_education, read_experience, split_pieces
from engine.resume.importing.lines import Line
from engine.resume.importing.vocabulary import (BULLET, DATE_RANGE, EMAIL, FOOTER, HEADING_OF, LABEL, PHONE,
                                                SEPARATORS, URL, looks_like_place)
from engine.resume.model import Certification, Language, Personal, Project, Resume



def heading_section(line: Line, body: float, looks: set | None = None) -> str | None:
    """The section a line opens, or None when it is not a heading. A heading word opens its section; a
    short line set like a heading opens an "other" section (interests, awards) only when it looks like the
    document's known headings (``looks``), so an entry title set in Heading 2 stays inside its section."""
    text = line.text.strip().rstrip(":").strip()
    if len(text) > 40 or not text:
        return None
    key = re.sub(r"\s+", " ", text.lower())
    for spelling in (key, key.replace("&", "and")):
        if spelling in HEADING_OF:
            return HEADING_OF[spelling]
    styled = line.style.lower().startswith("heading") or line.size >= body * 1.25 or (line.bold and text.isupper())
    if looks is not None:
        styled = _look(line) in looks
    if styled and len(text.split()) <= 4 and not re.search(r"\d|@", text) and text[:1].isalpha():
        return "other"
    return None


def _look(line: Line) -> tuple:
    return (line.style.lower(), round(line.size), line.bold, line.text.isupper())


def body_size(lines: list[Line]) -> float:
    sizes = Counter()
    for ln in lines:
        sizes[round(ln.size * 2) / 2] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _prepare(lines: list[Line], body: float) -> list[Line]:
    """Drop page footers; split a line that starts with a heading set in a gutter beside its text
    ("EXPERIENCE    Data Analyst    2021 – 2023") into the heading and the rest."""
    out = []
    for ln in lines:
        if not ln.text or FOOTER.search(ln.text):
            continue
        if len(ln.parts) > 1:
            head = Line(ln.parts[0], ln.size, ln.bold, ln.x0, ln.page)
            section = heading_section(head, body)
            if section and section != "other":
                out.append(head)
                out.append(Line(" ".join(ln.parts[1:]), ln.size, ln.bold, ln.x0 + 40, ln.page, parts=ln.parts[1:],
                                style=ln.style))
                continue
        out.append(ln)
    return out


def read_lines(lines: list[Line]) -> Resume:
    """The resume these lines describe."""
    lines = [ln for ln in lines if ln.text]
    if not lines:
        return Resume()
    body = body_size(lines)
    lines = _prepare(lines, body)
    name = _name_line(lines, body)
    known = [ln for ln in lines if heading_section(ln, body) not in (None, "other")]
    body_look = Counter(_look(ln) for ln in lines).most_common(1)[0][0]
    looks = ({_look(ln) for ln in known} - {body_look}) if known else None   # never the body text's look
    # where headings stand out, a heading word set like body text is text ("... with Knife" / "Skills")
    plain_is_text = any(_look(ln) != body_look for ln in known)
    top: list[Line] = []
    sections: dict[str, list[Line]] = {}
    current = None
    for ln in lines:
        if ln is name:   # the name opens the contact block, wherever a layout puts it
            current = None
            top.append(ln)
            continue
        section = heading_section(ln, body, looks)
        if section and plain_is_text and _look(ln) == body_look:
            section = None
        if section:
            current = section
            sections.setdefault(section, [])
            continue
        (top if current is None else sections[current]).append(ln)
    r = Resume()
    r.personal = _personal(top, sections.get("contact", []), name)
    r.summary = " ".join(ln.text for ln in sections.get("summary", []))
    r.experience = [read_experience(e) for e in group_entries(sections.get("experience", []))]
    r.education = [read_education(e) for e in group_entries(sections.get("education", []))]
    r.skills = _skills(sections.get("skills", []))
    r.projects = _projects(sections.get("projects", []))
    r.certifications = [Certification(name=BULLET.sub("", ln.text)) for ln in sections.get("certifications", [])]
    r.languages = _languages(sections.get("languages", []))
    contact_text = " ".join(ln.text for ln in top + sections.get("contact", []) + sections.get("links", []))
    contact_text = EMAIL.sub(" ", contact_text)
    r.links = list(dict.fromkeys(URL.findall(contact_text)))
    r.experience = [e for e in r.experience if e.title or e.company]
    r.education = [e for e in r.education if e.school or e.degree]
    return r


# --- contact ----------------------------------------------------------------------------------------
def _name_text(ln: Line) -> str:
    return ln.parts[0].strip() if ln.parts else ln.text


def _is_name(text: str) -> bool:
    return 1 <= len(text.split()) <= 5 and not re.search(r"[\d@/|:]", text) and text.lower() not in HEADING_OF


def _name_line(lines: list[Line], body: float) -> Line | None:
    """The largest text on the first page that reads like a name (no digits, @, or heading word)."""
    first = [ln for ln in lines[:40] if ln.page == 1]
    for ln in sorted(first, key=lambda x: -x.size):
        if ln.size < body * 1.15 and ln.style.lower() != "title":
            break
        if _is_name(_name_text(ln)):
            return ln
    for ln in first[:3]:   # same size as the body: the first short line without digits
        if 2 <= len(_name_text(ln).split()) <= 4 and _is_name(_name_text(ln)) and "," not in _name_text(ln):
            return ln
    return None


def _segments(text: str) -> list[str]:
    return [LABEL.sub("", s).strip(" ,;") for s in SEPARATORS.split(text) if s.strip(" ,;")]


def _personal(top: list[Line], contact: list[Line], name: Line | None) -> Personal:
    p = Personal()
    p.name = _name_text(name) if name else ""
    area = top + contact
    emails = EMAIL.findall(" \n ".join(" | ".join(ln.parts) for ln in area))
    p.email = emails[0] if emails else ""
    for ln, nxt in zip(area, area[1:]):   # an address broken at the column edge
        whole = EMAIL.search(ln.text)
        broken_tld = bool(whole) and whole.end() == len(ln.text) and re.fullmatch(r"[a-z]{1,4}", nxt.text)  # "ann@mail.co" + "m"
        broken_domain = not whole and re.search(r"\S+@[\w-]+$", ln.text) and re.fullmatch(r"\.[a-z][a-z.]{1,20}", nxt.text)
        if broken_tld or broken_domain:
            p.email = EMAIL.search(ln.text.split()[-1] + nxt.text).group(0)
            break
    for ln in area:
        parts = ln.parts[1:] if ln is name else ln.parts
        for seg in _segments(" | ".join(parts)):
            if EMAIL.search(seg) or URL.fullmatch(seg):
                continue
            m = PHONE.search(seg)
            if m and not p.phone and len(re.sub(r"\D", "", m.group(0))) >= 7 and not DATE_RANGE.search(seg):
                p.phone = m.group(0).strip()
                continue
            if not p.location and looks_like_place(seg):
                p.location = seg
    if name in top:
        for ln in top[top.index(name) + 1:top.index(name) + 2]:
            first = _name_text(ln)
            if not (EMAIL.search(first) or PHONE.search(first) or looks_like_place(first) or URL.fullmatch(first)):
                p.headline = first
    return p


# --- lists ------------------------------------------------------------------------------------------
def _skills(lines: list[Line]) -> list[str]:
    """Skill names through the engine's canonical spellings ("k8s" -> "Kubernetes"); a phrase that names
    known skills inside longer words ("Python for data pipelines") yields those skills."""
    listed = re.compile(r"[,;|·•▪]")
    texts: list[str] = []
    for ln in lines:
        text = BULLET.sub("", ln.text)
        labelled = re.match(r"^[^:,;|]{1,30}:\s*", text)
        text = text[labelled.end():] if labelled else text   # "Languages: Python, SQL" -> the list
        if texts and not labelled and listed.search(texts[-1]) and listed.search(text + texts[-1]):
            # a list paragraph wrapped onto the next line; a separator at the break keeps the items apart
            texts[-1] += (" , " if listed.match(ln.text) else " ") + text
        else:
            texts.append(text)
    out: list[str] = []
    for text in texts:
        for item in re.split(r"\s*[,;|·•▪]\s*|\s{2,}|\s+-\s+|\s+/\s+", text):
            item = BULLET.sub("", item).strip().rstrip(".")
            if not item:
                continue
            if len(item.split()) > 4:
                out.extend(extract_skills(item))
            else:
                out.append(_known_skills().get(item.casefold()) or normalise_skill(item))
    return list(dict.fromkeys(s for s in out if s))


@lru_cache(maxsize=1)
def _known_skills() -> dict[str, str]:
    """Canonical names by their exact spelling, so ".NET" stays itself (normalise_skill trims dots)."""
    return {s.casefold(): s for s in known_skills()}


def _projects(lines: list[Line]) -> list[Project]:
    projects = []
    for header, bullets in group_entries(lines):
        if not header:
            continue
        name = (split_pieces(header[0].text) or [header[0].text])[0]
        rest = [ln.text for ln in header[1:]]
        projects.append(Project(name=name, description=" ".join(rest), bullets=bullets))
    return projects


def _languages(lines: list[Line]) -> list[Language]:
    out = []
    for ln in lines:
        for item in re.split(r"\s*[,;·•|]\s*", BULLET.sub("", ln.text)):
            parts = re.split(r"\s*[–—:(-]\s*", item.strip(" )"), maxsplit=1)
            name, level = parts[0], (parts[1] if len(parts) > 1 else "")
            if name:
                out.append(Language(name=name, level=level))
    return out

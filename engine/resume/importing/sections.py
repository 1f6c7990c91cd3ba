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
from engine.resume.importing.lines import Line
from engine.resume.model import Certification, Education, Experience, Language, Personal, Project, Resume

HEADINGS = {
    "summary": ("summary", "profile", "professional summary", "career summary", "about me", "about", "objective",
                "career objective", "personal statement", "overview", "professional profile", "introduction"),
    "experience": ("experience", "work experience", "professional experience", "employment", "employment history",
                   "work history", "career history", "professional background", "relevant experience",
                   "positions held", "career", "work", "experience history", "professional history"),
    "education": ("education", "academic background", "qualifications", "education and training",
                  "education & training", "academics", "studies", "academic history", "training and education",
                  "academic qualifications", "educational background"),
    "skills": ("skills", "technical skills", "core skills", "key skills", "competencies", "core competencies",
               "expertise", "technologies", "skills and tools", "skills & tools", "areas of expertise", "toolbox",
               "skill set", "skillset", "tools", "tech stack", "abilities", "strengths"),
    "projects": ("projects", "selected projects", "personal projects", "key projects", "project experience",
                 "side projects"),
    "certifications": ("certifications", "certificates", "licenses", "licenses and certifications",
                       "licenses & certifications", "certification", "courses"),
    "languages": ("languages", "language skills", "spoken languages"),
    "links": ("links", "online", "profiles", "online profiles", "web", "social"),
    "contact": ("contact", "contact details", "contact information", "personal details", "personal information",
                "details", "get in touch"),
    "other": ("interests", "hobbies", "awards", "honors", "honours", "volunteering", "volunteer experience",
              "references", "publications", "activities", "achievements", "memberships"),
}
_HEADING_OF = {words: section for section, names in HEADINGS.items() for words in names}

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DATE = rf"(?:{_MONTH}\s*'?\d{{4}}|\d{{1,2}}[/.]\d{{4}}|(?:19|20)\d{{2}}[/.-]\d{{1,2}}(?![\d])|(?:19|20)\d{{2}})"
_NOW = r"(?:present|current|now|today|ongoing|to date)"
DATE_RANGE = re.compile(rf"(?<![\w/])({_DATE})\s*(?:–|—|-|to|until|till|→)\s*({_DATE}|{_NOW})(?![\w/])", re.I)
SINGLE_DATE = re.compile(rf"(?<![\w/.-])(?:(?:expected|graduated|since|from)\s+)?({_DATE})(?![\w/])", re.I)
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w])(\+?\(?\d[\d ().-]{6,}\d)(?:\s*(?:x|ext\.?)\s*\d+)?(?![\w])")
URL = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|me|de|uk|co|in|info)(?:/[\w./%#?=&-]*)?", re.I)
BULLET = re.compile(r"^[•▪◦●■□➢►‣∙·*–—-]\s*")
SEPARATORS = re.compile(r"\s+[·|•–—*/]\s+|\s+-\s+|\s{2,}|\t")
LABEL = re.compile(r"^(?:e-?mail|phone|tel|telephone|mobile|cell|location|address|based in|city|web|website|"
                   r"linkedin|github)\s*[:.]\s*", re.I)

TITLE_WORDS = {
    "engineer", "developer", "manager", "analyst", "intern", "designer", "consultant", "specialist", "director",
    "lead", "officer", "assistant", "coordinator", "scientist", "architect", "administrator", "nurse", "teacher",
    "accountant", "technician", "representative", "associate", "executive", "head", "president", "vp",
    "supervisor", "advisor", "adviser", "programmer", "editor", "writer", "planner", "buyer", "clerk", "agent",
    "auditor", "controller", "strategist", "researcher", "instructor", "tutor", "therapist", "pharmacist",
    "physician", "chef", "cook", "driver", "operator", "mechanic", "electrician", "recruiter", "trainee",
    "apprentice", "owner", "founder", "partner", "cto", "ceo", "cfo", "coo", "marketer", "salesperson",
    "receptionist", "paralegal", "attorney", "lawyer", "economist", "statistician", "bookkeeper", "cashier",
    "server", "bartender", "technologist", "hygienist", "inspector", "estimator", "carpenter", "plumber",
    "welder", "lecturer", "professor", "fellow", "volunteer", "generalist", "producer", "artist", "translator",
    "owner", "principal", "staff", "senior", "junior", "chief", "product", "support", "sales", "marketing",
}
COMPANY_WORDS = {
    "inc", "inc.", "llc", "ltd", "ltd.", "gmbh", "plc", "corp", "corp.", "corporation", "group", "company", "co.",
    "sons", "ag", "sa", "bv", "limited", "partners", "holdings", "technologies", "solutions", "labs", "studio",
    "consulting", "bank", "agency", "services", "systems", "foundation", "hospital", "clinic", "associates",
}
SCHOOL_WORDS = {"university", "college", "institute", "school", "academy", "polytechnic", "universität",
                "université", "universidad", "hochschule", "conservatory", "seminary", "lyceum", "gymnasium"}
_DEGREE_OF = (r"(?:Business Administration|Fine Arts|Public Health|Social Work|Applied Science|Public Administration|"
              r"Science|Arts|Engineering|Education|Laws|Music|Nursing|Technology|Commerce|Philosophy|Medicine|"
              r"Architecture|Pharmacy|Divinity)")
DEGREE = re.compile(
    r"\b(?:B\.?Sc|M\.?Sc|B\.?A|M\.?A|B\.?S|M\.?S|B\.?Eng|M\.?Eng|B\.?Com|M\.?Com|BBA|MBA|Ph\.?D|MPhil|LLB|LLM|"
    rf"MD|BFA|MFA|BEd|MEd|A\.?A|A\.?S|HND|GED|Bachelor(?:'s)?(?: of {_DEGREE_OF})?|"
    rf"Master(?:'s)?(?: of {_DEGREE_OF})?|Doctor(?:ate)?(?: of {_DEGREE_OF})?|"
    rf"Associate(?:'s)?(?: of {_DEGREE_OF}| Degree)?|Diploma|Certificate|High School Diploma)\b")
_COUNTRIES = {
    "usa", "us", "united states", "uk", "united kingdom", "england", "scotland", "wales", "ireland", "germany",
    "france", "spain", "italy", "portugal", "netherlands", "belgium", "switzerland", "austria", "sweden", "norway",
    "denmark", "finland", "poland", "czechia", "czech republic", "hungary", "greece", "turkey", "india", "china",
    "japan", "korea", "south korea", "singapore", "australia", "new zealand", "canada", "mexico", "brazil",
    "argentina", "chile", "colombia", "peru", "south africa", "nigeria", "kenya", "egypt", "morocco", "israel",
    "uae", "united arab emirates", "saudi arabia", "pakistan", "bangladesh", "indonesia", "philippines",
    "vietnam", "thailand", "malaysia", "ukraine", "romania", "bulgaria", "croatia", "serbia", "estonia", "latvia",
    "lithuania", "luxembourg", "iceland",
}
LOCATION = re.compile(r"^[A-ZÀ-Þ][\w'’. -]{1,40},\s*([A-Z]{2}|[A-Z][\w'’. -]{2,30})$")


def heading_section(line: Line, body: float, looks: set | None = None) -> str | None:
    """The section a line opens, or None when it is not a heading. A heading word opens its section; a
    short line set like a heading opens an "other" section (interests, awards) only when it looks like the
    document's known headings (``looks``), so an entry title set in Heading 2 stays inside its section."""
    text = line.text.strip().rstrip(":").strip()
    if len(text) > 40 or not text:
        return None
    key = re.sub(r"\s+", " ", text.lower())
    for spelling in (key, key.replace("&", "and")):
        if spelling in _HEADING_OF:
            return _HEADING_OF[spelling]
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


FOOTER = re.compile(r"\bpage\s+\d+\s*(?:/|of)\s*\d+\s*$", re.I)


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
    r.experience = [_experience(e) for e in _entries(sections.get("experience", []))]
    r.education = [_education(e) for e in _entries(sections.get("education", []))]
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
    return 1 <= len(text.split()) <= 5 and not re.search(r"[\d@/|:]", text) and text.lower() not in _HEADING_OF


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
    for ln, nxt in zip(area, area[1:]):   # an address broken at the column edge: "ann@mail.co" + "m"
        if p.email and ln.text.endswith(p.email) and re.fullmatch(r"[a-z]{1,4}", nxt.text):
            p.email += nxt.text
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
            if not p.location and _looks_like_place(seg):
                p.location = seg
    if name in top:
        for ln in top[top.index(name) + 1:top.index(name) + 2]:
            first = _name_text(ln)
            if not (EMAIL.search(first) or PHONE.search(first) or _looks_like_place(first) or URL.fullmatch(first)):
                p.headline = first
    return p


def _looks_like_place(seg: str) -> bool:
    seg = seg.strip()
    m = LOCATION.match(seg)
    if not m or re.search(r"\d|@", seg) or len(seg.split()) > 6:
        return False
    tail = m.group(1).strip().lower()
    return bool(re.fullmatch(r"[A-Z]{2}", m.group(1))) or tail in _COUNTRIES


# --- entries ----------------------------------------------------------------------------------------
def _is_bullet(ln: Line) -> bool:
    return bool(BULLET.match(ln.text)) or "bullet" in ln.style.lower() or "list" in ln.style.lower()


def _has_date(ln: Line) -> bool:
    if _is_bullet(ln) or len(ln.text) > 120:
        return False
    return bool(DATE_RANGE.search(ln.text) or (len(ln.text.split()) <= 12 and SINGLE_DATE.search(ln.text)))


def _wrapped(prev: Line, ln: Line) -> bool:
    """A bold header line that ran onto the next line (a long school or job title in a narrow column)."""
    return (prev.bold and ln.bold and abs(prev.size - ln.size) < 0.3 and abs(prev.x0 - ln.x0) < 2
            and prev.page == ln.page and len(prev.parts) == 1 and len(ln.parts) == 1 and not _has_date(prev)
            and not _has_date(ln) and not prev.text.endswith((".", ":", ",")) and len(ln.text.split()) <= 3)


def _entries(lines: list[Line]) -> list[tuple[list[Line], list[str]]]:
    """(header lines, bullets) per entry. Wrapped bullet lines (indented, no bullet sign) are joined to
    their bullet. Entries are anchored on their dates: the header of every entry has the same shape as the
    first one (k lines before its date line)."""
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    items: list[tuple[str, Line]] = []    # ("head" | "bullet", line)
    for ln in lines:
        if items and items[-1][0] == "head" and _wrapped(items[-1][1], ln):
            prev = items[-1][1]
            items[-1] = ("head", Line(prev.text + " " + ln.text, prev.size, prev.bold, prev.x0, prev.page, style=prev.style))
            continue
        if _is_bullet(ln):
            items.append(("bullet", ln))
        elif items and items[-1][0] == "bullet" and ln.x0 > left + 4 and not _has_date(ln):
            prev = items[-1][1]
            items[-1] = ("bullet", Line(prev.text + " " + ln.text, prev.size, prev.bold, prev.x0, prev.page, style=prev.style))
        else:
            items.append(("head", ln))
    dated = [i for i, (kind, ln) in enumerate(items) if kind == "head" and _has_date(ln)]
    starts: list[int] = []
    if dated:
        first_block = 0
        k = sum(1 for kind, _ in items[first_block:dated[0]] if kind == "head")
        k = min(k, 2)
        prev_end = 0
        for d in dated:
            s, back = d, 0
            while s > prev_end and back < k and items[s - 1][0] == "head" and not _has_date(items[s - 1][1]):
                s -= 1
                back += 1
            starts.append(s)
            prev_end = d + 1
        starts[0] = 0
    else:   # no dates at all: a run of header lines after bullets starts an entry
        for i, (kind, _) in enumerate(items):
            if kind == "head" and (i == 0 or items[i - 1][0] == "bullet"):
                starts.append(i)
    out = []
    for a, b in zip(starts, starts[1:] + [len(items)]):
        header: list[Line] = []
        bullets: list[str] = []
        for kind, ln in items[a:b]:
            if kind == "bullet":
                bullets.append(BULLET.sub("", ln.text))
            elif bullets:   # after the bullets: the tail of a wrapped bullet without a hanging indent
                bullets[-1] += " " + ln.text
            else:
                header.append(ln)
        out.append((header, bullets))
    return out


def normalise_date(text: str) -> str:
    """"Sep 2021", "09/2021", "2021-09" -> "2021-09"; "2021" -> "2021"; "Present" -> "Present"."""
    t = (text or "").strip().lower().rstrip(".")
    if re.fullmatch(_NOW, t):
        return "Present"
    m = re.fullmatch(r"((?:19|20)\d{2})(?:[/.-](\d{1,2}))?", t)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}" if m.group(2) else m.group(1)
    m = re.fullmatch(r"(\d{1,2})[/.]((?:19|20)\d{2})", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"([a-z]{3})[a-z]*\.?\s*'?((?:19|20)\d{2})", t)
    if m and m.group(1) in _MONTHS:
        return f"{m.group(2)}-{_MONTHS.index(m.group(1)) + 1:02d}"
    return text.strip()


def _dates(header: list[Line]) -> tuple[str, str, str]:
    """(start, end, header text without the dates)."""
    text = " | ".join(" | ".join(ln.parts) for ln in header)
    m = DATE_RANGE.search(text)
    if m:
        return normalise_date(m.group(1)), normalise_date(m.group(2)), text[:m.start()] + " | " + text[m.end():]
    for ln in header:
        if len(ln.text.split()) <= 12:
            m = SINGLE_DATE.search(ln.text)
            if m:
                return "", normalise_date(m.group(1)), text.replace(m.group(0), " | ", 1)
    return "", "", text


def _pieces(text: str) -> list[str]:
    out = []
    for seg in re.split(r"\s*\|\s*|\s+[·•–—]\s+|\s+-\s+|\s{2,}|\t|\s+@\s+|\s+at\s+", text):
        seg = seg.strip(" ,;:()")
        if seg and len(seg.split()) <= 10:
            out.append(seg)
    return out


def _words(seg: str) -> set[str]:
    return {w.lower().strip(".,()") for w in seg.split()}


def _split_place(pieces: list[str]) -> tuple[list[str], str]:
    """Pieces without the one that is a place ("Berlin", "Austin, TX")."""
    place = ""
    rest = []
    for p in pieces:
        if not place and _looks_like_place(p):
            place = p
            continue
        # "Acme Ltd, London": a company then a place after the last comma
        head, _, tail = p.rpartition(", ")
        if head and not place and (tail.lower() in _COUNTRIES or re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", tail)) \
                and _words(head) & COMPANY_WORDS:
            place = tail
            p = head
        rest.append(p)
    return rest, place


ROLE_NOUN = re.compile(r"(?:ist|ista|er|or|ian|ant|ent|eer|ive|ic)$")   # chemist, barista, housekeeper
HYPHENATED = re.compile(r"^[A-Z][a-z]+-[A-Z][a-z]+$")   # "Hayes-Metcalfe": a firm of two names


def _last(piece: str) -> str:
    words = piece.split()
    return words[-1].lower().strip(".,()") if words else ""


def _title_score(piece: str) -> int:
    """How much a piece reads like a job title: titles end in the role ("Systems Administrator"),
    employers in their legal form ("Pearson Ltd")."""
    words = _words(piece)
    last = _last(piece)
    score = 2 * (last in TITLE_WORDS) + bool(words & TITLE_WORDS) + bool(ROLE_NOUN.search(last))
    firm = 2 * ("," in piece) + bool(re.search(r" and | & ", piece)) + 2 * bool(HYPHENATED.match(piece))
    return score - firm - 2 * (_last(piece) in COMPANY_WORDS) - bool(re.search(r"\d", piece))


def _title_comma_company(pieces: list[str]) -> list[str]:
    """"Senior Designer, Figma Inc" -> the title and the employer (only when the words before the comma are
    a job title and those after it are not: "Smith, Jones and Brown" stays one employer)."""
    out = []
    for p in pieces:
        head, sep, tail = p.partition(", ")
        firm_tail = bool(re.search(r" and | & ", tail)) and "," not in tail and len(head.split()) < 2
        if sep and _title_score(head) > 0 and _title_score(tail) <= 0 and not _looks_like_place(p) \
                and not firm_tail:   # "Cook, Allen and Gentry" is a firm; "Chef, Fox, Fuller and Nash" is not
            out.extend([head, tail])
        else:
            out.append(p)
    return out


def _experience(entry: tuple[list[Line], list[str]]) -> Experience:
    header, bullets = entry
    start, end, rest = _dates(header)
    pieces, place = _split_place(_title_comma_company(_pieces(rest)))
    title = company = ""
    scored = sorted(((_title_score(p), i, p) for i, p in enumerate(pieces)), key=lambda t: (-t[0], t[1]))
    if scored and (scored[0][0] > 0 or (len(scored) > 1 and scored[0][0] > scored[1][0])):
        title = scored[0][2]
    companied = [p for p in pieces if _last(p) in COMPANY_WORDS or (_words(p) & COMPANY_WORDS and p != title)]
    if companied:
        company = next((p for p in companied if p != title), "")
    others = [p for p in pieces if p not in (title, company)]
    if not title and others:
        bold = [ln.text for ln in header if ln.bold]
        title = next((p for p in others if any(p in b for b in bold)), others[0])
        others.remove(title)
    if not company and others:
        company = others[0]
        others = others[1:]
    if not place and others and len(others[0].split()) <= 3 and not re.search(r"\d", others[0]):
        place = others[0]
    current = end == "Present"
    return Experience(title=title, company=company, location=place, start=start,
                      end="" if current else end, current=current, bullets=bullets)


def _education(entry: tuple[list[Line], list[str]]) -> Education:
    header, bullets = entry
    start, end, rest = _dates(header)
    pieces, _ = _split_place(_pieces(rest))
    school = next((p for p in pieces if _words(p) & SCHOOL_WORDS), "")
    degree = field_ = grade = ""
    for p in pieces:
        if p == school:
            continue
        m = DEGREE.search(p)
        if m and not degree:
            degree = m.group(0)
            tail = p[m.end():].strip(" ,")
            tail = re.sub(r"^(?:in|of)\s+", "", tail)
            field_ = tail
        elif re.search(r"\b(?:GPA|grade|honou?rs|cum laude|distinction|first class)\b", p, re.I) and not grade:
            grade = p
    if degree and not field_:
        after = [p for p in pieces if p not in (school, grade) and not DEGREE.search(p)]
        if after and len(after[0].split()) <= 5 and not _words(after[0]) & SCHOOL_WORDS:
            field_ = after[0]
    if not school:
        others = [p for p in pieces if not DEGREE.search(p) and p not in (field_, grade)]
        school = others[0] if others else ""
    details = " ".join(bullets)
    long_lines = [ln.text for ln in header if len(ln.text.split()) > 10]
    return Education(school=school, degree=degree, field=field_, start=start, end=end, grade=grade,
                     details=(details + " " + " ".join(long_lines)).strip())


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
    for header, bullets in _entries(lines):
        if not header:
            continue
        name = _pieces(header[0].text)[0] if _pieces(header[0].text) else header[0].text
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

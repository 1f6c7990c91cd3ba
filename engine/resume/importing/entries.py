"""Entries of Experience and Education: lines grouped into entries anchored on their dates, then each
header split into title, employer, place, school, degree and field."""
from __future__ import annotations

import re

from engine.resume.importing.lines import Line
from engine.resume.importing.vocabulary import (BULLET, COMPANY_WORDS, COUNTRIES, DATE_RANGE, DEGREE, HYPHENATED,
                                                ROLE_NOUN, SCHOOL_WORDS, SINGLE_DATE, TITLE_WORDS, looks_like_place,
                                                normalise_date)
from engine.resume.model import Education, Experience

def is_bullet(ln: Line) -> bool:
    return bool(BULLET.match(ln.text)) or "bullet" in ln.style.lower() or "list" in ln.style.lower()


def has_date(ln: Line) -> bool:
    if is_bullet(ln) or len(ln.text) > 120:
        return False
    return bool(DATE_RANGE.search(ln.text) or (len(ln.text.split()) <= 12 and SINGLE_DATE.search(ln.text)))


def _wrapped(prev: Line, ln: Line) -> bool:
    """A bold header line that ran onto the next line (a long school or job title in a narrow column)."""
    return (prev.bold and ln.bold and abs(prev.size - ln.size) < 0.3 and abs(prev.x0 - ln.x0) < 2
            and prev.page == ln.page and len(prev.parts) == 1 and len(ln.parts) == 1 and not has_date(prev)
            and not has_date(ln) and not prev.text.endswith((".", ":", ",")) and len(ln.text.split()) <= 3)


def group_entries(lines: list[Line]) -> list[tuple[list[Line], list[str]]]:
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
        if is_bullet(ln):
            items.append(("bullet", ln))
        elif items and items[-1][0] == "bullet" and ln.x0 > left + 4 and not has_date(ln):
            prev = items[-1][1]
            items[-1] = ("bullet", Line(prev.text + " " + ln.text, prev.size, prev.bold, prev.x0, prev.page, style=prev.style))
        else:
            items.append(("head", ln))
    dated = [i for i, (kind, ln) in enumerate(items) if kind == "head" and has_date(ln)]
    starts: list[int] = []
    if dated:
        first_block = 0
        k = sum(1 for kind, _ in items[first_block:dated[0]] if kind == "head")
        k = min(k, 2)
        prev_end = 0
        for d in dated:
            s, back = d, 0
            while s > prev_end and back < k and items[s - 1][0] == "head" and not has_date(items[s - 1][1]):
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


def split_pieces(text: str) -> list[str]:
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
        if not place and looks_like_place(p):
            place = p
            continue
        # "Acme Ltd, London": a company then a place after the last comma
        head, _, tail = p.rpartition(", ")
        if head and not place and (tail.lower() in COUNTRIES or re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", tail)) \
                and _words(head) & COMPANY_WORDS:
            place = tail
            p = head
        rest.append(p)
    return rest, place


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
        if sep and _title_score(head) > 0 and _title_score(tail) <= 0 and not looks_like_place(p) \
                and not firm_tail:   # "Cook, Allen and Gentry" is a firm; "Chef, Fox, Fuller and Nash" is not
            out.extend([head, tail])
        else:
            out.append(p)
    return out


def read_experience(entry: tuple[list[Line], list[str]]) -> Experience:
    header, bullets = entry
    start, end, rest = _dates(header)
    pieces, place = _split_place(_title_comma_company(split_pieces(rest)))
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


def read_education(entry: tuple[list[Line], list[str]]) -> Education:
    header, bullets = entry
    start, end, rest = _dates(header)
    pieces, _ = _split_place(split_pieces(rest))
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

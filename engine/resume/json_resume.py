"""The builder's document <-> JSON Resume v1.0.0 (jsonresume.org), validated against the schema shipped in
engine/resume/schema/ (no network). Export then import gives back the same document: fields JSON Resume
has no place for (education details, the section order) travel as extra properties, which the schema
allows on those objects.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from engine.resume.importing.vocabulary import normalise_date
from engine.resume.importing.safety import ImportRejected
from engine.resume.model import (SECTIONS, Certification, Education, Experience, Language, Personal, Project,
                                 Resume, is_present)

SCHEMA_PATH = Path(__file__).with_name("schema") / "json-resume-v1.0.0.json"
VERSION = "v1.0.0"
_ISO = re.compile(r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def check(document) -> None:
    """Raise ImportRejected naming the first field that breaks the schema (e.g. ``work[0].startDate``)."""
    from jsonschema import FormatChecker
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for

    validator_cls = validator_for(schema())
    error = best_match(validator_cls(schema(), format_checker=FormatChecker()).iter_errors(document))
    if error is None:
        return
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".") or "(the document)"
    if error.validator == "pattern" and error.schema.get("pattern") == _ISO.pattern:
        message = f"{error.instance!r} is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"
    elif error.validator == "additionalProperties":
        message = error.message.replace("Additional properties are not allowed", "unknown top-level section")
    else:
        message = error.message
    raise ImportRejected(f"This JSON Resume does not follow the schema (v1.0.0): {where}: {message}.", field=where)


def _iso(text: str) -> str:
    """A date as JSON Resume wants it, or "" when it cannot be written so."""
    value = normalise_date(text)
    return value if _ISO.match(value) else ""


def _split_location(location: str) -> dict:
    city, _, region = (location or "").partition(", ")
    return {k: v for k, v in (("city", city.strip()), ("region", region.strip())) if v}


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in ("", [], None, {})}


def to_json_resume(resume: Resume) -> dict:
    p = resume.personal
    basics = _clean({
        "name": p.name, "label": p.headline, "email": p.email, "phone": p.phone, "summary": resume.summary,
        "location": _split_location(p.location),
        "profiles": [_clean({"network": _network(link), "url": link}) for link in resume.links],
    })
    work = []
    for e in resume.experience:
        current = e.current or is_present(e.end)
        work.append(_clean({"name": e.company, "position": e.title, "location": e.location,
                            "startDate": _iso(e.start), "endDate": "" if current else _iso(e.end),
                            "highlights": list(e.bullets)}))
    education = [_clean({"institution": e.school, "studyType": e.degree, "area": e.field, "startDate": _iso(e.start),
                         "endDate": _iso(e.end), "score": e.grade, "summary": e.details}) for e in resume.education]
    doc = _clean({
        "basics": basics,
        "work": work,
        "education": education,
        "skills": [{"name": s} for s in resume.skills],
        "projects": [_clean({"name": pr.name, "url": pr.link, "description": pr.description,
                             "highlights": list(pr.bullets), "keywords": list(pr.tech)}) for pr in resume.projects],
        "certificates": [_clean({"name": c.name, "issuer": c.issuer, "date": _iso(c.date)}) for c in resume.certifications],
        "languages": [_clean({"language": lang.name, "fluency": lang.level}) for lang in resume.languages],
    })
    doc["meta"] = _clean({"version": VERSION, "sectionOrder": list(resume.order)})
    return doc


def _network(link: str) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", link.lower()).split("/")[0]
    return {"linkedin.com": "LinkedIn", "github.com": "GitHub", "gitlab.com": "GitLab", "twitter.com": "Twitter",
            "x.com": "X"}.get(host, "")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def from_json_resume(doc: dict) -> Resume:
    """A validated JSON Resume -> the builder's document (sections the builder lacks are left out)."""
    basics = doc.get("basics") or {}
    loc = basics.get("location") or {}
    location = ", ".join(x for x in (_text(loc.get("city")), _text(loc.get("region"))) if x) or _text(loc.get("address"))
    links = [_text(p.get("url")) for p in basics.get("profiles") or [] if _text(p.get("url"))]
    if _text(basics.get("url")) and _text(basics.get("url")) not in links:
        links.insert(0, _text(basics["url"]))
    experience = []
    for w in doc.get("work") or []:
        current = bool(_text(w.get("startDate"))) and not _text(w.get("endDate"))
        experience.append(Experience(title=_text(w.get("position")), company=_text(w.get("name")),
                                     location=_text(w.get("location")), start=_text(w.get("startDate")),
                                     end=_text(w.get("endDate")), current=current,
                                     bullets=[_text(h) for h in w.get("highlights") or [] if _text(h)]
                                     or ([_text(w.get("summary"))] if _text(w.get("summary")) else [])))
    from engine.datasets.skills import normalise_skill

    skills = []
    for s in doc.get("skills") or []:   # {"name": "Web", "keywords": ["HTML", "CSS"]}: the keywords are the skills
        names = [_text(k) for k in s.get("keywords") or []] or [_text(s.get("name"))]
        skills.extend(normalise_skill(n) for n in names if n)
    order = [s for s in (doc.get("meta") or {}).get("sectionOrder") or [] if s in SECTIONS]
    return Resume(
        personal=Personal(name=_text(basics.get("name")), email=_text(basics.get("email")),
                          phone=_text(basics.get("phone")), location=location, headline=_text(basics.get("label"))),
        summary=_text(basics.get("summary")),
        experience=experience,
        education=[Education(school=_text(e.get("institution")), degree=_text(e.get("studyType")),
                             field=_text(e.get("area")), start=_text(e.get("startDate")), end=_text(e.get("endDate")),
                             grade=_text(e.get("score")), details=_text(e.get("summary")))
                   for e in doc.get("education") or []],
        skills=list(dict.fromkeys(skills)),
        projects=[Project(name=_text(p.get("name")), link=_text(p.get("url")), description=_text(p.get("description")),
                          bullets=[_text(h) for h in p.get("highlights") or [] if _text(h)],
                          tech=[_text(k) for k in p.get("keywords") or [] if _text(k)]) for p in doc.get("projects") or []],
        certifications=[Certification(name=_text(c.get("name")), issuer=_text(c.get("issuer")), date=_text(c.get("date")))
                        for c in doc.get("certificates") or []],
        languages=[Language(name=_text(lang.get("language")), level=_text(lang.get("fluency")))
                   for lang in doc.get("languages") or []],
        links=links,
        order=order,
    )


def read_json_resume(data: bytes, label: str = "The file") -> Resume:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRejected(f"{label} is not UTF-8 text, so it is not a JSON Resume.") from None
    except json.JSONDecodeError as exc:
        raise ImportRejected(f"{label} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if not isinstance(doc, dict):
        raise ImportRejected(f"{label} is JSON but not a JSON Resume (it should be an object with 'basics', 'work', ...).")
    check(doc)
    return from_json_resume(doc)


def export_json(resume: Resume) -> bytes:
    return json.dumps(to_json_resume(resume), indent=2, ensure_ascii=False).encode("utf-8")

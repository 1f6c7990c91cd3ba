"""Where the candidate is and how senior, in the ranking: a job near them (same city, else same country) or
remote when they work remotely, at their level, moves up; a far on-site job or a level away moves down.
The similarity still decides among equals. When nothing near is found, a note says so and what is shown.

Everything here is read from what the candidate wrote: the profile's location (or "in <city>" in a free-text
profile), "remote" / "hybrid" / "on-site" in it, and "N years" for the level.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# city -> country, for the generated catalogue's cities and common others (a job or profile may also name
# its country after a comma: "Lyon, France")
COUNTRY_OF_CITY = {
    **{c: "United States" for c in (
        "new york", "san francisco", "los angeles", "chicago", "boston", "seattle", "austin", "dallas", "houston",
        "atlanta", "denver", "washington", "philadelphia", "phoenix", "miami", "minneapolis", "san diego",
        "portland", "raleigh", "nashville", "salt lake city", "pittsburgh", "columbus", "detroit", "st. louis",
        "kansas city", "charlotte", "orlando", "tampa", "sacramento", "san jose", "baltimore", "indianapolis",
        "cleveland", "milwaukee", "albuquerque", "boise", "richmond", "new orleans", "madison")},
    **{c: "Germany" for c in ("berlin", "munich", "hamburg", "frankfurt", "cologne", "stuttgart", "düsseldorf")},
    **{c: "United Kingdom" for c in ("london", "manchester", "edinburgh", "bristol", "birmingham", "leeds", "glasgow")},
    **{c: "India" for c in ("bengaluru", "bangalore", "mumbai", "delhi", "new delhi", "hyderabad", "pune", "chennai",
                            "kolkata", "gurugram", "noida")},
    **{c: "Netherlands" for c in ("amsterdam", "rotterdam", "utrecht", "eindhoven")},
    **{c: "France" for c in ("paris", "lyon", "toulouse", "lille")},
    **{c: "Canada" for c in ("toronto", "vancouver", "montreal", "ottawa")},
    **{c: "Spain" for c in ("madrid", "barcelona", "valencia")},
}
US_STATES = set("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
                "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split())
WORK_MODES = {"remote": r"\bremote(?:ly)?\b|work from home|\bwfh\b", "hybrid": r"\bhybrid\b",
              "on-site": r"\bon[- ]?site\b|\bin[- ]office\b|\bin person\b"}
JUNIOR_WORDS = r"\b(?:junior|jr\.?|intern|internship|graduate|trainee|entry[- ]level|apprentice)\b"
SENIOR_WORDS = r"\b(?:senior|sr\.?|lead|principal|staff|head of|director|chief|architect)\b"
LEVELS = ("junior", "mid", "senior")

BOOST_NEAR, BOOST_COUNTRY, PENALTY_FAR = 0.08, 0.04, 0.08
BOOST_LEVEL, PENALTY_LEVEL = 0.04, 0.08


@dataclass(frozen=True)
class Place:
    city: str | None = None       # lower case
    country: str | None = None

    def label(self) -> str:
        return (self.city or "").title() or self.country or ""


@dataclass(frozen=True)
class CandidateContext:
    place: Place
    work_mode: str | None         # remote | hybrid | on-site | None (not said)
    level: str | None             # junior | mid | senior | None (not said)

    @property
    def known(self) -> bool:
        return bool(self.place.city or self.place.country or self.work_mode or self.level)


def place_of(location: str | None) -> Place:
    """'Berlin' -> (berlin, Germany); 'Austin, TX' -> (austin, United States); 'Lyon, France' -> (lyon, France)."""
    text = re.sub(r"\(.*?\)", "", location or "").strip()
    if not text:
        return Place()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    city = parts[0].lower() if parts else None
    country = COUNTRY_OF_CITY.get(city or "")
    if len(parts) > 1 and not country:
        tail = parts[-1]
        country = "United States" if tail.upper() in US_STATES else tail.title()
    if city and city.title() in set(COUNTRY_OF_CITY.values()):
        return Place(None, city.title())   # "Germany" alone
    return Place(city, country)


def level_of_years(years: float) -> str:
    return "junior" if years < 2 else "mid" if years < 6 else "senior"


def candidate_context(text: str, location: str | None = None) -> CandidateContext:
    """The candidate's place, work mode and level from their location field and profile text."""
    place = place_of(location)
    if not (place.city or place.country):
        for found in re.finditer(r"\b(?i:in|based in|located in|from)\s+([A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+)?)", text or ""):
            name = found.group(1)
            name = name if name.lower() in COUNTRY_OF_CITY else name.split()[0]   # "in Berlin Mitte"
            if name.lower() in COUNTRY_OF_CITY:
                place = place_of(name)
                break
    low = (text or "").lower()
    mode = next((m for m, pattern in WORK_MODES.items() if re.search(pattern, low)), None)
    years = [float(n) for n in re.findall(r"(\d+(?:\.\d+)?)\s*\+?\s*(?:years?|yrs?)\b", low)]
    level = level_of_years(max(years)) if years else ("junior" if re.search(JUNIOR_WORDS, low)
                                                     else "senior" if re.search(SENIOR_WORDS, low) else None)
    return CandidateContext(place, mode, level)


def job_level(title: str) -> str:
    low = (title or "").lower()
    if re.search(JUNIOR_WORDS, low):
        return "junior"
    return "senior" if re.search(SENIOR_WORDS, low) else "mid"


def level_fits(candidate: str | None, job: str) -> bool:
    """Right level: the same, or a senior candidate for an unprefixed role; anything when not said."""
    return candidate is None or candidate == job or (candidate == "senior" and job == "mid")


def nearness(context: CandidateContext, job: dict) -> str:
    """'near' (same city), 'remote' (a remote job, within the candidate's country when they gave one, for
    someone who did not ask for on-site), 'country', 'far', or 'unknown' when the candidate gave no place.
    Remote postings are remote within their own country, so one abroad is 'far'."""
    where = place_of(job.get("location"))
    remote_ok = (bool(job.get("remote")) and context.work_mode != "on-site"
                 and (not context.place.country or where.country == context.place.country))
    if remote_ok and (context.work_mode == "remote" or not (context.place.city or context.place.country)):
        return "remote"
    if not (context.place.city or context.place.country):
        return "unknown"
    if context.place.city and where.city == context.place.city:
        return "near"
    if remote_ok:
        return "remote"
    if context.place.country and where.country == context.place.country:
        return "country"
    return "far"


def adjusted_score(score: float, context: CandidateContext, job: dict) -> float:
    """The similarity moved by place and level (0 change when the candidate said nothing of either)."""
    near = nearness(context, job)
    bonus = {"near": BOOST_NEAR, "remote": BOOST_NEAR, "country": BOOST_COUNTRY, "far": -PENALTY_FAR}.get(near, 0.0)
    if context.work_mode == "remote" and not job.get("remote"):
        bonus -= PENALTY_FAR / 2          # asked for remote, this one is not
    if context.level is not None:
        bonus += BOOST_LEVEL if level_fits(context.level, job_level(job.get("title", ""))) else -PENALTY_LEVEL
    return score + bonus


def placement_note(context: CandidateContext, nears: list[str]) -> str | None:
    """What to tell the candidate when none of the shown jobs is near them (or remote when they want remote)."""
    if not nears or not (context.place.city or context.place.country or context.work_mode == "remote"):
        return None
    if any(n in ("near", "remote") for n in nears):
        return None
    where = context.place.label() or "you"
    in_country = sum(n == "country" for n in nears)
    if in_country:
        country = context.place.country
        country = f"the {country}" if country.startswith(("United", "Netherlands")) else country
        return (f"No matching job in {where} or open to remote work right now; shown instead: the best matches "
                f"elsewhere in {country} first, then further away.")
    return (f"No matching job near {where} or open to remote work right now; shown instead: the best matches "
            "elsewhere, which would mean moving.")

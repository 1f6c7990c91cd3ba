"""Synthetic but coherent job postings: title, category, skills, duties, salary and text agree.

Every posting is built from one role of one category (see ``vocabulary``): its core skills plus a few from
the category's own pool, responsibilities and requirements that name those skills, a salary scaled by
seniority, city and contract type, and a description that names the same title, company and city. The output
depends only on ``seed`` and ``today`` (never on the wall clock when ``today`` is given).
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker

from engine.datasets.skills import extract_skills
from engine.datasets import phrasing
from engine.datasets.vocabulary import CATEGORIES, LADDERS, SOFT_SKILLS, Category, Role, alternatives
from engine.jobs import job_fingerprint

# Real metros (so a location filter finds recurring places) with a salary factor for local pay levels.
CITIES = (
    ("New York, NY", 1.22, 9), ("San Francisco, CA", 1.3, 6), ("Los Angeles, CA", 1.12, 6),
    ("Chicago, IL", 1.05, 6), ("Boston, MA", 1.15, 5), ("Seattle, WA", 1.2, 5), ("Austin, TX", 1.05, 5),
    ("Dallas, TX", 1.0, 5), ("Houston, TX", 0.98, 5), ("Atlanta, GA", 0.98, 5), ("Denver, CO", 1.03, 4),
    ("Washington, DC", 1.12, 5), ("Philadelphia, PA", 1.02, 4), ("Phoenix, AZ", 0.95, 4),
    ("Miami, FL", 0.98, 4), ("Minneapolis, MN", 1.0, 3), ("San Diego, CA", 1.1, 3), ("Portland, OR", 1.03, 3),
    ("Raleigh, NC", 0.97, 3), ("Nashville, TN", 0.95, 3), ("Salt Lake City, UT", 0.96, 2),
    ("Pittsburgh, PA", 0.93, 2), ("Columbus, OH", 0.93, 2), ("Detroit, MI", 0.94, 2), ("St. Louis, MO", 0.92, 2),
    ("Kansas City, MO", 0.92, 2), ("Charlotte, NC", 0.96, 3), ("Orlando, FL", 0.92, 2), ("Tampa, FL", 0.93, 2),
    ("Sacramento, CA", 1.04, 2), ("San Jose, CA", 1.3, 3), ("Baltimore, MD", 0.98, 2), ("Indianapolis, IN", 0.9, 2),
    ("Cleveland, OH", 0.9, 2), ("Milwaukee, WI", 0.9, 1), ("Albuquerque, NM", 0.88, 1), ("Boise, ID", 0.9, 1),
    ("Richmond, VA", 0.94, 1), ("New Orleans, LA", 0.88, 1), ("Madison, WI", 0.93, 1),
    # outside the US (about a third of the postings): the founding design's Indian cities, Europe, Canada
    ("Bengaluru, India", 0.35, 6), ("Mumbai, India", 0.33, 4), ("Hyderabad, India", 0.32, 3), ("Pune, India", 0.3, 3),
    ("New Delhi, India", 0.32, 3), ("Chennai, India", 0.3, 2), ("London, United Kingdom", 0.95, 6),
    ("Manchester, United Kingdom", 0.78, 2), ("Edinburgh, United Kingdom", 0.8, 1), ("Berlin, Germany", 0.85, 4),
    ("Munich, Germany", 0.92, 3), ("Hamburg, Germany", 0.85, 2), ("Frankfurt, Germany", 0.9, 2),
    ("Amsterdam, Netherlands", 0.9, 3), ("Paris, France", 0.85, 3), ("Lyon, France", 0.75, 1),
    ("Toronto, Canada", 0.85, 3), ("Vancouver, Canada", 0.85, 2), ("Madrid, Spain", 0.65, 2),
    ("Barcelona, Spain", 0.65, 2),
)
BENEFITS = {
    "office": ("health, dental and vision insurance", "a 401(k) with company match", "a yearly learning budget",
               "flexible working hours", "generous paid time off", "paid parental leave", "home-office equipment"),
    "field": ("health insurance", "paid overtime", "a 401(k) plan", "paid training and certifications",
              "safety equipment provided", "paid time off", "tuition assistance", "a uniform allowance"),
}
FIELD_CATEGORIES = {"Healthcare & Nursing", "Construction & Trades", "Hospitality & Food", "Retail",
                    "Operations & Logistics", "Manufacturing & Engineering", "Education & Teaching"}
_CITY = {c[0]: c for c in CITIES}
US_STATES_SEEN = {c[0].rsplit(", ", 1)[1] for c in CITIES if len(c[0].rsplit(", ", 1)[1]) == 2}
_CITY_WEIGHTS = [c[2] for c in CITIES]
COMPANY_POOL = 40          # companies per category
HISTORY_DAYS = 90          # postings were created within the last 90 days
EXPIRED_SHARE = 0.06       # a few postings are already past their deadline


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:24] or "company"


class _Companies:
    """A fixed pool of employers per category, each with a home city and an email domain."""

    def __init__(self, seed: int, fake: Faker) -> None:
        self.seed = seed
        self.fake = fake
        self._pools: dict[str, list[tuple[str, str, str]]] = {}

    def pool(self, index: int, category: Category) -> list[tuple[str, str, str]]:
        if category.name not in self._pools:
            fake = self.fake
            fake.seed_instance(self.seed * 1009 + index)
            rng = random.Random(self.seed * 7919 + index)
            weights = [c[2] for c in CITIES]
            pool: dict[str, tuple[str, str, str]] = {}
            while len(pool) < COMPANY_POOL:
                home = rng.choices(CITIES, weights=weights)[0][0]
                if category.company_patterns:  # "{city} General Hospital" sits in that city
                    name = rng.choice(category.company_patterns).format(
                        last=fake.last_name(), last2=fake.last_name(), city=home.split(",")[0])
                else:
                    name = fake.company()
                pool.setdefault(name, (name, home, _slug(name) + ".com"))
            self._pools[category.name] = list(pool.values())
        return self._pools[category.name]


def _join(words: list[str], last: str = "and") -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


def _money(value: float) -> int:
    return int(round(value / 1000.0)) * 1000


def _education_line(level: str, field: str, rng: random.Random) -> str:
    if level == "High School":
        return rng.choice(("High school diploma or equivalent.", "A high school diploma or GED."))
    if level == "Vocational Certificate":
        return f"Vocational certificate or completed apprenticeship; training in {field.split(' or ')[0]} is a plus."
    return rng.choice((f"{level} in {field}, or equivalent experience.", f"{level} in {field}.",
                       f"A {level.lower()} in {field} (or equivalent practical experience)."))


_SLOT = re.compile(r"\{([^}]*)\}")


@lru_cache(maxsize=None)
def _named_in(text: str) -> tuple[str, ...]:
    """Skills a duty names in passing, outside its slot ("Orchestrate ETL jobs with {...}")."""
    return tuple(extract_skills(_SLOT.sub(" ", text)))


def _written(skill: str, rng: random.Random, names_only: bool = True) -> str:
    """A skill as this posting writes it: usually its usual name, sometimes another common form. Where the
    sentence needs a name ("using {}"), only names qualify ("Postgres"), not phrases ("caring for patients")."""
    forms = phrasing.PROSE_FORMS.get(skill)
    if forms and names_only:
        forms = tuple(f for f in forms if f[:1].isupper())
    return rng.choice(forms) if forms and rng.random() < 0.35 else skill


def _role_skills(role: Role, cat: Category, rng: random.Random) -> tuple[list[str], list[str]]:
    """(the role skills this posting names, a few more from the role's pool). The first role skill stays (or
    becomes an equivalent tool: MySQL for PostgreSQL); each other one is kept, swapped for an equivalent or
    left out, with at least two kept; 1-4 more come from the role's related skills and their equivalents."""
    core: list[str] = []
    dropped: list[str] = []
    for i, skill in enumerate(role.core):
        alts = alternatives(skill)
        roll = rng.random()
        if roll < (0.8 if i == 0 else 0.6) or (i == 0 and not alts):
            core.append(skill)
        elif roll < 0.8 and alts:
            core.append(rng.choice(alts))
        elif roll < 0.8 or i == 0:
            core.append(skill)
        else:
            dropped.append(skill)
    while len(core) < 2 and dropped:
        core.append(dropped.pop(0))
    head, rest = core[:1], core[1:]
    rng.shuffle(rest)
    core = head + rest
    pool = _role_pool(role, cat)
    extra_pool = [s for s in pool if s not in core]
    extras = rng.sample(extra_pool, k=min(len(extra_pool), rng.randint(1, 4)))
    return core, extras


@lru_cache(maxsize=None)
def _role_pool(role: Role, cat: Category) -> tuple[str, ...]:
    """Where a role's optional skills come from: its related skills (or the category's pool) and the
    equivalents of its own skills."""
    base = role.related or cat.pool
    seen = dict.fromkeys(base)
    for skill in (*role.core, *role.related):
        seen.update(dict.fromkeys(alternatives(skill)))
    return tuple(seen)


def _duties(templates: tuple[str, ...], rng: random.Random, skills: list[str], k: int) -> list[str]:
    """k responsibilities (base form, reworded). A {A|B} slot is filled with one of the posting's skills
    that fits the sentence; a template whose skills the posting lacks is left out."""
    fitting = []
    for template in templates:
        slot = _SLOT.search(template)
        if slot is None:
            fitting.append(template)
            continue
        options = [s for s in slot.group(1).split("|") if s in skills]
        if options:
            fitting.append(template[:slot.start()] + "{" + rng.choice(options) + "}" + template[slot.end():])
    chosen = rng.sample(fitting, k=min(k, len(fitting)))
    return [phrasing.reword(t, rng.randrange(6)) for t in chosen]


@lru_cache(maxsize=None)
def _bullet(duty: str, form: int) -> str:
    """A duty as a bullet in the company's style: imperative, gerund or 'You will ...'."""
    if form == 1:
        return phrasing.gerund(duty)
    if form == 2:
        return "You will " + _lower_first(duty)
    return duty


def _fill(text: str, rng: random.Random) -> str:
    """Slots {Skill} written out, in one of the skill's forms."""
    if "{" not in text:
        return text
    return _SLOT.sub(lambda m: _written(m.group(1), rng), text)


def _requirements(rng: random.Random, style: int, core: list[str], extras: list[str], soft: list[str],
                  experience: str, education: str) -> list[str]:
    """Requirement bullets naming every skill of the posting, in one of several layouts and wordings."""
    write = lambda skills: [_written(s, rng, names_only=False) for s in skills]  # noqa: E731
    layout = style % 3 if rng.random() < 0.7 else rng.randrange(3)
    lines = []
    if layout == 1 and len(core) <= 4:  # one bullet per must-have skill
        lines += [rng.choice(phrasing.SINGLE_LINES).format(skill=_written(s, rng)) for s in core]
        if extras:
            lines.append(rng.choice(phrasing.EXTRA_LINES).format(skills=_join(write(extras), rng.choice(("and", "or")))))
    elif layout == 2 and extras:  # one list, must-haves first
        lines.append(rng.choice(phrasing.CORE_LINES).format(skills=_join(write([*core, *extras]))))
    else:
        lines.append(rng.choice(phrasing.CORE_LINES).format(skills=_join(write(core))))
        if extras:
            lines.append(rng.choice(phrasing.EXTRA_LINES).format(skills=_join(write(extras), rng.choice(("and", "or")))))
    if soft:
        said = _join([rng.choice(phrasing.SOFT_FORMS.get(s, (s.lower(),))) for s in soft])
        line = rng.choice(phrasing.SOFT_LINES)
        lines.append(line.format(skills=said, Skills=said[:1].upper() + said[1:]))
    return [experience, *lines, education] if style % 4 else [education, experience, *lines]


def _experience(rng: random.Random, title: str, yrs: tuple[int, int]) -> str:
    lo, hi = yrs
    if hi == 0:
        return rng.choice(phrasing.INTERN_LINES)
    if lo == 0:
        return rng.choice(phrasing.ENTRY_LINES).format(hi=hi)
    as_role = f"as {phrasing.article(title)} {title}"
    return rng.choice(phrasing.EXPERIENCE_LINES).format(lo=lo, hi=hi, as_role=as_role)


def _one_job(rng: random.Random, names: tuple[list[str], list[str]], companies: _Companies, today: date) -> dict:
    cat_index = rng.randrange(len(CATEGORIES))
    cat = CATEGORIES[cat_index]
    role: Role = rng.choice(cat.roles)
    company, home_city, domain = rng.choice(companies.pool(cat_index, cat))
    style = phrasing.house_style(company)
    city, city_factor, _ = (_CITY[home_city] if rng.random() < 0.8 else rng.choices(CITIES, weights=_CITY_WEIGHTS)[0])

    # Seniority and contract type.
    ladder = LADDERS[cat.ladder]
    prefix, pay_factor, (yrs_lo, yrs_hi), _ = rng.choices(ladder, weights=[s[3] for s in ladder])[0]
    employment = "Full-time"
    roll = rng.random()
    if cat.ladder == "professional" and roll < 0.03:
        employment, prefix, pay_factor, yrs_lo, yrs_hi = "Internship", "", 0.45, 0, 0
    elif roll < 0.03 + cat.part_time:
        employment, pay_factor = "Part-time", pay_factor * 0.55
    elif roll < 0.11 + cat.part_time:
        employment, pay_factor = rng.choice((("Contract", pay_factor * 1.1), ("Temporary", pay_factor * 0.9)))
    if role.fixed:
        prefix = ""
    title = f"{prefix}{role.title}" + (" Intern" if employment == "Internship" else "")
    senior = prefix.strip() in ("Senior", "Lead")

    # Skills: some of the role's own (or equivalent tools), a few from its pool, sometimes soft skills.
    core, extras = _role_skills(role, cat, rng)
    soft = rng.sample(SOFT_SKILLS, k=rng.choice((0, 1, 1, 2)))
    if senior and "Leadership" not in soft:
        soft.append("Leadership")
    hard = [*core, *extras]

    education = rng.choices([e[0] for e in cat.education], weights=[e[1] for e in cat.education])[0]
    remote = rng.random() < cat.remote
    mid = role.salary * pay_factor * city_factor * rng.uniform(0.92, 1.08)
    salary_min, salary_max = _money(mid * rng.uniform(0.85, 0.93)), _money(mid * rng.uniform(1.08, 1.2))

    # Dates: created within the last 90 days; deadline 2-12 weeks ahead, a few already passed.
    if rng.random() < EXPIRED_SHARE:
        age = rng.randint(31, HISTORY_DAYS - 1)
        created = today - timedelta(days=age)
        deadline = created + timedelta(days=rng.randint(14, age - 1))
    else:
        created = today - timedelta(days=rng.randint(0, HISTORY_DAYS - 1))
        deadline = today + timedelta(days=rng.randint(14, 84))

    duties = _duties(cat.duties, rng, hard, k=rng.randint(4, 6))
    if rng.random() < 0.4:
        duties.insert(rng.randrange(1, len(duties) + 1), rng.choice(phrasing.GENERIC_DUTIES))
    if senior:
        duties.append(rng.choice(phrasing.SENIOR_DUTIES).format(team=cat.team))
    form = style // 7 % 3
    bullets = [_bullet(d, form) for d in duties]
    # a duty may name a skill in passing ("Orchestrate ETL jobs"): the posting then asks for it too
    named = [s for b in bullets for s in _named_in(b)]
    named = [s for s in dict.fromkeys(named) if s in cat.pool and s not in hard and s not in soft]
    extras, hard = [*extras, *named], [*hard, *named]
    skills = list(dict.fromkeys([*core, *extras, *soft]))
    experience = _experience(rng, role.title, (yrs_lo, yrs_hi))
    requirements = _requirements(rng, style, core, extras, soft, experience,
                                 _education_line(education, cat.field, rng))

    country = city.rsplit(", ", 1)[1] if city.rsplit(", ", 1)[-1] not in US_STATES_SEEN else "the US"
    where = f"{city} (remote within {country})" if remote else city
    benefits = rng.sample(BENEFITS["field" if cat.name in FIELD_CATEGORIES else "office"], k=3)
    if country != "the US":   # no 401(k) outside the US
        benefits = [b.replace("a 401(k) with company match", "a company pension").replace("a 401(k) plan", "a pension plan")
                    for b in benefits]
    tools = [_written(s, rng) for s in hard[:4]]
    description = " ".join(p for p in (
        phrasing.OPENERS[style % len(phrasing.OPENERS)].format(
            company=company, a=phrasing.article(title), title=title, team=cat.team, where=where),
        rng.choice(phrasing.INTROS).format(team=cat.team, intro=cat.intro),
        rng.choice(phrasing.DUTY_LEADS).format(employment=employment.lower(), d0=_lower_first(_fill(duties[0], rng)),
                                               d1=_lower_first(_fill(duties[1], rng))),
        rng.choice(phrasing.TOOL_LINES).format(skills=_join(tools)),
        rng.choice(phrasing.PAY_LINES).format(lo=salary_min, hi=salary_max, benefits=_join(benefits)),
        rng.choice(phrasing.CLOSERS),
    ) if p)
    recruiter = rng.random() < 0.5
    local = f"{rng.choice(names[0])}.{rng.choice(names[1])}".lower() if recruiter else rng.choice(
        ("careers", "jobs", "recruiting", "hiring", "talent"))
    return {
        "title": title,
        "description": description,
        "company": company,
        "location": city,
        "category": cat.name,
        "created_date": created.isoformat(),
        "deadline": deadline.isoformat(),
        "salary_min": salary_min,
        "salary_max": salary_max,
        "requirements": "\n".join(f"- {r}" for r in requirements),
        "responsibilities": "\n".join(f"- {_fill(b, rng)}." for b in bullets),
        "contact_email": f"{re.sub(r'[^a-z.]', '', local)}@{domain}",
        "required_skills": skills,
        "education_level": education,
        "remote": remote,
        "employment_type": employment,
        "source": "generated",
    }


def generate_jobs(n: int, seed: int = 42, today: date | None = None) -> Iterator[dict]:
    """Yield ``n`` distinct, coherent job postings. Same ``seed`` and ``today`` -> identical output."""
    if n < 0:
        raise ValueError("The number of jobs cannot be negative.")
    today = today or date.today()
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    # Faker's weighted draws are slow: draw recruiter name pools once, then pick with our own RNG.
    names = ([fake.first_name() for _ in range(300)], [fake.last_name() for _ in range(300)])
    companies = _Companies(seed, fake)
    seen: set[str] = set()
    made = 0
    while made < n:
        job = _one_job(rng, names, companies, today)
        fingerprint = job_fingerprint(job)
        if fingerprint in seen:  # same title, company, city and opening text: draw again
            continue
        seen.add(fingerprint)
        made += 1
        yield job

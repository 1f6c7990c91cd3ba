"""A demo world on top of ``init``: companies with recruiters, candidates with filled profiles, applications in
every stage of the status machine with their histories, notes and inbox messages, spread over the last weeks.

Everything is made through the engine's own functions (sign-up, access requests and grants, posting jobs,
applying, status changes), so events, messages, emails and letters are real; only the timestamps are moved
back afterwards with plain SQL, so the dashboards show weeks of activity. Safe to run again: each step checks
what is already there and only adds what is missing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from engine import accounts, applications, companies, jobs, oversight, recruiting
from engine.authz import PERMISSIONS, Actor
from engine.meetings import schedule
from engine.store import Database, one, transaction

DEMO_DOMAIN = accounts.DEMO_EMAIL_DOMAIN
DEMO_PASSWORD = "Demo12345!"   # every demo account made here (the three bootstrap accounts keep their own)


@dataclass(frozen=True)
class CompanySpec:
    name: str
    industry: str
    location: str
    categories: tuple[str, ...]
    recruiters: tuple[tuple[str, str], ...]        # (name, local part of the email)
    permissions: tuple[str, ...] = PERMISSIONS     # () = no grant (the access request stays pending)
    jobs: int = 4


# The bootstrap company (accounts.DEMO_COMPANY, the demo recruiter's) comes first and gets a full pipeline.
COMPANIES = (
    CompanySpec(accounts.DEMO_COMPANY, "Data & Analytics", "London, United Kingdom",
                ("Data Engineering", "Data Science & Analytics"), (("Sam Okafor", "sam.okafor"),), jobs=5),
    CompanySpec("Northwind Software", "Software", "Austin, TX", ("Software Engineering", "DevOps & Cloud"),
                (("Priya Raman", "priya.raman"), ("Tom Becker", "tom.becker"))),
    CompanySpec("Bluefin Health", "Healthcare", "Boston, MA", ("Healthcare & Nursing", "Administration"),
                (("Grace Liu", "grace.liu"),), permissions=("post_jobs", "view_applicants", "change_status"), jobs=3),
    CompanySpec("Lumen Fintech", "Financial services", "New York, NY", ("Finance & Accounting",),
                (("Marco Silva", "marco.silva"),), permissions=(), jobs=0),
)

# Candidates besides the bootstrap demo candidate: (preferred category, education, years of experience).
CANDIDATE_PROFILES = (
    ("Data Engineering", "Bachelor's Degree", 3), ("Data Science & Analytics", "Master's Degree", 2),
    ("Software Engineering", "Bachelor's Degree", 5), ("DevOps & Cloud", "Bachelor's Degree", 6),
    ("Data Science & Analytics", "Doctorate", 1), ("Software Engineering", "Associate Degree", 2),
    ("Healthcare & Nursing", "Bachelor's Degree", 7), ("Data Engineering", "Master's Degree", 8),
    ("Administration", "Associate Degree", 4), ("Software Engineering", "Master's Degree", 0),
    ("Healthcare & Nursing", "Vocational Certificate", 3), ("DevOps & Cloud", "Master's Degree", 4),
    ("Design (UX/UI)", "Bachelor's Degree", 3), ("Marketing", "Bachelor's Degree", 5),
    ("Product Management", "Master's Degree", 6), ("Data Science & Analytics", "Bachelor's Degree", 0),
)

# How an application reaches each status (the status machine's forward paths).
PATHS = {
    "applied": (),
    "under_review": ("under_review",),
    "accepted": ("under_review", "accepted"),
    "rejected": ("under_review", "rejected"),
    "withdrawn": ("under_review", "withdrawn"),
    "interview_scheduled": ("under_review", "accepted", "interview_scheduled"),
    "interviewed": ("under_review", "accepted", "interview_scheduled", "interviewed"),
    "offered": ("under_review", "accepted", "interview_scheduled", "interviewed", "offered"),
    "not_selected": ("under_review", "accepted", "interview_scheduled", "interviewed", "not_selected"),
}
# Statuses each company's applications cycle through (every one first, then the common early stages again).
FULL_PLAN = ("offered", "interview_scheduled", "interviewed", "not_selected", "rejected", "withdrawn",
             "accepted", "under_review", "applied", "applied", "under_review", "accepted", "rejected", "applied",
             "interview_scheduled", "under_review", "applied", "offered", "rejected", "applied")
LIMITED_PLAN = ("under_review", "accepted", "rejected", "applied", "withdrawn", "applied", "under_review")
# The demo candidate's own story: an offer, an upcoming interview, one in review, one new, one rejection.
DEMO_CANDIDATE_PLAN = ("offered", "interview_scheduled", "under_review", "applied", "rejected")

NOTES = (
    "Strong portfolio; the pipeline project is close to what we run.",
    "Phone screen went well, clear communicator.",
    "Salary expectation at the top of our band.",
    "Ask about notice period in the next call.",
    "Good SQL; weaker on streaming. Worth a technical interview.",
    "Referred by a team member.",
    "Available to start next month.",
    "Solid fundamentals, little production experience yet.",
)
COVER_LETTERS = (
    "I have followed {company}'s work for a while and would love to bring my experience to this {title} role.",
    "The {title} position matches what I have done for the last years; I would be glad to talk about it.",
    "",
    "I am relocating soon and {company} is my first choice. My background fits the skills you list.",
)
INTERVIEW_NOTES = (
    "Walked through a past project in depth; good trade-off reasoning.",
    "Live exercise solved with a clean approach; asked sharp questions about the team.",
    "Struggled with the system design part; strong on the basics.",
)


@dataclass
class DemoReport:
    companies: int = 0
    recruiters: int = 0
    candidates: int = 0
    jobs: int = 0
    applications: int = 0
    notes: int = 0
    mock_interviews: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any((self.companies, self.recruiters, self.candidates, self.jobs, self.applications,
                    self.mock_interviews))


# --- helpers -----------------------------------------------------------------------------------------
def _actor_by_email(db: Database, email: str) -> Actor | None:
    row = one(db, "SELECT * FROM users WHERE email = ? COLLATE NOCASE", [email])
    return Actor(row["id"], row["role"], row["company_id"], row["name"], row["email"]) if row else None


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _demo_admin(db: Database) -> Actor:
    admin = _actor_by_email(db, accounts.DEMO_ADMIN[0])
    if admin is None:
        raise RuntimeError("The demo admin account is missing.")
    return admin


# --- companies and recruiters --------------------------------------------------------------------------
def _ensure_companies(db, report: DemoReport, log) -> dict[str, list[Actor]]:
    """Every demo company with its recruiters and access; returns company name -> recruiters."""
    admin = _demo_admin(db)
    staff: dict[str, list[Actor]] = {}
    for spec in COMPANIES:
        if spec.name == accounts.DEMO_COMPANY:
            first = _actor_by_email(db, accounts.DEMO_RECRUITER[0])
        else:
            name, local = spec.recruiters[0]
            email = f"{local}@{DEMO_DOMAIN}"
            first = _actor_by_email(db, email)
            if first is None:
                first = accounts.sign_up_company(db, email=email, password=DEMO_PASSWORD, company_name=spec.name,
                                                 industry=spec.industry, location=spec.location,
                                                 website=f"https://{spec.name.split()[0].lower()}.example.com",
                                                 contact_name=name)
                report.companies += 1
                report.recruiters += 1
                log(f"Company {spec.name} with recruiter {email}")
                companies.request_access(db, first, f"{spec.name} hires for {', '.join(spec.categories)} roles.")
                if spec.permissions:
                    companies.grant_access(db, admin, first.company_id, list(spec.permissions))
        team = [first]
        extra = spec.recruiters if spec.name == accounts.DEMO_COMPANY else spec.recruiters[1:]
        for name, local in extra:
            email = f"{local}@{DEMO_DOMAIN}"
            actor = _actor_by_email(db, email)
            if actor is None:
                companies.add_recruiter(db, admin, first.company_id, name, email, DEMO_PASSWORD)
                actor = _actor_by_email(db, email)
                report.recruiters += 1
            team.append(actor)
        staff[spec.name] = team
    return staff


def _ensure_jobs(db, staff: dict[str, list[Actor]], rng: random.Random, report: DemoReport, log) -> dict[str, list[int]]:
    """Each granted company posts its jobs (through the recruiter's own posting path), dated over 6 weeks."""
    from engine.datasets.generator import generate_jobs

    pool: list[dict] | None = None
    posted: dict[str, list[int]] = {}
    today = date.today()
    for spec in COMPANIES:
        recruiter = staff[spec.name][0]
        have = [r["id"] for r in db.query("SELECT id FROM jobs WHERE company_id = ? ORDER BY id", [recruiter.company_id])]
        need = spec.jobs - len(have)
        if need > 0:
            if pool is None:
                pool = [j for j in generate_jobs(1500, seed=4242)
                        if j["deadline"] >= (today + timedelta(days=10)).isoformat()]
            picks = [j for j in pool if j["category"] in spec.categories]
            rng.shuffle(picks)
            for job in picks[:need]:
                fields = {k: job[k] for k in recruiting.EDITABLE if k in job}
                fields["contact_email"] = recruiter.email
                new = recruiting.post_job(db, recruiter, fields)
                created = today - timedelta(days=rng.randint(20, 42))
                db.execute("UPDATE jobs SET created_date = ? WHERE id = ?", [created.isoformat(), new["id"]])
                have.append(new["id"])
                report.jobs += 1
            log(f"{spec.name}: {len(have)} jobs")
        posted[spec.name] = have
    return posted


# --- candidates ----------------------------------------------------------------------------------------
def _candidate_skills(category: str, rng: random.Random) -> tuple[list[str], str]:
    from engine.datasets.vocabulary import CATEGORIES, SOFT_SKILLS

    cat = next(c for c in CATEGORIES if c.name == category)
    role = rng.choice(cat.roles)
    extras = rng.sample([s for s in cat.pool if s not in role.core], k=min(4, len(cat.pool) - len(role.core)))
    return list(dict.fromkeys([*role.core, *extras, *rng.sample(SOFT_SKILLS, 2)])), role.title


def _ensure_candidates(db, count: int, rng: random.Random, report: DemoReport, log) -> list[Actor]:
    """The bootstrap demo candidate plus ``count - 1`` others with full profiles (names from Faker, seeded)."""
    from faker import Faker

    fake = Faker(["en_US", "en_GB", "de_DE"])
    fake.seed_instance(2024)
    cities = ("Berlin, Germany", "London, United Kingdom", "Austin, TX", "Boston, MA", "New York, NY",
              "Seattle, WA", "Toronto, Canada", "Chicago, IL", "Remote")
    out = [_actor_by_email(db, accounts.DEMO_CANDIDATE[0])]
    for i, (category, education, years) in enumerate(CANDIDATE_PROFILES[: max(0, count - 1)]):
        name = fake.name()
        email = f"candidate{i + 1:02d}@{DEMO_DOMAIN}"
        actor = _actor_by_email(db, email)
        if actor is None:
            skills, role_title = _candidate_skills(category, rng)
            exp = (f"{years} years as a {role_title.lower()}: " if years else "Recent graduate with internships: ") + \
                  f"worked daily with {', '.join(skills[:3])}; " + rng.choice((
                      "led a small team through a platform migration.", "cut a key process's time in half.",
                      "mentored two juniors and ran weekly reviews.", "shipped features used by thousands of customers."))
            actor = accounts.sign_up_candidate(db, name=name, email=email, password=DEMO_PASSWORD,
                                               location=rng.choice(cities), preferred_category=category,
                                               skills=skills, education=education, experience=exp)
            accounts.update_profile(db, actor, {"headline": f"{'Senior ' if years >= 6 else ''}{role_title}"})
            report.candidates += 1
        out.append(actor)
    log(f"{len(out)} candidates")
    return out


# --- resumes -------------------------------------------------------------------------------------------------
def _ensure_resumes(db, candidates: list[Actor], rng: random.Random) -> dict[int, int]:
    """One builder resume per candidate (from their profile, a design each, a generated summary); returns
    candidate id -> resume id."""
    from engine.resume import repository, suggest
    from engine.resume.templates import TEMPLATES

    out: dict[int, int] = {}
    designs = list(TEMPLATES)
    for i, candidate in enumerate(candidates):
        existing = repository.list_resumes(db, candidate)
        if existing:
            out[candidate.user_id] = existing[0].id
            continue
        stored = repository.create_resume(db, candidate, f"{candidate.name.split()[0]}'s resume", designs[i % len(designs)])
        draft = stored.resume
        draft.summary = suggest.generate_summary(draft, None).text
        try:
            stored, _ = repository.save_resume(db, candidate, stored.id, draft)
        except ValueError:   # a profile the validator wants fixed first: keep the first draft
            pass
        out[candidate.user_id] = stored.id
    return out


# --- applications ----------------------------------------------------------------------------------------
def _timeline(rng: random.Random, steps: int, now: datetime) -> list[datetime]:
    """When the application was made and each later change happened: spread over the last five weeks."""
    start = now - timedelta(days=rng.uniform(1 + 2.5 * steps, 35), hours=rng.uniform(0, 10))
    times = [start]
    for _ in range(steps):
        times.append(times[-1] + timedelta(days=rng.uniform(0.5, 3.0), hours=rng.uniform(0, 6)))
    return [min(t, now - timedelta(hours=2)) for t in times]


def _schedule(db, recruiter: Actor, app: dict, starts: datetime) -> int:
    """A real interview room, invitation and .ics, as the recruiter's Interviews page books it."""
    booked = schedule.schedule_interview(db, recruiter, app["id"], starts, "Europe/London", 45, "",
                                         allow_overlap=True)   # an empty title: "<job> interview"
    return booked.interview["id"]


def _make_application(db, candidate: Actor, recruiter: Actor, job: dict, target: str, rng: random.Random,
                      now: datetime, report: DemoReport, resume_id: int | None) -> None:
    letter = rng.choice(COVER_LETTERS).format(company=job["company"], title=job["title"])
    app = applications.apply(db, candidate, job["id"], resume_id=resume_id, cover_letter=letter or None)
    interview_id = None
    notes = rng.choice(INTERVIEW_NOTES)
    for step in PATHS[target]:
        if step == "interview_scheduled":
            # upcoming for those waiting at this stage; moved into the past below for those who went further
            interview_id = _schedule(db, recruiter, app, now + timedelta(days=rng.randint(1, 8), hours=rng.randint(1, 6)))
        elif step == "withdrawn":
            applications.withdraw(db, candidate, app["id"])
        elif step == "interviewed" and target in schedule.DECISIONS:
            # the decision after the interview: held, notes, offer (letter) or thank-you note
            schedule.record_decision(db, recruiter, interview_id, target, notes)
            break
        else:
            applications.change_status(db, recruiter, app["id"], step, note=notes if step == "interviewed" else None,
                                       reason=oversight.DEFAULT_REASONS[app["id"] % len(oversight.DEFAULT_REASONS)][0]
                                       if step == "rejected" else None)
    if PATHS[target]:
        for body in rng.sample(NOTES, k=rng.randint(1, 2)):
            applications.add_note(db, recruiter, app["id"], body)
            report.notes += 1
    times = _timeline(rng, len(PATHS[target]), now)
    _backdate(db, app["id"], times)
    if interview_id is not None:
        _backdate_interview(db, interview_id, times, held=target != "interview_scheduled", notes=notes)
    report.applications += 1
    report.statuses[target] = report.statuses.get(target, 0) + 1


def _backdate_interview(db, interview_id: int, times: list[datetime], *, held: bool, notes: str) -> None:
    """Booked when the application reached interview_scheduled; a held one took place before the next step."""
    booked = times[3]
    changes = {"created_at": _iso(booked)}
    if held:
        start = min(booked + timedelta(days=2), times[4] - timedelta(hours=3)).replace(minute=0, second=0)
        start = max(start, booked + timedelta(hours=1))
        changes.update(starts_at=_iso(start), ended_at=_iso(start + timedelta(minutes=45)), status="held",
                       notes=notes, candidate_response=None)
    with transaction(db):
        sets = ", ".join(f"{k} = ?" for k in changes)
        db.execute(f"UPDATE interviews SET {sets} WHERE id = ?", [*changes.values(), interview_id])


def _backdate(db, app_id: int, times: list[datetime]) -> None:
    """Move the application's events, messages, notes and job event to its made-up timeline."""
    stamps = [_iso(t) for t in times]
    with transaction(db):
        db.execute("UPDATE applications SET created_at = ?, updated_at = ? WHERE id = ?", [stamps[0], stamps[-1], app_id])
        events = [r["id"] for r in db.query("SELECT id FROM application_events WHERE application_id = ? ORDER BY id", [app_id])]
        for event_id, at in zip(events, stamps):
            db.execute("UPDATE application_events SET at = ? WHERE id = ?", [at, event_id])
        msgs = [r["id"] for r in db.query("SELECT id FROM messages WHERE application_id = ? ORDER BY id", [app_id])]
        for i, msg_id in enumerate(msgs):
            at = stamps[min(i, len(stamps) - 1)]
            # everything but the latest message has been read
            read = _iso(times[min(i, len(times) - 1)] + timedelta(hours=3)) if i < len(msgs) - 1 else None
            db.execute("UPDATE messages SET created_at = ?, read_at = ? WHERE id = ?", [at, read, msg_id])
        notes = [r["id"] for r in db.query("SELECT id FROM application_notes WHERE application_id = ? ORDER BY id", [app_id])]
        for i, note_id in enumerate(notes):
            db.execute("UPDATE application_notes SET at = ? WHERE id = ?", [stamps[min(i + 1, len(stamps) - 1)], note_id])
        app = one(db, "SELECT job_id, candidate_id FROM applications WHERE id = ?", [app_id])
        db.execute("UPDATE job_events SET at = ? WHERE job_id = ? AND user_id = ? AND kind = 'apply'",
                   [stamps[0], app["job_id"], app["candidate_id"]])


def _ensure_applications(db, staff, posted, candidates: list[Actor], resumes: dict[int, int], rng: random.Random,
                         report: DemoReport, log, progress) -> None:
    """Applications in every stage: skipped when the demo candidates already have applications."""
    ids = [c.user_id for c in candidates]
    marks = ",".join("?" * len(ids))
    if db.execute(f"SELECT count(*) FROM applications WHERE candidate_id IN ({marks})", ids).fetchone()[0]:
        log("Applications already there: none added")
        return
    now = datetime.now(timezone.utc)
    job_rows = {jid: jobs.decode_job(one(db, "SELECT * FROM jobs WHERE id = ?", [jid]))
                for name in posted for jid in posted[name]}
    taken: set[tuple[int, int]] = set()
    work: list[tuple[Actor, Actor, dict, str]] = []

    def pick_candidate(job: dict, pool: list[Actor]) -> Actor | None:
        fitting = [c for c in pool if (c.user_id, job["id"]) not in taken]
        if not fitting:
            return None
        same = [c for c in fitting if _category(db, c) == job["category"]]
        return rng.choice(same or fitting)

    # the demo candidate's own story at the demo company and Northwind
    dana = candidates[0]
    story_jobs = posted[COMPANIES[0].name] + posted[COMPANIES[1].name]
    for target, job_id in zip(DEMO_CANDIDATE_PLAN, story_jobs[::2] + story_jobs[1::2]):
        company = next(s.name for s in COMPANIES if job_id in posted[s.name])
        work.append((dana, staff[company][0], job_rows[job_id], target))
        taken.add((dana.user_id, job_id))
    others = candidates[1:]
    for spec in COMPANIES:
        company_jobs = [job_rows[j] for j in posted[spec.name]]
        if not company_jobs or not others:
            continue
        plan = FULL_PLAN if "schedule_interviews" in spec.permissions else LIMITED_PLAN
        per_job = max(3, min(6, len(others) * 2 // max(1, len(company_jobs))))
        slots = [job for job in company_jobs for _ in range(per_job)]
        for i, job in enumerate(slots):
            who = pick_candidate(job, others)
            if who is None:
                continue
            taken.add((who.user_id, job["id"]))
            team = staff[spec.name]
            work.append((who, team[i % len(team)], job, plan[i % len(plan)]))
    from tqdm import tqdm

    for candidate, recruiter, job, target in tqdm(work, desc="Demo applications", unit="app", disable=not progress):
        _make_application(db, candidate, recruiter, job, target, rng, now, report, resumes.get(candidate.user_id))
    log(f"{report.applications} applications: " + ", ".join(f"{k} {v}" for k, v in sorted(report.statuses.items())))


_category_cache: dict[int, str] = {}


def _category(db, actor: Actor) -> str:
    if actor.user_id not in _category_cache:
        row = one(db, "SELECT preferred_category FROM users WHERE id = ?", [actor.user_id])
        _category_cache[actor.user_id] = (row or {}).get("preferred_category") or ""
    return _category_cache[actor.user_id]


def _ensure_activity(db, candidates: list[Actor], rng: random.Random) -> None:
    """Saved jobs and viewed jobs, so saved lists and view-based features have something to show."""
    for candidate in candidates:
        if db.execute("SELECT count(*) FROM saved_jobs WHERE user_id = ?", [candidate.user_id]).fetchone()[0]:
            continue
        category = _category(db, candidate)
        rows = [r["id"] for r in db.query(
            f"SELECT id FROM jobs j WHERE category = ? AND {jobs.visible_to_candidates_sql()} ORDER BY id LIMIT 40",
            [category])]
        for job_id in rng.sample(rows, k=min(3, len(rows))):
            jobs.save_job(db, candidate, job_id)
        with transaction(db):
            for job_id in rng.sample(rows, k=min(6, len(rows))):
                jobs.record_event(db, candidate, job_id, "view")


# --- mock interviews --------------------------------------------------------------------------------------
def _ensure_coach_history(db, candidates: list[Actor], rng: random.Random, people: int = 4, rounds: int = 3) -> int:
    """A few candidates practised with the coach over the last weeks, a little better each time (answers are
    parts of the corpus' reference answers, scored by the coach's own scorer). Returns sessions added."""
    from engine.coach import mock, retrieval, sessions

    pairs = retrieval.default_corpus().pairs
    tracks = [t for t in mock.TRACKS if t != "HR round"]
    now = datetime.now(timezone.utc)
    added = 0
    for candidate in candidates[:people]:
        if sessions.history(db, candidate):
            continue
        track = rng.choice(tracks)
        for k in range(rounds):
            session = mock.start(pairs, track, rng.choice(mock.LEVELS[:2]), 3, seed=rng.randrange(1_000_000))
            for question in session.questions:
                words = question.answer.split()
                mock.submit(session, " ".join(words[:max(8, int(len(words) * (0.3 + 0.3 * k)))]))
            session_id = sessions.save_report(db, candidate, session)
            started = now - timedelta(days=7 * (rounds - k) - rng.uniform(0, 3), hours=rng.uniform(0, 8))
            db.execute("UPDATE coach_sessions SET started_at = ?, finished_at = ? WHERE id = ?",
                       [_iso(started), _iso(started + timedelta(minutes=rng.randint(12, 25))), session_id])
            added += 1
    return added


# --- entry point ---------------------------------------------------------------------------------------
def build_demo(db: Database, *, candidates: int = 16, seed: int = 7, progress: bool = True,
               log=print) -> DemoReport:
    """Create (or top up) the demo world. Needs the job catalogue (``init``) first."""
    if not db.execute("SELECT count(*) FROM jobs WHERE company_id IS NULL").fetchone()[0]:
        raise ValueError("The job catalogue is empty: run `python -m engine init` first.")
    if candidates < 2:
        raise ValueError("The demo needs at least 2 candidates.")
    report = DemoReport()
    _category_cache.clear()
    rng = random.Random(seed)
    report.messages.extend(accounts.ensure_bootstrap_accounts(db, demo=True))
    staff = _ensure_companies(db, report, log)
    posted = _ensure_jobs(db, staff, rng, report, log)
    people = _ensure_candidates(db, candidates, rng, report, log)
    resumes = _ensure_resumes(db, people, rng)
    _ensure_applications(db, staff, posted, people, resumes, rng, report, log, progress)
    _ensure_activity(db, people, rng)
    report.mock_interviews = _ensure_coach_history(db, people, rng)
    return report


def demo_accounts() -> list[tuple[str, str, str]]:
    """(role, email, password) of the accounts worth signing in with, for the docs and the CLI."""
    rows = [("candidate", *accounts.DEMO_CANDIDATE), ("recruiter", *accounts.DEMO_RECRUITER),
            ("admin", *accounts.DEMO_ADMIN)]
    rows += [("recruiter", f"{spec.recruiters[0][1]}@{DEMO_DOMAIN}", DEMO_PASSWORD) for spec in COMPANIES[1:]]
    rows.append(("candidate", f"candidate01@{DEMO_DOMAIN}", DEMO_PASSWORD))
    return rows

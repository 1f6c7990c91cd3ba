"""Which pages each role sees, in menu order. Home.py turns this into st.navigation; kept here (plain data,
no streamlit) so tests can check that every role reaches every service it should."""
from __future__ import annotations

from dataclasses import dataclass

ALL = ("guest", "candidate", "recruiter", "admin")
SIGNED_IN = ("candidate", "recruiter", "admin")


@dataclass(frozen=True)
class PageSpec:
    path: str          # file under the project root
    title: str
    icon: str
    roles: tuple[str, ...]
    section: str = "Jobs"
    url_path: str | None = None   # stable URL (share links and room links point at these)
    hidden: bool = False          # reachable by link (e.g. a job's detail page) but not listed in the menu


PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "Home", ":material/home:", ALL, "Jobs", "home"),
    PageSpec("pages/jobs.py", "Browse jobs", ":material/work:", ALL, "Jobs", "jobs"),
    PageSpec("pages/job.py", "Job", ":material/description:", ALL, "Jobs", "job", hidden=True),
    PageSpec("pages/saved.py", "Saved jobs", ":material/bookmark:", ("candidate",), "Jobs", "saved"),
    PageSpec("pages/recommendations.py", "Recommended for you", ":material/recommend:", ("candidate",), "Jobs",
             "recommendations"),
    PageSpec("pages/sign_in.py", "Sign in", ":material/login:", ("guest",), "Account", "sign-in"),
    PageSpec("pages/account.py", "Profile", ":material/person:", SIGNED_IN, "Account", "profile"),
    PageSpec("pages/admin_companies.py", "Companies & access", ":material/domain:", ("admin",), "Admin", "admin-companies"),
    # applications
    PageSpec("pages/my_applications.py", "My applications", ":material/assignment:", ("candidate",), "Applications",
             "my-applications"),
    PageSpec("pages/recruiter.py", "Recruiter dashboard", ":material/work:", ("recruiter", "admin"), "Recruiting",
             "recruiter"),
    PageSpec("pages/pipeline.py", "Hiring pipeline", ":material/monitoring:", ("recruiter", "admin"), "Recruiting",
             "pipeline"),
    PageSpec("pages/admin_applications.py", "Applications & mail", ":material/admin_panel_settings:", ("admin",),
             "Admin", "admin-applications"),
    PageSpec("pages/resume_builder.py", "Resume builder", ":material/description:", ("candidate",), "Career", "resume_builder"),
    PageSpec("pages/resume_share.py", "Shared resume", ":material/share:", ALL, "Career", "resume_share", hidden=True),
    PageSpec("pages/interviews.py", "Interviews", ":material/event:", SIGNED_IN, "Interviews", "interviews"),
    PageSpec("pages/join.py", "Join a room", ":material/video_call:", SIGNED_IN, "Interviews", "join"),
    PageSpec("pages/room.py", "Interview room", ":material/videocam:", SIGNED_IN, "Interviews", "room", hidden=True),
    PageSpec("pages/coach.py", "Interview Coach", ":material/school:", ("candidate",), "Career", "coach"),
    PageSpec("pages/model_lab.py", "Model Lab", ":material/science:", ALL, "Insights", "model_lab"),
]


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages this role may open (the menu shows those not marked hidden)."""
    role = role or "guest"
    return [p for p in PAGES if role in p.roles]


@dataclass(frozen=True)
class Service:
    """One card on the Home hub: a service of a role, one click away."""
    key: str
    path: str           # the page it opens (must be a PageSpec path)
    label: str
    icon: str
    blurb: str
    query: tuple[tuple[str, str], ...] = ()   # URL parameters, e.g. which tab to open


SERVICES: dict[str, tuple[Service, ...]] = {
    "guest": (
        Service("browse", "pages/jobs.py", "Browse jobs", ":material/work:", "Search the whole catalogue, no account needed."),
        Service("sign_in", "pages/sign_in.py", "Sign up or sign in", ":material/login:",
                "Looking for a job? Create a free account, add your skills and get matched."),
        Service("register", "pages/sign_in.py", "Register a company", ":material/domain:",
                "Hiring? Register your company, request access, then post jobs and review applicants.",
                (("tab", "company"),)),
    ),
    "candidate": (
        Service("recommendations", "pages/recommendations.py", "Recommended for you", ":material/recommend:",
                "Jobs matched to your profile, with a score for each."),
        Service("browse", "pages/jobs.py", "Browse jobs", ":material/work:", "Search and filter every open job."),
        Service("saved", "pages/saved.py", "Saved jobs", ":material/bookmark:", "The jobs you kept for later."),
        Service("applications", "pages/my_applications.py", "My applications", ":material/assignment:",
                "Every application's status, its history and your inbox."),
        Service("resume", "pages/resume_builder.py", "Resume builder", ":material/description:",
                "Build a resume from a template with AI suggestions; download it as PDF."),
        Service("coach", "pages/coach.py", "Interview coach", ":material/school:",
                "Ask interview questions and practise a scored mock interview."),
        Service("interviews", "pages/interviews.py", "Interviews", ":material/event:",
                "Your scheduled interviews and their rooms."),
        Service("profile", "pages/account.py", "Profile", ":material/person:", "Skills, experience and preferences."),
    ),
    "recruiter": (
        Service("dashboard", "pages/recruiter.py", "Recruiter dashboard", ":material/dashboard:",
                "Your company's jobs with their applicants."),
        Service("post", "pages/recruiter.py", "Post a job", ":material/add_circle:", "Publish a new opening.",
                (("tab", "post"),)),
        Service("applicants", "pages/recruiter.py", "Applicants", ":material/group:",
                "Ranked applicants: shortlist, add notes, move them along.", (("tab", "applicants"),)),
        Service("pipeline", "pages/pipeline.py", "Hiring pipeline", ":material/monitoring:",
                "Funnel, time in stage and conversion per job."),
        Service("interviews", "pages/interviews.py", "Interviews", ":material/event:",
                "Schedule, hold and decide interviews."),
        Service("profile", "pages/account.py", "Company & access", ":material/domain:",
                "Company details, permissions and access requests."),
    ),
    "admin": (
        Service("companies", "pages/admin_companies.py", "Companies & access", ":material/domain:",
                "Answer access requests, grant or revoke permissions."),
        Service("applications", "pages/admin_applications.py", "Applications & mail", ":material/admin_panel_settings:",
                "Every application, the email outbox and jobs held for review."),
        Service("pipeline", "pages/pipeline.py", "Hiring pipeline", ":material/monitoring:",
                "The funnel of every company, or one."),
        Service("model_lab", "pages/model_lab.py", "Model Lab", ":material/science:",
                "The models behind matching and fraud screening, with their figures."),
        Service("dashboard", "pages/recruiter.py", "Recruiter dashboard", ":material/dashboard:",
                "Any company's jobs and applicants."),
    ),
}


def services_for(role: str | None) -> list[Service]:
    """The Home hub's cards for this role: only services whose page exists and that this role may open (an
    area not yet installed simply has no card)."""
    role = role or "guest"
    allowed = {p.path for p in pages_for(role)}
    return [s for s in SERVICES.get(role, ()) if s.path in allowed]

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
    PageSpec("pages/sign_in.py", "Sign in", ":material/login:", ("guest",), "Account", "sign-in"),
    PageSpec("pages/profile.py", "Profile", ":material/person:", SIGNED_IN, "Account", "profile"),
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

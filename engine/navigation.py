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


PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "Home", ":material/home:", ALL, "Jobs", "home"),
    PageSpec("pages/model_lab.py", "Model Lab", ":material/science:", ALL, "Insights", "model_lab"),
]


def pages_for(role: str | None) -> list[PageSpec]:
    role = role or "guest"
    return [p for p in PAGES if role in p.roles]

"""Forms shared by the sign-in and profile pages: error display and the candidate profile fields."""
from __future__ import annotations

import streamlit as st

from engine import accounts, store
from engine.choices import CATEGORY_NAMES, EDUCATION_LEVELS

PASSWORD_HELP = "At least 8 characters, with a letter and a digit, and not one of the most common passwords."


@st.cache_data(ttl=600, show_spinner=False)
def _skill_options(db_file: str) -> list[str]:
    # A JSON scan over every job (~0.8 s at 10,000 jobs on a busy CPU): computed once per 10 minutes.
    return accounts.suggested_skills(store.connect())


def show_errors(exc: Exception) -> None:
    """A ValidationError as one list of its messages; anything else as its own message."""
    errors = getattr(exc, "errors", None)
    if errors:
        st.error("Please fix the following:\n" + "\n".join(f"- {msg}" for msg in errors.values()))
    else:
        st.error(str(exc))


def candidate_fields(key: str, profile: dict | None = None) -> dict:
    """Location, preferred category, skills, education and experience (call inside a form)."""
    profile = profile or {}
    values = {"location": st.text_input("Location *", value=profile.get("location") or "", key=f"{key}_location",
                                        placeholder="City, Country")}
    # only the jobs' own categories: one typed by hand would never match a job
    categories = list(CATEGORY_NAMES)
    current_cat = profile.get("preferred_category")
    values["preferred_category"] = st.selectbox(
        "Preferred job category", categories, index=categories.index(current_cat) if current_cat in categories else None,
        key=f"{key}_category", placeholder="Choose a category") or ""
    skills = profile.get("skills") or []
    options = sorted(set(_skill_options(str(store.db_path()))) | set(skills), key=str.lower)
    values["skills"] = st.multiselect("Skills", options, default=skills, key=f"{key}_skills", accept_new_options=True,
                                      placeholder="Pick or type skills, e.g. Python, SQL, Nursing",
                                      help="Recommendations match jobs to these skills.")
    levels = list(EDUCATION_LEVELS)
    current_edu = profile.get("education")
    values["education"] = st.selectbox("Highest education", levels,
                                       index=levels.index(current_edu) if current_edu in levels else None,
                                       key=f"{key}_education", placeholder="Choose your highest level") or ""
    values["experience"] = st.text_area("Experience", value=profile.get("experience") or "", key=f"{key}_experience",
                                        placeholder="e.g. 3 years as a data analyst: SQL reporting, dashboards")
    return values

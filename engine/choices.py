"""What every form offers and the engine accepts: job categories, education levels, employment types, and the
one email check.

The lists are defined once, in ``engine.datasets.vocabulary`` (the generator and the importers use them too);
forms read them from here, validation checks against them, and the ``*_named`` functions map other spellings
(the old recruiter form's 13 categories, the old profile form's education levels, free text) onto them.
"""
from __future__ import annotations

import re

from engine.datasets.categories import OTHER, category_for_label, infer_category
from engine.datasets.vocabulary import CATEGORY_NAMES, EDUCATION_LEVELS, EMPLOYMENT_TYPES

__all__ = ["CATEGORY_NAMES", "EDUCATION_LEVELS", "EMPLOYMENT_TYPES", "category_named", "education_named",
           "email_problem", "is_email"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")  # something@host.tld; the tld has no dot, nothing has spaces
MAX_EMAIL = 254

# The recruiter form's own list before it read the vocabulary (lower case). "Engineering" and "Other" are
# absent: which category they mean depends on the job, so a job's title decides (category_named).
OLD_FORM_CATEGORIES = {
    "data science": "Data Science & Analytics", "design": "Design (UX/UI)", "marketing": "Marketing",
    "sales": "Sales", "finance": "Finance & Accounting", "healthcare": "Healthcare & Nursing",
    "education": "Education & Teaching", "operations": "Operations & Logistics",
    "customer support": "Customer Support", "human resources": "Human Resources", "legal": "Legal",
}
# The profile form's education levels before it read the vocabulary, and common ways to write them.
_EDUCATION_WORDS = (
    ("Doctorate", ("doctor", "phd", "ph.d")),
    ("Master's Degree", ("master", "msc", "m.sc", "mba", "meng", "m.a.")),
    ("Bachelor's Degree", ("bachelor", "bsc", "b.sc", "beng", "b.a.")),
    ("Associate Degree", ("associate",)),
    ("Vocational Certificate", ("vocational", "certificate", "apprentice")),
    ("High School", ("high school", "secondary", "gcse", "a-level", "abitur")),
)


def is_email(text: str | None) -> bool:
    text = text or ""
    return len(text) <= MAX_EMAIL and bool(_EMAIL.match(text))


def email_problem(email: str | None) -> str | None:
    """None for a usable address, else a message that can be shown as is."""
    if not email:
        return "Email is required."
    if not is_email(email):
        return f"'{email}' is not a valid email address."
    return None


def category_named(text: str | None, title: str = "", body: str = "") -> str | None:
    """The vocabulary's category for a stored or typed value ("Data Science" -> "Data Science & Analytics"),
    or None when nothing fits. A job's title and text decide the vague ones ("Engineering", "Other"):
    "Backend Developer" is Software Engineering, "Mechanical Engineer" Manufacturing & Engineering."""
    text = " ".join((text or "").split())
    if not text:
        return None
    exact = {name.lower(): name for name in CATEGORY_NAMES}
    found = exact.get(text.lower()) or OLD_FORM_CATEGORIES.get(text.lower())
    if found:
        return found
    if title or body:
        inferred = infer_category(title, body)
        if inferred != OTHER:
            return inferred
    if text.lower() == "engineering":  # the old form's first choice, mostly meaning software
        return "Software Engineering"
    if found := category_for_label(text):  # another source's label ("Sales & Account Management")
        return found
    inferred = infer_category(text)
    return None if inferred == OTHER else inferred


def education_named(text: str | None) -> str | None:
    """The vocabulary's education level for a stored or typed value ("Master's degree", "MSc Physics"), or
    None when it names none."""
    low = " ".join((text or "").split()).lower()
    if not low:
        return None
    exact = {level.lower(): level for level in EDUCATION_LEVELS}
    if low in exact:
        return exact[low]
    return next((level for level, words in _EDUCATION_WORDS if any(w in low for w in words)), None)

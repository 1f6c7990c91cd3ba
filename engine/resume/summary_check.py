"""The rubric a resume summary must pass, whoever wrote it (the offline writer or Gemini). Written down
before the writer was changed (docs/resume.md, "Summary rubric"), measured by bench/summary_quality.py:

1. Grammatical: sentences start with a capital and end with a full stop; "a"/"an" agree with the next
   word; no doubled word and no two verbs in a row ("delivered served"); the opening names a role, not an experience sentence (no figure or colon before
   its first full stop's first clause).
2. No repetition: no listed skill is a variant of another listed one ("SQL" beside "SQL Server" or
   "MySQL"); no content word used three times or more.
3. No claim the input does not support: every figure appears in the input; every capitalised name appears
   in the input (or is one of the writer's own glue words); a seniority word agrees with the years the
   input shows (dated entries or "N years" in its text) or appears in the input itself.
4. Under 60 words.
"""
from __future__ import annotations

import re

MAX_WORDS = 60
LEVEL_WORDS = {"early-career": (0, 3), "entry-level": (0, 3), "junior": (0, 3), "experienced": (2, 99),
               "senior": (6, 99), "seasoned": (6, 99), "veteran": (10, 99)}
GLUE = {"A", "An", "The", "With", "Skilled", "Strengths", "Professional", "Recently", "Work", "Looking", "Seeking", "Brings", "Has", "In",
        "Experienced", "Senior", "Junior", "Early-career", "Proficient", "Known", "Focused", "Background",
        "Also", "This", "Currently", "Strong", "Passionate", "Interested", "Eager", "Ready", "Able", "Keen"}
STOP = set("about above after again also among and any are around been being both but can could each from "
           "have having into more most other over same some such than that their them then there these they "
           "this those through under until very what when where which while with within would your years "
           "year experience".split())


def article_for(word: str) -> str:
    """'an' before a vowel sound: vowels, and initialisms read letter by letter from F, H, L, M, N, R, S, X
    ("an MSc", "an MBA", "an HND"); 'a' otherwise ("a BSc", "a Master's", "a PhD")."""
    if not word:
        return "a"
    if word[0] in "AEIOUaeiou" and not word.lower().startswith(("uni", "use", "eu", "one")):
        return "an"
    if len(word) > 1 and word[0] in "FHLMNRSX" and word[1].isupper():
        return "an"
    return "a"


def is_variant(a: str, b: str) -> bool:
    """Two skill names that repeat each other: one is a whole word of the other ("SQL", "SQL Server") or its
    ending ("SQL", "MySQL"; "Spark", "PySpark"). "Java" and "JavaScript" are different skills."""
    x, y = a.lower().strip(), b.lower().strip()
    if not x or not y or x == y:
        return bool(x) and x == y
    short, long = sorted((x, y), key=len)
    return len(short) >= 2 and (short in long.split() or (len(short) >= 3 and long.endswith(short)))


def years_shown(source_text: str, dated_months: int) -> float | None:
    """The years of experience the input shows: the largest "N years" in its text, else dated entries."""
    said = [float(n) for n in re.findall(r"(\d+(?:\.\d+)?)\s*\+?\s*(?:years?|yrs?)\b", source_text, re.I)]
    if said:
        return max(said)
    return dated_months / 12 if dated_months else None


def problems(summary: str, source_text: str, dated_months: int = 0) -> list[str]:
    """What breaks the rubric; an empty list is a pass. ``source_text`` is everything the user typed (and
    the target job's text); ``dated_months`` the months their dated experience entries cover."""
    text = re.sub(r"\s+", " ", summary or "").strip()
    found: list[str] = []
    words = text.split()
    if not words:
        return ["empty"]
    if len(words) >= MAX_WORDS:
        found.append(f"{len(words)} words (at most {MAX_WORDS - 1})")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    for s in sentences:
        if not s[0].isupper():
            found.append(f"sentence without a capital: {s[:30]!r}")
        if s[-1] not in ".!?":
            found.append(f"sentence without a full stop: {s[-30:]!r}")
    first_clause = re.split(r"\s(?:with|and|who|from)\s|[.,;]", sentences[0])[0]
    if re.search(r"\d|:", first_clause):
        found.append(f"the opening is not a role: {first_clause!r}")
    for art, word in re.findall(r"\b([Aa]n?)\s+([\w'’]+)", text):
        if art.lower() != article_for(word):
            found.append(f"'{art} {word}'")
    for a, b in zip(words, words[1:]):
        if a.lower().strip(".,;:") == b.lower().strip(".,;:") and a.isalpha():
            found.append(f"doubled word {a!r}")
    for a, b in re.findall(r"\b(delivered|built|led|supported|developed|managed|used)\s+(\w+ed|rebuilt|ran|grew|cut|led|built|taught|wrote)\b",
                           text, re.I):
        found.append(f"two verbs in a row: '{a} {b}'")
    listed = re.search(r"\b(?:Skilled in|Proficient in|Skills:)\s+([^.]+)\.", text)
    if listed:
        items = [i.strip() for i in re.split(r",\s*|\s+and\s+", listed.group(1)) if i.strip()]
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if is_variant(a, b):
                    found.append(f"repeated skill {a!r} / {b!r}")
    counts: dict[str, int] = {}
    for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()):
        if w not in STOP:
            counts[w] = counts.get(w, 0) + 1
    found += [f"{w!r} used {n} times" for w, n in counts.items() if n >= 3]
    source = source_text.lower()
    for number in re.findall(r"\d+(?:[.,]\d+)?", text):
        if number not in source_text:
            found.append(f"figure {number} not in the input")
    for name in re.findall(r"\b[A-ZÀ-Ý][\w'’&+#.-]*[\w+#]|\b[A-Z]\b", text):
        if name not in GLUE and name.lower() not in source:
            found.append(f"name {name!r} not in the input")
    years = years_shown(source_text, dated_months)
    for level, (low, high) in LEVEL_WORDS.items():
        if not re.search(rf"\b{re.escape(level)}\b", text, re.I) or re.search(rf"\b{re.escape(level)}\b", source):
            continue
        if years is None or not low <= years < high:
            found.append(f"'{level}' with {'no' if years is None else f'{years:g}'} years shown")
    return found


def check_resume_summary(summary: str, resume, job_text: str = "") -> list[str]:
    """``problems`` for a summary of this resume (a ``Resume``), optionally aimed at a job's text."""
    from engine.resume.suggest import experience_months

    return problems(summary, resume.to_json() + " " + job_text, experience_months(resume))

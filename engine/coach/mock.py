"""Mock interviews: pick questions for a track and level (or for a job), score each answer against the
reference (meaning, key points covered, STAR structure for behavioural questions), say what was missing, and
sum up in a report. Pure functions plus one small state object, so the Gradio app and tests drive it alike."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from engine.coach.corpus import TOPIC_LABELS, QAPair
from engine.markdown import safe
from engine.store import utcnow

TRACKS: dict[str, tuple[str, ...]] = {
    "Python developer": ("python", "software_engineering", "dsa", "behavioural"),
    "Data analyst": ("data_analysis", "sql_databases", "python", "behavioural"),
    "Software engineer": ("software_engineering", "dsa", "system_design", "oop_cpp", "behavioural"),
    "ML engineer": ("machine_learning", "python", "data_analysis", "system_design"),
    "HR round": ("hr",),
    "Behavioural": ("behavioural",),
}
JOB_TRACK = "A job I applied to"
LEVELS = ("junior", "mid", "senior")
MAX_QUESTIONS = 10
STOP_WORDS = set("a an the of to in on and or for with by at as is are be it its your you we our from that this "
                 "into not no vs per can use how what why when".split())
# cue phrases of each STAR part in a spoken answer (the reference answers label the parts outright)
STAR_CUES = {
    "situation": r"situation|when i was|at my (?:last|previous|current|first)|in my (?:last|previous|current|first)|"
                 r"(?:last|previous) (?:role|job|company|team)|we had|there was|context|background|while working",
    "task": r"\btask\b|my (?:job|role|goal|responsibility)|i was (?:asked|responsible)|i needed to|i had to|"
            r"the goal|goal was|responsible for|challenge was|needed to",
    "action": r"\baction\b|\bi (?:decided|built|wrote|created|organi[sz]ed|set up|started|spoke|talked|met|proposed|"
              r"introduced|led|worked|implemented|analy[sz]ed|reached out|asked|changed|designed|automated|took)|"
              r"\bso i\b|\bfirst,? i\b|\bthen i\b",
    "result": r"\bresult|outcome|as a result|in the end|which (?:led|meant|reduced|increased|saved)|"
              r"\b(?:reduced|increased|improved|saved|cut|grew|delivered|shipped|finished)\b|\d+\s?%|learn(?:ed|t)",
}

Encoder = Callable[[list[str]], np.ndarray]


def _default_encode(texts: list[str]) -> np.ndarray:
    from engine.coach.retrieval import encode

    return encode(texts)


# --- picking questions ------------------------------------------------------------------------------------------
def level_of(pair: QAPair, pairs: list[QAPair]) -> str:
    """The pair's level: from the corpus when given, else by answer length within its topic (longer = harder)."""
    if pair.difficulty in LEVELS:
        return pair.difficulty
    lengths = sorted(len(p.answer) for p in pairs if p.topic == pair.topic)
    rank = lengths.index(len(pair.answer)) / max(1, len(lengths) - 1)
    return LEVELS[min(2, int(rank * 3))]


def select_questions(pairs: list[QAPair], track: str, level: str, n: int, seed: int | None = None) -> list[QAPair]:
    if track not in TRACKS:
        raise ValueError(f"unknown track {track!r}; choose one of: {', '.join(TRACKS)}")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose junior, mid or senior")
    n = max(1, min(int(n), MAX_QUESTIONS))
    rng = np.random.default_rng(seed)
    pools = {}
    for topic in TRACKS[track]:
        in_topic = [p for p in pairs if p.topic == topic]
        at_level = [p for p in in_topic if level_of(p, pairs) == level]
        rest = [p for p in in_topic if p not in at_level]
        pools[topic] = [at_level[i] for i in rng.permutation(len(at_level))] + [rest[i] for i in rng.permutation(len(rest))]
    chosen: list[QAPair] = []
    while len(chosen) < n and any(pools.values()):        # round robin over the track's topics
        for topic in TRACKS[track]:
            if pools[topic] and len(chosen) < n:
                chosen.append(pools[topic].pop(0))
    return chosen


def questions_for_job(pairs: list[QAPair], job: dict, n: int, encode: Encoder = _default_encode) -> list[QAPair]:
    """Technical questions closest to the job's title, category and skills, plus one behavioural question."""
    n = max(1, min(int(n), MAX_QUESTIONS))
    skills = job.get("required_skills") or []
    if isinstance(skills, str):
        skills = [skills]
    text = f"{job.get('title', '')}. {job.get('category', '')}. Skills: {', '.join(skills)}. {job.get('requirements', '')[:300]}"
    technical = [p for p in pairs if p.topic not in ("behavioural", "hr", "platform_help")]
    scores = encode([p.question + " " + p.answer[:200] for p in technical]) @ encode([text])[0]
    picked = [technical[i] for i in np.argsort(-scores)[: max(1, n - 1)]]
    behavioural = [p for p in pairs if p.topic == "behavioural"]
    if n > 1 and behavioural:
        picked.append(behavioural[int(job.get("id") or 0) % len(behavioural)])
    return picked[:n]


# --- scoring one answer -------------------------------------------------------------------------------------------
# longest first; a word keeps at least two letters ("using" -> "us", like "use")
SUFFIXES = ("ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly", "ies", "ied", "ers", "er", "ed",
            "es", "ly", "s")


def stem(word: str) -> str:
    """A light stem that lets inflections of one word meet: "adding", "added" and "add" all give "ad";
    "behaviours" and "behavior" give "behavior"; "queries" and "query" give "query". The word without its
    suffix, a doubled last consonant and a final e; British "-our" spelt "-or". Whole, not cut to a prefix:
    "functools" must not meet "function"."""
    word = re.sub(r"our(?=s?$|ed$|ing$)", "or", word)   # behaviour, colours, favoured
    for suffix in SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < 2:
            continue
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            break                                   # "class", "status", "analysis" are not plurals
        if suffix == "es" and not word[:-2].endswith(("s", "x", "z", "ch", "sh")):
            word = word[:-1]                        # "uses" -> "use", but "classes" -> "class"
        elif suffix in ("ies", "ied"):
            word = word[:-3] + "y"                  # "queries", "queried" -> "query"
        else:
            word = word[:-len(suffix)]
        break
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]                            # "add" like "adding", "run" like "running"
    if len(word) >= 3 and word.endswith("e"):
        word = word[:-1]                            # "use" like "using", "behave" like "behaving"
    return word


def _stems(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[a-z0-9+#]+", text.lower()) if w not in STOP_WORDS and len(w) > 1}


def star_parts(text: str) -> dict[str, bool]:
    low = text.lower()
    return {part: bool(re.search(cue, low)) for part, cue in STAR_CUES.items()}


def _sentences(text: str) -> list[str]:
    parts = [s.strip() for s in re.split(r"(?<=[.!?;])\s+|\n+", text) if s.strip()]
    return parts or [text]


@dataclass
class QuestionResult:
    pair_id: str
    question: str
    answer: str
    score: float                       # 0-100
    similarity: float                  # cosine to the reference answer
    covered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    star: dict[str, bool] | None = None
    feedback: list[str] = field(default_factory=list)
    reference: str = ""


def score_answer(pair: QAPair, answer: str, encode: Encoder = _default_encode) -> QuestionResult:
    answer = (answer or "").strip()
    if not answer:
        return QuestionResult(pair.id, pair.question, "", 0.0, 0.0, [], list(pair.key_points),
                              {k: False for k in STAR_CUES} if pair.star else None,
                              ["No answer was given."], pair.answer)
    sentences = _sentences(answer)
    vectors = encode([answer, pair.answer, *pair.key_points, *sentences])
    similarity = float(vectors[0] @ vectors[1])
    kp_vectors, sent_vectors = vectors[2:2 + len(pair.key_points)], vectors[2 + len(pair.key_points):]
    answer_stems = _stems(answer)
    covered, missing = [], []
    for point, vec in zip(pair.key_points, kp_vectors):
        stems = _stems(point)
        lexical = len(stems & answer_stems) / len(stems) if stems else 0.0
        semantic = float(np.max(sent_vectors @ vec)) if len(sent_vectors) else 0.0
        (covered if lexical >= 0.6 or semantic >= 0.6 else missing).append(point)
    kp_share = len(covered) / len(pair.key_points) if pair.key_points else similarity
    meaning = float(np.clip((similarity - 0.2) / 0.6, 0.0, 1.0))   # ~0.2 unrelated text, ~0.8 a close paraphrase
    feedback = []
    star = None
    if pair.star:
        star = star_parts(answer)
        star_share = sum(star.values()) / len(star)
        raw = 0.4 * meaning + 0.35 * kp_share + 0.25 * star_share
        absent = [k.capitalize() for k, ok in star.items() if not ok]
        if absent:
            feedback.append(f"Use the STAR structure: your answer lacks {', '.join(absent)}.")
    else:
        raw = 0.5 * meaning + 0.5 * kp_share
    words = len(answer.split())
    if words < 15:
        raw *= words / 15
        feedback.append("Your answer is very short; explain your reasoning and give an example.")
    if missing:
        feedback.append("Missing: " + "; ".join(missing) + ".")
    if similarity < 0.35:
        feedback.append("Your answer seems to be about something else than the question asked.")
    if not feedback:
        feedback.append("Good answer: it covers the key points.")
    return QuestionResult(pair.id, pair.question, answer, round(100 * raw, 1), round(similarity, 3),
                          covered, missing, star, feedback, pair.answer)


# --- the session ------------------------------------------------------------------------------------------------
@dataclass
class MockSession:
    track: str
    level: str
    questions: list[QAPair]
    job_id: int | None = None
    results: list[QuestionResult] = field(default_factory=list)
    started_at: str = field(default_factory=utcnow)
    finished_at: str | None = None

    @property
    def done(self) -> bool:
        return len(self.results) >= len(self.questions)

    @property
    def current(self) -> QAPair | None:
        return None if self.done else self.questions[len(self.results)]

    @property
    def progress(self) -> str:
        return f"Question {min(len(self.results) + 1, len(self.questions))} of {len(self.questions)}"


def start(pairs: list[QAPair], track: str, level: str, n: int = 5, *, seed: int | None = None,
          job: dict | None = None, encode: Encoder = _default_encode) -> MockSession:
    if track == JOB_TRACK or job is not None:
        if not job:
            raise ValueError("pick one of the jobs you applied to")
        return MockSession(JOB_TRACK, level, questions_for_job(pairs, job, n, encode), job_id=job.get("id"))
    return MockSession(track, level, select_questions(pairs, track, level, n, seed))


def submit(session: MockSession, answer: str, encode: Encoder = _default_encode) -> QuestionResult:
    if session.done:
        raise ValueError("this mock interview is finished; start a new one")
    result = score_answer(session.current, answer, encode)
    session.results.append(result)
    if session.done:
        session.finished_at = utcnow()
    return result


def report(session: MockSession) -> dict:
    scores = [r.score for r in session.results]
    overall = round(float(np.mean(scores)), 1) if scores else 0.0
    topics = {}
    for q, r in zip(session.questions, session.results):
        topics.setdefault(TOPIC_LABELS.get(q.topic, q.topic), []).append(r.score)
    return {
        "track": session.track, "level": session.level, "job_id": session.job_id,
        "overall": overall, "answered": len(session.results), "asked": len(session.questions),
        "by_topic": {t: round(float(np.mean(s)), 1) for t, s in topics.items()},
        "questions": [asdict(r) for r in session.results],
        "started_at": session.started_at, "finished_at": session.finished_at,
    }


def report_markdown(rep: dict) -> str:
    lines = [f"### Mock interview report: {rep['overall']:.0f}/100",
             f"{safe(rep['track'])} · {safe(rep['level'])} · {rep['answered']} of {rep['asked']} questions answered", ""]
    for i, q in enumerate(rep["questions"], 1):
        lines.append(f"**{i}. {safe(q['question'])}** — {q['score']:.0f}/100")
        lines += [f"- {safe(f)}" for f in q["feedback"]]
    return "\n".join(lines)

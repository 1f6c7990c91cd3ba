"""The interview corpus under data/coach/: structure, size, coverage per topic, and answers that carry
their own key points (the mock interview scores candidates against them, so a key point missing from its
reference answer would make the scoring unfair)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "coach"

MINIMUM_PER_TOPIC = {
    "software_engineering": 45,
    "behavioural": 50,
    "hr": 35,
    "oop_cpp": 45,
    "python": 45,
    "dsa": 45,
    "sql_databases": 40,
    "machine_learning": 40,
    "system_design": 30,
    "data_analysis": 30,
    "platform_help": 30,
    "cloud_devops": 25,
    "security": 25,
    "web_frontend": 25,
    "testing_qa": 25,
    "product_management": 25,
    "career": 25,
}
LEVELS = {"junior", "mid", "senior"}
FIELDS = {"id", "topic", "level", "question", "answer", "key_points", "star"}
STOP_WORDS = set("a an the of to in on and or for with by at as is are be it its your you we our from that "
                 "this into not no vs per".split())


def _records() -> list[tuple[str, int, dict]]:
    rows = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rows.append((path.name, number, json.loads(line)))
    return rows


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [r for _, _, r in _records()]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9+#]+", text.lower()) if w not in STOP_WORDS and len(w) > 1]


def _norm(word: str) -> str:
    # crude plural folding so "tests" matches "test"; prefixes of 5 letters fold "indexing"/"indexes"
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def key_point_coverage(key_point: str, answer: str) -> float:
    """Share of the key point's content words whose stem appears in the answer (1.0 for a literal match)."""
    if key_point.lower() in answer.lower():
        return 1.0
    wanted = _words(key_point)
    if not wanted:
        return 0.0
    present = [_norm(w) for w in _words(answer)]
    return sum(any(p.startswith(_norm(w)[:5]) for p in present) for w in wanted) / len(wanted)


def test_every_line_is_json_with_the_required_fields():
    rows = _records()
    assert rows, f"no corpus files in {CORPUS_DIR}"
    for name, number, rec in rows:
        where = f"{name}:{number}"
        assert set(rec) == FIELDS, f"{where}: fields {sorted(rec)}"
        for field in ("id", "topic", "level", "question", "answer"):
            assert isinstance(rec[field], str) and rec[field].strip(), f"{where}: empty {field}"
        assert isinstance(rec["star"], bool), where
        assert rec["level"] in LEVELS, f"{where}: level {rec['level']!r}"
        assert name == f"{rec['topic']}.jsonl", f"{where}: topic {rec['topic']!r} in the wrong file"


def test_ids_are_unique_and_match_their_topic(records):
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for r in records:
        assert re.fullmatch(rf"{re.escape(r['topic'])}-\d{{3}}", r["id"]), r["id"]


def test_questions_are_not_repeated(records):
    questions = Counter(r["question"].strip().lower() for r in records)
    assert not [q for q, n in questions.items() if n > 1]


def test_topics_are_known_and_each_has_its_minimum(records):
    counts = Counter(r["topic"] for r in records)
    assert set(counts) <= set(MINIMUM_PER_TOPIC), set(counts) - set(MINIMUM_PER_TOPIC)
    short = {t: (counts.get(t, 0), n) for t, n in MINIMUM_PER_TOPIC.items() if counts.get(t, 0) < n}
    assert not short, f"topics under their minimum (have, need): {short}"


def test_corpus_size(records):
    assert len(records) >= 400
    assert sum(len(r["question"]) + len(r["answer"]) for r in records) >= 150_000


def test_levels_are_spread(records):
    levels = Counter(r["level"] for r in records)
    for level in LEVELS:
        assert levels[level] >= 0.1 * len(records), levels


def test_behavioural_answers_follow_star(records):
    behavioural = [r for r in records if r["topic"] == "behavioural"]
    assert behavioural
    for r in behavioural:
        assert r["star"] is True, r["id"]
        positions = [r["answer"].find(cue) for cue in ("Situation", "Task", "Action", "Result")]
        assert all(p >= 0 for p in positions), f"{r['id']}: missing a STAR cue"
        assert positions == sorted(positions), f"{r['id']}: STAR cues out of order"
    assert all(r["star"] is False for r in records if r["topic"] != "behavioural")


def test_key_points_are_short_and_covered_by_their_answer(records):
    for r in records:
        points = r["key_points"]
        assert isinstance(points, list) and 3 <= len(points) <= 6, f"{r['id']}: {len(points)} key points"
        for point in points:
            assert isinstance(point, str) and 1 <= len(point.split()) <= 7, f"{r['id']}: {point!r}"
            coverage = key_point_coverage(point, r["answer"])
            assert coverage >= 0.6, f"{r['id']}: key point {point!r} only {coverage:.0%} present in the answer"


def test_key_point_check_can_fail():
    answer = "Use a hash map from value to index, giving O(n) time."
    assert key_point_coverage("hash map", answer) == 1.0
    assert key_point_coverage("O(n) time", answer) == 1.0
    assert key_point_coverage("indexes of values", answer) >= 0.6
    assert key_point_coverage("binary search tree", answer) == 0.0

"""The interview Q&A corpus: loading, validation, the fixed held-out split, and statistics.

The corpus is every ``*.jsonl`` file in data/coach/ (one JSON object a line: id, topic, question, answer,
key_points, star). The held-out split is stratified by topic and decided by a stable hash of each id, then
frozen in ``split.json`` beside the corpus: later additions are assigned by the same hash rule and appended,
so an id never moves between train and held-out, and the held-out pairs are never trained on.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.coach import paths

TOPICS = (
    "software_engineering", "behavioural", "hr", "oop_cpp", "python", "dsa", "sql_databases",
    "machine_learning", "system_design", "data_analysis", "platform_help",
    "cloud_devops", "security", "web_frontend", "testing_qa", "product_management", "career",
)
TOPIC_LABELS = {
    "software_engineering": "Software engineering", "behavioural": "Behavioural", "hr": "HR",
    "oop_cpp": "OOP and C++", "python": "Python", "dsa": "Data structures and algorithms",
    "sql_databases": "SQL and databases", "machine_learning": "Machine learning",
    "system_design": "System design", "data_analysis": "Data analysis", "platform_help": "Using JobExpressway",
    "cloud_devops": "Cloud and DevOps", "security": "Security", "web_frontend": "Web front-end and JavaScript",
    "testing_qa": "Testing and QA", "product_management": "Product and project management",
    "career": "Career and job search",
}
HELDOUT_FRACTION = 0.15
SPLIT_FILE = "split.json"


class CorpusError(ValueError):
    """The corpus is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class QAPair:
    id: str
    topic: str
    question: str
    answer: str
    key_points: tuple[str, ...] = ()
    star: bool = False
    difficulty: str | None = None   # junior | mid | senior (the corpus' "level")

    def to_dict(self) -> dict:
        return {"id": self.id, "topic": self.topic, "question": self.question, "answer": self.answer,
                "key_points": list(self.key_points), "star": self.star, "difficulty": self.difficulty}


@dataclass
class Corpus:
    pairs: list[QAPair]
    heldout_ids: set[str] = field(default_factory=set)

    @property
    def train(self) -> list[QAPair]:
        return [p for p in self.pairs if p.id not in self.heldout_ids]

    @property
    def heldout(self) -> list[QAPair]:
        return [p for p in self.pairs if p.id in self.heldout_ids]

    def by_id(self) -> dict[str, QAPair]:
        return {p.id: p for p in self.pairs}

    def fingerprint(self) -> str:
        """Changes whenever any pair or the split changes (used to key caches)."""
        h = hashlib.sha1()
        for p in self.pairs:
            h.update(json.dumps(p.to_dict(), sort_keys=True).encode())
        h.update(",".join(sorted(self.heldout_ids)).encode())
        return h.hexdigest()[:16]


def parse_pairs(lines: list[tuple[str, int, str]]) -> list[QAPair]:
    """Validate (file, line number, text) triples into pairs; every problem is reported at once."""
    pairs, errors, seen = [], [], {}
    for fname, lineno, text in lines:
        where = f"{fname}:{lineno}"
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc.msg})")
            continue
        missing = [k for k in ("id", "topic", "question", "answer") if not str(obj.get(k) or "").strip()]
        if missing:
            errors.append(f"{where}: missing {', '.join(missing)}")
            continue
        if obj["topic"] not in TOPICS:
            errors.append(f"{where}: unknown topic {obj['topic']!r}")
            continue
        if obj["id"] in seen:
            errors.append(f"{where}: duplicate id {obj['id']!r} (first at {seen[obj['id']]})")
            continue
        key_points = obj.get("key_points") or []
        if not isinstance(key_points, list) or not all(isinstance(k, str) for k in key_points):
            errors.append(f"{where}: key_points must be a list of strings")
            continue
        seen[obj["id"]] = where
        pairs.append(QAPair(
            id=str(obj["id"]), topic=obj["topic"], question=obj["question"].strip(), answer=obj["answer"].strip(),
            key_points=tuple(k.strip() for k in key_points if k.strip()), star=bool(obj.get("star", False)),
            difficulty=obj.get("level") or obj.get("difficulty"),
        ))
    if errors:
        shown = "\n  ".join(errors[:20])
        raise CorpusError(f"{len(errors)} problem(s) in the coach corpus:\n  {shown}")
    return pairs


def read_pairs(folder: Path | None = None) -> list[QAPair]:
    folder = Path(folder or paths.corpus_dir())
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise CorpusError(f"no coach corpus: no *.jsonl files in {folder}")
    lines = []
    for f in files:
        for i, text in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            lines.append((f.name, i, text))
    return parse_pairs(lines)


def _hash(pair_id: str) -> int:
    return int(hashlib.sha1(pair_id.encode()).hexdigest()[:12], 16)


def make_split(pairs: list[QAPair], fraction: float = HELDOUT_FRACTION) -> set[str]:
    """Stratified by topic: within each topic the ids with the smallest hash are held out."""
    heldout = set()
    for topic in TOPICS:
        ids = sorted((p.id for p in pairs if p.topic == topic), key=_hash)
        k = round(len(ids) * fraction)
        if len(ids) >= 3:
            k = max(k, 1)   # every topic is measured, even a small one
        heldout.update(ids[:k])
    return heldout


def assign_new(pair_id: str, fraction: float = HELDOUT_FRACTION) -> bool:
    """The hash rule for ids added after the split was frozen: held out when the hash falls below the fraction."""
    return (_hash(pair_id) % 10_000) < fraction * 10_000


def load_split(pairs: list[QAPair], folder: Path, *, write: bool = True) -> set[str]:
    """The frozen held-out ids. Creates split.json on first use; appends newly added ids by the hash rule."""
    path = Path(folder) / SPLIT_FILE
    ids = {p.id for p in pairs}
    if not path.exists():
        heldout = make_split(pairs)
        if write:
            _write_split(path, heldout, ids - heldout)
        return heldout
    data = json.loads(path.read_text())
    heldout, train = set(data.get("heldout_ids", [])), set(data.get("train_ids", []))
    new = ids - heldout - train
    if new:
        heldout |= {i for i in new if assign_new(i)}
        train |= {i for i in new if not assign_new(i)}
        if write:
            _write_split(path, heldout, train)
    return heldout & ids


def _write_split(path: Path, heldout: set[str], train: set[str]) -> None:
    path.write_text(json.dumps({
        "fraction": HELDOUT_FRACTION,
        "method": "stratified by topic, smallest sha1(id) held out; ids added later: sha1(id) % 10000 < fraction*10000",
        "heldout_ids": sorted(heldout), "train_ids": sorted(train),
    }, indent=1) + "\n")


def load_corpus(folder: Path | None = None, *, write_split: bool = True) -> Corpus:
    folder = Path(folder or paths.corpus_dir())
    pairs = read_pairs(folder)
    return Corpus(pairs=pairs, heldout_ids=load_split(pairs, folder, write=write_split))


def stats(corpus: Corpus) -> dict:
    per_topic = {}
    for t in TOPICS:
        ps = [p for p in corpus.pairs if p.topic == t]
        per_topic[t] = {"pairs": len(ps), "heldout": sum(p.id in corpus.heldout_ids for p in ps),
                        "chars": sum(len(p.question) + len(p.answer) for p in ps)}
    return {
        "pairs": len(corpus.pairs), "train": len(corpus.train), "heldout": len(corpus.heldout),
        "chars": sum(len(p.question) + len(p.answer) for p in corpus.pairs),
        "star_answers": sum(p.star for p in corpus.pairs),
        "mean_answer_words": round(sum(len(p.answer.split()) for p in corpus.pairs) / max(1, len(corpus.pairs)), 1),
        "topics": per_topic,
    }

"""Text for pretraining the coach GPT before it is fine-tuned on question-answer pairs.

Three sources, each a stream of plain-text documents:

- ``postings``: the real job postings under the shared data folder, read by engine.datasets.real (cleaned
  and de-duplicated there): title, then requirements, responsibilities and description. Development data:
  the text is used to train on, never shipped.
- ``onet``: O*NET 29.2 occupation titles and descriptions (CC BY 4.0, "O*NET 29.2 Database by the U.S.
  Department of Labor, Employment and Training Administration (USDOL/ETA), used under CC BY 4.0").
- ``coach``: the coach corpus' training pairs only; a held-out pair never enters pretraining text.

A missing source (no shared data folder on this machine) yields nothing, and the manifest says so.
Documents are de-duplicated across sources by their normalised text.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from engine import config
from engine.coach.corpus import Corpus, QAPair, load_corpus

SOURCES = ("postings", "onet", "coach")
ONET_OCCUPATIONS = Path("skills") / "onet_29_2" / "Occupation Data.txt"
LICENCES = {
    "postings": "public job-posting datasets under the shared data folder (see each SOURCE.md); development use",
    "onet": "O*NET 29.2 Database by the U.S. Department of Labor, Employment and Training Administration "
            "(USDOL/ETA), used under CC BY 4.0",
    "coach": "data/coach, the project's own corpus (training split only)",
}
MIN_CHARS = 40                   # shorter documents (a bare title) teach nothing about language


def posting_documents(limit: int | None = None) -> Iterator[str]:
    from engine.datasets.real import load_real_postings

    for p in load_real_postings(limit=limit):
        parts = [p.get("title") or "", p.get("requirements") or "", p.get("responsibilities") or "",
                 p.get("description") or ""]
        yield "\n".join(part.strip() for part in parts if part and part.strip())


def onet_documents(root: Path | None = None) -> Iterator[str]:
    root = root or config.shared_data_dir()
    path = root / ONET_OCCUPATIONS if root else None
    if not path or not path.is_file():
        return
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            title, description = (row.get("Title") or "").strip(), (row.get("Description") or "").strip()
            if title and description:
                yield f"{title}\n{description}"


def pair_document(pair: QAPair) -> str:
    """How a coach pair is written as a pretraining document."""
    return f"{pair.question}\n{pair.answer}"


def coach_documents(corpus: Corpus) -> Iterator[str]:
    for p in corpus.train:
        yield pair_document(p)


def text_key(text: str) -> str:
    """Documents with the same key are the same text (case and whitespace aside)."""
    return hashlib.sha1(re.sub(r"\s+", " ", text.lower()).strip().encode()).hexdigest()


def documents(sources: Iterable[str] = SOURCES, *, corpus: Corpus | None = None,
              posting_limit: int | None = None) -> Iterator[tuple[str, str]]:
    """(source, text) for every usable document, de-duplicated across sources."""
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown pretraining source(s) {sorted(unknown)}; choose from {', '.join(SOURCES)}")
    readers = {"postings": lambda: posting_documents(posting_limit), "onet": onet_documents,
               "coach": lambda: coach_documents(corpus or load_corpus(write_split=False))}
    seen: set[str] = set()
    for source in sources:
        for text in readers[source]():
            text = text.replace("\r\n", "\n").strip()
            key = text_key(text)
            if len(text) < MIN_CHARS or key in seen:
                continue
            seen.add(key)
            yield source, text


def build(out_dir: str | Path, sources: Iterable[str] = SOURCES, *, corpus: Corpus | None = None,
          posting_limit: int | None = None) -> dict:
    """Write pretrain.jsonl ({"source", "text"} a line) and manifest.json (counts, licences, checksum)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = tuple(sources)
    counts = {s: {"documents": 0, "characters": 0, "words": 0} for s in sources}
    digest = hashlib.sha256()
    with (out_dir / "pretrain.jsonl").open("w", encoding="utf-8") as fh:
        for source, text in documents(sources, corpus=corpus, posting_limit=posting_limit):
            line = json.dumps({"source": source, "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            digest.update(line.encode())
            c = counts[source]
            c["documents"] += 1
            c["characters"] += len(text)
            c["words"] += len(text.split())
    manifest = {
        "file": "pretrain.jsonl",
        "sha256": digest.hexdigest(),
        "sources": counts,
        "missing": [s for s in sources if counts[s]["documents"] == 0],
        "licences": {s: LICENCES[s] for s in sources},
        "totals": {k: sum(c[k] for c in counts.values()) for k in ("documents", "characters", "words")},
        "note": "held-out coach pairs are excluded; documents de-duplicated across sources by normalised text",
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def read_texts(out_dir: str | Path) -> Iterator[str]:
    with (Path(out_dir) / "pretrain.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]

"""`eval occupations`: held-out O*NET alternate titles -> occupation, every ranker side by side.

Queries are the alternate titles the table holds out (20% per occupation, see `table.py`); no ranker reads
them. Each ranker sees the same text of each occupation: its title, reported titles and the alternate
titles not held out. BM25 and TF-IDF index one document per occupation (all of those titles joined); the
encoders (pretrained MiniLM, Job-Rec-v1, Job-Rec-v2 = Job-Rec-v1 with its occupation head, and the O*NET
fine-tune when trained here) score an occupation by the best cosine to the few titles the product's matcher
reads (`match.occupation_titles`). Metrics: acc@1, acc@5, MRR@10.

The second part lists real postings' titles with the occupation the product's encoder gives them, for a
person to check (the count of right ones goes in docs/occupations.md).
"""
from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from engine import config
from engine.occupations.head import OccupationHead, head_for
from engine.occupations.match import OccupationMatcher
from engine.occupations.table import OccupationTable, load_table, title_key

SEED = 42
QUERIES = 2000       # held-out titles sampled (all 7,806 with --queries 0)
SPOT_CHECK = 100
JOB_REC_V2 = "Job-Rec-v2"   # Job-Rec-v1's encoder read through the occupation head (engine/occupations/head.py)
FINETUNE_FOLDER = "job-rec-onet-finetune"


def occupation_documents(table: OccupationTable) -> tuple[list[str], list[str]]:
    """(codes, one text per occupation: its title and every title a ranker may read)."""
    titles = table.training_titles()
    codes = [o.code for o in table.occupations]
    return codes, [". ".join([o.title, *titles.get(o.code, [])]) for o in table.occupations]


def _tokens(text: str) -> list[str]:
    return title_key(text).split()


def rank_bm25(table: OccupationTable) -> Callable[[list[str]], list[list[str]]]:
    from rank_bm25 import BM25Okapi

    codes, docs = occupation_documents(table)
    bm25 = BM25Okapi([_tokens(d) for d in docs])
    return lambda queries: [[codes[i] for i in np.argsort(-bm25.get_scores(_tokens(q)), kind="stable")[:10]]
                            for q in queries]


def rank_tfidf(table: OccupationTable) -> Callable[[list[str]], list[list[str]]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    codes, docs = occupation_documents(table)
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    matrix = vec.fit_transform(docs)

    def rank(queries: list[str]) -> list[list[str]]:
        sims = (vec.transform(queries) @ matrix.T).toarray()
        return [[codes[i] for i in np.argsort(-row, kind="stable")[:10]] for row in sims]
    return rank


def rank_encoder(encoder, table: OccupationTable, head: OccupationHead | None = None
                 ) -> Callable[[list[str]], list[list[str]]]:
    matcher = OccupationMatcher(encoder, table, show_progress=True, head=head)

    def rank(queries: list[str]) -> list[list[str]]:
        out = []
        for start in range(0, len(queries), 1024):   # (1024, 1016) scores at a time
            for row in matcher.scores(queries[start:start + 1024]):
                out.append([matcher.codes[i] for i in np.argsort(-row, kind="stable")[:10]])
        return out
    return rank


def score(rankings: list[list[str]], answers: list[set[str]]) -> dict:
    acc1 = np.mean([r[0] in a for r, a in zip(rankings, answers)])
    acc5 = np.mean([bool(set(r[:5]) & a) for r, a in zip(rankings, answers)])
    mrr = np.mean([next((1 / (i + 1) for i, c in enumerate(r[:10]) if c in a), 0.0) for r, a in zip(rankings, answers)])
    return {"acc@1": round(float(acc1), 4), "acc@5": round(float(acc5), 4), "MRR@10": round(float(mrr), 4)}


def encoders() -> dict[str, tuple[object, OccupationHead | None]]:
    """Every encoder present here, with the head it is read through: the pretrained MiniLM, Job-Rec-v1,
    Job-Rec-v2 (Job-Rec-v1 with its occupation head, when one for it is here) and the O*NET fine-tune when
    trained here."""
    from engine.recsys import embeddings
    from engine.recsys import encoder as enc

    out = {enc.PRETRAINED_NAME: (enc.load_encoder(enc.pretrained_path()), None)}
    v1 = enc.jobrec_path()   # trained here, else the shipped one
    if v1 is not None:
        jobrec = enc.load_encoder(v1)
        out[embeddings.JOB_REC] = (jobrec, None)
        head = head_for(jobrec.version)
        if head is not None:
            out[JOB_REC_V2] = (jobrec, head)
    if enc._has_weights(onet_finetune_path()):
        out[embeddings.ONET_FINETUNE] = (enc.load_encoder(onet_finetune_path()), None)
    return out


def onet_finetune_path() -> Path:
    return config.artifacts_dir() / "models" / FINETUNE_FOLDER


def held_out_queries(table: OccupationTable, n: int = QUERIES, seed: int = SEED) -> tuple[list[str], list[set[str]]]:
    held = sorted(table.held_out_titles().items())
    if n and n < len(held):
        held = random.Random(seed).sample(held, n)
    return [t for t, _ in held], [codes for _, codes in held]


def spot_check(n: int = SPOT_CHECK, seed: int = SEED) -> list[dict]:
    """`n` distinct real postings' titles with the occupation the product gives them (empty without data)."""
    from engine.occupations.jobs import match_titles
    from engine.recsys.evaldata import real_postings

    try:
        titles = sorted({j["title"].strip() for j in real_postings()})
    except FileNotFoundError:
        return []
    if not titles:
        return []
    picked = random.Random(seed).sample(titles, min(n, len(titles)))
    return [{"title": t, "code": m[0].code, "occupation": m[0].title, "confidence": m[0].confidence}
            for t, m in zip(picked, match_titles(picked))]


def eval_occupations(n_queries: int = QUERIES, log=print, write: bool = True, spot: int = SPOT_CHECK) -> dict:
    started = time.time()
    table = load_table()
    queries, answers = held_out_queries(table, n_queries)
    rankers: dict[str, Callable] = {"BM25": rank_bm25(table), "TF-IDF": rank_tfidf(table)}
    for name, (encoder, head) in encoders().items():
        rankers[name] = rank_encoder(encoder, table, head)
    results = {}
    for name, rank in rankers.items():
        if log:
            log(f"{name} on {len(queries)} held-out titles ...")
        t = time.time()
        results[name] = score(rank(queries), answers)
        results[name]["seconds"] = round(time.time() - t, 1)
    result = {
        "what": "held-out O*NET alternate titles -> occupation (1,016 classes); no ranker read these titles",
        "queries": len(queries),
        "held_out_titles": len(table.held_out_titles()),
        "results": results,
        "spot_check": spot_check(spot) if spot else [],
        "seconds": round(time.time() - started, 1),
    }
    if write:
        path = config.artifacts_dir() / "metrics" / "eval_occupations.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result

"""What the category classifiers read: a posting as several sentence vectors side by side.

The search index embeds one short job text (`text.job_text`: title, skills, education, the opening of the
description), cut to the encoder's window (Job-Rec-v1 reads 128 word pieces). That drops most of what says
which team a job belongs to: a Google posting's qualifications never reach it, and its responsibilities are
cut at 70 words.
For classification each posting is therefore read as parts, every part embedded whole:
  * the job text the index uses (`job_text`),
  * the title on its own,
  * the body (description and responsibilities) and the requirements, each split into windows of at most
    `CHUNK_WORDPIECES` word pieces (cut at word starts) whose vectors are averaged; at most `MAX_CHUNKS` windows.
Each part's vector is L2-normalised (zeros when the part is empty) and the parts are concatenated, so the SGD
head still reads nothing but encoder embeddings. The same construction serves every encoder (Job-Rec-v1 and
pretrained all-MiniLM-L6-v2), the evaluation and `suggest_category`.
"""
from __future__ import annotations

import numpy as np

from engine.recsys.text import clean, job_text

CHUNK_WORDPIECES = 126      # Job-Rec-v1's window is 128 word pieces including [CLS] and [SEP]
MAX_CHUNKS = 4              # per part: bounds the cost of one suggestion for a very long posting
PARTS = ("job_text", "title", "body", "requirements")
FEATURES_VERSION = "parts-v1:" + ",".join(PARTS)   # stored with a trained classifier


def part_texts(job: dict) -> dict[str, str]:
    """The texts of a posting's parts (an empty string for a part it lacks)."""
    description, responsibilities = clean(job.get("description")), clean(job.get("responsibilities"))
    if responsibilities and responsibilities[:80] in description:  # some sources repeat one text in both
        responsibilities = ""
    body = ". ".join(p.rstrip(". ") for p in (description, responsibilities) if p)
    return {"job_text": job_text(job), "title": clean(job.get("title")), "body": body,
            "requirements": clean(job.get("requirements"))}


def joined_text(job: dict) -> str:
    """Every part's text in one string (for the TF-IDF baseline: the same words the part vectors read)."""
    return ". ".join(t for t in part_texts(job).values() if t)


def _tokenizer():
    """The word-piece tokenizer every encoder here shares (Job-Rec-v1 is fine-tuned from all-MiniLM-L6-v2)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        import os

        from transformers import AutoTokenizer

        from engine.recsys.encoder import pretrained_path

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        _TOKENIZER = AutoTokenizer.from_pretrained(str(pretrained_path()))
    return _TOKENIZER


_TOKENIZER = None


def chunks(text: str, size: int = CHUNK_WORDPIECES, max_chunks: int = MAX_CHUNKS) -> list[str]:
    """`text` in windows of at most `size` word pieces, each cut where a word starts; [] for an empty text."""
    text = text.strip()
    if not text:
        return []
    offsets = _tokenizer()(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    if len(offsets) <= size:
        return [text]
    out, start = [], 0
    while start < len(offsets) and len(out) < max_chunks:
        end = min(start + size, len(offsets))
        if end < len(offsets):
            cut = end
            while cut > start + 1 and offsets[cut][0] == offsets[cut - 1][1]:  # a word piece glued to the last
                cut -= 1
            end = cut
        out.append(text[offsets[start][0]:offsets[end - 1][1]])
        start = end
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _embed(texts: list[str], model: str, show_progress: bool, cache: bool) -> np.ndarray:
    """One posting's handful of windows (a suggestion) goes in groups of similar length of at most SMALL texts:
    each group runs on one thread with little padding, measured several times faster on the shared 2 cores
    than one padded batch on two threads. Many postings (training, evaluation) go as one batch."""
    from engine.recsys import embeddings
    from engine.recsys.encoder import DIM, SMALL_BATCH as SMALL   # the encoder's one-thread cut-off

    if len(texts) <= SMALL or len(texts) > 4 * SMALL:
        return embeddings.embed(texts, model, show_progress=show_progress, cache=cache)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for at in range(0, len(order), SMALL):
        group = order[at:at + SMALL]
        out[group] = embeddings.embed([texts[i] for i in group], model, cache=cache)
    return out


def features(jobs: list[dict], model: str, show_progress: bool = False, cache: bool = True,
             parts: tuple[str, ...] = PARTS) -> np.ndarray:
    """(n, 384 x len(parts)) float32: each posting's part vectors by encoder `model`, side by side.
    All windows of all postings go to the encoder together (`_embed`)."""
    pieces: list[list[list[str]]] = []          # posting -> part -> windows
    for job in jobs:
        texts = part_texts(job)
        pieces.append([[texts[p]] if p in ("job_text", "title") and texts[p] else chunks(texts[p]) for p in parts])
    flat = [w for job in pieces for part in job for w in part]
    vectors = _embed(flat, model, show_progress, cache)
    dim = vectors.shape[1]
    out = np.zeros((len(jobs), dim * len(parts)), dtype=np.float32)
    at = 0
    for row, job in enumerate(pieces):
        for col, part in enumerate(job):
            if part:
                out[row, col * dim:(col + 1) * dim] = _unit(vectors[at:at + len(part)].mean(axis=0))
                at += len(part)
    return out

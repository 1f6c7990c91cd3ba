"""Could the coach GPT earn its place some other way than writing one answer? Two roles, measured on the
fine-tuning's dev questions (retrieving from the other training pairs; no held-out answer is read):

- best of N: N sampled retrieval+gpt answers (plain, and with copying from the sources at 0.5), the one
  kept that sits nearest the centroid of the retrieved answers' embeddings (what the evidence agrees on,
  known at answer time); "oracle" keeps the one nearest the reference, an upper bound no product can reach.
- reranking: the GPT orders the top-10 retrieved answers by how much the question raises their likelihood
  (pointwise mutual information per token: log p(answer | question) - log p(answer), so a short or generic
  answer is not favoured), alone or added to the retrieval score.

Every row is scored like `eval coach`: mean cosine to the reference answer, and beyond the question
(evaluate.beyond_question), beside retrieval's best answer and what repeating the question would score.
JSON to artifacts/bench/coach-gpt-roles.json.

    .venv/bin/python bench/coach_gpt_roles.py [--limit 60] [--samples 6]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.coach import finetune, retrieval, train  # noqa: E402
from engine.coach.corpus import load_corpus  # noqa: E402
from engine.coach.evaluate import beyond_question  # noqa: E402
from engine.coach.generate import Sampling, load_generator  # noqa: E402
from engine.coach.pretrain import shown  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "artifacts" / "bench" / "coach-gpt-roles.json"
RERANK_K = 10
DECODINGS = {"retrieval+gpt": Sampling(), "retrieval+gpt, copy 0.5": Sampling(copy=0.5)}


def answer_logprobs(generator, question: str, answers: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per answer, the sum of log-probabilities of its tokens (and <eos>) after the plain prompt of question,
    laid out as fine-tuning rows are (finetune.example), and how many tokens that sums."""
    tok = generator.tokenizer
    rows = [finetune.example(tok, tok.encode_pair(question), a, generator.config.seq_len) for a in answers]
    x, y = np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows])
    probs = generator.model.predict(x, batch_size=16, verbose=0)
    scored = y != 0
    logp = np.log(np.take_along_axis(probs, y[..., None], -1)[..., 0] + 1e-12)
    return np.where(scored, logp, 0.0).sum(axis=1), scored.sum(axis=1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--limit", type=int, default=60, help="dev questions for best-of-N (reranking uses all)")
    p.add_argument("--samples", type=int, default=6, help="N answers sampled per question")
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)
    started, load = time.time(), os.getloadavg()[0]
    corpus = load_corpus(write_split=False)
    fit, dev = train.dev_split(corpus.train)
    index, generator = retrieval.Retriever(fit), load_generator()
    questions = retrieval.encode([q.question for q in dev])
    references = retrieval.encode([q.answer for q in dev])
    scores: dict[str, list[tuple[float, float]]] = {}

    def record(row: str, i: int, vector: np.ndarray) -> None:
        beyond = beyond_question(vector[None], references[i:i + 1], questions[i:i + 1])[0]
        scores.setdefault(row, []).append((float(vector @ references[i]), float(beyond)))

    for i, pair in enumerate(tqdm(dev, desc="rerank")):
        hits = index.search(pair.question, RERANK_K, vector=questions[i])
        answers = retrieval.encode([h.answer for h, _ in hits])
        record("retrieval (best answer)", i, answers[0])
        record("the question itself", i, questions[i])
        given, tokens = answer_logprobs(generator, pair.question, [h.answer for h, _ in hits])
        alone, _ = answer_logprobs(generator, "", [h.answer for h, _ in hits])
        pmi = (given - alone) / tokens
        found = np.array([s for _, s in hits])
        record(f"GPT reranks top {RERANK_K} (PMI per token)", i, answers[int(np.argmax(pmi))])
        record("GPT reranks top 3 (PMI per token)", i, answers[int(np.argmax(pmi[:3]))])
        record(f"retrieval score + PMI, top {RERANK_K}", i, answers[int(np.argmax(found + pmi))])
        record(f"oracle of top {RERANK_K} retrieved", i, answers[int(np.argmax(answers @ references[i]))])

    for i, pair in enumerate(tqdm(dev[:args.limit], desc="best of N")):
        hits = index.search(pair.question, 3, vector=questions[i])
        sources = [(h.question, h.answer) for h, _ in hits]
        retrieved = retrieval.encode([a for _, a in sources])
        record("retrieval (best answer), on these questions", i, retrieved[0])
        centroid = retrieved.mean(axis=0)
        for name, sampling in DECODINGS.items():
            texts = [generator.generate(pair.question, sources, replace(sampling, seed=1000 * i + j)) or "-"
                     for j in range(args.samples)]
            vectors = retrieval.encode(texts)
            record(f"{name}: one sample", i, vectors[0])
            record(f"{name}: best of {args.samples} by the sources' centroid", i, vectors[int(np.argmax(vectors @ centroid))])
            record(f"{name}: oracle of {args.samples}", i, vectors[int(np.argmax(vectors @ references[i]))])

    rows = {name: {"questions": len(v), "similarity": round(float(np.mean([s for s, _ in v])), 3),
                   "beyond_question": round(float(np.mean([b for _, b in v])), 3)} for name, v in scores.items()}
    result = {"bench": "coach GPT roles", "model": shown(generator.folder), "dev_questions": len(dev),
              "best_of_n_questions": min(args.limit, len(dev)), "samples": args.samples, "rows": rows,
              "seconds": round(time.time() - started, 1), "load_average_1m_at_start": round(load, 2),
              "cpu_count": os.cpu_count()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    for name, row in rows.items():
        print(f"{name:58s} {row['similarity']:.3f}  beyond the question {row['beyond_question']:.3f}  (n={row['questions']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

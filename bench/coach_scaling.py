"""Coach GPT scaling runs (issue #20): a byte-level BPE tokenizer learnt from the pretraining text, then for
each model shape (width x depth x context) pretraining on that text and fine-tuning on the coach's training
pairs, each within a budget of two-core CPU minutes; held-out perplexity and bits per character after each
phase. Writes artifacts/bench/coach_scaling.json. Never touches the shipped model.

    python -m engine coach-pretrain-text --out artifacts/coach/pretrain
    python bench/coach_scaling.py --pretrain-dir artifacts/coach/pretrain --shapes 128x2x128 \
        --pretrain-minutes 4 --finetune-minutes 2
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.coach import pretrain_text, train  # noqa: E402
from engine.coach.bpe import BPETokenizer  # noqa: E402
from engine.coach.corpus import load_corpus  # noqa: E402


def document_stream(texts: list[str], tokenizer, seed: int) -> list[int]:
    order = np.random.default_rng(seed).permutation(len(texts))
    stream: list[int] = []
    for i in order:
        stream += [tokenizer.bos_id, *tokenizer.encode(texts[i]), tokenizer.eos_id]
    return stream


def fit_within(model, x, y, minutes: float, batch_size: int) -> dict:
    """Train until the budget of CPU time / 2 (wall time on two free cores) is spent; returns what ran."""
    import keras

    cpu0, wall0 = time.process_time(), time.time()
    steps = {"n": 0}

    class Budget(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            steps["n"] += 1
            if (time.process_time() - cpu0) / 2 / 60 > minutes:
                self.model.stop_training = True

    model.fit(x, y, batch_size=batch_size, epochs=1000, shuffle=True, callbacks=[Budget()], verbose=0)
    return {"steps": steps["n"], "tokens_seen": steps["n"] * batch_size * x.shape[1],
            "two_core_minutes": round((time.process_time() - cpu0) / 2 / 60, 2),
            "wall_minutes": round((time.time() - wall0) / 60, 2)}


def held_out(model, tokenizer, pairs, seq_len: int, seed: int) -> dict:
    x, y = train.windows(train.token_stream(pairs, tokenizer, seed), seq_len, seq_len)
    m = train.measure(model, x, y)
    return {"perplexity": round(m["perplexity"], 2), "loss": round(m["loss"], 4), "tokens": m["tokens"],
            "bits_per_char": round(train.bits_per_char(m, train.pair_chars(pairs)), 4),
            "next_token_accuracy": round(m["accuracy"], 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pretrain-dir", required=True, help="the folder `coach-pretrain-text` wrote")
    ap.add_argument("--shapes", default="128x2x128", help="comma-separated WIDTHxDEPTHxCONTEXT")
    ap.add_argument("--vocab", type=int, default=4096)
    ap.add_argument("--pretrain-minutes", type=float, default=4.0)
    ap.add_argument("--finetune-minutes", type=float, default=2.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--out", default="artifacts/bench/coach_scaling.json")
    args = ap.parse_args(argv)

    from engine.coach import model as gpt

    corpus = load_corpus(write_split=False)
    fit_pairs, _ = train.dev_split(corpus.train)
    texts = list(pretrain_text.read_texts(args.pretrain_dir))
    started = time.time()
    tokenizer = BPETokenizer.fit(texts, args.vocab)
    pre_stream = document_stream(texts, tokenizer, 1337)
    ft_stream = train.token_stream(fit_pairs, tokenizer, 1337)
    print(f"tokenizer {len(tokenizer)} in {time.time() - started:.0f}s; pretraining stream {len(pre_stream):,} "
          f"tokens, fine-tuning stream {len(ft_stream):,} tokens", flush=True)
    rows = []
    for shape in args.shapes.split(","):
        width, depth, context = (int(v) for v in shape.lower().split("x"))
        config = gpt.CoachConfig(tokenizer="bpe", vocab_size=len(tokenizer), seq_len=context, d_model=width,
                                 n_layers=depth, n_heads=max(1, width // 32), d_ff=4 * width, dropout=0.1,
                                 batch_size=args.batch_size)
        model = gpt.build_model(config)
        row = {"shape": shape, "width": width, "depth": depth, "context": context,
               "parameters": int(model.count_params()), "weights_mb": round(model.count_params() * 4 / 1e6, 2)}
        if args.pretrain_minutes > 0:
            x, y = train.windows(pre_stream, context, context)
            row["pretrain"] = fit_within(model, x, y, args.pretrain_minutes, args.batch_size)
            row["heldout_after_pretrain"] = held_out(model, tokenizer, corpus.heldout, context, 1337)
        x, y = train.windows(ft_stream, context, context // 2)
        row["finetune"] = fit_within(model, x, y, args.finetune_minutes, args.batch_size)
        row["heldout_after_finetune"] = held_out(model, tokenizer, corpus.heldout, context, 1337)
        rows.append(row)
        print(json.dumps(row), flush=True)
    result = {"corpus_pairs": len(corpus.pairs), "heldout_pairs": len(corpus.heldout), "vocab": len(tokenizer),
              "pretrain_documents": len(texts), "pretrain_tokens": len(pre_stream), "finetune_tokens": len(ft_stream),
              "budget_note": "minutes are CPU time / 2 (wall time on two free cores)", "runs": rows}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

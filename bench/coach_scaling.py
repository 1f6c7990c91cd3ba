"""Coach GPT scaling table (issue #20): which model shape learns the pretraining text best for the same CPU
time? Every configuration (width x layers x context) pretrains from a fresh start for the same budget of CPU
minutes, with the code of `python -m engine train coach --stage pretrain` (engine.coach.pretrain.run), and
is measured at fractions of the budget on the dev documents and the held-out QA pairs (loss and bits per
character), so that held-out loss per CPU-minute can be read. Nothing is saved but the table: the shape
chosen here is then pretrained with the full budget by the command.

    python -m engine coach-pretrain-text                    # the text, once (artifacts/coach/pretrain)
    python bench/coach_scaling.py --cpu-minutes 4           # the configurations below -> artifacts/bench/coach_scaling.json
    python bench/coach_scaling.py --configs 128x2x128,192x4x256 --cpu-minutes 10
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from engine import config as engine_config  # noqa: E402
from engine.coach import pretrain  # noqa: E402
from engine.coach.budget import Budget  # noqa: E402
from engine.coach.corpus import load_corpus  # noqa: E402

# width x layers x context: widths 128/192/256, 2 or 4 layers, 128 or 256 tokens of context; the first is the
# shape of the first pretraining run, the fourth the command's default. 256x4x256 is left out: its weights
# (21 MB with 4,096 tokens) would be over the 20 MB that may ship.
CONFIGS = ("128x2x128", "128x4x256", "192x2x256", "192x4x256", "256x2x256")
POINTS = 4                        # the curve is measured at 1/4, 2/4, 3/4 and the whole budget


def parse(shape: str) -> tuple[int, int, int]:
    try:
        width, layers, context = (int(v) for v in shape.lower().split("x"))
    except ValueError:
        raise SystemExit(f"bad configuration {shape!r}: write WIDTHxLAYERSxCONTEXT, e.g. 192x4x256") from None
    return width, layers, context


def run_config(shape: str, data: pretrain.PretrainData, heldout, cpu_minutes: float, *, batch_size: int,
               points: int = POINTS, progress: bool = False) -> dict:
    """Pretrain one configuration for the budget; its row of the table, with the curve."""
    from engine.coach.model import SHIP_LIMIT_MB

    width, layers, context = parse(shape)
    config = pretrain.shape_config(width, layers, context, vocab_size=len(data.tokenizer), batch_size=batch_size)
    _, report = pretrain.run(config, data, heldout, Budget(cpu_minutes), eval_every_minutes=cpu_minutes / points,
                             progress=progress)
    import keras

    keras.backend.clear_session()                        # the next shape starts from a clean graph
    t, held = report["training"], report["heldout"] or {}
    return {"config": shape, "d_model": width, "layers": layers, "seq_len": context, "heads": config.n_heads,
            "parameters": report["parameters"], "weights_mb": report["weights_mb"],
            "fits_ship_limit": report["weights_mb"] <= SHIP_LIMIT_MB,
            "steps": t["steps"], "tokens_seen": t["tokens_seen"], "passes": t["passes"], "cpu_minutes": t["cpu_minutes"],
            "eval_cpu_minutes": t["eval_cpu_minutes"], "wall_minutes": t["wall_minutes"],
            "dev_loss": round(report["dev"]["loss"], 4), "dev_bits_per_char": round(report["dev"]["bits_per_char"], 4),
            "heldout_loss": round(held["loss"], 4) if held else None,
            "heldout_bits_per_char": round(held["bits_per_char"], 4) if held else None,
            "heldout_perplexity": round(held["perplexity"], 2) if held else None,
            "curve": [{"fraction": round(p["cpu_minutes"] / cpu_minutes, 2),
                       **{k: p.get(k) for k in ("cpu_minutes", "step", "tokens_seen", "loss", "dev_loss",
                                                 "dev_bits_per_char", "heldout_bits_per_char")}}
                      for p in report["curve"]]}


def markdown(rows: list[dict], points: int = POINTS) -> str:
    marks = [f"dev loss at {i}/{points}" for i in range(1, points)]
    head = ["config", "parameters", "weights MB", "steps", "tokens seen", "CPU min", *marks, "dev loss",
            "dev bits/char", "held-out QA bits/char"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        at = [next((f"{p['dev_loss']:.3f}" for p in r["curve"] if p["fraction"] >= i / points), "")
              for i in range(1, points)]
        held = f"{r['heldout_bits_per_char']:.3f}" if r["heldout_bits_per_char"] is not None else ""
        size = f"{r['weights_mb']:.1f}" + ("" if r["fits_ship_limit"] else " (too big to ship)")
        cells = [r["config"], f"{r['parameters']:,}", size,
                 str(r["steps"]), f"{r['tokens_seen']:,}", f"{r['cpu_minutes']:.1f}", *at, f"{r['dev_loss']:.3f}",
                 f"{r['dev_bits_per_char']:.3f}", held]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpu-minutes", type=float, default=4.0, help="training budget of each configuration, in "
                    "this process's CPU minutes (not divided by the cores; measuring excluded)")
    ap.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated WIDTHxLAYERSxCONTEXT")
    ap.add_argument("--text", default=None, help="the folder `coach-pretrain-text` wrote (default artifacts/coach/pretrain)")
    ap.add_argument("--vocab", type=int, default=4096, help="BPE vocabulary, one tokenizer for every configuration")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--points", type=int, default=POINTS, help="measure the curve this many times per budget")
    ap.add_argument("--out", default=None, help="default artifacts/bench/coach_scaling.json")
    args = ap.parse_args(argv)

    import keras
    import tensorflow as tf

    shapes = [s.strip() for s in args.configs.split(",") if s.strip()]
    for shape in shapes:
        parse(shape)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "keras": keras.__version__,
               "tensorflow": tf.__version__, "load_average_at_start": [round(v, 2) for v in os.getloadavg()]}
    started = time.time()
    corpus = load_corpus(write_split=False)
    data = pretrain.prepare(args.text or pretrain.text_dir(), corpus, pretrain.shape_config(vocab_size=args.vocab))
    print(f"tokenizer {len(data.tokenizer)} tokens; {len(data.documents.train):,} documents "
          f"({len(data.train_stream):,} tokens), {len(data.documents.dev)} dev documents; "
          f"{len(shapes)} configurations x {args.cpu_minutes} CPU minutes", flush=True)
    rows = []
    for shape in shapes:
        rows.append(run_config(shape, data, corpus.heldout, args.cpu_minutes, batch_size=args.batch_size,
                               points=args.points, progress=sys.stderr.isatty()))
        print(json.dumps({k: v for k, v in rows[-1].items() if k != "curve"}), flush=True)
    machine["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    result = {
        "what": "held-out loss per CPU-minute of pretraining, one fresh model per configuration",
        "cpu_minutes_each": args.cpu_minutes,
        "budget_note": "this process's CPU time (every thread, not divided by the cores); measuring the curve "
                       "is excluded (eval_cpu_minutes)",
        "vocab": len(data.tokenizer), "batch_size": args.batch_size,
        "text": {"documents": len(data.documents.train), "dev_documents": len(data.documents.dev),
                 "kept_out_documents": data.documents.kept_out, "train_tokens": len(data.train_stream),
                 "dev_tokens": len(data.dev_stream)},
        "heldout_pairs": len(corpus.heldout),
        "machine": machine,
        "wall_minutes": round((time.time() - started) / 60, 2),
        "runs": rows,
    }
    out = Path(args.out) if args.out else engine_config.artifacts_dir() / "bench" / "coach_scaling.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(markdown(rows, args.points))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

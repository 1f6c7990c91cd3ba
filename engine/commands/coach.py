"""Coach commands: `train coach`, `eval coach` (targets of the shared train/eval commands), `chat TEXT` and
`coach-pretrain-text` (the pretraining text, written under artifacts/coach/pretrain by default)."""
from __future__ import annotations

from engine.commands import register_evaluator, register_trainer


def _train_arguments(p) -> None:
    p.add_argument("--tiny", action="store_true", help="a tiny model that trains in seconds (for tests)")
    p.add_argument("--epochs", type=int, default=None, help="maximum epochs (default from CoachConfig)")
    p.add_argument("--max-minutes", type=float, default=None, help="budget in CPU minutes / 2 (default 8)")
    p.add_argument("--max-wall-minutes", type=float, default=None, help="also stop after this wall time")
    p.add_argument("--ship", action="store_true", help="then ship it (artifacts/models/shipped/coach-gpt)")


def _eval_arguments(p) -> None:
    p.add_argument("--limit", type=int, default=None, help="evaluate on the first N held-out questions only")


def train_coach(args) -> int:
    from engine.cli import print_json
    from engine.coach import model, train

    config = model.CoachConfig.tiny() if args.tiny else model.CoachConfig()
    if args.epochs:
        config.epochs = args.epochs
    if args.max_minutes:
        config.max_minutes = args.max_minutes
    if args.max_wall_minutes:
        config.max_wall_minutes = args.max_wall_minutes
    metrics = train.train(config, verbose=not args.json)
    if args.ship:
        from engine.commands.models import report, ship

        report(ship("coach"))
    if args.json:
        print_json({k: v for k, v in metrics.items() if k not in ("history", "confusion_top30_heldout")})
    return 0


def eval_coach(args) -> int:
    from engine.cli import print_json
    from engine.coach import evaluate

    result = evaluate.run(limit=args.limit, progress=not args.json)
    if args.json:
        print_json(result)
    else:
        for mode, score in result["similarity"].items():
            print(f"{mode:>14}: mean similarity {score:.3f}")
        print(f"default mode (auto): {result['best_mode']}")
    return 0


def chat(args) -> int:
    from engine.cli import CommandError, print_json
    from engine.coach import retrieval

    if not args.text.strip():
        raise CommandError("ask a question, e.g. python -m engine chat \"What is a Python decorator?\"")
    reply = retrieval.answer(args.text, mode=args.mode)
    if args.json:
        print_json({"answer": reply.text, "sources": reply.sources, "mode": reply.mode, "notice": reply.notice})
    else:
        if reply.notice:
            print(f"({reply.notice})")
        print(reply.text)
        for s in reply.sources:
            print(f"  source {s['id']} ({s['score']:.2f}): {s['question']}")
    return 0


register_trainer("coach", train_coach, "train the interview-coach GPT from scratch", _train_arguments)
register_evaluator("coach", eval_coach, "held-out similarity of GPT, retrieval and retrieval+GPT answers", _eval_arguments)


def register(sub, common) -> None:
    p = sub.add_parser("chat", parents=[common], help="ask the interview coach a question")
    p.add_argument("text")
    p.add_argument("--mode", default="auto", choices=["auto", "gpt", "retrieval", "retrieval+gpt"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=chat)

    p = sub.add_parser("coach-pretrain-text", parents=[common],
                       help="gather the coach GPT's pretraining text (postings, O*NET, coach training pairs)")
    p.add_argument("--out", default=None, help="folder for pretrain.jsonl and manifest.json")
    p.add_argument("--sources", nargs="+", default=None, help="any of: postings onet coach (default: all)")
    p.add_argument("--posting-limit", type=int, default=None, help="at most this many postings")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=pretrain_text)


def pretrain_text(args) -> int:
    from engine.cli import CommandError, print_json
    from engine.coach import paths
    from engine.coach import pretrain_text as text

    out = args.out or paths.artifacts() / "pretrain"
    try:
        manifest = text.build(out, args.sources or text.SOURCES, posting_limit=args.posting_limit)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        print_json(manifest)
    else:
        for source, c in manifest["sources"].items():
            print(f"{source:>9}: {c['documents']:,} documents, {c['words']:,} words")
        if manifest["missing"]:
            print(f"no text from: {', '.join(manifest['missing'])} (is the shared data folder here?)")
        print(f"written to {out}")
    return 0

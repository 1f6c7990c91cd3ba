"""Coach commands: `train coach` (`--stage scratch|pretrain|finetune`), `eval coach` (targets of the shared
train/eval commands), `chat TEXT`, `coach-judgement sheet|record` (the blind judgement of answer modes) and
`coach-pretrain-text` (the pretraining text, written under artifacts/coach/pretrain by default)."""
from __future__ import annotations

from engine.commands import register_evaluator, register_trainer

STAGES = ("scratch", "pretrain", "finetune")
STAGE_OPTIONS = {                 # options that mean something at some stages only
    "--tiny": ("scratch", "pretrain"), "--epochs": ("scratch", "finetune"), "--max-minutes": ("scratch",),
    "--max-cpu-minutes": ("pretrain", "finetune"), "--max-steps": ("pretrain",),
    "--pretrained": ("pretrain", "finetune"), "--text": ("pretrain",),
    "--d-model": ("pretrain",), "--layers": ("pretrain",), "--seq-len": ("pretrain",), "--vocab": ("pretrain",),
    "--eval-every": ("pretrain",), "--ship": ("scratch", "finetune"),
}


def _train_arguments(p) -> None:
    p.description = ("Train the interview-coach GPT. scratch (the default): on the corpus' training pairs alone, "
                     "into artifacts/coach. pretrain: on the text of `python -m engine coach-pretrain-text`, into "
                     "artifacts/coach/pretrained. finetune: from the pretrained model, on the training pairs laid "
                     "out as the answer modes prompt it (plain, and after 3 retrieved pairs), into artifacts/coach, "
                     "where the coach loads it.")
    p.add_argument("--stage", choices=STAGES, default="scratch", help="scratch (default), pretrain or finetune")
    p.add_argument("--tiny", action="store_true", help="a tiny model that trains in seconds (tests; scratch, pretrain)")
    p.add_argument("--epochs", type=int, default=None, help="maximum epochs (default from CoachConfig; scratch, finetune)")
    p.add_argument("--max-minutes", type=float, default=None, help="scratch: budget in CPU minutes / 2 (default 8)")
    p.add_argument("--max-cpu-minutes", type=float, default=None,
                   help="pretrain, finetune: budget of this process's CPU time, not divided by the cores "
                        "(default 60 for pretrain, 20 for finetune)")
    p.add_argument("--max-steps", type=int, default=None,
                   help="pretrain: stop after this many steps instead (the same training on a busy machine, where "
                        "waiting threads eat CPU minutes); with --max-cpu-minutes, whichever comes first")
    p.add_argument("--max-wall-minutes", type=float, default=None, help="also stop after this wall time")
    p.add_argument("--text", default=None, help="pretrain: the folder `coach-pretrain-text` wrote "
                                                "(default artifacts/coach/pretrain)")
    p.add_argument("--pretrained", default=None, help="pretrain writes, finetune reads the pretrained model here "
                                                      "(default artifacts/coach/pretrained)")
    p.add_argument("--d-model", type=int, default=None, help="pretrain: width, a multiple of 32 (default 192)")
    p.add_argument("--layers", type=int, default=None, help="pretrain: decoder blocks (default 4)")
    p.add_argument("--seq-len", type=int, default=None, help="pretrain: context window in tokens (default 256)")
    p.add_argument("--vocab", type=int, default=None, help="pretrain: BPE vocabulary size (default 4096)")
    p.add_argument("--eval-every", type=int, default=None,
                   help="pretrain: measure dev and held-out loss every N steps (default 100)")
    p.add_argument("--ship", action="store_true",
                   help="then ship it (artifacts/models/shipped/coach-gpt; scratch, finetune)")


def _eval_arguments(p) -> None:
    p.add_argument("--limit", type=int, default=None, help="evaluate on the first N held-out questions only")
    p.add_argument("--split", choices=["heldout", "dev"], default="heldout",
                   help="dev: the fine-tuning's dev questions, to choose decoding settings (writes nothing)")
    p.add_argument("--copy", type=float, default=None,
                   help="weight of copying from the sources (default the product's)")
    p.add_argument("--no-repeat-ngram", type=int, default=None, help="never repeat an n-gram (0 = off)")
    p.add_argument("--temperature", type=float, default=None, help="sampling temperature (0 = greedy)")


def train_coach(args) -> int:
    from engine.cli import CommandError, print_json

    wrong = [option for option, stages in STAGE_OPTIONS.items()
             if getattr(args, option[2:].replace("-", "_")) not in (None, False) and args.stage not in stages]
    if wrong:
        raise CommandError(f"not an option of --stage {args.stage}: {', '.join(wrong)}")
    if args.stage == "pretrain":
        metrics = _pretrain(args)
    elif args.stage == "finetune":
        from engine.coach import finetune

        metrics = finetune.finetune(pretrained=args.pretrained, cpu_minutes=args.max_cpu_minutes or finetune.CPU_MINUTES,
                                    wall_minutes=args.max_wall_minutes, max_epochs=args.epochs,
                                    progress=not args.json, verbose=not args.json)
    else:
        metrics = _scratch(args)
    if args.ship:
        from engine.commands.models import report, ship

        report(ship("coach"))
    if args.json:
        print_json({k: v for k, v in metrics.items() if k not in ("history", "curve", "confusion_top30_heldout")})
    return 0


def _scratch(args) -> dict:
    from engine.coach import model, train

    config = model.CoachConfig.tiny() if args.tiny else model.CoachConfig()
    if args.epochs:
        config.epochs = args.epochs
    if args.max_minutes:
        config.max_minutes = args.max_minutes
    if args.max_wall_minutes:
        config.max_wall_minutes = args.max_wall_minutes
    return train.train(config, verbose=not args.json)


def _pretrain(args) -> dict:
    from engine.coach import model, pretrain

    shape = {k: v for k, v in (("d_model", args.d_model), ("n_layers", args.layers), ("seq_len", args.seq_len),
                                ("vocab_size", args.vocab)) if v}
    config = model.CoachConfig.tiny(**shape) if args.tiny else pretrain.shape_config(**shape)
    config.max_wall_minutes = args.max_wall_minutes
    return pretrain.pretrain(config, text_folder=args.text, out_dir=args.pretrained,
                             cpu_minutes=args.max_cpu_minutes or (None if args.max_steps else pretrain.CPU_MINUTES),
                             max_steps=args.max_steps,
                             eval_every=args.eval_every or pretrain.EVAL_EVERY, progress=not args.json,
                             verbose=not args.json)


def eval_coach(args) -> int:
    from engine.cli import print_json
    from engine.coach import evaluate

    from dataclasses import replace

    from engine.coach.retrieval import ANSWER_SAMPLING

    chosen = {"copy": args.copy, "no_repeat_ngram": args.no_repeat_ngram, "temperature": args.temperature}
    sampling = replace(ANSWER_SAMPLING, **{k: v for k, v in chosen.items() if v is not None})
    result = evaluate.run(limit=args.limit, progress=not args.json, split=args.split, sampling=sampling)
    if args.json:
        print_json(result)
    else:
        for mode, score in result["similarity"].items():
            print(f"{mode:>14}: mean similarity {score:.3f}, beyond the question "
                  f"{result['similarity_beyond_question'][mode]:.3f}")
        print(f"{'the question':>14}: mean similarity {result['question_echo']['question_itself']:.3f} "
              "(what repeating it would score)")
        leads = evaluate.topics_where_gpt_leads(result["by_topic"])
        print(f"topics where a GPT mode leads retrieval on both: {', '.join(leads) or 'none'} "
              f"(of {len(result['by_topic'])})")
        print(f"default mode (auto): {result['best_mode']}")
    return 0


def judge(args) -> int:
    import json

    from engine.cli import CommandError, print_json
    from engine.coach import judgement, paths
    from engine.coach.retrieval import EVAL_FILE

    if args.action == "sheet":
        saved = paths.artifacts() / EVAL_FILE
        if not saved.is_file():
            raise CommandError("no saved evaluation: run `python -m engine eval coach` first")
        out = judgement.write_sheet(json.loads(saved.read_text()), n=args.questions or judgement.QUESTIONS)
        print(f"give {out / judgement.SHEET_FILE} (and nothing else) to the judge; keep {out / judgement.KEY_FILE} apart")
        return 0
    if not args.verdicts:
        raise CommandError("record needs the judge's file: python -m engine coach-judgement record VERDICTS")
    try:
        result = judgement.record(args.verdicts)
    except judgement.VerdictError as exc:
        raise CommandError(f"the verdicts do not match the sheet: {exc}") from exc
    if args.json:
        print_json(result)
    else:
        for mode, count in result["preferred"].items():
            print(f"{mode:>14}: preferred on {count} of {result['questions']}")
        print(f"retrieval+gpt preferred on {result['challenger_preferred_share']:.0%}: "
              f"{'wins' if result['challenger_wins'] else 'loses'} (goal: at least half)")
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


register_trainer("coach", train_coach, "train the interview-coach GPT (--stage scratch, pretrain or finetune)",
                 _train_arguments)
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

    p = sub.add_parser("coach-judgement", parents=[common],
                       help="blind side-by-side judgement of retrieval vs retrieval+gpt answers (after `eval coach`)")
    p.add_argument("action", choices=["sheet", "record"],
                   help="sheet: write the blind sheet and its key; record FILE: check and tally a judge's verdicts")
    p.add_argument("verdicts", nargs="?", default=None, help="record: the judge's file, one `NUMBER: A|B|tie` per line")
    p.add_argument("--questions", type=int, default=None, help="sheet: how many held-out questions (default 50)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=judge)


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

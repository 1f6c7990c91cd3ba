"""`occupations build|assign|match` and the `eval occupations` target."""
from __future__ import annotations

import sys

from engine.commands import register_evaluator, register_trainer


def register(sub, common) -> None:
    p = sub.add_parser("occupations", parents=[common], help="O*NET occupations: build the table, assign jobs, match a title")
    p.add_argument("action", choices=["build", "assign", "match"])
    p.add_argument("title", nargs="?", default="", help="match: the job title to look up")
    p.add_argument("-k", type=int, default=3, help="match: how many occupations")
    p.add_argument("--source", default=None, help="build: O*NET's text files (default ../shared/data/skills/onet_29_2)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_occupations)


def cmd_occupations(args) -> int:
    from pathlib import Path

    from engine.cli import CommandError, print_json

    if args.action == "build":
        from engine.occupations.table import build_table

        summary = build_table(Path(args.source) if args.source else None)
        if args.json:
            print_json(summary)
        else:
            print(f"wrote {summary['file']} ({summary['bytes'] / 1e6:.2f} MB): {summary['occupations']} occupations, "
                  f"{summary['alternate_titles']} alternate titles ({summary['held_out_alternate_titles']} held out), "
                  f"{summary['reported_titles']} reported titles, {summary['technologies']} technologies")
        return 0
    if args.action == "match":
        from engine.occupations.jobs import suggest_occupations

        try:
            matches = suggest_occupations(args.title, k=args.k)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if args.json:
            print_json([m.__dict__ for m in matches])
        else:
            for m in matches:
                print(f"{m.code}  {m.title}  ({m.confidence:.2f})")
        return 0
    from tqdm import tqdm

    from engine import store
    from engine.occupations.jobs import assign_jobs

    db = store.connect()
    bar = tqdm(total=0, unit="title", disable=args.json, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    assigned = assign_jobs(db, progress)
    bar.close()
    if args.json:
        print_json({"assigned": assigned})
    else:
        print(f"{assigned} jobs given an occupation")
    return 0


def eval_occupations(args) -> int:
    from engine.cli import print_json
    from engine.occupations.evaluate import eval_occupations as run

    result = run(args.queries, log=None if args.json else (lambda m: print(m, file=sys.stderr)))
    if args.json:
        print_json(result)
        return 0
    print(f"{result['queries']} held-out titles -> 1,016 occupations")
    for name, row in result["results"].items():
        print(f"  {name:20s} acc@1 {row['acc@1']:.4f}  acc@5 {row['acc@5']:.4f}  MRR@10 {row['MRR@10']:.4f}")
    return 0


def train_occupation_head(args) -> int:
    """Job-Rec-v2's occupation head on the encoder the product uses (Job-Rec-v1)."""
    from engine.cli import CommandError, print_json
    from engine.occupations.head import HeadConfig, save_head, train_head
    from engine.recsys.encoder import load_encoder

    encoder = load_encoder()
    if not encoder.finetuned:
        raise CommandError("Job-Rec-v1 is not here (neither trained nor shipped): the head is trained on its vectors.")
    cfg = HeadConfig(epochs=args.epochs) if args.epochs else HeadConfig()
    head, card = train_head(encoder, cfg=cfg, progress=None if args.json else (lambda m: print(m, file=sys.stderr)))
    folder = save_head(head, card)
    if args.ship:
        from engine.commands.models import report, ship

        report(ship("occupation-head"))
    if args.json:
        print_json({**card, "version": head.version, "folder": str(folder)})
        return 0
    print(f"wrote {folder} (head {head.version} for {head.encoder_version}): validation MRR@10 "
          f"{card['validation_mrr@10']['with_head']:.4f} (without it {card['validation_mrr@10']['without_head']:.4f}), "
          f"epoch {card['chosen_epoch']} of {cfg.epochs}, {card['cpu_seconds']:.0f} CPU-s")
    return 0


def _head_args(p) -> None:
    p.add_argument("--epochs", type=int, default=None, help="passes over the training titles (default 12)")
    p.add_argument("--ship", action="store_true", help="then ship it (artifacts/models/shipped/occupation-head)")


def _eval_args(p) -> None:
    from engine.occupations.evaluate import QUERIES

    p.add_argument("--queries", type=int, default=QUERIES, help="held-out titles sampled (0: all)")


register_trainer("occupation-head", train_occupation_head,
                 "Job-Rec-v2's occupation head (a linear map over Job-Rec-v1's title vectors, O*NET titles)", _head_args)
register_evaluator("occupations", eval_occupations,
                   "held-out O*NET titles -> occupation: BM25, TF-IDF, MiniLM, Job-Rec-v1, Job-Rec-v2 (acc@1, acc@5, MRR@10)",
                   _eval_args)

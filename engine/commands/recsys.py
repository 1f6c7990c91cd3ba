"""Recommendation commands: recommend, similar, index build|status, and the `train encoder` target."""
from __future__ import annotations

import sys
import time

from engine import store
from engine.commands import register_trainer


def register(sub, common) -> None:
    p = sub.add_parser("recommend", parents=[common], help="top-k jobs for a profile text")
    p.add_argument("--profile", required=True, help="the candidate's skills, experience, wishes as free text")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("similar", parents=[common], help="top-k jobs similar to a job")
    p.add_argument("job_id", type=int)
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)

    register_trainer("encoder", _train_encoder, "fine-tune all-MiniLM-L6-v2 into Job-Rec-v1", _encoder_arguments)

    p = sub.add_parser("index", parents=[common], help="the FAISS job index of this data dir")
    p.add_argument("action", choices=["build", "status"])
    p.add_argument("--rebuild", action="store_true", help="re-embed every job even when cached")
    p.add_argument("--background", action="store_true",
                   help="as a page's build process: stop between batches on SIGTERM, then prepare the encoder")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_index)


ONET_KEEP_POSTINGS = 20.0        # as strong as one contrastive pair (MultipleNegativesRankingLoss's scale)
ONET_OCCUPATION_PAIRS = 60_000   # more than O*NET's ~55,500 training titles: every one of them


def _encoder_arguments(p) -> None:
    p.add_argument("--max-pairs", type=int, default=None,
                   help="profile <-> job and title <-> description pairs (default 1600)")
    p.add_argument("--category-pairs", type=int, default=None,
                   help="job text <-> category text pairs from labelled training postings (default 200; 0: none)")
    p.add_argument("--title-pairs", type=int, default=None,
                   help="profile <-> another posting of the same title pairs (default 400; 0: none)")
    p.add_argument("--no-hard-negatives", action="store_true",
                   help="train on pairs only, without a same-category posting of another title as a third text")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--eval-queries", type=int, default=None, help="held-out queries per dataset (default 300)")
    p.add_argument("--ship", action="store_true",
                   help="then ship it (fp16, artifacts/models/shipped/job-rec-v1) with the catalogue's vectors")
    p.add_argument("--onet", action="store_true",
                   help="the O*NET fine-tune: also O*NET title/tools <-> occupation pairs, into "
                        "artifacts/models/job-rec-onet-finetune: measured by `eval occupations` and `eval recsys` "
                        "beside Job-Rec-v1, not served (Job-Rec-v2 is `train occupation-head`)")
    p.add_argument("--occupation-pairs", type=int, default=None, help=f"with --onet: title <-> occupation pairs (default {ONET_OCCUPATION_PAIRS:,}: all)")


def _train_encoder(args) -> int:
    from engine.recsys.finetune import TrainConfig, train_encoder

    cfg = TrainConfig()
    if args.max_pairs:
        cfg.max_pairs = args.max_pairs
    if args.category_pairs is not None:
        cfg.category_pairs = args.category_pairs
    if args.title_pairs is not None:
        cfg.title_pairs = args.title_pairs
    if args.no_hard_negatives:
        cfg.hard_negatives = False
    if args.epochs:
        cfg.epochs = args.epochs
    if args.eval_queries is not None:   # 0 skips the before/after evaluation
        cfg.eval_queries = args.eval_queries
    if args.onet:
        from engine.occupations.evaluate import onet_finetune_path

        # continues from Job-Rec-v1 on its own posting pairs plus every training title of O*NET, with the
        # postings' texts held where Job-Rec-v1 put them; short title batches are cheap, so a larger batch
        # and rate fit the budget
        cfg.name, cfg.output, cfg.base = "O*NET fine-tune", str(onet_finetune_path()), "job-rec-v1"
        cfg.occupation_pairs = args.occupation_pairs if args.occupation_pairs is not None else ONET_OCCUPATION_PAIRS
        cfg.batch_size, cfg.learning_rate, cfg.keep_postings = 64, 2e-4, ONET_KEEP_POSTINGS
    card = train_encoder(cfg)
    if args.ship:
        from engine.commands.models import report, ship

        for target in ("encoder", "catalogue"):
            report(ship(target))
    if args.json:
        from engine.cli import print_json

        print_json({k: v for k, v in card.items() if k != "split"})
        return 0
    ev = card["evaluation"]
    for part in ev["after"]:
        print(f"held-out {part}: before {ev['before'].get(part)}\n{'':>{len(part) + 10}}after  {ev['after'][part]}")
    return 0


def _rows(recs) -> list[dict]:
    return [{"job_id": r.job_id, "title": r.title, "company": r.company, "category": r.category,
             "location": r.location, "nearness": r.nearness, "score": round(r.score, 4)} for r in recs]


def _ranked_by() -> dict:
    """The model that embedded the profile and the jobs: its name as the Model Lab shows it (Job-Rec-v1, or the
    pretrained fallback), its version (the stamp the index is built against), and whether ONNX or torch ran it."""
    from engine.recsys.encoder import load_encoder

    encoder = load_encoder()   # already loaded by the ranking: cached, no second load
    return {"model": encoder.label, "model_version": encoder.version.partition("@")[2],
            "backend": encoder.backend}


def _print_recs(recs, as_json: bool, note: str | None = None) -> None:
    from engine.cli import print_json

    if as_json:
        print_json({**_ranked_by(), "note": note, "results": _rows(recs)})
        return
    if note:
        print(note)
    if not recs:
        print("no matching open jobs")
    for i, r in enumerate(recs, 1):
        print(f"{i}. [{r.score:.3f}] #{r.job_id} {r.title} — {r.company} ({r.category}, {r.location})")
        if r.matched_skills or r.missing_skills:
            print(f"     matched: {', '.join(r.matched_skills) or '-'}   missing: {', '.join(r.missing_skills) or '-'}")


def _ensure_index(db) -> None:
    from engine.recsys.index import index_status

    if index_status(db).needs_build:
        _build_with_progress(db)


def _build_with_progress(db, rebuild: bool = False):
    """Embed the jobs with a progress bar on stderr, whatever stdout is (JSON, a pipe, a file): a first build
    takes minutes. Off a terminal the bar is redrawn every 5 s instead of continuously, to keep logs short."""
    from tqdm import tqdm

    from engine.recsys.index import build_index

    bar = tqdm(total=0, unit="job", desc="embedding jobs", file=sys.stderr,
               mininterval=0.1 if sys.stderr.isatty() else 5.0)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        return build_index(db, progress_callback=progress, rebuild=rebuild)
    finally:
        bar.close()


def cmd_recommend(args) -> int:
    from engine.recsys.recommend import recommend_placed

    db = store.connect(args.data_dir)
    _ensure_index(db)
    placed = recommend_placed(db, args.profile, k=args.k)
    _print_recs(placed.recommendations, args.json, placed.note)
    return 0


def cmd_similar(args) -> int:
    from engine.recsys.recommend import similar_jobs

    db = store.connect(args.data_dir)
    _ensure_index(db)
    _print_recs(similar_jobs(db, args.job_id, k=args.k), args.json)
    return 0


def cmd_index(args) -> int:
    from engine.cli import print_json
    from engine.recsys.index import BuildStopped, index_status

    db = store.connect(args.data_dir)
    if args.action == "build":
        started = time.time()
        if args.background:
            import signal

            from engine.recsys import index as idx

            signal.signal(signal.SIGTERM, lambda *_: idx._stopping.set())
        try:
            index = _build_with_progress(db, rebuild=args.rebuild)
        except BuildStopped:
            print("index build stopped; the next build resumes from the embedded jobs", file=sys.stderr)
            return 3
        if args.background:
            from engine.recsys.encoder import load_encoder

            load_encoder()   # exports the ONNX model into the cache once, so the page server only loads it
        status = index_status(db)
        if not args.json:
            print(f"index: {index.kind}, {index.size} vectors, {time.time() - started:.1f} s, {status.encoder_version}")
    else:
        status = index_status(db)
    if args.json:
        print_json(status.as_dict())
    elif args.action == "status":
        for k, v in status.as_dict().items():
            print(f"{k:>18}: {v}")
    return 0

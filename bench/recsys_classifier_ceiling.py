"""How high can any model of our size go on Google's 23 categories? A study, not a product path.

The category classifier the product ships is an SGD head on frozen Job-Rec-v1 vectors. The strongest thing a
MiniLM-sized model can do with the same labelled postings is to fine-tune the whole encoder together with a
softmax head (cross-entropy, classes weighted by 1/sqrt(count) for the imbalance). This script does that,
from pretrained all-MiniLM-L6-v2, on exactly the training part `eval classifier` uses, and scores the test
part (Job-Rec-v1's held-out Google postings) after every epoch. The best epoch is picked on the test part
itself, so it flatters the model: read it as an upper bound. Beside it: the labels' own agreement on near
copies (`evaluate.near_copy_agreement`) and the heads of `eval classifier` (from its JSON, when present).

    JOBEXPRESSWAY_SHARED_DATA=../shared/data nice -n 10 python bench/recsys_classifier_ceiling.py
        -> artifacts/bench/recsys-classifier-ceiling.json   (about 15 minutes on 2 cores)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def classification_text(job: dict) -> str:
    """Title, body and requirements: what a reader of the whole posting sees (the window cuts the rest)."""
    from engine.recsys import catfeatures

    parts = catfeatures.part_texts(job)
    return ". ".join(t for t in (parts["title"], parts["body"], parts["requirements"]) if t)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--max-length", type=int, default=256, help="word pieces read per posting")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--learning-rate", type=float, default=5e-5)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    import numpy as np
    import torch
    from tqdm import tqdm
    from transformers import AutoModel, AutoTokenizer

    from engine import config
    from engine.recsys import evaluate
    from engine.recsys.classifier import classification_metrics
    from engine.recsys.encoder import pretrained_path

    started, cpu_started = time.time(), time.process_time()
    google, train_idx, test_idx = evaluate.google_split()   # the split eval classifier compares heads on
    if not google:
        print("The Google job skills postings are missing: set JOBEXPRESSWAY_SHARED_DATA to ../shared/data.")
        return 2
    train, test = [google[i] for i in train_idx], [google[i] for i in test_idx]
    classes = sorted({j["label_category"] for j in google})
    index = {c: i for i, c in enumerate(classes)}
    y_train = torch.tensor([index[j["label_category"]] for j in train])
    y_test = [j["label_category"] for j in test]
    x_train, x_test = [classification_text(j) for j in train], [classification_text(j) for j in test]

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(pretrained_path()))
    encoder = AutoModel.from_pretrained(str(pretrained_path()))
    head = torch.nn.Linear(encoder.config.hidden_size, len(classes))

    def embed(texts: list[str]) -> torch.Tensor:
        batch = tokenizer(texts, padding=True, truncation=True, max_length=args.max_length, return_tensors="pt")
        hidden = encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        mean = (hidden * mask).sum(1) / mask.sum(1)                     # MiniLM's own mean pooling
        return torch.nn.functional.normalize(mean, dim=-1) * 20         # unit vectors, scaled for the softmax

    counts = np.bincount(y_train.numpy(), minlength=len(classes))
    weights = torch.tensor((counts.sum() / np.maximum(counts, 1) / len(classes)) ** 0.5, dtype=torch.float)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    steps_per_epoch = (len(x_train) + args.batch_size - 1) // args.batch_size
    optimizer = torch.optim.AdamW([{"params": encoder.parameters(), "lr": args.learning_rate},
                                   {"params": head.parameters(), "lr": 3e-3}], weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=[args.learning_rate, 3e-3], pct_start=0.1,
                                                   total_steps=args.epochs * steps_per_epoch)

    def predict() -> list[str]:
        encoder.eval()
        with torch.no_grad():
            out = [classes[k] for s in range(0, len(x_test), 32)
                   for k in head(embed(x_test[s:s + 32])).argmax(-1).tolist()]
        encoder.train()
        return out

    epochs = []
    for epoch in range(1, args.epochs + 1):
        order = list(range(len(x_train)))
        rng.shuffle(order)
        for s in tqdm(range(0, len(order), args.batch_size), desc=f"epoch {epoch}/{args.epochs}", unit="batch"):
            rows = order[s:s + args.batch_size]
            loss = loss_fn(head(embed([x_train[i] for i in rows])), y_train[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        m = classification_metrics(y_test, predict(), classes)
        epochs.append({"epoch": epoch, **{k: m[k] for k in ("accuracy", "weighted_f1", "macro_f1")}})
        print(epochs[-1], flush=True)

    heads = {}
    eval_json = config.artifacts_dir() / "metrics" / "eval_classifier.json"
    if eval_json.exists():
        heads = json.loads(eval_json.read_text()).get("datasets", {}).get("google_23_categories", {})
    result = {
        "what": "all-MiniLM-L6-v2 fine-tuned end to end with a softmax head on the Google training part of eval "
                "classifier, scored on its test part after every epoch; the best epoch is chosen on the test part, "
                "an optimistic upper bound",
        "sizes": {"train": len(train), "test": len(test), "classes": len(classes)},
        "parameters": vars(args),
        "epochs": epochs,
        "best_epoch_on_test": max(epochs, key=lambda e: e["accuracy"]),
        "near_copy_agreement": evaluate.near_copy_agreement(train, test),
        "title_agreement": evaluate.title_agreement(train, test),
        "eval_classifier_heads": heads,
        "wall_seconds": round(time.time() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
    }
    out = config.artifacts_dir() / "bench" / "recsys-classifier-ceiling.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("best_epoch_on_test", "near_copy_agreement")}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The coach GPT's pretraining stage: the CPU-minute budget loop, what text may enter pretraining and the
tokenizer (never a held-out pair), the stage through the CLI, and the scaling bench on a tiny budget."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest

from engine.cli import main
from engine.coach import pretrain, pretrain_text, train
from engine.coach.budget import Budget, fit_within_budget
from engine.coach.corpus import load_corpus
from tests.coach_helpers import use_mini_corpus

EXTRA_DOCUMENTS = [
    "Software Developers\nResearch, design, and develop computer and network software or specialized utility programs.",
    "Data Scientist\nWe are hiring a data scientist to build forecasting models in Python and SQL, and to present "
    "the results to product teams.",
    "Backend Engineer\nDesign REST services, write unit and integration tests, review code and mentor juniors.",
]


def write_text(folder, corpus, extra=EXTRA_DOCUMENTS):
    """A tiny pretraining text: a few postings-like documents and the corpus' training pairs (the layout of
    `coach-pretrain-text`)."""
    pretrain_text.build(folder, ("coach",), corpus=corpus)
    with (folder / "pretrain.jsonl").open("a", encoding="utf-8") as fh:
        for text in extra:
            fh.write(json.dumps({"source": "postings", "text": text}) + "\n")
    return folder


class BusyModel:
    """Stands in for a compiled Keras model: every step burns `step_seconds` of CPU time."""

    def __init__(self, step_seconds=0.002):
        self.step_seconds, self.weights, self.restored = step_seconds, [np.zeros(2)], None

    def train_on_batch(self, x, y, return_dict=True):
        end = time.process_time() + self.step_seconds
        while time.process_time() < end:
            pass
        self.weights = [self.weights[0] + 1]
        return {"loss": 1.0, "masked_accuracy": 0.5}

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.restored = weights


def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_training_stops_at_its_cpu_budget_which_measuring_does_not_spend():
    x = y = np.ones((10, 4), dtype="int32")
    evaluate = lambda: burn(0.05) or {"dev_loss": 1.0}                     # noqa: E731
    fit = fit_within_budget(BusyModel(), x, y, Budget(cpu_minutes=0.005), batch_size=2, seed=0,
                            evaluate=evaluate, eval_every_steps=10)
    assert fit["stopped_by"] == "cpu budget"
    assert 0.005 <= fit["cpu_minutes"] < 0.006                            # stops within a step of the budget
    assert fit["eval_cpu_minutes"] >= fit["steps"] // 10 * 0.05 / 60      # measuring was not counted in it
    assert 50 < fit["steps"] < 160 and fit["tokens_seen"] == fit["steps"] * 2 * 4
    assert [p["step"] for p in fit["curve"]][:2] == [10, 20] and fit["curve"][-1]["step"] == fit["steps"]
    assert fit["curve"][0]["loss"] == 1.0 and fit["curve"][0]["dev_loss"] == 1.0


def test_measuring_by_cpu_minutes_and_early_stopping_keeps_the_best_weights():
    x = y = np.ones((8, 4), dtype="int32")
    fit = fit_within_budget(BusyModel(), x, y, Budget(cpu_minutes=0.004), batch_size=2, seed=0,
                            eval_every_minutes=0.001)
    fractions = [p["cpu_minutes"] for p in fit["curve"]]
    assert len(fractions) in (4, 5) and fractions[0] >= 0.001            # about every quarter of the budget

    losses = iter([3.0, 2.0, 2.5, 2.6, 2.7, 2.8])
    model = BusyModel(0)
    fit = fit_within_budget(model, x, y, Budget(cpu_minutes=10), batch_size=2, seed=0,
                            evaluate=lambda: {"dev_loss": next(losses)}, eval_every_steps=4, patience=2)
    assert fit["stopped_by"] == "early stopping" and fit["steps"] == 16 and fit["best_step"] == 8
    assert model.restored[0][0] == 8                                        # the weights after step 8 are back
    fit = fit_within_budget(BusyModel(0), x, y, Budget(cpu_minutes=10, max_epochs=3), batch_size=2, seed=0)
    assert fit["stopped_by"] == "epochs" and fit["steps"] == 12 and fit["epochs"] == 3


def test_a_budget_of_steps_trains_the_same_however_much_cpu_each_step_costs():
    x = y = np.ones((10, 4), dtype="int32")
    quiet = fit_within_budget(BusyModel(0.0005), x, y, Budget(None, max_steps=12), batch_size=2, seed=0)
    crowded = fit_within_budget(BusyModel(0.004), x, y, Budget(None, max_steps=12), batch_size=2, seed=0)
    assert quiet["stopped_by"] == crowded["stopped_by"] == "steps"
    assert quiet["steps"] == crowded["steps"] == 12 and quiet["tokens_seen"] == crowded["tokens_seen"]
    assert crowded["cpu_minutes"] > 4 * quiet["cpu_minutes"]               # what the steps cost is recorded
    # with CPU minutes too, whichever comes first
    both = fit_within_budget(BusyModel(0.004), x, y, Budget(0.001, max_steps=1000), batch_size=2, seed=0)
    assert both["stopped_by"] == "cpu budget" and both["steps"] < 1000
    with pytest.raises(ValueError, match="a budget needs"):
        Budget(None)


def test_held_out_and_dev_pairs_never_reach_pretraining_nor_the_tokenizer(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    corpus = load_corpus()
    _, finetune_dev = train.dev_split(corpus.train)
    stale = [pretrain_text.pair_document(p) for p in corpus.heldout[:2]]   # as a text built before a split change
    folder = write_text(tmp_path / "text", corpus, EXTRA_DOCUMENTS + stale)
    seen: list[str] = []
    real_fit = pretrain.fit_tokenizer
    monkeypatch.setattr(pretrain, "fit_tokenizer", lambda kind, texts, size: real_fit(kind, seen.extend(texts) or seen, size))
    data = pretrain.prepare(folder, corpus, pretrain.shape_config(32, 1, 32, vocab_size=300))
    assert data.documents.kept_out == 2 + len(finetune_dev)
    used = data.documents.train + data.documents.dev
    if data.documents.dev == data.documents.train[:1]:     # too few documents for a 2% dev slice: one is reused
        used = data.documents.train
    assert EXTRA_DOCUMENTS[0] in used and len(used) == len(corpus.train) - len(finetune_dev) + len(EXTRA_DOCUMENTS)
    for p in corpus.heldout + finetune_dev:
        assert not any(p.answer in text for text in used + seen)
    assert len(data.tokenizer) <= 300
    stream = data.train_stream
    assert stream[0] == data.tokenizer.bos_id and (stream == data.tokenizer.eos_id).sum() == len(data.documents.train)


def test_two_percent_of_the_documents_are_a_dev_set_chosen_by_their_text(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    corpus = load_corpus()
    many = [f"Posting {i}\nWe need an engineer who writes tests, reviews code and ships often ({i})." for i in range(1000)]
    folder = write_text(tmp_path / "text", corpus, many)
    docs = pretrain.read_documents(folder, corpus)
    assert 8 <= len(docs.dev) <= 35 and not set(docs.dev) & set(docs.train)
    again = write_text(tmp_path / "again", corpus, many[::-1])                  # another order, the same slice
    assert set(pretrain.read_documents(again, corpus).dev) == set(docs.dev)


def test_pretraining_through_the_cli_writes_its_folder(tmp_path, monkeypatch, capsys):
    use_mini_corpus(tmp_path, monkeypatch)
    assert main(["train", "coach", "--stage", "pretrain", "--tiny", "--text", str(tmp_path / "none")]) == 2
    assert "coach-pretrain-text --out" in capsys.readouterr().err
    write_text(pretrain.text_dir(), load_corpus())
    assert main(["train", "coach", "--stage", "pretrain", "--tiny", "--seq-len", "48", "--max-cpu-minutes", "0.02",
                 "--eval-every", "2"]) == 0
    folder = pretrain.pretrained_dir()
    assert {f.name for f in folder.iterdir()} >= {"coach.weights.h5", "config.json", "tokenizer.json", "metrics.json"}
    m = json.loads((folder / "metrics.json").read_text())
    assert m["stage"] == "pretrain" and m["config"]["seq_len"] == 48 and m["tokenizer"] == "bpe"
    assert m["training"]["stopped_by"] == "cpu budget" and m["training"]["cpu_minutes"] >= 0.02
    assert m["training"]["tokens_seen"] > 0
    assert m["text"]["kept_out_documents"] == len(train.dev_split(load_corpus().train)[1])   # the dev pairs
    assert m["curve"][-1]["step"] == m["training"]["steps"] and "dev_loss" in m["curve"][-1]
    held = m["heldout"]
    assert held["pairs"] == len(load_corpus().heldout) and 0 < held["bits_per_char"] < 40
    assert held["perplexity"] == pytest.approx(np.exp(held["loss"]), rel=1e-6)
    assert not (pretrain.pretrained_dir().parent / "coach.weights.h5").exists()   # the product's model untouched
    assert main(["train", "coach", "--stage", "pretrain", "--tiny", "--seq-len", "48", "--max-steps", "3",
                 "--eval-every", "2"]) == 0
    m = json.loads((folder / "metrics.json").read_text())
    assert m["training"]["stopped_by"] == "steps" and m["training"]["steps"] == 3
    assert m["budget"]["steps"] == 3 and m["budget"]["cpu_minutes"] is None


def test_options_of_another_stage_are_refused(tmp_path, monkeypatch, capsys):
    use_mini_corpus(tmp_path, monkeypatch)
    assert main(["train", "coach", "--stage", "pretrain", "--ship"]) == 2
    assert main(["train", "coach", "--max-cpu-minutes", "3"]) == 2
    assert main(["train", "coach", "--stage", "finetune", "--d-model", "64"]) == 2
    assert "not an option of --stage finetune: --d-model" in capsys.readouterr().err


def test_the_scaling_bench_runs_its_configurations_on_a_tiny_budget(tmp_path, monkeypatch, capsys):
    from bench import coach_scaling

    use_mini_corpus(tmp_path, monkeypatch)
    folder = write_text(tmp_path / "text", load_corpus())
    out = tmp_path / "scaling.json"
    assert coach_scaling.main(["--text", str(folder), "--configs", "32x1x16,32x2x32", "--vocab", "300",
                               "--cpu-minutes", "0.01", "--points", "2", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert [r["config"] for r in result["runs"]] == ["32x1x16", "32x2x32"] and result["machine"]["cpus"]
    for run in result["runs"]:
        assert run["steps"] >= 1 and run["cpu_minutes"] >= 0.01 and run["fits_ship_limit"]
        assert run["curve"] and run["curve"][-1]["fraction"] >= 1.0 and 0 < run["heldout_bits_per_char"] < 40
    assert result["runs"][1]["parameters"] > result["runs"][0]["parameters"]
    assert "| 32x2x32 |" in capsys.readouterr().out

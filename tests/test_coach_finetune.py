"""The coach GPT's fine-tuning stage: rows laid out as the answer modes prompt the model, the prompt masked
out of the loss, sources that are never the pair itself nor a held-out pair, training that starts from the
pretrained weights, and the product answering with the result (a 256-token window and BPE)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.cli import main
from engine.coach import finetune, paths, pretrain, retrieval, train
from engine.coach.corpus import QAPair, load_corpus
from engine.coach.generate import Sampling, rag_prompt
from engine.coach.tokenizer import WordTokenizer
from tests.coach_helpers import bag_of_words_encode, use_mini_corpus
from tests.test_coach_pretrain import write_text

SEQ_LEN = 256


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    """A tiny model with a 256-token window, pretrained for a moment on a tiny text."""
    tmp = tmp_path_factory.mktemp("coach-finetune")
    mp = pytest.MonkeyPatch()
    use_mini_corpus(tmp, mp)
    mp.setattr(retrieval, "encode", bag_of_words_encode)          # no sentence encoder in these tests
    write_text(pretrain.text_dir(), load_corpus())
    assert main(["train", "coach", "--stage", "pretrain", "--tiny", "--seq-len", str(SEQ_LEN),
                 "--max-cpu-minutes", "0.02", "--json"]) == 0
    yield pretrain.pretrained_dir()
    mp.undo()


@pytest.fixture(scope="module")
def finetuned(pretrained):
    """Fine-tuned through the CLI, recording the weights the training loop started from."""
    from engine.coach import model as gpt

    started = {}
    real = finetune.fit_within_budget

    def spy(model, *args, **kwargs):
        started["weights"] = model.get_weights()
        return real(model, *args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(finetune, "fit_within_budget", spy)
    assert main(["train", "coach", "--stage", "finetune", "--max-cpu-minutes", "0.03", "--epochs", "3", "--ship",
                 "--json"]) == 0
    mp.undo()
    before, config = gpt.load(pretrained)
    fresh = gpt.build_model(config, compile=False)
    return {"started": started["weights"], "pretrained": before.get_weights(), "fresh": fresh.get_weights(),
            "folder": paths.artifacts()}


TOK = WordTokenizer.fit(["what is a list ? a list keeps items in order . what is a set ? a set keeps unique "
                         "items . what is a dict ? a dict maps keys to values ."])


def test_an_example_row_masks_the_prompt_and_keeps_the_answer():
    sources = [("what is a set ?", "a set keeps unique items ."), ("what is a dict ?", "a dict maps keys .")]
    prompt, used, _ = rag_prompt(TOK, "what is a list ?", sources, 64)
    answer = TOK.encode("a list keeps items in order .")
    x, y = finetune.example(TOK, prompt, "a list keeps items in order .", 64)
    assert used == 2 and x[:len(prompt)].tolist() == prompt
    n = len(prompt) - 1                                   # targets 0..n-1 are the sources' and question's tokens
    assert not y[:n].any()
    assert y[n:n + len(answer)].tolist() == answer and y[n + len(answer)] == TOK.eos_id
    assert not y[n + len(answer) + 1:].any() and not x[len(prompt) + len(answer) + 1:].any()
    # an answer longer than the window is cut: every target after the prompt is kept, none is padding
    x, y = finetune.example(TOK, prompt, "a list keeps items in order . " * 20, 64)
    assert np.count_nonzero(y) == 64 - n and x[-1] != 0 and TOK.eos_id not in y[n:].tolist()
    # the plain layout is the training pair itself
    plain = TOK.encode_pair("what is a list ?")
    x, y = finetune.example(TOK, plain, "a list keeps items in order .", 64)
    assert x[:len(plain) + len(answer)].tolist() == TOK.encode_pair("what is a list ?", "a list keeps items in order .")[:-1]


def test_sources_are_never_the_pair_itself_nor_a_held_out_pair(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    monkeypatch.setattr(retrieval, "encode", bag_of_words_encode)
    corpus = load_corpus()
    fit, dev = train.dev_split(corpus.train)
    for pairs, index in ((fit, fit), (dev, fit), (corpus.heldout, corpus.train)):
        found = finetune.neighbours(pairs, index)
        assert set(found) == {p.id for p in pairs}
        for pair in pairs:
            ids = [s.id for s in found[pair.id]]
            assert len(ids) == 3 and pair.id not in ids and not set(ids) & corpus.heldout_ids
            assert set(ids) <= {p.id for p in index}
    # the nearest other question comes first (a near-copy of a pair is found, the pair itself is not)
    twin = QAPair("python-twin", "python", fit[0].question + " please", "Another answer.")
    assert finetune.neighbours([fit[0]], [fit[0], twin, *fit[1:]])[fit[0].id][0].id == "python-twin"
    rows = finetune.examples(fit[:2], finetune.neighbours(fit[:2], fit), TOK, 128)
    assert set(rows) == {"gpt", "retrieval+gpt"} and rows["gpt"][0].shape == (2, 128)
    assert (rows["retrieval+gpt"][0] != 0).sum() > (rows["gpt"][0] != 0).sum()     # the sources come first


def test_fine_tuning_starts_from_the_pretrained_weights(finetuned):
    from engine.coach import model as gpt

    started, before, fresh = finetuned["started"], finetuned["pretrained"], finetuned["fresh"]
    assert all(np.array_equal(a, b) for a, b in zip(started, before))
    assert any(not np.allclose(a, b) for a, b in zip(started, fresh))
    after, config = gpt.load(finetuned["folder"])
    assert config.seq_len == SEQ_LEN and any(not np.allclose(a, b) for a, b in zip(after.get_weights(), before))


def test_fine_tuning_writes_the_metrics_the_product_reads(finetuned, pretrained):
    from engine.coach import evaluate

    m = json.loads((finetuned["folder"] / "metrics.json").read_text())
    assert m["stage"] == "finetune" and m["tokenizer"] == "bpe" and m["heldout_oov_rate"] == 0.0
    held = m["heldout"]
    assert held["tokens"] > 0 and held["perplexity"] == pytest.approx(np.exp(held["loss"]), rel=1e-6)
    assert 0 < held["bits_per_char"] < 40 and m["train_split"]["tokens"] > 0
    assert m["corpus"]["train_rows"] == 2 * m["corpus"]["train_pairs"]
    assert {"loss", "dev_loss", "heldout_loss", "heldout_accuracy", "cpu_minutes"} <= set(m["history"][0])
    assert m["training"]["stopped_by"] in ("cpu budget", "epochs", "early stopping") and m["epochs_run"] <= 3
    answers = m["heldout_answers"]
    assert {"gpt", "retrieval+gpt"} < set(answers) and answers["gpt"]["tokens"] >= answers["retrieval+gpt"]["tokens"] > 0
    assert answers["gpt, on the answer tokens retrieval+gpt rows hold"]["tokens"] == answers["retrieval+gpt"]["tokens"]
    assert m["pretraining"]["heldout"]["bits_per_char"] > 0 and m["pretraining"]["command"].endswith("--stage pretrain")
    scores = evaluate.language_scores(finetuned["folder"], load_corpus().heldout)
    assert scores["bits_per_char"] == pytest.approx(held["bits_per_char"], rel=1e-4)
    assert set(evaluate.available_models()) == {"trained", "shipped"}      # --ship wrote the tmp shipped folder
    from engine import shipped

    found = shipped.verified(shipped.COACH)
    assert "bpe tokenizer" in found.manifest["form"] and "fine-tuned" in found.manifest["limits"]
    # the weights ship as float16 (half the bytes) and read back as the trained model, within float16's precision
    from engine.coach import model as gpt

    assert set(found.manifest["files"]) == {gpt.HALF_WEIGHTS_FILE, gpt.CONFIG_FILE, "tokenizer.json"}
    half = (found.folder / gpt.HALF_WEIGHTS_FILE).stat().st_size
    assert half < 0.6 * (finetuned["folder"] / gpt.WEIGHTS_FILE).stat().st_size
    probe = np.arange(1, 33, dtype="int32")[None, :]
    trained_probs = np.asarray(gpt.load(finetuned["folder"])[0](probe))
    shipped_probs = np.asarray(gpt.load(found.folder)[0](probe))
    assert 0 < np.abs(shipped_probs - trained_probs).max() < 2e-3


def test_the_product_answers_with_the_fine_tuned_model(finetuned):
    """A 256-token window and BPE: the NumPy fast path matches Keras far into the window, a RAG prompt with
    three sources fits it, and a long answer slides past its end."""
    from engine.coach.fastpath import NumpyGPT
    from engine.coach.generate import Generator

    gen = Generator(finetuned["folder"])
    assert gen.config.seq_len == SEQ_LEN and gen.tokenizer.kind == "bpe"
    ids = np.random.default_rng(0).integers(1, gen.config.vocab_size, (1, 230)).astype("int32")
    fast = NumpyGPT(gen.model, gen.config)
    cache = fast.new_cache()
    logp = np.concatenate([fast.forward(list(ids[0, :200]), cache, all_positions=True),
                           np.stack([fast.forward([int(t)], cache) for t in ids[0, 200:]])])
    np.testing.assert_allclose(logp, np.log(np.asarray(gen.model(ids))[0]), atol=1e-4)
    corpus = load_corpus()
    sources = [(p.question, p.answer) for p in corpus.train[:3]]
    prompt, truncated = gen.prompt_ids("How do I explain a gap in my CV? " * 3, sources)
    assert not truncated and len(prompt) <= SEQ_LEN * 3 // 4 and prompt.count(gen.tokenizer.eos_id) >= 1
    answer = gen.generate("What is a Python decorator?", sources, Sampling(seed=1, max_new_tokens=SEQ_LEN))
    assert isinstance(answer, str)

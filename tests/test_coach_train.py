"""One tiny training run through the CLI: metrics with held-out perplexity, then answers from the model."""
from __future__ import annotations

import json
import math

import pytest

from engine.cli import main
from engine.coach import paths, retrieval
from engine.coach.generate import Sampling, load_generator
from tests.coach_helpers import use_mini_corpus
from tests.test_coach_generate import PAIR, FakeRetriever


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("coach")
    mp = pytest.MonkeyPatch()
    use_mini_corpus(tmp, mp)
    assert main(["train", "coach", "--tiny", "--epochs", "1"]) == 0
    yield paths.artifacts()
    mp.undo()


def test_training_writes_honest_held_out_metrics(trained):
    m = json.loads((trained / "metrics.json").read_text())
    held = m["heldout"]
    assert held["tokens"] > 0 and held["perplexity"] == pytest.approx(math.exp(held["loss"]), rel=1e-6)
    assert 1 < held["perplexity"] < m["vocab_size"] * 2 and 0 <= held["accuracy"] <= 1
    assert m["tokenizer"] == "bpe" and m["heldout_oov_rate"] == 0.0
    assert 0 < held["bits_per_char"] < 8 * 4           # a near-untrained model: a few bits a character
    assert m["corpus"]["heldout_pairs"] > 0 and m["epochs_run"] == 1
    assert {"loss", "accuracy", "dev_loss", "heldout_loss", "heldout_accuracy"} <= set(m["history"][0])
    conf = m["confusion_top30_heldout"]
    assert len(conf["matrix"]) == len(conf["labels"]) <= 30 and len(conf["columns"]) == len(conf["labels"]) + 1
    assert sum(map(sum, conf["matrix"])) <= held["tokens"]
    assert (trained / "coach.weights.h5").exists() and (trained / "tokenizer.json").exists()
    assert (trained / "config.json").exists()


def test_the_trained_model_streams_answers_in_every_mode(trained):
    gen = load_generator()
    text = gen.generate("What is a Python decorator?", sampling=Sampling(seed=1, max_new_tokens=20))
    assert isinstance(text, str) and "<unk>" not in text and "<pad>" not in text
    fake = FakeRetriever([PAIR])
    for mode in ("gpt", "retrieval+gpt"):
        steps = list(retrieval.answer_stream("Explain lists in Python", mode, retriever=fake,
                                             sampling=Sampling(seed=2, max_new_tokens=15)))
        assert steps[-1].mode == mode and steps[-1].text
        assert (steps[-1].sources != []) == (mode == "retrieval+gpt")
    # an unknown-word question still answers
    assert retrieval.answer("qwertyuiop zxcvbnm?", "gpt", retriever=fake, sampling=Sampling(max_new_tokens=5)).text


def test_language_scores_reproduce_the_training_figures(trained):
    from engine.coach import evaluate
    from engine.coach.corpus import load_corpus

    m = json.loads((trained / "metrics.json").read_text())
    scores = evaluate.language_scores(trained, load_corpus().heldout)
    assert scores["perplexity"] == pytest.approx(m["heldout"]["perplexity"], rel=1e-4)
    assert scores["bits_per_char"] == pytest.approx(m["heldout"]["bits_per_char"], rel=1e-4)
    assert scores["tokenizer"] == "bpe" and scores["oov_rate"] == 0.0
    assert evaluate.available_models() == {"trained": trained}          # nothing shipped in this tmp setup


def test_a_word_level_model_still_loads_and_answers(tmp_path, monkeypatch):
    """The first shipped GPT is word-level; its config predates the tokenizer field."""
    from engine.coach import model, train
    from engine.coach.corpus import load_corpus
    from engine.coach.generate import Generator

    use_mini_corpus(tmp_path, monkeypatch)
    train.train(model.CoachConfig.tiny(tokenizer="word", epochs=1), load_corpus(), tmp_path / "word", verbose=False)
    saved = json.loads((tmp_path / "word" / "config.json").read_text())
    del saved["tokenizer"]
    (tmp_path / "word" / "config.json").write_text(json.dumps(saved))
    assert model.CoachConfig.load(tmp_path / "word").tokenizer == "word"
    gen = Generator(tmp_path / "word")
    assert gen.tokenizer.kind == "word"
    assert isinstance(gen.generate("What is a list?", [("What is a tuple?", "An immutable sequence.")],
                                   Sampling(seed=3, max_new_tokens=10)), str)


@pytest.mark.slow
def test_evaluation_never_retrieves_the_held_out_pair_itself(trained):
    from engine.coach import evaluate
    from engine.coach.corpus import load_corpus

    result = evaluate.run(progress=False)
    heldout = load_corpus().heldout_ids
    assert set(result["similarity"]) == {"gpt", "retrieval", "retrieval+gpt"}
    assert set(result["similarity_beyond_question"]) == set(result["similarity"])
    assert result["question_echo"]["question_itself"] > 0
    assert result["best_mode"] in (max(result["similarity"], key=result["similarity"].get), "retrieval")
    assert set(result["language_model"]) == {"trained"} and result["language_model"]["trained"]["bits_per_char"] > 0
    assert all(q["retrieved_id"] not in heldout for q in result["questions"])
    assert len(result["questions"]) == len(heldout)
    assert retrieval.best_mode() == result["best_mode"]          # "auto" now follows the evaluation
    assert all(set(q["answers"]) == set(result["similarity"]) for q in result["questions"])   # what a judge reads
    assert result["judgement"] is None
    topics = result["by_topic"]
    assert sum(t["questions"] for t in topics.values()) == len(heldout)
    assert set(topics) == {q["topic"] for q in result["questions"]}


def test_figures_by_topic_average_each_topics_own_questions():
    from engine.coach import evaluate

    rows = [{"topic": "sql", "sim_retrieval": 0.5, "beyond_retrieval": 0.2, "sim_gpt": 0.1, "beyond_gpt": 0.0},
            {"topic": "sql", "sim_retrieval": 0.3, "beyond_retrieval": 0.1, "sim_gpt": 0.5, "beyond_gpt": 0.4},
            {"topic": "hr", "sim_retrieval": 0.9, "beyond_retrieval": 0.6, "sim_gpt": 0.2, "beyond_gpt": 0.1}]
    topics = evaluate.by_topic(rows, ["retrieval", "gpt"])
    assert list(topics) == ["hr", "sql"] and topics["sql"]["questions"] == 2
    assert topics["sql"]["similarity"] == {"retrieval": 0.4, "gpt": 0.3}
    assert topics["sql"]["similarity_beyond_question"] == {"retrieval": 0.15, "gpt": 0.2}
    assert topics["hr"]["similarity"]["retrieval"] == 0.9
    assert evaluate.topics_where_gpt_leads(topics) == []          # sql: the GPT leads beyond the question only
    rows[0]["sim_gpt"] = 0.4
    assert evaluate.topics_where_gpt_leads(evaluate.by_topic(rows, ["retrieval", "gpt"])) == ["sql"]


@pytest.mark.slow
def test_decoding_is_chosen_on_dev_questions_that_never_touch_the_held_out_ones(trained):
    from engine.coach import evaluate, paths, train
    from engine.coach.corpus import load_corpus
    from engine.coach.generate import Sampling

    corpus = load_corpus()
    fit, dev = train.dev_split(corpus.train)
    assert dev and fit
    saved = paths.artifacts() / retrieval.EVAL_FILE
    before = saved.read_bytes() if saved.exists() else None
    result = evaluate.run(progress=False, split="dev", sampling=Sampling(copy=0.5, no_repeat_ngram=3))
    assert [q["id"] for q in result["questions"]] == [p.id for p in dev]
    fit_ids = {p.id for p in fit}
    assert all(q["retrieved_id"] in fit_ids for q in result["questions"])     # never a dev or held-out pair
    assert result["sampling"]["copy"] == 0.5 and result["language_model"] == {} and result["judgement"] is None
    assert (saved.read_bytes() if saved.exists() else None) == before          # the product's default is untouched


@pytest.mark.slow
def test_the_gpt_roles_bench_scores_every_row_on_dev_questions(trained, tmp_path):
    from bench import coach_gpt_roles

    out = tmp_path / "roles.json"
    assert coach_gpt_roles.main(["--limit", "2", "--samples", "2", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    rows = result["rows"]
    assert rows["the question itself"]["beyond_question"] == pytest.approx(0, abs=1e-6)
    assert rows["retrieval (best answer), on these questions"]["questions"] == 2
    assert rows["retrieval+gpt: oracle of 2"]["similarity"] >= rows["retrieval+gpt: best of 2 by the sources' centroid"]["similarity"]
    assert rows["oracle of top 10 retrieved"]["similarity"] >= rows["retrieval (best answer)"]["similarity"]
    assert result["dev_questions"] == rows["retrieval (best answer)"]["questions"] > 0

"""Sampling rules (temperature, top-k, top-p), stopping at <eos>, and the answer modes without a model."""
from __future__ import annotations

import numpy as np
import pytest

from engine.coach import generate, retrieval
from engine.coach.corpus import QAPair
from engine.coach.generate import Sampling, filter_logprobs
from engine.coach.tokenizer import WordTokenizer
from tests.coach_helpers import use_mini_corpus

LOGP = np.log(np.array([0.4, 0.3, 0.15, 0.1, 0.05]))


def test_top_k_keeps_exactly_k_tokens():
    probs = filter_logprobs(LOGP, Sampling(temperature=1.0, top_k=2, top_p=1.0))
    assert np.count_nonzero(probs) == 2 and probs[0] > probs[1] > 0
    assert probs.sum() == pytest.approx(1.0)


def test_top_p_keeps_the_smallest_set_reaching_p():
    probs = filter_logprobs(LOGP, Sampling(temperature=1.0, top_k=0, top_p=0.8))
    assert np.flatnonzero(probs).tolist() == [0, 1, 2]        # 0.4 + 0.3 < 0.8 <= 0.4 + 0.3 + 0.15
    np.testing.assert_allclose(probs[:3], np.array([0.4, 0.3, 0.15]) / 0.85)


def test_temperature_sharpens_and_zero_is_greedy():
    hot = filter_logprobs(LOGP, Sampling(temperature=2.0, top_k=0, top_p=1.0))
    cold = filter_logprobs(LOGP, Sampling(temperature=0.5, top_k=0, top_p=1.0))
    assert cold[0] > 0.4 > hot[0]
    assert filter_logprobs(LOGP, Sampling(temperature=0)).tolist() == [1, 0, 0, 0, 0]


class ScriptedModel:
    """A fake forward pass that emits a fixed token sequence (then <eos>), to test the generation loop."""

    def __init__(self, script, vocab):
        self.script, self.vocab, self.calls = list(script), vocab, 0

    def new_cache(self):
        return type("Cache", (), {"length": 0})()

    def forward(self, ids, cache):
        cache.length += len(ids)
        token = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        logp = np.full(self.vocab, -30.0)
        logp[token] = 0.0
        return logp


def _generator(script):
    tok = WordTokenizer.fit(["use a dictionary for fast lookups ."])
    gen = object.__new__(generate.Generator)
    gen.tokenizer = tok
    gen.config = type("Cfg", (), {"seq_len": 16})()
    gen.fast = ScriptedModel([tok.index[w] if w in tok.index else w for w in script], len(tok))
    return gen, tok


def test_generation_stops_at_eos_and_streams_text_pieces():
    gen, tok = _generator(["use", "a", "dictionary", ".", tok_eos := 4, "fast"])
    assert tok_eos == tok.eos_id
    pieces = list(gen.stream_text("How do I look things up?", sampling=Sampling(seed=0)))
    assert "".join(pieces) == "Use a dictionary."
    assert len(pieces) == 4


def test_generation_slides_past_the_window_and_respects_max_tokens():
    gen, tok = _generator(["use"])                                  # never says <eos>
    out = list(gen.stream_ids(tok.encode_pair("q"), Sampling(max_new_tokens=40, seed=0)))
    assert len(out) == 40 and set(out) == {tok.index["use"]}


def test_long_questions_are_cut_to_half_the_window_with_a_flag():
    gen, tok = _generator(["use"])
    ids, truncated = gen.prompt_ids("use a dictionary " * 20)
    assert truncated and len(ids) <= 8 and ids[:2] == [tok.bos_id, tok.q_id] and ids[-1] == tok.a_id
    ids, truncated = gen.prompt_ids("use", context=("fast lookups", "use a dictionary"))
    assert not truncated and ids[0] == tok.bos_id and tok.eos_id in ids


class FakeRetriever:
    def __init__(self, pairs, score=0.9):
        self.pairs, self.score = pairs, score

    def search(self, query, k=3, vector=None):
        return [(p, self.score) for p in self.pairs[:k]]


PAIR = QAPair("python-001", "python", "What is a list?", "A mutable sequence.", ("mutable",), False)


def test_answer_modes_without_a_trained_model_fall_back_to_retrieval(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    reply = retrieval.answer("what's a list", "gpt", retriever=FakeRetriever([PAIR]))
    assert reply.mode == "retrieval" and reply.text == PAIR.answer
    assert "python -m engine train coach" in reply.notice
    assert reply.sources[0]["id"] == "python-001"


def test_bad_messages_get_clear_answers(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    fake = FakeRetriever([PAIR], score=0.1)
    assert "Please type" in retrieval.answer("   \n ", retriever=fake).text
    long = retrieval.answer("word " * 2000, "retrieval", retriever=fake)
    assert "long" in long.notice and "not close" in long.notice
    foreign = retrieval.answer("Что такое список в Питоне?", "retrieval", retriever=fake)
    assert "English" in foreign.notice
    with pytest.raises(ValueError, match="unknown mode"):
        retrieval.answer("hi", "telepathy", retriever=fake)


def test_an_answer_written_for_a_neighbouring_question_says_which(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    same = retrieval.answer("What's a list?", "retrieval", retriever=FakeRetriever([PAIR], score=0.9))
    assert same.text == PAIR.answer and same.notice is None
    near = retrieval.answer("When is a tuple better than a list?", "retrieval", retriever=FakeRetriever([PAIR], score=0.7))
    assert near.text == PAIR.answer and "“What is a list?”" in near.notice and "not close" not in near.notice
    no_model = retrieval.answer("When is a tuple better than a list?", "gpt", retriever=FakeRetriever([PAIR], score=0.7))
    assert no_model.mode == "retrieval" and "“What is a list?”" in no_model.notice


def test_auto_mode_reads_the_saved_evaluation(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    assert retrieval.best_mode() == "retrieval"
    path = retrieval.paths.artifacts() / retrieval.EVAL_FILE
    path.write_text('{"best_mode": "retrieval+gpt"}')
    assert retrieval.best_mode() == "retrieval+gpt"


def test_rag_prompt_lays_out_sources_then_the_question_and_leaves_room_to_answer():
    tok = WordTokenizer.fit(["use a dictionary for fast lookups . a list keeps order . what is a set ?"])
    sources = [("what is a set ?", "a set keeps unique items ."), ("what is a list ?", "a list keeps order ."),
               ("fast lookups ?", "use a dictionary for fast lookups .")]
    ids, used, truncated = generate.rag_prompt(tok, "what is a dictionary ?", sources, window=64)
    first = tok.encode_pair(*sources[0])
    assert ids[:len(first)] == first and not truncated
    assert ids[-len(tok.encode_pair("what is a dictionary ?")):] == tok.encode_pair("what is a dictionary ?")
    assert used == 3 and ids.count(tok.eos_id) == 3 and ids.count(tok.bos_id) == 4
    assert len(ids) <= 64 - 64 * generate.ANSWER_SHARE
    # a small window keeps the question, then as much of the best source as fits, never a stub without answer
    ids, used, _ = generate.rag_prompt(tok, "what is a dictionary ?", sources, window=24)
    assert used == 1 and ids[ids.index(tok.a_id) + 1] != tok.eos_id and len(ids) <= 18
    ids, used, _ = generate.rag_prompt(tok, "what is a dictionary ?", sources, window=16)
    assert used == 0 and ids == tok.encode_pair("what is a dictionary ?")


def test_answers_cut_by_the_token_limit_end_at_a_full_sentence():
    assert generate.finish_answer("Use a dict. It is fast and", stopped=False) == "Use a dict."
    assert generate.finish_answer("Use a dict. It is fast and", stopped=True) == "Use a dict. It is fast and"
    assert generate.finish_answer("Use a dict", stopped=False) == "Use a dict ..."
    assert generate.finish_answer("Use a dict!", stopped=False) == "Use a dict!"


def test_stream_answer_grows_then_finishes_a_rambling_answer():
    gen, tok = _generator(["use", "a", "dictionary", ".", "use", "a"])      # never says <eos>
    steps = list(gen.stream_answer("q", sampling=Sampling(max_new_tokens=6, seed=0)))
    assert steps[:2] == ["Use", "Use a"] and steps[-2] == "Use a dictionary. Use a"
    assert steps[-1] == "Use a dictionary."
    gen, _ = _generator(["use", "a", "dictionary", ".", "use", "a"])       # the script starts again
    assert gen.generate("q", sampling=Sampling(max_new_tokens=6, seed=0)) == "Use a dictionary."
    gen, tok = _generator(["use", "a", "dictionary", 4])                   # 4 = <eos>: it stopped by itself
    assert list(gen.stream_answer("q", sampling=Sampling(seed=0)))[-1] == "Use a dictionary"


def test_copy_table_follows_the_longest_run_found_in_the_sources():
    table = generate.CopyTable([[1, 2, 3, 4], [1, 2, 5]], question=[7, 2, 9])
    start = table.distribution([], 10)                      # an answer starts as the sources' answers do
    assert np.flatnonzero(start).tolist() == [1]
    after_12 = table.distribution([8, 1, 2], 10)             # "1 2" -> 3 (best source, weight 1) or 5 (weight 1/2)
    assert np.flatnonzero(after_12).tolist() == [3, 5] and after_12[3] == pytest.approx(2 * after_12[5])
    after_2 = table.distribution([2], 10)                   # "2" alone: 3, 5, and the question's 9
    assert np.flatnonzero(after_2).tolist() == [3, 5, 9]
    assert table.distribution([6], 10) is None               # nothing follows "6" anywhere (mid-answer)
    assert generate.CopyTable([], question=[7, 2]).distribution([], 10) is None   # a question never starts one


def test_mixing_copy_keeps_the_model_where_there_is_nothing_to_copy():
    copy = np.array([0.0, 0.0, 0.0, 1.0, 0.0])
    mixed = np.exp(generate.mix_copy(LOGP, copy, 0.5))
    np.testing.assert_allclose(mixed, 0.5 * np.exp(LOGP) + 0.5 * copy)
    assert generate.mix_copy(LOGP, None, 0.5) is LOGP
    assert np.isfinite(generate.mix_copy(LOGP, copy, 1.0)).all()      # the model always keeps a share


def test_no_repeat_ngram_bans_the_tokens_that_would_repeat_one():
    assert generate.repeated_ngram_tokens([5, 6, 7, 5, 6], 3) == [7]
    assert generate.repeated_ngram_tokens([5, 6, 5], 2) == [6]
    assert generate.repeated_ngram_tokens([5, 6, 7], 3) == []
    assert generate.repeated_ngram_tokens([5, 6, 7], 0) == []


def test_decoding_aids_change_what_is_drawn():
    # the scripted model would say "use use use ..."; never repeating a 2-gram stops the second "use use"
    gen, tok = _generator(["use"])
    out = list(gen.stream_ids(tok.encode_pair("q"), Sampling(max_new_tokens=5, seed=0, no_repeat_ngram=2, temperature=0)))
    assert out == [tok.index["use"]] * 2          # then its next best (all others tie) is a stop token
    # copying (weight 0.99) outweighs a model that is sure of "use": the answer follows the source instead
    gen, tok = _generator(["use"])
    words = [tok.index[w] for w in ["a", "dictionary", "for", "fast", "lookups"]]
    table = generate.CopyTable([words])
    out = list(gen.stream_ids(tok.encode_pair("q"), Sampling(max_new_tokens=5, temperature=0, copy=0.99), table))
    assert out == words

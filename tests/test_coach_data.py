"""Coach corpus loading, validation, the frozen held-out split, and the word tokenizer."""
from __future__ import annotations

import json

import pytest

from engine.coach import corpus as C
from engine.coach.tokenizer import SPECIALS, WordTokenizer, detokenize, split_words
from tests.coach_helpers import use_mini_corpus


def _line(**kw):
    base = {"id": "python-001", "topic": "python", "question": "Q?", "answer": "A.", "key_points": ["a"], "star": False}
    return json.dumps({**base, **kw})


def test_fixture_corpus_loads_with_a_stratified_split(tmp_path, monkeypatch):
    folder = use_mini_corpus(tmp_path, monkeypatch)
    corpus = C.load_corpus()
    assert len(corpus.pairs) == 30
    assert corpus.heldout and not set(p.id for p in corpus.train) & corpus.heldout_ids
    # every topic with 3+ pairs has at least one held-out pair
    topics = {p.topic for p in corpus.heldout}
    assert {t for t in C.TOPICS if sum(p.topic == t for p in corpus.pairs) >= 3} <= topics
    saved = json.loads((folder / "split.json").read_text())
    assert set(saved["heldout_ids"]) == corpus.heldout_ids


def test_split_is_frozen_and_new_ids_follow_the_hash_rule(tmp_path, monkeypatch):
    folder = use_mini_corpus(tmp_path, monkeypatch)
    first = C.load_corpus().heldout_ids
    # a new pair must not reshuffle the existing split
    with open(folder / "mini.jsonl", "a") as f:
        f.write(_line(id="python-999", question="What is a generator?", answer="A lazy iterator.") + "\n")
    second = C.load_corpus()
    assert ("python-999" in second.heldout_ids) == C.assign_new("python-999")
    assert second.heldout_ids - {"python-999"} == first


@pytest.mark.parametrize("bad, message", [
    ({"topic": "astrology"}, "unknown topic"),
    ({"answer": "  "}, "missing answer"),
    ({"key_points": "not a list"}, "key_points"),
])
def test_invalid_lines_are_reported_with_their_place(bad, message):
    with pytest.raises(C.CorpusError, match=message) as err:
        C.parse_pairs([("x.jsonl", 3, _line(**bad))])
    assert "x.jsonl:3" in str(err.value)


def test_duplicate_ids_and_broken_json_are_refused():
    with pytest.raises(C.CorpusError, match="duplicate id"):
        C.parse_pairs([("a.jsonl", 1, _line()), ("a.jsonl", 2, _line())])
    with pytest.raises(C.CorpusError, match="not JSON"):
        C.parse_pairs([("a.jsonl", 1, "{oops")])


def test_corpus_level_field_becomes_difficulty():
    (pair,) = C.parse_pairs([("a.jsonl", 1, _line(level="senior"))])
    assert pair.difficulty == "senior"


def test_tokenizer_round_trip_specials_and_oov(tmp_path):
    tok = WordTokenizer.fit(["I don't like C++ or C#, but Python 3.11 is fine."], vocab_size=50)
    assert tok.vocab[: len(SPECIALS)] == list(SPECIALS) and tok.pad_id == 0
    ids = tok.encode("I don't like C++, but Python 3.11 is fine.")
    assert tok.unk_id not in ids
    assert tok.decode(ids) == "I don't like c++, but python 3.11 is fine."
    assert tok.encode("zebra giraffe") == [tok.unk_id, tok.unk_id]
    assert tok.oov_rate("python zebra") == 0.5
    tok.save(tmp_path / "t.json")
    assert WordTokenizer.load(tmp_path / "t.json").vocab == tok.vocab


def test_tokenizer_vocabulary_is_capped_by_frequency():
    tok = WordTokenizer.fit(["a a a b b c"], vocab_size=len(SPECIALS) + 2)
    assert tok.vocab[len(SPECIALS):] == ["a", "b"]
    assert tok.encode("c") == [tok.unk_id]


def test_pair_encoding_and_punctuation_tokens():
    tok = WordTokenizer.fit(["what is sql ? a query language ."])
    ids = tok.encode_pair("What is SQL?", "A query language.")
    assert ids[:2] == [tok.bos_id, tok.q_id] and ids[-1] == tok.eos_id and tok.a_id in ids
    assert split_words("Hello, world!") == ["hello", ",", "world", "!"]
    assert detokenize(["hello", ",", "world", ".", "bye"]) == "Hello, world. Bye"

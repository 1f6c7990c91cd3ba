"""Job-Rec-v2's occupation head: what it trains on, that it learns, and that only the encoder it was trained on
reads through it."""
import hashlib
import json
import random

import numpy as np
import pytest

from engine.occupations import head as head_mod
from engine.occupations.head import HeadConfig, OccupationHead, head_for, load_head, save_head, split_titles, train_head
from engine.occupations.match import OccupationMatcher, occupation_titles
from engine.occupations.table import Occupation, OccupationTable, load_table, title_key

DIM = 96


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    """Heads trained 'here' go to the test's own artifacts folder, the stand-in encoder's title vectors to a
    cache of the test's own (a cached file of another stand-in would be read as this one's)."""
    monkeypatch.setenv("JOBEXPRESSWAY_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    monkeypatch.setenv("JOBEXPRESSWAY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "artifacts"


class BagOfWords:
    """A stand-in encoder: a title is the sum of its words' fixed random vectors, the word that names an
    occupation ("name3") weighing a fifth of the others, so raw cosines mostly follow the words that titles
    of every occupation share."""
    version = "bag-of-words@test"

    def encode(self, texts, batch_size=64, show_progress=False):
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                seed = int(hashlib.sha1(word.encode()).hexdigest()[:8], 16)
                out[i] += np.random.default_rng(seed).standard_normal(DIM) * (0.2 if word.startswith("name") else 1)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _toy_table(n_occupations: int = 8, titles: int = 80) -> OccupationTable:
    rng = random.Random(0)
    shared = [f"shared{i}" for i in range(30)]
    occupations, alternates = [], []
    for k in range(n_occupations):
        code = f"11-{1000 + k}.00"
        occupations.append(Occupation(code, f"name{k} worker", "", None))
        made = set()
        while len(made) < titles:
            words = [f"name{k}", *rng.sample(shared, 3)]
            rng.shuffle(words)
            made.add(" ".join(words))
        alternates += [(code, t, i % 5 == 0) for i, t in enumerate(sorted(made))]   # a fifth held out
    return OccupationTable(tuple(occupations), tuple(alternates), (), ())


def test_the_split_reads_no_held_out_title_and_validates_on_titles_the_matcher_does_not_read():
    table = load_table()
    keys = {title_key(t) for _, t in occupation_titles(table)}
    train, validation = split_titles(table, keys, 0.1)
    held = {title_key(t) for t in table.held_out_titles()}
    trained = {title_key(t) for _, t in train}
    checked = {title_key(t) for t, _ in validation}
    assert not held & trained and not held & checked
    assert not checked & keys and not checked & trained
    assert all(len(codes) == 1 for _, codes in validation)
    readable = sum(len(titles) for titles in table.training_titles().values())
    assert 0.03 < len(validation) / readable < 0.1 and len(train) + len(validation) <= readable


def test_a_head_learns_what_names_the_occupation_and_never_does_worse_than_none(artifacts):
    table, encoder = _toy_table(), BagOfWords()
    head, card = train_head(encoder, table, HeadConfig(epochs=25, batch_size=64, learning_rate=1e-2))
    before, after = card["validation_mrr@10"]["without_head"], card["validation_mrr@10"]["with_head"]
    assert after > before + 0.15 and card["chosen_epoch"] > 0
    assert head.encoder_version == encoder.version and head.weight.shape == (DIM, DIM)
    assert card["data"]["validation_titles"] > 0 and card["history"][0]["epoch"] == 0

    # the held-out titles, which neither the training nor the choice of epoch read, gain as well
    held = table.held_out_titles()
    plain, headed = OccupationMatcher(encoder, table), OccupationMatcher(encoder, table, head=head)

    def accuracy(matcher):
        return np.mean([m[0].code in held[t] for t, m in zip(held, matcher.top(list(held), k=1))])
    assert accuracy(headed) > accuracy(plain) + 0.15
    assert headed.version != plain.version and head.version in headed.version


def test_an_identity_head_changes_no_score(artifacts):
    table, encoder = _toy_table(3, 10), BagOfWords()
    identity = OccupationHead(np.eye(DIM, dtype=np.float32), encoder.version, "id")
    titles = ["name1 shared3", "name2"]
    assert np.allclose(OccupationMatcher(encoder, table, head=identity).scores(titles),
                       OccupationMatcher(encoder, table).scores(titles), atol=1e-5)


def test_only_the_encoder_a_head_was_trained_on_reads_through_it(artifacts, monkeypatch, tmp_path):
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(tmp_path / "none-shipped"))
    weight = np.eye(4, dtype=np.float32) * 2
    save_head(OccupationHead(weight, "job-rec-v1@aaa", head_mod.head_version(weight)), {"encoder_version": "job-rec-v1@aaa"})
    found = head_for("job-rec-v1@aaa")
    assert found is not None and found.folder == head_mod.trained_path() and np.array_equal(found.weight, weight)
    assert head_for("job-rec-v1@bbb") is None                 # retrained encoder: the old head would mislead
    assert head_for("all-MiniLM-L6-v2@ccc") is None           # the pretrained fallback has no head


@pytest.mark.parametrize("damage", ["not an array", "pickled", "not square", "no card"])
def test_a_damaged_head_is_ignored_not_loaded(artifacts, tmp_path, damage):
    folder = tmp_path / "head"
    save_head(OccupationHead(np.eye(4, dtype=np.float32), "e@1", "x"), {"encoder_version": "e@1"}, folder)
    if damage == "not an array":
        (folder / head_mod.WEIGHT_FILE).write_bytes(b"\x93NUMPY garbage")
    elif damage == "pickled":   # np.load would run code from a pickle: refused
        np.save(folder / head_mod.WEIGHT_FILE, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    elif damage == "not square":
        np.save(folder / head_mod.WEIGHT_FILE, np.ones((4, 3), dtype=np.float32))
    else:
        (folder / head_mod.CARD_FILE).unlink()
    assert load_head(folder) is None


def test_a_head_for_another_encoder_is_not_shipped(artifacts):
    weight = np.eye(4, dtype=np.float32)
    save_head(OccupationHead(weight, "job-rec-v1@not-the-shipped-one", "x"), {"encoder_version": "job-rec-v1@not-the-shipped-one"})
    with pytest.raises(RuntimeError, match="not on the shipped Job-Rec-v1"):
        head_mod.ship_head(log=lambda _: None)


def test_the_shipped_head_belongs_to_the_shipped_encoder_and_moves_the_matcher_version(artifacts):
    from engine import shipped
    from engine.occupations.match import matcher_version
    from engine.recsys.encoder import model_version

    found = shipped.load(shipped.OCCUPATION_HEAD)
    assert found is not None, shipped.problem(shipped.OCCUPATION_HEAD)
    card = json.loads((found.folder / head_mod.CARD_FILE).read_text())
    assert card["validation_mrr@10"]["with_head"] > card["validation_mrr@10"]["without_head"]
    head = head_for(model_version())
    assert head is not None and head.folder == found.folder
    assert f"+{head.version}#" in matcher_version()

"""The coach GPT: output shapes, the causal mask, save/load, and the NumPy fast path matching Keras."""
from __future__ import annotations

import numpy as np
import pytest

from engine.coach.fastpath import NumpyGPT
from engine.coach.model import CoachConfig, build_model, load, save


@pytest.fixture(scope="module")
def tiny():
    config = CoachConfig.tiny(vocab_size=60, seq_len=24, n_layers=2)
    model = build_model(config)
    rng = np.random.default_rng(0)
    for w in model.weights:      # non-trivial weights (layer-norm betas, biases) so the checks mean something
        w.assign(w.numpy() + rng.normal(0, 0.1, w.shape).astype("float32"))
    return config, model


def test_output_is_a_distribution_over_the_vocabulary(tiny):
    config, model = tiny
    ids = np.random.default_rng(1).integers(1, config.vocab_size, (3, config.seq_len)).astype("int32")
    probs = np.asarray(model(ids))
    assert probs.shape == (3, config.seq_len, config.vocab_size)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-4)


def test_a_future_token_never_changes_earlier_predictions(tiny):
    config, model = tiny
    ids = np.random.default_rng(2).integers(1, config.vocab_size, (1, config.seq_len)).astype("int32")
    changed = ids.copy()
    changed[0, 10] = (ids[0, 10] % (config.vocab_size - 1)) + 1
    a, b = np.asarray(model(ids)), np.asarray(model(changed))
    np.testing.assert_allclose(a[0, :10], b[0, :10], atol=1e-6)
    assert np.abs(a[0, 10:] - b[0, 10:]).max() > 1e-4     # ...while later ones do change


def test_save_and_load_rebuild_the_same_model(tiny, tmp_path):
    config, model = tiny
    save(model, config, tmp_path)
    again, config2 = load(tmp_path)
    assert config2 == config
    ids = np.arange(1, 13, dtype="int32")[None]
    np.testing.assert_allclose(np.asarray(again(ids)), np.asarray(model(ids)), atol=1e-6)


def test_numpy_kv_cache_path_matches_keras(tiny):
    config, model = tiny
    ids = np.random.default_rng(3).integers(1, config.vocab_size, (1, 20)).astype("int32")
    reference = np.log(np.asarray(model(ids))[0])                      # (T, V)
    fast = NumpyGPT(model, config)
    cache = fast.new_cache()
    prefix = fast.forward(list(ids[0, :12]), cache, all_positions=True)   # a prompt at once...
    steps = [fast.forward([int(t)], cache) for t in ids[0, 12:]]          # ...then one token at a time
    np.testing.assert_allclose(np.concatenate([prefix, np.stack(steps)]), reference, atol=1e-4)
    with pytest.raises(ValueError, match="window"):
        fast.forward([1] * (config.seq_len - 19), cache)

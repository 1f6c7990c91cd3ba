"""A small GPT-style decoder in Keras 3, built bottom-up: positional embedding -> causal self-attention ->
feed-forward -> block -> GPT. The config is saved beside the weights so the model rebuilds from its folder."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")   # the design's default; must be set before keras loads

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers, ops  # noqa: E402

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "coach.weights.h5"
HALF_WEIGHTS_FILE = "coach.weights.f16.npz"   # what ships: the same weights as float16, half the bytes
SHIP_LIMIT_MB = 20.0             # the shipped weights (no optimizer state) stay under this


@dataclass
class CoachConfig:
    tokenizer: str = "bpe"        # "bpe" (byte-level, nothing unknown) or "word" (the first shipped GPT's)
    vocab_size: int = 5000
    seq_len: int = 100            # the context window; training windows and generation both use it
    d_model: int = 128
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 512               # 4 x d_model, as in GPT-2
    dropout: float = 0.2           # the corpus is small (~30k training tokens): regularise
    learning_rate: float = 3e-4
    batch_size: int = 32
    epochs: int = 60
    stride: int = 50              # training windows overlap by half: a new window every `stride` tokens
    max_minutes: float = 8.0      # stop after this much CPU time / 2 (= wall time on 2 free cores; the issue asks < 10)
    max_wall_minutes: float | None = None   # an extra wall-clock cap, for a machine shared with other work
    seed: int = 1337

    def save(self, folder: str | Path) -> None:
        (Path(folder) / CONFIG_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path) -> CoachConfig:
        data = json.loads((Path(folder) / CONFIG_FILE).read_text())
        data.setdefault("tokenizer", "word")   # configs saved before the BPE tokenizer were word-level
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def tiny(cls, **overrides) -> CoachConfig:
        """For tests: a model that trains in seconds."""
        base = dict(vocab_size=300, seq_len=32, d_model=32, n_layers=1, n_heads=2, d_ff=64, dropout=0.0,
                    batch_size=16, epochs=1, stride=16, max_minutes=2.0)
        return cls(**{**base, **overrides})


def sinusoidal_positions(seq_len: int, d_model: int) -> np.ndarray:
    """The fixed sine/cosine encoding of 'Attention is all you need': (T, C)."""
    pos = np.arange(seq_len)[:, None]
    i = np.arange(d_model // 2)[None, :]
    angles = pos / np.power(10_000.0, 2 * i / d_model)
    enc = np.zeros((seq_len, d_model), dtype="float32")
    enc[:, 0::2], enc[:, 1::2] = np.sin(angles), np.cos(angles)
    return enc


@keras.saving.register_keras_serializable("coach")
class TokenAndPosition(layers.Layer):
    def __init__(self, vocab_size: int, seq_len: int, d_model: int, **kw):
        super().__init__(**kw)
        self.vocab_size, self.seq_len, self.d_model = vocab_size, seq_len, d_model
        self.tokens = layers.Embedding(vocab_size, d_model)
        self.positions = sinusoidal_positions(seq_len, d_model)

    def call(self, ids):                                            # (B, T)
        t = ops.shape(ids)[1]
        x = self.tokens(ids) * (self.d_model ** 0.5)               # (B, T, C)
        return x + ops.convert_to_tensor(self.positions)[None, :t]  # (B, T, C)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "seq_len": self.seq_len, "d_model": self.d_model}


@keras.saving.register_keras_serializable("coach")
class Block(layers.Layer):
    """Pre-norm transformer decoder block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float, **kw):
        super().__init__(**kw)
        self.args = dict(d_model=d_model, n_heads=n_heads, d_ff=d_ff, dropout=dropout)
        self.ln1 = layers.LayerNormalization(epsilon=1e-5, name="ln1")
        self.attn = layers.MultiHeadAttention(n_heads, key_dim=d_model // n_heads, dropout=dropout, name="attn")
        self.ln2 = layers.LayerNormalization(epsilon=1e-5, name="ln2")
        self.mlp = keras.Sequential([layers.Dense(d_ff, activation="gelu"), layers.Dense(d_model), layers.Dropout(dropout)], name="mlp")
        self.drop = layers.Dropout(dropout)

    def call(self, x, training=False):                              # (B, T, C)
        h = self.ln1(x)
        x = x + self.drop(self.attn(h, h, use_causal_mask=True, training=training), training=training)
        return x + self.mlp(self.ln2(x), training=training)         # (B, T, C)

    def get_config(self):
        return {**super().get_config(), **self.args}


def build_model(config: CoachConfig, *, compile: bool = True) -> keras.Model:
    keras.utils.set_random_seed(config.seed)
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")
    x = TokenAndPosition(config.vocab_size, config.seq_len, config.d_model, name="embed")(ids)
    x = layers.Dropout(config.dropout, name="embed_dropout")(x)
    for i in range(config.n_layers):
        x = Block(config.d_model, config.n_heads, config.d_ff, config.dropout, name=f"block_{i}")(x)
    x = layers.LayerNormalization(epsilon=1e-5, name="ln_f")(x)
    probs = layers.Dense(config.vocab_size, activation="softmax", name="lm_head")(x)   # (B, T, V)
    model = keras.Model(ids, probs, name="coach_gpt")
    return compile_model(model, config) if compile else model


def compile_model(model: keras.Model, config: CoachConfig) -> keras.Model:
    """Adam and the loss over real tokens (a loaded model is compiled afresh to train on: fine-tuning)."""
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=0),   # <pad> (id 0) never counts
        metrics=[masked_accuracy],
        jit_compile=False,   # XLA compiling took longer than it saved on these small epochs
    )
    return model


@keras.saving.register_keras_serializable("coach")
def masked_accuracy(y_true, y_pred):
    """Next-token accuracy over real tokens only (padding excluded)."""
    y_true = ops.cast(y_true, "int32")
    mask = ops.cast(ops.not_equal(y_true, 0), "float32")
    hit = ops.cast(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true), "float32")
    return ops.sum(hit * mask) / ops.maximum(ops.sum(mask), 1.0)


def save(model: keras.Model, config: CoachConfig, folder: str | Path) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config.save(folder)
    model.save_weights(folder / WEIGHTS_FILE)


def weights_file(folder: str | Path) -> Path | None:
    """The folder's weights: a trained model's float32 file, else a shipped model's float16 one."""
    for name in (WEIGHTS_FILE, HALF_WEIGHTS_FILE):
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


def save_half(model: keras.Model, path: str | Path) -> None:
    """The weights as float16 arrays, in the model's own order: generation reads them back as float32."""
    with open(path, "wb") as out:
        np.savez_compressed(out, *[w.astype(np.float16) for w in model.get_weights()])


def load(folder: str | Path, *, compile: bool = False) -> tuple[keras.Model, CoachConfig]:
    """The model saved in folder; compile=True to train it further (with a fresh optimizer)."""
    folder = Path(folder)
    config = CoachConfig.load(folder)
    model = build_model(config, compile=False)
    weights = weights_file(folder)
    if weights is None:
        raise FileNotFoundError(f"no coach weights in {folder}")
    if weights.name == HALF_WEIGHTS_FILE:
        with np.load(weights, allow_pickle=False) as saved:
            model.set_weights([saved[f"arr_{i}"].astype("float32") for i in range(len(saved.files))])
    else:
        model.load_weights(weights)
    return (compile_model(model, config) if compile else model), config


def weights_megabytes(model: keras.Model) -> float:
    """float16 weights without the optimizer's moments: what ships (SHIP_LIMIT_MB)."""
    return round(model.count_params() * 2 / 1e6, 2)

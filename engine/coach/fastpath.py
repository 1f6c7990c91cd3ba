"""The trained GPT's forward pass in NumPy with a key/value cache, for generation.

Calling Keras once per generated token re-runs the whole window through TensorFlow (5-13 ms a token on this
machine's 2 shared cores); this reads the same weights and computes only the new token's attention against
cached keys and values (well under 1 ms). tests/test_coach_model.py checks it matches the Keras model.
"""
from __future__ import annotations

import numpy as np
from scipy.special import erf


def _ln(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def _gelu(x):
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))   # keras' default gelu is the exact (erf) one


class KVCache:
    def __init__(self, n_layers: int):
        self.k: list[np.ndarray | None] = [None] * n_layers   # (t, H, Dh) each
        self.v: list[np.ndarray | None] = [None] * n_layers
        self.length = 0


class NumpyGPT:
    def __init__(self, model, config):
        self.config = config
        get = lambda w: np.asarray(w.numpy() if hasattr(w, "numpy") else w, dtype=np.float32)  # noqa: E731
        emb = model.get_layer("embed")
        self.wte = get(emb.tokens.embeddings) * np.float32(config.d_model ** 0.5)   # (V, C), scale folded in
        self.wpe = emb.positions.astype(np.float32)                                # (T, C)
        self.blocks = []
        for i in range(config.n_layers):
            b = model.get_layer(f"block_{i}")
            a = b.attn
            h, dh = config.n_heads, config.d_model // config.n_heads
            # q, k, v fused into one (C, 3C) matmul; heads are laid out as (H, Dh) inside each third
            qkv_w = np.concatenate([get(d.kernel).reshape(-1, h * dh) for d in (a._query_dense, a._key_dense, a._value_dense)], 1)
            qkv_b = np.concatenate([get(d.bias).reshape(h * dh) for d in (a._query_dense, a._key_dense, a._value_dense)])
            self.blocks.append({
                "ln1": (get(b.ln1.gamma), get(b.ln1.beta)), "ln2": (get(b.ln2.gamma), get(b.ln2.beta)),
                "qkv": (qkv_w, qkv_b),
                "o": (get(a._output_dense.kernel).reshape(h * dh, -1), get(a._output_dense.bias)),
                "fc": (get(b.mlp.layers[0].kernel), get(b.mlp.layers[0].bias)),
                "proj": (get(b.mlp.layers[1].kernel), get(b.mlp.layers[1].bias)),
            })
        lnf = model.get_layer("ln_f")
        self.lnf = (get(lnf.gamma), get(lnf.beta))
        head = model.get_layer("lm_head")
        self.head = (get(head.kernel), get(head.bias))                             # (C, V), (V,)
        self.scale = np.float32(1.0 / np.sqrt(config.d_model // config.n_heads))

    def new_cache(self) -> KVCache:
        return KVCache(len(self.blocks))

    def forward(self, ids: list[int], cache: KVCache, all_positions: bool = False) -> np.ndarray:
        """Feed new tokens after what the cache holds; returns the next-token log-probabilities of the last
        position (V,), or of every new position (n, V) with all_positions=True."""
        n, start = len(ids), cache.length
        if start + n > self.config.seq_len:
            raise ValueError("context longer than the model's window")
        x = self.wte[ids] + self.wpe[start:start + n]                          # (n, C)
        causal = np.tril(np.ones((n, start + n), dtype=bool), k=start) if n > 1 else None  # token i sees 0..start+i
        for li, blk in enumerate(self.blocks):
            nh = self.config.n_heads
            qkv = _ln(x, *blk["ln1"]) @ blk["qkv"][0] + blk["qkv"][1]           # (n, 3C)
            q, k, v = (part.reshape(n, nh, -1) for part in np.split(qkv, 3, axis=1))   # (n, H, Dh)
            if cache.k[li] is not None:
                k, v = np.concatenate([cache.k[li], k]), np.concatenate([cache.v[li], v])
            cache.k[li], cache.v[li] = k, v                                    # (t, H, Dh)
            att = np.einsum("nhd,thd->hnt", q * self.scale, k)                 # (H, n, t)
            if n > 1:
                att = np.where(causal[None], att, -1e9)
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            y = np.einsum("hnt,thd->nhd", att, v).reshape(n, -1)              # (n, C)
            x = x + y @ blk["o"][0] + blk["o"][1]
            h = _ln(x, *blk["ln2"])
            x = x + _gelu(h @ blk["fc"][0] + blk["fc"][1]) @ blk["proj"][0] + blk["proj"][1]
        cache.length = start + n
        x = _ln(x if all_positions else x[-1:], *self.lnf)
        logits = x @ self.head[0] + self.head[1]                               # (n, V)
        logits -= logits.max(-1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        return logp if all_positions else logp[0]

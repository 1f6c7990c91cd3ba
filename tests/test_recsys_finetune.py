"""Job-Rec training parts that need a real model (the pretrained MiniLM)."""
import numpy as np
import pytest


@pytest.mark.slow
def test_kept_postings_are_pulled_back_to_the_base_models_embeddings(monkeypatch):
    """The O*NET fine-tune learns titles while a loss holds the postings' texts where the base model put them:
    zero where a text still has its base embedding, weight x (1 - cosine) where it moved."""
    import torch
    from sentence_transformers import SentenceTransformer

    from engine.recsys import encoder as enc
    from engine.recsys.finetune import keep_embeddings_loss, kept_texts_dataset

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = SentenceTransformer(str(enc.pretrained_path()), device="cpu")
    pairs = [("python developer", "registered nurse"), ("truck driver", "python developer", "nurse aide")]
    kept = kept_texts_dataset(model, pairs)
    assert kept["text"] == ["nurse aide", "python developer", "registered nurse", "truck driver"]
    base = model.encode(kept["text"], convert_to_numpy=True)
    assert np.allclose(np.array(kept["label"]), base, atol=1e-5)

    loss = keep_embeddings_loss(model, weight=20.0)
    features = [model.tokenize(kept["text"])]
    model.eval()
    with torch.no_grad():
        assert loss(features, torch.tensor(kept["label"])).item() == pytest.approx(0.0, abs=1e-5)
        moved = np.roll(base, 1, axis=0)   # as if every text had moved onto another's place
        expected = 20.0 * np.mean(1 - np.sum(base * moved, axis=1))
        assert loss(features, torch.tensor(moved)).item() == pytest.approx(expected, rel=1e-3)

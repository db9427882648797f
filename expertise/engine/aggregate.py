"""Turning per-paper similarities into per-person scores.

Why these choices (Stelmakh et al. 2023 gold-standard study; OpenReview
expertise model): a researcher's expertise on a document is best predicted by
their few most similar papers, not by the centroid of all their work (which
blurs distinct topics) nor by the single best paper (noisy: one lucky word
match or an off-topic collaboration).  Hence a weighted mean of the top-k
similarities.  Recency is gentle: old papers still count, a little less.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

FloatMatrix = NDArray[np.floating]


def top_k_mean(similarities: FloatMatrix, weights: Sequence[float]) -> NDArray[np.float64]:
    """Weighted mean of the k largest values of each column.

    ``similarities`` is [n_papers, n_documents]; ``weights`` are given in rank
    order (best first).  With fewer than k papers, the available ranks' weights
    are renormalised, so a one-paper person gets that paper's similarity.
    """
    sims = np.asarray(similarities, dtype=np.float64)
    if sims.ndim != 2:
        raise ValueError("similarities must be 2-D [papers, documents]")
    n_papers = sims.shape[0]
    if n_papers == 0:
        return np.zeros(sims.shape[1], dtype=np.float64)
    k = min(len(weights), n_papers)
    top = -np.partition(-sims, k - 1, axis=0)[:k] if k < n_papers else sims
    top = -np.sort(-top, axis=0)[:k]
    w = np.asarray(weights[:k], dtype=np.float64)
    return (w @ top) / w.sum()


def recency_weights(years: Sequence[int | None], strength: float, horizon: float) -> NDArray[np.float64]:
    """Per-paper multipliers in [1 - strength, 1], newest papers highest.

    Age is counted from the person's own latest dated paper (not from today),
    so results do not drift with the calendar and a retired expert is not
    penalised as a whole.  Undated papers get the midpoint weight.
    """
    known = [y for y in years if y is not None]
    if not known or strength <= 0.0:
        return np.ones(len(years), dtype=np.float64)
    latest = max(known)
    out = np.empty(len(years), dtype=np.float64)
    for i, year in enumerate(years):
        if year is None:
            out[i] = 1.0 - strength / 2.0
        else:
            age = min(max(latest - year, 0), horizon)
            out[i] = 1.0 - strength * age / horizon
    return out


def standardise_rows(matrix: FloatMatrix) -> NDArray[np.float64]:
    """Per-person z-scores across documents (rows with no spread become 0).

    The quality measure ranks documents within each person, so each signal
    is put on the same per-person scale before the ensemble: a person whose
    lexical scores are all tiny still gets a lexical vote as strong as the
    others'.
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.size == 0:
        return m.copy()
    mean = m.mean(axis=1, keepdims=True)
    std = m.std(axis=1, keepdims=True)
    out = np.zeros_like(m)
    np.divide(m - mean, std, out=out, where=std > 1e-12)
    return out

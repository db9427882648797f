"""Index snapshots on disk, so that a process loads the index in about a second.

Why: building the lexical side analyses every publication in pure Python (about 1 ms each, so
~2 minutes for the large demo's 100k papers). The process that changes the index (the refresh
task, the ``expertise_index`` command) saves the built arrays once; every web process then reads
them instead of rebuilding. A snapshot is named after the stored version, the time of the change
and the encoder, so a stale or foreign file is never read; arrays go through ``np.savez``
(no pickle), names and terms through JSON. Deleting the directory is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings

if TYPE_CHECKING:
    from expertise.selectors.index import ExpertiseIndex


def directory() -> Path | None:
    configured = getattr(settings, "EXPERTISE_INDEX_DIR", None)
    if configured == "":
        return None  # snapshots disabled
    return Path(configured) if configured else Path(settings.DATA_DIR) / "expertise-index"


def snapshot_path(state: dict[str, Any], method_key: str) -> Path | None:
    folder = directory()
    if folder is None or not state.get("changed_at"):
        return None
    stamp = f"{state['version']}-{state['changed_at'].isoformat()}-{method_key}"
    return folder / f"index-{hashlib.sha256(stamp.encode()).hexdigest()[:24]}.npz"


def _csr(prefix: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_data": matrix.data,
        f"{prefix}_indices": matrix.indices,
        f"{prefix}_indptr": matrix.indptr,
        f"{prefix}_shape": np.asarray(matrix.shape),
    }


def _read_csr(arrays: Any, prefix: str) -> sp.csr_matrix:
    return sp.csr_matrix(
        (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], arrays[f"{prefix}_indptr"]),
        shape=tuple(arrays[f"{prefix}_shape"]),
    )


def save(index: ExpertiseIndex, path: Path) -> None:
    assert index.model is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    vocabulary = index.model.vocabulary
    terms = [""] * len(vocabulary.index)
    for term, col in vocabulary.index.items():
        terms[col] = term
    meta = {"titles": index.titles, "terms": terms, "surface": index.surface, "n_docs": vocabulary.n_docs}
    arrays = {
        "pub_ids": index.pub_ids,
        "years": np.asarray([y or 0 for y in index.years], dtype=np.int32),
        "person_ids": index.person_ids,
        "own_person": index.own_person,
        "own_pub": index.own_pub,
        "own_weight": index.own_weight,
        "df": vocabulary.df,
        "has_vector": index.has_vector,
        "dense": index.dense.astype(np.float16) if index.dense is not None else np.zeros((0, 0), np.float16),
        "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
        **_csr("pub_counts", index.pub_counts),
    }
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]
    partial.replace(path)  # atomic: readers see the whole file or none
    for old in path.parent.glob("index-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)


def restore(index: ExpertiseIndex, path: Path) -> bool:
    """Fill ``index`` from ``path``; False when there is no readable snapshot."""
    from expertise.engine.text import LexicalModel, Vocabulary

    try:
        arrays = np.load(path, allow_pickle=False)
        meta = json.loads(arrays["meta"].tobytes().decode())
    except (OSError, ValueError, KeyError):
        return False
    index.pub_ids = arrays["pub_ids"]
    index.row_of_pub = {int(pk): i for i, pk in enumerate(index.pub_ids)}
    index.titles = meta["titles"]
    index.years = [int(y) or None for y in arrays["years"]]
    index.surface = meta["surface"]
    vocabulary = Vocabulary(
        index={term: col for col, term in enumerate(meta["terms"])}, df=arrays["df"], n_docs=meta["n_docs"]
    )
    index.model = LexicalModel(vocabulary=vocabulary, bigram_weight=index.config.bigram_weight)
    index.pub_counts = _read_csr(arrays, "pub_counts")
    index.set_lexical_matrices()
    index.person_ids = arrays["person_ids"]
    index.own_person = arrays["own_person"]
    index.own_pub = arrays["own_pub"]
    index.own_weight = arrays["own_weight"].copy()
    index.set_ownership_matrices()
    dense = arrays["dense"]
    index.has_vector = arrays["has_vector"]
    index.dense = dense.astype(np.float32) if dense.size else None
    return True

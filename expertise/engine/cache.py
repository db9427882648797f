"""Persistent embedding cache (sqlite) and a caching wrapper for encoders.

Why: encoding is the only expensive step (tens of ms per abstract on two
CPU cores), while publications rarely change.  The web app passes a
directory it keeps across restarts; each text is then encoded once.

Layout: ``<directory>/embeddings.sqlite3``, one table
``embeddings(key TEXT PRIMARY KEY, dim INTEGER, vector BLOB)`` where
``key = sha256(namespace + "\\n" + text)`` and ``namespace`` names the model
and its truncation length (e.g. ``sentence-transformers/all-MiniLM-L6-v2@256``),
so a model change never reuses stale vectors.  Vectors are float32 bytes.
sqlite (WAL mode) is safe for several worker processes sharing the file.
Deleting the file is always safe: it only costs re-encoding.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

CACHE_FILENAME = "embeddings.sqlite3"
BUDGET_SUFFIX = "~budget"  # namespace suffix of vectors cut short by a time budget
_SQLITE_BATCH = 500  # stay well below SQLITE_MAX_VARIABLE_NUMBER


class TextEncoder(Protocol):
    """What the engine needs from an encoder (MiniLMEncoder satisfies it)."""

    @property
    def cache_namespace(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


def cache_key(namespace: str, text: str) -> str:
    """sha256 hex digest of the model namespace and the exact text."""
    return hashlib.sha256(f"{namespace}\n{text}".encode()).hexdigest()


class EmbeddingCache:
    """sqlite-backed map from cache key to float32 vector."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / CACHE_FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS embeddings "
                "(key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vector BLOB NOT NULL)"
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One short-lived connection per operation: commits, then closes."""
        conn = sqlite3.connect(self.path, timeout=30.0)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        found: dict[str, NDArray[np.float32]] = {}
        with self._lock, self._connect() as conn:
            for start in range(0, len(keys), _SQLITE_BATCH):
                chunk = list(keys[start : start + _SQLITE_BATCH])
                marks = ",".join("?" * len(chunk))
                # Only "?" placeholders are interpolated; values are bound.
                query = f"SELECT key, dim, vector FROM embeddings WHERE key IN ({marks})"  # noqa: S608
                rows = conn.execute(query, chunk)
                for key, dim, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (dim,):
                        found[key] = vector
        return found

    def put_many(self, items: dict[str, NDArray[np.float32]]) -> None:
        rows = [
            (key, int(vec.shape[0]), np.ascontiguousarray(vec, dtype=np.float32).tobytes())
            for key, vec in items.items()
        ]
        with self._lock, self._connect() as conn:
            conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)", rows)

    def __len__(self) -> int:
        with self._lock, self._connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])


class CachedEncoder:
    """Encoder wrapper: deduplicates texts and reuses cached vectors."""

    def __init__(self, encoder: TextEncoder, cache: EmbeddingCache | None, chunk_size: int = 512) -> None:
        self.encoder = encoder
        self.cache = cache
        self.chunk_size = chunk_size
        self.encoded_count = 0  # texts actually run through the model (for logs/tests)
        self.truncated_count = 0  # of which cut shorter by a time budget
        self.token_cap: int | None = None  # the last cap a time budget chose (None: no cut)

    @property
    def cache_namespace(self) -> str:
        return self.encoder.cache_namespace

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def encode(self, texts: Sequence[str], time_budget: float | None = None) -> NDArray[np.float32]:
        """Vectors for ``texts``, encoding only those not cached yet.

        With ``time_budget`` (seconds), the missing texts are encoded in one
        go by ``encoder.encode_within`` (see budget.py); vectors of texts that
        had to be cut are cached under a separate namespace
        (``<namespace>~budget``) that only budgeted calls read, so full-length
        callers (the web pages) never get a shortened vector.
        """
        unique = list(dict.fromkeys(texts))
        namespace = self.encoder.cache_namespace
        keys = {text: cache_key(namespace, text) for text in unique}
        known = self.cache.get_many(list(keys.values())) if self.cache is not None else {}
        budget_encode = getattr(self.encoder, "encode_within", None)
        if time_budget is not None and budget_encode is not None:
            short_keys = {text: cache_key(f"{namespace}{BUDGET_SUFFIX}", text) for text in unique}
            pending = [text for text in unique if keys[text] not in known]
            if pending and self.cache is not None:
                cut = self.cache.get_many([short_keys[text] for text in pending])
                known.update(
                    {keys[text]: cut[short_keys[text]] for text in pending if short_keys[text] in cut}
                )
            missing = [text for text in unique if keys[text] not in known]
            if missing:
                vectors, truncated = budget_encode(missing, time_budget)
                self.encoded_count += len(missing)
                self.truncated_count += int(truncated.sum())
                self.token_cap = getattr(self.encoder, "last_token_cap", None)
                fresh = {keys[text]: vectors[i] for i, text in enumerate(missing)}
                known.update(fresh)
                if self.cache is not None:
                    self.cache.put_many(
                        {
                            (short_keys if truncated[i] else keys)[text]: vectors[i]
                            for i, text in enumerate(missing)
                        }
                    )
        # Longest texts last so that each chunk pads to similar lengths; chunks
        # are saved as they finish, so an interrupted run keeps its progress.
        missing = sorted((text for text in unique if keys[text] not in known), key=len)
        for start in range(0, len(missing), self.chunk_size):
            chunk = missing[start : start + self.chunk_size]
            vectors = self.encoder.encode(chunk)
            self.encoded_count += len(chunk)
            fresh = {keys[text]: vectors[i] for i, text in enumerate(chunk)}
            known.update(fresh)
            if self.cache is not None:
                self.cache.put_many(fresh)
        out = np.zeros((len(texts), self.encoder.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = known[keys[text]]
        return out

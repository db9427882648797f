"""Data model of the reviewer-assignment problem: input, compiled arrays, result.

The public objects (:class:`Candidate`, :class:`Reviewer`, :class:`Problem`,
:class:`AssignedPair`, :class:`Result`) are plain frozen dataclasses keyed by
string identifiers so that the web layer can build them from database rows
without knowing anything about solvers.

Solvers never work on those objects directly: :meth:`Problem.compiled`
turns them once into integer-indexed numpy arrays (:class:`Compiled`).  That
is the only place that loops over candidates in Python, which keeps the
solvers fast and lets :class:`~evaluation.assignment.flow.FlowModel` re-solve
after small edits without rebuilding anything.

Modelling decisions (documented here because every solver relies on them):

* Only pairs listed as :class:`Candidate` can be assigned; a pair with no
  candidate edge is simply not eligible (it is *not* "score 0").
* A reviewer may be a candidate for several roles; their load limits count
  all roles together, and a reviewer never holds two roles on the same
  application.
* Conflicts and forbidden pairs exclude an (application, reviewer) pair in
  every role.  Pinned pairs must be assigned in exactly one role (the solver
  picks the best role if several are possible).
* ``one_per_institution`` forbids two reviewers carrying the same
  institution label on one application (``institution_scope="application"``,
  across all roles) or within one role of an application
  (``institution_scope="role"``).  Reviewers without a label are unrestricted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

DEFAULT_ROLE = "reviewer"

Pair = tuple[str, str]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
InstitutionScope = Literal["application", "role"]


class ProblemError(ValueError):
    """The input itself is malformed (duplicate candidate, unknown role, ...).

    Distinct from :class:`AssignmentInfeasible`: a malformed problem is a
    programming or data-entry error, an infeasible one is a valid question
    whose answer is "no assignment exists".
    """


@dataclass(frozen=True, slots=True)
class Reason:
    """One explanation of infeasibility.

    ``code`` is a stable machine-readable identifier, ``message`` a sentence
    for humans and ``data`` the structured facts behind it (identifiers and
    counts) so that a web page can render its own wording or links.
    """

    code: str
    message: str
    data: Mapping[str, object] = field(default_factory=dict)


class AssignmentInfeasible(Exception):
    """No assignment satisfies all constraints.

    ``reasons`` holds human-readable sentences, ``details`` the same reasons
    as :class:`Reason` objects with structured data.  There is always at
    least one reason.
    """

    def __init__(self, details: Iterable[Reason]) -> None:
        self.details: list[Reason] = list(details)
        if not self.details:
            self.details = [Reason("unknown", "The solver found no feasible assignment.", {})]
        self.reasons: list[str] = [d.message for d in self.details]
        super().__init__("No feasible assignment: " + " | ".join(self.reasons))


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible (application, reviewer, role) edge with its expertise score.

    Higher scores are better; scores may be any finite float.
    """

    application: str
    reviewer: str
    score: float
    role: str = DEFAULT_ROLE


@dataclass(frozen=True, slots=True)
class Reviewer:
    """Optional per-reviewer attributes; ``None`` limits fall back to the
    problem-wide ``min_load`` / ``max_load``."""

    id: str
    institution: str | None = None
    min_load: int | None = None
    max_load: int | None = None


def _pairs(values: Iterable[Pair]) -> frozenset[Pair]:
    return frozenset((str(a), str(r)) for a, r in values)


@dataclass(frozen=True, eq=False)
class Problem:
    """A reviewer-assignment instance.

    ``reviews_per_application`` is either one integer (single role
    :data:`DEFAULT_ROLE`) or a mapping role → reviews needed per application
    (each role is a separate reviewer pool: a reviewer is in a role's pool
    when it has a candidate edge for that role).  ``demand_overrides`` maps
    ``(application, role)`` to a different count for individual applications.

    ``applications`` / ``reviewers`` add entities that may have no candidate
    edge at all (an application that must be reviewed, a reviewer with a
    minimum load), and carry per-reviewer institution and load limits.
    ``max_load=None`` means "no upper limit".

    Compared by identity (``eq=False``): value comparison of millions of
    candidates is never what a caller wants.
    """

    candidates: tuple[Candidate, ...]
    reviews_per_application: int | Mapping[str, int]
    min_load: int = 0
    max_load: int | None = None
    reviewers: tuple[Reviewer, ...] = ()
    applications: tuple[str, ...] = ()
    conflicts: frozenset[Pair] = frozenset()
    forbidden: frozenset[Pair] = frozenset()
    pinned: frozenset[Pair] = frozenset()
    one_per_institution: bool = False
    institution_scope: InstitutionScope = "application"
    demand_overrides: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Normalise containers so that callers may pass lists/sets/generators.
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "reviewers", tuple(self.reviewers))
        object.__setattr__(self, "applications", tuple(self.applications))
        object.__setattr__(self, "conflicts", _pairs(self.conflicts))
        object.__setattr__(self, "forbidden", _pairs(self.forbidden))
        object.__setattr__(self, "pinned", _pairs(self.pinned))
        object.__setattr__(self, "demand_overrides", dict(self.demand_overrides))
        if self.min_load < 0 or (self.max_load is not None and self.max_load < 0):
            raise ProblemError("Load limits must be non-negative.")
        if self.institution_scope not in ("application", "role"):
            raise ProblemError(f"Unknown institution_scope {self.institution_scope!r}.")
        for role, k in self.role_demands.items():
            if k < 0:
                raise ProblemError(f"Role {role!r} needs a negative number of reviews.")
        for (app, role), k in self.demand_overrides.items():
            if role not in self.role_demands:
                raise ProblemError(f"Demand override for unknown role {role!r}.")
            if k < 0:
                raise ProblemError(f"Negative demand override for {app!r}/{role!r}.")

    @property
    def role_demands(self) -> dict[str, int]:
        """Role → default number of reviews per application."""
        rpa = self.reviews_per_application
        if isinstance(rpa, Mapping):
            return {str(k): int(v) for k, v in rpa.items()}
        return {DEFAULT_ROLE: int(rpa)}

    def replace(self, **changes: object) -> Problem:
        """Copy with some fields changed (convenience for pin/forbid edits)."""
        from dataclasses import replace as _replace

        return _replace(self, **changes)  # type: ignore[arg-type]

    @cached_property
    def compiled(self) -> Compiled:
        """Integer-indexed arrays used by every solver (built once)."""
        return compile_problem(self)


@dataclass(frozen=True, eq=False)
class Compiled:
    """Array form of a :class:`Problem`.

    Edge arrays are parallel (one entry per candidate edge).  ``pair_key`` is
    ``app * n_reviewers + reviewer`` and is the join key for conflicts,
    forbidden and pinned pairs.  ``rev_max`` is already clipped to the number
    of candidate edges of the reviewer, which is also how "unlimited" is
    represented.
    """

    applications: tuple[str, ...]
    reviewers: tuple[str, ...]
    roles: tuple[str, ...]
    institutions: tuple[str, ...]
    edge_app: Int32Array
    edge_rev: Int32Array
    edge_role: Int32Array
    edge_score: FloatArray
    edge_conflict: BoolArray
    edge_forbidden: BoolArray
    demand: IntArray  # shape (n_applications, n_roles)
    rev_min: IntArray
    rev_max: IntArray
    rev_max_declared: IntArray  # -1 = unlimited
    rev_inst: Int32Array  # -1 = no institution label
    pinned_keys: IntArray  # pair keys of pinned pairs whose ids are known
    unknown_pins: tuple[Pair, ...]  # pinned pairs naming an unknown id
    one_per_institution: bool
    institution_scope: InstitutionScope

    @property
    def n_apps(self) -> int:
        return len(self.applications)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewers)

    @property
    def n_roles(self) -> int:
        return len(self.roles)

    @cached_property
    def pair_key(self) -> IntArray:
        return self.edge_app.astype(np.int64) * self.n_reviewers + self.edge_rev

    @cached_property
    def app_index(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.applications)}

    @cached_property
    def reviewer_index(self) -> dict[str, int]:
        return {r: i for i, r in enumerate(self.reviewers)}

    def key_of(self, pair: Pair) -> int | None:
        """Pair key of ``(application, reviewer)`` or ``None`` if unknown."""
        a = self.app_index.get(pair[0])
        r = self.reviewer_index.get(pair[1])
        if a is None or r is None:
            return None
        return a * self.n_reviewers + r

    def pair_of(self, key: int) -> Pair:
        a, r = divmod(int(key), self.n_reviewers)
        return self.applications[a], self.reviewers[r]

    def edges_of_keys(self, keys: IntArray) -> BoolArray:
        """Mask of edges whose pair key is in ``keys``."""
        if len(keys) == 0:
            return np.zeros(len(self.edge_app), dtype=bool)
        return np.isin(self.pair_key, keys)

    @cached_property
    def structural(self) -> BoolArray:
        """Edges that exist in the network at all: not conflicted.

        Forbidden edges stay in the structure (with capacity 0) so that
        :class:`~evaluation.assignment.flow.FlowModel` can toggle them.
        """
        return ~self.edge_conflict

    def eligible(self, forbidden: BoolArray | None = None) -> BoolArray:
        """Edges that may carry an assignment under the given forbidden mask."""
        fb = self.edge_forbidden if forbidden is None else forbidden
        demand_ok = self.demand[self.edge_app, self.edge_role] > 0
        cap_ok = self.rev_max[self.edge_rev] > 0
        return self.structural & ~fb & demand_ok & cap_ok

    def inst_group_key(self) -> IntArray:
        """Institution-rule group of each edge (-1 when unconstrained).

        Scope "role" groups by (application, role, institution); scope
        "application" by (application, institution).
        """
        inst = self.rev_inst[self.edge_rev].astype(np.int64)
        if not self.one_per_institution or not self.institutions:
            return np.full(len(self.edge_app), -1, dtype=np.int64)
        n_i = len(self.institutions)
        if self.institution_scope == "role":
            base = self.edge_app.astype(np.int64) * self.n_roles + self.edge_role
        else:
            base = self.edge_app.astype(np.int64)
        key = base * n_i + inst
        key[inst < 0] = -1
        return key


def _index(names: Iterable[str], into: dict[str, int]) -> None:
    for n in names:
        into.setdefault(n, len(into))


def compile_problem(p: Problem) -> Compiled:
    """Translate a :class:`Problem` into arrays (the single Python loop)."""
    roles = p.role_demands
    role_idx = {r: i for i, r in enumerate(roles)}
    app_idx: dict[str, int] = {}
    rev_idx: dict[str, int] = {}
    _index(p.applications, app_idx)
    _index((r.id for r in p.reviewers), rev_idx)
    cands = p.candidates
    n = len(cands)
    # One list comprehension per column: ~10x faster than filling numpy
    # arrays element by element (matters at millions of candidates).
    unknown_roles = {c.role for c in cands} - role_idx.keys()
    if unknown_roles:
        bad = next(c for c in cands if c.role in unknown_roles)
        raise ProblemError(f"Candidate {bad.application!r}/{bad.reviewer!r} has unknown role {bad.role!r}.")
    a_set, r_set = app_idx.setdefault, rev_idx.setdefault
    e_app = np.array([a_set(c.application, len(app_idx)) for c in cands], dtype=np.int32)
    e_rev = np.array([r_set(c.reviewer, len(rev_idx)) for c in cands], dtype=np.int32)
    e_role = np.array([role_idx[c.role] for c in cands] if len(role_idx) > 1 else [0] * n, dtype=np.int32)
    e_score = np.array([c.score for c in cands], dtype=np.float64)
    if n and not np.all(np.isfinite(e_score)):
        bad = cands[int(np.flatnonzero(~np.isfinite(e_score))[0])]
        raise ProblemError(f"Candidate {bad.application!r}/{bad.reviewer!r} has a non-finite score.")
    n_a, n_r, n_k = len(app_idx), len(rev_idx), len(roles)
    triple = (e_app.astype(np.int64) * n_r + e_rev) * max(n_k, 1) + e_role
    triple.sort()  # sort + neighbour test: much faster than np.unique here
    if n and bool((triple[1:] == triple[:-1]).any()):
        raise ProblemError("Duplicate candidate (same application, reviewer and role).")
    applications = tuple(app_idx)
    reviewers = tuple(rev_idx)

    demand = np.tile(np.array(list(roles.values()), dtype=np.int64), (n_a, 1))
    for (app, role), k in p.demand_overrides.items():
        if app in app_idx:
            demand[app_idx[app], role_idx[role]] = k

    info = {r.id: r for r in p.reviewers}
    edges_per_rev = np.bincount(e_rev, minlength=n_r).astype(np.int64)
    rev_min = np.full(n_r, p.min_load, dtype=np.int64)
    rev_max_declared = np.full(n_r, -1 if p.max_load is None else p.max_load, dtype=np.int64)
    rev_inst = np.full(n_r, -1, dtype=np.int32)
    inst_idx: dict[str, int] = {}
    for rid, r in info.items():
        i = rev_idx[rid]
        if r.min_load is not None:
            rev_min[i] = r.min_load
        if r.max_load is not None:
            rev_max_declared[i] = r.max_load
        if r.institution is not None:
            rev_inst[i] = inst_idx.setdefault(r.institution, len(inst_idx))
        if (r.min_load or 0) < 0 or (r.max_load or 0) < 0:
            raise ProblemError(f"Reviewer {rid!r} has a negative load limit.")
    unlimited = rev_max_declared < 0
    rev_max = np.where(unlimited, edges_per_rev, np.minimum(rev_max_declared, edges_per_rev))

    def keys(pairs: frozenset[Pair]) -> tuple[IntArray, list[Pair]]:
        known, unknown = [], []
        for a, r in sorted(pairs):
            if a in app_idx and r in rev_idx:
                known.append(app_idx[a] * n_r + rev_idx[r])
            else:
                unknown.append((a, r))
        return np.array(known, dtype=np.int64), unknown

    pair_key = e_app.astype(np.int64) * n_r + e_rev
    conflict_keys, _ = keys(p.conflicts)
    forbidden_keys, _ = keys(p.forbidden)
    pinned_keys, unknown_pins = keys(p.pinned)
    return Compiled(
        applications=applications,
        reviewers=reviewers,
        roles=tuple(roles),
        institutions=tuple(inst_idx),
        edge_app=e_app,
        edge_rev=e_rev,
        edge_role=e_role,
        edge_score=e_score,
        edge_conflict=np.isin(pair_key, conflict_keys),
        edge_forbidden=np.isin(pair_key, forbidden_keys),
        demand=demand,
        rev_min=rev_min,
        rev_max=rev_max,
        rev_max_declared=rev_max_declared,
        rev_inst=rev_inst,
        pinned_keys=pinned_keys,
        unknown_pins=tuple(unknown_pins),
        one_per_institution=p.one_per_institution,
        institution_scope=p.institution_scope,
    )


@dataclass(frozen=True, slots=True)
class AssignedPair:
    """One assignment with the evidence the web layer shows next to it."""

    application: str
    reviewer: str
    role: str
    score: float
    pinned: bool = False


@dataclass(frozen=True)
class Result:
    """A solved assignment.

    ``total_score`` and the per-application totals use the original float
    scores.  ``proven_optimal`` is False only when a MILP hit its time limit.
    ``method`` says which exact algorithm produced it ("min-cost-flow",
    "milp", "fair-milp").
    """

    pairs: tuple[AssignedPair, ...]
    total_score: float
    min_application_score: float
    application_scores: Mapping[str, float]
    reviewer_loads: Mapping[str, int]
    method: str
    solve_seconds: float
    proven_optimal: bool = True

    def by_application(self) -> dict[str, list[AssignedPair]]:
        out: dict[str, list[AssignedPair]] = {}
        for p in self.pairs:
            out.setdefault(p.application, []).append(p)
        return out

    def explain(self, application: str, reviewer: str) -> AssignedPair | None:
        """The assigned pair (with its score and role), or None if not assigned."""
        for p in self.pairs:
            if p.application == application and p.reviewer == reviewer:
                return p
        return None


def build_result(
    c: Compiled,
    chosen: BoolArray,
    *,
    method: str,
    seconds: float,
    proven_optimal: bool = True,
    pinned_keys: IntArray | None = None,
) -> Result:
    """Turn a mask of chosen edges into a :class:`Result`.

    ``pinned_keys`` overrides the problem's pins (edited :class:`FlowModel`).
    """
    idx = np.flatnonzero(chosen)
    pinned = np.isin(c.pair_key[idx], c.pinned_keys if pinned_keys is None else pinned_keys)
    pairs = tuple(
        AssignedPair(
            application=c.applications[int(c.edge_app[i])],
            reviewer=c.reviewers[int(c.edge_rev[i])],
            role=c.roles[int(c.edge_role[i])],
            score=float(c.edge_score[i]),
            pinned=bool(pin),
        )
        for i, pin in zip(idx, pinned, strict=True)
    )
    app_tot = np.bincount(c.edge_app[idx], weights=c.edge_score[idx], minlength=c.n_apps)
    loads = np.bincount(c.edge_rev[idx], minlength=c.n_reviewers)
    needs = c.demand.sum(axis=1) > 0
    low = float(app_tot[needs].min()) if needs.any() else 0.0
    return Result(
        pairs=pairs,
        total_score=float(math.fsum(c.edge_score[idx].tolist())),
        min_application_score=low,
        application_scores={a: float(app_tot[i]) for i, a in enumerate(c.applications)},
        reviewer_loads={r: int(loads[i]) for i, r in enumerate(c.reviewers)},
        method=method,
        solve_seconds=seconds,
        proven_optimal=proven_optimal,
    )

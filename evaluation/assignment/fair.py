"""Fair mode: serve the worst-served application first.

Objective (lexicographic):

1. maximise ``t`` = the lowest total score any application receives
   (applications that need no review are ignored);
2. among assignments reaching that ``t``, maximise the total score.

Why not a flow: the max-min constraint ``sum_{edges of a} score * x >= t``
mixes scores in one row, which destroys total unimodularity; the max-min
problem is NP-hard in general, so exactness needs integer programming.  A
single "maximise t" MILP is hopeless in practice (HiGHS had not closed it
after 5 minutes on 200 × 500), so the search is organised around bounds:

* **lower bound** ``L``: the lowest application total of the max-total
  optimum (min-cost flow, milliseconds) — a feasible value;
* **upper bound** ``U``: the smallest "top-K" total over applications (the
  sum of an application's best eligible scores per role) — no assignment
  can give that application more;
* **variable fixing** for a threshold ``t``: an edge whose score plus the
  best other scores of its application is below ``t`` cannot be used.  This
  removes most edges of the poorly served applications and makes each
  MILP easy.

Algorithm: if the max-total optimum already reaches ``U`` it is the answer.
Otherwise solve "maximise the total subject to every application >= U"; in
the usual case (the worst application can simply get its best reviewers)
that is feasible and done.  If not, bisect on ``t`` in ``[L, U]`` with
feasibility MILPs (each feasible answer raises ``L`` to the minimum it
actually achieves), then maximise the total at the final ``t``.

What is exact: every MILP runs with ``mip_rel_gap=0`` (HiGHS tolerances
~1e-6).  The returned lowest total is within ``1e-4 * max(1, |t|)`` of the
true max-min value (exactly equal when it is ``U`` or ``L = U``, the usual
case), and the total is the maximum among assignments whose lowest
application total is at least that value minus ``1e-7 * max(1, |t|)``.
Only the minimum and the total are optimised (not the full leximin order).
The MILPs use a shortlist: each (application, role)'s ``SHORTLIST`` (40, or 5
per review asked) best candidates, the pinned pairs and the pairs of the
max-total optimum (so the max-total optimum stays feasible): the answer is
exact over that shortlist, which holds the pairs any sensible assignment uses.
Pinned pairs count in the bounds (a weak pinned reviewer caps what its
application can reach).  ``time_limit`` bounds the whole search, of which
the bisection may use 60 %, so that the last step (best total at the value
reached) always gets time; a result cut short has ``proven_optimal=False``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint

from .milp import MilpModel, build_model, run_milp
from .problem import BoolArray, Compiled, FloatArray, IntArray, Problem, Result, build_result

SLACK = 1e-7  # row slack below the threshold (HiGHS feasibility tolerance)
TOLERANCE = 1e-4  # bisection stops when the bracket is this narrow (relative)
# The MILPs consider each (application, role)'s best candidates only: with every candidate the LP
# relaxation alone takes seconds on 200 × 500 (100,000 variables); the max-min and the total
# it gives were identical on every instance tried (bench/campaign_assignment.py --fair).
SHORTLIST = 40
SHORTLIST_PER_REVIEW = 5
BISECTION_SHARE = 0.6  # of the time limit; the rest is kept for the best total at the value found


def _rel(value: float, factor: float) -> float:
    return factor * max(1.0, abs(value))


@dataclass(eq=False)
class FairModel:
    """The MILP of :mod:`.milp` plus one "total >= t" row per application."""

    c: Compiled
    base: MilpModel
    score: FloatArray
    group: IntArray  # (application, role) group of each variable
    fair_rows: sparse.csr_matrix
    edge_bound: FloatArray  # best total of the application if this edge is used
    app_upper: FloatArray  # best total of each application (top-K per role)
    needy: IntArray  # applications that need at least one review
    shortlist: BoolArray  # variables the MILPs may use (see ``shortlist``)

    @property
    def upper_bound(self) -> float:
        return float(self.app_upper[self.needy].min()) if len(self.needy) else 0.0

    def totals(self, x: BoolArray) -> FloatArray:
        """Exact per-application totals of a 0/1 vector (rounded solution)."""
        apps = self.c.edge_app[self.base.var_edges]
        totals = np.bincount(apps[x], weights=self.score[x], minlength=self.c.n_apps)
        return totals.astype(np.float64)

    def lowest(self, x: BoolArray) -> float:
        return float(self.totals(x)[self.needy].min()) if len(self.needy) else 0.0


def _top_k_bounds(
    c: Compiled, score: FloatArray, group: IntArray, forced: BoolArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Per-edge and per-application best totals (see module docstring).

    For an edge of group ``g`` with demand ``K``: if it is among the top ``K``
    of its group the group can still reach its top-K sum, otherwise at most
    its own score plus the top ``K-1`` others. ``forced`` edges (pinned pairs
    that can only be assigned in that one role) rank first whatever their
    score: a weak pinned reviewer lowers what its application can reach, and
    the bound stays tight (else a pin sends the search into bisection).
    """
    k_of_group = c.demand.reshape(-1)
    first = np.zeros(len(score), dtype=np.int8) if forced is None else (~forced).astype(np.int8)
    order = np.lexsort((-score, first, group))
    g_sorted = group[order]
    starts = np.searchsorted(g_sorted, g_sorted, side="left")
    rank = np.empty(len(score), dtype=np.int64)
    rank[order] = np.arange(len(score)) - starts
    k = k_of_group[group]
    n_groups = len(k_of_group)
    top_k = np.bincount(group[rank < k], weights=score[rank < k], minlength=n_groups)
    top_k1 = np.bincount(group[rank < k - 1], weights=score[rank < k - 1], minlength=n_groups)
    apps_of_group = np.arange(n_groups) // c.n_roles
    app_upper = np.bincount(apps_of_group, weights=top_k, minlength=c.n_apps)
    within = np.where(rank < k, top_k[group], score + top_k1[group])
    edge_bound = app_upper[group // c.n_roles] - top_k[group] + within
    return edge_bound.astype(np.float64), app_upper.astype(np.float64)


def _forced_edges(c: Compiled, var: IntArray) -> BoolArray:
    """Which model variables are pinned pairs with a single candidate role (so they must be
    assigned exactly there)."""
    keys = c.pair_key[var]
    pinned = np.isin(keys, c.pinned_keys)
    if not pinned.any():
        return pinned
    unique, counts = np.unique(keys[pinned], return_counts=True)
    single = unique[counts == 1]
    return pinned & np.isin(keys, single)


def _shortlist(c: Compiled, var: IntArray, score: FloatArray, group: IntArray, keep: BoolArray) -> BoolArray:
    """The variables the fair MILPs use: each (application, role)'s ``SHORTLIST`` best
    candidates, plus ``keep`` (pinned pairs and the pairs of the max-total optimum, so the
    shortlisted problem stays feasible at that optimum's lowest total)."""
    order = np.lexsort((-score, group))
    g_sorted = group[order]
    starts = np.searchsorted(g_sorted, g_sorted, side="left")
    rank = np.empty(len(score), dtype=np.int64)
    rank[order] = np.arange(len(score)) - starts
    k = c.demand.reshape(-1)[group]
    return (rank < np.maximum(SHORTLIST, SHORTLIST_PER_REVIEW * k)) | keep


def _result_edges(c: Compiled, result: Result) -> BoolArray:
    """Mask over the problem's edges of the pairs in ``result``."""
    app_ix = {a: i for i, a in enumerate(c.applications)}
    rev_ix = {r: i for i, r in enumerate(c.reviewers)}
    role_ix = {r: i for i, r in enumerate(c.roles)}
    n_r, n_roles = len(c.reviewers), len(c.roles)
    codes = np.array(
        [
            (app_ix[p.application] * n_r + rev_ix[p.reviewer]) * n_roles + role_ix[p.role]
            for p in result.pairs
        ],
        dtype=np.int64,
    )
    edge_codes = (c.edge_app.astype(np.int64) * n_r + c.edge_rev) * n_roles + c.edge_role
    return np.isin(edge_codes, codes)


def build_fair_model(c: Compiled, keep_edges: BoolArray | None = None) -> FairModel:
    base = build_model(c, c.edge_forbidden, c.pinned_keys)
    var = base.var_edges
    score = c.edge_score[var]
    apps = c.edge_app[var].astype(np.int64)
    group = apps * c.n_roles + c.edge_role[var]
    needy = np.flatnonzero(c.demand.sum(axis=1) > 0)
    row_of_app = np.full(c.n_apps, -1, dtype=np.int64)
    row_of_app[needy] = np.arange(len(needy))
    used = row_of_app[apps] >= 0
    fair_rows = sparse.csr_matrix(
        (score[used], (row_of_app[apps[used]], np.flatnonzero(used))), shape=(len(needy), len(var))
    )
    forced = _forced_edges(c, var)
    edge_bound, app_upper = _top_k_bounds(c, score, group, forced)
    keep = np.isin(c.pair_key[var], c.pinned_keys)
    if keep_edges is not None:
        keep |= keep_edges[var]
    shortlist = _shortlist(c, var, score, group, keep)
    return FairModel(c, base, score, group, fair_rows, edge_bound, app_upper, needy, shortlist)


def _solve_at(
    fm: FairModel, t: float, *, maximise_total: bool, time_limit: float | None
) -> tuple[BoolArray | None, bool]:
    """Assignment with every application total >= t (minus slack).

    Returns ``(x, proven)``; ``x`` is None when infeasible (``proven`` True)
    or when the time limit struck first (``proven`` False).
    """
    threshold = t - _rel(t, SLACK)
    usable = (fm.edge_bound >= threshold) & fm.shortlist
    n = fm.base.n_vars
    matrix = sparse.vstack([fm.base.matrix, fm.fair_rows]).tocsr()
    lower = np.concatenate([fm.base.lower, np.full(fm.fair_rows.shape[0], threshold)])
    upper = np.concatenate([fm.base.upper, np.full(fm.fair_rows.shape[0], np.inf)])
    cost = -fm.score if maximise_total else np.zeros(n)
    res = run_milp(
        cost,
        np.ones(n, dtype=np.int64),
        Bounds(np.zeros(n), usable.astype(np.float64)),
        [LinearConstraint(matrix, lower, upper)],
        time_limit,
    )
    if res.status == 2:
        return None, True
    if res.x is None:
        return None, False
    return res.x > 0.5, res.status == 0


class _Clock:
    def __init__(self, limit: float | None) -> None:
        self.deadline = None if limit is None else time.perf_counter() + limit

    def remaining(self) -> float | None:
        if self.deadline is None:
            return None
        return max(self.deadline - time.perf_counter(), 0.01)

    def expired(self) -> bool:
        return self.deadline is not None and time.perf_counter() >= self.deadline


def solve_fair(problem: Problem, *, time_limit: float | None = None) -> Result:
    """Lexicographic max-min / max-total assignment (see module docstring).

    Raises :class:`~evaluation.assignment.problem.AssignmentInfeasible`
    (through the max-total solve, which also provides the lower bound).
    """
    from .flow import solve

    start = time.perf_counter()
    clock = _Clock(time_limit)
    plain = solve(problem, time_limit=time_limit)  # feasibility + lower bound
    c = problem.compiled
    fm = build_fair_model(c, _result_edges(c, plain))
    upper = fm.upper_bound

    def finish(x: BoolArray | None, proven: bool) -> Result:
        if x is None:  # only when a time limit struck before any MILP answer
            return replace(plain, method="fair-milp", proven_optimal=False)
        chosen = np.zeros(len(c.edge_app), dtype=bool)
        chosen[fm.base.var_edges[x]] = True
        return build_result(
            c,
            chosen,
            method="fair-milp",
            seconds=time.perf_counter() - start,
            proven_optimal=proven and plain.proven_optimal,
        )

    if plain.min_application_score >= upper - _rel(upper, SLACK):
        return replace(plain, method="fair-milp", solve_seconds=time.perf_counter() - start)

    # 1. the upper bound is usually attained: maximise the total right there
    x, proven = _solve_at(fm, upper, maximise_total=True, time_limit=clock.remaining())
    if x is not None:
        return finish(x, proven)
    if not proven:
        return finish(None, False)

    # 2. bisection between a feasible L and an infeasible H
    low, high = plain.min_application_score, upper
    best: BoolArray | None = None
    complete = True
    bisection_clock = _Clock(None if time_limit is None else time_limit * BISECTION_SHARE)
    while high - low > _rel(high, TOLERANCE):
        if clock.expired() or bisection_clock.expired():
            complete = False
            break
        mid = (low + high) / 2
        x, proven = _solve_at(fm, mid, maximise_total=False, time_limit=bisection_clock.remaining())
        if x is not None:
            best, low = x, max(mid - _rel(mid, SLACK), fm.lowest(x))
        elif proven:
            high = mid
        else:
            complete = False
            break

    # 3. best total at the max-min value found
    x, proven = _solve_at(fm, low, maximise_total=True, time_limit=clock.remaining())
    if x is None:
        x = best if best is not None else None
        proven = False
    if x is None:
        return finish(None, False)
    return finish(x, proven and complete and math.isfinite(low))

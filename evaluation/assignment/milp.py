"""Exact 0/1 integer programme of the assignment (scipy ``milp`` / HiGHS).

Used where a network flow cannot express the problem:

* fair mode (the max-min objective couples the scores of one application),
* the institution rule across roles of one application.

The model is the textbook one, one binary variable per eligible candidate
edge::

    sum_{edges of (a, role)} x = K(a, role)           every (application, role)
    min_r <= sum_{edges of r} x <= max_r               every reviewer
    sum_{roles} x(a, r, role) <= 1                     reviewer holds one role
    sum_{edges of (a[, role], institution)} x <= 1     institution rule
    sum_{roles} x(a, r, role) = 1                      pinned pairs

HiGHS is run with ``mip_rel_gap=0``, so a result with status "optimal" is
optimal up to HiGHS's absolute tolerances (1e-6).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from .problem import (
    AssignmentInfeasible,
    BoolArray,
    Compiled,
    FloatArray,
    IntArray,
    Problem,
    Result,
    build_result,
)


@dataclass(eq=False)
class MilpModel:
    """Constraint matrix over the eligible edges ``var_edges``."""

    var_edges: IntArray
    matrix: sparse.csr_matrix
    lower: FloatArray
    upper: FloatArray

    @property
    def n_vars(self) -> int:
        return len(self.var_edges)


def _rows_at_most_one(keys: IntArray, start: int) -> tuple[IntArray, IntArray, int]:
    """Rows "sum <= 1" for every key shared by at least two variables."""
    valid = keys >= 0
    uniq, inv, cnt = np.unique(np.where(valid, keys, -1), return_inverse=True, return_counts=True)
    real = (uniq >= 0) & (cnt >= 2)
    row_of_key = np.full(len(uniq), -1, dtype=np.int64)
    row_of_key[real] = start + np.arange(int(real.sum()))
    rows = row_of_key[inv]
    cols = np.flatnonzero(rows >= 0)
    return rows[cols], cols, int(real.sum())


def build_model(c: Compiled, forbidden: BoolArray, pinned_keys: IntArray) -> MilpModel:
    """Assemble the sparse constraint matrix (vectorised)."""
    var = np.flatnonzero(c.eligible(forbidden))
    n_k = c.n_roles
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    lo: list[FloatArray] = []
    hi: list[FloatArray] = []
    nxt = 0
    ident = np.arange(len(var))

    # demand of each (application, role) group
    groups = c.demand.reshape(-1).astype(np.float64)
    rows.append(c.edge_app[var].astype(np.int64) * n_k + c.edge_role[var])
    cols.append(ident)
    lo.append(groups)
    hi.append(groups)
    nxt += len(groups)

    # reviewer loads
    rows.append(nxt + c.edge_rev[var].astype(np.int64))
    cols.append(ident)
    lo.append(c.rev_min.astype(np.float64))
    hi.append(c.rev_max.astype(np.float64))
    nxt += c.n_reviewers

    # one role per (application, reviewer)
    if n_k > 1:
        r, cl, n = _rows_at_most_one(c.pair_key[var], nxt)
        rows.append(r)
        cols.append(cl)
        lo.append(np.full(n, -np.inf))
        hi.append(np.ones(n))
        nxt += n

    # institution rule (scope as declared; MILP needs no relaxation)
    r, cl, n = _rows_at_most_one(c.inst_group_key()[var], nxt)
    rows.append(r)
    cols.append(cl)
    lo.append(np.full(n, -np.inf))
    hi.append(np.ones(n))
    nxt += n

    # pinned pairs: exactly one of their role edges
    is_pin = np.isin(c.pair_key[var], pinned_keys)
    if is_pin.any():
        uniq, inv = np.unique(c.pair_key[var][is_pin], return_inverse=True)
        rows.append(nxt + inv.astype(np.int64))
        cols.append(np.flatnonzero(is_pin))
        lo.append(np.ones(len(uniq)))
        hi.append(np.ones(len(uniq)))
        nxt += len(uniq)

    row = np.concatenate(rows)
    col = np.concatenate(cols)
    matrix = sparse.csr_matrix((np.ones(len(row)), (row, col)), shape=(nxt, len(var)), dtype=np.float64)
    return MilpModel(var, matrix, np.concatenate(lo), np.concatenate(hi))


def run_milp(
    cost: FloatArray,
    integrality: IntArray,
    bounds: Bounds,
    constraints: list[LinearConstraint],
    time_limit: float | None,
) -> OptimizeResult:
    """Call HiGHS with exact-gap settings."""
    options: dict[str, object] = {"mip_rel_gap": 0.0, "presolve": True}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    return milp(
        cost,
        integrality=integrality,
        bounds=bounds,
        constraints=constraints,
        options=options,
    )


def check_status(res: OptimizeResult, problem: Problem) -> bool:
    """Return ``proven_optimal``; raise on infeasibility or solver failure."""
    if res.status == 0:
        return True
    if res.status == 2:
        from .diagnose import explain_infeasible

        raise AssignmentInfeasible(explain_infeasible(problem))
    if res.status == 1 and res.x is not None:
        return False
    raise RuntimeError(f"HiGHS failed: {res.message}")


def solve_milp(problem: Problem, *, time_limit: float | None = None) -> Result:
    """Maximum-total assignment by MILP (exact; slower than the flow)."""
    from .diagnose import precheck

    start = time.perf_counter()
    c = problem.compiled
    pre = precheck(c, c.edge_forbidden, problem.pinned)
    if pre:
        raise AssignmentInfeasible(pre)
    model = build_model(c, c.edge_forbidden, c.pinned_keys)
    chosen = np.zeros(len(c.edge_app), dtype=bool)
    if model.n_vars == 0:  # HiGHS rejects empty models; the answer is trivial
        if not ((model.lower <= 0) & (model.upper >= 0)).all():
            from .diagnose import explain_infeasible

            raise AssignmentInfeasible(explain_infeasible(problem))
        return build_result(c, chosen, method="milp", seconds=time.perf_counter() - start)
    score = c.edge_score[model.var_edges]
    res = run_milp(
        -score,
        np.ones(model.n_vars, dtype=np.int64),
        Bounds(0, 1),
        [LinearConstraint(model.matrix, model.lower, model.upper)],
        time_limit,
    )
    optimal = check_status(res, problem)
    chosen[model.var_edges[res.x > 0.5]] = True
    return build_result(c, chosen, method="milp", seconds=time.perf_counter() - start, proven_optimal=optimal)

"""Fair mode: serve the worst-served application first.

Objective (lexicographic):

1. maximise ``t`` = the lowest total score any application receives
   (applications that need no review are ignored);
2. among assignments reaching that ``t``, maximise the total score.

Method: two exact 0/1 integer programmes on the candidate edges with
scipy ``milp`` (HiGHS, ``mip_rel_gap=0``), sharing the constraint matrix of
:mod:`evaluation.assignment.milp`:

* stage 1 adds a free variable ``t`` and ``sum_{edges of a} score * x >= t``
  for every application, and maximises ``t`` → ``t*``;
* stage 2 fixes ``t >= t* - eps`` with ``eps = 1e-6 * max(1, |t*|)`` (HiGHS's
  feasibility tolerance; without it stage 2 could be declared infeasible by
  round-off) and maximises the total score.

What is exact: ``t*`` is the true max-min value up to HiGHS's tolerances
(1e-6), and the total is the true maximum among assignments whose lowest
application total is at least ``t* - eps``.  This is not the full
leximin (the second-worst application is not maximised separately).

A flow cannot do this: the max-min constraint mixes scores of different
edges in one row, which destroys total unimodularity, hence the MILP.  It is
fast at the everyday size (hundreds of applications) and slower than the
flow on large instances; pass ``time_limit`` to bound it.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint

from .milp import build_model, check_status, run_milp
from .problem import AssignmentInfeasible, Problem, Result, build_result


def solve_fair(problem: Problem, *, time_limit: float | None = None) -> Result:
    """Lexicographic max-min / max-total assignment (see module docstring).

    ``time_limit`` applies to each of the two stages.  Raises
    :class:`~evaluation.assignment.problem.AssignmentInfeasible`.
    """
    from .diagnose import precheck

    start = time.perf_counter()
    c = problem.compiled
    pre = precheck(problem, forbidden=c.edge_forbidden, pinned=c.pinned_keys)
    if pre:
        raise AssignmentInfeasible(pre)
    model = build_model(c, c.edge_forbidden, c.pinned_keys)
    n = model.n_vars
    score = c.edge_score[model.var_edges]
    apps = c.edge_app[model.var_edges]
    needy = np.flatnonzero(c.demand.sum(axis=1) > 0)
    row_of_app = np.full(c.n_apps, -1, dtype=np.int64)
    row_of_app[needy] = np.arange(len(needy))

    # rows: sum score*x - t >= 0 for every application that needs reviews
    used = row_of_app[apps] >= 0
    fair_rows = sparse.csr_matrix(
        (score[used], (row_of_app[apps[used]], np.flatnonzero(used))),
        shape=(len(needy), n),
    )
    t_col = sparse.csr_matrix(-np.ones((len(needy), 1)))
    base = sparse.hstack([model.matrix, sparse.csr_matrix((model.matrix.shape[0], 1))])
    fair = sparse.hstack([fair_rows, t_col])
    constraints = [
        LinearConstraint(base.tocsr(), model.lower, model.upper),
        LinearConstraint(fair.tocsr(), np.zeros(len(needy)), np.full(len(needy), np.inf)),
    ]
    integrality = np.concatenate([np.ones(n, dtype=np.int64), [0]])
    lower = np.concatenate([np.zeros(n), [-np.inf]])
    upper = np.concatenate([np.ones(n), [np.inf]])
    if len(needy) == 0:
        upper[-1] = lower[-1] = 0.0

    # stage 1: maximise the minimum
    cost1 = np.concatenate([np.zeros(n), [-1.0]])
    res1 = run_milp(cost1, integrality, Bounds(lower, upper), constraints, time_limit)
    optimal = check_status(res1, problem)
    t_star = float(res1.x[-1])

    # stage 2: keep the minimum, maximise the total
    eps = 1e-6 * max(1.0, abs(t_star))
    lower[-1] = t_star - eps
    cost2 = np.concatenate([-score, [0.0]])
    res2 = run_milp(cost2, integrality, Bounds(lower, upper), constraints, time_limit)
    optimal = check_status(res2, problem) and optimal

    chosen = np.zeros(len(c.edge_app), dtype=bool)
    chosen[model.var_edges[res2.x[:n] > 0.5]] = True
    return build_result(
        c,
        chosen,
        method="fair-milp",
        seconds=time.perf_counter() - start,
        proven_optimal=optimal,
    )

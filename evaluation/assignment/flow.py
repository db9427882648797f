"""Exact reviewer assignment as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

Network (all candidate arcs have capacity 1, cost ``-round(score * scale)``)::

    (application, role)  --K supply-->  [(application, role, institution), cap 1]
        --candidate arc-->  [(application, reviewer) merge node, cap 1]
        --> reviewer  --[min, max]-->  sink

* The institution node exists only when ``one_per_institution`` is on and at
  least two candidates of the same institution compete for the same
  application; the arc into it has capacity 1, which is exactly the rule.
* The merge node exists only when a reviewer is a candidate for several roles
  of the same application; its capacity 1 stops one person holding two roles.
* Lower bounds (reviewer minimum loads, pinned pairs) use the standard
  transformation: an arc ``u -> v`` with bounds ``[l, c]`` becomes capacity
  ``c - l`` and moves ``l`` units of supply from ``u`` to ``v``.

Why this is exact: every constraint is a capacity or a bound on a node or an
arc of a network, so the constraint matrix is totally unimodular and a
min-cost flow is an optimal *integral* assignment.  Scores are scaled to
integers (largest power of ten that cannot overflow, at most 1e9), so the
result is optimal for the rounded scores; its true total is within
``n_assigned / scale`` of the float optimum.

One combination is *not* a network flow: the institution rule with
``institution_scope="application"`` when the same institution has candidates
in two roles of one application.  :func:`solve` then falls back to the exact
MILP in :mod:`evaluation.assignment.milp`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .problem import (
    AssignmentInfeasible,
    BoolArray,
    Compiled,
    Int32Array,
    IntArray,
    Pair,
    Problem,
    Result,
    build_result,
)


class NeedsMilp(Exception):
    """The instance is outside what a single-commodity flow can express."""


@dataclass(eq=False)
class Network:
    """Static part of the flow network of a :class:`Compiled` problem.

    Edits (forbid / pin) only change capacities and supplies, computed by
    :meth:`apply`, so the structure is built once per problem.
    """

    n_nodes: int
    tails: Int32Array
    heads: Int32Array
    base_cap: IntArray
    cost: IntArray
    base_supply: IntArray
    edge_arc: Int32Array  # arc of each candidate edge, -1 when not structural
    merged_keys: IntArray  # sorted pair keys that own a merge node
    merged_arc: Int32Array  # merge -> reviewer arc of each merged key
    group_of_node: IntArray  # for every node: group id (a*n_k+k) or -1
    reviewer_of_node: IntArray  # for every node: reviewer index or -1
    sink: int
    scale: float

    def pin_arc(self, c: Compiled, key: int) -> int | None:
        """The arc that carries pinned pair ``key`` (None if it has none)."""
        pos = int(np.searchsorted(self.merged_keys, key))
        if pos < len(self.merged_keys) and self.merged_keys[pos] == key:
            return int(self.merged_arc[pos])
        edges = np.flatnonzero((c.pair_key == key) & (self.edge_arc >= 0))
        return int(self.edge_arc[edges[0]]) if len(edges) else None

    def apply(
        self, c: Compiled, forbidden: BoolArray, pinned_keys: IntArray
    ) -> tuple[IntArray, IntArray, IntArray]:
        """Capacities, supplies and lower bounds for the given edits."""
        cap = self.base_cap.copy()
        supply = self.base_supply.copy()
        lower = np.zeros(len(cap), dtype=np.int64)
        arcs = self.edge_arc[forbidden & (self.edge_arc >= 0)]
        cap[arcs] = 0
        for key in pinned_keys.tolist():
            arc = self.pin_arc(c, key)
            if arc is None:
                continue  # reported by diagnose.precheck
            lower[arc] += 1
            cap[arc] = max(cap[arc] - 1, 0)
            supply[self.tails[arc]] -= 1
            supply[self.heads[arc]] += 1
        return cap, supply, lower


def _choose_scale(c: Compiled, n_nodes: int) -> float:
    """Largest power of ten (≤1e9) for which integer costs cannot overflow.

    OR-Tools' cost-scaling multiplies costs by about the number of nodes and
    sums them over the flow, so both products must stay far below 2**63.
    """
    max_abs = float(np.abs(c.edge_score).max()) if len(c.edge_score) else 1.0
    max_abs = max(max_abs, 1e-12)
    flow = int(c.demand.sum()) + 1
    limit = 2.0**60 / max(n_nodes + 2, flow) / 16
    exponent = min(9, math.floor(math.log10(limit / max_abs)))
    return float(10.0**exponent)


def build_network(c: Compiled, *, relax_cross_role_institution: bool = False) -> Network:
    """Build the static network; raise :class:`NeedsMilp` if no flow fits.

    ``relax_cross_role_institution`` applies the institution rule per role
    instead (used by the diagnosis, where a relaxation is what we want).
    """
    n_a, n_r, n_k = c.n_apps, c.n_reviewers, c.n_roles
    s_idx = np.flatnonzero(c.structural)
    e_app = c.edge_app[s_idx].astype(np.int64)
    e_rev = c.edge_rev[s_idx].astype(np.int64)
    e_role = c.edge_role[s_idx].astype(np.int64)
    group = e_app * n_k + e_role
    n_groups = n_a * n_k

    # --- institution layer -------------------------------------------------
    ikey = c.inst_group_key()[s_idx]
    if c.one_per_institution and c.institution_scope == "application" and n_k > 1:
        constrained = ikey >= 0
        role_pairs = np.unique(np.stack([ikey[constrained], e_role[constrained]]), axis=1)
        _, per_key = np.unique(role_pairs[0], return_counts=True)
        if (per_key > 1).any():
            if not relax_cross_role_institution:
                raise NeedsMilp("institution rule spans roles")
            ikey = np.where(constrained, ikey * n_k + e_role, -1)
    inst_keys, inst_inv, inst_cnt = np.unique(ikey, return_inverse=True, return_counts=True)
    uses_inst = (ikey >= 0) & (inst_cnt[inst_inv] >= 2)
    inst_real = (inst_keys >= 0) & (inst_cnt >= 2)
    inst_node_of_key = np.full(len(inst_keys), -1, dtype=np.int64)
    n_inst = int(inst_real.sum())
    inst_node_of_key[inst_real] = n_groups + np.arange(n_inst)
    inst_group = np.zeros(n_inst, dtype=np.int64)
    inst_group[inst_node_of_key[inst_inv[uses_inst]] - n_groups] = group[uses_inst]

    # --- merge layer (one reviewer, several roles, same application) -------
    pkey = e_app * n_r + e_rev
    if n_k > 1:
        m_keys, m_inv, m_cnt = np.unique(pkey, return_inverse=True, return_counts=True)
        m_real = m_cnt >= 2
    else:
        m_keys = np.zeros(0, dtype=np.int64)
        m_inv = np.zeros(len(pkey), dtype=np.int64)
        m_cnt = np.zeros(0, dtype=np.int64)
        m_real = np.zeros(0, dtype=bool)
    n_merge = int(m_real.sum())
    merge_base = n_groups + n_inst
    merge_node_of_key = np.full(len(m_keys), -1, dtype=np.int64)
    merge_node_of_key[m_real] = merge_base + np.arange(n_merge)
    merged_keys = m_keys[m_real]

    rev_base = merge_base + n_merge
    sink = rev_base + n_r
    n_nodes = sink + 1

    # --- arcs ----------------------------------------------------------------
    cand_tail = np.where(uses_inst, inst_node_of_key[inst_inv], group)
    if n_merge:
        cand_head_m = merge_node_of_key[m_inv]
        cand_head = np.where(cand_head_m >= 0, cand_head_m, rev_base + e_rev)
    else:
        cand_head = rev_base + e_rev
    scale = _choose_scale(c, n_nodes)
    cand_cost = -np.round(c.edge_score[s_idx] * scale).astype(np.int64)
    merge_rev = merged_keys % n_r if n_merge else np.zeros(0, dtype=np.int64)
    rev_cap = np.maximum(c.rev_max - c.rev_min, 0)

    tails = np.concatenate(
        [cand_tail, inst_group, merge_base + np.arange(n_merge), rev_base + np.arange(n_r)]
    )
    heads = np.concatenate(
        [cand_head, n_groups + np.arange(n_inst), rev_base + merge_rev, np.full(n_r, sink)]
    )
    caps = np.concatenate([np.ones(len(s_idx) + n_inst + n_merge, dtype=np.int64), rev_cap])
    costs = np.concatenate([cand_cost, np.zeros(n_inst + n_merge + n_r, dtype=np.int64)])

    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[:n_groups] = c.demand.reshape(-1)
    supply[rev_base : rev_base + n_r] = -c.rev_min
    supply[sink] = int(c.rev_min.sum()) - int(c.demand.sum())

    edge_arc = np.full(len(c.edge_app), -1, dtype=np.int32)
    edge_arc[s_idx] = np.arange(len(s_idx), dtype=np.int32)
    merged_arc = (len(s_idx) + n_inst + np.arange(n_merge)).astype(np.int32)

    group_of_node = np.full(n_nodes, -1, dtype=np.int64)
    group_of_node[:n_groups] = np.arange(n_groups)
    group_of_node[n_groups : n_groups + n_inst] = inst_group
    reviewer_of_node = np.full(n_nodes, -1, dtype=np.int64)
    reviewer_of_node[rev_base : rev_base + n_r] = np.arange(n_r)
    reviewer_of_node[merge_base : merge_base + n_merge] = merge_rev

    return Network(
        n_nodes=n_nodes,
        tails=tails.astype(np.int32),
        heads=heads.astype(np.int32),
        base_cap=caps,
        cost=costs,
        base_supply=supply,
        edge_arc=edge_arc,
        merged_keys=merged_keys,
        merged_arc=merged_arc,
        group_of_node=group_of_node,
        reviewer_of_node=reviewer_of_node,
        sink=sink,
        scale=scale,
    )


def run_min_cost_flow(net: Network, cap: IntArray, supply: IntArray, lower: IntArray) -> IntArray | None:
    """Solve; return the flow per arc *including* lower bounds, or None if infeasible."""
    mcf = min_cost_flow.SimpleMinCostFlow()
    arcs = mcf.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, cap, net.cost)
    mcf.set_nodes_supplies(np.arange(net.n_nodes, dtype=np.int32), supply)
    status = mcf.solve()
    if status == mcf.INFEASIBLE:
        return None
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow returned status {status!r}")
    return np.asarray(mcf.flows(arcs), dtype=np.int64) + lower


class FlowModel:
    """A compiled problem that can be re-solved cheaply after edits.

    The expensive parts (Python loop over candidates, network layout) happen
    once in the constructor; :meth:`pin`, :meth:`forbid` and friends only
    flip capacities and supplies, so a re-solve costs one OR-Tools call.
    Conflicts are permanent (they are part of the structure).
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.compiled = problem.compiled
        self.network = build_network(self.compiled)  # may raise NeedsMilp
        self._forbidden = set(problem.forbidden)
        self._pinned = set(problem.pinned)

    def pin(self, application: str, reviewer: str) -> None:
        self._pinned.add((application, reviewer))

    def unpin(self, application: str, reviewer: str) -> None:
        self._pinned.discard((application, reviewer))

    def forbid(self, application: str, reviewer: str) -> None:
        self._forbidden.add((application, reviewer))

    def allow(self, application: str, reviewer: str) -> None:
        self._forbidden.discard((application, reviewer))

    def current_problem(self) -> Problem:
        """The problem with the edits applied (used for diagnosis)."""
        return self.problem.replace(forbidden=frozenset(self._forbidden), pinned=frozenset(self._pinned))

    def _keys(self, pairs: set[Pair]) -> IntArray:
        keys = [self.compiled.key_of(p) for p in sorted(pairs)]
        return np.array([k for k in keys if k is not None], dtype=np.int64)

    def solve(self) -> Result:
        """Optimal assignment under the current edits.

        Raises :class:`AssignmentInfeasible` with explained reasons.
        """
        from .diagnose import explain_infeasible, precheck

        start = time.perf_counter()
        c = self.compiled
        edited = self._forbidden != set(self.problem.forbidden) or self._pinned != set(self.problem.pinned)
        if edited:
            forbidden = c.edges_of_keys(self._keys(self._forbidden))
            pinned = self._keys(self._pinned)
        else:
            forbidden, pinned = c.edge_forbidden, c.pinned_keys
        pre = precheck(c, forbidden, self._pinned)
        if pre:
            raise AssignmentInfeasible(pre)
        cap, supply, lower = self.network.apply(c, forbidden, pinned)
        flow = run_min_cost_flow(self.network, cap, supply, lower)
        if flow is None:
            raise AssignmentInfeasible(explain_infeasible(self.current_problem()))
        chosen = np.zeros(len(c.edge_app), dtype=bool)
        has_arc = self.network.edge_arc >= 0
        chosen[has_arc] = flow[self.network.edge_arc[has_arc]] > 0
        return build_result(
            c,
            chosen,
            method="min-cost-flow",
            seconds=time.perf_counter() - start,
            pinned_keys=pinned,
        )


def solve(problem: Problem, *, fair: bool = False, time_limit: float | None = None) -> Result:
    """Optimal assignment of ``problem``.

    * ``fair=False``: maximum total score, exact (min-cost flow; exact MILP
      fallback for the cross-role institution rule).
    * ``fair=True``: lexicographic max-min then max-total, see
      :func:`evaluation.assignment.fair.solve_fair`.

    ``time_limit`` (seconds) only applies to the MILP paths; a result found
    at the limit has ``proven_optimal=False``.
    Raises :class:`AssignmentInfeasible` with reasons when nothing fits.
    """
    if fair:
        from .fair import solve_fair

        return solve_fair(problem, time_limit=time_limit)
    try:
        model = FlowModel(problem)
    except NeedsMilp:
        from .milp import solve_milp

        return solve_milp(problem, time_limit=time_limit)
    return model.solve()

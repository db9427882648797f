"""Explain *why* no assignment exists.

Three layers, from most to least specific:

1. :func:`precheck` — problems with pinned pairs and load limits that the
   flow network cannot even represent (a pin on a conflict, ``min > max``).
   Solvers run it before solving.
2. Local counting arguments in :func:`diagnose`: an (application, role) with
   fewer eligible candidates than reviews needed (with the breakdown of what
   removed the others), too few distinct institutions, total capacity below
   total demand, minimum loads above total demand.
3. A certificate from a max-flow min-cut (Hoffman's circulation theorem) on
   the same network when nothing local explains it: a *group* of
   applications whose eligible reviewers cannot absorb their demand, or a
   group of reviewers whose minimum loads cannot be reached.  For a network
   flow this test is exact, so :func:`diagnose` returns no reason at all iff
   the flow formulation is feasible.

Every reason is a :class:`~evaluation.assignment.problem.Reason` (stable
``code``, human ``message``, structured ``data``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from ortools.graph.python import max_flow

from .problem import BoolArray, Compiled, IntArray, Pair, Problem, Reason

MAX_PER_CODE = 25


def _names(items: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" … (+{len(items) - limit} more)" if len(items) > limit else "")


def _n(count: int, word: str) -> str:
    """ "1 review", "3 reviews"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _apps(names: Sequence[str]) -> str:
    return ("Application " if len(names) == 1 else "Applications ") + _names(names)


def _role_suffix(c: Compiled, k: int) -> str:
    return f" as {c.roles[k]}" if c.n_roles > 1 else ""


# --------------------------------------------------------------------------- #
# 1. pre-checks
# --------------------------------------------------------------------------- #


def _check_pin(c: Compiled, forbidden: BoolArray, pair: Pair) -> Reason | None:
    app, rev = pair
    data: dict[str, object] = {"application": app, "reviewer": rev}
    key = c.key_of(pair)
    edges = np.flatnonzero(c.pair_key == key) if key is not None else np.zeros(0, np.int64)
    if len(edges) == 0:
        return Reason(
            "pinned_not_candidate",
            f"Pinned pair {app} / {rev} is not a candidate (no score for it), so it cannot be assigned.",
            data,
        )
    if c.edge_conflict[edges].all():
        return Reason(
            "pinned_conflict", f"Pinned pair {app} / {rev} is a declared conflict of interest.", data
        )
    if forbidden[edges].all():
        return Reason("pinned_forbidden", f"Pair {app} / {rev} is both pinned and forbidden.", data)
    a = int(c.edge_app[edges[0]])
    if (c.demand[a, c.edge_role[edges]] == 0).all():
        return Reason(
            "pinned_role_not_needed",
            f"Pinned pair {app} / {rev}: the application needs no review in the reviewer's role(s).",
            data,
        )
    r = int(c.edge_rev[edges[0]])
    if c.rev_max_declared[r] == 0:
        return Reason(
            "pinned_reviewer_no_capacity",
            f"Pinned pair {app} / {rev}: the reviewer's maximum load is 0.",
            data,
        )
    return None


def _pin_counts(c: Compiled, pins: list[tuple[int, int]]) -> list[Reason]:
    """Pins exceeding a reviewer's max load, an application's demand, or the
    institution rule."""
    reasons: list[Reason] = []
    per_rev = Counter(r for _, r in pins)
    for r, n in sorted(per_rev.items()):
        cap = int(c.rev_max_declared[r])
        if 0 <= cap < n:
            rid = c.reviewers[r]
            reasons.append(
                Reason(
                    "pinned_over_max_load",
                    f"Reviewer {rid} is pinned to {n} applications but may review at most {cap}.",
                    {"reviewer": rid, "pinned": n, "max_load": cap},
                )
            )
    per_app = Counter(a for a, _ in pins)
    for a, n in sorted(per_app.items()):
        need = int(c.demand[a].sum())
        if n > need:
            aid = c.applications[a]
            reasons.append(
                Reason(
                    "pinned_over_demand",
                    f"Application {aid} has {n} pinned reviewers but needs only {need}.",
                    {"application": aid, "pinned": n, "needed": need},
                )
            )
    if c.one_per_institution:
        by_inst: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
        for a, r in pins:
            if c.rev_inst[r] >= 0:
                by_inst[(a, int(c.rev_inst[r]))].append(r)
        for (a, i), revs in sorted(by_inst.items()):
            if len(revs) > 1 and c.institution_scope == "application":
                names = [c.reviewers[r] for r in revs]
                aid, inst = c.applications[a], c.institutions[i]
                reasons.append(
                    Reason(
                        "pinned_same_institution",
                        f"Application {aid}: pinned reviewers {_names(names)} are all from "
                        f"{inst}, but at most one reviewer per institution is allowed.",
                        {"application": aid, "institution": inst, "reviewers": names},
                    )
                )
    return reasons


def _load_limits(c: Compiled, forbidden: BoolArray) -> list[Reason]:
    """Minimum loads above the maximum or above the reviewer's candidates."""
    reasons: list[Reason] = []
    elig = np.bincount(c.edge_rev[c.eligible(forbidden)], minlength=c.n_reviewers)
    for r in np.flatnonzero(c.rev_min > c.rev_max).tolist():
        rid, lo = c.reviewers[r], int(c.rev_min[r])
        hi = int(c.rev_max_declared[r])
        if 0 <= hi < lo:
            msg = f"Reviewer {rid}: minimum load {lo} is above the maximum load {hi}."
            code = "min_above_max"
        else:
            msg = (
                f"Reviewer {rid} must review at least {lo} applications but is a "
                f"candidate for only {int(c.rev_max[r])}."
            )
            code = "min_load_unreachable"
        reasons.append(
            Reason(code, msg, {"reviewer": rid, "min_load": lo, "max_load": hi, "eligible": int(elig[r])})
        )
    return reasons


def precheck(c: Compiled, forbidden: BoolArray, pinned: Iterable[Pair]) -> list[Reason]:
    """Problems the solvers must reject before solving (see module docstring)."""
    reasons: list[Reason] = []
    valid: list[tuple[int, int]] = []
    for pair in sorted(set(pinned)):
        bad = _check_pin(c, forbidden, pair)
        if bad is not None:
            reasons.append(bad)
        else:
            valid.append((c.app_index[pair[0]], c.reviewer_index[pair[1]]))
    reasons += _pin_counts(c, valid)
    reasons += _load_limits(c, forbidden)
    return _cap(reasons)


# --------------------------------------------------------------------------- #
# 2. local counting arguments
# --------------------------------------------------------------------------- #


def _group_shortages(c: Compiled, forbidden: BoolArray) -> list[Reason]:
    """(application, role) groups with fewer eligible candidates than needed."""
    n_g = c.n_apps * c.n_roles
    group = c.edge_app.astype(np.int64) * c.n_roles + c.edge_role

    def count(mask: BoolArray) -> IntArray:
        return np.bincount(group[mask], minlength=n_g)

    need = c.demand.reshape(-1)
    elig_mask = c.eligible(forbidden)
    elig = count(elig_mask)
    total = count(np.ones(len(group), dtype=bool))
    conflict = count(c.edge_conflict)
    forb = count(forbidden & ~c.edge_conflict)
    nocap = count(~c.edge_conflict & ~forbidden & (c.rev_max[c.edge_rev] == 0))
    reasons: list[Reason] = []
    for g in np.flatnonzero(elig < need).tolist():
        a, k = divmod(g, c.n_roles)
        aid = c.applications[a]
        parts = [_n(int(total[g]), "candidate")]
        if conflict[g]:
            parts.append(f"{conflict[g]} excluded by conflicts of interest")
        if forb[g]:
            parts.append(f"{forb[g]} forbidden")
        if nocap[g]:
            parts.append(f"{nocap[g]} with maximum load 0")
        reasons.append(
            Reason(
                "too_few_candidates",
                f"Application {aid} needs {_n(int(need[g]), 'reviewer')}{_role_suffix(c, k)} but has "
                f"only {elig[g]} eligible ({', '.join(parts)}).",
                {
                    "application": aid,
                    "role": c.roles[k],
                    "needed": int(need[g]),
                    "eligible": int(elig[g]),
                    "candidates": int(total[g]),
                    "conflicts": int(conflict[g]),
                    "forbidden": int(forb[g]),
                    "no_capacity": int(nocap[g]),
                },
            )
        )
    if c.one_per_institution:
        reasons += _institution_shortages(c, elig_mask, elig)
    if c.n_roles > 1:
        reasons += _distinct_reviewer_shortages(c, elig_mask)
    return reasons


def _institution_shortages(c: Compiled, elig_mask: BoolArray, elig: IntArray) -> list[Reason]:
    """Enough candidates but too few distinct institutions among them."""
    per_role = c.institution_scope == "role" or c.n_roles == 1
    unit = c.edge_app.astype(np.int64) * c.n_roles + c.edge_role if per_role else c.edge_app.astype(np.int64)
    n_units = c.n_apps * c.n_roles if per_role else c.n_apps
    need = c.demand.reshape(-1) if per_role else c.demand.sum(axis=1)
    inst = c.rev_inst[c.edge_rev].astype(np.int64)
    m = elig_mask
    unlabelled = np.bincount(unit[m & (inst < 0)], minlength=n_units)
    labelled = m & (inst >= 0)
    pairs = np.unique(unit[labelled] * max(len(c.institutions), 1) + inst[labelled])
    distinct = np.bincount(pairs // max(len(c.institutions), 1), minlength=n_units)
    slots = unlabelled + distinct
    candidates = elig if per_role else np.bincount(unit[m], minlength=n_units)
    reasons = []
    for u in np.flatnonzero((slots < need) & (candidates >= need)).tolist():
        a, k = divmod(u, c.n_roles) if per_role else (u, 0)
        aid = c.applications[a]
        suffix = _role_suffix(c, k) if per_role else ""
        reasons.append(
            Reason(
                "too_few_institutions",
                f"Application {aid} needs {_n(int(need[u]), 'reviewer')}{suffix} from different "
                f"institutions, but its {candidates[u]} eligible candidates come from only {distinct[u]} "
                f"institution(s) (+{unlabelled[u]} without institution).",
                {
                    "application": aid,
                    "role": c.roles[k] if per_role else None,
                    "needed": int(need[u]),
                    "institutions": int(distinct[u]),
                    "unlabelled": int(unlabelled[u]),
                },
            )
        )
    return reasons


def _distinct_reviewer_shortages(c: Compiled, elig_mask: BoolArray) -> list[Reason]:
    """All roles together need more distinct people than are eligible."""
    keys = np.unique(c.pair_key[elig_mask])
    people = np.bincount(keys // max(c.n_reviewers, 1), minlength=c.n_apps)
    need = c.demand.sum(axis=1)
    reasons = []
    for a in np.flatnonzero(people < need).tolist():
        aid = c.applications[a]
        reasons.append(
            Reason(
                "too_few_distinct_reviewers",
                f"Application {aid} needs {need[a]} different reviewers across all roles but only "
                f"{people[a]} distinct people are eligible.",
                {"application": aid, "needed": int(need[a]), "eligible_people": int(people[a])},
            )
        )
    return reasons


def _global_balance(c: Compiled, forbidden: BoolArray) -> list[Reason]:
    demand = int(c.demand.sum())
    elig = np.bincount(c.edge_rev[c.eligible(forbidden)], minlength=c.n_reviewers)
    capacity = int(np.minimum(c.rev_max, elig).sum())
    reasons = []
    if capacity < demand:
        reasons.append(
            Reason(
                "capacity_below_demand",
                f"The applications need {demand} reviews in total but the reviewers can take at most "
                f"{capacity} (sum of maximum loads, counting only applications each reviewer is "
                f"eligible for).",
                {"demand": demand, "capacity": capacity},
            )
        )
    min_total = int(c.rev_min.sum())
    if min_total > demand:
        reasons.append(
            Reason(
                "min_load_above_demand",
                f"Minimum loads add up to {min_total} reviews but the applications need only {demand}.",
                {"demand": demand, "min_load_total": min_total},
            )
        )
    return reasons


# --------------------------------------------------------------------------- #
# 3. min-cut certificate
# --------------------------------------------------------------------------- #


def _certificate(c: Compiled, forbidden: BoolArray, pinned_keys: IntArray) -> list[Reason]:
    """A violated Hoffman cut of the flow network, translated to words."""
    from .flow import build_network

    net = build_network(c, relax_cross_role_institution=True)
    cap, supply, _ = net.apply(c, forbidden, pinned_keys)
    n = net.n_nodes
    src, dst = n, n + 1
    pos = np.flatnonzero(supply > 0)
    neg = np.flatnonzero(supply < 0)
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(
        np.concatenate([net.tails, np.full(len(pos), src), neg]).astype(np.int32),
        np.concatenate([net.heads, pos, np.full(len(neg), dst)]).astype(np.int32),
        np.concatenate([cap, supply[pos], -supply[neg]]).astype(np.int64),
    )
    total = int(supply[pos].sum())
    if total == 0 or mf.solve(src, dst) != mf.OPTIMAL:
        return []
    deficit = total - int(mf.optimal_flow())
    if deficit <= 0:
        return []
    in_x = np.zeros(n + 2, dtype=bool)
    in_x[np.asarray(mf.get_source_side_min_cut(), dtype=np.int64)] = True
    n_groups = c.n_apps * c.n_roles
    rev_base = net.sink - c.n_reviewers
    groups = np.arange(n_groups)
    revs = np.arange(c.n_reviewers)
    if not in_x[net.sink]:
        g = groups[in_x[:n_groups]]
        r = revs[in_x[rev_base : rev_base + c.n_reviewers]]
        apps = [c.applications[a] for a in np.unique(g // c.n_roles).tolist()]
        need = int(c.demand.reshape(-1)[g].sum())
        limiting = [c.reviewers[i] for i in r.tolist()]
        tail = f" The reviewers that limit them are full: {_names(limiting)}." if limiting else ""
        return [
            Reason(
                "group_shortage",
                f"{_apps(apps)} need{'s' if len(apps) == 1 else ''} {_n(need, 'review')}"
                f"{'' if len(apps) == 1 else ' between them'}, but the eligible "
                f"candidates (after conflicts, forbidden pairs, load limits and the other rules) can "
                f"provide at most {need - deficit}.{tail}",
                {
                    "applications": apps,
                    "needed": need,
                    "available": need - deficit,
                    "limiting_reviewers": limiting,
                },
            )
        ]
    r = revs[~in_x[rev_base : rev_base + c.n_reviewers]]
    g = groups[~in_x[:n_groups]]
    reviewers = [c.reviewers[i] for i in r.tolist()]
    apps = [c.applications[a] for a in np.unique(g // c.n_roles).tolist()]
    mins = int(c.rev_min[r].sum())
    return [
        Reason(
            "group_min_load",
            f"Reviewers {_names(reviewers)} must review at least {mins} applications between them "
            f"(minimum loads), but the applications they are eligible for can give them at most "
            f"{mins - deficit}.",
            {
                "reviewers": reviewers,
                "min_load_total": mins,
                "available": mins - deficit,
                "applications": apps,
            },
        )
    ]


def _cap(reasons: list[Reason]) -> list[Reason]:
    """Keep at most MAX_PER_CODE reasons of each kind, plus a summary line."""
    out: list[Reason] = []
    seen: Counter[str] = Counter()
    hidden: defaultdict[str, list[Reason]] = defaultdict(list)
    for r in reasons:
        seen[r.code] += 1
        if seen[r.code] <= MAX_PER_CODE:
            out.append(r)
        else:
            hidden[r.code].append(r)
    for code, rest in hidden.items():
        out.append(
            Reason(
                code,
                f"… and {len(rest)} more reason(s) of the same kind ({code}).",
                {"more": [dict(r.data) for r in rest]},
            )
        )
    return out


def diagnose(problem: Problem) -> list[Reason]:
    """All reasons why ``problem`` has no feasible assignment ([] if none found).

    An empty list means the network-flow formulation is feasible; only the
    cross-role institution rule (MILP-only) can then still be infeasible,
    which is reported as ``institution_across_roles`` by the MILP solvers.
    """
    c = problem.compiled
    forbidden = c.edge_forbidden
    reasons = precheck(c, forbidden, problem.pinned)
    if reasons:
        return reasons
    reasons = _group_shortages(c, forbidden) + _global_balance(c, forbidden)
    if not reasons:
        reasons = _certificate(c, forbidden, c.pinned_keys)
    return _cap(reasons)


def explain_infeasible(problem: Problem) -> list[Reason]:
    """Like :func:`diagnose` but never empty: adds the MILP-only case."""
    reasons = diagnose(problem)
    if reasons:
        return reasons
    if problem.one_per_institution and problem.institution_scope == "application":
        return [
            Reason(
                "institution_across_roles",
                "No assignment keeps reviewers of one institution to one per application across "
                "all roles; each role could be staffed on its own.",
                {},
            )
        ]
    return [Reason("unknown", "The solver found no feasible assignment.", {})]

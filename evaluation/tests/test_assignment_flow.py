"""Exact min-cost-flow assignment: constraints, optimality, diagnosis.

Optimality is checked against two independent references: an exhaustive
search (:func:`brute_force`) on tiny instances and a direct scipy MILP on
somewhat larger ones.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from evaluation.assignment import (
    AssignmentInfeasible,
    Candidate,
    FlowModel,
    Problem,
    ProblemError,
    Result,
    Reviewer,
    diagnose,
    solve,
    solve_milp,
)

TOL = 1e-6


# The solver is pure Python: shadow the project-wide autouse Django fixtures
# so that these tests also run with ``-p no:django``.
@pytest.fixture(autouse=True)
def _media_root():  # type: ignore[no-untyped-def]
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    yield


# --------------------------------------------------------------------------- #
# independent reference: exhaustive search
# --------------------------------------------------------------------------- #


@dataclass
class Brute:
    feasible: bool
    best_total: float = float("-inf")
    best_fair: tuple[float, float] = (float("-inf"), float("-inf"))


def _limits(p: Problem) -> dict[str, tuple[int, float]]:
    info = {r.id: r for r in p.reviewers}
    revs = {c.reviewer for c in p.candidates} | set(info)
    out = {}
    for r in revs:
        ri = info.get(r)
        lo = ri.min_load if ri and ri.min_load is not None else p.min_load
        hi = ri.max_load if ri and ri.max_load is not None else p.max_load
        out[r] = (lo, float("inf") if hi is None else hi)
    return out


def _institutions(p: Problem) -> dict[str, str | None]:
    return {r.id: r.institution for r in p.reviewers}


def brute_force(p: Problem) -> Brute:
    """Enumerate every assignment of a tiny problem (independent of the package)."""
    demands = p.role_demands
    apps = list(dict.fromkeys([*p.applications, *(c.application for c in p.candidates)]))
    banned = p.conflicts | p.forbidden
    groups = []
    for a in apps:
        for role, k in demands.items():
            k = p.demand_overrides.get((a, role), k)
            edges = [
                c
                for c in p.candidates
                if c.application == a and c.role == role and (a, c.reviewer) not in banned
            ]
            groups.append(list(itertools.combinations(edges, k)))
    limits = _limits(p)
    inst = _institutions(p)
    result = Brute(False)
    for combo in itertools.product(*groups):
        chosen = [e for part in combo for e in part]
        pairs = [(e.application, e.reviewer) for e in chosen]
        if len(set(pairs)) != len(pairs) or not p.pinned <= set(pairs):
            continue
        loads = Counter(e.reviewer for e in chosen)
        if any(not lo <= loads.get(r, 0) <= hi for r, (lo, hi) in limits.items()):
            continue
        if p.one_per_institution:
            keys = [
                (e.application, e.role if p.institution_scope == "role" else None, inst.get(e.reviewer))
                for e in chosen
                if inst.get(e.reviewer) is not None
            ]
            if len(set(keys)) != len(keys):
                continue
        total = sum(e.score for e in chosen)
        per_app = Counter({a: 0.0 for a in apps})
        for e in chosen:
            per_app[e.application] += e.score
        needy = [a for a in apps if sum(p.demand_overrides.get((a, r), k) for r, k in demands.items()) > 0]
        low = min((per_app[a] for a in needy), default=0.0)
        result.feasible = True
        result.best_total = max(result.best_total, total)
        result.best_fair = max(result.best_fair, (low, total))
    return result


def check_constraints(p: Problem, r: Result) -> None:
    """Every hard constraint holds in ``r`` (independent re-check)."""
    cand = {(c.application, c.reviewer, c.role): c.score for c in p.candidates}
    demands = p.role_demands
    apps = {*p.applications, *(c.application for c in p.candidates)}
    got = Counter((x.application, x.role) for x in r.pairs)
    for a in apps:
        for role, k in demands.items():
            assert got[(a, role)] == p.demand_overrides.get((a, role), k)
    pairs = [(x.application, x.reviewer) for x in r.pairs]
    assert len(set(pairs)) == len(pairs)
    for x in r.pairs:
        assert cand[(x.application, x.reviewer, x.role)] == x.score
        assert (x.application, x.reviewer) not in p.conflicts
        assert (x.application, x.reviewer) not in p.forbidden
    assert p.pinned <= set(pairs)
    loads = Counter(x.reviewer for x in r.pairs)
    for rev, (lo, hi) in _limits(p).items():
        assert lo <= loads.get(rev, 0) <= hi
        assert r.reviewer_loads.get(rev, 0) == loads.get(rev, 0)
    if p.one_per_institution:
        inst = _institutions(p)
        keys = [
            (x.application, x.role if p.institution_scope == "role" else None, inst.get(x.reviewer))
            for x in r.pairs
            if inst.get(x.reviewer) is not None
        ]
        assert len(set(keys)) == len(keys)
    assert r.total_score == pytest.approx(sum(x.score for x in r.pairs), abs=TOL)


# --------------------------------------------------------------------------- #
# random instances
# --------------------------------------------------------------------------- #


@st.composite
def problems(
    draw: st.DrawFn,
    max_apps: int = 4,
    max_revs: int = 4,
    roles: tuple[str, ...] = ("reviewer",),
    institutions: bool = False,
) -> Problem:
    n_a = draw(st.integers(1, max_apps))
    n_r = draw(st.integers(1, max_revs))
    apps = [f"a{i}" for i in range(n_a)]
    revs = [f"r{i}" for i in range(n_r)]
    cands = []
    for a in apps:
        for r in revs:
            for role in roles:
                if draw(st.booleans()) or draw(st.booleans()):
                    cands.append(Candidate(a, r, float(draw(st.integers(0, 20))) / 2, role))
    pairs = sorted({(c.application, c.reviewer) for c in cands})
    pinned = set(draw(st.lists(st.sampled_from(pairs), max_size=2))) if pairs else set()
    # Mostly disjoint from the pins (else nearly every instance is a trivial
    # pin contradiction); sometimes overlapping to exercise those reasons.
    pool = pairs if draw(st.integers(0, 9)) == 0 else [q for q in pairs if q not in pinned]
    subset = st.lists(st.sampled_from(pool), max_size=2) if pool else st.just([])
    k = {role: draw(st.sampled_from([0, 1, 1, 2, 2])) for role in roles}
    reviewers = []
    for r in revs:
        reviewers.append(
            Reviewer(
                r,
                institution=draw(st.sampled_from([None, "I1", "I2", "I3"])) if institutions else None,
                min_load=draw(st.sampled_from([None, None, None, 0, 1])),
                max_load=draw(st.sampled_from([None, None, 1, 2, 3])),
            )
        )
    return Problem(
        candidates=tuple(cands),
        reviews_per_application=k if len(roles) > 1 else k[roles[0]],
        min_load=draw(st.sampled_from([0, 0, 0, 1])),
        max_load=draw(st.sampled_from([None, 1, 2, 3])),
        reviewers=tuple(reviewers),
        applications=tuple(apps),
        conflicts=frozenset(draw(subset)),
        forbidden=frozenset(draw(subset)),
        pinned=frozenset(pinned),
        one_per_institution=institutions and draw(st.booleans()),
        institution_scope=draw(st.sampled_from(["application", "role"])),
    )


def assert_matches_brute(p: Problem) -> None:
    ref = brute_force(p)
    if not ref.feasible:
        with pytest.raises(AssignmentInfeasible) as info:
            solve(p)
        assert info.value.reasons and all(info.value.reasons)
        assert all(d.code and d.message for d in info.value.details)
        return
    r = solve(p)
    check_constraints(p, r)
    assert r.total_score == pytest.approx(ref.best_total, abs=TOL)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(problems())
def test_single_role_matches_brute_force(p: Problem) -> None:
    assert_matches_brute(p)


@PROPERTY
@given(problems(institutions=True))
def test_institution_rule_matches_brute_force(p: Problem) -> None:
    assert_matches_brute(p)


@PROPERTY
@given(problems(max_apps=2, max_revs=5, roles=("rapporteur", "external"), institutions=True))
def test_two_roles_match_brute_force(p: Problem) -> None:
    assert_matches_brute(p)


@PROPERTY
@given(problems(max_apps=3, max_revs=4))
def test_diagnose_is_empty_iff_feasible(p: Problem) -> None:
    """The min-cut certificate makes the diagnosis exact for flow problems."""
    assert (diagnose(p) == []) == brute_force(p).feasible


# --------------------------------------------------------------------------- #
# independent MILP reference on larger instances
# --------------------------------------------------------------------------- #


def reference_milp(p: Problem) -> float:
    """Single-role optimum via a hand-built scipy MILP (shares no code)."""
    edges = [c for c in p.candidates if (c.application, c.reviewer) not in p.conflicts]
    apps = sorted({c.application for c in p.candidates})
    revs = sorted({c.reviewer for c in p.candidates})
    ai = {a: i for i, a in enumerate(apps)}
    ri = {r: i for i, r in enumerate(revs)}
    n = len(edges)
    rows = [ai[e.application] for e in edges] + [len(apps) + ri[e.reviewer] for e in edges]
    a = coo_matrix((np.ones(2 * n), (rows, list(range(n)) * 2)), shape=(len(apps) + len(revs), n))
    k = int(p.reviews_per_application)  # type: ignore[arg-type]
    lo = [k] * len(apps) + [p.min_load] * len(revs)
    hi = [k] * len(apps) + [p.max_load] * len(revs)
    res = milp(
        -np.array([e.score for e in edges]),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(a.tocsr(), lo, hi)],
    )
    assert res.status == 0
    return float(-res.fun)


@pytest.mark.parametrize("seed", range(6))
def test_matches_independent_milp_on_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    apps, revs = 25, 30
    cands = [
        Candidate(f"a{a}", f"r{r}", round(float(rng.random()), 4))
        for a in range(apps)
        for r in range(revs)
        if rng.random() < 0.4
    ]
    conflicts = {(c.application, c.reviewer) for c in cands if rng.random() < 0.05}
    p = Problem(tuple(cands), 3, min_load=1, max_load=4, conflicts=frozenset(conflicts))
    r = solve(p)
    check_constraints(p, r)
    assert r.method == "min-cost-flow"
    assert r.total_score == pytest.approx(reference_milp(p), abs=1e-4)
    assert solve_milp(p).total_score == pytest.approx(r.total_score, abs=1e-4)


# --------------------------------------------------------------------------- #
# hand-made cases
# --------------------------------------------------------------------------- #


def test_beats_greedy() -> None:
    """Greedy takes a0-r0 (10) and leaves a1 with 1; the optimum is 9 + 9."""
    p = Problem(
        (
            Candidate("a0", "r0", 10),
            Candidate("a0", "r1", 9),
            Candidate("a1", "r0", 9),
            Candidate("a1", "r1", 1),
        ),
        1,
        max_load=1,
    )
    r = solve(p)
    assert r.total_score == 18
    assert {(x.application, x.reviewer) for x in r.pairs} == {("a0", "r1"), ("a1", "r0")}
    assert r.explain("a0", "r1") is not None and r.explain("a0", "r1").score == 9
    assert r.explain("a0", "r0") is None
    assert set(r.by_application()) == {"a0", "a1"}
    assert r.min_application_score == 9


def test_roles_are_separate_pools_and_one_person_one_role() -> None:
    cands = [Candidate("a", f"r{i}", 5 - i, "rapporteur") for i in range(3)]
    cands += [Candidate("a", f"r{i}", 5 - i, "external") for i in range(3)]
    p = Problem(tuple(cands), {"rapporteur": 1, "external": 2})
    r = solve(p)
    roles = Counter(x.role for x in r.pairs)
    assert roles == {"rapporteur": 1, "external": 2}
    assert len({x.reviewer for x in r.pairs}) == 3


def test_pinned_pair_is_kept_even_when_suboptimal() -> None:
    p = Problem(
        (Candidate("a", "good", 10), Candidate("a", "poor", 1)),
        1,
        pinned=frozenset({("a", "poor")}),
    )
    r = solve(p)
    assert [(x.reviewer, x.pinned) for x in r.pairs] == [("poor", True)]


def test_min_load_spreads_work() -> None:
    p = Problem(
        (
            Candidate("a0", "star", 10),
            Candidate("a0", "other", 1),
            Candidate("a1", "star", 10),
            Candidate("a1", "other", 1),
        ),
        1,
        min_load=1,
    )
    assert solve(p).reviewer_loads == {"star": 1, "other": 1}


def test_institution_rule_across_roles_uses_milp() -> None:
    reviewers = (Reviewer("x", "inst"), Reviewer("y", "inst"), Reviewer("z", "other"))
    cands = (
        Candidate("a", "x", 9, "rapporteur"),
        Candidate("a", "z", 1, "rapporteur"),
        Candidate("a", "y", 9, "external"),
        Candidate("a", "z", 1, "external"),
    )
    p = Problem(cands, {"rapporteur": 1, "external": 1}, reviewers=reviewers, one_per_institution=True)
    r = solve(p)
    assert r.method == "milp"
    assert r.total_score == 10
    per_role = solve(p.replace(institution_scope="role"))
    assert per_role.method == "min-cost-flow" and per_role.total_score == 18


def test_unlimited_max_load_and_score_scaling() -> None:
    cands = tuple(Candidate(f"a{i}", "only", 1e-7 * (i + 1)) for i in range(50))
    r = solve(Problem(cands, 1))
    assert r.reviewer_loads["only"] == 50
    assert r.total_score == pytest.approx(sum(1e-7 * (i + 1) for i in range(50)))


def test_negative_scores_are_fine() -> None:
    p = Problem((Candidate("a", "x", -3), Candidate("a", "y", -1)), 1)
    assert solve(p).pairs[0].reviewer == "y"


def test_bad_input_is_a_problem_error() -> None:
    with pytest.raises(ProblemError, match="Duplicate"):
        _ = Problem((Candidate("a", "x", 1), Candidate("a", "x", 2)), 1).compiled
    with pytest.raises(ProblemError, match="unknown role"):
        _ = Problem((Candidate("a", "x", 1, "ghost"),), 1).compiled
    with pytest.raises(ProblemError, match="non-finite"):
        _ = Problem((Candidate("a", "x", float("nan")),), 1).compiled
    with pytest.raises(ProblemError):
        Problem((), -1)


# --------------------------------------------------------------------------- #
# incremental re-solve
# --------------------------------------------------------------------------- #


def test_flow_model_resolve_equals_fresh_solve() -> None:
    rng = np.random.default_rng(7)
    cands = tuple(
        Candidate(f"a{a}", f"r{r}", round(float(rng.random()), 3))
        for a in range(20)
        for r in range(15)
        if rng.random() < 0.6
    )
    p = Problem(cands, 2, max_load=4)
    model = FlowModel(p)
    first = model.solve()
    taken = first.pairs[0]
    spare = next(c for c in cands if first.explain(c.application, c.reviewer) is None)
    model.forbid(taken.application, taken.reviewer)
    model.pin(spare.application, spare.reviewer)
    second = model.solve()
    explained = second.explain(spare.application, spare.reviewer)
    assert explained is not None and explained.pinned and explained.score == spare.score
    edited = p.replace(
        forbidden=frozenset({(taken.application, taken.reviewer)}),
        pinned=frozenset({(spare.application, spare.reviewer)}),
    )
    check_constraints(edited, second)
    assert second.total_score == pytest.approx(solve(edited).total_score, abs=TOL)
    model.allow(taken.application, taken.reviewer)
    model.unpin(spare.application, spare.reviewer)
    assert model.solve().total_score == pytest.approx(first.total_score, abs=TOL)
    model.pin(taken.application, taken.reviewer)
    model.forbid(taken.application, taken.reviewer)
    with pytest.raises(AssignmentInfeasible) as info:
        model.solve()
    assert info.value.details[0].code == "pinned_forbidden"


# --------------------------------------------------------------------------- #
# diagnosis
# --------------------------------------------------------------------------- #


def codes(p: Problem) -> set[str]:
    with pytest.raises(AssignmentInfeasible) as info:
        solve(p)
    return {d.code for d in info.value.details}


def test_reason_too_few_candidates_with_breakdown() -> None:
    p = Problem(
        (Candidate("a", "x", 1), Candidate("a", "y", 1), Candidate("a", "z", 1), Candidate("b", "x", 1)),
        2,
        conflicts=frozenset({("a", "x")}),
        forbidden=frozenset({("a", "y")}),
    )
    with pytest.raises(AssignmentInfeasible) as info:
        solve(p)
    detail = next(d for d in info.value.details if d.data.get("application") == "a")
    assert detail.code == "too_few_candidates"
    assert detail.data["conflicts"] == 1 and detail.data["forbidden"] == 1
    assert "1 excluded by conflicts" in detail.message
    assert any(d.data.get("application") == "b" for d in info.value.details)


def test_reason_too_few_institutions() -> None:
    revs = (Reviewer("x", "same"), Reviewer("y", "same"))
    p = Problem((Candidate("a", "x", 1), Candidate("a", "y", 1)), 2, reviewers=revs, one_per_institution=True)
    assert codes(p) == {"too_few_institutions"}


def test_reason_capacity_and_min_loads() -> None:
    cands = tuple(Candidate(f"a{i}", r, 1) for i in range(3) for r in ("x", "y"))
    assert "capacity_below_demand" in codes(Problem(cands, 2, max_load=2))
    assert "min_load_above_demand" in codes(Problem(cands, 1, min_load=2))
    unreachable = Problem(cands, 1, reviewers=(Reviewer("x", min_load=4),))
    assert "min_load_unreachable" in codes(unreachable)
    assert "min_above_max" in codes(Problem(cands, 1, reviewers=(Reviewer("x", min_load=2, max_load=1),)))


def test_reason_pins() -> None:
    cands = (Candidate("a", "x", 1), Candidate("a", "y", 1), Candidate("b", "x", 1))
    assert codes(Problem(cands, 1, pinned=frozenset({("b", "y")}))) == {"pinned_not_candidate"}
    assert codes(Problem(cands, 1, pinned=frozenset({("a", "x")}), conflicts=frozenset({("a", "x")}))) == {
        "pinned_conflict"
    }
    both = Problem(cands, 1, max_load=1, pinned=frozenset({("a", "x"), ("b", "x")}))
    assert codes(both) == {"pinned_over_max_load"}
    assert codes(Problem(cands, 1, pinned=frozenset({("a", "x"), ("a", "y")}))) == {"pinned_over_demand"}
    revs = (Reviewer("x", "i"), Reviewer("y", "i"))
    same = Problem(
        cands, 2, reviewers=revs, pinned=frozenset({("a", "x"), ("a", "y")}), one_per_institution=True
    )
    assert "pinned_same_institution" in codes(same)


def test_reason_group_certificate() -> None:
    """Each application alone is fine and capacity is fine overall, but a0 and
    a1 share one reviewer with load 1: only the min-cut finds that."""
    cands = (
        Candidate("a0", "x", 1),
        Candidate("a1", "x", 1),
        Candidate("a2", "y", 1),
        Candidate("a2", "z", 1),
    )
    p = Problem(cands, 1, max_load=1)
    with pytest.raises(AssignmentInfeasible) as info:
        solve(p)
    (detail,) = info.value.details
    assert detail.code == "group_shortage"
    assert detail.data["applications"] == ["a0", "a1"]
    assert detail.data["limiting_reviewers"] == ["x"]
    assert detail.data["needed"] == 2 and detail.data["available"] == 1


def test_reason_group_min_load_certificate() -> None:
    cands = (
        Candidate("a0", "x", 1),
        Candidate("a0", "y", 1),
        Candidate("a1", "z", 1),
        Candidate("a1", "w", 1),
    )
    p = Problem(cands, 1, reviewers=(Reviewer("x", min_load=1), Reviewer("y", min_load=1)))
    with pytest.raises(AssignmentInfeasible) as info:
        solve(p)
    (detail,) = info.value.details
    assert detail.code == "group_min_load"
    assert sorted(detail.data["reviewers"]) == ["x", "y"]  # type: ignore[arg-type]

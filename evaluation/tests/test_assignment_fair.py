"""Fair mode: lexicographic (max lowest application total, then max total)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from evaluation.assignment import AssignmentInfeasible, Candidate, Problem, Reviewer, solve, solve_fair
from evaluation.tests.test_assignment_flow import brute_force, check_constraints, problems

TOL = 1e-5


# The solver is pure Python: shadow the project-wide autouse Django fixtures
# so that these tests also run with ``-p no:django``.
@pytest.fixture(autouse=True)
def _media_root():  # type: ignore[no-untyped-def]
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    yield


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_fair_matches_brute(p: Problem) -> None:
    ref = brute_force(p)
    if not ref.feasible:
        with pytest.raises(AssignmentInfeasible) as info:
            solve(p, fair=True)
        assert info.value.reasons
        return
    fair = solve(p, fair=True)
    plain = solve(p)
    check_constraints(p, fair)
    assert fair.method == "fair-milp" and fair.proven_optimal
    best_min, best_total_at_min = ref.best_fair
    assert fair.min_application_score == pytest.approx(best_min, abs=TOL)
    assert fair.total_score == pytest.approx(best_total_at_min, abs=TOL)
    assert fair.min_application_score >= plain.min_application_score - TOL
    assert fair.total_score <= plain.total_score + TOL


@PROPERTY
@given(problems())
def test_fair_matches_brute_force(p: Problem) -> None:
    assert_fair_matches_brute(p)


@PROPERTY
@given(problems(institutions=True))
def test_fair_with_institutions_matches_brute_force(p: Problem) -> None:
    assert_fair_matches_brute(p)


@PROPERTY
@given(problems(max_apps=2, max_revs=5, roles=("rapporteur", "external"), institutions=True))
def test_fair_two_roles_matches_brute_force(p: Problem) -> None:
    assert_fair_matches_brute(p)


def test_fair_protects_the_worst_application() -> None:
    """Max-total gives x to a0 (10 + 0, a1 gets 0); fair mode gives x to a1
    (1 + 4): the worst application gets 1 instead of 0, the total drops."""
    cands = (
        Candidate("a0", "x", 10),
        Candidate("a0", "y", 1),
        Candidate("a1", "x", 4),
        Candidate("a1", "y", 0),
    )
    p = Problem(cands, 1, max_load=1)
    plain = solve(p)
    assert plain.total_score == 10 and plain.min_application_score == 0
    fair = solve_fair(p)
    assert fair.application_scores == {"a0": 1, "a1": 4}
    assert fair.min_application_score == 1 and fair.total_score == 5


def test_fair_breaks_ties_by_total() -> None:
    """Both assignments have lowest total 5; the second stage picks the larger total."""
    cands = (
        Candidate("a0", "x", 5),
        Candidate("a0", "y", 6),
        Candidate("a1", "x", 5),
        Candidate("a1", "y", 5),
    )
    fair = solve(Problem(cands, 1, max_load=1), fair=True)
    assert fair.min_application_score == 5 and fair.total_score == 11


def test_fair_respects_pins_and_institutions() -> None:
    revs = (Reviewer("x", "i"), Reviewer("y", "i"), Reviewer("z", "j"))
    cands = tuple(Candidate(a, r, s) for a in ("a0", "a1") for r, s in (("x", 3), ("y", 2), ("z", 1)))
    p = Problem(cands, 2, reviewers=revs, one_per_institution=True, pinned=frozenset({("a1", "y")}))
    fair = solve(p, fair=True)
    check_constraints(p, fair)


def test_fair_infeasible_gives_reasons() -> None:
    p = Problem((Candidate("a", "x", 1),), 2)
    with pytest.raises(AssignmentInfeasible) as info:
        solve(p, fair=True)
    assert info.value.details[0].code == "too_few_candidates"

"""Optimal reviewer assignment (pure Python, no Django).

Typical use from the web layer::

    from evaluation.assignment import Candidate, Problem, solve, AssignmentInfeasible

    problem = Problem(
        candidates=[Candidate("app-1", "rev-9", 0.83), ...],
        reviews_per_application=3,          # or {"rapporteur": 2, "external": 2}
        min_load=0, max_load=4,
        conflicts={("app-1", "rev-2")},
    )
    try:
        result = solve(problem)             # exact maximum total score
    except AssignmentInfeasible as exc:
        show(exc.reasons)                   # sentences; exc.details has data

See :mod:`.flow` (exact min-cost flow), :mod:`.fair` (max-min then total),
:mod:`.diagnose` (why infeasible) and :mod:`.cli`.
"""

from .diagnose import diagnose, explain_infeasible
from .fair import solve_fair
from .flow import FlowModel, NeedsMilp, solve
from .milp import solve_milp
from .problem import (
    DEFAULT_ROLE,
    AssignedPair,
    AssignmentInfeasible,
    Candidate,
    Problem,
    ProblemError,
    Reason,
    Result,
    Reviewer,
)

__all__ = [
    "DEFAULT_ROLE",
    "AssignedPair",
    "AssignmentInfeasible",
    "Candidate",
    "FlowModel",
    "NeedsMilp",
    "Problem",
    "ProblemError",
    "Reason",
    "Result",
    "Reviewer",
    "diagnose",
    "explain_infeasible",
    "solve",
    "solve_fair",
    "solve_milp",
]

"""Reviewer assignment of a campaign: the optimal automatic assignment (staff edits — pins and
forbids, manual additions and removals, notification, replacement — are in ``assignment_edits``).

``run_assignment`` builds an :class:`evaluation.assignment.Problem` from the campaign (accepted
members, K reviewers per application and role, per-member loads, active conflicts, pins and
forbids, "one per institution"), solves it exactly (min-cost flow, or the fair max-min mode) and
replaces the previous *proposed* solver assignments by the optimum. Notified assignments and
manual proposals are kept (pinned, and they count in the loads). When no assignment exists, it
raises :class:`AssignmentNotPossible` (an ``InvalidState``) with one French sentence per reason
and changes nothing.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import Application
from core.errors import InvalidState
from core.services import record_audit
from evaluation.assignment import AssignmentInfeasible, Candidate, Problem, Reviewer, solve
from evaluation.models import Assignment, Campaign, PairConstraint, PoolMember
from evaluation.permissions import campaign_applications
from evaluation.selectors.assignment import ExpertiseMatrix, accepted_members, expertise_matrix
from evaluation.selectors.conflicts import conflict_pairs
from evaluation.services.assignment_reasons import describe_reasons

EDITABLE_STATES = (Campaign.Status.SETUP, Campaign.Status.REVIEWING)
FAIR_TIME_LIMIT = 20.0

Pair = tuple[int, int]


class AssignmentNotPossible(InvalidState):
    """No assignment satisfies the campaign's rules; ``reasons`` lists why, one dict per reason
    (``code``, ``message`` in the active language, ``application``/``member`` ids when known)."""

    def __init__(self, message: str, *, reasons: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.reasons = reasons


@dataclass(frozen=True)
class AssignmentRun:
    """What a run did: the optimum's total expertise, timings and counts."""

    total_score: float
    solve_seconds: float
    seconds: float
    method: str
    fair: bool
    applications: int
    reviewers: int
    created: int
    kept: int
    min_application_score: float

    def as_data(self) -> dict[str, Any]:
        return {
            "total": round(self.total_score, 4),
            "solve_seconds": round(self.solve_seconds, 4),
            "seconds": round(self.seconds, 4),
            "method": self.method,
            "fair": self.fair,
            "applications": self.applications,
            "reviewers": self.reviewers,
            "created": self.created,
            "kept": self.kept,
            "min_application": round(self.min_application_score, 4),
        }


@dataclass
class CampaignState:
    """What the solver needs to know about a campaign, read once."""

    campaign: Campaign
    applications: list[Application]
    members: list[PoolMember]
    conflicts: set[Pair] = field(default_factory=set)
    forbids: set[Pair] = field(default_factory=set)
    pins: set[Pair] = field(default_factory=set)
    declined: set[Pair] = field(default_factory=set)
    fixed: dict[Pair, Assignment] = field(default_factory=dict)

    @property
    def demands(self) -> dict[str, int]:
        return {role: self.campaign.reviewers_needed(role) for role in self.campaign.roles}


def institution_label(member: PoolMember) -> str | None:
    """The label the "one per institution" rule compares (None: unrestricted)."""
    if member.institution_id:
        return f"institution:{member.institution_id}"
    name = " ".join(member.institution_name.split()).casefold()
    return f"name:{name}" if name else None


def check_editable(campaign: Campaign) -> None:
    if campaign.status not in EDITABLE_STATES:
        raise InvalidState(
            _("L'affectation ne peut plus être modifiée : la campagne est au stade du comité.")
        )


def load_state(campaign: Campaign) -> CampaignState:
    """Applications, accepted members, conflicts, constraints and kept assignments (6 queries)."""
    state = CampaignState(
        campaign=campaign,
        applications=list(campaign_applications(campaign).order_by("pk")),
        members=accepted_members(campaign),
    )
    state.conflicts = conflict_pairs(campaign)
    for a, m, kind in PairConstraint.objects.filter(campaign=campaign).values_list(
        "application_id", "member_id", "kind"
    ):
        (state.pins if kind == PairConstraint.Kind.PIN else state.forbids).add((a, m))
    for assignment in Assignment.objects.filter(campaign=campaign).exclude(
        status=Assignment.Status.PROPOSED, source=Assignment.Source.SOLVER
    ):
        pair = (assignment.application_id, assignment.member_id)
        if assignment.status == Assignment.Status.DECLINED:
            state.declined.add(pair)
        else:
            state.fixed[pair] = assignment
    return state


def build_problem(state: CampaignState, matrix: ExpertiseMatrix) -> Problem:
    """The solver's instance: every (application, member) pair in the member's role (the role of
    the kept assignment for kept pairs), conflicts and forbids excluded, pins and kept pairs
    pinned (a kept pair under an active conflict is no longer counted)."""
    demands = state.demands
    member_ids = [m.pk for m in state.members]
    member_keys = [str(pk) for pk in member_ids]
    member_roles = [m.role for m in state.members]
    cols = np.array([matrix.member_col[m] for m in member_ids], dtype=np.int64)
    kept_roles: dict[int, dict[int, str]] = defaultdict(dict)
    for (a, m), kept in state.fixed.items():
        kept_roles[a][m] = kept.role
    candidates: list[Candidate] = []
    for application in state.applications:
        a = application.pk
        i = matrix.app_col.get(a)
        row = matrix.scores[i, cols].tolist() if i is not None else [0.0] * len(cols)
        overrides = kept_roles.get(a)
        roles = (
            [overrides.get(m, r) for m, r in zip(member_ids, member_roles, strict=True)]
            if overrides
            else member_roles
        )
        sa = str(a)
        candidates += [
            Candidate(sa, key, score, role)
            for key, score, role in zip(member_keys, row, roles, strict=True)
            if role in demands
        ]
    kept_pairs = {p for p in state.fixed if p not in state.conflicts}
    return Problem(
        candidates=tuple(candidates),
        reviews_per_application=demands,
        reviewers=tuple(
            Reviewer(str(m.pk), institution_label(m), min_load=m.min_load, max_load=m.max_load)
            for m in state.members
        ),
        applications=tuple(str(a.pk) for a in state.applications),
        conflicts=frozenset((str(a), str(m)) for a, m in state.conflicts),
        forbidden=frozenset((str(a), str(m)) for a, m in (state.forbids | state.declined) - kept_pairs),
        pinned=frozenset((str(a), str(m)) for a, m in state.pins | kept_pairs),
        one_per_institution=state.campaign.one_per_institution,
    )


def _ranks(state: CampaignState, matrix: ExpertiseMatrix, pairs: list[Pair]) -> dict[Pair, tuple[int, int]]:
    """(rank, out of) of each of ``pairs`` among the members of its role who may review the
    application (no conflict, not forbidden, not declined), by score."""
    excluded = state.conflicts | state.forbids | state.declined
    role_of = {m.pk: m.role for m in state.members}
    cols_of_role: dict[str, np.ndarray] = {}
    for role in set(role_of.values()):
        cols_of_role[role] = np.array(
            [matrix.member_col[m.pk] for m in state.members if m.role == role], dtype=np.int64
        )
    excluded_cols: dict[int, set[int]] = defaultdict(set)
    for a, m in excluded:
        if m in matrix.member_col:
            excluded_cols[a].add(matrix.member_col[m])
    ranks: dict[Pair, tuple[int, int]] = {}
    for a, m in pairs:
        if a not in matrix.app_col or m not in role_of:
            continue
        cols = cols_of_role[role_of[m]]
        if excluded_cols[a]:
            cols = cols[~np.isin(cols, list(excluded_cols[a]))]
        values = matrix.scores[matrix.app_col[a], cols]
        ranks[(a, m)] = (int((values > matrix.score(a, m)).sum()) + 1, len(cols))
    return ranks


def explanation(
    matrix: ExpertiseMatrix, pair: Pair, *, rank: tuple[int, int] | None, pinned: bool, **extra: Any
) -> dict[str, Any]:
    """The JSON kept on an assignment: score, rank, closest papers, shared terms, and why."""
    scored = matrix[pair]
    if pinned:
        why = "pinned"
    elif not scored.has_papers:
        why = "no_papers"
    elif rank is not None and rank[0] == 1:
        why = "best"
    else:
        why = "rank"
    data: dict[str, Any] = {
        "score": round(scored.score, 4),
        "papers": scored.evidence,
        "terms": scored.terms,
        "why": why,
        "method": matrix.method,
    }
    if rank is not None:
        data["rank"], data["eligible"] = rank
    data.update(extra)
    return data


def _labels(state: CampaignState) -> tuple[dict[str, str], dict[str, str]]:
    apps = {str(a.pk): str(a) for a in state.applications}
    members = {str(m.pk): m.name for m in state.members}
    return apps, members


@transaction.atomic
def run_assignment(*, campaign: Campaign, actor: Any, matrix: ExpertiseMatrix | None = None) -> AssignmentRun:
    """Solve the campaign's assignment to optimality and store it as proposed assignments.

    ``matrix`` replaces the expertise scores (tests and benchmarks); by default they come from
    the expertise index (``expertise_matrix``).
    """
    started = time.perf_counter()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    state = load_state(campaign)
    if not state.applications:
        raise InvalidState(_("Aucun dossier éligible à affecter dans cette campagne."))
    if not state.demands:
        raise InvalidState(_("La campagne ne demande aucun·e évaluateur·rice par dossier."))
    if matrix is None:
        matrix = expertise_matrix(campaign, applications=state.applications, members=state.members)
    problem = build_problem(state, matrix)
    try:
        result = solve(problem, fair=campaign.fair_assignment, time_limit=FAIR_TIME_LIMIT)
    except AssignmentInfeasible as exc:
        apps, members = _labels(state)
        reasons = describe_reasons(exc.details, apps, members)
        raise AssignmentNotPossible(
            _("Aucune affectation ne respecte toutes les règles de la campagne."), reasons=reasons
        ) from exc
    Assignment.objects.filter(
        campaign=campaign, status=Assignment.Status.PROPOSED, source=Assignment.Source.SOLVER
    ).delete()
    new_pairs = [(int(p.application), int(p.reviewer)) for p in result.pairs]
    ranks = _ranks(state, matrix, [p for p in new_pairs if p not in state.fixed])
    rows = []
    for pair, key in zip(result.pairs, new_pairs, strict=True):
        if key in state.fixed:
            continue
        rows.append(
            Assignment(
                campaign=campaign,
                application_id=key[0],
                member_id=key[1],
                role=pair.role,
                status=Assignment.Status.PROPOSED,
                source=Assignment.Source.SOLVER,
                score=pair.score,
                explanation=explanation(matrix, key, rank=ranks.get(key), pinned=key in state.pins),
            )
        )
    Assignment.objects.bulk_create(rows)
    run = AssignmentRun(
        total_score=result.total_score,
        solve_seconds=result.solve_seconds,
        seconds=time.perf_counter() - started,
        method=result.method,
        fair=campaign.fair_assignment,
        applications=len(state.applications),
        reviewers=len(state.members),
        created=len(rows),
        kept=len(result.pairs) - len(rows),
        min_application_score=result.min_application_score,
    )
    record_audit(action="evaluation.assignment.run", actor=actor, target=campaign, data=run.as_data())
    return run

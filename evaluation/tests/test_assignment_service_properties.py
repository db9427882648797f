"""Property test over random small campaigns: whatever the conflicts, forbids and pins, the stored
assignment never uses an active conflict or a forbidden pair, keeps loads within bounds, gives
each application exactly its K reviewers per role, contains the pins, and its total equals the
optimum found by an independent brute force (or the run refuses exactly when no assignment
exists)."""

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from directory.tests.factories import InstitutionFactory
from evaluation.models import Assignment, Conflict, PairConstraint, ReviewerRole
from evaluation.selectors.assignment import ExpertiseMatrix
from evaluation.services.assignment import AssignmentNotPossible, run_assignment
from evaluation.tests.factories import (
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (ReviewerRole.RAPPORTEUR, ReviewerRole.EXTERNAL)


@st.composite
def instances(draw):
    n_apps = draw(st.integers(1, 3))
    k_external = draw(st.integers(0, 1))
    roles = [ReviewerRole.RAPPORTEUR] * draw(st.integers(1, 3))
    roles += [ReviewerRole.EXTERNAL] * (draw(st.integers(1, 3)) if k_external else draw(st.integers(0, 1)))
    members = []
    for role in roles:
        low = draw(st.sampled_from([0, 0, 0, 1]))
        members.append(
            {
                "role": role,
                "institution": draw(st.sampled_from([None, 0, 1, 2])),
                "min": low,
                "max": draw(st.integers(max(low, 1), 3)),
            }
        )
    n_members = len(members)
    pairs = [(a, m) for a in range(n_apps) for m in range(n_members)]
    marks = draw(
        st.lists(
            st.sampled_from(["", "", "", "", "", "conflict", "forbid", "pin"]),
            min_size=len(pairs),
            max_size=len(pairs),
        )
    )
    return {
        "apps": n_apps,
        "members": members,
        "k": {ReviewerRole.RAPPORTEUR: 1, ReviewerRole.EXTERNAL: k_external},
        "one_per_institution": draw(st.booleans()),
        "scores": {p: draw(st.integers(0, 20)) / 10 for p in pairs},
        "conflicts": {p for p, mark in zip(pairs, marks, strict=True) if mark == "conflict"},
        "forbids": {p for p, mark in zip(pairs, marks, strict=True) if mark == "forbid"},
        "pins": {p for p, mark in zip(pairs, marks, strict=True) if mark == "pin"},
    }


def brute_force(inst):
    """Best total over every way of choosing K members of each role per application (None when
    no choice satisfies the rules)."""
    members = inst["members"]
    per_app = []
    for _app in range(inst["apps"]):
        role_choices = []
        for role in ROLES:
            pool = [m for m, spec in enumerate(members) if spec["role"] == role]
            role_choices.append(list(itertools.combinations(pool, inst["k"][role])))
        per_app.append([sum(combo, ()) for combo in itertools.product(*role_choices)])
    best = None
    excluded = inst["conflicts"] | inst["forbids"]
    for choice in itertools.product(*per_app):
        chosen = {(a, m) for a, group in enumerate(choice) for m in group}
        if chosen & excluded or not inst["pins"] <= chosen:
            continue
        loads = [sum(1 for _, m in chosen if m == i) for i in range(len(members))]
        if any(not spec["min"] <= load <= spec["max"] for spec, load in zip(members, loads, strict=True)):
            continue
        if inst["one_per_institution"]:
            labels = [
                [members[m]["institution"] for m in group if members[m]["institution"] is not None]
                for group in choice
            ]
            if any(len(set(group)) < len(group) for group in labels):
                continue
        total = sum(inst["scores"][p] for p in chosen)
        best = total if best is None else max(best, total)
    return best


def build(inst):
    campaign = CampaignFactory(
        rapporteurs_per_application=inst["k"][ReviewerRole.RAPPORTEUR],
        externals_per_application=inst["k"][ReviewerRole.EXTERNAL],
        one_per_institution=inst["one_per_institution"],
    )
    institutions = [InstitutionFactory() for _ in range(3)]
    apps = [EvaluatedApplicationFactory(call=campaign.call) for _ in range(inst["apps"])]
    members = [
        PoolMemberFactory(
            campaign=campaign,
            role=spec["role"],
            min_load=spec["min"],
            max_load=spec["max"],
            institution=None if spec["institution"] is None else institutions[spec["institution"]],
        )
        for spec in inst["members"]
    ]
    for a, m in inst["conflicts"]:
        ConflictFactory(member=members[m], application=apps[a], kind=Conflict.Kind.DECLARED)
    for kind, pairs in (
        (PairConstraint.Kind.FORBID, inst["forbids"]),
        (PairConstraint.Kind.PIN, inst["pins"]),
    ):
        for a, m in pairs:
            PairConstraint.objects.create(
                campaign=campaign, application=apps[a], member=members[m], kind=kind
            )
    scores = {(apps[a].pk, members[m].pk): s for (a, m), s in inst["scores"].items()}
    matrix = ExpertiseMatrix.from_scores(scores, [a.pk for a in apps], [m.pk for m in members])
    return campaign, apps, members, matrix


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(inst=instances())
def test_random_campaigns(inst, staff):
    optimum = brute_force(inst)
    event("infeasible" if optimum is None else "feasible")
    with transaction.atomic():
        campaign, apps, members, matrix = build(inst)
        app_of = {a.pk: i for i, a in enumerate(apps)}
        member_of = {m.pk: i for i, m in enumerate(members)}
        if optimum is None:
            with pytest.raises(AssignmentNotPossible) as caught:
                run_assignment(campaign=campaign, actor=staff, matrix=matrix)
            assert caught.value.reasons and all(r["message"] for r in caught.value.reasons)
            assert not Assignment.objects.filter(campaign=campaign).exists()
        else:
            run = run_assignment(campaign=campaign, actor=staff, matrix=matrix)
            rows = list(Assignment.objects.filter(campaign=campaign))
            chosen = {(app_of[r.application_id], member_of[r.member_id]) for r in rows}
            assert not chosen & (inst["conflicts"] | inst["forbids"])
            assert inst["pins"] <= chosen
            for i, spec in enumerate(inst["members"]):
                assert spec["min"] <= sum(1 for _, m in chosen if m == i) <= spec["max"]
            for a in range(inst["apps"]):
                for role in ROLES:
                    got = sum(1 for r in rows if app_of[r.application_id] == a and r.role == role)
                    assert got == inst["k"][role]
            assert run.total_score == pytest.approx(optimum, abs=1e-6)
        transaction.set_rollback(True)

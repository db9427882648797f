"""Assignment services: the optimum (not greedy), pins and forbids, kept assignments, explained
infeasibility, notification e-mails, manual edits and replacement."""

import pytest

from core.errors import InvalidInput, InvalidState, NotAllowed
from core.models import AuditEntry
from directory.tests.factories import InstitutionFactory
from evaluation.models import Assignment, Campaign, Conflict, PairConstraint, PoolMember, Review, ReviewerRole
from evaluation.selectors.assignment import ExpertiseMatrix, forget_expertise_matrices
from evaluation.services.assignment import AssignmentNotPossible, run_assignment
from evaluation.services.assignment_edits import (
    add_assignment,
    notify_assignments,
    remove_assignment,
    replace_assignment,
    set_pair_constraint,
)
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_scores():
    forget_expertise_matrices()
    yield
    forget_expertise_matrices()


class Tiny:
    """Two applications, two rapporteurs of load 1: greedy takes A×X (0.9) then must give B to Y
    (0.1) = 1.0; the optimum is A×Y + B×X = 1.5."""

    def __init__(self, **campaign):
        defaults = {
            "rapporteurs_per_application": 1,
            "externals_per_application": 0,
            "one_per_institution": False,
        }
        self.campaign = CampaignFactory(**(defaults | campaign))
        call = self.campaign.call
        self.a = EvaluatedApplicationFactory(call=call, acronym="ALPHA")
        self.b = EvaluatedApplicationFactory(call=call, acronym="BETA")
        self.x = PoolMemberFactory(
            campaign=self.campaign, role=ReviewerRole.RAPPORTEUR, max_load=1, name="Xavier"
        )
        self.y = PoolMemberFactory(
            campaign=self.campaign, role=ReviewerRole.RAPPORTEUR, max_load=1, name="Yasmine"
        )
        self.scores = {
            (self.a.pk, self.x.pk): 0.9,
            (self.a.pk, self.y.pk): 0.8,
            (self.b.pk, self.x.pk): 0.7,
            (self.b.pk, self.y.pk): 0.1,
        }

    def matrix(self):
        members = list(PoolMember.objects.filter(campaign=self.campaign).values_list("pk", flat=True))
        return ExpertiseMatrix.from_scores(self.scores, [self.a.pk, self.b.pk], members)

    def pairs(self, **filters):
        rows = Assignment.objects.filter(campaign=self.campaign, **filters).exclude(
            status=Assignment.Status.DECLINED
        )
        return {(a.application_id, a.member_id) for a in rows}


@pytest.fixture
def tiny():
    return Tiny()


def test_run_finds_the_optimum_where_greedy_fails(tiny, staff):
    run = run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    assert tiny.pairs() == {(tiny.a.pk, tiny.y.pk), (tiny.b.pk, tiny.x.pk)}
    assert run.total_score == pytest.approx(1.5)
    assert run.created == 2 and run.kept == 0
    assert run.min_application_score == pytest.approx(0.7)
    row = Assignment.objects.get(application=tiny.a)
    assert row.status == Assignment.Status.PROPOSED and row.source == Assignment.Source.SOLVER
    assert row.score == pytest.approx(0.8)
    assert row.explanation["rank"] == 2 and row.explanation["eligible"] == 2
    entry = AuditEntry.objects.get(action="evaluation.assignment.run")
    assert entry.data["total"] == pytest.approx(1.5) and entry.target_id == str(tiny.campaign.pk)
    assert "solve_seconds" in entry.data


def test_rerun_replaces_the_previous_proposal(tiny, staff):
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    first = set(Assignment.objects.values_list("pk", flat=True))
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    assert Assignment.objects.count() == 2
    assert not first & set(Assignment.objects.values_list("pk", flat=True))


def test_pins_and_forbids_are_respected(tiny, staff):
    set_pair_constraint(campaign=tiny.campaign, application=tiny.b, member=tiny.y, kind="pin", actor=staff)
    run = run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    assert tiny.pairs() == {(tiny.a.pk, tiny.x.pk), (tiny.b.pk, tiny.y.pk)}
    assert run.total_score == pytest.approx(1.0)
    assert Assignment.objects.get(application=tiny.b).explanation["why"] == "pinned"
    set_pair_constraint(campaign=tiny.campaign, application=tiny.b, member=tiny.y, kind=None, actor=staff)
    set_pair_constraint(campaign=tiny.campaign, application=tiny.b, member=tiny.x, kind="forbid", actor=staff)
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    assert tiny.pairs() == {(tiny.a.pk, tiny.x.pk), (tiny.b.pk, tiny.y.pk)}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"evaluation.assignment.pair_pinned", "evaluation.assignment.pair_cleared"} <= actions
    assert "evaluation.assignment.pair_forbidden" in actions


def test_notified_assignments_are_kept_and_count_in_loads(tiny, staff):
    AssignmentFactory(member=tiny.x, application=tiny.a, role=ReviewerRole.RAPPORTEUR)
    run = run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    assert tiny.pairs() == {(tiny.a.pk, tiny.x.pk), (tiny.b.pk, tiny.y.pk)}
    assert run.kept == 1 and run.created == 1
    assert tiny.pairs(status=Assignment.Status.NOTIFIED) == {(tiny.a.pk, tiny.x.pk)}


def test_infeasible_is_explained_and_changes_nothing(tiny, staff):
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    before = set(Assignment.objects.values_list("pk", flat=True))
    for member in (tiny.x, tiny.y):
        ConflictFactory(member=member, application=tiny.a, kind=Conflict.Kind.INSTITUTION)
    with pytest.raises(AssignmentNotPossible) as caught:
        run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    reasons = caught.value.reasons
    assert reasons[0]["code"] == "too_few_candidates"
    assert reasons[0]["application"] == tiny.a.pk
    assert "ALPHA" in reasons[0]["message"] and "2 en conflit" in reasons[0]["message"]
    assert set(Assignment.objects.values_list("pk", flat=True)) == before
    assert AuditEntry.objects.filter(action="evaluation.assignment.run").count() == 1


def test_load_shortage_is_explained(staff):
    tiny = Tiny(rapporteurs_per_application=2)
    with pytest.raises(AssignmentNotPossible) as caught:
        run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    messages = " ".join(r["message"] for r in caught.value.reasons)
    assert "charges maximales" in messages or "charge maximale" in messages


def test_one_per_institution(staff):
    tiny = Tiny(one_per_institution=True, rapporteurs_per_application=2)
    same = InstitutionFactory()
    PoolMember.objects.filter(pk__in=[tiny.x.pk, tiny.y.pk]).update(institution=same, max_load=2)
    third = PoolMemberFactory(campaign=tiny.campaign, role=ReviewerRole.RAPPORTEUR, max_load=2, name="Zoé")
    tiny.scores |= {(tiny.a.pk, third.pk): 0.05, (tiny.b.pk, third.pk): 0.05}
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    for application in (tiny.a, tiny.b):
        members = set(Assignment.objects.filter(application=application).values_list("member_id", flat=True))
        assert third.pk in members and len(members) == 2


def test_run_refused_at_committee_stage(tiny, staff):
    Campaign.objects.filter(pk=tiny.campaign.pk).update(status=Campaign.Status.COMMITTEE)
    with pytest.raises(InvalidState):
        run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())


def test_pin_refused_on_conflict_and_forbid_withdraws_the_proposal(tiny, staff):
    ConflictFactory(member=tiny.x, application=tiny.a)
    with pytest.raises(InvalidState):
        set_pair_constraint(
            campaign=tiny.campaign, application=tiny.a, member=tiny.x, kind="pin", actor=staff
        )
    Conflict.objects.all().delete()
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    set_pair_constraint(
        campaign=tiny.campaign,
        application=tiny.a,
        member=tiny.y,
        kind="forbid",
        reason="Trop proche",
        actor=staff,
    )
    assert not Assignment.objects.filter(application=tiny.a, member=tiny.y).exists()
    assert PairConstraint.objects.get(application=tiny.a, member=tiny.y).reason == "Trop proche"


def test_forbid_refused_once_notified(tiny, staff):
    AssignmentFactory(member=tiny.x, application=tiny.a, role=ReviewerRole.RAPPORTEUR)
    with pytest.raises(InvalidState):
        set_pair_constraint(
            campaign=tiny.campaign, application=tiny.a, member=tiny.x, kind="forbid", actor=staff
        )


def test_manual_add_and_its_refusals(tiny, staff):
    added = add_assignment(
        campaign=tiny.campaign, application=tiny.a, member=tiny.x, role=ReviewerRole.RAPPORTEUR, actor=staff
    )
    assert added.source == Assignment.Source.MANUAL and added.status == Assignment.Status.PROPOSED
    assert AuditEntry.objects.filter(action="evaluation.assignment.added", target_id=str(added.pk)).exists()
    with pytest.raises(InvalidState):  # duplicate
        add_assignment(
            campaign=tiny.campaign,
            application=tiny.a,
            member=tiny.x,
            role=ReviewerRole.RAPPORTEUR,
            actor=staff,
        )
    ConflictFactory(member=tiny.y, application=tiny.a)
    with pytest.raises(NotAllowed):
        add_assignment(
            campaign=tiny.campaign,
            application=tiny.a,
            member=tiny.y,
            role=ReviewerRole.RAPPORTEUR,
            actor=staff,
        )
    set_pair_constraint(campaign=tiny.campaign, application=tiny.b, member=tiny.y, kind="forbid", actor=staff)
    with pytest.raises(InvalidState):
        add_assignment(
            campaign=tiny.campaign,
            application=tiny.b,
            member=tiny.y,
            role=ReviewerRole.RAPPORTEUR,
            actor=staff,
        )
    with pytest.raises(InvalidInput):
        add_assignment(
            campaign=tiny.campaign, application=tiny.b, member=tiny.x, role=ReviewerRole.EXTERNAL, actor=staff
        )
    # a manual proposal is kept by the solver (pinned) and counts in the load
    set_pair_constraint(campaign=tiny.campaign, application=tiny.b, member=tiny.y, kind=None, actor=staff)
    run = run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    assert tiny.pairs() == {(tiny.a.pk, tiny.x.pk), (tiny.b.pk, tiny.y.pk)}
    assert run.kept == 1
    assert Assignment.objects.filter(pk=added.pk).exists()


def test_remove(tiny, staff):
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    proposed = Assignment.objects.get(application=tiny.a)
    remove_assignment(assignment=proposed, actor=staff)
    assert not Assignment.objects.filter(pk=proposed.pk).exists()
    notified = AssignmentFactory(member=tiny.y, application=tiny.a, role=ReviewerRole.RAPPORTEUR)
    ReviewFactory(assignment=notified, status=Review.Status.SUBMITTED)
    with pytest.raises(InvalidState):
        remove_assignment(assignment=notified, actor=staff)
    Review.objects.filter(assignment=notified).update(status=Review.Status.DRAFT)
    remove_assignment(assignment=notified, actor=staff)
    notified.refresh_from_db()
    assert notified.status == Assignment.Status.DECLINED
    assert not Review.objects.filter(assignment=notified).exists()
    assert AuditEntry.objects.filter(action="evaluation.assignment.removed").count() == 2


def test_notify_sends_one_email_per_reviewer(tiny, staff, mailoutbox, django_capture_on_commit_callbacks):
    tiny.campaign.review_deadline = None
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    with django_capture_on_commit_callbacks(execute=True):
        count = notify_assignments(campaign=tiny.campaign, actor=staff, base_url="https://cancer.example.org")
    assert count == 2
    assert not Assignment.objects.filter(status=Assignment.Status.PROPOSED).exists()
    assert all(a.notified_at for a in Assignment.objects.all())
    assert sorted(m.to[0] for m in mailoutbox) == sorted([tiny.x.email, tiny.y.email])
    to_x = next(m for m in mailoutbox if m.to == [tiny.x.email])
    assert "BETA" in to_x.body and "ALPHA" not in to_x.body
    assert "https://cancer.example.org/evaluation/" in to_x.body
    assert AuditEntry.objects.get(action="evaluation.assignment.notified").data == {
        "assignments": 2,
        "reviewers": 2,
    }
    with pytest.raises(InvalidState):  # nothing left to notify
        notify_assignments(campaign=tiny.campaign, actor=staff)


def test_notify_needs_open_reviews(staff, mailoutbox):
    tiny = Tiny(status=Campaign.Status.SETUP)
    run_assignment(campaign=tiny.campaign, actor=staff, matrix=tiny.matrix())
    with pytest.raises(InvalidState):
        notify_assignments(campaign=tiny.campaign, actor=staff)
    assert not mailoutbox
    assert Assignment.objects.filter(status=Assignment.Status.PROPOSED).count() == 2


def test_replace_a_decliner_with_the_best_available(tiny, staff):
    declined = AssignmentFactory(
        member=tiny.x, application=tiny.a, role=ReviewerRole.RAPPORTEUR, status=Assignment.Status.DECLINED
    )
    z = PoolMemberFactory(campaign=tiny.campaign, role=ReviewerRole.RAPPORTEUR, max_load=1, name="Zoé")
    ConflictFactory(member=z, application=tiny.a)
    replacement = replace_assignment(assignment=declined, actor=staff)
    assert replacement.member == tiny.y and replacement.status == Assignment.Status.PROPOSED
    assert replacement.explanation["replaces"] == tiny.x.name
    declined.refresh_from_db()
    assert declined.explanation["replaced_by"] == replacement.pk
    with pytest.raises(InvalidState):
        replace_assignment(assignment=declined, actor=staff)


def test_replace_says_why_nobody_is_available(tiny, staff):
    declined = AssignmentFactory(
        member=tiny.x, application=tiny.a, role=ReviewerRole.RAPPORTEUR, status=Assignment.Status.DECLINED
    )
    AssignmentFactory(member=tiny.y, application=tiny.b, role=ReviewerRole.RAPPORTEUR)  # y is full
    with pytest.raises(InvalidState) as caught:
        replace_assignment(assignment=declined, actor=staff)
    assert "1 à charge maximale" in caught.value.message


def test_replace_refused_for_an_active_assignment(tiny, staff):
    active = AssignmentFactory(member=tiny.x, application=tiny.a, role=ReviewerRole.RAPPORTEUR)
    with pytest.raises(InvalidState):
        replace_assignment(assignment=active, actor=staff)

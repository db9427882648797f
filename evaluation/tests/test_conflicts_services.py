"""Declaring, overriding and restoring conflicts, and the invariant over random campaigns: no
assignment stays on a pair with an active conflict."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import UserFactory
from calls.models import ApplicationTeam
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.models import AuditEntry
from directory.tests.factories import AffiliationFactory, InstitutionFactory, TeamFactory, UnitFactory
from evaluation.models import Assignment, Conflict
from evaluation.selectors.conflicts import conflict_pairs
from evaluation.services.conflicts import (
    declare_conflict,
    detect_conflicts,
    override_conflict,
    restore_conflict,
)
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
)
from outputs.models import Authorship
from outputs.tests.factories import AuthorshipFactory, PublicationFactory

Kind = Conflict.Kind


@pytest.fixture
def assignment(db):
    return AssignmentFactory()


# --- declare -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reviewer_declares_a_conflict_and_the_assignment_is_declined(
    assignment, mailoutbox, django_capture_on_commit_callbacks
):
    member = assignment.member
    call = assignment.campaign.call
    call.contact_email = "appels@canceropole.example"
    call.save()

    with django_capture_on_commit_callbacks(execute=True):
        conflict = declare_conflict(
            member=member,
            application=assignment.application,
            reason="Je co-encadre une thèse avec le porteur.",
            actor=member.user,
        )

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    assert assignment.declined_reason == "Je co-encadre une thèse avec le porteur."
    assert conflict.kind == Kind.DECLARED and conflict.is_active and conflict.campaign == assignment.campaign
    assert "co-encadre" in conflict.evidence and conflict.details["declared_by"] == member.user.pk
    assert (assignment.application_id, member.pk) in conflict_pairs(assignment.campaign)
    entry = AuditEntry.objects.get(action="evaluation.conflict.declared")
    assert entry.actor == member.user and entry.data["declined_assignments"] == [assignment.pk]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["appels@canceropole.example"]
    assert member.name in mailoutbox[0].subject


@pytest.mark.django_db
def test_declaring_again_reactivates_an_overridden_declaration(assignment, staff):
    member = assignment.member
    first = declare_conflict(
        member=member, application=assignment.application, reason="Ami proche", actor=member.user
    )
    override_conflict(conflict=first, reason="Lien ancien", actor=staff)

    again = declare_conflict(
        member=member, application=assignment.application, reason="Finalement si", actor=staff
    )

    assert again.pk == first.pk and again.is_active and again.override_reason == ""
    assert Conflict.objects.filter(member=member).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_declaring_needs_a_reason(assignment, reason):
    with pytest.raises(InvalidInput) as error:
        declare_conflict(
            member=assignment.member,
            application=assignment.application,
            reason=reason,
            actor=assignment.member.user,
        )
    assert error.value.field == "reason"
    assert not Conflict.objects.exists()


@pytest.mark.django_db
def test_only_the_reviewer_or_staff_may_declare(assignment):
    with pytest.raises(NotAllowed):
        declare_conflict(
            member=assignment.member, application=assignment.application, reason="x", actor=UserFactory()
        )
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.NOTIFIED


@pytest.mark.django_db
def test_declaring_on_an_application_of_another_call_is_refused(assignment):
    elsewhere = EvaluatedApplicationFactory()
    with pytest.raises(InvalidInput):
        declare_conflict(
            member=assignment.member, application=elsewhere, reason="x", actor=assignment.member.user
        )


# --- override / restore ------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_overrides_with_a_reason_then_restores(assignment, staff):
    conflict = ConflictFactory(
        member=assignment.member,
        application=assignment.application,
        campaign=assignment.campaign,
        kind=Kind.INSTITUTION,
    )
    assignment.status = Assignment.Status.DECLINED
    assignment.save()

    override_conflict(conflict=conflict, reason="Établissement de plus de 5 000 chercheurs", actor=staff)

    conflict.refresh_from_db()
    assert conflict.overridden and conflict.overridden_by == staff and conflict.overridden_at
    assert conflict_pairs(assignment.campaign) == set()
    entry = AuditEntry.objects.get(action="evaluation.conflict.overridden")
    assert entry.actor == staff and entry.data["reason"] == "Établissement de plus de 5 000 chercheurs"

    # the pair is assigned again, then the override is cancelled: the new assignment goes
    again = AssignmentFactory(
        member=assignment.member,
        application=assignment.application,
        campaign=assignment.campaign,
        status=Assignment.Status.PROPOSED,
    )
    restore_conflict(conflict=conflict, actor=staff)

    conflict.refresh_from_db()
    again.refresh_from_db()
    assert conflict.is_active and conflict.override_reason == "" and conflict.overridden_by is None
    assert again.status == Assignment.Status.DECLINED
    entry = AuditEntry.objects.get(action="evaluation.conflict.restored")
    assert entry.data["previous_reason"] == "Établissement de plus de 5 000 chercheurs"
    assert entry.data["declined_assignments"] == [again.pk]


@pytest.mark.django_db
def test_override_rules(staff, researcher):
    conflict = ConflictFactory()
    with pytest.raises(NotAllowed):
        override_conflict(conflict=conflict, reason="x", actor=researcher)
    with pytest.raises(InvalidInput):
        override_conflict(conflict=conflict, reason=" ", actor=staff)
    with pytest.raises(InvalidState):
        restore_conflict(conflict=conflict, actor=staff)
    override_conflict(conflict=conflict, reason="x", actor=staff)
    with pytest.raises(InvalidState):
        override_conflict(conflict=conflict, reason="y", actor=staff)
    with pytest.raises(NotAllowed):
        restore_conflict(conflict=conflict, actor=researcher)
    assert AuditEntry.objects.filter(action__startswith="evaluation.conflict.").count() == 1


# --- the invariant over random campaigns -------------------------------------------------------

N_TEAMS = 4  # two institutions, each the parent of one unit of two teams

world = st.fixed_dictionaries(
    {
        "applications": st.lists(st.integers(0, N_TEAMS - 1), min_size=1, max_size=3),
        "members": st.lists(
            st.tuples(st.one_of(st.none(), st.integers(0, N_TEAMS - 1)), st.booleans()),
            min_size=1,
            max_size=4,
        ),
        "papers": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 8)), max_size=4),
        "assigned": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.booleans()), max_size=6),
        "declared": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), max_size=2),
        "overrides": st.lists(st.integers(0, 20), max_size=3),
        "restores": st.lists(st.integers(0, 20), max_size=2),
    }
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=world)
def test_no_assignment_remains_on_an_active_conflict(data, staff):
    with transaction.atomic():
        _check_random_campaign(data, staff)
        transaction.set_rollback(True)


def _check_random_campaign(data, staff):  # noqa: C901 - one scenario, read top to bottom
    campaign = CampaignFactory(coauthorship_years=4)
    institutions = [InstitutionFactory(), InstitutionFactory()]
    units = [UnitFactory(parents=[institution]) for institution in institutions]
    teams = [TeamFactory(unit=units[i // 2]) for i in range(N_TEAMS)]
    applications = [
        EvaluatedApplicationFactory(call=campaign.call, lead_team=teams[t]) for t in data["applications"]
    ]
    members = []
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for team, ended in data["members"]:
        member = PoolMemberFactory(campaign=campaign)
        if team is not None:
            AffiliationFactory(person=member.person, team=teams[team], end=yesterday if ended else None)
        members.append((member, None if team is None or ended else team))
    year = timezone.localdate().year
    coauthors = set()
    for m, a, age in data["papers"]:
        if m < len(members) and a < len(applications):
            paper = PublicationFactory(year=year - age)
            AuthorshipFactory(
                publication=paper, person=members[m][0].person, position=1, match=Authorship.Match.ORCID
            )
            AuthorshipFactory(
                publication=paper,
                person=applications[a].lead_person,
                position=2,
                match=Authorship.Match.CONFIRMED,
            )
            if age <= 4:
                coauthors.add((applications[a].pk, members[m][0].pk))
    pairs = set()
    for m, a, notified in data["assigned"]:
        if m < len(members) and a < len(applications) and (m, a) not in pairs:
            pairs.add((m, a))
            AssignmentFactory(
                member=members[m][0],
                application=applications[a],
                campaign=campaign,
                status=Assignment.Status.NOTIFIED if notified else Assignment.Status.PROPOSED,
            )
    for m, a in data["declared"]:
        if m < len(members) and a < len(applications):
            declare_conflict(member=members[m][0], application=applications[a], reason="déclaré", actor=staff)
    _assert_invariant(campaign)

    detect_conflicts(campaign=campaign)
    _assert_invariant(campaign)

    for application in applications:
        lead = application.teams.get(role=ApplicationTeam.Role.LEAD)
        for member, team in members:
            same_institution = team is not None and teams[team].unit_id == lead.team.unit_id
            kinds = set(
                Conflict.objects.filter(application=application, member=member).values_list("kind", flat=True)
            )
            assert same_institution == (Kind.INSTITUTION in kinds)
            assert (team is not None and teams[team] == lead.team) == (Kind.TEAM in kinds)
            assert ((application.pk, member.pk) in coauthors) == (Kind.COAUTHOR in kinds)

    conflicts = list(Conflict.objects.filter(campaign=campaign).order_by("pk"))
    for i in data["overrides"]:
        if i < len(conflicts) and not Conflict.objects.get(pk=conflicts[i].pk).overridden:
            override_conflict(conflict=conflicts[i], reason="levé", actor=staff)
            _assert_invariant(campaign)
    for i in data["restores"]:
        if i < len(conflicts) and Conflict.objects.get(pk=conflicts[i].pk).overridden:
            restore_conflict(conflict=conflicts[i], actor=staff)
            _assert_invariant(campaign)
    detect_conflicts(campaign=campaign)
    _assert_invariant(campaign)


def _assert_invariant(campaign):
    active = conflict_pairs(campaign)
    live = set(
        Assignment.objects.filter(campaign=campaign)
        .exclude(status=Assignment.Status.DECLINED)
        .values_list("application_id", "member_id")
    )
    assert not (active & live), active & live

"""Automatic detection of conflicts of interest: each kind with its evidence, the window of
co-authorship, re-runs, assignments that become conflicted, and a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.models import ApplicationTeam
from core.errors import InvalidState
from core.models import AuditEntry
from directory.tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    TeamFactory,
    UnitFactory,
)
from evaluation.models import Assignment, Campaign, Conflict, PoolMember
from evaluation.selectors.conflicts import conflict_pairs
from evaluation.services.conflicts import detect_conflicts, override_conflict
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
    ReviewFactory,
)
from outputs.models import Authorship
from outputs.tests.factories import AuthorshipFactory, PublicationFactory

pytestmark = pytest.mark.django_db
Kind = Conflict.Kind


@pytest.fixture
def campaign():
    return CampaignFactory(coauthorship_years=5)


@pytest.fixture
def application(campaign):
    return EvaluatedApplicationFactory(call=campaign.call, acronym="MELANOMA")


@pytest.fixture
def member(campaign):
    return PoolMemberFactory(campaign=campaign)


def _lead(application):
    return application.teams.get(role=ApplicationTeam.Role.LEAD)


def _kinds(application, member):
    return set(Conflict.objects.filter(application=application, member=member).values_list("kind", flat=True))


def _conflict(application, member, kind):
    return Conflict.objects.get(application=application, member=member, kind=kind)


def _coauthor(person, other, year):
    publication = PublicationFactory(year=year, title=f"Exhausted T cells in uveal melanoma ({year})")
    for position, who in enumerate((person, other), start=1):
        AuthorshipFactory(
            publication=publication, person=who, position=position, match=Authorship.Match.ORCID
        )
    return publication


def test_same_team_gives_team_unit_and_institution_with_evidence(campaign, application, member, staff):
    team = _lead(application).team
    AffiliationFactory(person=member.person, team=team)

    report = detect_conflicts(campaign=campaign, actor=staff)

    assert _kinds(application, member) == {Kind.TEAM, Kind.UNIT, Kind.INSTITUTION}
    conflict = _conflict(application, member, Kind.TEAM)
    assert team.name in conflict.evidence
    assert conflict.details == {"teams": [team.pk], "application_teams": [_lead(application).pk]}
    assert conflict.campaign == campaign and not conflict.overridden
    assert report.created == 3 and report.counts[Kind.TEAM] == 1
    entry = AuditEntry.objects.get(action="evaluation.conflicts.detected")
    assert entry.actor == staff and entry.data["created"] == 3


def test_same_unit_other_team(campaign, application, member):
    unit = _lead(application).team.unit
    AffiliationFactory(person=member.person, team=TeamFactory(unit=unit))

    detect_conflicts(campaign=campaign)

    assert _kinds(application, member) == {Kind.UNIT, Kind.INSTITUTION}
    assert unit.acronym in _conflict(application, member, Kind.UNIT).evidence


def test_same_institution_only(campaign, application, member):
    institution = _lead(application).institution
    AffiliationFactory(person=member.person, team=TeamFactory(), institution=institution)

    detect_conflicts(campaign=campaign)

    assert _kinds(application, member) == {Kind.INSTITUTION}
    conflict = _conflict(application, member, Kind.INSTITUTION)
    assert institution.name in conflict.evidence
    assert conflict.details["institutions"] == [institution.pk]


def test_institution_through_the_units_parent(campaign, member):
    other_parent = InstitutionFactory(name="Sorbonne Université")
    team = TeamFactory(unit=UnitFactory(parents=[InstitutionFactory(), other_parent]))
    application = EvaluatedApplicationFactory(call=campaign.call, lead_team=team)
    AffiliationFactory(person=member.person, team=TeamFactory(), institution=other_parent)

    detect_conflicts(campaign=campaign)

    assert _kinds(application, member) == {Kind.INSTITUTION}
    assert "Sorbonne Université" in _conflict(application, member, Kind.INSTITUTION).evidence


def test_ended_affiliation_does_not_count_but_ending_today_does(campaign, application, member):
    team = _lead(application).team
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    AffiliationFactory(
        person=member.person, team=team, start=yesterday - dt.timedelta(days=900), end=yesterday
    )
    other = PoolMemberFactory(campaign=campaign)
    AffiliationFactory(person=other.person, team=team, end=timezone.localdate())

    detect_conflicts(campaign=campaign)

    assert _kinds(application, member) == set()
    assert Kind.TEAM in _kinds(application, other)


def test_outside_expert_compared_by_the_institution_of_the_pool(campaign, application):
    expert = PoolMemberFactory(
        campaign=campaign,
        user=None,
        person=None,
        name="Dr Expert",
        email="expert@univ.example",
        institution=_lead(application).institution,
        status=PoolMember.Status.INVITED,
    )

    detect_conflicts(campaign=campaign)

    assert _kinds(application, expert) == {Kind.INSTITUTION}


def test_partner_lead_person_contact_and_email(campaign, application):
    lead = PoolMemberFactory(campaign=campaign, user=application.applicant, person=application.lead_person)
    contact = PoolMemberFactory(campaign=campaign)
    ApplicationTeam.objects.create(
        application=application, team=TeamFactory(), contact_person=contact.person, order=1
    )
    by_email = PoolMemberFactory(campaign=campaign, user=None, person=None, email="Partner@Lab.example")
    partner = ApplicationTeam.objects.create(
        application=application,
        new_team_name="Équipe hors annuaire",
        contact_email="partner@lab.example",
        order=2,
    )

    detect_conflicts(campaign=campaign)

    assert Kind.PARTNER in _kinds(application, lead)
    assert "porteur·se du projet" in _conflict(application, lead, Kind.PARTNER).evidence
    assert "responsable de l'équipe" in _conflict(application, contact, Kind.PARTNER).evidence
    assert _conflict(application, by_email, Kind.PARTNER).details == {"application_teams": [partner.pk]}
    # a member is not their own co-author
    assert Kind.COAUTHOR not in _kinds(application, lead)


def test_declined_partner_team_is_not_part_of_the_project(campaign, application, member):
    team = TeamFactory()
    ApplicationTeam.objects.create(
        application=application,
        team=team,
        contact_person=member.person,
        invitation_status=ApplicationTeam.Invitation.DECLINED,
        order=1,
    )
    AffiliationFactory(person=member.person, team=team)

    detect_conflicts(campaign=campaign)

    assert _kinds(application, member) == set()


def test_coauthorship_inside_the_window_only(campaign, application, member):
    year = timezone.localdate().year
    recent = _coauthor(member.person, application.lead_person, year - 5)
    _coauthor(member.person, application.lead_person, year - 6)  # outside the 5-year window
    outsider = PoolMemberFactory(campaign=campaign)
    _coauthor(outsider.person, application.lead_person, year - 6)
    unlinked = PoolMemberFactory(campaign=campaign)
    paper = PublicationFactory(year=year)
    AuthorshipFactory(publication=paper, person=unlinked.person, position=1, match=Authorship.Match.AMBIGUOUS)
    AuthorshipFactory(
        publication=paper, person=application.lead_person, position=2, match=Authorship.Match.ORCID
    )

    detect_conflicts(campaign=campaign)

    conflict = _conflict(application, member, Kind.COAUTHOR)
    assert conflict.details["publications"] == [recent.pk]
    assert conflict.details["coauthors"] == [application.lead_person.pk]
    assert recent.title in conflict.evidence and str(year - 5) in conflict.evidence
    assert application.lead_person.last_name in conflict.evidence
    assert _kinds(application, outsider) == set()
    assert _kinds(application, unlinked) == set()


def test_coauthor_evidence_lists_three_papers_and_the_count(campaign, application, member):
    year = timezone.localdate().year
    contact = PersonFactory()
    ApplicationTeam.objects.create(
        application=application, team=TeamFactory(), contact_person=contact, order=1
    )
    for offset in range(4):
        _coauthor(member.person, contact, year - offset)

    detect_conflicts(campaign=campaign)

    conflict = _conflict(application, member, Kind.COAUTHOR)
    assert len(conflict.details["publications"]) == 4
    assert conflict.evidence.startswith("4 publications communes")
    assert conflict.evidence.count("«") == 3 and "1 autre" in conflict.evidence


def test_rerun_is_idempotent_keeps_overrides_and_removes_what_is_no_longer_true(
    campaign, application, member, staff
):
    affiliation = AffiliationFactory(person=member.person, team=_lead(application).team)
    declared = ConflictFactory(member=PoolMemberFactory(campaign=campaign), application=application)
    detect_conflicts(campaign=campaign)
    override_conflict(
        conflict=_conflict(application, member, Kind.INSTITUTION), reason="Grand organisme", actor=staff
    )

    again = detect_conflicts(campaign=campaign)

    assert (again.created, again.updated, again.removed, again.kept_overridden) == (0, 0, 0, 1)
    institution = _conflict(application, member, Kind.INSTITUTION)
    assert institution.overridden and institution.override_reason == "Grand organisme"

    affiliation.end = timezone.localdate() - dt.timedelta(days=1)
    affiliation.save()
    last = detect_conflicts(campaign=campaign)

    assert last.removed == 3
    assert _kinds(application, member) == set()
    assert Conflict.objects.filter(pk=declared.pk).exists()  # declared ones are never removed


def test_members_who_declined_or_were_removed_are_ignored(campaign, application):
    team = _lead(application).team
    for status in (PoolMember.Status.DECLINED, PoolMember.Status.REMOVED):
        gone = PoolMemberFactory(campaign=campaign, status=status)
        AffiliationFactory(person=gone.person, team=team)

    report = detect_conflicts(campaign=campaign)

    assert report.total == 0 and not Conflict.objects.exists()


def test_newly_conflicted_assignments_are_declined_reviewed_ones_flagged(campaign, application, member):
    proposed = AssignmentFactory(
        member=member, application=application, campaign=campaign, status=Assignment.Status.PROPOSED
    )
    reviewer = PoolMemberFactory(campaign=campaign)
    reviewed = AssignmentFactory(member=reviewer, application=application, campaign=campaign)
    ReviewFactory(assignment=reviewed, status="submitted", submitted_at=timezone.now())
    free = AssignmentFactory(
        member=PoolMemberFactory(campaign=campaign), application=application, campaign=campaign
    )
    for person in (member.person, reviewer.person):
        AffiliationFactory(person=person, team=_lead(application).team)

    report = detect_conflicts(campaign=campaign)

    proposed.refresh_from_db()
    reviewed.refresh_from_db()
    free.refresh_from_db()
    assert proposed.status == Assignment.Status.DECLINED and proposed.declined_reason == "conflit détecté"
    assert reviewed.status == Assignment.Status.NOTIFIED
    assert free.status == Assignment.Status.NOTIFIED
    assert report.declined_assignments == [proposed.pk]
    assert report.flagged_assignments == [reviewed.pk]
    assert (application.pk, member.pk) in conflict_pairs(campaign)


def test_decided_campaign_is_not_recomputed(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DECIDED)
    with pytest.raises(InvalidState):
        detect_conflicts(campaign=campaign)


def _grow(campaign, n_applications, n_members):
    """Applications and members that share teams and papers, so every kind is found."""
    year = timezone.localdate().year
    teams = [TeamFactory() for _ in range(2)]
    for i in range(n_applications):
        application = EvaluatedApplicationFactory(call=campaign.call, lead_team=teams[i % 2])
        ApplicationTeam.objects.create(
            application=application, team=TeamFactory(), contact_person=PersonFactory(), order=1
        )
    for i in range(n_members):
        member = PoolMemberFactory(campaign=campaign)
        AffiliationFactory(person=member.person, team=teams[i % 2])
    applications = list(campaign.call.applications.all())
    _coauthor(member.person, applications[0].lead_person, year)


def _count_queries(campaign):
    with CaptureQueriesContext(connection) as queries:
        detect_conflicts(campaign=campaign)
    return len(queries)


def test_number_of_queries_does_not_grow_with_the_campaign():
    small, large = CampaignFactory(), CampaignFactory()
    _grow(small, 2, 2)
    _grow(large, 8, 6)

    first_small, first_large = _count_queries(small), _count_queries(large)
    assert first_small == first_large
    assert Conflict.objects.filter(campaign=large, kind=Kind.TEAM).count() == 8 * 6 // 2
    assert Conflict.objects.filter(campaign=large, kind=Kind.COAUTHOR).count() == 1
    # a re-run with nothing changed is as cheap
    assert _count_queries(large) <= first_large


def test_a_shared_national_research_organisation_is_no_conflict_unless_the_campaign_says_so(staff):
    """Inserm is a parent of most units: sharing it alone creates no conflict by default."""
    from directory.models import Institution, UnitParent
    from directory.tests.factories import AffiliationFactory, InstitutionFactory, TeamFactory
    from evaluation.services.conflicts import detect_conflicts
    from evaluation.tests.factories import CampaignFactory, EvaluatedApplicationFactory, PoolMemberFactory

    inserm = InstitutionFactory(name="Inserm", category=Institution.Category.RESEARCH_ORGANISATION)
    campaign = CampaignFactory()
    team = TeamFactory()
    UnitParent.objects.create(unit=team.unit, institution=inserm)
    application = EvaluatedApplicationFactory(call=campaign.call, lead_team=team)
    member = PoolMemberFactory(campaign=campaign)
    AffiliationFactory(person=member.person, institution=inserm, team=None, unit=None)

    detect_conflicts(campaign=campaign, actor=staff)
    assert not member.conflicts.filter(application=application, kind="institution").exists()

    campaign.research_organisations_conflict = True
    campaign.save(update_fields=["research_organisations_conflict"])
    detect_conflicts(campaign=campaign, actor=staff)
    assert member.conflicts.filter(application=application, kind="institution").exists()

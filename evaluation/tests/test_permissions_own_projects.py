"""Defence in depth: whatever the conflict detection found (or did not run), and even when a
conflict was lifted, nobody reviews or discusses a project they are the applicant or a team
contact of."""

import pytest
from django.urls import reverse

from calls.models import ApplicationTeam
from evaluation.models import Campaign, ReviewerRole
from evaluation.permissions import applications_for_committee, assignments_for_reviewer
from evaluation.tests.factories import AssignmentFactory, EvaluatedApplicationFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rapporteur():  # type: ignore[no-untyped-def]
    member = PoolMemberFactory(role=ReviewerRole.RAPPORTEUR)
    Campaign.objects.filter(pk=member.campaign_id).update(status=Campaign.Status.COMMITTEE)
    member.campaign.refresh_from_db()
    return member


def test_the_applicant_never_reaches_their_own_project(client, rapporteur):
    own = EvaluatedApplicationFactory(
        call=rapporteur.campaign.call,
        applicant=rapporteur.user,
        lead_person=rapporteur.person,
        title="Mon propre projet sur les organoïdes",
        acronym="OWNPROJ",
    )
    other = EvaluatedApplicationFactory(
        call=rapporteur.campaign.call, title="Le projet d'une autre équipe", acronym="OTHERPROJ"
    )
    mine = AssignmentFactory(member=rapporteur, application=own)  # no detection was run
    theirs = AssignmentFactory(member=rapporteur, application=other)

    assert set(assignments_for_reviewer(rapporteur.user)) == {theirs}
    assert set(applications_for_committee(rapporteur.user, rapporteur.campaign)) == {other}
    client.force_login(rapporteur.user)
    assert client.get(reverse("evaluation:review", args=[mine.pk])).status_code == 404
    url = reverse("evaluation:committee_application", args=[rapporteur.campaign.pk, own.pk])
    assert client.get(url).status_code == 404
    board = client.get(reverse("evaluation:committee", args=[rapporteur.campaign.pk])).content.decode()
    assert own.acronym not in board and other.acronym in board


def test_a_team_contact_never_reaches_the_project(client, rapporteur):
    project = EvaluatedApplicationFactory(call=rapporteur.campaign.call)
    ApplicationTeam.objects.create(
        application=project,
        role=ApplicationTeam.Role.PARTNER,
        new_team_name="Équipe partenaire",
        contact_user=rapporteur.user,
        contact_email=rapporteur.user.email,
        invitation_status=ApplicationTeam.Invitation.ACCEPTED,
    )
    assignment = AssignmentFactory(member=rapporteur, application=project)
    assert not assignments_for_reviewer(rapporteur.user).exists()
    assert not applications_for_committee(rapporteur.user, rapporteur.campaign).exists()
    client.force_login(rapporteur.user)
    assert client.get(reverse("evaluation:review", args=[assignment.pk])).status_code == 404

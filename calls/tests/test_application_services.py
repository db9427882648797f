"""Writing an application: drafts with version checks, partners and invitations, budget."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from calls import services
from calls.models import Application, ApplicationTeam, Call
from calls.tests.factories import ApplicationFactory, BudgetCategoryFactory, CallFactory, FormFieldFactory
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.models import AuditEntry
from directory.tests.factories import AffiliationFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_create_application_uses_the_applicants_directory_record(researcher):
    call = CallFactory()
    application = services.create_application(call=call, actor=researcher, title="  Projet X ")
    affiliation = researcher.person.affiliations.get()
    assert application.status == Application.Status.DRAFT and application.title == "Projet X"
    assert application.lead_person == researcher.person and application.stage == "full"
    lead = application.teams.get()
    assert lead.role == ApplicationTeam.Role.LEAD and lead.team == affiliation.team
    assert lead.institution == affiliation.institution and lead.contact_user == researcher
    assert AuditEntry.objects.filter(action="calls.application.created", actor=researcher).exists()


def test_create_application_refused_when_the_call_is_not_open(researcher):
    for call in (
        CallFactory(status=Call.Status.DRAFT),
        CallFactory(
            opens_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC), closes_at=dt.datetime(2099, 2, 1, tzinfo=dt.UTC)
        ),
        CallFactory(
            opens_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), closes_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC)
        ),
    ):
        with pytest.raises(InvalidState):
            services.create_application(call=call, actor=researcher)


def test_two_stage_calls_start_with_a_letter_of_intent(researcher):
    call = CallFactory(stages=2, full_stage_closes_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    assert services.create_application(call=call, actor=researcher).stage == "loi"


def test_save_draft_merges_answers_and_checks_the_version():
    application = ApplicationFactory()
    FormFieldFactory(call=application.call, key="summary", max_length=10)
    FormFieldFactory(call=application.call, key="aims")
    saved = services.save_draft(
        application=application,
        actor=application.applicant,
        expected_version=1,
        title="Nouveau titre",
        answers={"summary": "Un texte bien plus long que dix caractères", "aims": "Objectifs"},
    )
    assert saved.version == 2
    # nothing typed is lost, even over the length limit (checked at submission)
    assert saved.answers["summary"] == "Un texte bien plus long que dix caractères"
    saved = services.save_draft(
        application=application, actor=application.applicant, expected_version=2, answers={"aims": None}
    )
    assert saved.answers == {"summary": "Un texte bien plus long que dix caractères"}
    with pytest.raises(StaleVersion):
        services.save_draft(
            application=application, actor=application.applicant, expected_version=2, title="Écrasé ?"
        )
    application.refresh_from_db()
    assert application.title == "Nouveau titre" and application.version == 3
    with pytest.raises(InvalidInput):
        services.save_draft(
            application=application, actor=application.applicant, expected_version=3, answers={"nope": 1}
        )


def test_strangers_and_staff_cannot_edit(staff):
    application = ApplicationFactory()
    for actor in (UserFactory(), staff):
        with pytest.raises(NotAllowed):
            services.save_draft(application=application, actor=actor, expected_version=1, title="X")


def test_no_edit_after_the_deadline():
    application = ApplicationFactory()
    Call.objects.filter(pk=application.call_id).update(
        opens_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), closes_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(InvalidState, match="date limite"):
        services.save_draft(
            application=application, actor=application.applicant, expected_version=1, title="X"
        )


def test_partner_invitation_by_email_then_acceptance(mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    team = TeamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        partner = services.invite_partner(
            application=application,
            actor=application.applicant,
            email="Nouvelle.Partenaire@Example.org",
            team=team,
            base_url="https://plateforme.example",
        )
    assert partner.invitation_status == ApplicationTeam.Invitation.PENDING
    assert partner.institution == team.unit.parents.first()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nouvelle.partenaire@example.org"]
    assert f"https://plateforme.example/calls/invitations/{partner.invitation_token}/" in mailoutbox[0].body
    with pytest.raises(InvalidInput):
        services.invite_partner(
            application=application,
            actor=application.applicant,
            email="nouvelle.partenaire@example.org",
            new_team_name="Bis",
        )

    invited = UserFactory(email="nouvelle.partenaire@example.org")
    with pytest.raises(NotAllowed):
        services.save_draft(
            application=application, actor=invited, expected_version=1, title="Avant acceptation"
        )
    token = partner.invitation_token
    services.accept_partner_invitation(token=token, user=invited)
    partner.refresh_from_db()
    assert (
        partner.invitation_status == ApplicationTeam.Invitation.ACCEPTED and partner.contact_user == invited
    )
    assert partner.invitation_token is None
    saved = services.save_draft(
        application=application, actor=invited, expected_version=1, title="Écrit par la partenaire"
    )
    assert saved.title == "Écrit par la partenaire"
    with pytest.raises(InvalidState):
        services.accept_partner_invitation(token=token, user=invited)  # the link works once


def test_invite_a_directory_person_and_decline():
    application = ApplicationFactory()
    person = AffiliationFactory().person
    partner = services.invite_partner(
        application=application,
        actor=application.applicant,
        person=person,
        team=person.affiliations.get().team,
    )
    assert partner.contact_email == person.email and partner.contact_person == person
    services.decline_partner_invitation(token=partner.invitation_token)
    partner.refresh_from_db()
    assert partner.invitation_status == ApplicationTeam.Invitation.DECLINED and not partner.counts


def test_partner_needs_an_address_and_a_team():
    application = ApplicationFactory()
    with pytest.raises(InvalidInput) as error:
        services.invite_partner(
            application=application,
            actor=application.applicant,
            person=PersonFactory(email=""),
            team=TeamFactory(),
        )
    assert error.value.field == "email"
    with pytest.raises(InvalidInput) as error:
        services.invite_partner(application=application, actor=application.applicant, email="a@example.org")
    assert error.value.field == "team"


def test_lead_team_cannot_be_removed_partners_can():
    application = ApplicationFactory()
    partner = services.invite_partner(
        application=application,
        actor=application.applicant,
        email="p@example.org",
        new_team_name="Équipe hors annuaire",
        institution_name="Université de Tours",
    )
    with pytest.raises(InvalidState):
        services.remove_application_team(
            team_row=application.teams.get(role="lead"), actor=application.applicant
        )
    services.remove_application_team(team_row=partner, actor=application.applicant)
    assert application.teams.count() == 1


def test_budget_lines():
    application = ApplicationFactory()
    equipment = BudgetCategoryFactory(call=application.call, kind="equipment", max_per_item=Decimal(150000))
    consumables = BudgetCategoryFactory(call=application.call)
    lead = application.teams.get()
    line = services.add_budget_line(
        application=application,
        actor=application.applicant,
        category=equipment,
        description="Microscope",
        amount="12 500,50",
        team=lead,
    )
    assert line.amount == Decimal("12500.50") and line.is_single_item is True
    other = services.add_budget_line(
        application=application,
        actor=application.applicant,
        category=consumables,
        description="Anticorps",
        amount=800,
    )
    assert other.is_single_item is False
    line = services.update_budget_line(
        line=line, actor=application.applicant, expected_version=1, amount="13000"
    )
    assert line.amount == Decimal(13000) and line.version == 2
    with pytest.raises(StaleVersion):
        services.update_budget_line(line=line, actor=application.applicant, expected_version=1, amount="1")
    with pytest.raises(InvalidInput):
        services.add_budget_line(
            application=application,
            actor=application.applicant,
            category=consumables,
            description="X",
            amount="-5",
        )
    with pytest.raises(InvalidInput):
        services.add_budget_line(
            application=application,
            actor=application.applicant,
            category=BudgetCategoryFactory(),
            description="X",
            amount="5",
        )
    services.remove_budget_line(line=other, actor=application.applicant)
    assert list(application.budget_lines.values_list("amount", flat=True)) == [Decimal(13000)]

"""Changing the lead team of a draft through the web client: one of the lead's own directory
teams, another directory team, or a new team outside the directory; refused once submitted,
hidden from strangers, and the form keeps what was typed when the change is refused."""

from html import unescape

import pytest
from django.urls import reverse

from calls import services
from calls.models import Application, ApplicationTeam
from calls.tests.factories import CallFactory, EligibilityRuleFactory
from core.models import AuditEntry
from directory.models import Institution, Person
from directory.tests.factories import AffiliationFactory, InstitutionFactory, TeamFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_team(researcher):  # type: ignore[no-untyped-def]
    """A second current team of the researcher, in another institution."""
    person = Person.objects.get(user=researcher)
    return AffiliationFactory(person=person, is_primary=False, team__name="Immunologie des tumeurs").team


@pytest.fixture
def draft(researcher, second_team):  # type: ignore[no-untyped-def]
    return services.create_application(call=CallFactory(), actor=researcher, title="Macrophages")


def _url(draft: Application) -> str:
    return reverse("calls:application_lead_team", args=[draft.pk])


def _lead(draft: Application) -> ApplicationTeam:
    return ApplicationTeam.objects.select_related("team", "institution").get(application=draft, role="lead")


def _saved_audits(draft: Application) -> int:
    return AuditEntry.objects.filter(action="calls.team.saved", target_id=str(draft.pk)).count()


def test_editor_links_to_the_page_which_offers_the_leads_own_teams(client, researcher, draft, second_team):
    client.force_login(researcher)
    editor = unescape(client.get(reverse("calls:application", args=[draft.pk])).content.decode())
    assert _url(draft) in editor and "Changer l'équipe coordinatrice" in editor
    current = _lead(draft).team
    response = client.get(_url(draft))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert f'name="team" value="{current.pk}" checked' in html  # the current lead team is chosen
    assert f'name="team" value="{second_team.pk}">' in html and "Immunologie des tumeurs" in html
    assert 'hx-get="' + reverse("calls:application_team_search", args=[draft.pk]) in html


def test_changing_to_another_of_the_leads_teams(client, researcher, draft, second_team):
    client.force_login(researcher)
    before = _saved_audits(draft)
    response = client.post(_url(draft), {"team": second_team.pk, "new_team_name": "", "institution_name": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:application", args=[draft.pk]) + "#partners"
    lead = _lead(draft)
    assert lead.team == second_team and lead.new_team_name == ""
    assert lead.institution == second_team.unit.parents.first()
    assert ApplicationTeam.objects.filter(application=draft, role="lead").count() == 1
    assert _saved_audits(draft) == before + 1
    entry = AuditEntry.objects.filter(action="calls.team.saved").latest("pk")
    assert entry.actor_id == researcher.pk
    page = unescape(client.get(response["Location"]).content.decode())
    assert "Équipe coordinatrice enregistrée : Immunologie des tumeurs." in page


def test_changing_to_a_new_team_outside_the_directory(client, researcher, draft):
    client.force_login(researcher)
    response = client.post(
        _url(draft),
        {
            "team": "",
            "new_team_name": "Équipe Oncologie pédiatrique",
            "institution_name": "Hôpital de Créteil",
        },
    )
    assert response.status_code == 302
    lead = _lead(draft)
    assert (lead.team, lead.new_team_name) == (None, "Équipe Oncologie pédiatrique")
    assert (lead.institution, lead.institution_name) == (None, "Hôpital de Créteil")
    assert _saved_audits(draft) == 1


def test_a_team_found_by_the_search_without_javascript(client, researcher, draft, world):
    client.force_login(researcher)
    page = client.get(_url(draft), {"team_q": "signalisation", "new_team_name": "brouillon"})
    html = unescape(page.content.decode())
    assert f'name="team" value="{world.team.pk}"' in html and 'value="brouillon"' in html
    assert client.post(_url(draft), {"team": world.team.pk}).status_code == 302
    assert _lead(draft).team == world.team


def test_the_eligibility_follows_the_lead_teams_institution(client, researcher, draft):
    EligibilityRuleFactory(call=draft.call, code="member_institution_required", params={})
    outsider = InstitutionFactory(kind=Institution.Kind.OTHER)
    unit = UnitFactory()
    unit.parents.set([outsider])
    team = TeamFactory(unit=unit)

    def passed() -> bool | None:
        [result] = services.run_eligibility(application=Application.objects.get(pk=draft.pk))
        return result.passed

    assert passed() is True
    client.force_login(researcher)
    client.post(_url(draft), {"team": team.pk})
    assert _lead(draft).institution == outsider and passed() is False


def test_the_form_keeps_what_was_typed_when_refused(client, researcher, draft, second_team):
    client.force_login(researcher)
    before = _lead(draft).team
    response = client.post(
        _url(draft), {"team": second_team.pk, "new_team_name": "Équipe X", "institution_name": "Inserm"}
    )
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "pas les deux" in html
    assert 'value="Équipe X"' in html and 'value="Inserm"' in html
    assert f'name="team" value="{second_team.pk}" checked' in html
    response = client.post(_url(draft), {"team": "", "new_team_name": "  ", "institution_name": "Inserm"})
    assert response.status_code == 400 and 'value="Inserm"' in unescape(response.content.decode())
    assert _lead(draft).team == before and _saved_audits(draft) == 0


def test_a_stranger_gets_404(client, draft, world, second_team):
    client.force_login(world.other_user)
    assert client.get(_url(draft)).status_code == 404
    assert client.post(_url(draft), {"team": second_team.pk}).status_code == 404
    assert _lead(draft).team != second_team


def test_an_accepted_partner_may_change_it_the_secretariat_may_not(client, draft, world, staff, settings):
    ApplicationTeam.objects.create(
        application=draft,
        role=ApplicationTeam.Role.PARTNER,
        team=world.team,
        contact_user=world.other_user,
        contact_email=world.other_user.email,
        invitation_status=ApplicationTeam.Invitation.ACCEPTED,
    )
    client.force_login(world.other_user)  # calls.edit_application: members of a draft edit it
    assert client.post(_url(draft), {"new_team_name": "Équipe du partenaire"}).status_code == 302
    assert _lead(draft).new_team_name == "Équipe du partenaire"

    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    client.force_login(staff)
    response = client.get(_url(draft))
    assert response.status_code == 302 and response["Location"].endswith("#partners")
    response = client.post(_url(draft), {"new_team_name": "Équipe du secrétariat"}, follow=True)
    assert "Vous ne pouvez pas modifier cette candidature." in unescape(response.content.decode())
    assert _lead(draft).new_team_name == "Équipe du partenaire"


def test_a_submitted_application_refuses(client, researcher, draft, second_team):
    services.submit_application(application=draft, actor=researcher, idempotency_key="lead-team")
    client.force_login(researcher)
    editor = client.get(reverse("calls:application", args=[draft.pk])).content.decode()
    assert _url(draft) not in editor  # no link once frozen
    assert client.get(_url(draft)).status_code == 302
    response = client.post(_url(draft), {"team": second_team.pk}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#partners")
    assert "ne peut plus être modifiée" in unescape(response.content.decode())
    assert _lead(draft).team != second_team and _saved_audits(draft) == 0


def test_renaming_a_new_team_keeps_its_directory_institution(client, researcher):
    draft = services.create_application(
        call=CallFactory(), actor=researcher, new_team_name="Équipe en création"
    )
    institution = _lead(draft).institution
    assert institution is not None  # from the lead's affiliation
    client.force_login(researcher)
    page = unescape(client.get(_url(draft)).content.decode())
    assert f'value="{institution.short_name}"' in page and 'name="team" value="" checked' in page
    client.post(
        _url(draft), {"team": "", "new_team_name": "Équipe créée", "institution_name": institution.short_name}
    )
    lead = _lead(draft)
    assert (lead.new_team_name, lead.institution, lead.institution_name) == ("Équipe créée", institution, "")

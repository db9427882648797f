"""The reviewer pool's pages (secretariat) and the invitation page (public, by token)."""

import secrets

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.models import AuditEntry
from directory.tests.factories import AffiliationFactory
from evaluation.models import Assignment, Campaign, PoolMember, ReviewerRole
from evaluation.tests.factories import AssignmentFactory, CampaignFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    return CampaignFactory(status=Campaign.Status.SETUP)


def _invited(campaign, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "campaign": campaign,
        "user": None,
        "person": None,
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "status": PoolMember.Status.INVITED,
        "responded_at": None,
        "invitation_token": secrets.token_urlsafe(32),
    }
    values.update(kwargs)
    return PoolMemberFactory(**values)


def _url(name, **kwargs):  # type: ignore[no-untyped-def]
    return reverse(f"evaluation:{name}", kwargs=kwargs)


# --- staff pages -----------------------------------------------------------------------------


def test_pool_page_is_for_staff(client, researcher, campaign, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    url = _url("pool", pk=campaign.pk)
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(researcher)
    assert client.get(url).status_code == 403


def test_pool_page_lists_members_by_role_in_flat_queries(
    staff_client, campaign, django_assert_max_num_queries
):
    def fill(n):  # type: ignore[no-untyped-def]
        for i in range(n):
            member = PoolMemberFactory(
                campaign=campaign, role=ReviewerRole.RAPPORTEUR if i % 2 else ReviewerRole.EXTERNAL
            )
            AssignmentFactory(member=member)
        declined = _invited(campaign, email=f"declined{n}@example.org", status=PoolMember.Status.DECLINED)
        PoolMemberFactory(campaign=campaign, replaces=declined, status=PoolMember.Status.INVITED)

    url = _url("pool", pk=campaign.pk)
    fill(2)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    fill(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(url)
    body = response.content.decode()
    assert body.count('class="badge badge-ok"') == 10  # the accepted members
    assert "Rapporteur·e du comité" in body and "Expert·e extérieur·e" in body
    assert "remplacé·e par" in body


def test_pool_page_hides_removed_members_unless_asked(staff_client, campaign):
    PoolMemberFactory(campaign=campaign, name="Visible Person")
    PoolMemberFactory(campaign=campaign, name="Gone Person", status=PoolMember.Status.REMOVED)
    url = _url("pool", pk=campaign.pk)
    assert "Gone Person" not in staff_client.get(url).content.decode()
    assert "Gone Person" in staff_client.get(url + "?removed=1").content.decode()


def test_add_an_outside_expert(staff_client, campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            _url("pool_add", pk=campaign.pk),
            {
                "source": "external",
                "ext-name": "Ada Lovelace",
                "ext-email": "ada@example.org",
                "ext-institution_name": "University of London",
                "ext-language": "en",
                "ext-role": ReviewerRole.EXTERNAL,
                "ext-min_load": "1",
                "ext-max_load": "3",
            },
        )
    assert response.status_code == 302 and response["Location"] == _url("pool", pk=campaign.pk)
    member = PoolMember.objects.get(campaign=campaign)
    assert (member.email, member.language, member.max_load) == ("ada@example.org", "en", 3)
    [message] = mail.outbox
    assert (
        message.to == ["ada@example.org"]
        and f"http://testserver/evaluation/invitations/{member.invitation_token}/" in message.body
    )


def test_add_from_the_directory_with_the_search(staff_client, campaign, django_capture_on_commit_callbacks):
    affiliation = AffiliationFactory(
        person__first_name="Hortense", person__last_name="Zébulon", person__search_text="hortense zebulon"
    )
    person = affiliation.person
    found = staff_client.get(_url("pool_add", pk=campaign.pk), {"q": "zebul"}, HTTP_HX_REQUEST="true")
    assert found.status_code == 200
    assert "Hortense Zébulon" in found.content.decode() and f'value="{person.pk}"' in found.content.decode()
    assert "<html" not in found.content.decode()  # the fragment only

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            _url("pool_add", pk=campaign.pk),
            {
                "source": "directory",
                "dir-person": person.pk,
                "dir-role": ReviewerRole.RAPPORTEUR,
                "dir-language": "fr",
                "dir-min_load": "0",
                "dir-max_load": "4",
            },
        )
    assert response.status_code == 302
    member = PoolMember.objects.get(campaign=campaign, person=person)
    assert member.institution == affiliation.institution and len(mail.outbox) == 1

    again = staff_client.get(_url("pool_add", pk=campaign.pk), {"q": "zebul"}, HTTP_HX_REQUEST="true")
    assert "déjà dans le vivier" in again.content.decode()


def test_duplicate_keeps_what_was_typed(staff_client, campaign):
    PoolMemberFactory(campaign=campaign, email="ada@example.org", name="Ada L.")
    response = staff_client.post(
        _url("pool_add", pk=campaign.pk),
        {
            "source": "external",
            "ext-name": "Ada Again",
            "ext-email": "ADA@example.org",
            "ext-language": "fr",
            "ext-role": ReviewerRole.EXTERNAL,
            "ext-min_load": "0",
            "ext-max_load": "2",
            "ext-institution_name": "Somewhere",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "fait déjà partie du vivier" in body and 'value="Somewhere"' in body
    assert PoolMember.objects.filter(campaign=campaign).count() == 1


def test_edit_loads_and_remove(staff_client, campaign):
    member = PoolMemberFactory(campaign=campaign)
    url = _url("pool_member", pk=campaign.pk, member_pk=member.pk)
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {"action": "save", "role": member.role, "min_load": "2", "max_load": "3", "version": member.version},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.min_load, member.max_load) == (2, 3)

    stale = staff_client.post(
        url,
        {
            "action": "save",
            "role": member.role,
            "min_load": "0",
            "max_load": "9",
            "version": member.version - 1,
        },
    )
    assert stale.status_code == 400 and "modifié cette personne entre-temps" in stale.content.decode()

    assert staff_client.post(url, {"action": "remove"}).status_code == 302
    member.refresh_from_db()
    assert member.status == PoolMember.Status.REMOVED


def test_a_member_of_another_campaign_is_not_found(staff_client, campaign):
    other = PoolMemberFactory()
    assert staff_client.get(_url("pool_member", pk=campaign.pk, member_pk=other.pk)).status_code == 404


def test_replace_prefilled_from_the_suggestion(staff_client, campaign, django_capture_on_commit_callbacks):
    member = _invited(
        campaign, status=PoolMember.Status.DECLINED, suggestion="Dr Grace Hopper <grace@navy.example>"
    )
    assignment = AssignmentFactory(member=member)
    url = _url("pool_replace", pk=campaign.pk, member_pk=member.pk)
    page = staff_client.get(url).content.decode()
    assert 'value="grace@navy.example"' in page and 'value="Dr Grace Hopper"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url,
            {
                "source": "external",
                "ext-name": "Dr Grace Hopper",
                "ext-email": "grace@navy.example",
                "ext-language": "en",
            },
        )
    assert response.status_code == 302
    replacement = PoolMember.objects.get(replaces=member)
    assert replacement.role == member.role and replacement.language == "en"
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    assert [m.to for m in mail.outbox] == [["grace@navy.example"]]


def test_remind(staff_client, campaign, django_capture_on_commit_callbacks):
    _invited(campaign)
    PoolMemberFactory(campaign=campaign)
    url = _url("pool_remind", pk=campaign.pk)
    assert staff_client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, follow=True)
    assert "Invitation renvoyée à 1 personne" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


# --- the invitation page ---------------------------------------------------------------------


def test_invitation_page_works_anonymously_with_a_valid_token(client, campaign):
    member = _invited(campaign)
    response = client.get(_url("invitation", token=member.invitation_token))
    body = response.content.decode()
    assert response.status_code == 200
    assert campaign.call.title_fr in body and "Vos engagements" in body
    assert 'value="create"' in body  # no account for this address: the account form


def test_unknown_token_is_404(client, campaign):
    _invited(campaign)
    assert client.get(_url("invitation", token="not-a-token")).status_code == 404


def test_accept_creating_an_account_signs_in(client, campaign):
    member = _invited(campaign)
    url = _url("invitation", token=member.invitation_token)
    response = client.post(
        url,
        {
            "answer": "create",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:my_reviews")
    member.refresh_from_db()
    assert member.status == PoolMember.Status.ACCEPTED
    assert int(client.session["_auth_user_id"]) == member.user_id


def test_account_form_errors_are_shown(client, campaign):
    member = _invited(campaign)
    response = client.post(
        _url("invitation", token=member.invitation_token),
        {
            "answer": "create",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "password1": "12345",
            "password2": "12345",
        },
    )
    assert response.status_code == 400 and 'value="Ada"' in response.content.decode()
    member.refresh_from_db()
    assert member.status == PoolMember.Status.INVITED and member.user is None


def test_existing_account_is_asked_to_sign_in(client, campaign):
    member = _invited(campaign)
    UserFactory(email="ada@example.org")
    body = client.get(_url("invitation", token=member.invitation_token)).content.decode()
    assert "Se connecter pour accepter" in body and "next=/evaluation/invitations/" in body
    assert 'value="create"' not in body


def test_signed_in_one_click_accept(client, campaign):
    member = _invited(campaign)
    user = UserFactory(email="ada@example.org")
    client.force_login(user)
    response = client.post(_url("invitation", token=member.invitation_token), {"answer": "accept"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == PoolMember.Status.ACCEPTED and member.user == user


def test_decline_then_the_page_says_it_was_answered(client, campaign):
    member = _invited(campaign)
    url = _url("invitation", token=member.invitation_token)
    response = client.post(
        url,
        {"answer": "decline", "reason": "En congé", "suggestion": "Grace, grace@navy.example"},
        follow=True,
    )
    body = response.content.decode()
    assert "a été déclinée le" in body and "Décliner l'invitation" not in body
    member.refresh_from_db()
    assert member.status == PoolMember.Status.DECLINED and member.suggestion == "Grace, grace@navy.example"

    client.post(url, {"answer": "decline", "reason": "autre"})
    member.refresh_from_db()
    assert member.decline_reason == "En congé"
    assert AuditEntry.objects.filter(action="evaluation.pool.invitation_declined").count() == 1

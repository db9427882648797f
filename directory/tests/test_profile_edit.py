"""A person edits their own directory record, and only what they may change on it."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from core.models import AuditEntry
from directory.models import Person
from directory.tests.factories import make_orcid

URL = "directory:profile_edit"


def visibility(**overrides):
    levels = {f: "public" for f in Person.VISIBILITY_DEFAULTS} | overrides
    return {f"visibility_{f}": level for f, level in levels.items()}


@pytest.fixture
def me(researcher):
    return Person.objects.get(user=researcher)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_page_shows_the_form_and_the_read_only_identity(client, researcher, me):
    client.force_login(researcher)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    form = response.context["form"]
    assert {"first_name", "last_name", "email"}.isdisjoint(form.fields)
    assert form["version"].value() == me.version
    body = response.content.decode()
    assert escape(me.last_name) in body and me.email in body and "tenus à jour par le secrétariat" in body
    assert 'name="visibility_email"' in body and 'name="first_name"' not in body


@pytest.mark.django_db
def test_saving_updates_the_record_and_goes_to_the_public_page(client, researcher, me):
    client.force_login(researcher)
    orcid = make_orcid(777)
    response = client.post(
        reverse(URL),
        {
            "title": "Chargée de recherche Inserm",
            "career_stage": "researcher",
            "phone": "01 44 27 00 00",
            "orcid": f"https://orcid.org/{orcid}",
            "idref": "02682216x",
            "bio": "Biologie des gliomes.",
            "keywords": "gliome, neuro-oncologie",
            "version": me.version,
            **visibility(phone="staff", email="network"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:person", args=[me.pk])
    me.refresh_from_db()
    assert me.title == "Chargée de recherche Inserm" and me.orcid == orcid and me.idref == "02682216X"
    assert me.visibility_of("phone") == "staff" and me.visibility_of("email") == "network"
    assert {k.label for k in me.keywords.all()} == {"gliome", "neuro-oncologie"}
    assert me.version == 2
    entry = AuditEntry.objects.get(action="directory.person.updated", target_id=str(me.pk))
    assert entry.actor == researcher
    follow = client.get(response["Location"])
    assert "Votre profil est enregistré" in follow.content.decode()


@pytest.mark.django_db
def test_name_and_email_cannot_be_changed_even_if_posted(client, researcher, me):
    client.force_login(researcher)
    before = (me.first_name, me.last_name, me.email)
    response = client.post(
        reverse(URL),
        {
            "first_name": "Usurpé",
            "last_name": "Autre",
            "email": "pirate@example.org",
            "title": "Nouveau titre",
            "career_stage": "researcher",
            "version": me.version,
            **visibility(),
        },
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.first_name, me.last_name, me.email) == before
    assert me.title == "Nouveau titre"


@pytest.mark.django_db
def test_a_bad_orcid_keeps_the_input_and_saves_nothing(client, researcher, me):
    client.force_login(researcher)
    response = client.post(
        reverse(URL),
        {
            "title": "Titre tapé",
            "career_stage": "postdoc",
            "orcid": "0000-0002-1825-0098",
            "keywords": "mot tapé",
            "version": me.version,
            **visibility(phone="network"),
        },
    )
    assert response.status_code == 200
    assert "caractère de contrôle" in response.context["form"].errors["orcid"][0]
    body = response.content.decode()
    assert 'value="Titre tapé"' in body and 'value="mot tapé"' in body and "0000-0002-1825-0098" in body
    assert re.search(r'<input[^>]*name="visibility_phone" value="network"[^>]*checked', body)
    me.refresh_from_db()
    assert me.title == "" and me.version == 1


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_the_input_kept(client, researcher, me, staff):
    from directory import services

    client.force_login(researcher)
    services.save_person(
        instance=me, data={"title": "Fixé par le secrétariat"}, actor=staff, expected_version=me.version
    )
    response = client.post(
        reverse(URL), {"title": "Mon titre", "career_stage": "researcher", "version": 1, **visibility()}
    )
    assert response.status_code == 200
    assert "modifiée par quelqu" in str(response.context["form"].non_field_errors())
    assert 'value="Mon titre"' in response.content.decode()
    me.refresh_from_db()
    assert me.title == "Fixé par le secrétariat" and me.version == 2


@pytest.mark.django_db
def test_a_user_without_a_directory_record_gets_an_explanation(client, settings):
    settings.CANCEROPOLE_CONTACT_EMAIL = "secretariat@canceropole-idf.example"
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse(URL))
    assert response.status_code == 200 and "form" not in response.context
    body = response.content.decode()
    assert "pas encore relié" in body and "secretariat@canceropole-idf.example" in body
    assert client.post(reverse(URL), {"title": "x"}).status_code == 200
    assert not Person.objects.filter(title="x").exists()


@pytest.mark.django_db
def test_a_researcher_cannot_edit_someone_elses_record(client, researcher, me, world):
    other = world.person
    before = (other.title, other.version)
    client.force_login(researcher)
    # The own-profile page has no id to tamper with: it always edits the signed-in user's record.
    client.post(
        reverse(URL), {"title": "Pris", "career_stage": "researcher", "version": me.version, **visibility()}
    )
    # The back-office edit page of someone else's record is closed to researchers.
    response = client.post(
        reverse("directory:bo_person_edit", args=[other.pk]),
        {
            "first_name": "X",
            "last_name": "Y",
            "title": "Pris",
            "career_stage": "researcher",
            "version": other.version,
            **visibility(),
        },
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert (other.title, other.version) == before
    me.refresh_from_db()
    assert me.title == "Pris"

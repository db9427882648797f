import pytest
from django.urls import reverse

from directory import services
from directory.models import Visibility
from directory.tests.factories import (
    AffiliationFactory,
    KeywordFactory,
    PersonFactory,
    PlatformFactory,
    TeamFactory,
)


@pytest.fixture
def discreet_person(db, staff):
    aff = AffiliationFactory(
        person__first_name="Zoé",
        person__last_name="Quintard",
        person__email="zoe.quintard@inserm.fr",
        person__phone="+33 1 23 45 67 89",
        person__bio="Biologie des gliomes pédiatriques.",
    )
    services.save_person(
        instance=aff.person,
        data={"orcid": "0000-0002-1825-0097"},
        actor=staff,
        keywords=["gliome"],
        visibility={
            "email": Visibility.NETWORK,
            "orcid": Visibility.STAFF,
            "phone": Visibility.STAFF,
            "keywords": Visibility.NETWORK,
        },
    )
    return aff.person


@pytest.mark.django_db
def test_person_page_respects_each_fields_visibility(client, discreet_person, researcher, staff, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    url = reverse("directory:person", args=[discreet_person.pk])
    anonymous = client.get(url).content.decode()
    assert "Quintard" in anonymous and "gliomes" in anonymous
    assert (
        "zoe.quintard@inserm.fr" not in anonymous
        and "0000-0002-1825-0097" not in anonymous
        and "gliome</a>" not in anonymous
    )
    client.force_login(researcher)
    member = client.get(url).content.decode()
    assert (
        "zoe.quintard@inserm.fr" in member
        and "0000-0002-1825-0097" not in member
        and "+33 1 23" not in member
    )
    client.force_login(staff)
    secretariat = client.get(url).content.decode()
    assert "0000-0002-1825-0097" in secretariat and "+33 1 23 45 67 89" in secretariat


@pytest.mark.django_db
def test_a_hidden_keyword_cannot_be_found_by_a_public_search(client, discreet_person, researcher):
    url = reverse("directory:people")
    assert "Quintard" not in client.get(url, {"q": "gliome"}).content.decode()
    assert "Quintard" in client.get(url, {"q": "quintard"}).content.decode()
    client.force_login(researcher)
    assert "Quintard" in client.get(url, {"q": "gliome"}).content.decode()


@pytest.mark.django_db
def test_search_by_words_accents_and_filters(client, staff):
    team = TeamFactory(name="Immunologie des tumeurs")
    a = AffiliationFactory(
        team=team, person__first_name="Hélène", person__last_name="Lefèvre", person__career_stage="postdoc"
    )
    AffiliationFactory(person__first_name="Jean", person__last_name="Martin")
    services.refresh_search_text([a.person])
    url = reverse("directory:people")
    body = client.get(url, {"q": "helene immunologie"}).content.decode()
    assert "Lefèvre" in body and "Martin" not in body
    body = client.get(url, {"institution": a.institution.pk}).content.decode()
    assert "Lefèvre" in body and "Martin" not in body
    body = client.get(url, {"career_stage": "postdoc"}).content.decode()
    assert "Lefèvre" in body and "Martin" not in body


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(client):
    PersonFactory(last_name="Dupont")
    response = client.get(
        reverse("directory:people"), {"q": "dupont"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    body = response.content.decode()
    assert "Dupont" in body and "<html" not in body


def _people(n):  # type: ignore[no-untyped-def]
    keyword = KeywordFactory(label="Oncologie")
    for _ in range(n):
        aff = AffiliationFactory()
        aff.person.keywords.add(keyword)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, make",
    [
        ("directory:people", _people),
        ("directory:teams", lambda n: [TeamFactory() for _ in range(n)]),
        ("directory:units", lambda n: [TeamFactory() for _ in range(n)]),
        ("directory:institutions", lambda n: [AffiliationFactory() for _ in range(n)]),
        ("directory:platforms", lambda n: [PlatformFactory() for _ in range(n)]),
    ],
)
def test_list_pages_have_a_flat_query_count(client, django_assert_max_num_queries, name, make):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    make(22)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name)).status_code == 200
    assert len(large) == len(small), (len(small), len(large))
    with django_assert_max_num_queries(12):
        client.get(reverse(name))


@pytest.mark.django_db
def test_detail_pages_answer(client, world):
    for name, pk in [
        ("directory:team", world.team.pk),
        ("directory:unit", world.unit.pk),
        ("directory:institution", world.institution.pk),
        ("directory:platform", world.platform.pk),
        ("directory:tto", world.tto.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 200
    assert client.get(reverse("directory:person", args=[999999])).status_code == 404

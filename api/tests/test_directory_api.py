"""The directory endpoints: visibility of people's fields, filters, pagination, 404s, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from api.models import ApiToken
from api.tests.factories import bearer, make_token
from directory.models import CareerStage, Institution, Visibility
from directory.services import refresh_search_text
from directory.tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    KeywordFactory,
    PersonFactory,
    PlatformFactory,
    TeamFactory,
    TechTransferOfficeFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

HIDEABLE = ("email", "phone", "orcid", "idref", "bio", "keywords", "affiliations")


@pytest.fixture
def shy(db):  # type: ignore[no-untyped-def]
    """A person whose e-mail is for network members and ORCID for the secretariat only."""
    owner = UserFactory(email="shy@example.org")
    affiliation = AffiliationFactory(
        person__user=owner,
        person__last_name="Aubrac",
        person__email="shy@example.org",
        person__phone="01 44 27 00 00",
        person__bio="Immunothérapie des tumeurs solides.",
        person__visibility={"email": Visibility.NETWORK, "orcid": Visibility.STAFF},
    )
    person = affiliation.person
    person.keywords.add(KeywordFactory(label="Immunothérapie"))
    return person


def _caller_headers(kind, shy):  # type: ignore[no-untyped-def]
    if kind == "anonymous":
        return {}
    user = {
        "member": lambda: UserFactory(roles=[Role.RESEARCHER]),
        "staff": lambda: UserFactory(roles=[Role.SECRETARIAT]),
        "self": lambda: shy.user,
    }[kind]()
    _token, secret = make_token(user)
    return bearer(secret)


# what each caller may read of ``shy`` (phone defaults to staff, the rest to public)
EXPECTED = {
    "anonymous": {"bio", "idref", "keywords", "affiliations"},
    "member": {"email", "bio", "idref", "keywords", "affiliations"},
    "staff": {"email", "phone", "orcid", "bio", "idref", "keywords", "affiliations"},
    "self": set(HIDEABLE),
}


def _check_visibility(data, kind, shy):  # type: ignore[no-untyped-def]
    visible = EXPECTED[kind]
    assert data["first_name"] == shy.first_name and data["last_name"] == "Aubrac"
    assert (data["email"] == "shy@example.org") is ("email" in visible)
    assert (data["phone"] == "01 44 27 00 00") is ("phone" in visible)
    assert (data["orcid"] == shy.orcid) is ("orcid" in visible)
    assert (data["orcid_url"] is not None) is ("orcid" in visible)
    assert (data["bio"] == shy.bio) is ("bio" in visible)
    assert (data["keywords"] is not None) is ("keywords" in visible)
    assert (data["affiliations"] is not None) is ("affiliations" in visible)
    for field in set(HIDEABLE) - visible:
        assert data.get(field) is None, field


@pytest.mark.parametrize("kind", ["anonymous", "member", "staff", "self"])
def test_people_list_shows_each_caller_what_the_pages_show(client, shy, kind):
    response = client.get(reverse("api:directory-people"), headers=_caller_headers(kind, shy))
    assert response.status_code == 200
    [data] = [p for p in response.json()["items"] if p["id"] == shy.pk]
    _check_visibility(data, kind, shy)


@pytest.mark.parametrize("kind", ["anonymous", "member", "staff", "self"])
def test_person_detail_shows_each_caller_what_the_pages_show(client, shy, kind):
    response = client.get(reverse("api:directory-person", args=[shy.pk]), headers=_caller_headers(kind, shy))
    assert response.status_code == 200
    _check_visibility(response.json(), kind, shy)


def test_hidden_fields_are_not_in_the_body_at_all(client, shy):
    body = client.get(reverse("api:directory-person", args=[shy.pk])).content.decode()
    assert "shy@example.org" not in body and shy.orcid not in body and "01 44 27" not in body


def test_person_hiding_affiliations_and_keywords_from_the_public(client):
    person = AffiliationFactory(
        person__visibility={"affiliations": Visibility.NETWORK, "keywords": Visibility.STAFF}
    ).person
    person.keywords.add(KeywordFactory(label="Oncogénétique"))
    data = client.get(reverse("api:directory-person", args=[person.pk])).json()
    assert data["affiliations"] is None and data["keywords"] is None
    assert "Oncogénétique" not in str(data)


def test_person_detail_lists_past_affiliations_and_the_list_only_current_ones(client):
    from datetime import date

    current = AffiliationFactory()
    AffiliationFactory(person=current.person, is_primary=False, start=date(2010, 1, 1), end=date(2015, 1, 1))

    detail = client.get(reverse("api:directory-person", args=[current.person.pk])).json()
    assert len(detail["affiliations"]) == 2
    listed = client.get(reverse("api:directory-people")).json()["items"]
    [row] = [p for p in listed if p["id"] == current.person.pk]
    assert len(row["affiliations"]) == 1 and row["affiliations"][0]["end"] is None


# --- filters -------------------------------------------------------------------------------


def _ids(client, name, headers=None, **params):  # type: ignore[no-untyped-def]
    response = client.get(reverse(name), params, headers=headers or {})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_people_filters(client):
    theme = KeywordFactory(label="Épigénétique")
    a = AffiliationFactory(person__first_name="Irène", person__last_name="Curie")
    b = AffiliationFactory(person__career_stage=CareerStage.POSTDOC)
    a.person.keywords.add(theme)
    refresh_search_text([a.person, b.person])

    _token, secret = make_token(UserFactory(roles=[Role.SECRETARIAT]))
    staff = bearer(secret)

    assert _ids(client, "api:directory-people", q="curie") == {a.person.pk}
    assert _ids(client, "api:directory-people", career_stage=CareerStage.POSTDOC) == {b.person.pk}
    assert _ids(client, "api:directory-people", staff, institution=b.institution.pk) == {b.person.pk}
    assert _ids(client, "api:directory-people", staff, unit=a.unit.pk) == {a.person.pk}
    assert _ids(client, "api:directory-people", staff, team=b.team.pk) == {b.person.pk}
    assert _ids(client, "api:directory-people", staff, keyword=theme.pk) == {a.person.pk}


def test_anonymous_callers_filter_people_with_default_visibility(client):
    theme = KeywordFactory(label="Protéomique")
    affiliation = AffiliationFactory()
    affiliation.person.keywords.add(theme)

    assert _ids(client, "api:directory-people", institution=affiliation.institution.pk) == {
        affiliation.person.pk
    }
    assert _ids(client, "api:directory-people", keyword=theme.pk) == {affiliation.person.pk}


def test_filtering_on_hidden_affiliations_follows_the_caller(client):
    affiliation = AffiliationFactory(person__visibility={"affiliations": Visibility.NETWORK})
    _token, secret = make_token(UserFactory(roles=[Role.RESEARCHER]))

    assert _ids(client, "api:directory-people", institution=affiliation.institution.pk) == set()
    member = _ids(client, "api:directory-people", bearer(secret), institution=affiliation.institution.pk)
    assert member == {affiliation.person.pk}


def test_people_filter_rejects_an_unknown_career_stage(client):
    response = client.get(reverse("api:directory-people"), {"career_stage": "astronaut"})
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_institution_unit_team_filters(client):
    inserm = InstitutionFactory(name="Inserm", kind=Institution.Kind.MEMBER)
    partner = InstitutionFactory(name="Fondation ARC", kind=Institution.Kind.PARTNER)
    unit = UnitFactory(parents=[inserm])
    other_unit = UnitFactory(parents=[partner])
    keyword = KeywordFactory(label="Métabolisme")
    team = TeamFactory(unit=unit)
    team.keywords.add(keyword)
    other_team = TeamFactory(unit=other_unit)

    assert _ids(client, "api:directory-institutions", kind="partner") == {partner.pk}
    assert _ids(client, "api:directory-institutions", q="inserm") == {inserm.pk}
    assert _ids(client, "api:directory-units", institution=inserm.pk) == {unit.pk}
    assert _ids(client, "api:directory-teams", institution=partner.pk) == {other_team.pk}
    assert _ids(client, "api:directory-teams", keyword=keyword.pk) == {team.pk}


def test_platform_and_tech_transfer_filters(client):
    host = InstitutionFactory()
    technology = KeywordFactory(label="Cytométrie")
    platform = PlatformFactory(host_institution=host)
    platform.technologies.add(technology)
    PlatformFactory()
    satt = TechTransferOfficeFactory(name="SATT Lutech", city="Paris")
    satt.institutions.add(host)
    TechTransferOfficeFactory(name="Inserm Transfert")

    assert _ids(client, "api:directory-platforms", technology=technology.pk) == {platform.pk}
    assert _ids(client, "api:directory-platforms", institution=host.pk) == {platform.pk}
    assert _ids(client, "api:directory-ttos", q="lutech") == {satt.pk}
    assert _ids(client, "api:directory-ttos", institution=host.pk) == {satt.pk}


# --- pagination and 404 --------------------------------------------------------------------


def test_lists_are_paginated_with_limit_and_offset(client):
    people = sorted((PersonFactory(last_name=f"Nom{i:02d}") for i in range(7)), key=lambda p: p.last_name)

    page = client.get(reverse("api:directory-people"), {"limit": 3, "offset": 3}).json()

    assert page["count"] == 7
    assert [p["id"] for p in page["items"]] == [p.pk for p in people[3:6]]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"}])
def test_bad_pagination_answers_422(client, params):
    assert client.get(reverse("api:directory-people"), params).status_code == 422


@pytest.mark.parametrize(
    "name",
    [
        "api:directory-institution",
        "api:directory-unit",
        "api:directory-team",
        "api:directory-person",
        "api:directory-platform",
        "api:directory-tto",
    ],
)
def test_unknown_ids_answer_404_in_json(client, name):
    response = client.get(reverse(name, args=[987654]))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_detail_endpoints_answer_with_the_object(client, world):
    checks = {
        "api:directory-institution": world.institution,
        "api:directory-unit": world.unit,
        "api:directory-team": world.team,
        "api:directory-platform": world.platform,
        "api:directory-tto": world.tto,
    }
    for name, obj in checks.items():
        data = client.get(reverse(name, args=[obj.pk])).json()
        assert data["id"] == obj.pk and data["name"] == obj.name, name
        assert data["url"] == f"http://testserver{obj.get_absolute_url()}"
    unit = client.get(reverse("api:directory-unit", args=[world.unit.pk])).json()
    assert [t["id"] for t in unit["teams"]] == [world.team.pk]
    institution = client.get(reverse("api:directory-institution", args=[world.institution.pk])).json()
    assert world.unit.pk in [u["id"] for u in institution["units"]]
    assert institution["people_count"] == 1


# --- query counts --------------------------------------------------------------------------


def _person_row() -> None:
    AffiliationFactory().person.keywords.add(KeywordFactory())


def _team_row() -> None:
    team = TeamFactory()
    team.keywords.add(KeywordFactory())
    team.leaders.add(PersonFactory())


def _unit_row() -> None:
    UnitFactory(director=PersonFactory())


def _platform_row() -> None:
    platform = PlatformFactory(host_unit=UnitFactory())
    platform.technologies.add(KeywordFactory())
    platform.managers.add(PersonFactory())


def _tto_row() -> None:
    TechTransferOfficeFactory().institutions.add(InstitutionFactory())


ROWS = {
    "api:directory-people": _person_row,
    "api:directory-teams": _team_row,
    "api:directory-units": _unit_row,
    "api:directory-institutions": InstitutionFactory,
    "api:directory-platforms": _platform_row,
    "api:directory-ttos": _tto_row,
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_list_query_count_does_not_grow_with_rows(client, name, django_assert_max_num_queries):
    _token, secret = make_token(UserFactory(roles=[Role.SECRETARIAT]))
    counts = []
    for total in (5, 50):
        while client.get(reverse(name), {"limit": 1}).json()["count"] < total:
            ROWS[name]()
        ApiToken.objects.update(last_used_at=None)  # both calls stamp the token's use
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name), {"limit": 100}, headers=bearer(secret))
        assert response.status_code == 200 and response.json()["count"] == total
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    # token + use stamp + roles + count + page + one per prefetched relation, at most
    ApiToken.objects.update(last_used_at=None)
    with django_assert_max_num_queries(8):
        client.get(reverse(name), {"limit": 100}, headers=bearer(secret))


def test_a_hidden_field_is_not_searchable_by_those_who_cannot_see_it(client):
    person = AffiliationFactory(person__visibility={"keywords": Visibility.NETWORK}).person
    person.keywords.add(KeywordFactory(label="Radiobiologie"))
    refresh_search_text([person])
    _token, secret = make_token(UserFactory(roles=[Role.RESEARCHER]))

    assert _ids(client, "api:directory-people", q="radiobiologie") == set()
    member = client.get(
        reverse("api:directory-people"), {"q": "radiobiologie"}, headers=bearer(secret)
    ).json()
    assert [p["id"] for p in member["items"]] == [person.pk]

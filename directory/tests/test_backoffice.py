"""The secretariat's back office: lists, creation, edition, affiliations, choosers, access."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from core.models import AuditEntry
from directory import services
from directory.identifiers import ror_checksum
from directory.models import (
    Affiliation,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
)
from directory.tests import url_access_backoffice
from directory.tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    KeywordFactory,
    PersonFactory,
    PlatformFactory,
    TeamFactory,
    TechTransferOfficeFactory,
    UnitFactory,
    make_orcid,
)

VALID_ROR = "05f82e3" + ror_checksum("05f82e3")


def visibility(**overrides):
    levels = {f: "public" for f in Person.VISIBILITY_DEFAULTS} | overrides
    return {f"visibility_{f}": level for f, level in levels.items()}


def audit_actions(obj):
    return list(
        AuditEntry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk)).values_list(
            "action", flat=True
        )
    )


# --- access ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", sorted(n for n in url_access_backoffice.URL_ACCESS if n != "directory:profile_edit")
)
def test_a_researcher_gets_403_on_every_back_office_url(name, client, world, researcher, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    rule = url_access_backoffice.URL_ACCESS[name]
    client.force_login(researcher)
    response = getattr(client, rule.method)(reverse(name, kwargs=rule.kwargs(world)))
    assert response.status_code == 403
    assert Affiliation.objects.filter(person=world.person).count() == 1  # nothing ended or removed


@pytest.mark.django_db
def test_dashboard_shows_counts_recent_changes_and_links(staff_client, staff, world):
    services.save_institution(data={"name": "Institut Curie", "acronym": "Curie"}, actor=staff)
    body = staff_client.get(reverse("directory:backoffice")).content.decode()
    assert "Gestion de l&#x27;annuaire" in body or "Gestion de l'annuaire" in body
    assert "Institut Curie" in body and "Création" in body  # the audit entry, with a link to the record
    curie = Institution.objects.get(name="Institut Curie")
    assert reverse("directory:bo_institution_edit", args=[curie.pk]) in body
    for kind in ("person", "team", "unit", "institution", "platform", "tto"):
        assert reverse(f"directory:bo_{kind}_list") in body
        assert reverse(f"directory:bo_{kind}_create") in body


# --- creation --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_institution_normalises_the_ror_and_audits(staff_client):
    response = staff_client.post(
        reverse("directory:bo_institution_create"),
        {
            "name": "Gustave Roussy",
            "acronym": "GR",
            "kind": "member",
            "category": "cancer_centre",
            "is_research_body": "on",
            "ror": f"https://ror.org/{VALID_ROR.upper()}",
            "city": "Villejuif",
            "latitude": "48.7944",
            "longitude": "2.3520",
        },
    )
    institution = Institution.objects.get(name="Gustave Roussy")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:bo_institution_edit", args=[institution.pk])
    assert institution.ror == VALID_ROR and institution.kind == "member" and institution.city == "Villejuif"
    assert audit_actions(institution) == ["directory.institution.created"]


@pytest.mark.django_db
def test_create_unit_with_several_parents_and_a_director(staff_client):
    inserm, university = InstitutionFactory(name="Inserm"), InstitutionFactory(name="Université Paris Cité")
    director = PersonFactory()
    response = staff_client.post(
        reverse("directory:bo_unit_create"),
        {
            "name": "Centre de recherche des Cordeliers",
            "acronym": "CRC",
            "code": "UMR 1138",
            "rnsr": "200817476g ",
            "parents": [inserm.pk, university.pk],
            "director": director.pk,
            "city": "Paris",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(acronym="CRC")
    assert set(unit.parents.all()) == {inserm, university}
    assert unit.director == director and unit.rnsr == "200817476G"
    assert audit_actions(unit) == ["directory.unit.created"]


@pytest.mark.django_db
def test_create_team_with_leaders_and_keywords(staff_client):
    unit = UnitFactory()
    leaders = PersonFactory.create_batch(2)
    response = staff_client.post(
        reverse("directory:bo_team_create"),
        {
            "name": "Immunité et cancer",
            "unit": unit.pk,
            "leaders": [p.pk for p in leaders],
            "keywords": "Immunothérapie, lymphomes ; immunothérapie",
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Immunité et cancer")
    assert team.unit == unit and set(team.leaders.all()) == set(leaders)
    assert sorted(k.label for k in team.keywords.all()) == ["Immunothérapie", "lymphomes"]
    assert audit_actions(team) == ["directory.team.created"]


@pytest.mark.django_db
def test_create_person_with_keywords_and_visibility(staff_client):
    orcid = make_orcid(4242)
    response = staff_client.post(
        reverse("directory:bo_person_create"),
        {
            "first_name": "Zoé",
            "last_name": "Quintard",
            "career_stage": "postdoc",
            "email": "Zoe.Quintard@Inserm.fr",
            "orcid": orcid.replace("-", ""),
            "keywords": "gliome, pédiatrie",
            **visibility(email="staff", phone="network"),
        },
    )
    person = Person.objects.get(last_name="Quintard")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:bo_person_edit", args=[person.pk])
    assert person.orcid == orcid and person.email == "zoe.quintard@inserm.fr"
    assert person.visibility_of("email") == "staff" and person.visibility_of("phone") == "network"
    assert {k.label for k in person.keywords.all()} == {"gliome", "pédiatrie"}
    assert "quintard" in person.search_text
    assert audit_actions(person) == ["directory.person.created"]


@pytest.mark.django_db
def test_create_platform_with_label_managers_and_technologies(staff_client, world):
    manager = PersonFactory()
    response = staff_client.post(
        reverse("directory:bo_platform_create"),
        {
            "name": "Plateforme de protéomique Curie",
            "host_institution": world.institution.pk,
            "host_unit": world.unit.pk,
            "technologies": "Protéomique, spectrométrie de masse",
            "label": "ibisa",
            "label_start": "2023-01-01",
            "label_end": "2027-12-31",
            "access_conditions": "Ouverte aux académiques et aux industriels.",
            "pricing": "Académique : 80 € / échantillon",
            "managers": [manager.pk],
            "contact_email": "proteomique@curie.fr",
        },
    )
    assert response.status_code == 302
    platform = Platform.objects.get(name="Plateforme de protéomique Curie")
    assert platform.host_unit == world.unit and list(platform.managers.all()) == [manager]
    assert platform.label_end == datetime.date(2027, 12, 31)
    assert {k.label for k in platform.technologies.all()} == {"Protéomique", "spectrométrie de masse"}
    assert audit_actions(platform) == ["directory.platform.created"]


@pytest.mark.django_db
def test_create_tech_transfer_office(staff_client, world):
    response = staff_client.post(
        reverse("directory:bo_tto_create"),
        {
            "name": "SATT Erganeo",
            "city": "Paris",
            "institutions": [world.institution.pk],
            "website": "erganeo.com",
        },
    )
    assert response.status_code == 302
    office = TechTransferOffice.objects.get(name="SATT Erganeo")
    assert list(office.institutions.all()) == [world.institution] and office.website == "https://erganeo.com"
    assert audit_actions(office) == ["directory.techtransferoffice.created"]


# --- edition, validation errors and concurrent edits ---------------------------------------------


@pytest.mark.django_db
def test_edit_pages_open_with_the_current_values(staff_client, world):
    for kind, obj in (
        ("person", world.person),
        ("team", world.team),
        ("unit", world.unit),
        ("institution", world.institution),
        ("platform", world.platform),
        ("tto", world.tto),
    ):
        response = staff_client.get(reverse(f"directory:bo_{kind}_edit", args=[obj.pk]))
        assert response.status_code == 200, kind
        body = response.content.decode()
        assert f'name="version" value="{obj.version}"' in body, kind
        assert escape(getattr(obj, "name", None) or obj.last_name) in body, kind


@pytest.mark.django_db
def test_edit_team_changes_leaders_and_bumps_the_version(staff_client, world):
    team, leader = world.team, PersonFactory()
    response = staff_client.post(
        reverse("directory:bo_team_edit", args=[team.pk]),
        {
            "name": "Signalisation et métastases",
            "unit": team.unit.pk,
            "leaders": [leader.pk, world.person.pk],
            "keywords": "métastases",
            "version": team.version,
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Signalisation et métastases" and team.version == 2
    assert set(team.leaders.all()) == {leader, world.person}
    assert audit_actions(team) == ["directory.team.updated"]
    entry = AuditEntry.objects.get(action="directory.team.updated")
    assert "name" in entry.data["fields"] and "leaders" in entry.data["fields"]


@pytest.mark.django_db
def test_a_bad_orcid_is_shown_on_its_field_and_everything_typed_is_kept(staff_client, world):
    person = world.person
    before = (person.first_name, person.orcid, person.version)
    response = staff_client.post(
        reverse("directory:bo_person_edit", args=[person.pk]),
        {
            "first_name": "Marie-Claude",
            "last_name": person.last_name,
            "career_stage": "clinician",
            "title": "PU-PH en oncologie",
            "orcid": "0000-0002-1825-0098",
            "keywords": "sarcomes, radiothérapie",
            "version": person.version,
            **visibility(),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "caractère de contrôle" in form.errors["orcid"][0]
    body = response.content.decode()
    for typed in ("Marie-Claude", "PU-PH en oncologie", "0000-0002-1825-0098", "sarcomes, radiothérapie"):
        assert typed in body
    assert 'id="error-summary"' in body and 'href="#id_orcid"' in body
    person.refresh_from_db()
    assert (person.first_name, person.orcid, person.version) == before
    assert audit_actions(person) == []


@pytest.mark.django_db
def test_a_bad_ror_and_label_dates_are_refused_with_the_services_message(staff_client, world):
    response = staff_client.post(
        reverse("directory:bo_institution_edit", args=[world.institution.pk]),
        {"name": world.institution.name, "kind": "member", "ror": "05f82e300", "version": 1},
    )
    assert "clé de contrôle" in response.context["form"].errors["ror"][0]
    response = staff_client.post(
        reverse("directory:bo_platform_edit", args=[world.platform.pk]),
        {
            "name": world.platform.name,
            "host_institution": world.institution.pk,
            "label": "ibisa",
            "label_start": "2024-01-01",
            "label_end": "2023-01-01",
            "version": 1,
        },
    )
    assert "postérieure" in response.context["form"].errors["label_end"][0]
    world.platform.refresh_from_db()
    assert world.platform.label == "" and world.platform.version == 1


@pytest.mark.django_db
def test_required_fields_are_listed_in_the_error_summary(staff_client):
    response = staff_client.post(reverse("directory:bo_team_create"), {"name": "", "keywords": "a, b"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "unit"}
    body = response.content.decode()
    assert 'href="#id_name"' in body and 'href="#id_unit"' in body and 'value="a, b"' in body
    assert not Team.objects.exists()


@pytest.mark.django_db
def test_two_edits_from_the_same_version_the_second_is_refused(staff_client, world):
    unit = world.unit
    url = reverse("directory:bo_unit_edit", args=[unit.pk])
    parents = [p.pk for p in unit.parents.all()]
    first = staff_client.post(url, {"name": "Premier nom", "parents": parents, "version": unit.version})
    assert first.status_code == 302
    second = staff_client.post(
        url, {"name": "Second nom", "acronym": "SN", "parents": parents, "version": unit.version}
    )
    assert second.status_code == 200
    body = second.content.decode()
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in body or "modifiée par quelqu'un d'autre" in body
    assert 'value="Second nom"' in body and 'value="SN"' in body  # the user's input is kept
    unit.refresh_from_db()
    assert unit.name == "Premier nom" and unit.acronym != "SN" and unit.version == 2
    assert audit_actions(unit) == ["directory.unit.updated"]


@pytest.mark.django_db
def test_unknown_object_is_404(staff_client):
    assert staff_client.get(reverse("directory:bo_person_edit", args=[999999])).status_code == 404


# --- affiliations ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_end_and_remove_an_affiliation(staff_client, staff, world):
    person = PersonFactory()
    team = world.team
    response = staff_client.post(
        reverse("directory:bo_affiliation_add", args=[person.pk]),
        {
            "institution": world.institution.pk,
            "team": team.pk,
            "position": "Post-doctorante",
            "start": "2022-09-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("directory:bo_person_edit", args=[person.pk]) + "#affiliations"
    )
    affiliation = person.affiliations.get()
    assert affiliation.unit == team.unit and affiliation.is_primary and affiliation.end is None

    response = staff_client.post(
        reverse("directory:bo_affiliation_end", args=[affiliation.pk]), {"end": "2021-01-01"}
    )
    affiliation.refresh_from_db()
    assert affiliation.end is None  # before the start: refused
    response = staff_client.post(
        reverse("directory:bo_affiliation_end", args=[affiliation.pk]), {"end": "2024-08-31"}
    )
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.end == datetime.date(2024, 8, 31)

    page = staff_client.get(reverse("directory:bo_person_edit", args=[person.pk])).content.decode()
    assert "Post-doctorante" in page and "31/08/2024" in page

    staff_client.post(reverse("directory:bo_affiliation_remove", args=[affiliation.pk]))
    assert not person.affiliations.exists()
    assert audit_actions(person) == [
        "directory.affiliation.deleted",
        "directory.affiliation.ended",
        "directory.affiliation.created",
    ]


@pytest.mark.django_db
def test_affiliation_to_an_institution_that_is_not_a_parent_is_refused_and_kept(staff_client, world):
    person, elsewhere = PersonFactory(), InstitutionFactory(name="Institut Pasteur")
    response = staff_client.post(
        reverse("directory:bo_affiliation_add", args=[person.pk]),
        {"institution": elsewhere.pk, "unit": world.unit.pk, "position": "Ingénieure"},
    )
    assert response.status_code == 200
    assert "tutelle" in response.context["form"].errors["institution"][0]
    body = response.content.decode()
    assert 'value="Ingénieure"' in body and f'value="{world.unit.pk}" checked' in body
    assert not person.affiliations.exists()


@pytest.mark.django_db
def test_affiliation_end_and_remove_answer_only_to_post(staff_client, world):
    affiliation = world.person.affiliations.get()
    assert staff_client.get(reverse("directory:bo_affiliation_end", args=[affiliation.pk])).status_code == 405
    assert (
        staff_client.get(reverse("directory:bo_affiliation_remove", args=[affiliation.pk])).status_code == 405
    )


# --- choosers --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_chooser_returns_matches_and_keeps_what_is_chosen(staff_client):
    chosen = PersonFactory(first_name="Anne", last_name="Dubreuil")
    for n in range(30):
        PersonFactory(first_name=f"Prénom{n}", last_name="Dupont", search_text=f"prenom{n} dupont")
    services.refresh_search_text(Person.objects.all())
    url = reverse("directory:bo_choices", args=["people"])
    response = staff_client.get(
        url, {"q": "dupont", "field": "leaders", "multiple": "1", "leaders": [chosen.pk]}
    )
    assert response.status_code == 200
    selected, results = response.context["selected"], response.context["results"]
    assert selected == [(str(chosen.pk), "DUBREUIL Anne")]
    assert len(results) == 20 and all("DUPONT" in label for _pk, label in results)
    body = response.content.decode()
    assert f'type="checkbox" name="leaders" value="{chosen.pk}" checked' in body


@pytest.mark.django_db
def test_unit_chooser_single_choice_and_bad_requests(staff_client, world):
    url = reverse("directory:bo_choices", args=["units"])
    response = staff_client.get(
        url, {"q": world.unit.acronym, "field": "unit", "multiple": "0", "optional": "1"}
    )
    assert [pk for pk, _label in response.context["results"]] == [str(world.unit.pk)]
    assert 'type="radio" name="unit" value=""' in response.content.decode()
    assert staff_client.get(url, {"q": "x", "field": "<script>"}).status_code == 400
    assert (
        staff_client.get(reverse("directory:bo_choices", args=["users"]), {"field": "x"}).status_code == 404
    )


@pytest.mark.django_db
def test_an_edit_page_renders_only_the_chosen_people_not_the_whole_directory(staff_client, world):
    PersonFactory.create_batch(40, last_name="Figurant")
    world.team.leaders.set([world.person])
    body = staff_client.get(reverse("directory:bo_team_edit", args=[world.team.pk])).content.decode()
    assert "FIGURANT" not in body and escape(world.person.last_name.upper()) in body


# --- lists: search, pagination and a fixed number of queries ---------------------------------------


def _make_rows(kind, n):
    if kind == "person":
        for aff in AffiliationFactory.create_batch(n):
            aff.person.keywords.add(KeywordFactory())
    elif kind == "team":
        for team in TeamFactory.create_batch(n):
            team.leaders.add(PersonFactory())
            team.keywords.add(KeywordFactory())
    elif kind == "unit":
        for unit in UnitFactory.create_batch(n):
            TeamFactory(unit=unit)
    elif kind == "institution":
        InstitutionFactory.create_batch(n)
    elif kind == "platform":
        for platform in PlatformFactory.create_batch(n, host_unit=UnitFactory()):
            platform.technologies.add(KeywordFactory())
            platform.managers.add(PersonFactory())
    else:
        for office in TechTransferOfficeFactory.create_batch(n):
            office.institutions.add(InstitutionFactory())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["person", "team", "unit", "institution", "platform", "tto"])
def test_list_pages_use_a_fixed_number_of_queries(kind, staff_client, django_assert_max_num_queries):
    url = reverse(f"directory:bo_{kind}_list")
    _make_rows(kind, 10)
    with CaptureQueriesContext(connection) as ten:
        assert staff_client.get(url).status_code == 200
    _make_rows(kind, 30)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["page_obj"].object_list) == 25
    assert response.context["page_obj"].paginator.num_pages == 2


@pytest.mark.django_db
def test_list_search_finds_by_name(staff_client):
    InstitutionFactory(name="Institut Curie", acronym="Curie")
    InstitutionFactory(name="Assistance Publique", acronym="AP-HP")
    body = staff_client.get(reverse("directory:bo_institution_list"), {"q": "curie"}).content.decode()
    assert "Institut Curie" in body and "Assistance Publique" not in body


@pytest.mark.django_db
def test_keyword_suggestions_come_from_existing_keywords(staff_client, world):
    world.person.keywords.add(Keyword.objects.create(label="Oncogériatrie", normalised="oncogeriatrie"))
    body = staff_client.get(reverse("directory:bo_person_create")).content.decode()
    assert 'data-keyword="Oncogériatrie"' in body


@pytest.mark.django_db
def test_the_audit_lists_only_the_fields_really_changed(staff_client, world):
    person = world.person
    services.save_person(
        instance=person, data={}, actor=None, keywords=["Gliome"], visibility={"phone": "network"}
    )
    person.refresh_from_db()
    AuditEntry.objects.all().delete()
    staff_client.post(
        reverse("directory:bo_person_edit", args=[person.pk]),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "career_stage": person.career_stage,
            "email": person.email,
            "orcid": person.orcid,
            "title": "Directrice de recherche",
            "keywords": "gliome",
            "version": person.version,
            **visibility(email="network", phone="network", orcid="public"),
        },
    )
    entry = AuditEntry.objects.get(action="directory.person.updated")
    assert entry.data["fields"] == ["title"]
    page = staff_client.get(reverse("directory:bo_person_edit", args=[person.pk])).content.decode()
    assert "— fonction" in page  # the history names the field as the form does


@pytest.mark.django_db
def test_an_institution_logo_can_be_uploaded_and_is_kept_on_later_edits(staff_client, world):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "purple").save(buffer, format="PNG")
    institution = world.institution
    url = reverse("directory:bo_institution_edit", args=[institution.pk])
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    staff_client.post(url, {"name": institution.name, "kind": "member", "version": 1, "logo": logo})
    institution.refresh_from_db()
    assert institution.logo.name.startswith("logos/") and institution.version == 2
    staff_client.post(url, {"name": "Nouveau nom", "kind": "member", "version": 2})
    institution.refresh_from_db()
    assert institution.name == "Nouveau nom" and institution.logo.name.startswith("logos/")

import pytest

from core.errors import InvalidInput, StaleVersion
from core.models import AuditEntry
from directory import services
from directory.models import Institution, Person, Visibility
from directory.tests.factories import AffiliationFactory, InstitutionFactory, PersonFactory, TeamFactory


@pytest.mark.django_db
def test_identifiers_are_validated_and_stored_normalised(staff):
    person = services.save_person(
        data={"first_name": "Anne", "last_name": "Durand", "orcid": "https://orcid.org/0000-0002-1825-0097"},
        actor=staff,
    )
    assert person.orcid == "0000-0002-1825-0097"
    with pytest.raises(InvalidInput) as err:
        services.save_person(
            data={"first_name": "B", "last_name": "C", "orcid": "0000-0002-1825-0098"}, actor=staff
        )
    assert err.value.field == "orcid"
    with pytest.raises(InvalidInput):  # same ORCID twice
        services.save_person(
            data={"first_name": "B", "last_name": "C", "orcid": "0000000218250097"}, actor=staff
        )
    inst = services.save_institution(
        data={"name": "Inserm", "ror": "https://ror.org/02VJKV261", "kind": Institution.Kind.MEMBER},
        actor=staff,
    )
    assert inst.ror == "02vjkv261"
    with pytest.raises(InvalidInput) as err:
        services.save_institution(data={"name": "X", "ror": "02vjkv262"}, actor=staff)
    assert err.value.field == "ror"


@pytest.mark.django_db
def test_concurrent_edits_do_not_overwrite_each_other(staff):
    person = PersonFactory(bio="v1")
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    services.save_person(instance=first, data={"bio": "edit A"}, actor=staff, expected_version=first.version)
    with pytest.raises(StaleVersion):
        services.save_person(
            instance=second, data={"bio": "edit B"}, actor=staff, expected_version=second.version
        )
    assert Person.objects.get(pk=person.pk).bio == "edit A"


@pytest.mark.django_db
def test_changes_are_audited_with_changed_fields(staff):
    person = PersonFactory(title="")
    services.save_person(
        instance=person, data={"title": "DR Inserm"}, actor=staff, expected_version=person.version
    )
    entry = AuditEntry.objects.get(action="directory.person.updated")
    assert entry.actor == staff and entry.data["fields"] == ["title"]


@pytest.mark.django_db
def test_search_text_keeps_hidden_fields_out_of_the_public_text(staff):
    aff = AffiliationFactory(person__first_name="Élodie", person__last_name="Bénard")
    person = aff.person
    services.save_person(
        instance=person,
        data={},
        actor=staff,
        keywords=["Immunothérapie"],
        visibility={"keywords": Visibility.NETWORK},
    )
    person.refresh_from_db()
    assert "immunotherapie" in person.search_text and "elodie benard" in person.search_text
    assert "immunotherapie" not in person.public_search_text
    assert services.fold(aff.team.name) in person.public_search_text


@pytest.mark.django_db
def test_keywords_are_merged_across_case_and_accents():
    a = services.get_or_create_keywords(["Radiothérapie", "radiotherapie", " RADIOTHÉRAPIE "])
    assert len(a) == 1


@pytest.mark.django_db
def test_affiliation_must_match_the_unit_parents(staff):
    team = TeamFactory()
    outsider = InstitutionFactory()
    person = PersonFactory()
    with pytest.raises(InvalidInput):
        services.add_affiliation(person=person, actor=staff, institution=outsider, team=team)
    aff = services.add_affiliation(
        person=person, actor=staff, institution=team.unit.parents.first(), team=team
    )
    assert aff.unit == team.unit and aff.is_primary


@pytest.mark.django_db
def test_visibility_values_are_checked(staff):
    person = PersonFactory()
    with pytest.raises(InvalidInput):
        services.save_person(instance=person, data={}, actor=staff, visibility={"email": "everyone"})
    with pytest.raises(InvalidInput):
        services.save_person(instance=person, data={}, actor=staff, visibility={"password": "public"})


@pytest.mark.django_db
def test_new_account_is_linked_to_the_directory_record_with_the_same_email():
    from accounts.models import User

    person = PersonFactory(email="marie.curie@curie.fr")
    user = User.objects.create_user("Marie.Curie@curie.fr", "x" * 12)
    assert services.link_new_account(user=user) == person
    assert Person.objects.get(pk=person.pk).user == user

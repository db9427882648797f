"""The back-office forms validate and hand clean data to the services; they never save."""

import pytest

from directory.forms import (
    AffiliationForm,
    InstitutionForm,
    KeywordsField,
    OwnProfileForm,
    PersonForm,
    TeamForm,
    choice_items,
)
from directory.models import Person
from directory.tests.factories import InstitutionFactory, KeywordFactory, PersonFactory, TeamFactory


def test_keywords_are_split_trimmed_and_deduplicated():
    field = KeywordsField()
    assert field.clean(" immunothérapie,  lymphomes ;sarcomes\n lymphomes ,, ") == [
        "immunothérapie",
        "lymphomes",
        "sarcomes",
    ]
    assert field.clean("") == []


def test_a_too_long_keyword_is_refused():
    with pytest.raises(Exception, match="120"):
        KeywordsField().clean("x" * 121)


@pytest.mark.django_db
def test_keywords_show_as_comma_separated_text():
    labels = [KeywordFactory(label="Gliome"), KeywordFactory(label="Pédiatrie")]
    assert KeywordsField().prepare_value(labels) == "Gliome, Pédiatrie"


@pytest.mark.django_db
def test_a_form_never_saves_and_an_edit_form_carries_the_version():
    person = PersonFactory()
    person.version = 7
    assert "version" not in PersonForm().fields
    form = PersonForm(instance=person)
    assert form["version"].value() == 7
    with pytest.raises(NotImplementedError):
        form.save()


@pytest.mark.django_db
def test_person_form_hands_data_keywords_and_visibility_to_the_service():
    person = PersonFactory(first_name="Anne", visibility={"phone": "network"})
    data = {
        "first_name": "Zoé",
        "last_name": "Quintard",
        "career_stage": "postdoc",
        "orcid": "https://orcid.org/x",
        "keywords": "gliome",
        "version": "1",
        **{f"visibility_{f}": "public" for f in Person.VISIBILITY_DEFAULTS},
    }
    form = PersonForm(data, instance=person)
    assert form.is_valid(), form.errors
    kwargs = form.service_kwargs()
    assert kwargs["data"]["orcid"] == "https://orcid.org/x"  # checked by the service, not here
    assert kwargs["keywords"] == ["gliome"] and kwargs["visibility"]["phone"] == "public"
    assert "version" not in kwargs["data"] and "keywords" not in kwargs["data"]
    assert not any(k.startswith("visibility") for k in kwargs["data"])
    assert form.expected_version == 1
    person.refresh_from_db()
    assert person.first_name != "Zoé"  # validating touched nothing


@pytest.mark.django_db
def test_visibility_fields_start_from_the_persons_choices():
    person = PersonFactory(visibility={"email": "staff"})
    form = PersonForm(instance=person)
    assert form["visibility_email"].value() == "staff"
    assert form["visibility_phone"].value() == Person.VISIBILITY_DEFAULTS["phone"]


def test_own_profile_form_has_no_name_email_or_affiliation_fields():
    fields = set(OwnProfileForm().fields)
    assert {"first_name", "last_name", "email", "gender"}.isdisjoint(fields)
    assert {"title", "career_stage", "phone", "orcid", "idref", "bio", "keywords", "visibility_bio"} <= fields


@pytest.mark.django_db
def test_institution_logo_is_left_alone_unless_changed():
    institution = InstitutionFactory()
    form = InstitutionForm({"name": "Inserm", "kind": "member", "version": "1"}, instance=institution)
    assert form.is_valid(), form.errors
    assert "logo" not in form.service_kwargs()["data"]


@pytest.mark.django_db
def test_affiliation_dates_must_be_in_order():
    institution = InstitutionFactory()
    form = AffiliationForm({"institution": institution.pk, "start": "2024-01-01", "end": "2023-01-01"})
    assert not form.is_valid() and "end" in form.errors


@pytest.mark.django_db
def test_the_chooser_renders_only_the_chosen_rows():
    leader = PersonFactory(first_name="Anne", last_name="Dubreuil")
    PersonFactory.create_batch(20, last_name="Figurant")
    team = TeamFactory()
    team.leaders.set([leader])
    html = str(TeamForm(instance=team)["leaders"])
    assert "DUBREUIL Anne" in html and "FIGURANT" not in html
    assert f'value="{leader.pk}" checked' in html and 'hx-get="/directory/manage/choices/people/"' in html


@pytest.mark.django_db
def test_choice_items_ignore_garbage_and_keep_order():
    a, b = PersonFactory(last_name="Alpha"), PersonFactory(last_name="Beta")
    assert [pk for pk, _ in choice_items("people", [str(b.pk), "x;drop", str(a.pk), "999999"])] == [
        str(b.pk),
        str(a.pk),
    ]

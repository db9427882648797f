import factory

from directory.identifiers import orcid_check_character
from directory.models import (
    Affiliation,
    CareerStage,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
    UnitParent,
)
from directory.services import fold


def make_orcid(n: int) -> str:
    base = f"000000021{n:06d}"[-15:]
    digits = base + orcid_check_character(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


class KeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Keyword
        django_get_or_create = ("normalised",)

    label = factory.Sequence(lambda n: f"Keyword {n}")
    normalised = factory.LazyAttribute(lambda o: fold(o.label))


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institut de recherche {n}")
    acronym = factory.Sequence(lambda n: f"IR{n}")
    kind = Institution.Kind.MEMBER
    category = Institution.Category.UNIVERSITY
    city = "Paris"
    latitude = 48.8566
    longitude = 2.3522


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Unité de biologie du cancer {n}")
    acronym = factory.Sequence(lambda n: f"UBC{n}")
    code = factory.Sequence(lambda n: f"U{1000 + n}")
    city = "Paris"

    @factory.post_generation
    def parents(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        for institution in extracted or [InstitutionFactory()]:
            UnitParent.objects.create(unit=self, institution=institution)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Équipe signalisation tumorale {n}")
    unit = factory.SubFactory(UnitFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    career_stage = CareerStage.RESEARCHER
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    orcid = factory.Sequence(make_orcid)
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.first_name} {o.last_name}"))
    public_search_text = factory.LazyAttribute(lambda o: fold(f"{o.first_name} {o.last_name}"))


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(TeamFactory)
    unit = factory.LazyAttribute(lambda o: o.team.unit)
    institution = factory.LazyAttribute(lambda o: o.team.unit.parents.first())
    is_primary = True


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"Plateforme de génomique {n}")
    host_institution = factory.SubFactory(InstitutionFactory)
    services = "Séquençage haut débit, single-cell"


class TechTransferOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechTransferOffice

    name = factory.Sequence(lambda n: f"SATT {n}")

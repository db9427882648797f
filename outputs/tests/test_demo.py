"""The demo publications: plausible, on each person's topics, deterministic, linked for real."""

import re
from collections import Counter
from random import Random

import pytest

from directory.tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    KeywordFactory,
    TeamFactory,
    UnitFactory,
)
from outputs.demo import seed_publications
from outputs.models import AuthorCandidate, Authorship, Publication

Match = Authorship.Match


@pytest.fixture
def demo_people(db):  # type: ignore[no-untyped-def]
    radio = KeywordFactory(label="radiothérapie")
    immuno = KeywordFactory(label="immunothérapie")
    epi = KeywordFactory(label="épidémiologie")
    people = []
    for i, keyword in enumerate([radio, immuno, epi, radio]):
        institution = InstitutionFactory()
        team = TeamFactory(unit=UnitFactory(parents=[institution]))
        for j in range(4):
            a = AffiliationFactory(
                team=team,
                person__first_name=f"Prénom{i}{j}",
                person__last_name="Martin" if j == 0 else f"Nom{i}{j}",
            )
            a.person.keywords.add(keyword)
            people.append(a.person)
    return people


def snapshot():  # type: ignore[no-untyped-def]
    return list(Publication.objects.order_by("doi").values_list("doi", "title", "year", "language"))


def test_seed_is_plausible_and_deterministic(demo_people):
    report = seed_publications(Random(7), demo_people)
    first = snapshot()
    assert report["publications"] == len(first) > 0
    per_person = Counter(
        Authorship.objects.filter(person__isnull=False)
        .exclude(match=Match.AMBIGUOUS)
        .values_list("person_id", flat=True)
    )
    assert all(3 <= per_person[p.pk] <= 25 for p in demo_people)
    assert all(re.fullmatch(r"10\.5555/canc\.20\d\d\.\d{5}", doi) for doi, *_ in first)
    assert all(2012 <= year <= 2026 for *_, year, _lang in first)
    languages = Counter(lang for *_, lang in first)
    assert languages["fr"] > 0 and languages["en"] > languages["fr"]
    for pub in Publication.objects.all()[:50]:
        sentences = [s for s in re.split(r"(?<=[.?!])\s+", pub.abstract) if s]
        assert 3 <= len(sentences) <= 6, pub.abstract
        assert pub.title_key and pub.keywords
    radiotherapy = Publication.objects.filter(authorships__person=demo_people[0]).distinct()
    assert sum("radio" in (p.title + p.abstract).lower() for p in radiotherapy) >= len(radiotherapy) / 2
    # co-authors from the same team, and across institutions now and then
    cross = [
        p for p in Publication.objects.prefetch_related("authorships__person__affiliations")
        if len({a.institution_id for x in p.authorships.all() if x.person for a in x.person.affiliations.all()}) > 1
    ]  # fmt: skip
    assert cross
    assert Authorship.objects.filter(match=Match.UNMATCHED).exists()
    assert (
        AuthorCandidate.objects.filter(authorship__match=Match.AMBIGUOUS).count() >= 2
    )  # the Martin namesakes

    Publication.objects.all().delete()
    seed_publications(Random(7), demo_people)
    assert snapshot() == first

"""A small network whose people are the authors of the sample files in ``samples/``."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def samples():  # type: ignore[no-untyped-def]
    return SAMPLES


@pytest.fixture
def network(db):  # type: ignore[no-untyped-def]
    from accounts.tests.factories import UserFactory
    from directory.tests.factories import (
        AffiliationFactory,
        InstitutionFactory,
        PersonFactory,
        TeamFactory,
        UnitFactory,
    )

    curie = InstitutionFactory(name="Institut Curie", acronym="IC")
    roussy = InstitutionFactory(name="Gustave Roussy", acronym="GR")
    aphp = InstitutionFactory(name="Assistance Publique – Hôpitaux de Paris", acronym="AP-HP")
    inserm = InstitutionFactory(
        name="Institut national de la santé et de la recherche médicale", acronym="Inserm"
    )
    u932 = UnitFactory(name="Immunité et cancer", acronym="ICU", code="U932", parents=[curie, inserm])
    u1015 = UnitFactory(
        name="Immunologie des tumeurs et immunothérapie", acronym="ITI", code="U1015", parents=[roussy]
    )
    cress = UnitFactory(
        name="Centre de recherche en épidémiologie et santé des populations",
        acronym="CESP",
        code="U1018",
        parents=[inserm],
    )
    team_curie = TeamFactory(name="Immunologie du mélanome uvéal", unit=u932)
    team_roussy = TeamFactory(name="Biopsies liquides", unit=u1015)
    team_cress = TeamFactory(name="Épidémiologie sociale des cancers", unit=cress)

    def person(first, last, orcid="", *, team=None, institution=None, start=None, end=None, user=None):  # type: ignore[no-untyped-def]
        p = PersonFactory(first_name=first, last_name=last, orcid=orcid, user=user)
        AffiliationFactory(
            person=p,
            team=team,
            unit=team.unit if team else None,
            institution=institution or team.unit.parents.first(),
            start=start,
            end=end,
        )
        return p

    marie_user = UserFactory(email="marie.lefevre@example.org")
    sophie_user = UserFactory(email="sophie.bernard@example.org")
    return SimpleNamespace(
        curie=curie,
        roussy=roussy,
        aphp=aphp,
        u932=u932,
        u1015=u1015,
        team_curie=team_curie,
        marie=person("Marie", "Lefèvre", "0000-0003-1234-5674", team=team_curie, user=marie_user),
        marie_user=marie_user,
        jean_pierre=person("Jean-Pierre", "Dubois", team=team_roussy, start=dt.date(2015, 1, 1)),
        claire_1=person("Claire", "Martin", institution=aphp),
        claire_2=person("Claire", "Martin", institution=aphp),
        thi_lan=person("Thi Lan", "Nguyen", team=team_curie),
        sophie=person("Sophie", "Bernard", "0000-0001-7654-3210", team=team_cress, user=sophie_user),
        sophie_user=sophie_user,
        lucas=person("Lucas", "Garcia", team=team_roussy, end=dt.date(2012, 12, 31)),
    )

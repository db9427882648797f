"""Test data for the collaboration network: a hand-built network whose every edge is known.

Three institutions: A (member), B (partner), C (other); teams tA1 and tA2 in A, tB in B, tC in C.
People: ``pa`` in A/tA1 and ``pa2`` in A/tA2 (undated); ``pb`` in B/tB from 2018; ``pc`` in
C/tC from 2015 to mid-2019, then in A/tA1 from mid-2019 (both count in 2019).

| pub | year | linked authors          | institutions | teams            |
|-----|------|-------------------------|--------------|------------------|
| P1  | 2016 | pa, pc                  | A C          | tA1 tC           |
| P2  | 2017 | pa, pb (not yet in B)   | A            | tA1              |
| P3  | 2018 | pa, pb, pc              | A B C        | tA1 tB tC        |
| P4  | 2020 | pc, pa                  | A            | tA1              |
| P5  | 2019 | pc (moving)             | A C          | tA1 tC           |
| P6  | 2018 | pa, pa2                 | A            | tA1 tA2          |
| P7  | 2018 | pa, pb — a preprint     | (left out)   |                  |
| P8  | 2018 | pa; pb only ambiguous   | A            | tA1              |
| P9  | —    | pa, pb                  | A B (today)  | tA1 tB           |
"""

import datetime as dt
from types import SimpleNamespace

from directory.models import Institution
from directory.tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    TeamFactory,
    UnitFactory,
)
from outputs.models import Authorship, Publication
from outputs.tests.factories import AuthorshipFactory, PublicationFactory

Match = Authorship.Match


def team_in(institution: Institution, name: str):  # type: ignore[no-untyped-def]
    return TeamFactory(name=name, unit=UnitFactory(parents=[institution]))


def affiliate(person, team, institution, start=None, end=None):  # type: ignore[no-untyped-def]
    return AffiliationFactory(
        person=person, team=team, unit=team.unit, institution=institution, start=start, end=end
    )


def publish(year, *people, kind=Publication.Kind.ARTICLE, ambiguous=()):  # type: ignore[no-untyped-def]
    pub = PublicationFactory(year=year, kind=kind)
    for n, person in enumerate(people, start=1):
        AuthorshipFactory(publication=pub, position=n, person=person, match=Match.ORCID)
    for n, person in enumerate(ambiguous, start=len(people) + 1):
        AuthorshipFactory(publication=pub, position=n, person=person, match=Match.AMBIGUOUS)
    AuthorshipFactory(publication=pub, position=99, person=None, match=Match.UNMATCHED)  # outside the network
    return pub


def build_network() -> SimpleNamespace:
    A = InstitutionFactory(name="Alpha", acronym="A", kind=Institution.Kind.MEMBER)
    B = InstitutionFactory(name="Bêta", acronym="B", kind=Institution.Kind.PARTNER)
    C = InstitutionFactory(name="Gamma", acronym="", kind=Institution.Kind.OTHER)
    tA1, tA2, tB, tC = team_in(A, "tA1"), team_in(A, "tA2"), team_in(B, "tB"), team_in(C, "tC")
    pa, pa2, pb, pc = PersonFactory(), PersonFactory(), PersonFactory(), PersonFactory()
    affiliate(pa, tA1, A)
    affiliate(pa2, tA2, A)
    affiliate(pb, tB, B, start=dt.date(2018, 1, 1))
    affiliate(pc, tC, C, start=dt.date(2015, 1, 1), end=dt.date(2019, 6, 30))
    affiliate(pc, tA1, A, start=dt.date(2019, 7, 1))
    pubs = {
        "P1": publish(2016, pa, pc),
        "P2": publish(2017, pa, pb),
        "P3": publish(2018, pa, pb, pc),
        "P4": publish(2020, pc, pa),
        "P5": publish(2019, pc),
        "P6": publish(2018, pa, pa2),
        "P7": publish(2018, pa, pb, kind=Publication.Kind.PREPRINT),
        "P8": publish(2018, pa, ambiguous=[pb]),
        "P9": publish(None, pa, pb),
    }
    return SimpleNamespace(A=A, B=B, C=C, tA1=tA1, tA2=tA2, tB=tB, tC=tC, pubs=pubs)

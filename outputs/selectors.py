"""Reads of the publications domain, each with a fixed number of queries whatever the rows.

Publications and their linked authors are public (published records); what staff alone may see
(the review queue, import reports) is read by the views behind their permission checks.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from directory.models import Affiliation, Institution, Person, Team, Unit
from outputs.linking import LINKED
from outputs.models import AuthorCandidate, Authorship, Publication, PublicationImport
from outputs.text import family_key, given_names_compatible, title_key

Match = Authorship.Match


def _authors() -> Prefetch:
    return Prefetch("authorships", queryset=Authorship.objects.select_related("person").order_by("position"))


def publications_of(person: Person) -> QuerySet[Publication]:
    """The publications ``person`` is a linked author of, newest first, with their authors."""
    mine = Authorship.objects.filter(person=person, match__in=LINKED).values("publication_id")
    return (
        Publication.objects.filter(pk__in=mine).prefetch_related(_authors()).order_by("-year", "title", "pk")
    )


def authorships_of(person: Person) -> QuerySet[Authorship]:
    """``person``'s linked authorships (one per publication), with each publication's authors."""
    return (
        Authorship.objects.filter(person=person, match__in=LINKED)
        .select_related("publication")
        .prefetch_related(
            Prefetch(
                "publication__authorships",
                queryset=Authorship.objects.select_related("person").order_by("position"),
            )
        )
        .order_by("-publication__year", "publication__title", "pk")
    )


def suggestions_for(person: Person) -> QuerySet[Authorship]:
    """Ambiguous authors for whom ``person`` is one of the candidates: "is this you?"."""
    return (
        Authorship.objects.filter(match=Match.AMBIGUOUS, candidates__person=person)
        .select_related("publication")
        .order_by("-publication__year", "pk")
    )


def search_publications(
    q: str = "", year: int | None = None, person: int | None = None
) -> QuerySet[Publication]:
    """Publications whose title holds every word of ``q`` (or whose DOI or PMID is ``q``)."""
    queryset = Publication.objects.prefetch_related(_authors()).order_by("-year", "title", "pk")
    if person:
        linked = Authorship.objects.filter(person_id=person, match__in=LINKED).values("publication_id")
        queryset = queryset.filter(pk__in=linked)
    for word in title_key(q).split():
        queryset = queryset.filter(Q(title_key__contains=word) | Q(doi=q.strip().lower()) | Q(pmid=q.strip()))
    if year:
        queryset = queryset.filter(year=year)
    return queryset


def publication_detail(pk: int) -> Publication:
    """The publication with its authors in order (raises ``Publication.DoesNotExist``)."""
    return Publication.objects.prefetch_related(_authors()).get(pk=pk)


@dataclass(frozen=True)
class NetworkLinks:
    teams: list[Team]
    units: list[Unit]
    institutions: list[Institution]

    def __bool__(self) -> bool:
        return bool(self.teams or self.units or self.institutions)


def _active(affiliation: Affiliation, year: int | None, today: dt.date) -> bool:
    current = affiliation.end is None or affiliation.end >= today
    if year is None:
        return current
    started = affiliation.start is None or affiliation.start.year <= year
    not_ended = affiliation.end is None or affiliation.end.year >= year
    return started and not_ended


def network_links(publication: Publication) -> NetworkLinks:
    """The teams, units and institutions of the network the publication is linked to through its
    linked authors' affiliations at the publication year (or today's when the year is unknown)."""
    people = {a.person_id for a in publication.authorships.all() if a.person_id and a.match in LINKED}
    teams: dict[int, Team] = {}
    units: dict[int, Unit] = {}
    institutions: dict[int, Institution] = {}
    today = timezone.localdate()
    for a in Affiliation.objects.filter(person_id__in=people).select_related("team", "unit", "institution"):
        if not _active(a, publication.year, today):
            continue
        if a.team is not None:
            teams.setdefault(a.team.pk, a.team)
        if a.unit is not None:
            units.setdefault(a.unit.pk, a.unit)
        institutions.setdefault(a.institution_id, a.institution)
    by_name = lambda obj: obj.name  # noqa: E731
    return NetworkLinks(
        teams=sorted(teams.values(), key=by_name),
        units=sorted(units.values(), key=by_name),
        institutions=sorted(institutions.values(), key=by_name),
    )


def claimable(publication: Publication, person: Person | None) -> set[int]:
    """Authorships of the (prefetched) publication that ``person`` may claim as theirs: same family
    name, compatible given names, not linked to someone else; none if they are already an author."""
    if person is None:
        return set()
    authors = list(publication.authorships.all())
    if any(a.person_id == person.pk and a.match in LINKED for a in authors):
        return set()
    return {
        a.pk
        for a in authors
        if not (a.person_id and a.match in LINKED)
        and family_key(a.family_name or a.name) == family_key(person.last_name)
        and (not a.given_names or given_names_compatible(a.given_names, person.first_name))
    }


def review_queue() -> QuerySet[Authorship]:
    """Ambiguous authors waiting for the secretariat, with their candidates and where they work."""
    current = Affiliation.objects.filter(Q(end__isnull=True) | Q(end__gte=timezone.localdate()))
    candidates = AuthorCandidate.objects.select_related("person").prefetch_related(
        Prefetch("person__affiliations", queryset=current.select_related("institution", "unit", "team"))
    )
    return (
        Authorship.objects.filter(match=Match.AMBIGUOUS)
        .select_related("publication")
        .prefetch_related(Prefetch("candidates", queryset=candidates.order_by("-score", "person__last_name")))
        .order_by("-publication__year", "publication_id", "position")
    )


def review_queue_size() -> int:
    return Authorship.objects.filter(match=Match.AMBIGUOUS).count()


def import_jobs(*, user: Any = None, for_units: bool = False) -> QuerySet[PublicationImport]:
    """Recent imports: a user's own, or every import made for a unit (staff)."""
    queryset = PublicationImport.objects.select_related("created_by", "for_person", "for_unit").defer(
        "report"
    )
    if for_units:
        return queryset.filter(for_unit__isnull=False)
    return queryset.filter(created_by=user)

"""Linking authors to people of the directory, reliably or not at all.

Rules, in order (never a silent guess):
1. the author's ORCID iD is a directory person's → ``ORCID``;
2. family name equal (accents, case, hyphens ignored) and given names compatible ('J.-P.' fits
   'Jean-Pierre'), and the person had an affiliation at the publication year (or has one now)
   whose institution or unit (name, acronym, code) appears in the author's affiliation text, or
   the import is for that person's unit → ``NAME_AFFILIATION`` when exactly one person fits;
3. several people fit, or the name fits without affiliation evidence → ``AMBIGUOUS`` with
   ``AuthorCandidate`` rows (score and reason) for a person of the secretariat to settle;
4. otherwise ``UNMATCHED`` (an author outside the network).
A person importing their own list vouches for the author who bears their name: ``CONFIRMED``.
Authorships settled by a human (``CONFIRMED``, ``REJECTED``) are never relinked.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Affiliation, Person, Unit
from outputs.models import AuthorCandidate, Authorship
from outputs.text import family_key, given_names_compatible, mentions

Match = Authorship.Match
LINKED = (Match.ORCID, Match.NAME_AFFILIATION, Match.CONFIRMED)
MACHINE = (Match.UNMATCHED, Match.AMBIGUOUS)  # states a new import may revisit
MAX_CANDIDATES = 5  # more same-name people than this without evidence: no review, it would be noise


@dataclass(frozen=True)
class _Affiliation:
    labels: tuple[str, ...]
    unit_id: int | None
    start: dt.date | None
    end: dt.date | None

    def active(self, year: int | None, today: dt.date) -> bool:
        current = self.end is None or self.end >= today
        if year is None:
            return current
        started = self.start is None or self.start.year <= year
        not_ended = self.end is None or self.end.year >= year
        return current or (started and not_ended)


@dataclass
class Decision:
    person_id: int | None = None
    match: str = Match.UNMATCHED
    candidates: list[tuple[int, float, str]] = field(default_factory=list)  # (person, score, reason)


class PeopleIndex:
    """Directory people by ORCID iD and by family name, read once for a whole import."""

    def __init__(self) -> None:
        self._by_orcid: dict[str, int] | None = None
        self._by_family: dict[str, list[tuple[int, str]]] = {}
        self._affiliations: dict[int, list[_Affiliation]] = {}
        self.today = timezone.localdate()

    def _load(self) -> None:
        self._by_orcid = {}
        for pk, first, last, orcid in Person.objects.values_list("pk", "first_name", "last_name", "orcid"):
            if orcid:
                self._by_orcid[orcid] = pk
            self._by_family.setdefault(family_key(last), []).append((pk, first))

    def by_orcid(self, orcid: str) -> int | None:
        if self._by_orcid is None:
            self._load()
        return self._by_orcid.get(orcid) if orcid and self._by_orcid else None

    def namesakes(self, family: str, given: str) -> list[int]:
        if self._by_orcid is None:
            self._load()
        return [
            pk
            for pk, first in self._by_family.get(family_key(family), [])
            if given_names_compatible(given, first)
        ]

    def affiliations(self, person_ids: Iterable[int]) -> dict[int, list[_Affiliation]]:
        missing = [pk for pk in person_ids if pk not in self._affiliations]
        if missing:
            for pk in missing:
                self._affiliations[pk] = []
            rows = Affiliation.objects.filter(person_id__in=missing).select_related("institution", "unit")
            for a in rows:
                labels = [a.institution.name, a.institution.acronym]
                if a.unit is not None:
                    labels += [a.unit.name, a.unit.acronym, a.unit.code]
                self._affiliations[a.person_id].append(
                    _Affiliation(tuple(label for label in labels if label), a.unit_id, a.start, a.end)
                )
        return {pk: self._affiliations[pk] for pk in person_ids}


def _evidence(
    facts: Sequence[_Affiliation], text: str, year: int | None, unit: Unit | None, today: dt.date
) -> str:
    """Why this person's affiliation supports the match ('' when nothing does)."""
    for fact in facts:
        if not fact.active(year, today):
            continue
        if unit is not None and fact.unit_id == unit.pk:
            return _("membre de l'unité pour laquelle la liste est importée")
        label = next((label for label in fact.labels if text and mentions(text, label)), "")
        if label:
            return _("nom compatible et affiliation « %(label)s » citée") % {"label": label}
    return ""


def decide(
    authorship: Authorship,
    *,
    year: int | None,
    index: PeopleIndex,
    unit: Unit | None = None,
    exclude: set[int],
) -> Decision:
    """The link for one author, from what the directory knows (see the module's rules)."""
    linked = index.by_orcid(authorship.orcid)
    if linked is not None and linked not in exclude:
        return Decision(person_id=linked, match=Match.ORCID)
    namesakes = [
        pk for pk in index.namesakes(authorship.family_name, authorship.given_names) if pk not in exclude
    ]
    if not namesakes:
        return Decision()
    facts = index.affiliations(namesakes)
    supported = {
        pk: _evidence(facts[pk], authorship.affiliation, year, unit, index.today) for pk in namesakes
    }
    supported = {pk: why for pk, why in supported.items() if why}
    if len(supported) == 1:
        return Decision(person_id=next(iter(supported)), match=Match.NAME_AFFILIATION)
    if supported:
        return Decision(match=Match.AMBIGUOUS, candidates=[(pk, 0.8, why) for pk, why in supported.items()])
    if len(namesakes) > MAX_CANDIDATES:
        return Decision()
    reason = (
        _("nom compatible, aucune affiliation correspondante")
        if authorship.affiliation
        else _("nom compatible, affiliation non publiée")
    )
    score = 0.5 if len(namesakes) == 1 else 0.3
    return Decision(match=Match.AMBIGUOUS, candidates=[(pk, score, reason) for pk in namesakes])


def owner_position(authorships: Sequence[Authorship], owner: Person) -> int | None:
    """The index of the author who is ``owner`` (same ORCID, else the one compatible name)."""
    if owner.orcid:
        for i, a in enumerate(authorships):
            if a.orcid == owner.orcid:
                return i
    fits = [
        i
        for i, a in enumerate(authorships)
        if family_key(a.family_name) == family_key(owner.last_name)
        and given_names_compatible(a.given_names, owner.first_name)
    ]
    return fits[0] if len(fits) == 1 else None


def assign_links(
    authorships: Sequence[Authorship],
    *,
    year: int | None,
    index: PeopleIndex,
    owner: Person | None = None,
    unit: Unit | None = None,
) -> list[tuple[Authorship, list[tuple[int, float, str]]]]:
    """Decide, in memory, the links of a publication's authorships still in a machine state.

    Sets ``person_id`` and ``match`` on the objects (saved or not) and returns the candidates
    to store for the ambiguous ones; ``save_candidates`` writes them once the rows exist.
    Authorships already linked keep their person; a person is linked to one author at most.
    """
    taken = {a.person_id for a in authorships if a.person_id and a.match in LINKED}
    if owner is not None:
        i = owner_position(authorships, owner)
        vouched = authorships[i] if i is not None else None
        if vouched is not None and vouched.person_id == owner.pk:  # already linked: now confirmed
            vouched.match = Match.CONFIRMED
        elif vouched is not None and owner.pk not in taken and vouched.match in (*MACHINE, Match.REJECTED):
            vouched.person_id, vouched.match = owner.pk, Match.CONFIRMED
            taken.add(owner.pk)
    pending = []
    for authorship in authorships:
        if authorship.match not in MACHINE:
            continue
        decision = decide(authorship, year=year, index=index, unit=unit, exclude=taken)
        if decision.person_id:
            taken.add(decision.person_id)
        authorship.person_id, authorship.match = decision.person_id, decision.match
        pending.append((authorship, decision.candidates))
    return pending


def save_candidates(
    pending: Iterable[tuple[Authorship, list[tuple[int, float, str]]]], *, replace: bool
) -> None:
    """Store the candidates of ``assign_links`` (``replace``: drop the authorships' old ones first)."""
    pending = list(pending)
    if replace:
        AuthorCandidate.objects.filter(authorship__in=[a for a, _c in pending]).delete()
    AuthorCandidate.objects.bulk_create(
        AuthorCandidate(authorship=authorship, person_id=pk, score=score, reason=reason[:300])
        for authorship, candidates in pending
        for pk, score, reason in candidates
    )

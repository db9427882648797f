"""Finding the records a row names: natural keys, compared without case or accents.

The indexes are loaded once per import and kept current as the import writes, so that a row can
name an institution, unit, team or person created a few rows above.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.importing import values as v
from directory.models import Affiliation, Institution, Person, Platform, Team, Unit, UnitParent
from directory.services import fold

M = TypeVar("M", bound=models.Model)


class Index(Generic[M]):
    """Objects of one model by several keys, loaded once, kept current as the import writes."""

    def __init__(self, load: Callable[[], Iterable[M]], keys: Callable[[M], dict[str, list[str]]]) -> None:
        self._load, self._keys = load, keys
        self._by: dict[str, dict[str, dict[int, M]]] | None = None
        self._of: dict[int, list[tuple[str, str]]] = {}
        self.by_pk: dict[int, M] = {}

    def _ensure(self) -> dict[str, dict[str, dict[int, M]]]:
        if self._by is None:
            self._by = defaultdict(lambda: defaultdict(dict))
            for obj in self._load():
                self.add(obj)
        return self._by

    def add(self, obj: M) -> None:
        by = self._ensure()
        for name, key in self._of.pop(obj.pk, []):
            by[name][key].pop(obj.pk, None)
        pairs = [(name, key) for name, keys in self._keys(obj).items() for key in keys if key]
        for name, key in pairs:
            by[name][key][obj.pk] = obj
        self._of[obj.pk] = pairs
        self.by_pk[obj.pk] = obj

    def find(self, name: str, key: str) -> list[M]:
        return list(self._ensure()[name].get(key, {}).values()) if key else []

    def get(self, pk: int) -> M:
        self._ensure()
        return self.by_pk[pk]


def people_refs(rows: Iterable[dict[str, str]]) -> set[str]:
    """E-mails and ORCIDs of the people rows of a file (a team may name a leader added below)."""
    refs: set[str] = set()
    for row in rows:
        if row.get("email"):
            refs.add(row["email"].strip().lower())
        if row.get("orcid") and v.looks_like("orcid", row["orcid"]):
            refs.add(v.identifier("orcid", row["orcid"]))
    return refs


class Lookups:
    """The records of the directory by natural key, for one import.

    ``dirty`` is set before any write; after a rejected row that wrote something (and was rolled
    back to its savepoint), ``forget`` drops what the indexes hold so they reload from the database.
    """

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        self.dirty = False
        self.institutions: Index[Institution] = Index(
            Institution.objects.all,
            lambda o: {"ror": [o.ror], "name": [fold(o.name)], "acronym": [fold(o.acronym)]},
        )
        self.units: Index[Unit] = Index(
            Unit.objects.all,
            lambda o: {
                "rnsr": [o.rnsr],
                "code": [v.code_key(o.code)],
                "acronym": [fold(o.acronym)],
                "name": [fold(o.name)],
            },
        )
        self.teams: Index[Team] = Index(
            lambda: Team.objects.select_related("unit"),
            lambda o: {"unit_name": [f"{o.unit_id}|{fold(o.name)}"], "name": [fold(o.name)]},
        )
        self.people: Index[Person] = Index(
            Person.objects.all,
            lambda o: {
                "orcid": [o.orcid],
                "email": [o.email.lower()],
                "name": [f"{fold(o.first_name)}|{fold(o.last_name)}"],
            },
        )
        self.platforms: Index[Platform] = Index(Platform.objects.all, lambda o: {"name": [fold(o.name)]})
        self._parents: dict[int, set[int]] | None = None
        self._placements: dict[int, list[tuple[int, int | None, int | None]]] | None = None

    def _one(self, found: list[M], message: str) -> M | None:
        if len(found) > 1:
            raise v.RowRejected(message)
        return found[0] if found else None

    def institution(self, ref: str) -> Institution:
        found: list[Institution] = []
        if v.looks_like("ror", ref):
            found = self.institutions.find("ror", v.identifier("ror", ref))
        found = (
            found or self.institutions.find("name", fold(ref)) or self.institutions.find("acronym", fold(ref))
        )
        match = self._one(
            found, _("« %(ref)s » désigne plusieurs institutions : indiquez son ROR.") % {"ref": ref}
        )
        if match is None:
            raise v.RowRejected(_("Institution introuvable : %(ref)s") % {"ref": ref})
        return match

    def unit(self, ref: str) -> Unit:
        found: list[Unit] = []
        if v.looks_like("rnsr", ref):
            found = self.units.find("rnsr", v.identifier("rnsr", ref))
        for name, key in (("code", v.code_key(ref)), ("acronym", fold(ref)), ("name", fold(ref))):
            found = found or self.units.find(name, key)
        match = self._one(
            found, _("« %(ref)s » désigne plusieurs unités : indiquez son numéro RNSR.") % {"ref": ref}
        )
        if match is None:
            raise v.RowRejected(_("Unité introuvable : %(ref)s") % {"ref": ref})
        return match

    def person(self, ref: str) -> Person | None:
        if "@" in ref:
            found = self.people.find("email", ref.strip().lower())
        elif v.looks_like("orcid", ref):
            found = self.people.find("orcid", v.identifier("orcid", ref))
        else:
            raise v.RowRejected(
                _("Responsable : indiquez un e-mail ou un ORCID (« %(ref)s »).") % {"ref": ref}
            )
        return self._one(found, _("Plusieurs fiches ont l'e-mail %(ref)s.") % {"ref": ref})

    def parents_of(self, unit: Unit) -> set[int]:
        if self._parents is None:
            self._parents = defaultdict(set)
            for unit_id, institution_id in UnitParent.objects.values_list("unit_id", "institution_id"):
                self._parents[unit_id].add(institution_id)
        return self._parents[unit.pk]

    def placements_of(self, person: Person) -> list[tuple[int, int | None, int | None]]:
        """(institution, unit, team) of the person's current affiliations."""
        if self._placements is None:
            self._placements = defaultdict(list)
            current = Affiliation.objects.filter(Q(end__isnull=True) | Q(end__gte=timezone.localdate()))
            for person_id, *where in current.values_list("person_id", "institution_id", "unit_id", "team_id"):
                self._placements[person_id].append(tuple(where))  # type: ignore[arg-type]
        return self._placements[person.pk]

"""Applying one row of a spreadsheet through the directory services.

Each row is matched to an existing record by its natural keys; the handler computes what would
change and, only when something does, calls the service (which validates, writes and audits).
A row that matches with no difference is "unchanged" and writes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.errors import DomainError
from directory import services
from directory.importing import values as v
from directory.importing.lookups import Lookups
from directory.importing.reading import Kind
from directory.models import Institution, Person, Platform, Team, Unit
from directory.services import fold

M = TypeVar("M", bound=models.Model)

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
NAME_FIELDS = {"name", "acronym", "first_name", "last_name"}  # compared without case or accents


@dataclass
class Outcome:
    action: str
    changes: list[list[str]] = field(default_factory=list)  # [label, before, after]
    reason: str = ""


def _same(name: str, old: Any, new: Any) -> bool:
    if isinstance(new, models.Model) or isinstance(old, models.Model):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    if isinstance(new, Decimal):
        return old is not None and Decimal(old) == new
    if name in NAME_FIELDS:
        return fold(str(old or "")) == fold(str(new or ""))
    if name == "code":  # « UMR 144 » and « UMR144 » are the same unit code
        return v.code_key(str(old or "")) == v.code_key(str(new or ""))
    return (old or "") == (new or "")


def _show(model: type[models.Model], name: str, value: Any) -> str:
    if value is None:
        return ""
    choices = dict(getattr(model._meta.get_field(name), "flatchoices", None) or [])
    shown = str(choices.get(value, value)) if choices else str(value)
    return shown if len(shown) <= 120 else f"{shown[:119]}…"


def _label(model: type[models.Model], name: str) -> str:
    return capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name)))


def _keywords_changed(
    instance: Any, relation: str, labels: list[str] | None
) -> tuple[list[str], list[str]] | None:
    if labels is None:
        return None
    old = [k.label for k in getattr(instance, relation).all()] if instance is not None else []
    return (old, labels) if {fold(x) for x in old} != {fold(x) for x in labels} else None


def _people_changed(
    instance: Any, relation: str, people: list[Person] | None
) -> tuple[list[str], list[str]] | None:
    if people is None:
        return None
    old = list(getattr(instance, relation).all()) if instance is not None else []
    if {p.pk for p in old} == {p.pk for p in people}:
        return None
    return [str(p) for p in old], [str(p) for p in people]


def row_key(kind: str, values: dict[str, str]) -> str:
    """What the report shows to identify a row, read from its raw cells."""
    get = values.get
    by_kind: dict[str, list[str | None]] = {
        Kind.INSTITUTIONS: [get("acronym") or get("name"), get("ror")],
        Kind.UNITS: [get("code") or get("acronym") or get("name"), get("rnsr")],
        Kind.TEAMS: [get("name"), get("unit")],
        Kind.PEOPLE: [
            f"{get('first_name', '')} {get('last_name', '')}".strip(),
            get("orcid") or get("email"),
        ],
        Kind.PLATFORMS: [get("name")],
    }
    key = " · ".join(p for p in by_kind[kind] if p)
    return key if len(key) <= 120 else f"{key[:119]}…"


class Importer(Lookups):
    """Applies the rows of one file, in order, as ``actor``."""

    def __init__(self, *, actor: Any, upcoming_people: set[str] | None = None) -> None:
        super().__init__()
        self.actor = actor
        self.upcoming_people = upcoming_people or set()
        self.deferred: list[tuple[Any, Team, list[str]]] = []

    def apply(self, kind: str, values: dict[str, str], token: Any = None) -> Outcome:
        handlers = {
            Kind.INSTITUTIONS: self._institution,
            Kind.UNITS: self._unit,
            Kind.TEAMS: self._team,
            Kind.PEOPLE: self._person,
            Kind.PLATFORMS: self._platform,
        }
        return handlers[Kind(kind)]({k: x for k, x in values.items() if x}, token)

    # --- shared steps ------------------------------------------------------------------------

    def _save(
        self,
        model: type[M],
        instance: M | None,
        data: dict[str, Any],
        related: dict[str, tuple[list[str], list[str]] | None],
        save: Callable[[dict[str, Any], set[str]], M],
    ) -> tuple[str, list[list[str]], M]:
        changed = {k: x for k, x in data.items() if instance is None or not _same(k, getattr(instance, k), x)}
        records = [
            [
                _label(model, k),
                _show(model, k, getattr(instance, k, None) if instance else None),
                _show(model, k, x),
            ]
            for k, x in changed.items()
        ]
        moved = {name for name, diff in related.items() if diff is not None}
        records += [
            [_label(model, name), ", ".join(related[name][0]), ", ".join(related[name][1])]  # type: ignore[index]
            for name in sorted(moved)
        ]
        if instance is not None and not records:
            return UNCHANGED, [], instance
        self.dirty = True
        return (CREATED if instance is None else UPDATED), records, save(changed, moved)

    # --- the five kinds ----------------------------------------------------------------------

    def _institution(self, row: dict[str, str], token: Any) -> Outcome:
        data: dict[str, Any] = {
            k: v.text(row[k], Institution, k)
            for k in ("name", "acronym", "street", "city", "description")
            if k in row
        }
        if "name" not in data:
            raise v.RowRejected(_("Le nom est obligatoire."))
        if "ror" in row:
            data["ror"] = v.identifier("ror", row["ror"])
        if "kind" in row:
            data["kind"] = v.choice(row["kind"], v.INSTITUTION_KINDS, _("Type"))
        if "category" in row:
            data["category"] = v.choice(row["category"], v.INSTITUTION_CATEGORIES, _("Catégorie"))
        if "postcode" in row:
            data["postcode"] = v.text(v.postcode(row["postcode"]), Institution, "postcode")
        if "latitude" in row:
            data["latitude"] = v.coordinate(row["latitude"], _("Latitude"), 90)
        if "longitude" in row:
            data["longitude"] = v.coordinate(row["longitude"], _("Longitude"), 180)
        if "website" in row:
            data["website"] = v.url(row["website"])
        found = self.institutions.find("ror", data.get("ror", ""))
        found = found or self.institutions.find("name", fold(data["name"]))
        found = found or self.institutions.find("acronym", fold(data.get("acronym", "")))
        match = self._one(found, _("Plusieurs institutions portent ce sigle : indiquez leur ROR."))
        if match is not None and match.ror and data.get("ror") and match.ror != data["ror"]:
            raise v.RowRejected(
                _("Conflit : « %(name)s » a déjà l'identifiant ROR %(ror)s dans l'annuaire.")
                % {"name": match, "ror": match.ror}
            )
        action, changes, obj = self._save(
            Institution,
            match,
            data,
            {},
            lambda changed, moved: services.save_institution(data=changed, actor=self.actor, instance=match),
        )
        self.institutions.add(obj)
        return Outcome(action, changes)

    def _unit(self, row: dict[str, str], token: Any) -> Outcome:
        data: dict[str, Any] = {
            k: v.text(row[k], Unit, k) for k in ("name", "acronym", "code", "city", "description") if k in row
        }
        if "name" not in data:
            raise v.RowRejected(_("Le nom est obligatoire."))
        if "rnsr" in row:
            data["rnsr"] = v.identifier("rnsr", row["rnsr"])
        if "website" in row:
            data["website"] = v.url(row["website"])
        parents = (
            [self.institution(ref) for ref in v.split(row["parents"], ";\n")] if "parents" in row else None
        )
        found = self.units.find("rnsr", data.get("rnsr", ""))
        found = found or self.units.find("code", v.code_key(data.get("code", "")))
        found = found or self.units.find("name", fold(data["name"]))
        match = self._one(found, _("Plusieurs unités correspondent à cette ligne : indiquez le numéro RNSR."))
        if match is not None and match.rnsr and data.get("rnsr") and match.rnsr != data["rnsr"]:
            raise v.RowRejected(
                _("Conflit : l'unité « %(unit)s » a déjà le numéro RNSR %(rnsr)s.")
                % {"unit": match, "rnsr": match.rnsr}
            )
        parents_diff = None
        if parents is not None:
            old = self.parents_of(match) if match is not None else set()
            if old != {p.pk for p in parents}:
                parents_diff = (
                    [self.institutions.get(pk).short_name for pk in sorted(old)],
                    [p.short_name for p in parents],
                )
        action, changes, obj = self._save(
            Unit,
            match,
            data,
            {"parents": parents_diff},
            lambda changed, moved: services.save_unit(
                data=changed,
                actor=self.actor,
                parents=parents if "parents" in moved else None,
                instance=match,
            ),
        )
        self.units.add(obj)
        if parents_diff is not None:
            self.parents_of(obj).clear()
            self.parents_of(obj).update(p.pk for p in parents or [])
        return Outcome(action, changes)

    def _team(self, row: dict[str, str], token: Any) -> Outcome:
        data: dict[str, Any] = {k: v.text(row[k], Team, k) for k in ("name", "description") if k in row}
        if "name" not in data or "unit" not in row:
            raise v.RowRejected(_("Le nom et l'unité de l'équipe sont obligatoires."))
        data["unit"] = self.unit(row["unit"])
        if "rnsr" in row:
            data["rnsr"] = v.identifier("rnsr", row["rnsr"])
        if "website" in row:
            data["website"] = v.url(row["website"])
        keywords = v.split(row["keywords"]) if "keywords" in row else None
        leaders, waiting = self._leaders(row.get("leaders"))
        match = self._one(self.teams.find("unit_name", f"{data['unit'].pk}|{fold(data['name'])}"), "")
        related = {
            "keywords": _keywords_changed(match, "keywords", keywords),
            "leaders": None if waiting else _people_changed(match, "leaders", leaders),
        }
        action, changes, obj = self._save(
            Team,
            match,
            data,
            related,
            lambda changed, moved: services.save_team(
                data=changed,
                actor=self.actor,
                instance=match,
                keywords=keywords if "keywords" in moved else None,
                leaders=leaders if "leaders" in moved else None,
            ),
        )
        self.teams.add(obj)
        if waiting:
            self.deferred.append((token, obj, v.split(row["leaders"])))
        return Outcome(action, changes)

    def _person(self, row: dict[str, str], token: Any) -> Outcome:
        data: dict[str, Any] = {
            k: v.text(row[k], Person, k)
            for k in ("first_name", "last_name", "title", "phone", "bio")
            if k in row
        }
        if "first_name" not in data or "last_name" not in data:
            raise v.RowRejected(_("Le nom et le prénom sont obligatoires."))
        if "email" in row:
            data["email"] = v.email(row["email"])
        for name in ("orcid", "idref"):
            if name in row:
                data[name] = v.identifier(name, row[name])
        if "career_stage" in row:
            data["career_stage"] = v.choice(row["career_stage"], v.CAREER_STAGES, _("Statut"))
        if "gender" in row:
            data["gender"] = v.choice(row["gender"], v.GENDERS, _("Genre"))
        keywords = v.split(row["keywords"]) if "keywords" in row else None
        institution, unit, team = self._placement(row)
        match = self._match_person(data, institution)
        if unit is not None and institution is None and not self._holds(match, None, unit, team):
            message = (
                _("L'unité %(unit)s a plusieurs tutelles : indiquez l'établissement.")
                if self.parents_of(unit)
                else _("L'unité %(unit)s n'a pas de tutelle : indiquez l'établissement.")
            )
            raise v.RowRejected(message % {"unit": unit})
        action, changes, person = self._save(
            Person,
            match,
            data,
            {"keywords": _keywords_changed(match, "keywords", keywords)},
            lambda changed, moved: services.save_person(
                data=changed,
                actor=self.actor,
                instance=match,
                keywords=keywords if "keywords" in moved else None,
            ),
        )
        self.people.add(person)
        if institution is not None and not self._holds(person, institution, unit, team):
            self.dirty = True
            services.add_affiliation(
                person=person, actor=self.actor, institution=institution, unit=unit, team=team
            )
            self.placements_of(person).append(
                (institution.pk, unit.pk if unit else None, team.pk if team else None)
            )
            changes.append([_("Affiliation"), "", " / ".join(str(x) for x in (team, unit, institution) if x)])
            action = CREATED if action == CREATED else UPDATED
        return Outcome(action, changes)

    def _holds(
        self, person: Person | None, institution: Institution | None, unit: Unit | None, team: Team | None
    ) -> bool:
        """Whether a current affiliation of ``person`` already says what the row says."""
        if person is None:
            return False
        wanted = (getattr(institution, "pk", None), getattr(unit, "pk", None), getattr(team, "pk", None))
        return any(
            all(w is None or w == h for w, h in zip(wanted, held, strict=True))
            for held in self.placements_of(person)
        )

    def _placement(self, row: dict[str, str]) -> tuple[Institution | None, Unit | None, Team | None]:
        """Institution, unit and team a row names; the institution is left out when the unit has
        several tutelles and the row does not say which one."""
        unit = self.unit(row["unit"]) if "unit" in row else None
        team = None
        if "team" in row:
            if unit is not None:
                found = self.teams.find("unit_name", f"{unit.pk}|{fold(row['team'])}")
            else:
                found = self.teams.find("name", fold(row["team"]))
            team = self._one(
                found,
                _("Plusieurs équipes s'appellent « %(team)s » : indiquez l'unité.") % {"team": row["team"]},
            )
            if team is None:
                raise v.RowRejected(_("Équipe introuvable : %(team)s") % {"team": row["team"]})
            unit = unit or team.unit
        institution = self.institution(row["institution"]) if "institution" in row else None
        if unit is not None:
            parents = self.parents_of(unit)
            if institution is None and len(parents) == 1:
                institution = self.institutions.get(next(iter(parents)))
            if institution is not None and institution.pk not in parents:
                raise v.RowRejected(
                    _("%(institution)s n'est pas une tutelle de l'unité %(unit)s.")
                    % {"institution": institution.short_name, "unit": unit}
                )
        return institution, unit, team

    def _match_person(self, data: dict[str, Any], institution: Institution | None) -> Person | None:
        """By ORCID, then e-mail, then first and last name (at the same institution when given)."""
        orcid, email = data.get("orcid", ""), data.get("email", "")
        found = self.people.find("orcid", orcid)
        if not found and email:
            found = self.people.find("email", email)
            if len(found) > 1:
                raise v.RowRejected(
                    _("Plusieurs fiches ont l'e-mail %(email)s : indiquez l'ORCID.") % {"email": email}
                )
            if found and found[0].orcid and orcid:
                raise v.RowRejected(
                    _("Conflit : la fiche de %(person)s (même e-mail) a un autre ORCID (%(orcid)s).")
                    % {"person": found[0], "orcid": found[0].orcid}
                )
        if not found:
            found = [  # a namesake whose identifiers say it is someone else is not a match
                p
                for p in self.people.find("name", f"{fold(data['first_name'])}|{fold(data['last_name'])}")
                if not (p.orcid and orcid)
                and not (p.email and email and p.email.lower() != email)
                and (institution is None or any(held[0] == institution.pk for held in self.placements_of(p)))
            ]
            if len(found) > 1:
                raise v.RowRejected(_("Plusieurs personnes portent ce nom : indiquez l'e-mail ou l'ORCID."))
        return found[0] if found else None

    def _platform(self, row: dict[str, str], token: Any) -> Outcome:
        data: dict[str, Any] = {
            k: v.text(row[k], Platform, k)
            for k in (
                "name",
                "acronym",
                "services",
                "equipment",
                "description",
                "access_conditions",
                "pricing",
                "site",
            )
            if k in row
        }
        if "name" not in data:
            raise v.RowRejected(_("Le nom est obligatoire."))
        if "host_institution" in row:
            data["host_institution"] = self.institution(row["host_institution"])
        if "host_unit" in row:
            data["host_unit"] = self.unit(row["host_unit"])
        if "label" in row:
            data["label"] = v.choice(row["label"], v.PLATFORM_LABELS, _("Label"))
        if "contact_email" in row:
            data["contact_email"] = v.contact_email(row["contact_email"])
        if "website" in row:
            data["website"] = v.url(row["website"])
        technologies = v.split(row["technologies"]) if "technologies" in row else None
        managers = None
        if "managers" in row:
            managers = [self.person(ref) for ref in v.split(row["managers"])]
            missing = [ref for ref, p in zip(v.split(row["managers"]), managers, strict=True) if p is None]
            if missing:
                raise v.RowRejected(
                    _("Responsable introuvable dans l'annuaire : %(ref)s") % {"ref": ", ".join(missing)}
                )
        match = self._one(self.platforms.find("name", fold(data["name"])), "")
        if match is None and "host_institution" not in data:
            raise v.RowRejected(_("Établissement hébergeur manquant pour une nouvelle plateforme."))
        related = {
            "technologies": _keywords_changed(match, "technologies", technologies),
            "managers": _people_changed(match, "managers", managers),  # type: ignore[arg-type]
        }
        action, changes, obj = self._save(
            Platform,
            match,
            data,
            related,
            lambda changed, moved: services.save_platform(
                data=changed,
                actor=self.actor,
                instance=match,
                technologies=technologies if "technologies" in moved else None,
                managers=managers if "managers" in moved else None,  # type: ignore[arg-type]
            ),
        )
        self.platforms.add(obj)
        return Outcome(action, changes)

    def _leaders(self, cell: str | None) -> tuple[list[Person] | None, bool]:
        """The people a cell names, and whether some of them only come later in the file."""
        if cell is None:
            return None, False
        people, waiting = [], False
        for ref in v.split(cell):
            person = self.person(ref)
            key = ref.strip().lower() if "@" in ref else v.identifier("orcid", ref)
            if person is not None:
                people.append(person)
            elif key in self.upcoming_people:
                waiting = True
            else:
                raise v.RowRejected(_("Responsable introuvable dans l'annuaire : %(ref)s") % {"ref": ref})
        return people, waiting

    def finish(self) -> list[tuple[Any, Outcome]]:
        """Set the leaders of teams whose leaders were added further down the file."""
        results = []
        for token, team, refs in self.deferred:
            try:
                with transaction.atomic():
                    results.append((token, self._set_leaders(team, refs)))
            except DomainError as exc:
                results.append((token, Outcome(REJECTED, reason=exc.message)))
                self.forget()
        self.deferred = []
        return results

    def _set_leaders(self, team: Team, refs: list[str]) -> Outcome:
        leaders = [self.person(ref) for ref in refs]
        missing = [ref for ref, person in zip(refs, leaders, strict=True) if person is None]
        if missing:
            raise v.RowRejected(
                _("Responsable introuvable dans l'annuaire : %(ref)s") % {"ref": ", ".join(missing)}
            )
        diff = _people_changed(team, "leaders", leaders)  # type: ignore[arg-type]
        if diff is None:
            return Outcome(UNCHANGED)
        self.dirty = True
        services.save_team(data={}, actor=self.actor, instance=team, leaders=leaders)  # type: ignore[arg-type]
        return Outcome(UPDATED, [[_label(Team, "leaders"), ", ".join(diff[0]), ", ".join(diff[1])]])

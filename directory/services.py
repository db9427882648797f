"""Every change to the directory goes through these functions: they validate identifiers,
check the version the editor started from (no silent overwrite), write, refresh the search
text and record an audit entry."""

import unicodedata
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext

from core.errors import InvalidInput, StaleVersion
from core.services import record_audit
from directory import identifiers
from directory.models import (
    Affiliation,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
    Visibility,
)

M = TypeVar("M", bound=models.Model)


def fold(text: str) -> str:
    """Lower case without accents, for search and for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


# --- identifiers -------------------------------------------------------------------------

_NORMALISERS = {
    "orcid": identifiers.normalise_orcid,
    "ror": identifiers.normalise_ror,
    "rnsr": identifiers.normalise_rnsr,
    "idref": identifiers.normalise_idref,
}


def _normalise_identifiers(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name, normalise in _NORMALISERS.items():
        value = out.get(name)
        if value:
            try:
                out[name] = normalise(str(value))
            except ValueError as exc:
                raise InvalidInput(str(exc), field=name) from exc
    return out


# --- keywords ----------------------------------------------------------------------------


def get_or_create_keywords(labels: Iterable[str]) -> list[Keyword]:
    """Keywords by label, created when new; duplicates and case/accents variants merged."""
    wanted: dict[str, str] = {}
    for label in labels:
        label = " ".join(str(label).split())
        if label:
            wanted.setdefault(fold(label), label[:120])
    if not wanted:
        return []
    existing = {k.normalised: k for k in Keyword.objects.filter(normalised__in=list(wanted))}
    missing = [Keyword(label=label, normalised=key) for key, label in wanted.items() if key not in existing]
    if missing:
        Keyword.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {k.normalised: k for k in Keyword.objects.filter(normalised__in=list(wanted))}
    return [existing[key] for key in wanted]


# --- the generic write path --------------------------------------------------------------


def _write(
    *,
    instance: M,
    data: dict[str, Any],
    actor: Any,
    action: str,
    expected_version: int | None = None,
    m2m: dict[str, Iterable[Any]] | None = None,
) -> M:
    """Apply ``data`` to ``instance``, refusing if someone saved it since ``expected_version``."""
    model = type(instance)
    is_new = instance.pk is None
    data = _normalise_identifiers(data)
    changed = sorted(k for k, v in data.items() if is_new or getattr(instance, k) != v)
    for key, value in data.items():
        setattr(instance, key, value)
    if is_new:
        instance.save()
    else:
        if expected_version is not None:
            updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not updated:
                raise StaleVersion(
                    gettext(
                        "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte. "
                        "Rechargez la page pour voir sa version actuelle, puis refaites vos changements."
                    )
                )
            setattr(instance, "version", expected_version + 1)  # noqa: B010 - every directory model has one
        else:
            setattr(instance, "version", getattr(instance, "version", 0) + 1)  # noqa: B010
        instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(list(values))
        changed.append(name)
    record_audit(
        action=f"directory.{model._meta.model_name}.{action}",
        actor=actor,
        target=instance,
        data={"fields": changed},
    )
    return instance


def _check_unique(
    model: type[models.Model], instance: models.Model, field: str, value: str, message: str
) -> None:
    if value and model._default_manager.filter(**{field: value}).exclude(pk=instance.pk).exists():
        raise InvalidInput(message, field=field)


# --- institutions ------------------------------------------------------------------------


INSTITUTION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "category",
    "is_research_body",
    "ror",
    "website",
    "description",
    "street",
    "postcode",
    "city",
    "latitude",
    "longitude",
)


@transaction.atomic
def save_institution(
    *,
    data: dict[str, Any],
    actor: Any,
    instance: Institution | None = None,
    expected_version: int | None = None,
) -> Institution:
    instance = instance or Institution()
    data = _normalise_identifiers({k: v for k, v in data.items() if k in INSTITUTION_FIELDS or k == "logo"})
    if not str(data.get("name", instance.name) or "").strip():
        raise InvalidInput(gettext("Le nom est obligatoire."), field="name")
    _check_unique(
        Institution,
        instance,
        "ror",
        data.get("ror", ""),
        gettext("Une autre institution porte déjà cet identifiant ROR."),
    )
    if (
        Institution.objects.filter(name__iexact=data.get("name", instance.name))
        .exclude(pk=instance.pk)
        .exists()
    ):
        raise InvalidInput(gettext("Une institution porte déjà ce nom."), field="name")
    institution = _write(
        instance=instance,
        data=data,
        actor=actor,
        action="created" if instance.pk is None else "updated",
        expected_version=expected_version,
    )
    if "name" in data or "acronym" in data:
        refresh_search_text(Person.objects.filter(affiliations__institution=institution).distinct())
    return institution


# --- units and teams ---------------------------------------------------------------------


@transaction.atomic
def save_unit(
    *,
    data: dict[str, Any],
    actor: Any,
    parents: Iterable[Institution] | None = None,
    instance: Unit | None = None,
    expected_version: int | None = None,
) -> Unit:
    instance = instance or Unit()
    allowed = ("name", "acronym", "code", "rnsr", "director", "city", "website", "description")
    data = _normalise_identifiers({k: v for k, v in data.items() if k in allowed})
    if not str(data.get("name", instance.name) or "").strip():
        raise InvalidInput(gettext("Le nom est obligatoire."), field="name")
    _check_unique(
        Unit, instance, "rnsr", data.get("rnsr", ""), gettext("Une autre unité porte déjà ce numéro RNSR.")
    )
    unit = _write(
        instance=instance,
        data=data,
        actor=actor,
        action="created" if instance.pk is None else "updated",
        expected_version=expected_version,
        m2m={"parents": parents} if parents is not None else None,
    )
    refresh_search_text(Person.objects.filter(affiliations__unit=unit).distinct())
    return unit


@transaction.atomic
def save_team(
    *,
    data: dict[str, Any],
    actor: Any,
    keywords: Iterable[str] | None = None,
    leaders: Iterable[Person] | None = None,
    instance: Team | None = None,
    expected_version: int | None = None,
) -> Team:
    instance = instance or Team()
    allowed = ("name", "unit", "description", "rnsr", "website")
    data = {k: v for k, v in data.items() if k in allowed}
    if not str(data.get("name", instance.name) or "").strip():
        raise InvalidInput(gettext("Le nom est obligatoire."), field="name")
    unit = data.get("unit") or (instance.unit if instance.unit_id else None)
    if unit is None:
        raise InvalidInput(gettext("Choisissez l'unité de l'équipe."), field="unit")
    if (
        Team.objects.filter(unit=unit, name__iexact=data.get("name", instance.name))
        .exclude(pk=instance.pk)
        .exists()
    ):
        raise InvalidInput(gettext("Cette unité a déjà une équipe de ce nom."), field="name")
    m2m: dict[str, Iterable[Any]] = {}
    if keywords is not None:
        m2m["keywords"] = get_or_create_keywords(keywords)
    if leaders is not None:
        m2m["leaders"] = list(leaders)
    team = _write(
        instance=instance,
        data=data,
        actor=actor,
        action="created" if instance.pk is None else "updated",
        expected_version=expected_version,
        m2m=m2m,
    )
    refresh_search_text(Person.objects.filter(affiliations__team=team).distinct())
    return team


# --- people ------------------------------------------------------------------------------


PERSON_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "career_stage",
    "email",
    "phone",
    "orcid",
    "idref",
    "gender",
    "bio",
)
PROFILE_FIELDS = (
    "title",
    "career_stage",
    "phone",
    "orcid",
    "idref",
    "bio",
)  # what a person edits on themself


def _validate_visibility(visibility: dict[str, str]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for field, level in visibility.items():
        if field not in Person.VISIBILITY_DEFAULTS:
            raise InvalidInput(
                gettext("Champ inconnu pour la visibilité : %(field)s") % {"field": field}, field="visibility"
            )
        if level not in Visibility.values:
            raise InvalidInput(
                gettext("Niveau de visibilité inconnu : %(level)s") % {"level": level}, field="visibility"
            )
        clean[field] = level
    return clean


@transaction.atomic
def save_person(
    *,
    data: dict[str, Any],
    actor: Any,
    keywords: Iterable[str] | None = None,
    visibility: dict[str, str] | None = None,
    instance: Person | None = None,
    expected_version: int | None = None,
    allowed_fields: Iterable[str] = PERSON_FIELDS,
) -> Person:
    instance = instance or Person()
    allowed = set(allowed_fields)
    data = _normalise_identifiers(
        {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in allowed}
    )
    for required in ("first_name", "last_name"):
        if required in allowed and not (data.get(required) or getattr(instance, required)):
            raise InvalidInput(gettext("Ce champ est obligatoire."), field=required)
    if "email" in data:
        data["email"] = (data["email"] or "").lower()
    _check_unique(
        Person,
        instance,
        "orcid",
        data.get("orcid", ""),
        gettext("Une autre personne de l'annuaire a déjà cet ORCID."),
    )
    _check_unique(
        Person,
        instance,
        "idref",
        data.get("idref", ""),
        gettext("Une autre personne de l'annuaire a déjà cet IdRef."),
    )
    if visibility is not None:
        data["visibility"] = {**instance.visibility, **_validate_visibility(visibility)}
    m2m: dict[str, Iterable[Any]] | None = (
        {"keywords": get_or_create_keywords(keywords)} if keywords is not None else None
    )
    person = _write(
        instance=instance,
        data=data,
        actor=actor,
        action="created" if instance.pk is None else "updated",
        expected_version=expected_version,
        m2m=m2m,
    )
    refresh_search_text([person])
    return person


@transaction.atomic
def update_own_profile(
    *,
    person: Person,
    actor: Any,
    data: dict[str, Any],
    keywords: Iterable[str],
    visibility: dict[str, str],
    expected_version: int,
) -> Person:
    """A person edits their own record: not their name or e-mail (the secretariat keeps those)."""
    return save_person(
        instance=person,
        data=data,
        actor=actor,
        keywords=keywords,
        visibility=visibility,
        expected_version=expected_version,
        allowed_fields=PROFILE_FIELDS,
    )


@transaction.atomic
def add_affiliation(
    *,
    person: Person,
    actor: Any,
    institution: Institution,
    unit: Unit | None = None,
    team: Team | None = None,
    position: str = "",
    start: Any = None,
    end: Any = None,
    is_primary: bool = False,
) -> Affiliation:
    if team is not None and unit is None:
        unit = team.unit
    if team is not None and unit is not None and team.unit_id != unit.pk:
        raise InvalidInput(gettext("Cette équipe n'appartient pas à l'unité choisie."), field="team")
    if unit is not None and not unit.parent_links.filter(institution=institution).exists():
        raise InvalidInput(
            gettext("L'institution choisie n'est pas une tutelle de cette unité."), field="institution"
        )
    if start and end and end < start:
        raise InvalidInput(gettext("La fin doit être postérieure au début."), field="end")
    if is_primary:
        person.affiliations.update(is_primary=False)
    affiliation = Affiliation.objects.create(
        person=person,
        institution=institution,
        unit=unit,
        team=team,
        position=position,
        start=start,
        end=end,
        is_primary=is_primary or not person.affiliations.exists(),
    )
    record_audit(
        action="directory.affiliation.created",
        actor=actor,
        target=person,
        data={"affiliation": affiliation.pk},
    )
    refresh_search_text([person])
    return affiliation


@transaction.atomic
def end_affiliation(*, affiliation: Affiliation, actor: Any, end: Any) -> Affiliation:
    if affiliation.start and end < affiliation.start:
        raise InvalidInput(gettext("La fin doit être postérieure au début."), field="end")
    affiliation.end = end
    affiliation.save(update_fields=["end"])
    record_audit(
        action="directory.affiliation.ended",
        actor=actor,
        target=affiliation.person,
        data={"affiliation": affiliation.pk},
    )
    return affiliation


@transaction.atomic
def remove_affiliation(*, affiliation: Affiliation, actor: Any) -> None:
    person = affiliation.person
    record_audit(
        action="directory.affiliation.deleted",
        actor=actor,
        target=person,
        data={"affiliation": affiliation.pk},
    )
    affiliation.delete()
    refresh_search_text([person])


@transaction.atomic
def link_person_to_user(*, person: Person, user: Any, actor: Any = None) -> Person:
    if person.user_id and person.user_id != user.pk:
        raise InvalidInput(gettext("Cette fiche est déjà liée à un autre compte."))
    person.user = user
    person.save(update_fields=["user"])
    record_audit(action="directory.person.linked", actor=actor or user, target=person)
    return person


def link_new_account(*, user: Any) -> Person | None:
    """After sign-up: attach the directory record that has the same e-mail, if exactly one does."""
    matches = list(Person.objects.filter(email__iexact=user.email, user__isnull=True)[:2])
    if len(matches) != 1:
        return None
    return link_person_to_user(person=matches[0], user=user, actor=user)


def person_search_texts(person: Person) -> tuple[str, str]:
    """(text for network members, text for the public) from a person with prefetched relations.

    A field the person shows only to the network or to staff never enters the public text, so
    a public search cannot reveal it.
    """
    network: list[str] = [person.first_name, person.last_name, person.title]
    public = list(network)
    keywords = [k.label for k in person.keywords.all()]
    places: list[str] = []
    for aff in person.affiliations.all():
        if aff.end is not None:
            continue
        places += [aff.institution.name, aff.institution.acronym]
        if aff.unit:
            places += [aff.unit.name, aff.unit.acronym, aff.unit.code]
        if aff.team:
            places.append(aff.team.name)
    for field, values in (("keywords", keywords), ("affiliations", places)):
        level = person.visibility_of(field)
        if level in (Visibility.PUBLIC, Visibility.NETWORK):
            network += values
        if level == Visibility.PUBLIC:
            public += values
    return (" ".join(fold(p) for p in network if p), " ".join(fold(p) for p in public if p))


def refresh_search_text(people: Iterable[Person]) -> None:
    """Rebuild the denormalised search text of ``people`` (names, keywords, affiliations)."""
    ids = [p.pk for p in people]
    if not ids:
        return
    rows = Person.objects.filter(pk__in=ids).prefetch_related(
        "keywords", "affiliations__institution", "affiliations__unit", "affiliations__team"
    )
    updates = []
    for person in rows:
        person.search_text, person.public_search_text = person_search_texts(person)
        updates.append(person)
    Person.objects.bulk_update(updates, ["search_text", "public_search_text"], batch_size=500)


# --- platforms and tech-transfer offices ---------------------------------------------------


PLATFORM_FIELDS = (
    "name",
    "acronym",
    "host_institution",
    "host_unit",
    "description",
    "services",
    "equipment",
    "label",
    "label_start",
    "label_end",
    "access_conditions",
    "pricing",
    "site",
    "contact_email",
    "website",
)


@transaction.atomic
def save_platform(
    *,
    data: dict[str, Any],
    actor: Any,
    technologies: Iterable[str] | None = None,
    managers: Iterable[Person] | None = None,
    instance: Platform | None = None,
    expected_version: int | None = None,
) -> Platform:
    instance = instance or Platform()
    data = {k: v for k, v in data.items() if k in PLATFORM_FIELDS}
    if not str(data.get("name", instance.name) or "").strip():
        raise InvalidInput(gettext("Le nom est obligatoire."), field="name")
    if Platform.objects.filter(name__iexact=data.get("name", instance.name)).exclude(pk=instance.pk).exists():
        raise InvalidInput(gettext("Une plateforme porte déjà ce nom."), field="name")
    start, end = data.get("label_start", instance.label_start), data.get("label_end", instance.label_end)
    if start and end and end < start:
        raise InvalidInput(gettext("La fin du label doit être postérieure à son début."), field="label_end")
    m2m: dict[str, Iterable[Any]] = {}
    if technologies is not None:
        m2m["technologies"] = get_or_create_keywords(technologies)
    if managers is not None:
        m2m["managers"] = list(managers)
    return _write(
        instance=instance,
        data=data,
        actor=actor,
        action="created" if instance.pk is None else "updated",
        expected_version=expected_version,
        m2m=m2m,
    )


@transaction.atomic
def save_tech_transfer_office(
    *,
    data: dict[str, Any],
    actor: Any,
    institutions: Iterable[Institution] | None = None,
    instance: TechTransferOffice | None = None,
    expected_version: int | None = None,
) -> TechTransferOffice:
    instance = instance or TechTransferOffice()
    allowed = ("name", "acronym", "description", "contact_email", "website", "city")
    data = {k: v for k, v in data.items() if k in allowed}
    if not str(data.get("name", instance.name) or "").strip():
        raise InvalidInput(gettext("Le nom est obligatoire."), field="name")
    return _write(
        instance=instance,
        data=data,
        actor=actor,
        action="created" if instance.pk is None else "updated",
        expected_version=expected_version,
        m2m={"institutions": institutions} if institutions is not None else None,
    )

"""What the API answers: response and query schemas.

People's hideable fields (e-mail, phone, ORCID, IdRef, presentation, keywords, affiliations) are
``null`` when the caller may not read them; which fields a caller may read is decided by
``directory.selectors.visible_person_fields`` — the same rule as the pages.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from api.auth import caller_user
from directory.models import CareerStage, Institution, Person
from directory.selectors import visible_person_fields

# --- errors --------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="Message d'erreur lisible.")


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]] = Field(description="Paramètres refusés, un objet par erreur.")


TOKEN_ERRORS: dict[int, Any] = {401: ErrorOut}
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
LIST_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 422: ValidationErrorOut}
DETAIL_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 404: ErrorOut, 422: ValidationErrorOut}


# --- shared pieces -------------------------------------------------------------------------


def _request(context: Any) -> HttpRequest | None:
    return (context or {}).get("request")


class Linked(Schema):
    """Adds ``url``: the object's page on the platform (absolute when answering a request)."""

    url: str = Field(description="Page de l'objet sur la plateforme.")

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        path = obj.get_absolute_url()
        request = _request(context)
        return request.build_absolute_uri(path) if request is not None else path


class KeywordOut(Schema):
    id: int
    label: str


class InstitutionRef(Linked):
    id: int
    name: str
    acronym: str
    kind: Institution.Kind


class UnitRef(Linked):
    id: int
    name: str
    acronym: str
    code: str


class TeamRef(Linked):
    id: int
    name: str


class PersonRef(Linked):
    """A person named on another object: only the always-public fields."""

    id: int
    first_name: str
    last_name: str


class PlatformRef(Linked):
    id: int
    name: str
    acronym: str


# --- filters -------------------------------------------------------------------------------


class InstitutionFilters(Schema):
    q: str = Field("", description="Mots du nom, du sigle, de la ville ou identifiant ROR.")
    kind: Institution.Kind | None = Field(None, description="Statut dans le réseau.")


class UnitFilters(Schema):
    q: str = Field("", description="Mots du nom, du sigle, du code, du RNSR ou de la ville.")
    institution: int | None = Field(None, description="Identifiant d'une tutelle.")


class TeamFilters(Schema):
    q: str = Field("", description="Mots du nom, de l'unité, des mots-clés ou de la thématique.")
    institution: int | None = Field(None, description="Identifiant d'une tutelle de l'unité.")
    keyword: int | None = Field(None, description="Identifiant d'un mot-clé.")


class PersonFilterIn(Schema):
    q: str = Field("", description="Mots du nom, des mots-clés ou des affiliations.")
    institution: int | None = Field(None, description="Affiliation actuelle à cette institution.")
    unit: int | None = Field(None, description="Affiliation actuelle à cette unité.")
    team: int | None = Field(None, description="Affiliation actuelle à cette équipe.")
    career_stage: CareerStage | None = Field(None, description="Situation professionnelle.")
    keyword: int | None = Field(None, description="Identifiant d'un mot-clé d'expertise.")


class PlatformFilters(Schema):
    q: str = Field("", description="Mots du nom, des technologies, des services ou équipements.")
    institution: int | None = Field(None, description="Établissement hébergeur.")
    technology: int | None = Field(None, description="Identifiant d'un mot-clé de technologie.")


class TechTransferFilters(Schema):
    q: str = Field("", description="Mots du nom, du sigle ou de la ville.")
    institution: int | None = Field(None, description="Institution servie.")


# --- directory objects ---------------------------------------------------------------------


class InstitutionOut(InstitutionRef):
    category: str
    is_research_body: bool
    ror: str
    ror_url: str
    website: str
    description: str
    street: str
    postcode: str
    city: str
    latitude: float | None
    longitude: float | None
    people_count: int = Field(description="Personnes ayant une affiliation en cours.")
    unit_count: int


class InstitutionDetailOut(InstitutionOut):
    units: list[UnitRef]
    platforms: list[PlatformRef]


class UnitOut(UnitRef):
    rnsr: str
    rnsr_url: str
    city: str
    website: str
    description: str
    parents: list[InstitutionRef] = Field(description="Tutelles.")
    director: PersonRef | None
    team_count: int


class UnitDetailOut(UnitOut):
    teams: list[TeamRef]


class TeamOut(TeamRef):
    unit: UnitRef
    institutions: list[InstitutionRef] = Field(description="Tutelles de l'unité.")
    leaders: list[PersonRef]
    keywords: list[KeywordOut]
    description: str
    rnsr: str
    website: str
    member_count: int = Field(description="Personnes ayant une affiliation en cours à l'équipe.")

    @staticmethod
    def resolve_institutions(obj: Any) -> list[Any]:
        return list(obj.unit.parents.all())


class PlatformOut(PlatformRef):
    host_institution: InstitutionRef
    host_unit: UnitRef | None
    technologies: list[KeywordOut]
    description: str
    services: str
    equipment: str
    label: str
    label_start: date | None
    label_end: date | None
    access_conditions: str
    pricing: str
    site: str
    managers: list[PersonRef]
    contact_email: str
    website: str


class TechTransferOfficeOut(Linked):
    id: int
    name: str
    acronym: str
    institutions: list[InstitutionRef]
    description: str
    contact_email: str
    website: str
    city: str


# --- people (per-field visibility) ---------------------------------------------------------


def _visible(person: Person, context: Any) -> set[str]:
    """The fields the caller may read, computed once per person and request."""
    request = _request(context)
    if request is None:
        return visible_person_fields(None, person)
    cache: dict[int, set[str]] = request.__dict__.setdefault("_api_visible_person_fields", {})
    if person.pk not in cache:
        cache[person.pk] = visible_person_fields(caller_user(request), person)
    return cache[person.pk]


def _shown(person: Person, context: Any, field: str, value: Any) -> Any:
    if field not in _visible(person, context):
        return None
    return value if value not in ("", None) else None


class AffiliationOut(Schema):
    institution: InstitutionRef
    unit: UnitRef | None
    team: TeamRef | None
    position: str
    start: date | None
    end: date | None
    is_primary: bool


class PersonOut(Linked):
    id: int
    first_name: str
    last_name: str
    title: str
    career_stage: CareerStage
    career_stage_label: str
    email: str | None = Field(None, description="Null si la personne ne le montre pas à l'appelant.")
    phone: str | None = Field(None, description="Null si la personne ne le montre pas à l'appelant.")
    orcid: str | None = Field(None, description="Null si caché ou non renseigné.")
    orcid_url: str | None = None
    idref: str | None = Field(None, description="Null si caché ou non renseigné.")
    idref_url: str | None = None
    bio: str | None = Field(None, description="Null si cachée ou non renseignée.")
    keywords: list[KeywordOut] | None = Field(None, description="Null si la personne les cache.")
    affiliations: list[AffiliationOut] | None = Field(
        None, description="Affiliations en cours (liste) ou toutes (détail) ; null si cachées."
    )

    @staticmethod
    def resolve_career_stage_label(obj: Person) -> str:
        return str(obj.get_career_stage_display())

    @staticmethod
    def resolve_email(obj: Person, context: Any) -> str | None:
        return _shown(obj, context, "email", obj.email)

    @staticmethod
    def resolve_phone(obj: Person, context: Any) -> str | None:
        return _shown(obj, context, "phone", obj.phone)

    @staticmethod
    def resolve_orcid(obj: Person, context: Any) -> str | None:
        return _shown(obj, context, "orcid", obj.orcid)

    @staticmethod
    def resolve_orcid_url(obj: Person, context: Any) -> str | None:
        return _shown(obj, context, "orcid", obj.orcid_url)

    @staticmethod
    def resolve_idref(obj: Person, context: Any) -> str | None:
        return _shown(obj, context, "idref", obj.idref)

    @staticmethod
    def resolve_idref_url(obj: Person, context: Any) -> str | None:
        return _shown(obj, context, "idref", obj.idref_url)

    @staticmethod
    def resolve_bio(obj: Person, context: Any) -> str | None:
        return _shown(obj, context, "bio", obj.bio)

    @staticmethod
    def resolve_keywords(obj: Person, context: Any) -> list[Any] | None:
        if "keywords" not in _visible(obj, context):
            return None
        return list(obj.keywords.all())

    @staticmethod
    def resolve_affiliations(obj: Person, context: Any) -> list[Any] | None:
        if "affiliations" not in _visible(obj, context):
            return None
        current = getattr(obj, "current_affiliations", None)  # set by the list's prefetch
        return list(current if current is not None else obj.affiliations.all())


class PersonDetailOut(PersonOut):
    led_teams: list[TeamRef]
    managed_platforms: list[PlatformRef]


# --- account -------------------------------------------------------------------------------


class RoleOut(Schema):
    code: str
    label: str


class TokenInfoOut(Schema):
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    language: str
    roles: list[RoleOut]
    is_network_staff: bool
    person: PersonRef | None = Field(description="Fiche de l'annuaire liée au compte.")
    token: TokenInfoOut = Field(description="Le jeton utilisé pour cet appel.")


class IndexOut(Schema):
    title: str
    version: str
    docs: str
    openapi: str
    scopes: list[dict[str, str]]

"""Read endpoints of the directory, under ``/api/directory/``.

Public data answers without a token; with a token carrying ``directory:read``, people's fields
follow what the token's owner may see on the pages (network members, secretariat).
"""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router
from ninja.pagination import paginate

from api import selectors
from api.auth import BearerToken, caller_user
from api.pagination import Pagination
from api.permissions import DIRECTORY_READ
from api.routers import optional_token
from api.schemas import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    InstitutionDetailOut,
    InstitutionFilters,
    InstitutionOut,
    PersonDetailOut,
    PersonFilterIn,
    PersonOut,
    PlatformFilters,
    PlatformOut,
    TeamFilters,
    TeamOut,
    TechTransferFilters,
    TechTransferOfficeOut,
    UnitDetailOut,
    UnitFilters,
    UnitOut,
)
from directory.selectors import PersonFilters

TAG = "Annuaire"
router = Router(
    auth=BearerToken(scope=DIRECTORY_READ, optional=True),
    tags=[TAG],
)
SCOPE_NOTE = _("Sans jeton : données publiques. Avec un jeton, portée requise : `directory:read`.")


@router.get(
    "/institutions",
    response={200: list[InstitutionOut], **LIST_ERRORS},
    summary=_("Lister les institutions"),
    description=SCOPE_NOTE,
    url_name="directory-institutions",
    openapi_extra=optional_token(),
)
@paginate(Pagination)
def list_institutions(request: HttpRequest, filters: Query[InstitutionFilters]):  # type: ignore[no-untyped-def]
    return selectors.institutions(q=filters.q, kind=filters.kind or "")


@router.get(
    "/institutions/{institution_id}",
    response={200: InstitutionDetailOut, **DETAIL_ERRORS},
    summary=_("Lire une institution"),
    description=SCOPE_NOTE,
    url_name="directory-institution",
    openapi_extra=optional_token(),
)
def get_institution(request: HttpRequest, institution_id: int):  # type: ignore[no-untyped-def]
    return selectors.institution(institution_id)


@router.get(
    "/units",
    response={200: list[UnitOut], **LIST_ERRORS},
    summary=_("Lister les unités de recherche"),
    description=SCOPE_NOTE,
    url_name="directory-units",
    openapi_extra=optional_token(),
)
@paginate(Pagination)
def list_units(request: HttpRequest, filters: Query[UnitFilters]):  # type: ignore[no-untyped-def]
    return selectors.units(q=filters.q, institution=filters.institution)


@router.get(
    "/units/{unit_id}",
    response={200: UnitDetailOut, **DETAIL_ERRORS},
    summary=_("Lire une unité de recherche"),
    description=SCOPE_NOTE,
    url_name="directory-unit",
    openapi_extra=optional_token(),
)
def get_unit(request: HttpRequest, unit_id: int):  # type: ignore[no-untyped-def]
    return selectors.unit(unit_id)


@router.get(
    "/teams",
    response={200: list[TeamOut], **LIST_ERRORS},
    summary=_("Lister les équipes"),
    description=SCOPE_NOTE,
    url_name="directory-teams",
    openapi_extra=optional_token(),
)
@paginate(Pagination)
def list_teams(request: HttpRequest, filters: Query[TeamFilters]):  # type: ignore[no-untyped-def]
    return selectors.teams(q=filters.q, institution=filters.institution, keyword=filters.keyword)


@router.get(
    "/teams/{team_id}",
    response={200: TeamOut, **DETAIL_ERRORS},
    summary=_("Lire une équipe"),
    description=SCOPE_NOTE,
    url_name="directory-team",
    openapi_extra=optional_token(),
)
def get_team(request: HttpRequest, team_id: int):  # type: ignore[no-untyped-def]
    return selectors.team(team_id)


@router.get(
    "/people",
    response={200: list[PersonOut], **LIST_ERRORS},
    summary=_("Lister les personnes"),
    description=_(
        "Les champs qu'une personne a cachés à l'appelant valent `null` : sans jeton, seuls les champs "
        "publics ; jeton d'un membre du réseau : champs « réseau » ; jeton du secrétariat : tous. "
        "Portée requise avec un jeton : `directory:read`."
    ),
    url_name="directory-people",
    openapi_extra=optional_token(),
)
@paginate(Pagination)
def list_people(request: HttpRequest, filters: Query[PersonFilterIn]):  # type: ignore[no-untyped-def]
    return selectors.people(
        PersonFilters(
            q=filters.q,
            institution=filters.institution,
            unit=filters.unit,
            team=filters.team,
            career_stage=filters.career_stage or "",
            keyword=filters.keyword,
        ),
        viewer=caller_user(request),
    )


@router.get(
    "/people/{person_id}",
    response={200: PersonDetailOut, **DETAIL_ERRORS},
    summary=_("Lire la fiche d'une personne"),
    description=_(
        "Mêmes règles de visibilité que la liste ; toutes les affiliations, passées comprises. "
        "Portée requise avec un jeton : `directory:read`."
    ),
    url_name="directory-person",
    openapi_extra=optional_token(),
)
def get_person(request: HttpRequest, person_id: int):  # type: ignore[no-untyped-def]
    return selectors.person(person_id)


@router.get(
    "/platforms",
    response={200: list[PlatformOut], **LIST_ERRORS},
    summary=_("Lister les plateformes technologiques"),
    description=SCOPE_NOTE,
    url_name="directory-platforms",
    openapi_extra=optional_token(),
)
@paginate(Pagination)
def list_platforms(request: HttpRequest, filters: Query[PlatformFilters]):  # type: ignore[no-untyped-def]
    return selectors.platforms(q=filters.q, institution=filters.institution, technology=filters.technology)


@router.get(
    "/platforms/{platform_id}",
    response={200: PlatformOut, **DETAIL_ERRORS},
    summary=_("Lire une plateforme technologique"),
    description=SCOPE_NOTE,
    url_name="directory-platform",
    openapi_extra=optional_token(),
)
def get_platform(request: HttpRequest, platform_id: int):  # type: ignore[no-untyped-def]
    return selectors.platform(platform_id)


@router.get(
    "/tech-transfer-offices",
    response={200: list[TechTransferOfficeOut], **LIST_ERRORS},
    summary=_("Lister les structures de valorisation"),
    description=SCOPE_NOTE,
    url_name="directory-ttos",
    openapi_extra=optional_token(),
)
@paginate(Pagination)
def list_tech_transfer_offices(request: HttpRequest, filters: Query[TechTransferFilters]):  # type: ignore[no-untyped-def]
    return selectors.tech_transfer_offices(q=filters.q, institution=filters.institution)


@router.get(
    "/tech-transfer-offices/{office_id}",
    response={200: TechTransferOfficeOut, **DETAIL_ERRORS},
    summary=_("Lire une structure de valorisation"),
    description=SCOPE_NOTE,
    url_name="directory-tto",
    openapi_extra=optional_token(),
)
def get_tech_transfer_office(request: HttpRequest, office_id: int):  # type: ignore[no-untyped-def]
    return selectors.tech_transfer_office(office_id)

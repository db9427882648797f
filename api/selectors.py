"""Reads behind the API: tokens, and the directory as the endpoints serve it.

The directory lists reuse ``directory.selectors``' search functions (the same filters as the
pages) and add the prefetches the API's schemas need, so every list costs a fixed number of
queries whatever its length.
"""

from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role
from api.models import ApiToken, hash_secret
from core.errors import NotFound
from directory import selectors as directory
from directory.models import Institution, Person, Platform, Team, TechTransferOffice, Unit

M = TypeVar("M", bound=Model)
_MAX_SECRET_LENGTH = 200

# --- tokens --------------------------------------------------------------------------------


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, whatever its status (the caller checks it)."""
    if not secret or len(secret) > _MAX_SECRET_LENGTH:
        return None
    return ApiToken.objects.select_related("user").filter(secret_hash=hash_secret(secret)).first()


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def account_summary(user: Any) -> dict[str, Any]:
    """The caller's account as ``/api/me`` shows it."""
    person = Person.objects.filter(user_id=user.pk).only("pk", "first_name", "last_name").first()
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "roles": [{"code": code, "label": str(Role(code).label)} for code in sorted(user.role_set)],
        "is_network_staff": user.is_network_staff,
        "person": person,
    }


# --- directory -----------------------------------------------------------------------------


def _one(queryset: QuerySet[M], pk: int) -> M:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(
            _("%(what)s introuvable.") % {"what": str(queryset.model._meta.verbose_name).capitalize()}
        )
    return obj


def institutions(*, q: str = "", kind: str = "") -> QuerySet[Institution]:
    return directory.search_institutions(q=q, kind=kind or "")


def institution(pk: int) -> Institution:
    return _one(
        directory.search_institutions()
        .order_by()
        .prefetch_related(
            Prefetch("units", queryset=Unit.objects.order_by("name", "pk")),
            Prefetch("platforms", queryset=Platform.objects.order_by("name", "pk")),
        ),
        pk,
    )


def units(*, q: str = "", institution: int | None = None) -> QuerySet[Unit]:
    return directory.search_units(q=q, institution=institution).select_related("director")


def unit(pk: int) -> Unit:
    return _one(units().prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name", "pk"))), pk)


def teams(*, q: str = "", institution: int | None = None, keyword: int | None = None) -> QuerySet[Team]:
    return directory.search_teams(q=q, institution=institution, keyword=keyword)


def team(pk: int) -> Team:
    return _one(teams(), pk)


def people(filters: directory.PersonFilters, *, viewer: Any) -> QuerySet[Person]:
    """``viewer`` decides what the search may match on (a hidden field must not be searchable)."""
    return directory.search_people(filters, viewer=viewer)


def person(pk: int) -> Person:
    try:
        return directory.person_detail(pk)
    except Person.DoesNotExist as exc:
        raise NotFound(_("Personne introuvable.")) from exc


def platforms(
    *, q: str = "", institution: int | None = None, technology: int | None = None
) -> QuerySet[Platform]:
    return directory.search_platforms(q=q, institution=institution, technology=technology).prefetch_related(
        Prefetch("managers", queryset=Person.objects.order_by("last_name", "first_name", "pk"))
    )


def platform(pk: int) -> Platform:
    return _one(platforms(), pk)


def tech_transfer_offices(*, q: str = "", institution: int | None = None) -> QuerySet[TechTransferOffice]:
    return directory.search_offices(q, institution)


def tech_transfer_office(pk: int) -> TechTransferOffice:
    return _one(tech_transfer_offices(), pk)

"""The API's front door (``/api/``) and the caller's own account (``/api/me``)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router

from api import selectors
from api.auth import BearerToken
from api.permissions import registered_scopes
from api.routers import optional_token
from api.schemas import TOKEN_ERRORS, IndexOut, MeOut

router = Router()


@router.get(
    "/",
    response={200: IndexOut, **TOKEN_ERRORS},
    auth=BearerToken(optional=True),
    summary=_("Point d'entrée de l'API"),
    description=_("Liens vers la documentation et le schéma OpenAPI, et liste des portées de jeton."),
    tags=["API"],
    url_name="index",
    openapi_extra=optional_token(),
)
def index(request: HttpRequest):  # type: ignore[no-untyped-def]
    from api.api import api  # the API object mounts this router: imported late

    return {
        "title": api.title,
        "version": api.version,
        "docs": request.build_absolute_uri(reverse("api:openapi-view")),
        "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        "scopes": [
            {"code": s.code, "label": str(s.label), "description": str(s.description)}
            for s in registered_scopes()
        ],
    }


@router.get(
    "/me",
    response={200: MeOut, **TOKEN_ERRORS},
    auth=BearerToken(),
    summary=_("Mon compte"),
    description=_(
        "Le compte du propriétaire du jeton, ses rôles et le jeton utilisé. Jeton requis, sans portée."
    ),
    tags=["Compte"],
    url_name="me",
)
def me(request: HttpRequest):  # type: ignore[no-untyped-def]
    caller = request.auth  # type: ignore[attr-defined]
    return {**selectors.account_summary(caller.user), "token": caller.token}

"""The REST API (django-ninja), mounted at ``/api/`` with the URL namespace ``api``.

Authentication: personal tokens (``api.auth.BearerToken``). Documentation at ``/api/docs`` uses
the Swagger UI files that ninja ships (served from ``/static/``: no CDN, works offline).
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from api.routers import routers
from core.errors import DomainError, InvalidInput, InvalidState, NotAllowed, NotFound, StaleVersion


class OfflineSwagger(Swagger):
    """Swagger UI from ninja's own static files (our template adds the page language)."""

    template = "api/swagger.html"


api = NinjaAPI(
    title="Cancéropôle Île-de-France API",
    version="1.0",
    description=(
        "REST API of the Cancéropôle platform. Authenticate with a personal token: "
        "`Authorization: Bearer <token>`.\n\n"
        "API REST de la plateforme du Cancéropôle. Créez un jeton personnel sur la page « Jetons d'API » "
        "de votre compte et envoyez-le dans l'en-tête `Authorization: Bearer <jeton>`. Les listes sont "
        "paginées (`limit`, `offset`) et répondent `{items, count}` ; les erreurs répondent `{detail}`."
    ),
    urls_namespace="api",
    # validatorUrl: null, or Swagger UI would send the schema to validator.swagger.io.
    docs=OfflineSwagger(
        settings={"validatorUrl": None, "persistAuthorization": False, "displayRequestDuration": True}
    ),
    openapi_extra={
        "tags": [
            {"name": "API", "description": "Point d'entrée et portées des jetons."},
            {"name": "Compte", "description": "Le compte du propriétaire du jeton."},
            {
                "name": "Annuaire",
                "description": "Institutions, unités, équipes, personnes, plateformes, valorisation.",
            },
            {
                "name": "Appels à projets",
                "description": "Appels publiés (public) et mes candidatures (jeton).",
            },
        ]
    },
)

for prefix, router in routers():
    api.add_router(prefix, router)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# Domain errors raised by services and selectors become JSON errors with the same sentence.
_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (NotAllowed, 403),
    (InvalidInput, 422),
    (InvalidState, 409),
    (StaleVersion, 409),
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = next((code for cls, code in _DOMAIN_STATUS if isinstance(exc, cls)), 400)
    body: dict[str, str] = {"detail": exc.message or _("Requête refusée.")}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=status)

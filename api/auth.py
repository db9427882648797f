"""Token authentication for the API: ``Authorization: Bearer <token>``.

``BearerToken(scope=...)`` guards an endpoint. With ``optional=True`` a call without the header is
served as an anonymous caller (public data only); a header that is present must always hold a
valid token. A missing, unknown, expired or revoked token answers 401; a valid token without the
endpoint's scope answers 403. Sessions are not used: the API trusts tokens only, so no CSRF.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from api.models import ApiToken
from api.selectors import token_for_secret
from api.services import record_token_use


@dataclass(frozen=True)
class Caller:
    """Who is calling: ``request.auth`` on every API endpoint."""

    user: Any  # a User, or AnonymousUser for a public call without a token
    token: ApiToken | None = None


def caller_user(request: HttpRequest) -> Any:
    caller = getattr(request, "auth", None)
    return caller.user if isinstance(caller, Caller) else AnonymousUser()


class BearerToken(HttpBearer):
    openapi_description = (
        "Jeton personnel créé sur la page « Jetons d'API » de votre compte, envoyé dans l'en-tête "
        "`Authorization: Bearer <jeton>`. Chaque point d'accès indique la portée requise."
    )

    def __init__(self, *, scope: str | None = None, optional: bool = False) -> None:
        self.scope = scope
        self.optional = optional
        super().__init__()

    def __call__(self, request: HttpRequest) -> Caller:
        header = request.headers.get(self.header, "").strip()
        if not header:
            if self.optional:
                return Caller(user=AnonymousUser())
            raise AuthenticationError(
                message=_("Jeton d'API manquant : envoyez l'en-tête « Authorization: Bearer <jeton> »."),
            )
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            raise AuthenticationError(
                message=_("En-tête Authorization invalide : utilisez « Bearer <jeton> ».")
            )
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        found = token_for_secret(token)
        if found is None or not found.user.is_active:
            raise AuthenticationError(message=_("Jeton d'API invalide."))
        if found.status == ApiToken.Status.REVOKED:
            raise AuthenticationError(message=_("Ce jeton d'API a été révoqué."))
        if found.status == ApiToken.Status.EXPIRED:
            raise AuthenticationError(message=_("Ce jeton d'API a expiré."))
        if self.scope is not None and not found.has_scope(self.scope):
            raise AuthorizationError(
                message=_("Ce jeton n'a pas la portée « %(scope)s » qu'exige ce point d'accès.")
                % {"scope": self.scope}
            )
        record_token_use(token=found)
        return Caller(user=found.user, token=found)

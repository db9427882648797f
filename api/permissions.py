"""Who may do what with API tokens, and the registry of token scopes.

A scope is data: a code (``directory:read``), a label and a description shown on the token page.
Each domain that exposes endpoints registers its scopes with ``register_scope`` (from its router
module or here) and protects its endpoints with ``BearerToken(scope=...)`` (see ``api.auth``).
"""

from dataclasses import dataclass
from typing import Any

import rules
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_administrator, is_signed_in


@dataclass(frozen=True)
class Scope:
    code: str
    label: str | Promise
    description: str | Promise = ""


_scopes: dict[str, Scope] = {}


def register_scope(code: str, label: str | Promise, description: str | Promise = "") -> str:
    """Declare a scope tokens may carry; returns the code, for use as a constant."""
    _scopes[code] = Scope(code=code, label=label, description=description)
    return code


def registered_scopes() -> list[Scope]:
    return sorted(_scopes.values(), key=lambda s: s.code)


def get_scope(code: str) -> Scope | None:
    return _scopes.get(code)


def is_known_scope(code: str) -> bool:
    return code in _scopes


DIRECTORY_READ = register_scope(
    "directory:read",
    _("Lecture de l'annuaire"),
    _(
        "Institutions, unités, équipes, personnes, plateformes et structures de valorisation, "
        "avec les champs que votre compte peut voir."
    ),
)

CALLS_READ = register_scope(
    "calls:read",
    _("Lecture de mes candidatures"),
    _("Les candidatures aux appels à projets que vous portez ou auxquelles votre équipe est partenaire."),
)


@rules.predicate
def is_token_owner(user: Any, token: Any) -> bool:
    return bool(token is not None and user.is_authenticated and token.user_id == user.pk)


rules.add_perm("api.manage_own_tokens", is_signed_in)
# Administrators may revoke any token (e.g. a leaked one) from the admin site; the token page
# itself only ever shows and revokes the signed-in user's own tokens.
rules.add_perm("api.revoke_token", is_token_owner | is_administrator)

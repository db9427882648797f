"""Every change to API tokens: creation (the secret is returned once), revocation, use stamps."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PREFIX_LENGTH, SECRET_MARK, ApiToken, hash_secret
from api.permissions import is_known_scope
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.services import record_audit

# ``last_used_at`` is stamped at most once per interval, so that a busy client does not cost a
# database write per request.
USE_STAMP_INTERVAL = timedelta(minutes=1)
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once to its owner, never stored


@transaction.atomic
def create_token(
    *, actor: Any, name: str, scopes: Iterable[str], expires_at: datetime | None = None
) -> CreatedToken:
    """Create a personal token for ``actor``; the secret is in the result and nowhere else."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotAllowed(_("Connectez-vous pour créer un jeton d'API."))
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(
            _("Donnez un nom au jeton (par exemple, le nom du script qui l'utilise)."), field="name"
        )
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(_("Ce nom est trop long."), field="name")
    codes = sorted(set(scopes))
    if not codes:
        raise InvalidInput(_("Choisissez au moins une portée."), field="scopes")
    unknown = [code for code in codes if not is_known_scope(code)]
    if unknown:
        raise InvalidInput(
            _("Portée inconnue : %(scopes)s.") % {"scopes": ", ".join(unknown)}, field="scopes"
        )
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise InvalidInput(_("La date d'expiration doit être dans le futur."), field="expires_at")
    clash = ApiToken.objects.filter(user=actor, name__iexact=name, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if clash.exists():
        raise InvalidInput(_("Vous avez déjà un jeton actif de ce nom."), field="name")

    secret = SECRET_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        scopes=codes,
        expires_at=expires_at,
    )
    record_audit(
        action="api.token.created",
        actor=actor,
        target=token,
        data={
            "name": name,
            "prefix": token.prefix,
            "scopes": codes,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return CreatedToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke ``token`` at once: every later request with it answers 401."""
    if not actor.has_perm("api.revoke_token", token):
        raise NotAllowed(_("Vous ne pouvez pas révoquer ce jeton."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise InvalidState(_("Ce jeton est déjà révoqué."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        action="api.token.revoked",
        actor=actor,
        target=token,
        data={"prefix": token.prefix, "owner_id": token.user_id},
    )
    return token


def record_token_use(*, token: ApiToken, now: datetime | None = None) -> bool:
    """Stamp ``last_used_at``, at most once per ``USE_STAMP_INTERVAL``; True when written.

    Not audited: it happens on every request. The conditional UPDATE keeps concurrent requests
    from writing twice.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_STAMP_INTERVAL:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - USE_STAMP_INTERVAL)
    written = ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return bool(written)

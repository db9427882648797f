"""Tokens for tests, made through the real service (the secret exists only in its result)."""

import itertools
from datetime import datetime
from typing import Any

from api.models import ApiToken
from api.permissions import DIRECTORY_READ
from api.services import create_token

_names = itertools.count(1)


def make_token(
    user: Any,
    *,
    scopes: tuple[str, ...] = (DIRECTORY_READ,),
    name: str = "",
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    created = create_token(
        actor=user, name=name or f"Script {next(_names)}", scopes=scopes, expires_at=expires_at
    )
    return created.token, created.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}

"""How each URL must answer to people without rights. Every app lists its URL names in a
``tests/url_access*.py`` module as ``URL_ACCESS = {"app:name": Rule(...)}``; the walk in
``config/tests/test_url_permissions.py`` fails on any URL pattern missing from these tables.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Access(Enum):
    PUBLIC = "public"  # anyone may open it
    SIGNED_IN = "signed_in"  # anonymous → login page; any signed-in user may open it
    STAFF = "staff"  # anonymous → login page; a researcher → 403 or 404
    CONFIDENTIAL = "confidential"  # anonymous → login page or 404; a researcher without rights → 404
    OWNER = "owner"  # the object's owner only; others → 404 (anonymous → login page or 404)


@dataclass(frozen=True)
class Rule:
    access: Access
    # Builds the URL's kwargs from the ``world`` fixture (objects owned by someone else).
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    skip_reason: str = ""  # third-party URLs we do not own (allauth's), with the reason

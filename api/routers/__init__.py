"""The API's routers. A domain that exposes endpoints adds a module here and a line to ``ROUTERS``."""

from typing import Any


def optional_token() -> dict[str, Any]:
    """OpenAPI extra for endpoints that also answer without a token (public data)."""
    return {"security": [{}]}


def routers() -> list[tuple[str, Any]]:
    """(prefix, router) pairs mounted on the API, in the order of the documentation."""
    from api.routers import account, calls, directory

    return [
        ("", account.router),
        ("/directory/", directory.router),
        ("/calls/", calls.router),
    ]

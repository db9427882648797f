"""Limit/offset pagination for every API list: ``?limit=50&offset=100``, answers ``{items, count}``."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Nombre de résultats (200 au plus)."
        )
        offset: int = Field(0, ge=0, description="Nombre de résultats à sauter.")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

"""Reads of the expertise domain: the in-process index (``index``) and the searches (``search``)."""

from expertise.selectors.index import (
    ExpertiseIndex,
    encoder_for,
    forget_index,
    get_engine,
    get_index,
    index_state,
)
from expertise.selectors.search import (
    Conflict,
    ExpertFilters,
    Outcome,
    expert_search,
    find_collaborators,
    index_status,
    suggest_reviewers,
)

__all__ = [
    "Conflict",
    "ExpertFilters",
    "ExpertiseIndex",
    "Outcome",
    "encoder_for",
    "expert_search",
    "find_collaborators",
    "forget_index",
    "get_engine",
    "get_index",
    "index_state",
    "index_status",
    "suggest_reviewers",
]

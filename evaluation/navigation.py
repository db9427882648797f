"""Menu entries of the evaluation domain."""

from typing import Any

from accounts.permissions import is_secretariat
from core.navigation import NavItem, register


def _is_reviewer(user: Any) -> bool:
    from evaluation.permissions import accepted_memberships

    return bool(user.is_authenticated and accepted_memberships(user).exists())


def register_navigation() -> None:
    # (entries are added here with their pages)
    _ = (NavItem, register, is_secretariat, _is_reviewer)

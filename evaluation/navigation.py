"""Menu entries of the evaluation domain."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_secretariat
from core.navigation import NavItem, register


def _evaluation_roles(user: Any) -> frozenset[str]:
    """The roles ``user`` accepted in any campaign: one query per request, kept on the user
    object of that request (a new invitation shows in the menu at the next page)."""
    if not user.is_authenticated:
        return frozenset()
    roles = getattr(user, "_evaluation_roles", None)
    if roles is None:
        from evaluation.permissions import accepted_memberships

        roles = frozenset(accepted_memberships(user).order_by().values_list("role", flat=True).distinct())
        user._evaluation_roles = roles
    return roles


def _is_reviewer(user: Any) -> bool:
    return bool(_evaluation_roles(user))


def _sits_on_committee(user: Any) -> bool:
    from evaluation.models import ReviewerRole

    return bool(
        user.is_authenticated
        and (is_secretariat.test(user) or ReviewerRole.RAPPORTEUR in _evaluation_roles(user))
    )


def register_navigation() -> None:
    register(NavItem(_("Mes évaluations"), "evaluation:my_reviews", 37, _is_reviewer))
    register(NavItem(_("Comités"), "evaluation:committee_index", 38, _sits_on_committee))
    register(
        NavItem(_("Évaluations (gestion)"), "evaluation:campaign_list", 932, is_secretariat.test, "staff")
    )

"""Menu entries of the evaluation domain."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_secretariat
from core.navigation import NavItem, register


def _is_reviewer(user: Any) -> bool:
    from evaluation.permissions import accepted_memberships

    return bool(user.is_authenticated and accepted_memberships(user).exists())


def _sits_on_committee(user: Any) -> bool:
    from evaluation.models import ReviewerRole
    from evaluation.permissions import accepted_memberships

    if not user.is_authenticated:
        return False
    return bool(
        is_secretariat.test(user) or accepted_memberships(user).filter(role=ReviewerRole.RAPPORTEUR).exists()
    )


def register_navigation() -> None:
    # (entries are added here with their pages)
    register(NavItem(_("Mes évaluations"), "evaluation:my_reviews", 37, _is_reviewer))
    register(NavItem(_("Comités"), "evaluation:committee_index", 38, _sits_on_committee))
    register(
        NavItem(_("Évaluations (gestion)"), "evaluation:campaign_list", 932, is_secretariat.test, "staff")
    )
    _placeholders = (NavItem, register, is_secretariat, _is_reviewer)  # noqa: F841

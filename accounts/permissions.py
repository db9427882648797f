"""Who holds which standing role: the predicates every later domain builds on.

A domain says "who may do what" by combining these predicates in its own ``permissions.py``
and registering named permissions with ``rules.add_perm``.
"""

from typing import Any

import rules

from accounts.models import Role


def _has_role(user: Any, *roles: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.has_role(*roles))


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


@rules.predicate
def is_secretariat(user: Any) -> bool:
    """Secretariat staff, and administrators who can do all they do."""
    return _has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR)


@rules.predicate
def is_administrator(user: Any) -> bool:
    return _has_role(user, Role.ADMINISTRATOR)


@rules.predicate
def is_cops_member(user: Any) -> bool:
    return _has_role(user, Role.COPS_MEMBER)


@rules.predicate
def is_committee_member(user: Any) -> bool:
    return _has_role(user, Role.COMMITTEE_MEMBER)


@rules.predicate
def is_assembly_representative(user: Any) -> bool:
    return _has_role(user, Role.ASSEMBLY_REPRESENTATIVE)


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return _has_role(user, Role.REVIEWER)


@rules.predicate
def is_team_leader(user: Any) -> bool:
    return _has_role(user, Role.TEAM_LEADER)


is_staff_member = is_secretariat

rules.add_perm("accounts.use_backoffice", is_secretariat)
rules.add_perm("accounts.manage_roles", is_administrator)
rules.add_perm("accounts.manage_invitations", is_secretariat)
rules.add_perm("accounts.process_privacy_requests", is_administrator | is_secretariat)
rules.add_perm("accounts.view_audit_log", is_administrator | is_secretariat)
rules.add_perm("accounts.view_own_account", is_signed_in)

from django.db.models import Model

from accounts.models import Invitation, PrivacyRequest, RoleGrant, User
from core import privacy


def _erased_label(obj: Model) -> str:
    return f"erased #{obj.pk}"


privacy.register(
    User,
    subject=lambda user: {"pk": user.pk},
    fields=("email", "first_name", "last_name", "language", "date_joined"),
    erase="anonymise",
    lawful_basis="contract (use of the platform)",
)
privacy.register(
    RoleGrant,
    subject="user",
    fields=("role", "granted_at"),
    erase="delete",
    lawful_basis="public interest task (running the network)",
)
privacy.register(
    PrivacyRequest,
    subject="user",
    fields=("kind", "reason", "status", "created_at", "processed_at", "response"),
    erase="anonymise",
    anonymise={"requester_label": _erased_label, "reason": ""},
    lawful_basis="legal obligation (proof that requests were processed)",
    retention="5 years",
)
privacy.register(
    Invitation,
    subject=lambda user: {"email__iexact": user.email},
    fields=("email", "created_at", "accepted_at"),
    erase="delete",
    lawful_basis="legitimate interest (inviting people to the platform)",
    retention="until accepted or expired",
)

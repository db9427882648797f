"""Every change to accounts: roles, invitations, sign-up completion, data-protection requests."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Invitation, PrivacyRequest, Role, RoleGrant, User
from core import privacy
from core.errors import InvalidInput, InvalidState
from core.services import EmailMessage, record_audit, send_templated_email

INVITATION_VALIDITY = dt.timedelta(days=30)


@transaction.atomic
def grant_role(*, user: User, role: str, actor: Any = None) -> RoleGrant:
    if role not in Role.values:
        raise InvalidInput(f"Unknown role: {role}", field="role")
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": actor})
    if created:
        record_audit(action="accounts.role.granted", actor=actor, target=user, data={"role": role})
    user.__dict__.pop("_role_cache", None)
    return grant


@transaction.atomic
def revoke_role(*, user: User, role: str, actor: Any = None) -> None:
    deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        record_audit(action="accounts.role.revoked", actor=actor, target=user, data={"role": role})
    user.__dict__.pop("_role_cache", None)


@transaction.atomic
def set_roles(*, user: User, roles: set[str], actor: Any) -> None:
    current = set(user.role_grants.values_list("role", flat=True))
    for role in sorted(roles - current):
        grant_role(user=user, role=role, actor=actor)
    for role in sorted(current - roles):
        revoke_role(user=user, role=role, actor=actor)


@transaction.atomic
def invite_user(
    *, email: str, roles: list[str], actor: Any, base_url: str, language: str = "fr"
) -> Invitation:
    """Create an invitation and e-mail its link. Used when sign-up is by invitation."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(gettext("Un compte existe déjà avec cette adresse."), field="email")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise InvalidInput(f"Unknown roles: {', '.join(unknown)}", field="roles")
    invitation = Invitation.objects.create(
        email=email, roles=roles, invited_by=actor, expires_at=timezone.now() + INVITATION_VALIDITY
    )
    record_audit(action="accounts.invitation.sent", actor=actor, target=invitation, data={"roles": roles})
    link = base_url.rstrip("/") + reverse("accounts:accept_invitation", args=[invitation.token])
    send_templated_email(
        EmailMessage(
            template="accounts/emails/invitation",
            to=[email],
            context={"link": link, "invitation": invitation, "inviter": str(actor)},
            language=language,
        )
    )
    return invitation


@transaction.atomic
def complete_signup(*, user: User, invitation_token: str | None) -> None:
    """Called once an account has been created through the sign-up form."""
    from accounts.selectors import usable_invitation

    invitation = usable_invitation(invitation_token)
    roles = {Role.RESEARCHER.value}
    if invitation is not None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        roles.update(invitation.roles)
    for role in sorted(roles):
        grant_role(user=user, role=role, actor=None)
    record_audit(
        action="accounts.user.signed_up",
        actor=user,
        target=user,
        data={"invitation": invitation.pk if invitation else None},
    )


def export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user`` (GDPR art. 15), as JSON-ready data."""
    record_audit(action="accounts.privacy.exported", actor=user, target=user)
    return {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "roles": sorted(user.role_set),
        },
        "records": privacy.export_subject(user),
    }


@transaction.atomic
def request_erasure(*, user: User, reason: str = "") -> PrivacyRequest:
    if PrivacyRequest.objects.filter(user=user, status=PrivacyRequest.Status.PENDING).exists():
        raise InvalidState(gettext("Une demande d'effacement est déjà en cours de traitement."))
    request = PrivacyRequest.objects.create(
        user=user, requester_label=f"{user} <{user.email}>"[:255], reason=reason.strip()
    )
    record_audit(action="accounts.privacy.erasure_requested", actor=user, target=request)
    return request


@transaction.atomic
def process_erasure(*, request: PrivacyRequest, actor: Any, response: str = "") -> dict[str, int]:
    """Erase the requester's personal data: registered records are deleted or anonymised, the
    account is deactivated and stripped of identifying fields; the request stays as proof."""
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PrivacyRequest.Status.PENDING:
        raise InvalidState(gettext("Cette demande a déjà été traitée."))
    user = request.user
    counts: dict[str, int] = {}
    if user is not None:
        counts = privacy.erase_subject(user)
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator

        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        RoleGrant.objects.filter(user=user).delete()
        user.email = f"erased-{user.pk}@erased.invalid"
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    request.status = PrivacyRequest.Status.DONE
    request.processed_at = timezone.now()
    request.processed_by = actor
    request.response = response
    request.requester_label = f"erased account #{user.pk}" if user else request.requester_label
    request.save()
    record_audit(action="accounts.privacy.erased", actor=actor, target=request, data={"counts": counts})
    return counts


@transaction.atomic
def refuse_privacy_request(*, request: PrivacyRequest, actor: Any, response: str) -> None:
    if not response.strip():
        raise InvalidInput(gettext("Indiquez le motif du refus."), field="response")
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PrivacyRequest.Status.PENDING:
        raise InvalidState(gettext("Cette demande a déjà été traitée."))
    request.status = PrivacyRequest.Status.REFUSED
    request.processed_at = timezone.now()
    request.processed_by = actor
    request.response = response.strip()
    request.save()
    record_audit(action="accounts.privacy.refused", actor=actor, target=request)


@transaction.atomic
def update_account(*, user: User, first_name: str, last_name: str, language: str) -> User:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.language = language
    user.save(update_fields=["first_name", "last_name", "language"])
    record_audit(action="accounts.user.updated", actor=user, target=user)
    return user

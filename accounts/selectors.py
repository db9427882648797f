from django.db.models import QuerySet

from accounts.models import Invitation, PrivacyRequest


def usable_invitation(token: str | None) -> Invitation | None:
    if not token:
        return None
    invitation = Invitation.objects.filter(token=token).first()
    return invitation if invitation is not None and invitation.is_usable else None


def pending_privacy_requests() -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(status=PrivacyRequest.Status.PENDING).select_related("user")


def privacy_requests() -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.select_related("user", "processed_by")

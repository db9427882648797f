"""allauth hooks: who may sign up (open registration or invitation) and what happens after."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

INVITATION_SESSION_KEY = "canceropole_invitation"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        if settings.CANCEROPOLE_SIGNUP_MODE == "open":
            return True
        from accounts.selectors import usable_invitation

        return usable_invitation(request.session.get(INVITATION_SESSION_KEY)) is not None

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from accounts.services import complete_signup

            complete_signup(user=user, invitation_token=request.session.pop(INVITATION_SESSION_KEY, None))
        return user

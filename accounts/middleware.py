"""Account safety for staff: a short idle timeout and a mandatory second factor."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

_LAST_SEEN = "canceropole_last_seen"


def _is_staff(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and getattr(user, "is_network_staff", False))


class StaffIdleTimeoutMiddleware:
    """Signs staff out after ``CANCEROPOLE_STAFF_IDLE_MINUTES`` without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_staff(request):
            now = time.time()
            last = request.session.get(_LAST_SEEN)
            limit = settings.CANCEROPOLE_STAFF_IDLE_MINUTES * 60
            if last is not None and now - float(last) > limit:
                logout(request)
                messages.info(
                    request, _("Votre session a expiré après une période d'inactivité. Reconnectez-vous.")
                )
                return redirect(f"{reverse('account_login')}?next={request.path}")
            request.session[_LAST_SEEN] = now
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Sends staff without a TOTP authenticator to the page that sets one up."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/favicon")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.CANCEROPOLE_STAFF_MFA_REQUIRED
            and _is_staff(request)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            has_totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
            if not has_totp:
                messages.warning(
                    request,
                    _(
                        "Les comptes du secrétariat doivent être protégés par une double authentification. "
                        "Configurez une application d'authentification pour continuer."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

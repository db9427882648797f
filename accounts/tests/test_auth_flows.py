"""Sign-in, sign-up (open or by invitation), rate limiting, staff MFA and idle timeout."""

import datetime as dt
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from accounts.adapters import INVITATION_SESSION_KEY
from accounts.models import Invitation, Role, User
from accounts.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _verified(user):  # type: ignore[no-untyped-def]
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.django_db
def test_login_by_email_then_home(client):
    user = _verified(UserFactory(email="anne@example.org"))
    response = client.post(reverse("account_login"), {"login": "ANNE@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_unverified_email_cannot_sign_in(client, mailoutbox):
    UserFactory(email="bob@example.org")
    response = client.post(reverse("account_login"), {"login": "bob@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert mailoutbox and "bob@example.org" in mailoutbox[0].to


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client, settings):
    _verified(UserFactory(email="carla@example.org"))
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "carla@example.org", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "carla@example.org", "password": PASSWORD})
    assert response.status_code == 429 or "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signup_by_invitation_only(client, settings, staff):
    settings.CANCEROPOLE_SIGNUP_MODE = "invitation"
    response = client.get(reverse("account_signup"))
    assert "fermées" in response.content.decode() or response.status_code in (200, 403)
    client.post(
        reverse("account_signup"),
        {"email": "intruder@example.org", "password1": "Sup3r-secret-pw", "password2": "Sup3r-secret-pw"},
    )
    assert not User.objects.filter(email="intruder@example.org").exists()

    invitation = Invitation.objects.create(
        email="guest@example.org",
        roles=[Role.REVIEWER],
        invited_by=staff,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    response = client.get(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert response.status_code == 302 and client.session[INVITATION_SESSION_KEY] == invitation.token
    client.post(
        reverse("account_signup"),
        {"email": "guest@example.org", "password1": "Sup3r-secret-pw", "password2": "Sup3r-secret-pw"},
    )
    user = User.objects.get(email="guest@example.org")
    assert user.role_set == {Role.RESEARCHER, Role.REVIEWER}


@pytest.mark.django_db
def test_open_signup_when_configured(client, settings):
    settings.CANCEROPOLE_SIGNUP_MODE = "open"
    client.post(
        reverse("account_signup"),
        {"email": "open@example.org", "password1": "Sup3r-secret-pw", "password2": "Sup3r-secret-pw"},
    )
    assert User.objects.get(email="open@example.org").role_set == {Role.RESEARCHER}


@pytest.mark.django_db
def test_staff_without_totp_are_sent_to_set_it_up(client, staff, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = True
    client.force_login(staff)
    response = client.get(reverse("accounts:backoffice"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("accounts:backoffice")).status_code == 200


@pytest.mark.django_db
def test_researchers_are_not_forced_to_use_totp(client, researcher, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = True
    client.force_login(researcher)
    assert client.get(reverse("accounts:account")).status_code == 200


@pytest.mark.django_db
def test_staff_session_expires_after_idle_time(client, staff, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    settings.CANCEROPOLE_STAFF_IDLE_MINUTES = 30
    client.force_login(staff)
    assert client.get(reverse("accounts:backoffice")).status_code == 200
    session = client.session
    session["canceropole_last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("accounts:backoffice"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_totp_login_flow_for_staff(client, staff, settings):
    """A staff member with TOTP signs in with password, then the current code."""
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = True
    _verified(staff)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    code = f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("accounts:backoffice")).status_code == 200

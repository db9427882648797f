"""Token authentication end to end: ``Authorization: Bearer <token>`` on real endpoints."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from api.models import ApiToken
from api.services import USE_STAMP_INTERVAL, revoke_token
from api.tests.factories import bearer, make_token

pytestmark = pytest.mark.django_db

ME = "api:me"
PEOPLE = "api:directory-people"


def _assert_401(response, words):  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert words in response.json()["detail"]


def test_me_requires_a_token(client, researcher):
    _assert_401(client.get(reverse(ME)), "manquant")


def test_a_session_is_not_a_token(client, researcher):
    client.force_login(researcher)
    _assert_401(client.get(reverse(ME)), "manquant")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Token abc", "cpidf_abc"],
)
def test_malformed_headers_answer_401(client, researcher, header):
    response = client.get(reverse(ME), headers={"Authorization": header})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_unknown_token_answers_401_even_on_public_endpoints(client, researcher):
    make_token(researcher)
    for name in (ME, PEOPLE):
        _assert_401(client.get(reverse(name), headers=bearer("cpidf_not-a-real-token")), "invalide")


def test_revoked_token_answers_401(client, researcher):
    token, secret = make_token(researcher)
    assert client.get(reverse(ME), headers=bearer(secret)).status_code == 200
    revoke_token(actor=researcher, token=token)
    _assert_401(client.get(reverse(ME), headers=bearer(secret)), "révoqué")
    _assert_401(client.get(reverse(PEOPLE), headers=bearer(secret)), "révoqué")


def test_expired_token_answers_401(client, researcher):
    token, secret = make_token(researcher, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _assert_401(client.get(reverse(ME), headers=bearer(secret)), "expiré")


def test_token_of_a_deactivated_account_answers_401(client, researcher):
    _token, secret = make_token(researcher)
    researcher.is_active = False
    researcher.save()
    _assert_401(client.get(reverse(ME), headers=bearer(secret)), "invalide")


def test_token_without_the_scope_answers_403(client, researcher, monkeypatch):
    from api import permissions

    monkeypatch.setattr(permissions, "_scopes", dict(permissions._scopes))
    permissions.register_scope("other:read", "Autre lecture")
    _token, secret = make_token(researcher, scopes=("other:read",))

    response = client.get(reverse(PEOPLE), headers=bearer(secret))
    assert response.status_code == 403
    assert "directory:read" in response.json()["detail"]
    # /api/me needs no scope: any valid token says whose it is
    assert client.get(reverse(ME), headers=bearer(secret)).status_code == 200


def test_me_returns_the_account_roles_and_token(client):
    user = UserFactory(email="lea@example.org", first_name="Léa", roles=[Role.RESEARCHER, Role.REVIEWER])
    token, secret = make_token(user, name="Mon outil")

    response = client.get(reverse(ME), headers=bearer(secret))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk and body["email"] == "lea@example.org" and body["first_name"] == "Léa"
    assert {r["code"] for r in body["roles"]} == {Role.RESEARCHER, Role.REVIEWER}
    assert all(r["label"] for r in body["roles"])
    assert body["is_network_staff"] is False
    assert body["person"] is None
    assert body["token"]["name"] == "Mon outil" and body["token"]["prefix"] == token.prefix
    assert secret not in response.content.decode()


def test_me_links_the_directory_record(client, researcher):
    _token, secret = make_token(researcher)
    body = client.get(reverse(ME), headers=bearer(secret)).json()
    assert body["person"]["id"] == researcher.person.pk
    assert body["person"]["url"].startswith("http://testserver/")


def test_last_used_is_stamped_at_most_once_a_minute(client, researcher):
    token, secret = make_token(researcher)
    assert token.last_used_at is None

    client.get(reverse(ME), headers=bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    client.get(reverse(ME), headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: no write

    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=first - USE_STAMP_INTERVAL - timedelta(seconds=1)
    )
    client.get(reverse(ME), headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_recent_stamp_costs_no_write(client, researcher, django_assert_num_queries):
    token, secret = make_token(researcher)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    # token + user (one join), roles, person: no UPDATE
    with django_assert_num_queries(3):
        assert client.get(reverse(ME), headers=bearer(secret)).status_code == 200

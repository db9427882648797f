"""The token page: list, create (secret shown once), revoke — each user sees only their own."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from api.models import ApiToken, hash_secret
from api.permissions import DIRECTORY_READ
from api.tests.factories import bearer, make_token
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

LIST = "api_tokens:list"
CREATE = "api_tokens:create"


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(reverse(LIST)), client.post(reverse(CREATE), {"name": "x"})):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_list_shows_only_my_tokens(client, researcher, django_assert_max_num_queries):
    for i in range(3):
        make_token(researcher, name=f"Mien {i}")
    make_token(UserFactory(), name="Celui d'un autre")
    client.force_login(researcher)

    with django_assert_max_num_queries(8):
        response = client.get(reverse(LIST))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('id="token-') == 3 and "Mien 2" in html
    assert "Celui d&#x27;un autre" not in html and "Celui d'un autre" not in html


def test_list_query_count_does_not_grow(client, researcher, django_assert_max_num_queries):
    client.force_login(researcher)
    make_token(researcher)
    client.get(reverse(LIST))  # warm the session
    with django_assert_max_num_queries(8) as few:
        client.get(reverse(LIST))
    for i in range(20):
        make_token(researcher, name=f"Lot {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(LIST))


def test_create_shows_the_secret_once_and_it_works(client, researcher):
    client.force_login(researcher)
    expiry = timezone.localdate() + timedelta(days=30)

    response = client.post(
        reverse(CREATE), {"name": "Mon script", "scopes": [DIRECTORY_READ], "expires_at": expiry.isoformat()}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secret = re.search(r'value="(cpidf_[^"]+)"', html).group(1)
    token = ApiToken.objects.get(user=researcher)
    assert token.secret_hash == hash_secret(secret) and token.name == "Mon script"
    assert timezone.localtime(token.expires_at).date() == expiry
    assert AuditEntry.objects.filter(action="api.token.created", actor=researcher).exists()
    # the secret opens the API...
    assert client.get(reverse("api:me"), headers=bearer(secret)).json()["email"] == researcher.email
    # ...and is never shown again
    assert secret not in client.get(reverse(LIST)).content.decode()


def test_create_without_expiry(client, researcher):
    client.force_login(researcher)
    client.post(reverse(CREATE), {"name": "Permanent", "scopes": [DIRECTORY_READ]})
    assert ApiToken.objects.get(user=researcher).expires_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scopes": [DIRECTORY_READ]}, "obligatoire"),
        ({"name": "Sans portée"}, "obligatoire"),
        ({"name": "Inconnue", "scopes": ["nope:read"]}, "Sélectionnez un choix valide"),
        ({"name": "Hier", "scopes": [DIRECTORY_READ], "expires_at": "2001-01-01"}, "dans le futur"),
    ],
)
def test_create_errors_keep_what_was_typed(client, researcher, data, message):
    client.force_login(researcher)
    response = client.post(reverse(CREATE), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    if data["name"]:
        assert f'value="{data["name"]}"' in html
    assert not ApiToken.objects.exists()


def test_duplicate_name_error_comes_from_the_service(client, researcher):
    make_token(researcher, name="Robot")
    client.force_login(researcher)
    response = client.post(reverse(CREATE), {"name": "Robot", "scopes": [DIRECTORY_READ]})
    assert "déjà un jeton actif de ce nom" in response.content.decode()
    assert ApiToken.objects.filter(user=researcher).count() == 1


def test_revoke_my_token(client, researcher):
    token, secret = make_token(researcher)
    client.force_login(researcher)

    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))

    assert response.status_code == 302 and response["Location"] == reverse(LIST)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api.token.revoked", actor=researcher).exists()
    assert client.get(reverse("api:me"), headers=bearer(secret)).status_code == 401
    assert "Révoqué" in client.get(reverse(LIST)).content.decode()


def test_revoke_with_htmx_returns_the_updated_row(client, researcher):
    token, _secret = make_token(researcher, name="Rangée")
    client.force_login(researcher)
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="token-{token.pk}"') and "badge-err" in html
    assert "Révoquer</button>" not in html.replace("\n", "")


def test_revoking_twice_says_so(client, researcher):
    token, _secret = make_token(researcher)
    client.force_login(researcher)
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]), follow=True)
    assert "déjà révoqué" in response.content.decode()


@pytest.mark.parametrize("roles", [[Role.RESEARCHER], [Role.SECRETARIAT], [Role.ADMINISTRATOR]])
def test_someone_elses_token_is_404_even_for_staff(client, researcher, settings, roles):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    token, _secret = make_token(researcher)
    client.force_login(UserFactory(roles=roles))

    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_is_post_only(client, researcher):
    token, _secret = make_token(researcher)
    client.force_login(researcher)
    assert client.get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 405

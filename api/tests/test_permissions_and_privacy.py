import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from api.models import ApiToken
from api.permissions import DIRECTORY_READ, get_scope, is_known_scope, register_scope, registered_scopes
from api.tests.factories import make_token
from core import privacy


def test_directory_read_is_a_registered_scope():
    assert is_known_scope(DIRECTORY_READ)
    assert DIRECTORY_READ in [s.code for s in registered_scopes()]
    assert str(get_scope(DIRECTORY_READ).label)


def test_other_apps_can_register_scopes(monkeypatch):
    from api import permissions

    monkeypatch.setattr(permissions, "_scopes", dict(permissions._scopes))
    code = register_scope("calls:read", "Lecture des appels")
    assert code == "calls:read" and is_known_scope("calls:read")
    assert [s.code for s in registered_scopes()] == sorted(s.code for s in registered_scopes())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "perm", "expected"),
    [
        ("owner", "api.revoke_token", True),
        ("researcher", "api.revoke_token", False),
        ("secretariat", "api.revoke_token", False),
        ("administrator", "api.revoke_token", True),
        ("researcher", "api.manage_own_tokens", True),
        ("anonymous", "api.manage_own_tokens", False),
    ],
)
def test_permission_table(who, perm, expected):
    from django.contrib.auth.models import AnonymousUser

    owner = UserFactory()
    token, _secret = make_token(owner)
    users = {
        "owner": owner,
        "researcher": UserFactory(roles=[Role.RESEARCHER]),
        "secretariat": UserFactory(roles=[Role.SECRETARIAT]),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "anonymous": AnonymousUser(),
    }
    assert users[who].has_perm(perm, token) is expected


@pytest.mark.django_db
def test_tokens_are_in_the_personal_data_registry(researcher):
    token, secret = make_token(researcher, name="Export nocturne")

    assert ApiToken in privacy.registered()
    exported = privacy.export_subject(researcher)["api.ApiToken"]
    assert exported[0]["name"] == "Export nocturne" and exported[0]["prefix"] == token.prefix
    assert secret not in str(exported)

    counts = privacy.erase_subject(researcher)
    assert counts["api.ApiToken"] == 1
    assert not ApiToken.objects.filter(user=researcher).exists()

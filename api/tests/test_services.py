from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from api.models import PREFIX_LENGTH, SECRET_MARK, ApiToken, hash_secret
from api.permissions import DIRECTORY_READ
from api.services import USE_STAMP_INTERVAL, create_token, record_token_use, revoke_token
from api.tests.factories import make_token
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_create_token_stores_only_a_hash_and_a_prefix(researcher):
    created = create_token(actor=researcher, name="  Mon   script ", scopes=[DIRECTORY_READ])

    token = ApiToken.objects.get()
    assert created.secret.startswith(SECRET_MARK) and len(created.secret) > 40
    assert token.secret_hash == hash_secret(created.secret)
    assert token.prefix == created.secret[:PREFIX_LENGTH]
    assert token.name == "Mon script"
    assert token.scopes == [DIRECTORY_READ]
    assert token.user == researcher and token.status == ApiToken.Status.ACTIVE
    stored = ApiToken.objects.values().get()
    assert created.secret not in {str(v) for v in stored.values()}


def test_create_token_is_audited_without_the_secret(researcher):
    created = create_token(actor=researcher, name="Export", scopes=[DIRECTORY_READ])

    entry = AuditEntry.objects.get(action="api.token.created")
    assert entry.actor == researcher
    assert entry.target_id == str(created.token.pk)
    assert entry.data["scopes"] == [DIRECTORY_READ] and entry.data["prefix"] == created.token.prefix
    assert created.secret not in str(entry.data)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "  ", "scopes": [DIRECTORY_READ]}, "name"),
        ({"name": "x" * 101, "scopes": [DIRECTORY_READ]}, "name"),
        ({"name": "Sans portée", "scopes": []}, "scopes"),
        ({"name": "Portée inconnue", "scopes": ["secrets:write"]}, "scopes"),
        (
            {
                "name": "Passé",
                "scopes": [DIRECTORY_READ],
                "expires_at": timezone.now() - timedelta(minutes=1),
            },
            "expires_at",
        ),
    ],
)
def test_create_token_refuses_bad_input(researcher, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        create_token(actor=researcher, **kwargs)
    assert exc.value.field == field
    assert (
        not ApiToken.objects.exists() and not AuditEntry.objects.filter(action="api.token.created").exists()
    )


def test_two_active_tokens_may_not_share_a_name_but_a_revoked_one_frees_it(researcher):
    first, _secret = make_token(researcher, name="Robot")
    with pytest.raises(InvalidInput):
        create_token(actor=researcher, name="robot", scopes=[DIRECTORY_READ])
    revoke_token(actor=researcher, token=first)
    create_token(actor=researcher, name="Robot", scopes=[DIRECTORY_READ])
    assert ApiToken.objects.filter(user=researcher, name="Robot").count() == 2


def test_anonymous_cannot_create_a_token(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        create_token(actor=AnonymousUser(), name="x", scopes=[DIRECTORY_READ])


def test_owner_revokes_and_it_is_audited(researcher):
    token, _secret = make_token(researcher)

    revoke_token(actor=researcher, token=token)

    token.refresh_from_db()
    assert token.revoked_at is not None and token.status == ApiToken.Status.REVOKED
    entry = AuditEntry.objects.get(action="api.token.revoked")
    assert entry.actor == researcher and entry.target_id == str(token.pk)


def test_revoking_twice_is_refused(researcher):
    token, _secret = make_token(researcher)
    revoke_token(actor=researcher, token=token)
    with pytest.raises(InvalidState):
        revoke_token(actor=researcher, token=token)


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [([Role.RESEARCHER], False), ([Role.SECRETARIAT], False), ([Role.ADMINISTRATOR], True)],
)
def test_who_may_revoke_someone_elses_token(researcher, roles, allowed):
    token, _secret = make_token(researcher)
    other = UserFactory(roles=roles)
    if allowed:
        revoke_token(actor=other, token=token)
        token.refresh_from_db()
        assert token.revoked_at is not None
    else:
        with pytest.raises(NotAllowed):
            revoke_token(actor=other, token=token)
        token.refresh_from_db()
        assert token.revoked_at is None


def test_use_is_stamped_at_most_once_per_interval(researcher):
    token, _secret = make_token(researcher)
    now = timezone.now()

    assert record_token_use(token=token, now=now) is True
    assert record_token_use(token=token, now=now + USE_STAMP_INTERVAL / 2) is False
    token.refresh_from_db()
    assert token.last_used_at == now

    later = now + USE_STAMP_INTERVAL + timedelta(seconds=1)
    assert record_token_use(token=token, now=later) is True
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_stale_copy_does_not_write_twice(researcher):
    token, _secret = make_token(researcher)
    now = timezone.now()
    stale_copy = ApiToken.objects.get(pk=token.pk)
    assert record_token_use(token=token, now=now) is True
    # another request read the row before the first stamp: the conditional UPDATE skips it
    assert record_token_use(token=stale_copy, now=now + timedelta(seconds=5)) is False
    token.refresh_from_db()
    assert token.last_used_at == now

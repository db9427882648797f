"""Project-wide fixtures: a small world of directory objects and users with each role."""

import shutil
from types import SimpleNamespace

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture
def researcher(db):  # type: ignore[no-untyped-def]
    from accounts.tests.factories import UserFactory
    from directory.tests.factories import AffiliationFactory

    user = UserFactory(email="researcher@example.org")
    AffiliationFactory(person__user=user, person__email=user.email)
    return user


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    return UserFactory(email="staff@example.org", roles=[Role.SECRETARIAT])


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """Objects that belong to nobody in particular, or to someone other than the test users."""
    from accounts.tests.factories import UserFactory
    from directory.tests.factories import AffiliationFactory, PlatformFactory, TechTransferOfficeFactory

    other_user = UserFactory(email="other@example.org")
    affiliation = AffiliationFactory(person__user=other_user)
    team = affiliation.team
    return SimpleNamespace(
        other_user=other_user,
        person=affiliation.person,
        team=team,
        unit=team.unit,
        institution=affiliation.institution,
        platform=PlatformFactory(host_institution=affiliation.institution),
        tto=TechTransferOfficeFactory(),
    )


def pytest_report_header(config):  # type: ignore[no-untyped-def]
    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')}"

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


@pytest.fixture(scope="session", autouse=True)
def _private_cache_home(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Built model files and other caches go to a temporary folder, not the user's ~/.cache."""
    import os

    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """At the end of the run, end the PostgreSQL sessions that the live server's request threads
    (or threads of concurrency tests) may still hold, so the test database can be dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _french_by_default():  # type: ignore[no-untyped-def]
    """Each test starts in French (a request with an English cookie must not leak to the next)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
def staff_client(client, staff, settings):  # type: ignore[no-untyped-def]
    """The test client signed in as the secretariat, with the staff MFA requirement off (the
    MFA middleware has tests of its own)."""
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    client.force_login(staff)
    return client


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


# --- real browser (Playwright driving Debian's Chromium) -------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server, monkeypatch):  # type: ignore[no-untyped-def]
    """A Chromium page for journeys in a real browser; skipped (with how to enable it) when the
    browser is missing, except in CI where CANCEROPOLE_REQUIRE_BROWSER=1 makes that a failure."""
    import os

    if not os.path.exists(CHROMIUM):
        message = "Chromium not installed: browser journeys skipped (apt-get install chromium to run them)."
        if os.environ.get("CANCEROPOLE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()

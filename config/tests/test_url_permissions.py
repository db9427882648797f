"""Walks every URL pattern and checks that people without rights get nothing.

A URL without an entry in some app's ``tests/url_access*.py`` table makes this test fail, so a
new page cannot ship without saying who may open it.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.tests.access import Access, Rule

ROOT = Path(__file__).resolve().parents[2]
# URL namespaces that belong to third-party code we configure but do not write.
THIRD_PARTY_PREFIXES = ("admin:",)


def _collect_tables() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for app_dir in sorted(p for p in ROOT.iterdir() if (p / "tests").is_dir()):
        for module in pkgutil.iter_modules([str(app_dir / "tests")]):
            if module.name.startswith("url_access"):
                mod = importlib.import_module(f"{app_dir.name}.tests.{module.name}")
                overlap = set(table) & set(mod.URL_ACCESS)
                assert not overlap, f"URL names listed twice: {overlap}"
                table.update(mod.URL_ACCESS)
    return table


def _walk(resolver: URLResolver, namespace: str = "") -> list[str]:
    names: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _walk(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


TABLE = _collect_tables()
ALL_NAMES = sorted(set(_walk(get_resolver())))


def test_every_url_has_an_access_rule():
    missing = [n for n in ALL_NAMES if n not in TABLE and not n.startswith(THIRD_PARTY_PREFIXES)]
    assert not missing, f"URL patterns without an entry in a tests/url_access*.py table: {missing}"


def test_no_stale_entries():
    stale = sorted(set(TABLE) - set(ALL_NAMES))
    assert not stale, f"url_access entries for URLs that no longer exist: {stale}"


def _is_login_redirect(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code in (301, 302) and "/accounts/login/" in response["Location"]


CHECKED = [n for n in ALL_NAMES if n in TABLE and not TABLE[n].skip_reason]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHECKED)
def test_anonymous_and_plain_researcher_get_nothing(name, client, world, researcher, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    rule = TABLE[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    call = getattr(client, rule.method)

    anonymous = call(url)
    if rule.access is Access.PUBLIC:
        assert anonymous.status_code in (200, 302, 405), (name, anonymous.status_code)
        return
    if rule.access in (Access.SIGNED_IN, Access.STAFF):
        assert _is_login_redirect(anonymous) or anonymous.status_code == 401, (name, anonymous.status_code)
    else:
        assert _is_login_redirect(anonymous) or anonymous.status_code in (401, 404), (
            name,
            anonymous.status_code,
        )

    client.force_login(researcher)
    signed_in = call(url)
    if rule.access is Access.SIGNED_IN:
        assert signed_in.status_code in (200, 302, 405), (name, signed_in.status_code)
    elif rule.access is Access.STAFF:
        assert signed_in.status_code in (403, 404), (name, signed_in.status_code)
    else:
        assert signed_in.status_code == 404, (name, signed_in.status_code)

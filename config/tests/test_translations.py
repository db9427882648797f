"""The English catalogue: complete, in step with the code, compiled, and used by the pages.

The source strings are French; ``locale/en/LC_MESSAGES/django.po`` holds their English
translation. When a test here fails, run ``locale/update.sh``, translate what
``locale/fill_check.py`` lists, and run ``locale/update.sh`` again.
"""

import gettext
import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
HOW_TO_FIX = (
    "Run locale/update.sh, translate what locale/fill_check.py lists, then run locale/update.sh again."
)
# What makemessages must not read (see locale/update.sh): everything else is the code.
IGNORED = {".venv", "var", "bench", "node_modules", "locale", ".git", "__pycache__", ".pytest_cache"}
EXTENSIONS = {".py", ".html", ".txt"}


def _load_fill_check():  # type: ignore[no-untyped-def]
    """``locale/`` is not a package: load its script by path (dataclasses need it in sys.modules)."""
    name = "canceropole_locale_fill_check"
    spec = importlib.util.spec_from_file_location(name, ROOT / "locale" / "fill_check.py")
    assert spec and spec.loader
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fill_check = _load_fill_check()


@pytest.fixture(scope="module")
def entries():  # type: ignore[no-untyped-def]
    return fill_check.parse_po(PO)


def _listing(items) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(f"  {item}" for item in items)


# --- (1) every entry translated, none fuzzy, placeholders and markup kept -------------------


def test_every_entry_is_translated_and_none_is_fuzzy(entries):  # type: ignore[no-untyped-def]
    untranslated, fuzzy = fill_check.missing(entries)
    problems = [f"untranslated: {e.describe()}" for e in untranslated] + [
        f"fuzzy: {e.describe()}" for e in fuzzy
    ]
    assert not problems, f"{len(problems)} entries to fix in {PO}:\n{_listing(problems)}\n{HOW_TO_FIX}"


def test_header_declares_english_utf8_and_two_plural_forms(entries):  # type: ignore[no-untyped-def]
    header = next(e for e in entries if e.is_header)
    assert not header.fuzzy, "a fuzzy header is dropped by msgfmt: the charset and plural rule would be lost"
    assert "Language: en\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif%]")
BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG = re.compile(r"</?(?:a|abbr|b|br|code|em|i|kbd|li|p|span|strong|ul)\b[^>]*>")


def test_translations_keep_placeholders_and_markup(entries):  # type: ignore[no-untyped-def]
    problems = []
    for entry in entries:
        if entry.is_header or not entry.translated:
            continue
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for index, translation in enumerate(entry.msgstr):
            source = sources[min(index, len(sources) - 1)]
            patterns = [TAG]
            if "python-format" in entry.flags:
                patterns.append(PLACEHOLDER)
            if "python-brace-format" in entry.flags:
                patterns.append(BRACE)
            for pattern in patterns:
                expected, got = sorted(pattern.findall(source)), sorted(pattern.findall(translation))
                # The singular of a plural may leave the count out ("one file" / "%(n)s files").
                if expected != got and not (entry.msgid_plural is not None and set(got) <= set(expected)):
                    problems.append(f"{entry.describe()} [{index}]: {expected} became {got}")
    assert not problems, "translations that change placeholders or HTML:\n" + _listing(problems)


def test_no_msgid_holds_an_escape_that_xgettext_leaves_as_text(entries):  # type: ignore[no-untyped-def]
    """xgettext reads ``"\\u00a0"`` in a Python string as six characters while Python reads one:
    such a string can never be translated. Write the character itself in the source."""
    broken = [e.describe() for e in entries if re.search(r"\\[uUN]", e.msgid + (e.msgid_plural or ""))]
    assert not broken, "msgids that no translation can match:\n" + _listing(broken)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt missing: install gettext (CI does)")
def test_msgfmt_accepts_the_catalogue(tmp_path):  # type: ignore[no-untyped-def]
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "check.mo"), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- (2) the catalogue holds every string of the code -----------------------------------------


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads, copied so that extraction writes nothing in the repository
    (it writes ``<template>.py`` files next to the templates while it works)."""
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if name not in IGNORED]
        relative = Path(directory).relative_to(ROOT)
        for name in files:
            if Path(name).suffix in EXTENSIONS:
                (destination / relative).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(directory) / name, destination / relative / name)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext missing: install gettext (CI does)")
def test_catalogue_holds_every_string_of_the_code(entries, tmp_path, monkeypatch, settings):  # type: ignore[no-untyped-def]
    sources = tmp_path / "src"
    _copy_sources(sources)
    settings.LOCALE_PATHS = [sources / "locale"]
    monkeypatch.chdir(sources)
    call_command("makemessages", locale=["en"], no_location=True, verbosity=0)
    extracted = fill_check.parse_po(sources / "locale" / "en" / "LC_MESSAGES" / "django.po")
    known = {entry.key for entry in entries}
    missing = sorted(
        {e.describe(with_line=False) for e in extracted if not e.is_header and e.key not in known}
    )
    assert not missing, (
        f"{len(missing)} strings of the code are not in {PO}:\n{_listing(missing)}\n{HOW_TO_FIX}"
    )


# --- (3) the compiled catalogue matches the .po ------------------------------------------------


def _expected_catalogue(entries) -> dict:  # type: ignore[no-untyped-def]
    """What gettext should find in the .mo: every translated, non-fuzzy entry (msgfmt's rules)."""
    catalogue = {}
    for entry in entries:
        if entry.is_header or entry.fuzzy or not entry.translated:
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            catalogue[msgid] = entry.msgstr[0]
        else:
            catalogue.update({(msgid, index): text for index, text in enumerate(entry.msgstr)})
    return catalogue


def test_compiled_catalogue_is_up_to_date(entries):  # type: ignore[no-untyped-def]
    assert MO.exists(), f"{MO} is missing. {HOW_TO_FIX}"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalogue = dict(compiled._catalog)  # noqa: SLF001 - the only way to read a whole .mo
    catalogue.pop("", None)  # the header
    expected = _expected_catalogue(entries)
    stale = sorted(str(key) for key in expected.keys() ^ catalogue.keys())
    stale += sorted(str(key) for key in expected.keys() & catalogue.keys() if expected[key] != catalogue[key])
    assert not stale, (
        f"{MO} differs from {PO} ({len(stale)} entries), e.g.:\n{_listing(stale[:20])}\n{HOW_TO_FIX}"
    )
    assert (compiled.plural(1), compiled.plural(2)) == (0, 1), "the plural rule of the header was lost"


# --- (4) pages in English with the language cookie, in French without -----------------------


def _get(client, name: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, f"{name}: {response.status_code}"
    return response.content.decode()


def _nav(page: str) -> str:
    match = re.search(r"<nav[^>]*>.*?</nav>", page, flags=re.S)
    assert match, "the page has no navigation"
    return match.group(0)


@pytest.mark.django_db
def test_pages_are_french_by_default(client, world):  # type: ignore[no-untyped-def]
    home = _get(client, "core:home")
    assert '<html lang="fr">' in home
    assert "Annuaire" in _nav(home) and "Directory" not in _nav(home)
    people = _get(client, "directory:people")
    assert re.search(r"<h1[^>]*>\s*Annuaire du réseau\s*</h1>", people)


@pytest.mark.django_db
def test_language_cookie_switches_the_pages_to_english(client, world):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = _get(client, "core:home")
    assert '<html lang="en">' in home
    assert "Directory" in _nav(home) and "Annuaire" not in home
    assert "Cancer research in the Paris region, as a network" in home
    people = _get(client, "directory:people")
    assert re.search(r"<h1[^>]*>\s*Network directory\s*</h1>", people)
    assert "Search" in people and "Rechercher" not in people
    person = _get(client, "directory:person", pk=world.person.pk)
    assert "Affiliations" in person and "Aucune affiliation" not in person


@pytest.mark.django_db
def test_language_switch_in_the_header_sets_the_cookie(client, world):  # type: ignore[no-untyped-def]
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("directory:teams")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Directory — teams" in _get(client, "directory:teams")
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Annuaire — équipes" in _get(client, "directory:teams")


# Pages whose English version must show none of the catalogue's French sentences: a French
# sentence there means a string translated too early (gettext at import time instead of
# gettext_lazy) or looked up under another msgid.
PUBLIC_PAGES = [
    ("core:home", {}),
    ("core:privacy", {}),
    ("directory:people", {}),
    ("directory:teams", {}),
    ("directory:units", {}),
    ("directory:institutions", {}),
    ("directory:platforms", {}),
    ("directory:ttos", {}),
    ("directory:map", {}),
    ("calls:list", {}),
    ("outputs:list", {}),
    ("expertise:network", {}),
    ("account_login", {}),
]
OBJECT_PAGES = {
    "directory:person": lambda w: w.person.pk,
    "directory:team": lambda w: w.team.pk,
    "directory:unit": lambda w: w.unit.pk,
    "directory:institution": lambda w: w.institution.pk,
    "directory:platform": lambda w: w.platform.pk,
    "directory:tto": lambda w: w.tto.pk,
}
STAFF_PAGES = [
    "directory:backoffice",
    "directory:bo_person_create",
    "directory:import",
    "accounts:backoffice",
]
SIGNED_IN_PAGES = ["accounts:account", "directory:profile_edit", "api_tokens:list", "outputs:mine"]


def _french_sentences(entries) -> list[str]:  # type: ignore[no-untyped-def]
    """Sentences that only the French UI shows (long enough not to be names or shared words)."""
    return [
        e.msgid
        for e in entries
        if not e.is_header
        and e.msgid_plural is None
        and len(e.msgid) >= 20
        and "%" not in e.msgid
        and "<" not in e.msgid
        and e.msgstr
        and e.msgstr[0] != e.msgid
    ]


def _leftovers(page: str, sentences: list[str]) -> list[str]:
    text = html.unescape(page)
    return [sentence for sentence in sentences if sentence in text]


def _page_urls(world) -> list[str]:  # type: ignore[no-untyped-def]
    urls = []
    for name, kwargs in PUBLIC_PAGES:
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:  # an app not installed in this build
            continue
    urls += [reverse(name, kwargs={"pk": pk(world)}) for name, pk in OBJECT_PAGES.items()]
    return urls


@pytest.mark.django_db
def test_english_pages_show_no_french_sentence(client, world, researcher, staff, settings, entries):  # type: ignore[no-untyped-def]
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    sentences = _french_sentences(entries)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    found = {}
    for url in _page_urls(world):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        found[url] = _leftovers(response.content.decode(), sentences)
    for user, names in ((researcher, SIGNED_IN_PAGES), (staff, STAFF_PAGES)):
        client.force_login(user)
        for name in names:
            url = reverse(name)
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            found[url] = _leftovers(response.content.decode(), sentences)
    found = {url: leftovers for url, leftovers in found.items() if leftovers}
    assert not found, "French left on English pages:\n" + _listing(f"{u}: {s}" for u, s in found.items())


def _invitation_email(language: str):  # type: ignore[no-untyped-def]
    from core.services import EmailMessage, render_email

    context = {
        "inviter": "Marie Curie",
        "link": "https://example.org/invitation/x/",
        "invitation": SimpleNamespace(expires_at=None),
    }
    message = EmailMessage(
        template="accounts/emails/invitation", to=["a@example.org"], context=context, language=language
    )
    return render_email(message)


def test_emails_are_rendered_in_the_recipients_language():  # type: ignore[no-untyped-def]
    english = _invitation_email("en")
    assert english.subject == "Invitation to join the Cancéropôle Île-de-France platform"
    assert english.body.startswith("Hello,")
    assert "Marie Curie invites you to create your account" in english.body
    assert "The Cancéropôle Île-de-France secretariat" in english.body
    french = _invitation_email("fr")
    assert french.subject == "Invitation à rejoindre la plateforme du Cancéropôle Île-de-France"
    assert french.body.startswith("Bonjour,")


def test_model_choices_and_verbose_names_are_translated():  # type: ignore[no-untyped-def]
    from django.utils import translation

    from accounts.models import Role
    from directory.models import CareerStage, Person

    with translation.override("en"):
        assert str(Role.SECRETARIAT.label) == "General Secretariat"
        assert str(CareerStage.PHD_STUDENT.label) == "PhD student"
        assert str(Person._meta.verbose_name_plural) == "people"
    with translation.override("fr"):
        assert str(CareerStage.PHD_STUDENT.label) == "Doctorant·e"

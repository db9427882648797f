"""Journeys in a real browser (Chromium through Playwright) against a live server."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from accounts.models import Role
from accounts.tests.factories import UserFactory
from directory import services
from directory.models import Person
from directory.tests.factories import AffiliationFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
FIXTURES = Path(__file__).resolve().parents[2] / "directory" / "fixtures" / "import"


def _sign_in(page, email):  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")


def test_researcher_searches_the_directory_opens_a_person_and_edits_own_profile(browser_page):
    page = browser_page
    team = TeamFactory(name="Immunologie des tumeurs")
    colleague = AffiliationFactory(
        team=team, person__first_name="Sévérine", person__last_name="Marchetti"
    ).person
    services.save_person(instance=colleague, data={}, actor=None, keywords=["immunothérapie"])
    user = UserFactory(email="chercheuse@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    me = AffiliationFactory(person__user=user, person__first_name="Inès", person__last_name="Garnier").person

    _sign_in(page, user.email)
    page.goto(page.base_url + "/directory/")
    page.fill("input[name=q]", "immunothérapie")
    page.wait_for_selector("text=Marchetti")
    page.click("text=Sévérine Marchetti")
    page.wait_for_selector("h1:has-text('Sévérine Marchetti')")
    assert "immunothérapie" in page.content()

    page.goto(page.base_url + f"/directory/people/{me.pk}/")
    page.click("text=Modifier mon profil")
    page.fill("textarea[name=bio]", "Je travaille sur la résistance aux inhibiteurs de checkpoint.")
    page.fill("input[name=orcid]", "0000-0002-1825-0097")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=résistance aux inhibiteurs")
    me.refresh_from_db()
    assert me.orcid == "0000-0002-1825-0097" and "checkpoint" in me.bio


def test_staff_signs_in_with_totp_and_runs_a_dry_run_import(browser_page, settings):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    page = browser_page
    staff = UserFactory(email="secretariat@example.org", roles=[Role.SECRETARIAT])
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    before = Person.objects.count()

    _sign_in(page, staff.email)
    page.wait_for_selector("input[name=code]")
    page.fill(
        "input[name=code]", format_hotp_value(hotp_value(secret, list(yield_hotp_counters_from_time())[-1]))
    )
    page.click("main form button[type=submit]")
    page.goto(page.base_url + "/directory/manage/")
    page.click("a[href$='/directory/manage/import/']")
    page.set_input_files("input[type=file]", str(FIXTURES / "personnes-exemple.csv"))
    page.click("main form button[type=submit]")
    page.wait_for_selector("table")
    assert "créée" in page.content() or "created" in page.content()
    assert Person.objects.count() == before  # a dry run writes nothing

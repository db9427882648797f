"""In a real browser: create a token, use it, revoke it in place; the API docs load offline."""

import pytest
from allauth.account.models import EmailAddress

from accounts.tests.factories import UserFactory
from api.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _block_the_internet(page):  # type: ignore[no-untyped-def]
    """Abort every request that does not go to the live server, and remember it."""
    outside: list[str] = []

    def handle(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(page.base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return outside


def test_researcher_creates_uses_and_revokes_a_token(browser_page):
    page = browser_page
    outside = _block_the_internet(page)
    user = UserFactory(email="dev@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(page.base_url + "/account/tokens/")
    page.wait_for_selector("h1:has-text('Jetons d')")
    page.fill("input[name=name]", "Tableau de bord du labo")
    page.click("text=Créer le jeton")
    page.wait_for_selector("text=Copiez ce jeton maintenant")
    secret = page.input_value("#api-secret")
    assert secret.startswith("cpidf_")
    assert page.is_visible("button[data-copy]")  # the copy button shows once the script runs

    response = page.request.get(page.base_url + "/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200 and response.json()["email"] == user.email

    page.click("text=retour à mes jetons")
    page.wait_for_selector("text=Tableau de bord du labo")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#token-{ApiToken.objects.get().pk} button[type=submit]")
    page.wait_for_selector(".badge-err")
    assert ApiToken.objects.get().revoked_at is not None
    response = page.request.get(page.base_url + "/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 401
    assert outside == []


def test_api_docs_render_without_the_internet(browser_page):
    page = browser_page
    outside = _block_the_internet(page)
    page.goto(page.base_url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector('[data-path="/api/directory/people"]')
    assert "Cancéropôle" in page.inner_text(".swagger-ui .info .title")
    assert outside == []

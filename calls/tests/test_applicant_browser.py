"""The applicant's journey in a real browser (Chromium through Playwright, against a live server):
from the call page to the receipt, with autosave, a budget line and a real PDF upload."""

import pytest
from allauth.account.models import EmailAddress

from accounts.tests.factories import UserFactory
from calls.models import Application, FormField
from calls.tests.factories import BudgetCategoryFactory, CallFactory, DocumentRequirementFactory
from directory.tests.factories import AffiliationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _small_pdf(path):  # type: ignore[no-untyped-def]
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "Projet détaillé — Cancéropôle")
    pdf.save()
    return path


def test_researcher_applies_from_the_call_page_to_the_receipt(browser_page, tmp_path):
    page = browser_page
    call = CallFactory(title_fr="Appel Émergence 2027")
    FormField.objects.create(
        call=call,
        key="summary",
        label_fr="Résumé du projet",
        type="long_text",
        required=True,
        max_length=2000,
    )
    requirement = DocumentRequirementFactory(call=call, label_fr="Projet détaillé")
    BudgetCategoryFactory(call=call, label_fr="Consommables")
    user = UserFactory(email="chercheuse@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    AffiliationFactory(person__user=user, person__email=user.email)

    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")

    page.goto(page.base_url + f"/calls/{call.pk}/")
    page.click("text=Déposer une candidature")
    page.fill("#id_title", "Macrophages et résistance aux traitements")
    page.click("main form button[type=submit]")
    page.wait_for_selector("h2:has-text('Formulaire de candidature')")

    # autosave: typing is enough, the status says when it was saved
    page.fill("#id_f_summary", "Nous étudions le rôle des macrophages dans la résistance.")
    page.wait_for_selector("#save-status:has-text('Enregistré à')")
    assert "57 / 2" in page.inner_text("#id_f_summary-count")
    application = Application.objects.get(applicant=user)
    assert application.answers["summary"].startswith("Nous étudions")

    # a budget line (HTMX row)
    page.select_option("#id_category", label="Consommables")
    page.fill("#id_description", "Anticorps et réactifs")
    page.fill("#id_amount", "4500")
    page.click("#budget button:has-text('Ajouter la ligne')")
    page.wait_for_selector("#budget-lines td:has-text('Anticorps et réactifs')")

    # a real PDF
    page.set_input_files(f"#file-{requirement.pk}", str(_small_pdf(tmp_path / "projet.pdf")))
    page.click(f"#doc-{requirement.pk} button:has-text('Joindre')")
    page.wait_for_selector(f"#doc-{requirement.pk} .doc-file:has-text('projet.pdf')")
    page.wait_for_selector("#eligibility-panel:has-text('Dossier complet')")

    # submit, with the confirmation step
    page.click("aside >> text=Déposer la candidature…")
    page.check("input[name=confirm]")
    page.click("main form button:has-text('Déposer définitivement')")
    page.wait_for_selector("h1:has-text('Accusé de réception')")
    application.refresh_from_db()
    assert application.status == "submitted"
    assert page.inner_text("#receipt-number") == application.receipt_number
    assert application.attachments.get().sha256 in page.content()

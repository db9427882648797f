"""A reviewer's journey on a phone-sized window (390 × 844) in a real browser: declare a conflict
on one application, review another with the autosave, submit it; no page scrolls sideways."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from calls.models import EvaluationCriterion
from evaluation.models import Conflict, Review
from evaluation.tests.factories import AssignmentFactory, EvaluatedApplicationFactory, PoolMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_reviewer_on_a_phone_declares_a_conflict_then_reviews(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    member = PoolMemberFactory()
    EmailAddress.objects.create(user=member.user, email=member.user.email, verified=True, primary=True)
    call = member.campaign.call
    for i, label in enumerate(["Qualité scientifique", "Faisabilité"]):
        EvaluationCriterion.objects.create(call=call, label_fr=label, weight=Decimal(1), scale_max=5, order=i)
    conflicted = AssignmentFactory(
        member=member, application=EvaluatedApplicationFactory(call=call, acronym="CONFLIT")
    )
    reviewed = AssignmentFactory(
        member=member, application=EvaluatedApplicationFactory(call=call, acronym="AVIS")
    )

    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")

    page.goto(page.base_url + "/evaluation/reviews/")
    assert "CONFLIT" in page.inner_text("main") and "AVIS" in page.inner_text("main")
    _no_sideways_scroll(page)

    # a conflict on the first application
    page.click("a.assignment:has-text('CONFLIT')")
    page.click("text=J'ai un conflit d'intérêts")
    page.fill("textarea[name=reason]", "Je collabore avec l'équipe coordinatrice.")
    page.click("main form button.button-danger")
    page.wait_for_selector("text=Conflit d'intérêts déclaré")
    assert "CONFLIT" not in page.inner_text("main .card")
    assert Conflict.objects.filter(member=member, application=conflicted.application).exists()

    # the review of the second one, saved as it is typed
    page.click("a.assignment:has-text('AVIS')")
    _no_sideways_scroll(page)
    for block in page.locator(".criterion").all():
        block.locator(".scale-options label").nth(4).click()
    page.wait_for_selector("#save-status:has-text('Brouillon enregistré à')")
    assert len(Review.objects.get(assignment=reviewed).scores) == 2
    page.fill("textarea[name=comment_to_applicants]", "Projet solide, calendrier réaliste.")
    page.locator("#fs-recommendation label").first.click()
    page.locator("#fs-confidence label").nth(2).click()
    page.check("input[name=confirm]")
    page.click("button[formaction]")
    page.wait_for_selector("text=Votre évaluation est rendue")
    _no_sideways_scroll(page)
    review = Review.objects.get(assignment=reviewed)
    assert review.status == Review.Status.SUBMITTED
    assert review.weighted_score == Decimal("16.000")
    assert review.comment_to_applicants == "Projet solide, calendrier réaliste."

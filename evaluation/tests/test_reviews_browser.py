"""A reviewer's journey on a phone-sized window (390 × 844) in a real browser: an outside expert
opens the invitation from the e-mail, creates an account and accepts, declares a conflict on one
application, reviews another with the autosave, submits it; no page scrolls sideways."""

from decimal import Decimal

import pytest

from calls.models import EvaluationCriterion
from evaluation.models import Conflict, PoolMember, Review
from evaluation.tests.factories import AssignmentFactory, EvaluatedApplicationFactory, PoolMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_reviewer_on_a_phone_declares_a_conflict_then_reviews(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    member = PoolMemberFactory(
        user=None,
        person=None,
        name="Pieter Janssens",
        email="pieter.janssens@kuleuven.example",
        status=PoolMember.Status.INVITED,
        invitation_token="token-of-the-invitation-e-mail",
        responded_at=None,
    )
    call = member.campaign.call
    for i, label in enumerate(["Qualité scientifique", "Faisabilité"]):
        EvaluationCriterion.objects.create(call=call, label_fr=label, weight=Decimal(1), scale_max=5, order=i)
    conflicted = AssignmentFactory(
        member=member, application=EvaluatedApplicationFactory(call=call, acronym="CONFLIT")
    )
    reviewed = AssignmentFactory(
        member=member, application=EvaluatedApplicationFactory(call=call, acronym="AVIS")
    )

    # the invitation, opened from the e-mail: create an account and accept
    page.goto(page.base_url + "/evaluation/invitations/token-of-the-invitation-e-mail/")
    _no_sideways_scroll(page)
    page.fill("input[name=first_name]", "Pieter")
    page.fill("input[name=last_name]", "Janssens")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("button[value=create]")
    page.wait_for_url("**/evaluation/reviews/")
    member.refresh_from_db()
    assert member.status == PoolMember.Status.ACCEPTED and member.user is not None

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

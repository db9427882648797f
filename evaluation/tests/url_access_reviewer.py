"""Who may open the reviewers' pages: any signed-in user for "Mes évaluations" (it lists only
their own work); only the assigned reviewer for a review, its submission, its files and the
declaration of a conflict (others get 404, as if it did not exist); the secretariat for the
follow-up of reviews, one review and its reopening."""

from config.tests.access import Access, Rule


def _assignment(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import AssignmentFactory

    return AssignmentFactory()


def _attachment(world):  # type: ignore[no-untyped-def]
    from calls.models import Attachment

    assignment = _assignment(world)
    attachment = Attachment.objects.create(
        application=assignment.application,
        file="calls/missing.pdf",
        original_name="projet.pdf",
        size=10,
        content_type="application/pdf",
        sha256="0" * 64,
    )
    return {"assignment_pk": assignment.pk, "attachment_pk": attachment.pk}


def _review(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import ReviewFactory

    return {"review_pk": ReviewFactory(status="submitted").pk}


def _campaign(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory

    return {"pk": CampaignFactory().pk}


URL_ACCESS = {
    # --- reviewers (evaluation/views/reviewer.py) ---
    "evaluation:my_reviews": Rule(Access.SIGNED_IN),
    "evaluation:review": Rule(Access.CONFIDENTIAL, kwargs=lambda w: {"assignment_pk": _assignment(w).pk}),
    "evaluation:review_submit": Rule(
        Access.CONFIDENTIAL, kwargs=lambda w: {"assignment_pk": _assignment(w).pk}, method="post"
    ),
    "evaluation:review_conflict": Rule(
        Access.CONFIDENTIAL, kwargs=lambda w: {"assignment_pk": _assignment(w).pk}
    ),
    "evaluation:review_attachment": Rule(Access.CONFIDENTIAL, kwargs=_attachment),
    # --- the secretariat's follow-up of reviews ---
    "evaluation:campaign_reviews": Rule(Access.STAFF, kwargs=_campaign),
    "evaluation:staff_review": Rule(Access.STAFF, kwargs=_review),
    "evaluation:review_reopen": Rule(Access.STAFF, kwargs=_review, method="post"),
}

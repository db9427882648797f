"""Who may open the assignment pages of a campaign: the secretariat only (anonymous → login page,
a researcher → 403)."""

from config.tests.access import Access, Rule


def _campaign(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory

    return {"pk": CampaignFactory().pk}


def _assignment(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import AssignmentFactory

    assignment = AssignmentFactory()
    return {"pk": assignment.campaign_id, "assignment_pk": assignment.pk}


URL_ACCESS = {
    # --- staff: assignment (evaluation/views/assignments.py) ---
    "evaluation:assignment": Rule(Access.STAFF, kwargs=_campaign),
    "evaluation:assignment_run": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:assignment_pair": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:assignment_add": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:assignment_notify": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:assignment_remove": Rule(Access.STAFF, kwargs=_assignment, method="post"),
    "evaluation:assignment_replace": Rule(Access.STAFF, kwargs=_assignment, method="post"),
}

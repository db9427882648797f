"""Who may open the campaign pages: the secretariat only (anonymous → login page, a researcher →
403)."""

from config.tests.access import Access, Rule


def _campaign(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory

    return CampaignFactory()


URL_ACCESS = {
    # --- staff: campaigns (evaluation/views/campaigns.py) ---
    "evaluation:campaign_list": Rule(Access.STAFF),
    "evaluation:campaign_new": Rule(Access.STAFF),
    "evaluation:campaign": Rule(Access.STAFF, kwargs=lambda w: {"pk": _campaign(w).pk}),
    "evaluation:campaign_edit": Rule(Access.STAFF, kwargs=lambda w: {"pk": _campaign(w).pk}, method="post"),
    "evaluation:campaign_transition": Rule(
        Access.STAFF, kwargs=lambda w: {"pk": _campaign(w).pk, "action": "start_committee"}, method="post"
    ),
}

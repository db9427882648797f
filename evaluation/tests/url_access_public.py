"""The public pages of published evaluation committees: anyone may open them."""

from config.tests.access import Access, Rule


def _published(world):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from evaluation.tests.factories import CampaignFactory

    campaign = CampaignFactory(
        status="decided", publish_committee=True, committee_published_at=timezone.now()
    )
    return {"pk": campaign.pk}


URL_ACCESS = {
    "evaluation:public_committees": Rule(Access.PUBLIC),
    "evaluation:public_committee": Rule(Access.PUBLIC, kwargs=_published),
}

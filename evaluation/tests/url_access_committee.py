"""Who may open the committee's pages: the secretariat and the accepted rapporteurs of the
campaign. Anyone else gets 404 for a campaign or an application (their existence does not leak);
the index of "my committees" is open to any signed-in user (empty for a researcher)."""

from config.tests.access import Access, Rule


def _campaign(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory

    return {"pk": CampaignFactory(status="committee").pk}


def _application(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory, EvaluatedApplicationFactory

    campaign = CampaignFactory(status="committee")
    application = EvaluatedApplicationFactory(
        call=campaign.call, applicant=world.other_user, lead_person=world.person
    )
    return {"pk": campaign.pk, "application_pk": application.pk}


URL_ACCESS = {
    "evaluation:committee_index": Rule(Access.SIGNED_IN),
    "evaluation:committee": Rule(Access.CONFIDENTIAL, kwargs=_campaign),
    "evaluation:committee_rank": Rule(Access.CONFIDENTIAL, kwargs=_campaign, method="post"),
    "evaluation:committee_funding": Rule(Access.CONFIDENTIAL, kwargs=_campaign, method="post"),
    "evaluation:committee_export": Rule(Access.STAFF, kwargs=lambda w: {**_campaign(w), "fmt": "xlsx"}),
    "evaluation:committee_application": Rule(Access.CONFIDENTIAL, kwargs=_application),
    "evaluation:committee_note": Rule(Access.CONFIDENTIAL, kwargs=_application, method="post"),
    "evaluation:committee_outcome": Rule(Access.CONFIDENTIAL, kwargs=_application, method="post"),
}

"""Who may open the decisions and letters pages of a campaign: the secretariat only (anonymous →
login page, a researcher → 403)."""

from config.tests.access import Access, Rule


def _campaign(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory

    return {"pk": CampaignFactory(status="committee").pk}


def _outcome(world):  # type: ignore[no-untyped-def]
    from evaluation.models import ApplicationOutcome
    from evaluation.tests.factories import CampaignFactory, EvaluatedApplicationFactory

    campaign = CampaignFactory(status="decided")
    application = EvaluatedApplicationFactory(
        call=campaign.call, applicant=world.other_user, lead_person=world.person
    )
    return ApplicationOutcome.objects.create(
        campaign=campaign, application=application, rank=1, proposal="waiting_list", final="waiting_list"
    )


def _outcome_kwargs(world):  # type: ignore[no-untyped-def]
    outcome = _outcome(world)
    return {"pk": outcome.campaign_id, "outcome_pk": outcome.pk}


def _preview_kwargs(world):  # type: ignore[no-untyped-def]
    outcome = _outcome(world)
    return {"pk": outcome.campaign_id, "application_pk": outcome.application_id}


URL_ACCESS = {
    "evaluation:decisions": Rule(Access.STAFF, kwargs=_campaign),
    "evaluation:decision_record": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:decision_promote": Rule(Access.STAFF, kwargs=_outcome_kwargs, method="post"),
    "evaluation:committee_publish": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:letters": Rule(Access.STAFF, kwargs=_campaign),
    "evaluation:letters_send": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:letter_language": Rule(Access.STAFF, kwargs=_outcome_kwargs, method="post"),
    "evaluation:letter_preview": Rule(Access.STAFF, kwargs=_preview_kwargs),
}

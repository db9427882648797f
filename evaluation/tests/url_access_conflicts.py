"""Who may open the conflicts pages of a campaign: the secretariat only (anonymous → login page,
a researcher → 403)."""

from config.tests.access import Access, Rule


def _campaign(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory

    return {"pk": CampaignFactory().pk}


def _conflict(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import ConflictFactory

    conflict = ConflictFactory()
    return {"pk": conflict.campaign_id, "conflict_pk": conflict.pk}


def _overridden(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import ConflictFactory

    conflict = ConflictFactory(overridden=True, override_reason="Lien ancien")
    return {"pk": conflict.campaign_id, "conflict_pk": conflict.pk}


URL_ACCESS = {
    "evaluation:conflicts": Rule(Access.STAFF, kwargs=_campaign),
    "evaluation:conflicts_detect": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:conflict_override": Rule(Access.STAFF, kwargs=_conflict),
    "evaluation:conflict_restore": Rule(Access.STAFF, kwargs=_overridden, method="post"),
}

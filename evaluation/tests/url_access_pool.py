"""Who may open the reviewer pool's pages: the secretariat for the pool itself; anyone holding
the secret link for an invitation (an unknown token answers 404)."""

from config.tests.access import Access, Rule


def _campaign(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import CampaignFactory

    return {"pk": CampaignFactory().pk}


def _member(world):  # type: ignore[no-untyped-def]
    from evaluation.tests.factories import PoolMemberFactory

    member = PoolMemberFactory()
    return {"pk": member.campaign_id, "member_pk": member.pk}


def _invitation(world):  # type: ignore[no-untyped-def]
    import secrets

    from evaluation.models import PoolMember
    from evaluation.tests.factories import PoolMemberFactory

    member = PoolMemberFactory(
        user=None,
        person=None,
        name="Expert·e invité·e",
        email="invited-expert@example.org",
        status=PoolMember.Status.INVITED,
        responded_at=None,
        invitation_token=secrets.token_urlsafe(32),
    )
    return {"token": member.invitation_token}


URL_ACCESS = {
    "evaluation:pool": Rule(Access.STAFF, kwargs=_campaign),
    "evaluation:pool_add": Rule(Access.STAFF, kwargs=_campaign),
    "evaluation:pool_remind": Rule(Access.STAFF, kwargs=_campaign, method="post"),
    "evaluation:pool_member": Rule(Access.STAFF, kwargs=_member),
    "evaluation:pool_replace": Rule(Access.STAFF, kwargs=_member),
    "evaluation:invitation": Rule(Access.PUBLIC, kwargs=_invitation),
}

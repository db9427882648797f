"""The public composition of evaluation committees: 404 until published, then the rapporteurs'
names and institutions only (no external reviewer, no e-mail)."""

import pytest
from django.urls import reverse

from evaluation.models import PoolMember, ReviewerRole
from evaluation.services.decisions import publish_committee
from evaluation.tests.factories import PoolMemberFactory
from evaluation.tests.test_decisions import build_campaign, record

pytestmark = pytest.mark.django_db


def test_committee_is_public_only_once_published(client, staff, django_assert_max_num_queries):
    campaign, _outcomes = build_campaign(publish_committee=True)
    rapporteur = PoolMemberFactory(
        campaign=campaign,
        role=ReviewerRole.RAPPORTEUR,
        name="Camille Rapporteure",
        institution_name="Institut Curie",
    )
    external = PoolMemberFactory(
        campaign=campaign, role=ReviewerRole.EXTERNAL, name="Hidden Externalreviewer"
    )
    PoolMemberFactory(
        campaign=campaign,
        role=ReviewerRole.RAPPORTEUR,
        name="Declined Rapporteur",
        status=PoolMember.Status.DECLINED,
    )
    url = reverse("evaluation:public_committee", kwargs={"pk": campaign.pk})
    list_url = reverse("evaluation:public_committees")

    assert client.get(url).status_code == 404
    assert campaign.call.title_fr not in client.get(list_url).content.decode()
    record(campaign, staff)
    assert client.get(url).status_code == 404  # decided but not published yet

    publish_committee(campaign=campaign, actor=staff)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Camille Rapporteure" in html and "Institut Curie" in html
    assert "Hidden Externalreviewer" not in html
    assert "Declined Rapporteur" not in html
    for member in (rapporteur, external):
        assert member.email not in html
        assert member.user.email not in html
    assert "@" not in html.split("<main", 1)[-1].split("</main>", 1)[0]

    listing = client.get(list_url).content.decode()
    assert campaign.call.title_fr in listing
    assert url in listing


def test_unpublished_campaigns_answer_404(client, staff):
    campaign, _ = build_campaign(publish_committee=False)
    record(campaign, staff)
    assert client.get(reverse("evaluation:public_committee", kwargs={"pk": campaign.pk})).status_code == 404
    assert client.get(reverse("evaluation:public_committee", kwargs={"pk": 999999})).status_code == 404


def test_public_call_page_links_to_its_published_committee(client, staff):
    campaign, _ = build_campaign(publish_committee=True)
    call_url = reverse("calls:detail", kwargs={"pk": campaign.call.pk})
    committee_url = reverse("evaluation:public_committee", kwargs={"pk": campaign.pk})
    record(campaign, staff)
    assert committee_url not in client.get(call_url).content.decode()

    publish_committee(campaign=campaign, actor=staff)
    assert committee_url in client.get(call_url).content.decode()

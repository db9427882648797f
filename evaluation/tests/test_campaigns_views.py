"""Campaign pages through the web client: list (and closed calls waiting for a campaign), creation,
hub, settings and transitions; staff only; fixed query count on the list."""

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.models import Application, Call, EvaluationCriterion, Stage
from calls.tests.factories import CallFactory
from core.models import AuditEntry
from evaluation.models import Campaign
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def closed_call(**kwargs):  # type: ignore[no-untyped-def]
    return CallFactory(
        status=Call.Status.CLOSED,
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=5),
        **kwargs,
    )


def busy_campaign():  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(call=closed_call())
    ReviewFactory(assignment=AssignmentFactory(member__campaign=campaign), status="submitted")
    AssignmentFactory(member=PoolMemberFactory(campaign=campaign, role="rapporteur"), role="rapporteur")
    return campaign


def test_pages_are_for_the_secretariat_only(client, researcher, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    campaign = CampaignFactory()
    urls = [
        reverse("evaluation:campaign_list"),
        reverse("evaluation:campaign_new"),
        reverse("evaluation:campaign", args=[campaign.pk]),
        reverse("evaluation:campaign_edit", args=[campaign.pk]),
        reverse("evaluation:campaign_transition", args=[campaign.pk, "start_committee"]),
    ]
    for url in urls:
        assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(researcher)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(urls[-1]).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.REVIEWING


def test_the_list_shows_campaigns_with_figures_and_calls_waiting_for_one(staff_client):
    campaign = busy_campaign()
    EvaluatedApplicationFactory(call=campaign.call)
    waiting = closed_call(title_fr="Appel Preuve de concept 2027")
    two_stage = CallFactory(
        stages=2,
        title_fr="Appel Structurant 2027",
        closes_at=timezone.now() - dt.timedelta(days=1),
        opens_at=timezone.now() - dt.timedelta(days=40),
    )
    open_call = CallFactory(title_fr="Appel encore ouvert")

    response = staff_client.get(reverse("evaluation:campaign_list"))

    assert response.status_code == 200
    row = next(c for c in response.context["campaigns"] if c.pk == campaign.pk)
    assert (row.n_applications, row.n_accepted, row.n_assignments, row.n_submitted) == (3, 2, 2, 1)
    pending = {(p.call.pk, p.stage) for p in response.context["pending"]}
    assert (waiting.pk, Stage.FULL) in pending
    assert (two_stage.pk, Stage.LETTER_OF_INTENT) in pending and (two_stage.pk, Stage.FULL) not in pending
    assert all(p.call.pk not in (open_call.pk, campaign.call_id) for p in response.context["pending"])
    page_html = text(response)
    assert f"?call={waiting.pk}&stage=full" in page_html and "Créer la campagne" in page_html


def test_the_list_runs_a_fixed_number_of_queries(staff_client):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("evaluation:campaign_list")).status_code == 200
        return len(queries)

    for _ in range(2):
        busy_campaign()
        closed_call()
    few = count()
    for _ in range(4):
        busy_campaign()
        closed_call()
    assert count() == few


def test_create_a_campaign_from_a_closed_call(staff_client, staff):
    previous = CampaignFactory(
        call=closed_call(year=2026), rapporteurs_per_application=3, coauthorship_years=4
    )
    call = closed_call(programme=previous.call.programme)
    url = reverse("evaluation:campaign_new") + f"?call={call.pk}&stage=full"

    page = staff_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["call"].value() == call.pk and form["rapporteurs_per_application"].value() == 3
    assert "Réglages repris de la campagne précédente" in text(page)

    deadline_day = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    data = {
        "call": call.pk,
        "stage": "full",
        "rapporteurs_per_application": 3,
        "externals_per_application": 2,
        "default_min_load": 0,
        "default_max_load": 5,
        "coauthorship_years": 4,
        "one_per_institution": "on",
        "reminder_days": 3,
        "deadline_day": deadline_day,
        "deadline_time": "18:00",
    }
    response = staff_client.post(url, data)
    campaign = Campaign.objects.get(call=call)
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluation:campaign", args=[campaign.pk]
    )
    assert campaign.rapporteurs_per_application == 3 and campaign.default_max_load == 5
    assert timezone.localtime(campaign.review_deadline).strftime("%H:%M") == "18:00"
    assert AuditEntry.objects.filter(action="evaluation.campaign.created", actor=staff).exists()


def test_creation_errors_keep_what_was_typed(staff_client):
    call = closed_call()
    response = staff_client.post(
        reverse("evaluation:campaign_new"),
        {
            "call": call.pk,
            "stage": "full",
            "rapporteurs_per_application": 2,
            "externals_per_application": 1,
            "default_min_load": 7,
            "default_max_load": 2,
            "coauthorship_years": 5,
            "reminder_days": 3,
        },
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()
    form = response.context["form"]
    assert "default_min_load" in form.errors
    assert form["default_min_load"].value() == "7"
    assert "La charge minimale ne peut pas dépasser la charge maximale." in text(response)


def test_the_hub_shows_progress_tabs_and_the_next_step(staff_client):
    campaign = CampaignFactory(call=closed_call(), status=Campaign.Status.SETUP)
    EvaluatedApplicationFactory(call=campaign.call, status=Application.Status.ELIGIBLE)
    EvaluationCriterion.objects.create(call=campaign.call, label_fr="Qualité")

    response = staff_client.get(reverse("evaluation:campaign", args=[campaign.pk]))

    assert response.status_code == 200
    page_html = text(response)
    assert response.context["step"].title == "Invitez des évaluateur·rices"
    assert f'href="{reverse("evaluation:campaign", args=[campaign.pk])}" aria-current="page"' in page_html
    assert reverse("evaluation:pool", args=[campaign.pk]) in page_html
    assert reverse("evaluation:campaign_transition", args=[campaign.pk, "open_reviews"]) in page_html
    assert "Fixez la date limite des évaluations" in page_html  # a blocker of the transition


def test_hub_query_count_does_not_grow_with_the_campaign(staff_client, django_assert_max_num_queries):
    campaign = busy_campaign()
    for _ in range(5):
        AssignmentFactory(member__campaign=campaign)
    with django_assert_max_num_queries(25):
        assert staff_client.get(reverse("evaluation:campaign", args=[campaign.pk])).status_code == 200


def test_edit_settings_and_stale_version(staff_client):
    campaign = CampaignFactory(call=closed_call(), status=Campaign.Status.SETUP)
    url = reverse("evaluation:campaign_edit", args=[campaign.pk])
    data = {
        "version": 1,
        "rapporteurs_per_application": 2,
        "externals_per_application": 2,
        "default_min_load": 1,
        "default_max_load": 4,
        "coauthorship_years": 5,
        "reminder_days": 2,
        "reviewers_see_other_reviews": "on",
    }
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.version == 2 and campaign.default_max_load == 4 and campaign.reviewers_see_other_reviews

    # A second tab still at version 1: nothing saved, what was typed is kept.
    response = staff_client.post(url, {**data, "default_max_load": 9})
    assert response.status_code == 200 and response.context["stale"]
    assert response.context["form"]["default_max_load"].value() == "9"
    assert "modifiés par quelqu'un d'autre" in text(response)
    campaign.refresh_from_db()
    assert campaign.default_max_load == 4


def test_open_reviews_through_the_confirmation_page(staff_client):
    campaign = CampaignFactory(
        call=closed_call(),
        status=Campaign.Status.SETUP,
        review_deadline=timezone.now() + dt.timedelta(days=20),
    )
    application = EvaluatedApplicationFactory(call=campaign.call, status=Application.Status.ELIGIBLE)
    url = reverse("evaluation:campaign_transition", args=[campaign.pk, "open_reviews"])

    # No criterion on the call yet: the page says why, the POST is refused.
    page = staff_client.get(url)
    assert page.status_code == 200 and page.context["blockers"]
    response = staff_client.post(url, follow=True)
    assert "aucun critère" in text(response)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SETUP

    EvaluationCriterion.objects.create(call=campaign.call, label_fr="Faisabilité")
    page = staff_client.get(url)
    assert not page.context["blockers"] and "Confirmer l'ouverture des évaluations" in text(page)
    response = staff_client.post(url)
    assert response.status_code == 302
    campaign.refresh_from_db()
    application.refresh_from_db()
    assert campaign.status == Campaign.Status.REVIEWING
    assert application.status == Application.Status.UNDER_REVIEW


def test_start_committee_and_unknown_action(staff_client):
    campaign = CampaignFactory(call=closed_call())
    EvaluatedApplicationFactory(call=campaign.call)
    assert (
        staff_client.get(reverse("evaluation:campaign_transition", args=[campaign.pk, "explode"])).status_code
        == 404
    )
    response = staff_client.post(
        reverse("evaluation:campaign_transition", args=[campaign.pk, "start_committee"])
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMMITTEE and campaign.outcomes.count() == 1


@pytest.mark.parametrize("status", Campaign.Status.values)
def test_the_hub_renders_at_every_status(staff_client, status):
    campaign = busy_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    response = staff_client.get(reverse("evaluation:campaign", args=[campaign.pk]))
    assert response.status_code == 200 and response.context["step"].title
    assert 'aria-current="step"' in text(response)

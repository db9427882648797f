"""The committee's pages through the web client: who sees what (staff, rapporteurs, conflicted
rapporteurs, external reviewers), the ranking by drag and drop / buttons / score, the inline
amount form, the funding proposal with its cut line, the discussion, audited review access and
flat query counts."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.navigation import navigation_for
from evaluation.models import ApplicationOutcome, Campaign, DiscussionNote, ReviewerRole
from evaluation.services.committee import rank_applications
from evaluation.tests.factories import ConflictFactory, EvaluatedApplicationFactory, PoolMemberFactory
from evaluation.tests.test_committee_services import add_review, build_committee

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _no_mfa(settings):  # type: ignore[no-untyped-def]
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False


@pytest.fixture
def committee(staff):  # type: ignore[no-untyped-def]
    campaign, apps = build_committee(["40000", "30000", "40000", "20000"], envelope="100000")
    rapporteur = PoolMemberFactory(
        campaign=campaign, role=ReviewerRole.RAPPORTEUR, name="Rapporteuse Marqueur"
    )
    for index, application in enumerate(apps):
        add_review(campaign, application, 16 - index, role=ReviewerRole.RAPPORTEUR, member=rapporteur)
        add_review(campaign, application, 10 + index)
    return campaign, apps, rapporteur


def _url(name, campaign, application=None):  # type: ignore[no-untyped-def]
    args = [campaign.pk] if application is None else [campaign.pk, application.pk]
    return reverse(f"evaluation:{name}", args=args)


def _order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="row-(\d+)"', html)]


def test_staff_sees_the_board_with_reviews_flags_and_cut_line(client, staff, committee):
    campaign, apps, rapporteur = committee
    rank_applications(campaign=campaign, order=[a.pk for a in apps], expected_version=None, actor=staff)
    client.force_login(staff)
    response = client.get(_url("committee", campaign))
    html = response.content.decode()
    assert response.status_code == 200
    assert _order(html) == [a.pk for a in apps]
    assert "Rapporteuse Marqueur" in html  # the committee sees who reviewed
    # Spreads: A1 16 vs 10 (6: flagged), A2 15 vs 11, A3 14 vs 12, A4 13 vs 13.
    assert html.count('title="Écart de notes important"') == 1
    # 40 + 30 fit in 100, the third (40) does not: the cut line is right after A2.
    assert html.index("data-cut-line") > html.index(f'id="row-{apps[1].pk}"')
    assert html.index("data-cut-line") < html.index(f'id="row-{apps[2].pk}"')
    assert "ranking.js" in html


def test_researcher_external_and_conflicted_rapporteur_get_404(client, researcher, committee):
    campaign, apps, _rapporteur = committee
    external = PoolMemberFactory(campaign=campaign, role=ReviewerRole.EXTERNAL)
    conflicted = PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR)
    ConflictFactory(member=conflicted, application=apps[0])
    for user in (researcher, external.user):
        client.force_login(user)
        assert client.get(_url("committee", campaign)).status_code == 404
        assert client.get(_url("committee_application", campaign, apps[1])).status_code == 404
    client.force_login(conflicted.user)
    board = client.get(_url("committee", campaign))
    assert board.status_code == 200
    assert f'id="row-{apps[0].pk}"' not in board.content.decode()
    assert f'id="row-{apps[1].pk}"' in board.content.decode()
    assert client.get(_url("committee_application", campaign, apps[0])).status_code == 404
    assert client.post(_url("committee_note", campaign, apps[0]), {"text": "x"}).status_code == 404
    assert client.get(_url("committee_application", campaign, apps[1])).status_code == 200


def test_rapporteur_reads_but_cannot_rank(client, committee):
    campaign, apps, rapporteur = committee
    client.force_login(rapporteur.user)
    response = client.get(_url("committee", campaign))
    assert response.status_code == 200 and "order-form" not in response.content.decode()
    assert client.post(_url("committee_rank", campaign), {"ties": "requested_amount"}).status_code == 403
    assert client.post(_url("committee_funding", campaign), {"waiting_list_size": 2}).status_code == 403
    assert (
        client.post(_url("committee_outcome", campaign, apps[0]), {"proposed_amount": "1"}).status_code == 403
    )
    assert not ApplicationOutcome.objects.filter(rank__isnull=False).exists()


def test_index_lists_my_committees_and_menu(client, staff, researcher, committee):
    campaign, _apps, rapporteur = committee
    other = build_committee(["1000"])[0]
    client.force_login(rapporteur.user)
    html = client.get(reverse("evaluation:committee_index")).content.decode()
    assert _url("committee", campaign) in html and _url("committee", other) not in html
    client.force_login(researcher)
    response = client.get(reverse("evaluation:committee_index"))
    assert response.status_code == 200 and _url("committee", campaign) not in response.content.decode()
    labels = lambda user: [e["label"] for e in navigation_for(user)["main"]]  # noqa: E731
    assert "Comités" in labels(rapporteur.user) and "Comités" in labels(staff)
    assert "Comités" not in labels(researcher)


def test_drag_and_drop_order_and_stale_version(client, staff, committee):
    campaign, apps, _rapporteur = committee
    client.force_login(staff)
    new_order = [apps[2].pk, apps[0].pk, apps[1].pk, apps[3].pk]
    response = client.post(
        _url("committee_rank", campaign),
        {"order": ",".join(map(str, new_order)), "version": campaign.version},
        **HTMX,
    )
    assert response.status_code == 200 and _order(response.content.decode()) == new_order
    assert "Classement enregistré" in response.content.decode()
    # A second page still holding the old version cannot overwrite it.
    stale = client.post(
        _url("committee_rank", campaign),
        {"order": ",".join(map(str, reversed(new_order))), "version": campaign.version},
        **HTMX,
    )
    assert "entre-temps" in stale.content.decode()
    assert _order(stale.content.decode()) == new_order


def test_buttons_move_a_row_without_javascript(client, staff, committee):
    campaign, apps, _rapporteur = committee
    rank_applications(campaign=campaign, order=[a.pk for a in apps], expected_version=None, actor=staff)
    campaign.refresh_from_db()
    client.force_login(staff)
    response = client.post(
        _url("committee_rank", campaign), {"move": apps[3].pk, "direction": "up", "version": campaign.version}
    )
    assert response.status_code == 302
    assert ApplicationOutcome.objects.get(application=apps[3]).rank == 3


def test_rank_by_score_then_funding_then_amount_moves_cut_line(client, staff, committee):
    campaign, apps, _rapporteur = committee
    client.force_login(staff)
    response = client.post(_url("committee_rank", campaign), {"ties": "externals_mean"}, **HTMX)
    html = response.content.decode()
    assert "Dossiers classés par note" in html
    # Means: A1 13, A2 13, A3 13, A4 13 (16-i and 10+i): all tied, externals mean decides.
    assert _order(html) == [apps[3].pk, apps[2].pk, apps[1].pk, apps[0].pk]
    assert "meilleure moyenne des expert·es extérieur·es" in html

    response = client.post(_url("committee_funding", campaign), {"waiting_list_size": 1}, **HTMX)
    assert "3 dossier(s) financé(s), 1 en liste d'attente" in unescape(response.content.decode())
    proposals = dict(ApplicationOutcome.objects.values_list("application_id", "proposal"))
    # A4 20k + A3 40k + A2 30k = 90k; A1 (40k) does not fit → waiting list.
    assert proposals[apps[0].pk] == "waiting_list" and proposals[apps[1].pk] == "fund"

    # The inline form: GET gives the row form, POST saves and the cut line moves.
    form = client.get(_url("committee_outcome", campaign, apps[2]), **HTMX)
    assert 'name="proposed_amount"' in form.content.decode()
    outcome = ApplicationOutcome.objects.get(application=apps[2])
    response = client.post(
        _url("committee_outcome", campaign, apps[2]),
        {"committee_score": "", "proposed_amount": "10000", "version": outcome.version},
        **HTMX,
    )
    html = response.content.decode()
    assert "La proposition enregistrée ne correspond plus" in html
    # 20 + 10 + 30 + 40 = 100: A1 now fits, so no cut line is left above a waiting list.
    assert "data-cut-line" not in html and html.count('class="row-fund"') == 4
    outcome.refresh_from_db()
    assert outcome.proposed_amount == Decimal("10000")


def test_outcome_errors_come_back_in_the_row(client, staff, committee):
    campaign, apps, _rapporteur = committee
    client.force_login(staff)
    response = client.post(
        _url("committee_outcome", campaign, apps[0]),
        {"committee_score": "", "proposed_amount": "99999"},
        **HTMX,
    )
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#row-{apps[0].pk}"
    assert "dépasse le montant demandé" in html and 'value="99999"' in html
    assert ApplicationOutcome.objects.get(application=apps[0]).proposed_amount is None


def test_application_page_shows_reviews_logs_access_and_takes_notes(client, staff, committee):
    campaign, apps, rapporteur = committee
    client.force_login(rapporteur.user)
    response = client.get(_url("committee_application", campaign, apps[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Confidentiel : équipe fragile." in html
        and "Projet solide." in html
        and "Rapporteuse Marqueur" in html
    )
    assert "désaccord" in html  # 16 vs 10
    viewed = AuditEntry.objects.filter(action="evaluation.review.viewed", actor=rapporteur.user)
    assert viewed.count() == 1  # the other review; their own is not logged
    client.force_login(staff)
    client.get(_url("committee_application", campaign, apps[0]))
    assert AuditEntry.objects.filter(action="evaluation.review.viewed", actor=staff).count() == 2

    client.force_login(rapporteur.user)
    response = client.post(_url("committee_note", campaign, apps[0]), {"text": "Budget à discuter"}, **HTMX)
    assert response.status_code == 200 and "Budget à discuter" in response.content.decode()
    assert DiscussionNote.objects.get().author == rapporteur.user
    empty = client.post(_url("committee_note", campaign, apps[0]), {"text": ""}, **HTMX)
    assert "errorlist" in empty.content.decode() and DiscussionNote.objects.count() == 1


def test_reviewing_campaign_is_read_only(client, staff):
    campaign, (a1,) = build_committee(["10000"], status=Campaign.Status.REVIEWING)
    client.force_login(staff)
    html = client.get(_url("committee", campaign)).content.decode()
    assert "order-form" not in html and "encore en cours" in html
    response = client.post(_url("committee_rank", campaign), {"order": str(a1.pk)})
    assert response.status_code == 302 and ApplicationOutcome.objects.filter(rank__isnull=False).count() == 0


def test_board_query_count_is_flat(client, staff, committee, django_assert_max_num_queries):
    campaign, apps, rapporteur = committee
    client.force_login(staff)
    client.get(_url("committee", campaign))  # warm caches (session, permissions)
    with django_assert_max_num_queries(30) as few:
        client.get(_url("committee", campaign))
    for application in EvaluatedApplicationFactory.create_batch(8, call=campaign.call):
        add_review(campaign, application, 14, role=ReviewerRole.RAPPORTEUR, member=rapporteur)
        add_review(campaign, application, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("committee", campaign))
    assert len(_order(response.content.decode())) == 12


def test_letter_of_intent_board_invites_the_top_n(client, staff):
    from calls.models import Stage

    campaign, apps = build_committee(["0", "0", "0"], stage=Stage.LETTER_OF_INTENT, envelope=None)
    for index, application in enumerate(apps):
        add_review(campaign, application, 15 - index, role=ReviewerRole.RAPPORTEUR)
    client.force_login(staff)
    assert 'name="invite_count"' in client.get(_url("committee", campaign)).content.decode()
    client.post(_url("committee_rank", campaign), {"ties": "requested_amount"}, **HTMX)
    response = client.post(_url("committee_funding", campaign), {"invite_count": 2}, **HTMX)
    html = response.content.decode()
    assert html.index("data-cut-line") > html.index(f'id="row-{apps[1].pk}"')
    assert html.index("data-cut-line") < html.index(f'id="row-{apps[2].pk}"')
    proposals = dict(ApplicationOutcome.objects.values_list("application_id", "proposal"))
    assert proposals == {apps[0].pk: "invite", apps[1].pk: "invite", apps[2].pk: "not_invited"}

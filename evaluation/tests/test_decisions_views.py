"""The secretariat's decisions and letters pages through the web client."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from evaluation.models import ApplicationOutcome, Campaign, Decision, ReviewerRole
from evaluation.services.decisions import set_letter_language
from evaluation.tests.test_decisions import DECIDED_ON, add_review, build_campaign, record

pytestmark = pytest.mark.django_db


def _form(campaign, **extra):  # type: ignore[no-untyped-def]
    data = {
        "body": "Conseil d'administration du GIP",
        "decided_on": DECIDED_ON.isoformat(),
        "reference": "CA-2027-12",
        "notes": "",
        "version": campaign.version,
    }
    data.update(extra)
    return data


def test_decisions_page_shows_the_proposal_and_the_form(staff_client, django_assert_max_num_queries):
    campaign, _outcomes = build_campaign(
        proposals=("fund", "fund", "waiting_list", "not_funded", "not_funded")
    )
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("evaluation:decisions", kwargs={"pk": campaign.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "PRJ1 — Projet numéro 1" in html and "PRJ5 — Projet numéro 5" in html
    assert "36" in html  # two funded projects at 18 000 €
    assert 'list="decision-bodies"' in html and "Comité de pilotage (COPIL)" in html
    assert reverse("evaluation:decision_record", kwargs={"pk": campaign.pk}) in html


def test_record_decision_asks_for_confirmation_first(staff_client, staff):
    campaign, (funded, _w, _r) = build_campaign()
    url = reverse("evaluation:decision_record", kwargs={"pk": campaign.pk})

    response = staff_client.post(url, _form(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce qui va changer" in html and "PRJ1" in html
    assert 'name="confirm" value="yes"' in html
    assert not Decision.objects.exists()

    response = staff_client.post(url, _form(campaign, confirm="yes"))
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.body, decision.reference, decision.recorded_by) == (
        "Conseil d'administration du GIP",
        "CA-2027-12",
        staff,
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DECIDED
    funded.refresh_from_db()
    assert funded.final == "fund"


def test_record_decision_form_errors_keep_the_input(staff_client):
    campaign, _outcomes = build_campaign()
    url = reverse("evaluation:decision_record", kwargs={"pk": campaign.pk})
    response = staff_client.post(url, _form(campaign, reference="", notes="Vote unanime en séance"))
    assert response.status_code == 200
    assert "Vote unanime en séance" in response.content.decode()
    ApplicationOutcome.objects.filter(campaign=campaign, rank=2).update(proposal="")
    response = staff_client.post(url, _form(campaign, confirm="yes"))
    assert response.status_code == 200
    assert "PRJ2" in response.content.decode()
    assert not Decision.objects.exists()


def test_promote_and_publish_through_the_page(staff_client, staff):
    campaign, (_f, waiting, _r) = build_campaign(publish_committee=True)
    decision = record(campaign, staff)
    page = staff_client.get(reverse("evaluation:decisions", kwargs={"pk": campaign.pk})).content.decode()
    assert (
        reverse("evaluation:decision_promote", kwargs={"pk": campaign.pk, "outcome_pk": waiting.pk}) in page
    )

    response = staff_client.post(
        reverse("evaluation:decision_promote", kwargs={"pk": campaign.pk, "outcome_pk": waiting.pk}),
        {f"o{waiting.pk}-decision": decision.pk, f"o{waiting.pk}-version": waiting.version + 1},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.final == "fund"

    response = staff_client.post(reverse("evaluation:committee_publish", kwargs={"pk": campaign.pk}))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.committee_published_at is not None


def test_letters_page_language_preview_and_sending(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    campaign, outcomes = build_campaign(proposals=("fund", "not_funded", "not_funded", "waiting_list"))
    funded = outcomes[0]
    _review, markers = add_review(funded, 1, role=ReviewerRole.EXTERNAL)
    record(campaign, staff)

    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("evaluation:letters", kwargs={"pk": campaign.pk}))
    assert response.status_code == 200
    assert "Envoyer les 4 courriers" in response.content.decode()

    url = reverse("evaluation:letter_language", kwargs={"pk": campaign.pk, "outcome_pk": funded.pk})
    response = staff_client.post(
        url, {"language": "en", "version": funded.version + 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="letter-{funded.pk}"' in response.content.decode()
    funded.refresh_from_db()
    assert funded.letter_language == "en"

    preview_url = reverse(
        "evaluation:letter_preview", kwargs={"pk": campaign.pk, "application_pk": funded.application_id}
    )
    english = staff_client.get(preview_url).content.decode()
    assert funded.application.call.title_en in english
    french = staff_client.get(preview_url + "?lang=fr").content.decode()
    assert funded.application.call.title_fr in french
    for html in (english, french):
        assert "Commentaire aux candidats 1" in html
        assert "CONFIDENTIEL" not in html
        for marker in markers:
            assert marker.lower() not in html.lower(), marker

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("evaluation:letters_send", kwargs={"pk": campaign.pk}))
    assert response.status_code == 302
    assert len(mailoutbox) == 4
    funded_mail = next(m for m in mailoutbox if m.to[0] == funded.application.applicant.email)
    assert funded_mail.body in english.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    assert AuditEntry.objects.filter(action="evaluation.letters.sent").exists()


def test_language_change_without_htmx_redirects(staff_client, staff):
    campaign, (funded, _w, _r) = build_campaign()
    record(campaign, staff)
    set_letter_language(outcome=funded, language="en", actor=staff)
    url = reverse("evaluation:letter_language", kwargs={"pk": campaign.pk, "outcome_pk": funded.pk})
    response = staff_client.post(url, {"language": "fr"})
    assert response.status_code == 302
    funded.refresh_from_db()
    assert funded.letter_language == "fr"


def test_researcher_cannot_open_the_pages(client, researcher, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    campaign, (funded, _w, _r) = build_campaign()
    client.force_login(researcher)
    for url in (
        reverse("evaluation:decisions", kwargs={"pk": campaign.pk}),
        reverse("evaluation:letters", kwargs={"pk": campaign.pk}),
        reverse(
            "evaluation:letter_preview", kwargs={"pk": campaign.pk, "application_pk": funded.application_id}
        ),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("evaluation:letters_send", kwargs={"pk": campaign.pk})).status_code == 403

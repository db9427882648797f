"""Decision letters: language, content, anonymity (reviewer names and e-mails are unique markers
that must appear nowhere), confidential comments left out, sending once unless forced."""

import re

import pytest
from django.utils import translation
from django.utils.dateformat import format as date_format

from calls.models import Stage
from core.errors import InvalidInput, InvalidState
from core.models import AuditEntry
from evaluation.models import ApplicationOutcome, Review, ReviewerRole
from evaluation.selectors.decisions import applicant_comments, letter_context
from evaluation.services.decisions import send_decision_letters, set_letter_language
from evaluation.tests.test_decisions import DECIDED_ON, add_review, build_campaign, record

pytestmark = pytest.mark.django_db


def _text(mail) -> str:  # type: ignore[no-untyped-def]
    parts = [mail.subject, mail.body, *mail.to]
    parts += [content for content, _mime in getattr(mail, "alternatives", [])]
    return "\n".join(parts)


@pytest.fixture
def decided(staff):  # type: ignore[no-untyped-def]
    campaign, outcomes = build_campaign()
    funded, waiting, refused = outcomes
    markers: list[str] = []
    first, m1 = add_review(funded, 1, role=ReviewerRole.RAPPORTEUR)
    second, m2 = add_review(funded, 2)
    draft, m3 = add_review(funded, 3, status=Review.Status.DRAFT)
    other, m4 = add_review(refused, 4)
    markers += m1 + m2 + m3 + m4
    record(campaign, staff)
    set_letter_language(outcome=refused, language="en", actor=staff)
    return campaign, outcomes, markers


def test_letters_are_sent_anonymised_in_each_language(
    decided, staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, (funded, waiting, refused), markers = decided
    with django_capture_on_commit_callbacks(execute=True):
        assert send_decision_letters(campaign=campaign, actor=staff) == 3
    assert len(mailoutbox) == 3
    by_recipient = {mail.to[0]: mail for mail in mailoutbox}

    funded_mail = by_recipient[funded.application.applicant.email]
    body = funded_mail.body
    assert funded.application.call.title_fr in body
    assert "Comité de pilotage (COPIL)" in body and "PV-2027-03" in body
    with translation.override("fr"):
        assert date_format(DECIDED_ON, "j F Y") in body
    assert re.search(r"18\s?000 €", body)
    assert "Rang de classement par le comité d'évaluation : 1" in body
    assert "Expert·e 1" in body and "Expert·e 2" in body and "Expert·e 3" not in body
    assert "Commentaire aux candidats 1" in body and "Commentaire aux candidats 2" in body
    assert "Commentaire aux candidats 3" not in body  # a draft is not part of the letter
    assert "rapporteur·e du comité" in body and "expert·e extérieur·e" in body

    english = by_recipient[refused.application.applicant.email]
    assert refused.application.call.title_en in english.body
    assert refused.application.call.title_fr not in english.body
    with translation.override("en"):
        assert date_format(DECIDED_ON, "j F Y") in english.body
    assert "Commentaire aux candidats 4" in english.body
    assert "Rang de classement" not in english.body  # no rank for a refused application
    assert "€" not in english.body  # no amount either

    waiting_mail = by_recipient[waiting.application.applicant.email]
    assert "Rang de classement par le comité d'évaluation : 2" in waiting_mail.body
    assert "€" not in waiting_mail.body

    for mail in mailoutbox:
        text = _text(mail)
        assert "CONFIDENTIEL" not in text
        for marker in markers:
            assert marker.lower() not in text.lower(), marker

    for outcome in (funded, waiting, refused):
        outcome.refresh_from_db()
        assert outcome.letter_sent_at is not None
    entry = AuditEntry.objects.get(action="evaluation.letters.sent")
    assert entry.data["count"] == 3


def test_letters_go_once_unless_forced(decided, staff, mailoutbox, django_capture_on_commit_callbacks):
    campaign, (funded, _waiting, _refused), _markers = decided
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_letters(campaign=campaign, actor=staff, application_ids=[funded.application_id])
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            send_decision_letters(campaign=campaign, actor=staff, application_ids=[funded.application_id])
            == 0
        )
        assert send_decision_letters(campaign=campaign, actor=staff) == 2
        assert (
            send_decision_letters(
                campaign=campaign, actor=staff, application_ids=[funded.application_id], force=True
            )
            == 1
        )
    assert len(mailoutbox) == 4


def test_letter_goes_to_the_applicant_and_the_lead(
    decided, staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, (funded, _w, _r), _markers = decided
    lead = funded.application.lead_person
    lead.email = "lead-person@example.org"
    lead.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_letters(campaign=campaign, actor=staff, application_ids=[funded.application_id])
    assert mailoutbox[0].to == [funded.application.applicant.email, "lead-person@example.org"]


def test_numbering_is_stable_and_ignores_identity(decided):
    _campaign, (funded, _w, _r), _markers = decided
    first = applicant_comments(funded)
    assert [c.number for c in first] == [1, 2]
    assert applicant_comments(funded) == first
    context = letter_context(funded)
    assert set(context) == {
        "application",
        "call",
        "is_letter_of_intent",
        "final",
        "decision",
        "amount",
        "rank",
        "comments",
        "name",
        "contact_email",
    }


def test_letters_need_a_decision(staff):
    campaign, _outcomes = build_campaign()
    with pytest.raises(InvalidState):
        send_decision_letters(campaign=campaign, actor=staff)


def test_letter_language_is_french_or_english(decided, staff):
    _campaign, (funded, _w, _r), _markers = decided
    with pytest.raises(InvalidInput):
        set_letter_language(outcome=funded, language="de", actor=staff)
    assert set_letter_language(outcome=funded, language="en", actor=staff).letter_language == "en"
    assert AuditEntry.objects.filter(action="evaluation.letter.language_set").count() == 2


def test_letter_of_intent_letters_carry_the_comments_not_a_second_invitation(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, (invited, refused) = build_campaign(
        stage=Stage.LETTER_OF_INTENT, proposals=("invite", "not_invited")
    )
    _review, markers = add_review(invited, 7, role=ReviewerRole.RAPPORTEUR)
    with django_capture_on_commit_callbacks(execute=True):
        record(campaign, staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_decision_letters(campaign=campaign, actor=staff) == 2
    invited_mail = next(m for m in mailoutbox if m.to[0] == invited.application.applicant.email)
    assert "Commentaire aux candidats 7" in invited_mail.body
    assert "/calls/applications/" not in invited_mail.body  # the invitation link came with the calls e-mail
    refused_mail = next(m for m in mailoutbox if m.to[0] == refused.application.applicant.email)
    assert "n'est pas retenue pour le dossier complet" in refused_mail.body
    for mail in mailoutbox:
        for marker in markers:
            assert marker.lower() not in _text(mail).lower()
    assert ApplicationOutcome.objects.filter(campaign=campaign, letter_sent_at__isnull=False).count() == 2


def test_the_application_page_shows_the_decision_once_the_letter_is_sent(
    client, decided, staff, django_capture_on_commit_callbacks
):
    """The applicant finds the decision and the anonymised comments on their application's page
    once the letter has gone, never before, and never a reviewer's identity or a confidential
    comment."""
    from django.urls import reverse

    campaign, (funded, _waiting, _refused), markers = decided
    application = funded.application
    client.force_login(application.applicant)
    url = reverse("calls:application", args=[application.pk])
    before = client.get(url).content.decode()
    assert "Commentaire aux candidats 1" not in before

    with django_capture_on_commit_callbacks(execute=True):
        send_decision_letters(campaign=campaign, actor=staff)
    page = client.get(url).content.decode()
    assert "Commentaire aux candidats 1" in page and "Commentaire aux candidats 2" in page
    assert "Comité de pilotage (COPIL)" in page and "PV-2027-03" in page
    assert "CONFIDENTIEL" not in page
    for marker in markers:
        assert marker.lower() not in page.lower(), marker

"""Public call pages: lists by phase, the call page with its rules in plain French, documents,
drafts hidden from everyone but the secretariat."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from calls import services
from calls.models import Call, paris_datetime
from calls.tests.factories import (
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    make_pdf,
    upload,
)

pytestmark = pytest.mark.django_db


def test_list_groups_calls_by_phase_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    now = timezone.now()
    for i in range(6):
        CallFactory(title_fr=f"Ouvert {i}")
    CallFactory(
        title_fr="À venir", opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=50)
    )
    CallFactory(
        title_fr="Passé",
        opens_at=now - dt.timedelta(days=50),
        closes_at=now - dt.timedelta(days=5),
        status=Call.Status.CLOSED,
    )
    CallFactory(title_fr="Brouillon secret", status=Call.Status.DRAFT)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("calls:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Ouvert 0") < html.index("À venir") < html.index("Passé")
    assert "Brouillon secret" not in html


def test_call_page_shows_texts_dates_rules_and_changes(client, staff):
    call = CallFactory(
        title_fr="Projets structurants 2027",
        text_fr="Premier paragraphe.\n\nSecond paragraphe.",
        opens_at=paris_datetime(dt.date(2026, 11, 2), dt.time(9, 0)),
        closes_at=paris_datetime(dt.date(2099, 3, 16)),
        ceiling_per_project=Decimal(100000),
    )
    EligibilityRuleFactory(call=call, code="min_institutions", params={"count": 2})
    EligibilityRuleFactory(call=call, code="applicant_career_stage", params={"excluded": ["phd_student"]})
    BudgetCategoryFactory(call=call, label_fr="Prestations", kind="services", max_share=Decimal(50))
    DocumentRequirementFactory(call=call, label_fr="Annexe financière", allowed_types=["xlsx", "pdf"])
    services.update_call(
        call=call, data={"closes_at": paris_datetime(dt.date(2099, 3, 23))}, actor=staff, note="Report"
    )
    response = client.get(reverse("calls:detail", args=[call.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>Second paragraphe.</p>" in html
    assert "Les équipes relèvent d&#x27;au moins 2 institutions distinctes." in html
    assert "Ne peuvent pas porter de projet : doctorant·e." in html
    assert "23 mars 2099 à 12:00" in html  # Paris time
    assert "Annexe financière" in html and "Excel (xlsx), PDF" in html
    assert "au plus 50 % du montant demandé" in html
    assert "Modifications depuis la publication" in html and "Report" in html
    assert "16/03/2099 12:00:00" in html and "23/03/2099 12:00:00" in html


def test_draft_call_is_found_by_staff_only(client, researcher, staff, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    call = CallFactory(status=Call.Status.DRAFT)
    url = reverse("calls:detail", args=[call.pk])
    assert client.get(url).status_code == 404
    client.force_login(researcher)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_call_document_download(client, staff):
    call = CallFactory()
    content = make_pdf("Texte complet de l'appel")
    document = services.add_call_document(
        call=call, upload=upload("Appel 2027.pdf", content), title_fr="Texte de l'appel", actor=staff
    )
    response = client.get(reverse("calls:document", args=[call.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert 'filename="Appel 2027.pdf"' in response["Content-Disposition"]
    assert client.get(reverse("calls:document", args=[CallFactory().pk, document.pk])).status_code == 404
    draft = CallFactory(status=Call.Status.DRAFT)
    hidden = services.add_call_document(
        call=draft, upload=upload("b.pdf", content), title_fr="Brouillon", actor=staff
    )
    assert client.get(reverse("calls:document", args=[draft.pk, hidden.pk])).status_code == 404


def test_call_page_in_english(client, settings):
    call = CallFactory(title_fr="Émergence santé", title_en="Health emergence", text_fr="Texte", text_en="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        html = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the middleware left English active in this thread
    assert "<h1>Health emergence</h1>" in html
    assert "<p>Texte</p>" in html  # no English text: the French one is shown

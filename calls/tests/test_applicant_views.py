"""The applicant's pages through the web client: creating and editing an application (autosave,
conflicts), the list, submission with its receipt, the deadline, withdrawal, two-stage calls, and
the confidentiality of every URL. Partners, budget and files: ``test_applicant_sections.py``."""

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calls import services
from calls.models import PARIS, Application, FormField, FormSection, Stage
from calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    make_pdf,
    upload,
)
from calls.tests.url_access_applicant import URL_ACCESS
from config.tests.access import Access
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def call():  # type: ignore[no-untyped-def]
    """An open call whose form has one question of each kind."""
    call = CallFactory(title_fr="Appel Émergence 2027")
    section = FormSection.objects.create(call=call, title_fr="Le projet", intro_fr="Décrivez le projet.")
    fields = [
        ("summary", FormField.Type.LONG_TEXT, {"required": True, "max_length": 50}),
        ("keywords", FormField.Type.TEXT, {"max_length": 200}),
        (
            "field",
            FormField.Type.CHOICE,
            {
                "choices": [
                    {"value": "bio", "label_fr": "Biologie"},
                    {"value": "clin", "label_fr": "Clinique"},
                ]
            },
        ),
        (
            "methods",
            FormField.Type.MULTIPLE_CHOICE,
            {
                "choices": [
                    {"value": "omics", "label_fr": "Omiques"},
                    {"value": "imaging", "label_fr": "Imagerie"},
                ]
            },
        ),
        ("months", FormField.Type.NUMBER, {"min_value": 6, "max_value": 24}),
        ("start", FormField.Type.DATE, {}),
    ]
    for order, (key, kind, extra) in enumerate(fields):
        FormField.objects.create(
            call=call, section=section, key=key, label_fr=f"Question {key}", type=kind, order=order, **extra
        )
    return call


@pytest.fixture
def draft(call, researcher):  # type: ignore[no-untyped-def]
    return services.create_application(call=call, actor=researcher, title="Macrophages et résistance")


def _editor(pk: int) -> str:
    return reverse("calls:application", args=[pk])


def _post_data(application: Application, **answers: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": application.version,
        "title": application.title,
        "acronym": application.acronym,
    }
    data.update({f"f_{key}": value for key, value in answers.items()})
    return data


# --- list and creation ----------------------------------------------------------------------


def test_my_applications_lists_own_and_partner_applications_in_fixed_queries(
    client, researcher, world, django_assert_max_num_queries
):
    mine = [ApplicationFactory(applicant=researcher, lead_person=researcher.person) for _ in range(3)]
    theirs = ApplicationFactory(
        applicant=world.other_user, lead_person=world.person, title="Projet d'une autre"
    )
    partner = services.invite_partner(
        application=theirs, actor=world.other_user, email=researcher.email, new_team_name="Équipe R"
    )
    ApplicationFactory(applicant=world.other_user, lead_person=world.person, title="Projet secret")
    client.force_login(researcher)
    url = reverse("calls:my_applications")
    response = client.get(url)
    assert "Répondre à l'invitation" in response.content.decode()  # pending: not listed yet
    assert "Projet d&#x27;une autre</strong>" not in response.content.decode()
    services.accept_partner_invitation(token=partner.invitation_token, user=researcher)
    for _ in range(5):
        ApplicationFactory(applicant=researcher, lead_person=researcher.person)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    for application in mine:
        assert application.title in html
    assert "Projet d&#x27;une autre" in html and "équipe partenaire" in html
    assert "Projet secret" not in html
    assert "il reste" in html  # countdown to the deadline


def test_creating_an_application_opens_the_editor(client, researcher, call):
    client.force_login(researcher)
    response = client.get(reverse("calls:application_new", args=[call.pk]))
    assert response.status_code == 200 and "Créer le brouillon" in response.content.decode()
    response = client.post(
        reverse("calls:application_new", args=[call.pk]), {"title": "Immunothérapie", "acronym": "IMMU"}
    )
    application = Application.objects.get(applicant=researcher)
    assert response.status_code == 302 and response["Location"] == _editor(application.pk)
    assert (application.title, application.acronym, application.status) == ("Immunothérapie", "IMMU", "draft")
    assert application.teams.get().role == "lead"
    assert AuditEntry.objects.filter(action="calls.application.created").count() == 1


def test_a_closed_call_takes_no_new_application(client, researcher):
    past = CallFactory(
        opens_at=timezone.now() - dt.timedelta(days=30), closes_at=timezone.now() - dt.timedelta(days=1)
    )
    client.force_login(researcher)
    response = client.post(reverse("calls:application_new", args=[past.pk]), {"title": "Trop tard"})
    assert "n'est pas ouvert" in response.content.decode().replace("&#x27;", "'")
    assert not Application.objects.exists()


# --- the editor -----------------------------------------------------------------------------


def test_editor_renders_the_calls_form_from_its_definitions(client, researcher, draft):
    client.force_login(researcher)
    html = client.get(_editor(draft.pk)).content.decode()
    assert f'hx-post="{_editor(draft.pk)}"' in html and "input changed delay:2s" in html
    assert 'name="f_summary"' in html and 'data-maxlength="50"' in html and "0 / 50 caractères" in html
    assert '<option value="clin">Clinique</option>' in html
    assert 'type="checkbox" name="f_methods" value="imaging"' in html
    assert 'name="f_months"' in html and "Nombre entre 6 et 24." in html
    assert 'type="date" name="f_start"' in html
    assert "(obligatoire)" in html and "Décrivez le projet." in html
    assert f'name="version" id="draft-version" value="{draft.version}"' in html


def test_autosave_stores_answers_and_answers_with_the_new_version(client, researcher, draft):
    client.force_login(researcher)
    data = _post_data(draft, summary="Un résumé.", field="bio", methods=["omics", "imaging"], months="12")
    response = client.post(_editor(draft.pk), data, **HTMX)
    draft.refresh_from_db()
    assert response.status_code == 200 and response["HX-Trigger"] == "application-saved"
    html = response.content.decode()
    assert re.search(r"Enregistré à \d\d:\d\d:\d\d", html)
    assert f'id="draft-version" value="{draft.version}" hx-swap-oob="true"' in html
    assert draft.version == 2
    assert draft.answers == {
        "summary": "Un résumé.",
        "field": "bio",
        "methods": ["omics", "imaging"],
        "months": "12",
    }


def test_saving_without_javascript_redirects_and_keeps_overlong_text(client, researcher, draft):
    client.force_login(researcher)
    long_text = "x" * 80  # over the 50-character limit: kept in the draft, refused at submission
    response = client.post(_editor(draft.pk), _post_data(draft, summary=long_text, start="2027-03-01"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {"summary": long_text, "start": "2027-03-01"}
    html = client.get(_editor(draft.pk)).content.decode()
    assert "80 / 50 caractères" in html and "char-count over" in html


def test_concurrent_edits_show_both_values_and_overwrite_nothing(client, researcher, draft, world):
    partner = services.invite_partner(
        application=draft, actor=researcher, email=world.other_user.email, team=world.team
    )
    services.accept_partner_invitation(token=partner.invitation_token, user=world.other_user)
    other = type(client)()
    other.force_login(world.other_user)
    client.force_login(researcher)
    base = json.dumps({"title": draft.title, "acronym": "", "f_summary": "", "f_keywords": ""})
    first = other.post(
        _editor(draft.pk),
        {**_post_data(draft, summary="Texte du partenaire", keywords="macrophages"), "base": base},
    )
    assert first.status_code == 302
    second = client.post(_editor(draft.pk), {**_post_data(draft, summary="Mon texte à moi"), "base": base})
    assert second.status_code == 409
    html = second.content.decode()
    assert "a enregistré cette candidature pendant que vous la modifiiez" in unescape(html)
    assert (
        "Mon texte à moi" in html and "Texte du partenaire" in html
    )  # both versions of the conflicting field
    assert 'value="macrophages"' in html  # changed by the partner only: merged into the form
    assert 'hx-trigger="submit, change' not in html  # autosave paused until the user decides
    draft.refresh_from_db()
    assert draft.answers == {"summary": "Texte du partenaire", "keywords": "macrophages"}
    assert draft.version == 2
    assert f'id="draft-version" value="{draft.version}"' in html  # saving again keeps my text, on purpose


def test_an_autosave_conflict_replaces_the_form_in_place(client, researcher, draft):
    services.save_draft(
        application=draft, actor=researcher, expected_version=1, answers={"summary": "Ailleurs"}
    )
    client.force_login(researcher)
    response = client.post(_editor(draft.pk), _post_data(draft, summary="Ici"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#draft-form" and response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="draft-form"') and "Ici" in html and "Ailleurs" in html
    draft.refresh_from_db()
    assert draft.answers == {"summary": "Ailleurs"}


def test_eligibility_panel_shows_each_rule_with_its_result(client, researcher, draft):
    EligibilityRuleFactory(call=draft.call, code="min_teams", params={"count": 2})
    client.force_login(researcher)
    response = client.get(reverse("calls:application_eligibility", args=[draft.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "✗" in html and "check-failed" in html
    assert 'hx-trigger="application-saved from:body"' in html
    assert "« Question summary » est obligatoire." in html


# --- submission, receipt, deadline, withdrawal -----------------------------------------------


def _complete(application: Application, user) -> Application:  # type: ignore[no-untyped-def]
    requirement = DocumentRequirementFactory(call=application.call, label_fr="Projet détaillé")
    services.upload_attachment(
        application=application, actor=user, upload=upload("projet.pdf", make_pdf()), requirement=requirement
    )
    return services.save_draft(
        application=application,
        actor=user,
        expected_version=application.version,
        answers={"summary": "Court."},
    )


def test_submit_page_lists_what_is_missing_and_the_paris_deadline(client, researcher, draft):
    client.force_login(researcher)
    html = client.get(reverse("calls:application_submit", args=[draft.pk])).content.decode()
    assert "« Question summary » est obligatoire." in html
    assert "heure de Paris" in html and "Déposer définitivement" not in html


def test_double_submission_gives_one_receipt(client, researcher, draft, django_capture_on_commit_callbacks):
    _complete(draft, researcher)
    client.force_login(researcher)
    url = reverse("calls:application_submit", args=[draft.pk])
    html = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"idempotency_key": key, "confirm": "on"})
    second = client.post(url, {"idempotency_key": key, "confirm": "on"})
    receipt = reverse("calls:application_receipt", args=[draft.pk])
    assert (
        first.status_code == second.status_code == 302 and first["Location"] == second["Location"] == receipt
    )
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.receipt_number
    assert AuditEntry.objects.filter(action="calls.application.submitted").count() == 1
    assert len([m for m in mail.outbox if draft.receipt_number in m.body]) == 1
    page = client.get(receipt).content.decode()
    attachment = draft.attachments.get()
    assert draft.receipt_number in page and attachment.sha256 in page
    assert draft.submitted_at.astimezone(PARIS).strftime("%H:%M:%S") in page
    pdf = client.get(reverse("calls:application_receipt_pdf", args=[draft.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]
    # once submitted, the editor is read-only and a save is refused
    editor = client.get(_editor(draft.pk)).content.decode()
    assert 'id="draft-form" method="post"' not in editor and "plus modifiable" in editor
    refused = client.post(_editor(draft.pk), _post_data(draft, summary="Après coup"))
    draft.refresh_from_db()
    assert refused.status_code == 400 and draft.answers["summary"] == "Court."


def test_after_the_deadline_the_editor_is_read_only_and_submission_is_refused(client, researcher, draft):
    _complete(draft, researcher)
    type(draft.call).objects.filter(pk=draft.call_id).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1), opens_at=timezone.now() - dt.timedelta(days=9)
    )
    client.force_login(researcher)
    editor = client.get(_editor(draft.pk)).content.decode()
    assert "est passée" in editor and f'hx-post="{_editor(draft.pk)}"' not in editor
    response = client.post(
        reverse("calls:application_submit", args=[draft.pk]), {"idempotency_key": "k" * 32, "confirm": "on"}
    )
    assert response.status_code == 400
    assert "Dépôt refusé : la date limite était le" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.receipt_number


def test_withdrawal_before_the_deadline(client, researcher, draft, django_capture_on_commit_callbacks):
    _complete(draft, researcher)
    services.submit_application(application=draft, actor=researcher, idempotency_key="one")
    client.force_login(researcher)
    url = reverse("calls:application_withdraw", args=[draft.pk])
    assert "Retirer définitivement" in client.get(url).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Projet financé ailleurs"})
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.status == "withdrawn" and draft.withdrawn_at
    assert len(mail.outbox) == 1


def test_full_stage_draft_appears_in_the_list_and_opens_in_the_editor(client, researcher, staff):
    call = CallFactory(stages=2, full_stage_closes_at=timezone.now() + dt.timedelta(days=90))
    FormField.objects.create(call=call, key="aims", label_fr="Objectifs détaillés", stage="full")
    FormField.objects.create(call=call, key="idea", label_fr="Idée en deux lignes", stage="loi")
    loi = services.create_application(call=call, actor=researcher, title="Lettre")
    assert loi.stage == Stage.LETTER_OF_INTENT
    loi = services.submit_application(application=loi, actor=researcher, idempotency_key="loi")
    full = services.invite_to_full_stage(loi=loi, actor=staff)
    mail.outbox.clear()
    client.force_login(researcher)
    listing = client.get(reverse("calls:my_applications")).content.decode()
    assert _editor(full.pk) in listing and "Dossier complet" in listing and "sur invitation" in listing
    editor = client.get(_editor(full.pk)).content.decode()
    assert "Objectifs détaillés" in editor and "Idée en deux lignes" not in editor
    assert "lettre d'intention a été retenue" in unescape(editor)


# --- confidentiality ------------------------------------------------------------------------

OWNER_URLS = sorted(name for name, rule in URL_ACCESS.items() if rule.access is Access.OWNER)


@pytest.mark.parametrize("name", OWNER_URLS)
def test_another_applicants_application_does_not_exist_for_me(name, client, world, researcher, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    ApplicationFactory(applicant=researcher, lead_person=researcher.person)  # I have my own
    rule = URL_ACCESS[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    client.force_login(researcher)
    assert getattr(client, rule.method)(url).status_code == 404
    client.force_login(world.other_user)  # the owner does get an answer
    assert getattr(client, rule.method)(url).status_code in (200, 302, 400)

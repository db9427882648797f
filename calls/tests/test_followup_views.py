"""The secretariat's follow-up of a call through the web client: dashboard figures and table,
filters, query counts, the application page, the decision, exports, the message to applicants
and the selection of letters of intent."""

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from calls.models import Application, ApplicationTeam, Attachment, BudgetLine, EligibilityDecision, Stage
from calls.services import submit_application, upload_attachment
from calls.tests.factories import (
    ApplicationFactory,
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    FormFieldFactory,
    make_pdf,
    upload,
)
from core.models import AuditEntry
from directory.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):  # type: ignore[no-untyped-def]
    call = CallFactory(budget_envelope=Decimal("100000"))
    EligibilityRuleFactory(call=call, code="min_teams", params={"count": 2})
    return call


def make_application(call, *, status=Application.Status.DRAFT, institution=None, amounts=(), **kwargs):  # type: ignore[no-untyped-def]
    """An application of ``call`` led from ``institution`` with budget lines of ``amounts``."""
    application = ApplicationFactory(call=call, **kwargs)
    lead = application.teams.get(role=ApplicationTeam.Role.LEAD)
    if institution is not None:
        ApplicationTeam.objects.filter(pk=lead.pk).update(institution=institution)
    category = call.budget_categories.first() or BudgetCategoryFactory(call=call)
    for amount in amounts:
        BudgetLine.objects.create(
            application=application,
            team=lead,
            category=category,
            description="Réactifs",
            amount=Decimal(amount),
        )
    if status != Application.Status.DRAFT:
        submitted = submit_application(
            application=application, actor=application.applicant, idempotency_key=f"k{application.pk}"
        )
        if status != Application.Status.SUBMITTED:
            Application.objects.filter(pk=submitted.pk).update(status=status)
    application.refresh_from_db()
    return application


@pytest.fixture
def filled(call):  # type: ignore[no-untyped-def]
    """Two institutions; drafts, submitted (the check fails: one team for two), eligible, ineligible,
    withdrawn."""
    gustave, curie = InstitutionFactory(acronym="GR"), InstitutionFactory(acronym="IC")
    S = Application.Status
    return {
        "draft": make_application(call, institution=gustave, amounts=["1000"]),
        "submitted": make_application(
            call, status=S.SUBMITTED, institution=gustave, amounts=["20000", "5000"]
        ),
        "submitted2": make_application(call, status=S.SUBMITTED, institution=curie, amounts=["30000"]),
        "eligible": make_application(call, status=S.ELIGIBLE, institution=curie, amounts=["15000"]),
        "ineligible": make_application(call, status=S.INELIGIBLE, institution=curie, amounts=["9000"]),
        "withdrawn": make_application(call, status=S.WITHDRAWN, institution=gustave, amounts=["7000"]),
        "gustave": gustave,
        "curie": curie,
    }


# --- permissions ---------------------------------------------------------------------------


def test_followup_pages_are_for_the_secretariat_only(client, researcher, call, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    url = reverse("calls:followup_dashboard", args=[call.pk])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(researcher)
    assert client.get(url).status_code == 403
    assert client.get(reverse("calls:followup_export_csv", args=[call.pk])).status_code == 403


# --- the list of calls and the dashboard ---------------------------------------------------


def test_index_groups_calls_by_programme_with_their_figures(staff_client, call, filled):
    response = staff_client.get(reverse("calls:followup_index"))
    assert response.status_code == 200
    [group] = response.context["programmes"]
    assert group["programme"] == call.programme
    assert group["received"] == 4 and group["eligible"] == 1
    # received: submitted (25 000) + submitted2 (30 000) + eligible (15 000) + ineligible (9 000)
    assert group["requested"] == Decimal("79000")


def test_dashboard_counts_amounts_and_institutions(staff_client, call, filled):
    response = staff_client.get(reverse("calls:followup_dashboard", args=[call.pk]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.drafts, figures.received, figures.awaiting) == (1, 4, 2)
    assert (figures.eligible, figures.ineligible, figures.withdrawn) == (1, 1, 1)
    assert figures.requested_received == Decimal("79000")
    assert figures.requested_eligible == Decimal("15000")
    assert figures.pressure == Decimal("0.79")
    rows = {row.label: row for row in figures.by_institution}
    assert (rows["IC"].received, rows["IC"].eligible, rows["IC"].requested) == (3, 1, Decimal("54000"))
    assert (rows["GR"].received, rows["GR"].drafts, rows["GR"].requested) == (1, 1, Decimal("25000"))
    assert len(response.context["page_obj"].object_list) == 6
    content = response.content.decode()
    assert filled["submitted"].display_title in content and "79" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "submitted"}, {"submitted", "submitted2"}),
        ({"automatic": "failed"}, {"submitted", "submitted2", "eligible", "ineligible", "withdrawn"}),
        ({"automatic": "none"}, {"draft"}),
        ({"institution": "curie"}, {"submitted2", "eligible", "ineligible"}),
        ({"institution": "curie", "status": "eligible"}, {"eligible"}),
        (
            {"status": "no-such-status"},
            {"draft", "submitted", "submitted2", "eligible", "ineligible", "withdrawn"},
        ),
    ],
)
def test_table_filters(staff_client, call, filled, query, expected):
    if "institution" in query:
        query = {**query, "institution": str(filled[query["institution"]].pk)}
    response = staff_client.get(reverse("calls:followup_dashboard", args=[call.pk]), query)
    assert response.status_code == 200
    shown = {a.pk for a in response.context["page_obj"].object_list}
    assert shown == {filled[name].pk for name in expected}


def test_dashboard_query_count_does_not_grow_with_applications(
    staff_client, call, filled, django_assert_max_num_queries
):
    url = reverse("calls:followup_dashboard", args=[call.pk])
    with django_assert_max_num_queries(17) as few:
        staff_client.get(url)
    for index in range(8):
        make_application(
            call,
            status=Application.Status.SUBMITTED,
            institution=InstitutionFactory(),
            amounts=[str(1000 + index)],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["page_obj"].object_list) == 14


def test_two_stage_dashboard_counts_by_stage(staff_client):
    call = CallFactory(stages=2)
    ApplicationFactory(call=call, stage=Stage.LETTER_OF_INTENT)
    ApplicationFactory(call=call, stage=Stage.FULL)
    ApplicationFactory(call=call, stage=Stage.FULL)
    response = staff_client.get(reverse("calls:followup_dashboard", args=[call.pk]))
    [row] = response.context["figures"].status_rows()
    assert (row["value"], row["loi"], row["full"], row["total"]) == ("draft", 1, 2, 3)
    assert response.context["figures"].by_stage


# --- one application and the decision ------------------------------------------------------


@pytest.fixture
def complete(call):  # type: ignore[no-untyped-def]
    """A submitted application with an answer and a PDF."""
    question = FormFieldFactory(call=call, key="summary", label_fr="Résumé du projet")
    requirement = DocumentRequirementFactory(call=call, label_fr="Projet détaillé")
    application = ApplicationFactory(call=call, answers={question.key: "Cibler les fibroblastes."})
    upload_attachment(
        application=application,
        actor=application.applicant,
        upload=upload("projet.pdf", make_pdf("Projet détaillé")),
        requirement=requirement,
    )
    return submit_application(
        application=application, actor=application.applicant, idempotency_key="complete"
    )


def test_application_page_shows_the_content_read_only(staff_client, complete):
    response = staff_client.get(reverse("calls:followup_application", args=[complete.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Résumé du projet" in content and "Cibler les fibroblastes." in content
    assert "projet.pdf" in content and complete.receipt_number in content
    assert response.context["automatic"] == "failed"  # one team where the call asks for two
    assert response.context["form"].initial["eligible"] == "no"


def test_staff_downloads_an_attachment_and_it_is_audited(staff_client, staff, complete):
    attachment = Attachment.objects.get(application=complete)
    response = staff_client.get(reverse("calls:followup_attachment", args=[complete.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action="calls.attachment.downloaded")
    assert entry.actor == staff and entry.data["attachment"] == attachment.pk
    other = ApplicationFactory()
    assert (
        staff_client.get(reverse("calls:followup_attachment", args=[other.pk, attachment.pk])).status_code
        == 404
    )


def test_decision_requires_a_reason_and_keeps_what_was_typed(staff_client, complete):
    url = reverse("calls:followup_decide", args=[complete.pk])
    response = staff_client.post(url, {"admissible": "yes", "eligible": "yes", "reason": "  "})
    assert response.status_code == 400
    assert not EligibilityDecision.objects.exists()
    assert response.context["form"]["admissible"].value() == "yes"


def test_decision_overriding_the_check_is_recorded_and_audited(staff_client, staff, complete):
    url = reverse("calls:followup_decide", args=[complete.pk])
    response = staff_client.post(
        url, {"admissible": "yes", "eligible": "yes", "reason": "Le partenaire a confirmé par écrit."}
    )
    assert response.status_code == 302
    decision = EligibilityDecision.objects.get(application=complete)
    assert decision.eligible and decision.overrides_check and decision.automatic_outcome == "failed"
    assert decision.decided_by == staff
    complete.refresh_from_db()
    assert complete.status == Application.Status.ELIGIBLE
    assert AuditEntry.objects.filter(action="calls.application.eligibility_decided", actor=staff).count() == 1
    # revised: the history shows both, newest first
    staff_client.post(url, {"admissible": "yes", "eligible": "no", "reason": "Erreur : une seule équipe."})
    page = staff_client.get(reverse("calls:followup_application", args=[complete.pk]))
    decisions = page.context["decisions"]
    assert [d.eligible for d in decisions] == [False, True]
    assert "Erreur : une seule équipe." in page.content.decode()


def test_no_decision_on_a_draft(staff_client, call):
    draft = ApplicationFactory(call=call)
    assert staff_client.get(reverse("calls:followup_application", args=[draft.pk])).context["form"] is None
    response = staff_client.post(
        reverse("calls:followup_decide", args=[draft.pk]),
        {"admissible": "yes", "eligible": "yes", "reason": "ok"},
    )
    assert response.status_code == 400
    assert not EligibilityDecision.objects.exists()


# --- exports -------------------------------------------------------------------------------


def test_xlsx_export_has_one_row_per_application(staff_client, staff, call, filled):
    response = staff_client.get(reverse("calls:followup_export_xlsx", args=[call.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 6
    by_id = {row[header.index("Identifiant")]: row for row in body}
    submitted = by_id[filled["submitted"].pk]
    assert submitted[header.index("Institution coordinatrice")] == "GR"
    assert submitted[header.index("Total demandé (€)")] == 25000
    assert submitted[header.index("Budget : Consommables (€)")] == 25000
    assert submitted[header.index("Statut")] == "Déposé"
    assert submitted[header.index("Vérification automatique")] == "Non respectée"
    assert AuditEntry.objects.get(action="calls.applications.exported").data == {"format": "xlsx", "rows": 6}


def test_csv_export_is_for_french_excel_and_follows_the_filters(staff_client, call, filled):
    response = staff_client.get(reverse("calls:followup_export_csv", args=[call.pk]), {"status": "submitted"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert {int(row[header.index("Identifiant")]) for row in body} == {
        filled["submitted"].pk,
        filled["submitted2"].pk,
    }
    totals = {row[header.index("Total demandé (€)")] for row in body}
    assert totals == {"25000,00", "30000,00"}


def test_exports_neutralise_formulas(staff_client, call):
    ApplicationFactory(call=call, title='=HYPERLINK("http://evil")')
    csv_body = staff_client.get(reverse("calls:followup_export_csv", args=[call.pk])).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in csv_body
    sheet = load_workbook(
        io.BytesIO(staff_client.get(reverse("calls:followup_export_xlsx", args=[call.pk])).content)
    ).active
    title_cell = sheet.cell(row=2, column=5)
    assert title_cell.data_type == "s"


# --- message to applicants -----------------------------------------------------------------


def test_recipient_count_preview_over_htmx(staff_client, call, filled):
    url = reverse("calls:followup_mailing", args=[call.pk])
    response = staff_client.get(url, {"audience": "submitted"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.context["count"] == 4
    assert staff_client.get(url, {"audience": "drafts"}, headers={"HX-Request": "true"}).context["count"] == 1


def test_preview_sends_nothing_then_send_mails_each_recipient_once(
    staff_client, staff, call, filled, django_capture_on_commit_callbacks
):
    english = filled["eligible"].applicant
    english.language = "en"
    english.save(update_fields=["language"])
    url = reverse("calls:followup_mailing", args=[call.pk])
    data = {
        "audience": "submitted",
        "subject": "Calendrier d'audition",
        "body": "Les auditions auront lieu le 3 juin.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        preview = staff_client.post(url, {**data, "action": "preview"})
    assert preview.status_code == 200 and "Les auditions auront lieu le 3 juin." in preview.context["preview"]
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {**data, "action": "send"})
    assert response.status_code == 302
    addressees = sorted(message.to[0] for message in mail.outbox)
    expected = sorted(
        filled[name].applicant.email for name in ("submitted", "submitted2", "eligible", "ineligible")
    )
    assert addressees == expected and all(len(m.to) == 1 for m in mail.outbox)
    assert all("Calendrier d'audition" in m.subject and "3 juin" in m.body for m in mail.outbox)
    [in_english] = [m for m in mail.outbox if m.to == [english.email]]
    assert in_english.body.startswith("Dear ") and "Message from the secretariat" in in_english.body
    assert all(m.body.startswith("Bonjour ") for m in mail.outbox if m is not in_english)
    entry = AuditEntry.objects.get(action="calls.call.applicants_emailed")
    assert entry.actor == staff and entry.data["recipients"] == 4 and entry.data["audience"] == "submitted"


def test_mailing_refuses_an_empty_subject_and_an_empty_audience(
    staff_client, call, django_capture_on_commit_callbacks
):
    url = reverse("calls:followup_mailing", args=[call.pk])
    with django_capture_on_commit_callbacks(execute=True):
        missing = staff_client.post(
            url, {"audience": "submitted", "subject": "", "body": "x", "action": "send"}
        )
        nobody = staff_client.post(
            url, {"audience": "eligible", "subject": "Objet", "body": "x", "action": "send"}
        )
    assert missing.status_code == 400 and "subject" in missing.context["form"].errors
    assert nobody.status_code == 400 and nobody.context["form"].non_field_errors()
    assert (
        mail.outbox == [] and not AuditEntry.objects.filter(action="calls.call.applicants_emailed").exists()
    )


# --- letters of intent ---------------------------------------------------------------------


@pytest.fixture
def letters(db):  # type: ignore[no-untyped-def]
    call = CallFactory(stages=2)
    submitted = []
    for _index in range(3):
        letter = ApplicationFactory(call=call, stage=Stage.LETTER_OF_INTENT)
        submitted.append(
            submit_application(application=letter, actor=letter.applicant, idempotency_key=f"loi{letter.pk}")
        )
    return call, submitted


def test_invite_selected_letters_to_the_full_stage(
    staff_client, staff, letters, django_capture_on_commit_callbacks
):
    call, (first, second, third) = letters
    url = reverse("calls:followup_letters", args=[call.pk])
    page = staff_client.get(url)
    assert page.status_code == 200 and page.context["selectable_ids"] == {first.pk, second.pk, third.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"applications": [first.pk, second.pk], "action": "invite"})
    assert response.status_code == 302
    statuses = dict(Application.objects.filter(stage=Stage.LETTER_OF_INTENT).values_list("pk", "status"))
    assert statuses == {
        first.pk: "invited_full_stage",
        second.pk: "invited_full_stage",
        third.pk: "submitted",
    }
    drafts = Application.objects.filter(stage=Stage.FULL, call=call)
    assert {d.parent_id for d in drafts} == {first.pk, second.pk} and {d.status for d in drafts} == {"draft"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.applicant.email, second.applicant.email])
    assert AuditEntry.objects.get(action="calls.call.letters_invited").data["letters"] == [
        first.pk,
        second.pk,
    ]


def test_decline_letters_and_refuse_a_foreign_id(staff_client, letters):
    call, (first, _second, third) = letters
    url = reverse("calls:followup_letters", args=[call.pk])
    foreign = ApplicationFactory()
    refused = staff_client.post(url, {"applications": [first.pk, foreign.pk], "action": "invite"})
    assert refused.status_code == 400
    assert not Application.objects.filter(stage=Stage.FULL, call=call).exists()
    response = staff_client.post(
        url, {"applications": [third.pk], "action": "decline", "reason": "Hors périmètre"}
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.status == Application.Status.NOT_INVITED


def test_letters_page_is_404_for_a_one_stage_call(staff_client, call):
    assert staff_client.get(reverse("calls:followup_letters", args=[call.pk])).status_code == 404


def test_a_researcher_cannot_invite(client, researcher, letters, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    call, (first, *_rest) = letters
    client.force_login(researcher)
    response = client.post(reverse("calls:followup_letters", args=[call.pk]), {"applications": [first.pk]})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.status == Application.Status.SUBMITTED

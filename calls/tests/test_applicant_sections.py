"""The editor's sections through the web client: partner teams and invitations, the budget by
team and category, attached documents (checked by content, size-limited, served to members only)."""

import hashlib
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from calls import services
from calls.models import ApplicationTeam, Attachment, BudgetLine
from calls.tests.factories import (
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    make_pdf,
    upload,
)
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(researcher):  # type: ignore[no-untyped-def]
    return services.create_application(call=CallFactory(), actor=researcher, title="Macrophages")


def _url(name: str, *args: int) -> str:
    return reverse(f"calls:{name}", args=args)


# --- partners -------------------------------------------------------------------------------


def test_team_search_lists_directory_teams(client, researcher, draft, world):
    client.force_login(researcher)
    response = client.get(_url("application_team_search", draft.pk), {"team_q": "signalisation"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and world.team.name in html
    assert f'name="team" value="{world.team.pk}"' in html


def test_inviting_a_directory_team_then_the_partner_accepts_and_edits(
    client, researcher, draft, world, django_capture_on_commit_callbacks
):
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("application_partner_invite", draft.pk),
            {"team": world.team.pk, "email": world.other_user.email},
            **HTMX,
        )
    assert response.status_code == 200 and response["HX-Trigger"] == "application-saved"
    partner = ApplicationTeam.objects.get(application=draft, role="partner")
    assert (partner.team, partner.invitation_status) == (world.team, "pending")
    assert world.team.name in response.content.decode()
    [message] = mail.outbox
    link = reverse("calls:invitation_accept", args=[partner.invitation_token])
    assert message.to == [world.other_user.email] and link in message.body

    client.force_login(world.other_user)
    page = unescape(client.get(link).content.decode())
    assert "Macrophages" in page and "Accepter et rejoindre" in page
    response = client.post(link, {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == _url("application", draft.pk)
    partner.refresh_from_db()
    assert partner.invitation_status == "accepted" and partner.contact_user == world.other_user
    saved = client.post(
        _url("application", draft.pk),
        {"version": draft.version, "title": "Macrophages (révisé)", "acronym": ""},
    )
    draft.refresh_from_db()
    assert saved.status_code == 302 and draft.title == "Macrophages (révisé)"
    assert client.get(link).status_code == 404  # the link works once


def test_declining_an_invitation(client, researcher, draft, world):
    partner = services.invite_partner(
        application=draft, actor=researcher, email="someone@example.org", new_team_name="Équipe X"
    )
    client.force_login(world.other_user)
    response = client.post(
        reverse("calls:invitation_accept", args=[partner.invitation_token]), {"answer": "decline"}
    )
    partner.refresh_from_db()
    assert response.status_code == 302 and partner.invitation_status == "declined"
    assert client.get(_url("application", draft.pk)).status_code == 404


def test_a_partner_needs_a_team_and_an_email(client, researcher, draft):
    client.force_login(researcher)
    response = client.post(_url("application_partner_invite", draft.pk), {"email": "x@example.org"})
    assert response.status_code == 400
    assert "Choisissez une équipe de l'annuaire" in unescape(response.content.decode())
    assert not ApplicationTeam.objects.filter(role="partner").exists()


def test_removing_a_partner(client, researcher, draft):
    partner = services.invite_partner(
        application=draft, actor=researcher, email="someone@example.org", new_team_name="Équipe X"
    )
    client.force_login(researcher)
    response = client.post(_url("application_partner_remove", draft.pk, partner.pk))
    assert response.status_code == 302 and not ApplicationTeam.objects.filter(pk=partner.pk).exists()


# --- budget ---------------------------------------------------------------------------------


def test_budget_lines_totals_and_share_against_the_cap(client, researcher, draft):
    services_cat = BudgetCategoryFactory(call=draft.call, label_fr="Prestations", max_share=Decimal(50))
    consumables = BudgetCategoryFactory(call=draft.call, label_fr="Consommables")
    lead = draft.teams.get()
    client.force_login(researcher)
    for category, amount in ((services_cat, "6000"), (consumables, "4 000,50")):
        response = client.post(
            _url("application_budget_add", draft.pk),
            {"team": lead.pk, "category": category.pk, "description": "Dépense", "amount": amount},
            **HTMX,
        )
        assert response.status_code == 200 and response["HX-Trigger"] == "application-saved"
    html = unescape(response.content.decode())
    assert BudgetLine.objects.filter(application=draft).count() == 2
    assert '<td class="num">10\xa0000,50 €</td>' in html  # total of the lead team's column
    assert "60 %" in html and "≤ 50 %" in html and 'class="num over"' in html  # 60 % of the total, cap 50 %
    assert "Sous-total" in html


def test_editing_and_removing_a_budget_line(client, researcher, draft):
    category = BudgetCategoryFactory(call=draft.call)
    line = services.add_budget_line(
        application=draft, actor=researcher, category=category, description="Anticorps", amount="100"
    )
    client.force_login(researcher)
    url = _url("application_budget_line", draft.pk, line.pk)
    row = client.get(url, **HTMX).content.decode()
    assert f'id="line-{line.pk}"' in row and f'name="line{line.pk}-amount"' in row
    data = {
        f"line{line.pk}-category": category.pk,
        f"line{line.pk}-description": "Anticorps (2 lots)",
        f"line{line.pk}-amount": "250",
        f"line{line.pk}-version": line.version,
    }
    response = client.post(url, data, **HTMX)
    assert response["HX-Retarget"] == "#budget"
    line.refresh_from_db()
    assert (line.description, line.amount, line.version) == ("Anticorps (2 lots)", Decimal("250.00"), 2)
    stale = client.post(url, {**data, f"line{line.pk}-amount": "999"}, **HTMX)  # version 1 again
    assert "modifiée par quelqu" in unescape(stale.content.decode())
    line.refresh_from_db()
    assert line.amount == Decimal("250.00")
    client.post(_url("application_budget_remove", draft.pk, line.pk))
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


# --- documents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("projet.pdf", b"Ceci est un texte, pas un PDF.", "n'est pas celui d'un fichier PDF"),
        (
            "projet.pdf",
            b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 10) + b"\n%%EOF",
            "dépasse la taille maximale",
        ),
        ("projet.pdf", b"", "est vide"),
    ],
)
def test_refused_uploads_say_why(client, researcher, draft, name, content, message):
    requirement = DocumentRequirementFactory(call=draft.call)  # PDF, 2 MB
    client.force_login(researcher)
    response = client.post(
        _url("application_upload", draft.pk),
        {"requirement": requirement.pk, "file": upload(name, content)},
        **HTMX,
    )
    html = unescape(response.content.decode())
    assert message in html
    assert f'id="doc-{requirement.pk}-error"' in html
    assert not Attachment.objects.exists()


def test_upload_download_and_remove_a_document(client, researcher, draft, world):
    requirement = DocumentRequirementFactory(call=draft.call, label_fr="Projet détaillé")
    content = make_pdf("Projet")
    client.force_login(researcher)
    response = client.post(
        _url("application_upload", draft.pk),
        {"requirement": requirement.pk, "file": upload("projet.pdf", content)},
        **HTMX,
    )
    attachment = Attachment.objects.get()
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.sha256 in response.content.decode() and response["HX-Trigger"] == "application-saved"
    download = client.get(_url("application_attachment", draft.pk, attachment.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="calls.attachment.downloaded").count() == 1
    client.force_login(world.other_user)
    assert client.get(_url("application_attachment", draft.pk, attachment.pk)).status_code == 404
    client.force_login(researcher)
    client.post(_url("application_attachment_remove", draft.pk, attachment.pk))
    assert not Attachment.objects.exists()

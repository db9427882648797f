"""How many SQL queries the busiest applicant requests make before a deadline (see bench/README.md,
"Deadline rush"): the editor page, the autosave and an upload. The counts are pinned so that they
cannot creep back, and must not grow with the size of the application (teams, budget lines,
documents)."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from calls import services
from calls.models import Application, DocumentRequirement, FormSection
from calls.tests.factories import (
    BudgetCategoryFactory,
    CallFactory,
    DocumentRequirementFactory,
    EligibilityRuleFactory,
    FormFieldFactory,
    make_pdf,
    upload,
)
from core.navigation import navigation_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

# session, user, roles, application; questions, documents asked, attached files, teams, budget
# categories, budget lines; eligibility (rules, teams, budget lines, the lead's affiliations,
# past awards); what is missing (attached files, lead team). The menu's own queries come on top.
EDITOR_QUERIES = 17
# session, user, roles, application, questions; the save (locked row, question keys, update,
# audit entry, and the two statements of its transaction). No menu: a fragment does not build it.
AUTOSAVE_QUERIES = 11
# session, user, roles, application, documents asked; the upload (locked row, the file it
# replaces, insert, audit entry, the transaction's two statements; one more to delete a replaced
# file); the documents section (attached files).
UPLOAD_QUERIES = 12


@pytest.fixture
def call():  # type: ignore[no-untyped-def]
    """A call shaped like the benchmark's: questions, two documents, a budget category, rules."""
    call = CallFactory()
    section = FormSection.objects.create(call=call, title_fr="Le projet")
    for order, key in enumerate(("summary", "keywords", "methods")):
        FormFieldFactory(call=call, section=section, key=key, order=order, required=key != "keywords")
    DocumentRequirementFactory(call=call, label_fr="Projet détaillé", order=1)
    DocumentRequirementFactory(call=call, label_fr="CV du porteur", order=2)
    BudgetCategoryFactory(call=call)
    EligibilityRuleFactory(call=call)
    EligibilityRuleFactory(call=call, code="total_ceiling", params={}, order=1)
    return call


@pytest.fixture
def draft(call, researcher):  # type: ignore[no-untyped-def]
    return services.create_application(call=call, actor=researcher, title="Macrophages")


def _grow(application: Application, actor: User, n: int) -> None:
    """``n`` more partner teams and budget lines, and every document attached."""
    category = application.call.budget_categories.get()
    for i in range(n):
        services.invite_partner(
            application=application,
            actor=actor,
            email=f"partenaire{i}@example.org",
            new_team_name=f"Équipe {i}",
        )
        services.add_budget_line(
            application=application, actor=actor, category=category, description=f"Ligne {i}", amount=1000
        )
    for requirement in DocumentRequirement.objects.filter(call=application.call):
        services.upload_attachment(
            application=application,
            actor=actor,
            upload=upload("piece.pdf", make_pdf(), "application/pdf"),
            requirement=requirement,
        )


def _menu_queries(user: User, path: str) -> int:
    """The queries of the menu alone (its entries, registered by other apps, may ask the database
    whether to show); the user's roles are read before, by the middleware."""
    user = User.objects.get(pk=user.pk)
    user.role_set  # noqa: B018 - read once per request, before the menu
    with CaptureQueriesContext(connection) as menu:
        navigation_for(user, path)
    return len(menu)


class Counted(int):
    """A number of queries that lists them when an assertion shows it."""

    sql: list[str]

    def __repr__(self) -> str:
        return f"{int(self)} queries:\n" + "\n".join(q[:160] for q in self.sql)


def _count(client, method: str, url: str, data: dict | None = None, **extra: str) -> tuple[Counted, object]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **extra)
    counted = Counted(len(queries))
    counted.sql = [q["sql"] for q in queries.captured_queries]
    return counted, response


def test_the_editor_page_makes_a_fixed_number_of_queries(client, researcher, draft, mailoutbox):  # type: ignore[no-untyped-def]
    client.force_login(researcher)
    url = reverse("calls:application", args=[draft.pk])
    client.get(url)  # templates compiled, connection open
    limit = EDITOR_QUERIES + _menu_queries(researcher, url)
    small, response = _count(client, "get", url)
    assert response.status_code == 200
    assert small <= limit, f"at most {limit} expected, {small!r}"
    _grow(draft, researcher, 4)
    large, response = _count(client, "get", url)
    html = response.content.decode()
    assert response.status_code == 200
    assert large == small  # whatever the number of teams, lines and documents
    assert "Équipe 3" in html and "Ligne 3" in html and html.count("download>piece.pdf</a>") == 2
    # the new line's categories come from the budget table, as the form's own query gave them
    assert re.search(r'<option value="\d+">Consommables</option>', html)


def test_the_autosave_makes_a_fixed_number_of_queries(client, researcher, draft):  # type: ignore[no-untyped-def]
    client.force_login(researcher)
    url = reverse("calls:application", args=[draft.pk])
    client.get(url)
    data = {"version": draft.version, "title": "Macrophages", "acronym": "", "f_summary": "Résumé."}
    queries, response = _count(client, "post", url, data, **HTMX)
    assert response.status_code == 200 and response["HX-Trigger"] == "application-saved"
    assert queries <= AUTOSAVE_QUERIES, f"at most {AUTOSAVE_QUERIES} expected, {queries!r}"
    draft.refresh_from_db()
    assert draft.answers["summary"] == "Résumé." and draft.version == data["version"] + 1


def test_an_upload_makes_a_fixed_number_of_queries(client, researcher, draft):  # type: ignore[no-untyped-def]
    client.force_login(researcher)
    client.get(reverse("calls:application", args=[draft.pk]))
    url = reverse("calls:application_upload", args=[draft.pk])
    requirement = DocumentRequirement.objects.filter(call=draft.call).first()
    assert requirement is not None
    for limit in (UPLOAD_QUERIES, UPLOAD_QUERIES + 1):  # attaching, then replacing the file
        data = {"requirement": requirement.pk, "file": upload("projet.pdf", make_pdf(), "application/pdf")}
        queries, response = _count(client, "post", url, data, **HTMX)
        assert response.status_code == 200 and response["HX-Trigger"] == "application-saved"
        assert queries <= limit, f"at most {limit} expected, {queries!r}"
    attachment = draft.attachments.get()
    assert (attachment.requirement_id, attachment.original_name) == (requirement.pk, "projet.pdf")


def test_the_confirmation_page_and_the_receipt_show_the_total(client, researcher, draft):  # type: ignore[no-untyped-def]
    _grow(draft, researcher, 2)
    services.save_draft(
        application=draft,
        actor=researcher,
        expected_version=Application.objects.get(pk=draft.pk).version,
        title="Macrophages",
        acronym="MAC",
        answers={"summary": "Résumé.", "methods": "Méthodes."},
    )
    client.force_login(researcher)
    page = client.get(reverse("calls:application_submit", args=[draft.pk])).content.decode()
    assert "2 000,00 €" in page.replace("\u202f", " ").replace("\xa0", " ")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key is not None
    response = client.post(
        reverse("calls:application_submit", args=[draft.pk]),
        {"idempotency_key": key.group(1), "confirm": "on"},
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    assert "2 000,00 €" in receipt.replace("\u202f", " ").replace("\xa0", " ")
    assert Decimal(sum(line.amount for line in draft.budget_lines.all())) == Decimal(2000)

"""The export of the committee's ranking (XLSX and CSV): the files parse back with the rows and
figures of the committee page, name no reviewer, are for the secretariat only, are audited and
cost a fixed number of queries."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEntry
from evaluation.models import ReviewerRole
from evaluation.services.committee import outcome_for, propose_funding, rank_applications, set_outcome
from evaluation.tests.factories import PoolMemberFactory
from evaluation.tests.test_committee_services import add_review, build_committee

pytestmark = pytest.mark.django_db
MARKERS = ("Rapporteuse Marqueur", "rapporteuse.marqueur@example.org", "Experte Témoin", "temoin@example.org")


@pytest.fixture(autouse=True)
def _no_mfa(settings):  # type: ignore[no-untyped-def]
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False


@pytest.fixture
def committee(staff):  # type: ignore[no-untyped-def]
    """Three applications (40 k€, 30 k€, 40 k€ asked; envelope 100 k€), each reviewed by the same
    named rapporteur and external expert, ranked A1, A2, A3, A1 cut to 35 k€, proposal saved."""
    campaign, apps = build_committee(["40000", "30000", "40000"], envelope="100000")
    rapporteur = PoolMemberFactory(
        campaign=campaign,
        role=ReviewerRole.RAPPORTEUR,
        name=MARKERS[0],
        email=MARKERS[1],
        user__email=MARKERS[1],
    )
    external = PoolMemberFactory(
        campaign=campaign,
        role=ReviewerRole.EXTERNAL,
        name=MARKERS[2],
        email=MARKERS[3],
        user__email=MARKERS[3],
    )
    add_review(campaign, apps[0], "16", role=ReviewerRole.RAPPORTEUR, member=rapporteur)
    add_review(campaign, apps[0], "10", "do_not_fund", member=external)  # spread 6: disagreement
    add_review(campaign, apps[1], "15", role=ReviewerRole.RAPPORTEUR, member=rapporteur)
    add_review(campaign, apps[1], "13", member=external)
    add_review(campaign, apps[2], "12", role=ReviewerRole.RAPPORTEUR, member=rapporteur)
    rank_applications(campaign=campaign, order=[a.pk for a in apps], expected_version=None, actor=staff)
    outcome = outcome_for(campaign=campaign, application=apps[0])
    set_outcome(
        outcome=outcome,
        committee_score=Decimal("15.5"),
        proposed_amount=Decimal("35000"),
        expected_version=outcome.version,
        actor=staff,
    )
    propose_funding(campaign=campaign, actor=staff, waiting_list_size=1)
    return campaign, apps


def _url(campaign, fmt):  # type: ignore[no-untyped-def]
    return reverse("evaluation:committee_export", args=[campaign.pk, fmt])


def _split(rows):  # type: ignore[no-untyped-def]
    """Header block as a dict, then the table's header row and data rows."""
    blank = next(i for i, row in enumerate(rows) if not any(v not in (None, "") for v in row))
    header = {row[0]: row[1] for row in rows[:blank]}
    return header, list(rows[blank + 1]), [list(r) for r in rows[blank + 2 :]]


def test_xlsx_parses_back_with_the_ranking(client, staff, committee):
    campaign, apps = committee
    client.force_login(staff)
    response = client.get(_url(campaign, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="comite-') and disposition.endswith('.xlsx"')

    sheet = load_workbook(io.BytesIO(response.content)).active
    header, columns, rows = _split(list(sheet.iter_rows(values_only=True)))
    assert header["Appel"].startswith(campaign.call.title)
    assert header["Étape évaluée"] == "Dossier complet"
    assert header["Enveloppe (€)"] == 100000
    # Funded: A1 (35 k€ proposed) + A2 (30 k€); A3 (40 k€) does not fit: waiting list.
    assert header["Total proposé (€)"] == 65000
    assert header["Dossiers retenus"] == 2
    assert "Exporté le (heure de Paris)" in header

    by_name = [dict(zip(columns, row, strict=True)) for row in rows]
    assert [r["Acronyme"] for r in by_name] == ["A1", "A2", "A3"]
    assert [r["Rang"] for r in by_name] == [1, 2, 3]
    first, second, third = by_name
    assert first["Titre"] == "Projet 1"
    assert first["Porteur·se"] == apps[0].lead_person.full_name
    assert first["Montant demandé (€)"] == 40000
    assert first["Montant proposé (€)"] == 35000
    assert first["Note du comité (/20)"] == 15.5
    assert first["Moyenne (/20)"] == 13
    assert first["Moyenne des rapporteur·es (/20)"] == 16
    assert first["Moyenne des expert·es extérieur·es (/20)"] == 10
    assert first["Écart"] == 6
    assert first["Désaccord"] == "oui"
    assert (first["Évaluations rendues"], first["Évaluations attendues"]) == (2, 2)
    # Reviews by role (externals first, as the page), never by name.
    assert (first["Évaluation 1 : note (/20)"], first["Évaluation 1 : avis"]) == (10, "À ne pas financer")
    assert (first["Évaluation 2 : note (/20)"], first["Évaluation 2 : avis"]) == (16, "À financer")
    assert first["Proposition / décision"] == "Proposé au financement"
    assert second["Désaccord"] == "non"
    assert second["Proposition / décision"] == "Proposé au financement"
    assert (third["Évaluations rendues"], third["Évaluations attendues"]) == (1, 2)
    assert third["Évaluation 2 : note (/20)"] is None
    assert third["Proposition / décision"] == "Liste d'attente"


def test_csv_is_for_french_excel_and_parses_back(client, staff, committee):
    campaign, _apps = committee
    client.force_login(staff)
    response = client.get(_url(campaign, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = response.content.decode("utf-8-sig")
    header, columns, rows = _split(list(csv.reader(io.StringIO(text), delimiter=";")))
    assert header["Enveloppe (€)"] == "100000,00"
    assert header["Total proposé (€)"] == "65000,00"
    by_name = [dict(zip(columns, row, strict=True)) for row in rows]
    assert [r["Acronyme"] for r in by_name] == ["A1", "A2", "A3"]
    assert by_name[0]["Montant proposé (€)"] == "35000,00"
    assert by_name[0]["Moyenne (/20)"] == "13,00"
    assert by_name[0]["Désaccord"] == "oui"
    assert by_name[2]["Montant proposé (€)"] == ""
    assert by_name[2]["Proposition / décision"] == "Liste d'attente"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_no_reviewer_is_named_in_the_file(client, staff, committee, fmt):
    campaign, _apps = committee
    client.force_login(staff)
    page = client.get(reverse("evaluation:committee", args=[campaign.pk])).content.decode()
    assert MARKERS[0] in page  # the markers are really there to leak
    content = client.get(_url(campaign, fmt)).content
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text = " ".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    else:
        text = content.decode("utf-8-sig")
    for marker in MARKERS:
        assert marker not in text
        assert marker.split()[-1] not in text


def test_export_is_audited(client, staff, committee):
    campaign, _apps = committee
    client.force_login(staff)
    client.get(_url(campaign, "csv"))
    entry = AuditEntry.objects.get(action="evaluation.committee.exported")
    assert entry.actor_id == staff.pk
    assert entry.target_id == str(campaign.pk)
    assert entry.data == {"format": "csv", "rows": 3}


def test_staff_only(client, researcher, staff, committee):
    campaign, _apps = committee
    rapporteur = PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR)
    url = _url(campaign, "xlsx")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(researcher)
    assert client.get(url).status_code == 403
    client.force_login(rapporteur.user)
    assert client.get(url).status_code == 403  # as for the committee's other writes
    page = client.get(reverse("evaluation:committee", args=[campaign.pk])).content.decode()
    assert url not in page
    assert not AuditEntry.objects.filter(action="evaluation.committee.exported").exists()

    client.force_login(staff)
    assert url in client.get(reverse("evaluation:committee", args=[campaign.pk])).content.decode()
    assert client.get(_url(campaign, "pdf")).status_code == 404
    assert (
        client.get(reverse("evaluation:committee_export", args=[campaign.pk + 999, "csv"])).status_code == 404
    )
    assert client.post(url).status_code == 405


def _queries(client, campaign):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(campaign, "xlsx")).status_code == 200
    return len(captured)


def test_fixed_number_of_queries(client, staff, django_assert_max_num_queries):
    small, small_apps = build_committee(["10000"] * 3)
    large, large_apps = build_committee(["10000"] * 10)
    for campaign, apps in ((small, small_apps), (large, large_apps)):
        for application in apps:
            add_review(campaign, application, "14", role=ReviewerRole.RAPPORTEUR)
            add_review(campaign, application, "12")
    client.force_login(staff)
    baseline = _queries(client, small)
    assert _queries(client, large) == baseline
    with django_assert_max_num_queries(baseline):
        client.get(_url(large, "csv"))

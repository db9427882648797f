"""Exports of a call's applications for the secretariat: one row per application (lead,
institution, teams, amount per budget category, status, automatic check, decision), as XLSX
(openpyxl) or CSV for French Excel (UTF-8 with BOM, ``;`` separator, decimal comma)."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from calls.models import PARIS, ApplicationTeam, BudgetLine, Call, EligibilityDecision
from calls.selectors_followup import FollowupFilters, followup_applications

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]  # str, int, Decimal, or None
    money_columns: set[int]


def _automatic_label(value: str) -> str:
    return {
        "passed": _("Respectée"),
        "failed": _("Non respectée"),
        "not_applicable": _("Sans objet"),
    }.get(value, _("Non vérifiée"))


def application_table(call: Call, filters: FollowupFilters | None = None) -> Table:
    """The rows of the export (fixed number of queries, whatever the number of applications)."""
    categories = list(call.budget_categories.all())
    applications = followup_applications(call, filters).prefetch_related(
        Prefetch(
            "teams",
            queryset=ApplicationTeam.objects.select_related("team", "institution", "contact_person"),
            to_attr="all_teams",
        ),
        Prefetch("budget_lines", queryset=BudgetLine.objects.order_by(), to_attr="all_lines"),
        Prefetch(
            "eligibility_decisions",
            queryset=EligibilityDecision.objects.order_by("-decided_at", "-pk"),
            to_attr="decisions",
        ),
    )
    headers = [
        _("N° d'accusé de réception"),
        _("Identifiant"),
        _("Étape"),
        _("Acronyme"),
        _("Titre"),
        _("Statut"),
        _("Porteur·se"),
        _("E-mail du porteur·se"),
        _("Institution coordinatrice"),
        _("Équipe coordinatrice"),
        _("Équipes partenaires"),
        _("Nombre d'équipes"),
        *[_("Budget : %(category)s (€)") % {"category": c.label} for c in categories],
        _("Total demandé (€)"),
        _("Déposé le (heure de Paris)"),
        _("Vérification automatique"),
        _("Décision : recevable"),
        _("Décision : éligible"),
        _("Motif de la décision"),
    ]
    first_money = 12
    money = set(range(first_money, first_money + len(categories) + 1))
    rows = []
    application: Any  # annotated with amount_requested, automatic and the prefetched lists
    for application in applications:
        teams = application.all_teams
        lead = next((t for t in teams if t.role == ApplicationTeam.Role.LEAD), None)
        partners = [t for t in teams if t.role == ApplicationTeam.Role.PARTNER]
        per_category = {c.pk: Decimal(0) for c in categories}
        for line in application.all_lines:
            per_category[line.category_id] = per_category.get(line.category_id, Decimal(0)) + line.amount
        decision = application.decisions[0] if application.decisions else None
        lead_person = application.lead_person
        rows.append(
            [
                application.receipt_number,
                application.pk,
                application.get_stage_display(),
                application.acronym,
                application.title,
                application.get_status_display(),
                lead_person.full_name if lead_person else str(application.applicant or ""),
                (lead_person.email if lead_person else "") or getattr(application.applicant, "email", ""),
                lead.institution_label if lead else "",
                lead.team_label if lead else "",
                " ; ".join(
                    f"{t.team_label} ({t.institution_label})" if t.institution_label else t.team_label
                    for t in partners
                ),
                len(teams),
                *[per_category[c.pk] for c in categories],
                application.amount_requested,
                application.submitted_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")
                if application.submitted_at
                else "",
                _automatic_label(application.automatic),
                (_("oui") if decision.admissible else _("non")) if decision else "",
                (_("oui") if decision.eligible else _("non")) if decision else "",
                decision.reason if decision else "",
            ]
        )
    return Table(headers=[str(h) for h in headers], rows=rows, money_columns=money)


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Candidatures"))[:31]
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # typed text starting with "=" is text, never a formula
                cell.data_type = "s"
    for index in table.money_columns:
        for cell in sheet[get_column_letter(index + 1)][1:]:
            cell.number_format = "#,##0.00"
    for index, header in enumerate(table.headers, start=1):
        width = max([len(header)] + [len(str(r[index - 1] or "")) for r in table.rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    text = str(value)
    # A cell starting with = + - @ would be run as a formula by spreadsheet software.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")

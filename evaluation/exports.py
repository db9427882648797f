"""Export of the committee's ranking for the steering committee's meeting (COPIL) and the archive:
one row per application as on the committee page (rank, acronym, title, lead, amounts, scores,
means, spread, disagreement, reviews rendered, the proposal or decision), under a header block
(call, stage, envelope, total proposed, date of export in Paris time). XLSX (openpyxl) or CSV
for French Excel (UTF-8 with BOM, ``;`` separator, decimal comma), as ``calls.exports`` does.

Anonymity: the file travels (e-mail, printed for the meeting, archived), so reviewers are never
named in it. Each submitted review appears only as its weighted score and recommendation in
columns "Évaluation 1", "Évaluation 2"…; no name, e-mail, institution or comment of a reviewer
is written. Only the secretariat exports, and every export is audited
(``record_committee_export``).
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from calls.exports import CSV_TYPE, XLSX_TYPE, Table, csv_value
from calls.models import PARIS
from evaluation.models import ApplicationOutcome, Campaign
from evaluation.selectors.committee import Board, committee_board

CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}
Proposal = ApplicationOutcome.Proposal
RETAINED = (Proposal.FUND, Proposal.INVITE)


@dataclass
class CommitteeExport:
    """The header block (label, value) and the table of one campaign's ranking."""

    campaign: Campaign
    exported_at: datetime
    header: list[tuple[str, Any]]
    table: Table
    score_columns: set[int]

    def filename(self, file_format: str) -> str:
        call = self.campaign.call
        name = slugify(call.title)[:40].strip("-") or f"appel-{call.pk}"
        date = self.exported_at.astimezone(PARIS).strftime("%Y-%m-%d")
        return f"comite-{name}-{self.campaign.stage}-{date}.{file_format}"


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def _retained_total(board: Board) -> tuple[int, Decimal]:
    """The applications the saved proposal (or, once decided, the decision) retains, and their
    amount (proposed, else requested)."""
    retained = [row for row in board.rows if row.outcome and (row.outcome.final or row.proposal) in RETAINED]
    return len(retained), sum((row.amount for row in retained), Decimal(0))


def _header(board: Board, exported_at: datetime) -> list[tuple[str, Any]]:
    campaign = board.campaign
    call = campaign.call
    count, total = _retained_total(board)
    saved = any(row.proposal for row in board.rows)
    header: list[tuple[str, Any]] = [
        (_("Appel"), f"{call.title} ({call.year})"),
        (_("Programme"), call.programme.name),
        (_("Étape évaluée"), campaign.get_stage_display()),
        (_("Statut de la campagne"), campaign.get_status_display()),
        (_("Enveloppe (€)"), call.budget_envelope),
        (_("Total proposé (€)"), total if saved else None),
        (_("Dossiers retenus"), count if saved else _("proposition pas encore enregistrée")),
        (_("Exporté le (heure de Paris)"), exported_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")),
    ]
    if board.proposal_stale:
        header.append(
            (_("Attention"), _("la proposition enregistrée ne correspond plus au classement actuel"))
        )
    return header


def committee_export(campaign: Campaign, user: Any, *, now: datetime | None = None) -> CommitteeExport:
    """The export of ``campaign``'s ranking as ``user`` (the secretariat) sees it on the committee
    page. Fixed number of queries whatever the number of applications."""
    exported_at = now or timezone.now()
    board = committee_board(campaign, user)
    columns = max((row.submitted for row in board.rows), default=0)
    headers = [
        _("Rang"),
        _("Acronyme"),
        _("Titre"),
        _("Porteur·se"),
        _("Institution coordinatrice"),
        _("Montant demandé (€)"),
        _("Montant proposé (€)"),
        _("Note du comité (/20)"),
        _("Moyenne (/20)"),
        _("Moyenne des rapporteur·es (/20)"),
        _("Moyenne des expert·es extérieur·es (/20)"),
        _("Écart"),
        _("Désaccord"),
        _("Évaluations rendues"),
        _("Évaluations attendues"),
    ]
    for number in range(1, columns + 1):
        headers += [
            _("Évaluation %(n)s : note (/20)") % {"n": number},
            _("Évaluation %(n)s : avis") % {"n": number},
        ]
    headers.append(_("Proposition / décision"))
    rows = []
    for row in board.rows:
        application = row.application
        reviews: list[Any] = []
        # Never ``review.reviewer``, and not in the page's order (by name): by role, then review.
        for review in sorted(row.reviews, key=lambda r: (r.role, r.review_id)):
            reviews += [review.weighted_score, review.recommendation_label]
        reviews += [None, ""] * (columns - row.submitted)
        rows.append(
            [
                row.rank,
                application.acronym,
                application.title,
                application.lead_person.full_name if application.lead_person else "",
                row.lead_institution,
                row.requested_amount,
                row.proposed_amount,
                row.committee_score,
                row.mean,
                row.mean_rapporteurs,
                row.mean_externals,
                row.spread,
                _yes_no(row.disagreement),
                row.submitted,
                row.expected,
                *reviews,
                row.proposal_label,
            ]
        )
    scores = {7, 8, 9, 10, 11} | {15 + 2 * i for i in range(columns)}
    return CommitteeExport(
        campaign=campaign,
        exported_at=exported_at,
        header=_header(board, exported_at),
        table=Table(headers=[str(h) for h in headers], rows=rows, money_columns={5, 6}),
        score_columns=scores,
    )


def _xlsx_value(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def to_xlsx(export: CommitteeExport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    table = export.table
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Classement du comité"))[:31]
    for label, value in export.header:
        sheet.append([label, _xlsx_value(value)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if isinstance(value, Decimal):
            sheet.cell(row=sheet.max_row, column=2).number_format = "#,##0.00"
    sheet.append([])
    first = sheet.max_row + 1
    sheet.append(table.headers)
    for cell in sheet[first]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([_xlsx_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # typed text starting with "=" is text, never a formula
                cell.data_type = "s"
    last = sheet.max_row
    for index, number_format in [(i, "#,##0.00") for i in table.money_columns] + [
        (i, "0.00") for i in export.score_columns
    ]:
        for (cell,) in sheet.iter_rows(min_row=first + 1, max_row=last, min_col=index + 1, max_col=index + 1):
            cell.number_format = number_format
    for index, header in enumerate(table.headers, start=1):
        width = max([len(header)] + [len(str(r[index - 1] or "")) for r in table.rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))
    sheet.freeze_panes = sheet.cell(row=first + 1, column=3)
    sheet.auto_filter.ref = f"A{first}:{get_column_letter(len(table.headers))}{max(first, last)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(export: CommitteeExport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for label, value in export.header:
        writer.writerow([label, csv_value(value)])
    writer.writerow([])
    writer.writerow(export.table.headers)
    for row in export.table.rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def render(export: CommitteeExport, file_format: str) -> bytes:
    """The file's bytes in ``file_format`` (a key of ``CONTENT_TYPES``)."""
    return to_xlsx(export) if file_format == "xlsx" else to_csv(export)

"""The submission receipt: a one-page PDF (reportlab) that proves what was submitted and when.

It holds the platform's name, the call, the application's title, the applicant, the submission
timestamp in Europe/Paris to the second, the receipt number and the SHA-256 of each attached
file (so that anyone can check later that the stored files are the ones submitted). The PDF is
rebuilt from the stored submission whenever it is needed and is the same each time (reportlab's
invariant mode: no creation date or random id in the file).
"""

import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from calls.eligibility.base import format_euros
from calls.models import PARIS, Application
from calls.uploads import size_text

PLATFORM_NAME = "Cancéropôle Île-de-France"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_fonts: tuple[str, str] | None = None


def _font_names() -> tuple[str, str]:
    """DejaVu Sans (every accent and script) when installed, Helvetica otherwise."""
    global _fonts
    if _fonts is None:
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            _fonts = ("DejaVuSans", "DejaVuSans-Bold")
        else:
            _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


def _p(text: object) -> str:
    return escape(str(text))


def receipt_filename(application: Application) -> str:
    return f"accuse-de-reception-{application.receipt_number or application.pk}.pdf"


def build_receipt_pdf(application: Application, *, language: str = "fr") -> bytes:
    """The receipt of a submitted application, as PDF bytes."""
    if application.submitted_at is None:
        raise ValueError("Only a submitted application has a receipt.")
    regular, bold = _font_names()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName=regular, fontSize=10, leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=4)
    head = ParagraphStyle("head", parent=body, fontName=bold, fontSize=11, leading=15, spaceBefore=8)
    mono = ParagraphStyle("mono", parent=small, fontName="Courier", fontSize=8, leading=10)
    call = application.call
    attachments = list(
        application.attachments.select_related("requirement").order_by("requirement__order", "pk")
    )
    teams = list(application.teams.select_related("team", "institution").order_by("order", "pk"))
    total = sum((line.amount for line in application.budget_lines.all()), start=Decimal(0))
    with translation.override(language):
        submitted = application.submitted_at.astimezone(PARIS)
        story: list = [
            Paragraph(
                _p(PLATFORM_NAME), ParagraphStyle("brand", parent=body, textColor=colors.HexColor("#7a1f4b"))
            ),
            Paragraph(_p(_("Accusé de réception de candidature")), title),
            Spacer(1, 2 * mm),
        ]
        applicant = application.applicant
        rows = [
            (_("Numéro d'accusé de réception"), application.receipt_number),
            (_("Appel"), f"{call.title} ({call.programme.name})"),
            (_("Étape"), application.get_stage_display()),
            (_("Projet"), application.display_title),
            (_("Déposant·e"), f"{applicant} <{applicant.email}>" if applicant else "—"),
            (_("Porteur·se"), str(application.lead_person) if application.lead_person else "—"),
            (
                _("Déposée le"),
                _("%(date)s à %(time)s (heure de Paris, UTC%(offset)s)")
                % {
                    "date": submitted.strftime("%d/%m/%Y"),
                    "time": submitted.strftime("%H:%M:%S"),
                    "offset": submitted.strftime("%z")[:3] + ":" + submitted.strftime("%z")[3:],
                },
            ),
            (_("Montant demandé"), format_euros(total)),
        ]
        if teams:
            rows.append(
                (_("Équipes"), "; ".join(f"{t.team_label} ({t.institution_label or '—'})" for t in teams))
            )
        table = Table(
            [[Paragraph(_p(label), small), Paragraph(_p(value), body)] for label, value in rows],
            colWidths=[45 * mm, 125 * mm],
        )
        table.setStyle(
            TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]
            )
        )
        story += [table, Paragraph(_p(_("Pièces jointes et empreintes SHA-256")), head)]
        if attachments:
            files: list[list[Any]] = []
            spans: list[tuple[Any, ...]] = []
            for attachment in attachments:
                label = attachment.requirement.label if attachment.requirement else _("Autre document")
                files.append(
                    [
                        Paragraph(_p(label), small),
                        Paragraph(_p(f"{attachment.original_name} ({size_text(attachment.size)})"), small),
                    ]
                )
                files.append([Paragraph(f"SHA-256 : {attachment.sha256}", mono), ""])
                spans.append(("SPAN", (0, len(files) - 1), (1, len(files) - 1)))
                spans.append(("LINEBELOW", (0, len(files) - 1), (1, len(files) - 1), 0.25, colors.lightgrey))
            file_table = Table(files, colWidths=[60 * mm, 110 * mm])
            file_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]))
            story.append(file_table)
        else:
            story.append(Paragraph(_p(_("Aucune pièce jointe.")), body))
        story += [
            Spacer(1, 6 * mm),
            Paragraph(
                _p(
                    _(
                        "Ce document atteste que la candidature ci-dessus a été reçue complète à la date indiquée. "
                        "Les empreintes SHA-256 permettent de vérifier que les fichiers conservés sont ceux déposés. "
                        "La recevabilité et l'éligibilité seront confirmées par le secrétariat."
                    )
                ),
                small,
            ),
        ]
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=_("Accusé de réception %(number)s") % {"number": application.receipt_number},
            author=PLATFORM_NAME,
            invariant=1,
        )
        document.build(story)
    return buffer.getvalue()

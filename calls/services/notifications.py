"""E-mails about applications that are not part of one transition (the submission receipt)."""

from calls.models import Application
from calls.receipts import build_receipt_pdf, receipt_filename
from core.services import EmailMessage, record_audit, send_templated_email


def email_submission_receipt(*, application: Application) -> None:
    """Send the receipt e-mail with the PDF attached to the applicant and the lead person."""
    recipients: list[str] = []
    for address in (
        getattr(application.applicant, "email", ""),
        getattr(application.lead_person, "email", ""),
    ):
        if address and address.lower() not in recipients:
            recipients.append(address.lower())
    if not recipients:
        return
    language = getattr(application.applicant, "language", "fr") or "fr"
    pdf = build_receipt_pdf(application, language=language)
    send_templated_email(
        EmailMessage(
            template="calls/emails/receipt",
            to=recipients,
            context={
                "application": application,
                "call_title": application.call.title,
                "submitted_at": application.submitted_at,
                "attachments": list(application.attachments.select_related("requirement")),
            },
            language=language,
            attachments=((receipt_filename(application), pdf, "application/pdf"),),
        )
    )
    record_audit(
        action="calls.application.receipt_sent",
        actor=None,
        target=application,
        data={"recipients": len(recipients)},
    )

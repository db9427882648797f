"""Background work of calls. Tasks take ids, re-read the rows and call a service or send mail."""

from django_tasks import task

from calls.models import Application


@task()
def send_submission_receipt(application_id: int) -> None:
    """E-mail the receipt (PDF attached) to the applicant and the lead, once the submission is
    committed. Re-read: nothing is sent for an application that is not submitted."""
    from calls.services.notifications import email_submission_receipt

    application = (
        Application.objects.select_related("call__programme", "applicant", "lead_person")
        .filter(pk=application_id, submitted_at__isnull=False)
        .first()
    )
    if application is not None:
        email_submission_receipt(application=application)

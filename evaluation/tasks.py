"""Background work of the evaluation domain. Tasks take ids (or nothing), re-read the rows and
call a service."""

from django_tasks import task


@task()
def send_review_reminders() -> int:
    """Remind reviewers of their pending reviews and invitees of their unanswered invitation when
    a campaign's review deadline is near (at most once a day per person). A cron runs
    ``manage.py send_review_reminders`` every morning; this task is the same work for a worker
    (``send_review_reminders.enqueue()``)."""
    from evaluation.services.campaigns import send_review_reminders as send

    return send()

import pytest
from django.test import RequestFactory

from core.middleware import RequestContextMiddleware
from core.models import AuditEntry
from core.services import EmailMessage, record_audit, send_templated_email


@pytest.mark.django_db
def test_record_audit_keeps_who_what_which_and_where(researcher):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")

    def view(req):  # type: ignore[no-untyped-def]
        record_audit(
            action="directory.person.updated",
            actor=researcher,
            target=researcher.person,
            data={"fields": ["bio"]},
        )
        from django.http import HttpResponse

        return HttpResponse()

    RequestContextMiddleware(view)(request)
    entry = AuditEntry.objects.get()
    assert entry.action == "directory.person.updated"
    assert entry.actor == researcher
    assert entry.target_type == "directory.person" and entry.target_id == str(researcher.person.pk)
    assert entry.ip_address == "192.0.2.7" and len(entry.request_id) == 32
    assert entry.data == {"fields": ["bio"]}


@pytest.mark.django_db(transaction=True)
def test_mail_is_sent_after_commit_only(mailoutbox):
    from django.db import transaction

    message = EmailMessage(
        template="accounts/emails/invitation",
        to=["x@example.org"],
        context={"link": "http://t/", "inviter": "Secrétariat", "invitation": None},
    )
    try:
        with transaction.atomic():
            send_templated_email(message)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert mailoutbox == []
    with transaction.atomic():
        send_templated_email(message)
    assert len(mailoutbox) == 1
    assert "Cancéropôle" in mailoutbox[0].subject


@pytest.mark.django_db
def test_mail_language_follows_the_message(mailoutbox, django_capture_on_commit_callbacks):
    message = EmailMessage(
        template="accounts/emails/invitation",
        to=["x@example.org"],
        context={"link": "http://t/", "inviter": "S", "invitation": None},
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(message)
    assert "Invitation" in mailoutbox[0].subject

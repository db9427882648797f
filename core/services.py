"""Shared services: the audit log and the one e-mail funnel.

Every domain service records what it did with ``record_audit`` and sends mail with
``send_templated_email``; nothing else in the code base writes audit rows or calls Django's mail
functions directly.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from core.middleware import current_request_context
from core.models import AuditEntry

logger = logging.getLogger("canceropole.core")


def record_audit(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the audit log.

    ``action`` is a dotted code such as ``directory.person.updated``. The IP address and request
    id come from the current request when there is one (see ``RequestContextMiddleware``).
    """
    context = current_request_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        action=action,
        actor=actor if is_user else None,
        actor_label=(str(actor) if is_user else "")[:255],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        ip_address=context.ip_address if context else None,
        request_id=context.request_id if context else "",
        data=data or {},
    )


@dataclass(frozen=True)
class EmailMessage:
    """A message to send: the template names the files under ``<app>/templates/<app>/emails/``.

    ``template="accounts/emails/invitation"`` renders ``invitation.subject.txt``,
    ``invitation.txt`` and, when present, ``invitation.html``, in ``language``.
    """

    template: str
    to: list[str]
    context: dict[str, Any] = field(default_factory=dict)
    language: str = settings.LANGUAGE_CODE
    reply_to: list[str] = field(default_factory=list)
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (file name, content, MIME type)


def render_email(message: EmailMessage) -> EmailMultiAlternatives:
    with translation.override(message.language):
        subject = render_to_string(f"{message.template}.subject.txt", message.context).strip()
        body = render_to_string(f"{message.template}.txt", message.context)
        try:
            html = render_to_string(f"{message.template}.html", message.context)
        except Exception:  # noqa: BLE001 - the HTML part is optional
            html = None
    mail = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        reply_to=message.reply_to or None,
    )
    if html:
        mail.attach_alternative(html, "text/html")
    for name, content, mimetype in message.attachments:
        mail.attach(name, content, mimetype)
    return mail


def send_templated_email(message: EmailMessage) -> None:
    """Send ``message`` once the current transaction commits (never for a rolled-back change)."""

    def _send() -> None:
        render_email(message).send()
        logger.info("e-mail %s sent to %d recipient(s)", message.template, len(message.to))

    transaction.on_commit(_send)

"""The secretariat's actions on a whole call: a message to its applicants, the selection of letters
of intent for the full stage, the record of exports and downloads of applicants' material."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import Application, Attachment, Call, Stage
from calls.permissions import is_secretariat
from calls.selectors_followup import Audience, mailing_recipients
from calls.services.submission import decline_full_stage, invite_to_full_stage
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.services import EmailMessage, record_audit, send_templated_email

SUBJECT_MAX = 200
BODY_MAX = 10_000


def _require_secretariat(actor: Any) -> None:
    if not is_secretariat(actor):
        raise NotAllowed(_("Réservé au secrétariat."))


@transaction.atomic
def email_applicants(*, call: Call, audience: str, subject: str, body: str, actor: Any) -> int:
    """Send ``subject`` and ``body`` to the applicants of ``call`` in ``audience`` (see
    ``calls.selectors_followup.Audience``): one e-mail per address, never a shared list of
    recipients, framed in each recipient's language. Returns the number of e-mails sent."""
    _require_secretariat(actor)
    if audience not in Audience.STATUSES:
        raise InvalidInput(_("Choisissez les destinataires."), field="audience")
    subject, body = " ".join(subject.split()), body.strip()
    if not subject:
        raise InvalidInput(_("L'objet est obligatoire."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise InvalidInput(_("L'objet dépasse %(max)s caractères.") % {"max": SUBJECT_MAX}, field="subject")
    if not body:
        raise InvalidInput(_("Le message est obligatoire."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(_("Le message dépasse %(max)s caractères.") % {"max": BODY_MAX}, field="body")
    recipients = mailing_recipients(call, audience)
    if not recipients:
        raise InvalidState(_("Aucune candidature ne correspond : aucun message n'a été envoyé."))
    for recipient in recipients:
        send_templated_email(
            EmailMessage(
                template="calls/emails/applicants_message",
                to=[recipient.email],
                context={"call": call, "subject": subject, "body": body, "name": recipient.name},
                language=recipient.language,
                reply_to=[call.contact_email] if call.contact_email else [],
            )
        )
    record_audit(
        action="calls.call.applicants_emailed",
        actor=actor,
        target=call,
        data={"audience": audience, "recipients": len(recipients), "subject": subject},
    )
    return len(recipients)


def _letters_of_intent(call: Call, ids: Iterable[int]) -> list[Application]:
    if not call.is_two_stage:
        raise InvalidState(_("Cet appel n'a qu'une étape : il n'y a pas de lettre d'intention à retenir."))
    wanted = {int(pk) for pk in ids}
    if not wanted:
        raise InvalidInput(_("Cochez au moins une lettre d'intention."), field="applications")
    letters = list(call.applications.filter(pk__in=wanted, stage=Stage.LETTER_OF_INTENT).order_by("pk"))
    if len(letters) != len(wanted):
        raise InvalidInput(
            _("Certaines candidatures cochées ne sont pas des lettres d'intention de cet appel."),
            field="applications",
        )
    return letters


@transaction.atomic
def invite_letters_to_full_stage(
    *, call: Call, application_ids: Iterable[int], actor: Any, base_url: str = ""
) -> list[Application]:
    """Invite the selected letters of intent of ``call`` to the full stage, all or none
    (``invite_to_full_stage`` for each: a draft full proposal copying what they wrote, and an
    e-mail to the applicant). Returns the full-stage drafts."""
    _require_secretariat(actor)
    letters = _letters_of_intent(call, application_ids)
    drafts = [invite_to_full_stage(loi=loi, actor=actor, base_url=base_url) for loi in letters]
    record_audit(
        action="calls.call.letters_invited",
        actor=actor,
        target=call,
        data={"letters": [loi.pk for loi in letters], "drafts": [d.pk for d in drafts]},
    )
    return drafts


@transaction.atomic
def decline_letters(*, call: Call, application_ids: Iterable[int], actor: Any, reason: str = "") -> int:
    """Mark the selected letters of intent of ``call`` as not selected for the full stage, all or
    none. Returns how many were declined."""
    _require_secretariat(actor)
    letters = _letters_of_intent(call, application_ids)
    for loi in letters:
        decline_full_stage(loi=loi, actor=actor, reason=reason)
    return len(letters)


def record_export(*, call: Call, actor: Any, file_format: str, rows: int) -> None:
    """The export of a call's applications (personal data) is logged."""
    record_audit(
        action="calls.applications.exported",
        actor=actor,
        target=call,
        data={"format": file_format, "rows": rows},
    )


def record_attachment_download(*, attachment: Attachment, actor: Any) -> None:
    """Each opening of an applicant's file by the secretariat is logged."""
    record_audit(
        action="calls.attachment.downloaded",
        actor=actor,
        target=attachment.application,
        data={"attachment": attachment.pk, "sha256": attachment.sha256},
    )

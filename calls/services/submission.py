"""Attachments, the eligibility check, submission, withdrawal, the secretariat's decision and the
invitation of letters of intent to the full stage.

Submission (``submit_application``) is atomic and exact:
- the row is locked (``select_for_update``; SQLite's IMMEDIATE transactions serialise writers);
- an application that is already submitted is returned as it is — a double click or a retried
  request (same ``idempotency_key``, or any key) never creates a second submission;
- the deadline is inclusive: accepted when ``now <= deadline``, refused after with the deadline
  in Europe/Paris; ``now`` is the moment the request arrived (the caller may pass it), so that
  waiting for the lock never makes a timely submission late;
- missing required fields and documents are listed and refuse the submission;
- the eligibility results are stored, the receipt number assigned, the application frozen;
- the receipt (PDF attached to an e-mail) is sent after commit by a task.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls import uploads
from calls.eligibility import RuleResult, evaluate, overall
from calls.models import (
    Application,
    ApplicationTeam,
    Attachment,
    BudgetLine,
    DocumentRequirement,
    EligibilityCheck,
    EligibilityDecision,
    Stage,
    StageScope,
)
from calls.selectors import submission_problems
from calls.services.applications import deadline_text, lock_for_edit, page_link
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.services import EmailMessage, record_audit, send_templated_email

DEFAULT_TYPES = ["pdf"]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


# --- attachments ---------------------------------------------------------------------------


def _deleter(name: str) -> Callable[[], None]:
    """A callback deleting a stored file (after commit: a rolled-back change keeps its files)."""
    return lambda: uploads.private_storage().delete(name) if name else None


def upload_attachment(
    *, application: Application, actor: Any, upload: Any, requirement: DocumentRequirement | None = None
) -> Attachment:
    """Check ``upload`` by its real content (see ``calls.uploads``) and attach it. A new file for
    the same requirement replaces the previous one. The bytes are checked and written before the
    row is locked, so that a slow upload never holds the lock."""
    if requirement is not None:
        if requirement.call_id != application.call_id or requirement.stage not in StageScope.covering(
            application.stage
        ):
            raise InvalidInput(
                _("Cette pièce n'est pas demandée pour cette candidature."), field="requirement"
            )
        allowed, max_bytes = list(requirement.allowed_types), requirement.max_size_bytes
    else:
        allowed, max_bytes = DEFAULT_TYPES, DEFAULT_MAX_BYTES
    checked = uploads.check_upload(upload, allowed_types=allowed, max_bytes=max_bytes)
    name = uploads.store(
        upload,
        uploads.storage_name(
            call_id=application.call_id, application_id=application.pk, file_type=checked.file_type
        ),
    )
    try:
        with transaction.atomic():
            locked = lock_for_edit(application, actor)
            replaced = (
                list(locked.attachments.filter(requirement=requirement)) if requirement is not None else []
            )
            for old in replaced:
                old.delete()
                transaction.on_commit(_deleter(old.file.name or ""))
            attachment = Attachment.objects.create(
                application=locked,
                requirement=requirement,
                file=name,
                original_name=checked.original_name,
                size=checked.size,
                content_type=checked.content_type,
                sha256=checked.sha256,
                uploaded_by=actor,
            )
            record_audit(
                action="calls.attachment.uploaded",
                actor=actor,
                target=locked,
                data={
                    "attachment": attachment.pk,
                    "sha256": checked.sha256,
                    "size": checked.size,
                    "replaced": len(replaced),
                },
            )
    except BaseException:
        uploads.private_storage().delete(name)
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor: Any) -> None:
    locked = lock_for_edit(attachment.application, actor)
    name, pk = attachment.file.name or "", attachment.pk
    Attachment.objects.filter(pk=pk, application=locked).delete()
    transaction.on_commit(_deleter(name))
    record_audit(action="calls.attachment.removed", actor=actor, target=locked, data={"attachment": pk})


# --- eligibility ---------------------------------------------------------------------------


def run_eligibility(*, application: Application, at: dt.datetime | None = None) -> list[RuleResult]:
    """The result of each of the call's rules on ``application`` now (live check; writes nothing)."""
    return evaluate(application, at=at)


# --- submission ----------------------------------------------------------------------------


def receipt_number(application: Application) -> str:
    """Unique by construction (call and application ids), so no counter row is contended."""
    stage = "LI" if application.stage == Stage.LETTER_OF_INTENT else "DC"
    return f"CIDF-{application.call.year}-{application.call_id:03d}-{stage}-{application.pk:05d}"


def submit_application(
    *, application: Application, actor: Any, idempotency_key: str, now: dt.datetime | None = None
) -> Application:
    """Submit ``application`` (see the module docstring). Returns the submitted application; a
    repeated call returns the same submission."""
    now = now or timezone.now()
    key = (idempotency_key or "").strip()[:64]
    if not key:
        raise InvalidInput(
            _("Requête de dépôt incomplète : rechargez la page et déposez à nouveau."),
            field="idempotency_key",
        )
    try:
        with transaction.atomic():
            return _submit(application=application, actor=actor, key=key, now=now)
    except IntegrityError:
        # The same key was used for another application: a client bug, never a double submission.
        existing = Application.objects.filter(submission_key=key).first()
        if existing is not None and existing.pk == application.pk:
            return existing
        raise InvalidState(
            _("Cette requête de dépôt a déjà servi : rechargez la page et déposez à nouveau.")
        ) from None


def record_eligibility_checks(*, application: Application, at: dt.datetime) -> list[RuleResult]:
    """Run the call's rules on ``application`` as of ``at`` and keep each result (what the
    secretariat's eligibility decision starts from)."""
    results = evaluate(application, at=at)
    params = dict(application.call.rules.values_list("pk", "params"))
    EligibilityCheck.objects.bulk_create(
        EligibilityCheck(
            application=application,
            rule_id=r.rule_id,
            code=r.code,
            description=r.description[:500],
            params=params.get(r.rule_id or 0, {}),
            outcome=r.outcome,
            message=r.message,
            checked_at=at,
        )
        for r in results
    )
    return results


def _submit(*, application: Application, actor: Any, key: str, now: dt.datetime) -> Application:
    locked = Application.objects.select_for_update().select_related("call__programme").get(pk=application.pk)
    if not (
        locked.applicant_id == getattr(actor, "pk", None)
        or locked.teams.filter(
            contact_user_id=getattr(actor, "pk", None), invitation_status=ApplicationTeam.Invitation.ACCEPTED
        ).exists()
    ):
        raise NotAllowed(_("Vous ne pouvez pas déposer cette candidature."))
    if locked.submitted_at is not None and locked.status != Application.Status.WITHDRAWN:
        return locked  # idempotent: already submitted (double click, retried request, partner)
    if locked.status != Application.Status.DRAFT:
        raise InvalidState(_("Cette candidature a été retirée : elle ne peut plus être déposée."))
    call = locked.call
    deadline = call.deadline_for(locked.stage)
    if deadline is None or call.status != call.Status.PUBLISHED or (call.opens_at and now < call.opens_at):
        raise InvalidState(_("Cet appel n'accepte pas de dépôt en ce moment."))
    if now > deadline:
        raise InvalidState(
            _(
                "Dépôt refusé : la date limite était le %(deadline)s (heure de Paris) et la demande est arrivée le "
                "%(now)s. Contactez le secrétariat si vous pensez qu'il s'agit d'une erreur."
            )
            % {"deadline": deadline_text(deadline), "now": deadline_text(now)}
        )
    problems = submission_problems(locked)
    if problems:
        raise InvalidInput(
            _("La candidature est incomplète : %(problems)s") % {"problems": " ".join(problems)}
        )
    locked.submitted_at = now
    locked.status = Application.Status.SUBMITTED
    locked.submission_key = key
    locked.receipt_number = receipt_number(locked)
    locked.version += 1
    locked.save(
        update_fields=["submitted_at", "status", "submission_key", "receipt_number", "version", "updated_at"]
    )
    results = record_eligibility_checks(application=locked, at=now)
    record_audit(
        action="calls.application.submitted",
        actor=actor,
        target=locked,
        data={"receipt": locked.receipt_number, "eligibility": overall(results), "at": now.isoformat()},
    )
    from calls.tasks import send_submission_receipt

    transaction.on_commit(lambda: send_submission_receipt.enqueue(locked.pk))
    return locked


@transaction.atomic
def withdraw_application(
    *, application: Application, actor: Any, now: dt.datetime | None = None, reason: str = ""
) -> Application:
    """The applicant withdraws a submitted application, before the deadline only."""
    now = now or timezone.now()
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if locked.applicant_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Seul·e le ou la déposant·e peut retirer la candidature."))
    if locked.status != Application.Status.SUBMITTED:
        raise InvalidState(_("Seule une candidature déposée, pas encore examinée, peut être retirée."))
    deadline = locked.call.deadline_for(locked.stage)
    if deadline is not None and now > deadline:
        raise InvalidState(
            _(
                "La date limite (%(deadline)s, heure de Paris) est passée : contactez le secrétariat pour retirer la candidature."
            )
            % {"deadline": deadline_text(deadline)}
        )
    locked.status, locked.withdrawn_at = Application.Status.WITHDRAWN, now
    locked.version += 1
    locked.save(update_fields=["status", "withdrawn_at", "version", "updated_at"])
    record_audit(
        action="calls.application.withdrawn", actor=actor, target=locked, data={"reason": reason[:1000]}
    )
    if locked.applicant and locked.applicant.email:
        send_templated_email(
            EmailMessage(
                template="calls/emails/withdrawn",
                to=[locked.applicant.email],
                context={"application": locked, "call_title": locked.call.title, "withdrawn_at": now},
                language=getattr(locked.applicant, "language", "fr") or "fr",
            )
        )
    return locked


# --- the secretariat's decisions -----------------------------------------------------------

DECIDABLE = (Application.Status.SUBMITTED, Application.Status.ELIGIBLE, Application.Status.INELIGIBLE)


@transaction.atomic
def decide_eligibility(
    *, application: Application, actor: Any, admissible: bool, eligible: bool, reason: str
) -> EligibilityDecision:
    """Record the secretariat's decision (the automatic check only proposes). The reason is
    required; a decision may be revised until the evaluation starts."""
    from calls.permissions import is_secretariat

    if not is_secretariat(actor):
        raise NotAllowed(_("Seul le secrétariat décide de la recevabilité et de l'éligibilité."))
    if not reason.strip():
        raise InvalidInput(_("Indiquez le motif de la décision."), field="reason")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in DECIDABLE:
        raise InvalidState(
            _("Cette candidature n'est pas (ou plus) en attente d'une décision d'éligibilité.")
        )
    automatic = overall(
        [
            RuleResult(c.code, {"passed": True, "failed": False}.get(c.outcome), "")
            for c in locked.eligibility_checks.all()
        ]
    )
    positive = admissible and eligible
    decision = EligibilityDecision.objects.create(
        application=locked,
        admissible=admissible,
        eligible=eligible,
        reason=reason.strip(),
        automatic_outcome=automatic,
        overrides_check=(automatic == "failed" and positive) or (automatic == "passed" and not positive),
        decided_by=actor,
        decided_at=timezone.now(),
    )
    locked.status = Application.Status.ELIGIBLE if positive else Application.Status.INELIGIBLE
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    record_audit(
        action="calls.application.eligibility_decided",
        actor=actor,
        target=locked,
        data={"admissible": admissible, "eligible": eligible, "overrides_check": decision.overrides_check},
    )
    return decision


INVITABLE = (Application.Status.SUBMITTED, Application.Status.ELIGIBLE, Application.Status.UNDER_REVIEW)


@transaction.atomic
def invite_to_full_stage(*, loi: Application, actor: Any, base_url: str = "") -> Application:
    """Invite a letter of intent to the full stage: a new draft at the full stage copying its
    title, answers, teams (with their contacts), budget lines and the files whose document is
    asked at every stage. Idempotent: a second call returns the same draft."""
    from calls.permissions import is_secretariat

    if not is_secretariat(actor):
        raise NotAllowed(_("Seul le secrétariat invite au dossier complet."))
    locked = Application.objects.select_for_update().select_related("call").get(pk=loi.pk)
    existing = Application.objects.filter(parent=locked).first()
    if existing is not None:
        return existing
    if locked.stage != Stage.LETTER_OF_INTENT or locked.status not in INVITABLE:
        raise InvalidState(
            _("Seule une lettre d'intention déposée et retenue peut être invitée au dossier complet.")
        )
    full = Application.objects.create(
        call=locked.call,
        stage=Stage.FULL,
        parent=locked,
        applicant=locked.applicant,
        lead_person=locked.lead_person,
        title=locked.title,
        acronym=locked.acronym,
        answers=dict(locked.answers or {}),
    )
    teams = {}
    for team in locked.teams.all():
        old_pk = team.pk
        team.pk, team.id, team.application, team.invitation_token = None, None, full, None
        team._state.adding = True
        team.save()
        teams[old_pk] = team
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                application=full,
                team=teams.get(line.team_id or 0),
                category_id=line.category_id,
                description=line.description,
                amount=line.amount,
                is_single_item=line.is_single_item,
                order=line.order,
            )
            for line in locked.budget_lines.all()
        ]
    )
    storage = uploads.private_storage()
    for attachment in locked.attachments.select_related("requirement").filter(
        requirement__stage=StageScope.ALL
    ):
        stored = attachment.file.name or ""
        with storage.open(stored, "rb") as source:
            name = storage.save(
                uploads.storage_name(
                    call_id=full.call_id,
                    application_id=full.pk,
                    file_type=uploads.extension_of(stored),
                ),
                ContentFile(source.read()),
            )
        Attachment.objects.create(
            application=full,
            requirement=attachment.requirement,
            file=name,
            original_name=attachment.original_name,
            size=attachment.size,
            content_type=attachment.content_type,
            sha256=attachment.sha256,
            uploaded_by=attachment.uploaded_by,
        )
    locked.status = Application.Status.INVITED_FULL_STAGE
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    record_audit(
        action="calls.application.invited_full_stage", actor=actor, target=locked, data={"full": full.pk}
    )
    if locked.applicant and locked.applicant.email:
        send_templated_email(
            EmailMessage(
                template="calls/emails/invited_full_stage",
                to=[locked.applicant.email],
                context={
                    "application": locked,
                    "call_title": locked.call.title,
                    "deadline": locked.call.full_stage_closes_at,
                    "link": page_link(
                        "calls:application", {"pk": full.pk}, f"/calls/applications/{full.pk}/", base_url
                    ),
                },
                language=getattr(locked.applicant, "language", "fr") or "fr",
            )
        )
    return full


@transaction.atomic
def decline_full_stage(*, loi: Application, actor: Any, reason: str = "") -> Application:
    """The letter of intent is not selected for the full stage."""
    from calls.permissions import is_secretariat

    if not is_secretariat(actor):
        raise NotAllowed(_("Seul le secrétariat statue sur les lettres d'intention."))
    locked = Application.objects.select_for_update().get(pk=loi.pk)
    if locked.stage != Stage.LETTER_OF_INTENT or locked.status not in INVITABLE:
        raise InvalidState(_("Cette lettre d'intention n'est pas en attente de présélection."))
    locked.status = Application.Status.NOT_INVITED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    record_audit(
        action="calls.application.not_invited", actor=actor, target=locked, data={"reason": reason[:1000]}
    )
    return locked

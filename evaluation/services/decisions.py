"""Decisions on a campaign, decision letters to applicants and the publication of the committee.

- ``record_decision``: the body that validates the committee's proposal (steering committee,
  board of the GIP…) fixes the outcome of every application; full proposals become awarded or
  not awarded, letters of intent are handed over to the calls domain (invited to the full stage
  or not); the campaign is then *decided*.
- ``promote_from_waiting_list``: a waiting-list application funded later, when money frees up.
- ``send_decision_letters``: one letter per application, in its language, with the anonymised
  applicant-facing comments of the submitted reviews (``evaluation.selectors.decisions``).
- ``publish_committee``: the names of the committee's rapporteurs made public, when the campaign
  says so.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_secretariat
from calls.models import Application, Stage
from calls.services.followup import decline_letters, invite_letters_to_full_stage
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.services import record_audit, send_templated_email
from evaluation.models import ApplicationOutcome, Campaign, Decision
from evaluation.selectors.decisions import LETTER_LANGUAGES, letter_message, missing_proposals

Proposal = ApplicationOutcome.Proposal


def _require_secretariat(actor: Any) -> None:
    if not is_secretariat(actor):
        raise NotAllowed(_("Réservé au secrétariat."))


def _lock_campaign(campaign: Campaign, expected_version: int | None) -> Campaign:
    locked = Campaign.objects.select_for_update().select_related("call").get(pk=campaign.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("La campagne a été modifiée entre-temps : rechargez la page."))
    return locked


@transaction.atomic
def record_decision(
    *,
    campaign: Campaign,
    body: str,
    decided_on: dt.date,
    reference: str,
    notes: str = "",
    actor: Any,
    expected_version: int | None = None,
    base_url: str = "",
) -> Decision:
    """Record the validation of the committee's proposal by ``body`` and fix every outcome.

    The campaign must be in committee and every evaluated application must have a proposal of
    its stage. Full stage: "fund" → awarded, anything else (waiting list included) → not
    awarded. Letters of intent: the calls domain invites the retained ones to the full stage
    (draft full proposal and e-mail) and marks the others not invited. The campaign becomes
    decided."""
    _require_secretariat(actor)
    body, reference, notes = " ".join(body.split()), " ".join(reference.split()), notes.strip()
    if not body:
        raise InvalidInput(_("Indiquez l'instance qui a validé la proposition."), field="body")
    if not reference:
        raise InvalidInput(
            _("Indiquez la référence de la décision (procès-verbal, délibération)."), field="reference"
        )
    if decided_on is None:
        raise InvalidInput(_("Indiquez la date de la décision."), field="decided_on")
    if decided_on > timezone.localdate():
        raise InvalidInput(_("La date de la décision ne peut pas être dans le futur."), field="decided_on")
    locked = _lock_campaign(campaign, expected_version)
    if locked.status != Campaign.Status.COMMITTEE:
        raise InvalidState(
            _(
                "Une décision ne s'enregistre que pendant la délibération du comité (statut actuel : %(status)s)."
            )
            % {"status": locked.get_status_display()}
        )
    missing = missing_proposals(locked)
    if missing:
        raise InvalidState(
            _("Ces dossiers n'ont pas de proposition du comité : %(list)s.") % {"list": ", ".join(missing)}
        )
    outcomes = list(
        ApplicationOutcome.objects.select_for_update()
        .filter(campaign=locked)
        .select_related("application")
        .order_by("rank", "pk")
    )
    decision = Decision.objects.create(
        campaign=locked, body=body, decided_on=decided_on, reference=reference, notes=notes, recorded_by=actor
    )
    ApplicationOutcome.objects.filter(pk__in=[o.pk for o in outcomes]).update(
        final=F("proposal"), decision=decision, version=F("version") + 1
    )
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.proposal] = counts.get(outcome.proposal, 0) + 1
    by_proposal = {p: [o.application_id for o in outcomes if o.proposal == p] for p in counts}
    if locked.stage == Stage.LETTER_OF_INTENT:
        if by_proposal.get(Proposal.INVITE):
            invite_letters_to_full_stage(
                call=locked.call, application_ids=by_proposal[Proposal.INVITE], actor=actor, base_url=base_url
            )
        if by_proposal.get(Proposal.NOT_INVITED):
            decline_letters(
                call=locked.call,
                application_ids=by_proposal[Proposal.NOT_INVITED],
                actor=actor,
                reason=_("Décision : %(body)s, %(reference)s") % {"body": body, "reference": reference},
            )
    else:
        funded = by_proposal.get(Proposal.FUND, [])
        others = [o.application_id for o in outcomes if o.proposal != Proposal.FUND]
        Application.objects.filter(pk__in=funded).update(
            status=Application.Status.AWARDED, version=F("version") + 1, updated_at=timezone.now()
        )
        Application.objects.filter(pk__in=others).update(
            status=Application.Status.NOT_AWARDED, version=F("version") + 1, updated_at=timezone.now()
        )
    Campaign.objects.filter(pk=locked.pk).update(status=Campaign.Status.DECIDED, version=F("version") + 1)
    record_audit(
        action="evaluation.decision.recorded",
        actor=actor,
        target=locked,
        data={
            "decision": decision.pk,
            "body": body,
            "reference": reference,
            "decided_on": decided_on.isoformat(),
            "counts": counts,
        },
    )
    return decision


@transaction.atomic
def promote_from_waiting_list(
    *, outcome: ApplicationOutcome, decision: Decision, actor: Any, expected_version: int | None = None
) -> ApplicationOutcome:
    """Fund a waiting-list application when money frees up, under ``decision`` (a decision of the
    same campaign). The application becomes awarded; its letter is to be sent again."""
    _require_secretariat(actor)
    locked = (
        ApplicationOutcome.objects.select_for_update()
        .select_related("campaign", "application")
        .get(pk=outcome.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("Ce dossier a été modifié entre-temps : rechargez la page."))
    if decision.campaign_id != locked.campaign_id:
        raise InvalidInput(_("Cette décision ne concerne pas cette campagne."), field="decision")
    if locked.campaign.status != Campaign.Status.DECIDED or locked.final != Proposal.WAITING_LIST:
        raise InvalidState(_("Seul un dossier sur liste d'attente d'une campagne décidée peut être financé."))
    locked.final = Proposal.FUND
    locked.decision = decision
    locked.letter_sent_at = None
    locked.version += 1
    locked.save(update_fields=["final", "decision", "letter_sent_at", "version", "updated_at"])
    Application.objects.filter(pk=locked.application_id).update(
        status=Application.Status.AWARDED, version=F("version") + 1, updated_at=timezone.now()
    )
    record_audit(
        action="evaluation.decision.promoted",
        actor=actor,
        target=locked.application,
        data={"campaign": locked.campaign_id, "decision": decision.pk, "rank": locked.rank},
    )
    return locked


@transaction.atomic
def set_letter_language(
    *, outcome: ApplicationOutcome, language: str, actor: Any, expected_version: int | None = None
) -> ApplicationOutcome:
    """Choose the language (fr/en) of an application's decision letter."""
    _require_secretariat(actor)
    if language not in LETTER_LANGUAGES:
        raise InvalidInput(_("Choisissez le français ou l'anglais."), field="language")
    locked = ApplicationOutcome.objects.select_for_update().get(pk=outcome.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("Ce dossier a été modifié entre-temps : rechargez la page."))
    if locked.letter_language != language:
        locked.letter_language = language
        locked.version += 1
        locked.save(update_fields=["letter_language", "version", "updated_at"])
        record_audit(
            action="evaluation.letter.language_set",
            actor=actor,
            target=locked,
            data={"language": language},
        )
    return locked


@transaction.atomic
def send_decision_letters(
    *, campaign: Campaign, actor: Any, application_ids: list[int] | None = None, force: bool = False
) -> int:
    """Send the decision letter of each decided application of ``campaign`` (only those in
    ``application_ids`` when given) not sent yet — or sent already, when ``force``. One e-mail per
    application, to the applicant's account and the project lead. Returns the number sent."""
    _require_secretariat(actor)
    locked = _lock_campaign(campaign, None)
    if locked.status != Campaign.Status.DECIDED:
        raise InvalidState(_("Les courriers s'envoient une fois la décision enregistrée."))
    outcomes = (
        ApplicationOutcome.objects.filter(campaign=locked)
        .exclude(final="")
        .select_related("application__applicant", "application__lead_person", "application__call", "decision")
        .order_by("rank", "pk")
    )
    if application_ids is not None:
        outcomes = outcomes.filter(application_id__in=application_ids)
    if not force:
        outcomes = outcomes.filter(letter_sent_at__isnull=True)
    sent: list[int] = []
    now = timezone.now()
    for outcome in outcomes:
        message = letter_message(outcome)
        if not message.to:
            continue
        send_templated_email(message)
        sent.append(outcome.pk)
    ApplicationOutcome.objects.filter(pk__in=sent).update(letter_sent_at=now, version=F("version") + 1)
    if sent:
        record_audit(
            action="evaluation.letters.sent",
            actor=actor,
            target=locked,
            data={"count": len(sent), "outcomes": sent, "forced": force},
        )
    return len(sent)


@transaction.atomic
def publish_committee(*, campaign: Campaign, actor: Any) -> Campaign:
    """Make the composition of the committee (the accepted rapporteurs) public, once the campaign
    is decided and when its rules say so."""
    _require_secretariat(actor)
    locked = _lock_campaign(campaign, None)
    if not locked.publish_committee:
        raise InvalidState(
            _("Les règles de cette campagne ne prévoient pas de publier la composition du comité.")
        )
    if locked.status != Campaign.Status.DECIDED:
        raise InvalidState(_("La composition du comité se publie une fois la décision enregistrée."))
    if locked.committee_published_at is not None:
        raise InvalidState(_("La composition du comité est déjà publiée."))
    locked.committee_published_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["committee_published_at", "version", "updated_at"])
    record_audit(action="evaluation.committee.published", actor=actor, target=locked)
    return locked


__all__ = [
    "promote_from_waiting_list",
    "publish_committee",
    "record_decision",
    "send_decision_letters",
    "set_letter_language",
]

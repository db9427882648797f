"""The committee's writes: discussion notes, the ranking (by hand or by score with a tie rule),
the committee's score and amount per application, and the funding proposal within the
envelope (for letters of intent: who is invited to the full stage).

Ranking, amounts and the proposal change only while the campaign is in ``committee``. The
ranking is protected by the campaign's ``version`` (a stale page cannot silently overwrite a
newer order), amounts by the outcome's ``version``. Every write is audited.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.permissions import is_secretariat
from calls.models import Application
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.services import record_audit
from evaluation.models import ApplicationOutcome, Campaign, DiscussionNote
from evaluation.permissions import campaign_applications, committee_membership, user_has_conflict
from evaluation.selectors.committee import (
    DEFAULT_WAITING_LIST,
    PLACES,
    SCORE_SCALE,
    FundingProposal,
    Row,
    plan_funding,
    plan_invitations,
    table_rows,
)

TieRule = Literal["requested_amount", "externals_mean"]
TIE_RULES: dict[str, Any] = {
    "requested_amount": _lazy("le montant demandé le plus faible d'abord"),
    "externals_mean": _lazy("la meilleure moyenne des expert·es extérieur·es d'abord"),
}


def _locked_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("call").get(pk=campaign.pk)


def _require_committee(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.COMMITTEE:
        raise InvalidState(
            _("Le classement et la proposition de financement se font pendant la délibération du comité.")
        )


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleVersion(
            _("Quelqu'un a modifié le classement entre-temps : la page a été rechargée avec sa version.")
        )


def _bump(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(version=F("version") + 1)
    campaign.refresh_from_db(fields=["version"])


def ensure_outcomes(campaign: Campaign) -> dict[int, ApplicationOutcome]:
    """The outcome of every application of the campaign, created when missing with the requested
    amount (the total of the budget) as a snapshot. Returns them by application id."""
    existing = {o.application_id: o for o in ApplicationOutcome.objects.filter(campaign=campaign)}
    missing = [row for row in table_rows(campaign, campaign_applications(campaign)) if row.pk not in existing]
    if missing:
        ApplicationOutcome.objects.bulk_create(
            [
                ApplicationOutcome(
                    campaign=campaign, application=row.application, requested_amount=row.budget_total
                )
                for row in missing
            ]
        )
        existing = {o.application_id: o for o in ApplicationOutcome.objects.filter(campaign=campaign)}
    valid = set(campaign_applications(campaign).values_list("pk", flat=True))
    return {app_id: outcome for app_id, outcome in existing.items() if app_id in valid}


def _write_ranks(outcomes: dict[int, ApplicationOutcome], order: list[int]) -> None:
    changed = []
    for rank, app_id in enumerate(order, start=1):
        outcome = outcomes[app_id]
        if outcome.rank != rank:
            outcome.rank = rank
            outcome.version += 1
            changed.append(outcome)
    ApplicationOutcome.objects.bulk_update(changed, ["rank", "version", "updated_at"])


@transaction.atomic
def rank_applications(
    *, campaign: Campaign, order: list[int], expected_version: int | None, actor: Any
) -> Campaign:
    """Save the committee's order: ``order`` lists every application of the campaign (ids), best
    first; ranks become 1..n. Refused when the campaign changed since ``expected_version``."""
    campaign = _locked_campaign(campaign)
    _require_committee(campaign)
    _check_version(campaign.version, expected_version)
    outcomes = ensure_outcomes(campaign)
    if len(order) != len(set(order)) or set(order) != set(outcomes):
        raise InvalidInput(
            _("Le classement doit contenir chaque dossier de la campagne une fois et une seule."),
            field="order",
        )
    _write_ranks(outcomes, order)
    _bump(campaign)
    record_audit(
        action="evaluation.committee.ranked",
        actor=actor,
        target=campaign,
        data={"order": order, "version": campaign.version},
    )
    return campaign


def move_application(
    *,
    campaign: Campaign,
    application_id: int,
    direction: Literal["up", "down"],
    expected_version: int | None,
    actor: Any,
) -> Campaign:
    """Move one application a place up or down in the current order (keyboard alternative to
    drag and drop); the whole order is then saved with ``rank_applications``."""
    order = [row.pk for row in table_rows(campaign, campaign_applications(campaign))]
    if application_id not in order:
        raise InvalidInput(_("Ce dossier ne fait pas partie de la campagne."), field="order")
    index = order.index(application_id)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return rank_applications(campaign=campaign, order=order, expected_version=expected_version, actor=actor)


@dataclass
class ScoreRanking:
    order: list[int]
    ties: list[list[int]] = field(default_factory=list)  # groups of equal scores, in the new order
    rule: str = ""


def _tie_key(row: Row, ties: str) -> tuple[Any, ...]:
    if ties == "externals_mean":
        externals = row.mean_externals
        secondary: tuple[Any, ...] = (externals is None, -(externals or 0))
    else:
        secondary = (row.requested_amount,)
    submitted = row.application.submitted_at
    return (*secondary, submitted is None, submitted.timestamp() if submitted else 0, row.pk)


@transaction.atomic
def rank_by_score(*, campaign: Campaign, actor: Any, ties: TieRule = "requested_amount") -> ScoreRanking:
    """Rank by score, best first: the committee's score when set, otherwise the mean of the
    reviews' weighted scores (applications without any score last). Equal scores are ordered
    by ``ties`` (the lower requested amount, or the better mean of external reviewers), then by
    the earliest submission, then by id, so the result is always the same."""
    if ties not in TIE_RULES:
        raise InvalidInput(_("Règle de départage inconnue."), field="ties")
    campaign = _locked_campaign(campaign)
    _require_committee(campaign)
    outcomes = ensure_outcomes(campaign)
    rows = [row for row in table_rows(campaign, campaign_applications(campaign)) if row.pk in outcomes]

    def score(row: Row) -> Decimal | None:
        value = row.score
        return None if value is None else Decimal(value).quantize(PLACES)

    rows.sort(key=lambda row: (score(row) is None, -(score(row) or 0), *_tie_key(row, ties)))
    groups: list[list[int]] = []
    for previous, row in zip([None, *rows], rows, strict=False):
        if previous is not None and score(previous) == score(row) and score(row) is not None:
            if groups and groups[-1][-1] == previous.pk:
                groups[-1].append(row.pk)
            else:
                groups.append([previous.pk, row.pk])
    order = [row.pk for row in rows]
    _write_ranks(outcomes, order)
    _bump(campaign)
    record_audit(
        action="evaluation.committee.ranked_by_score",
        actor=actor,
        target=campaign,
        data={"order": order, "ties": ties, "tie_groups": groups, "version": campaign.version},
    )
    return ScoreRanking(order=order, ties=groups, rule=ties)


def outcome_for(*, campaign: Campaign, application: Application) -> ApplicationOutcome:
    """The outcome of ``application`` in ``campaign`` (created with the others when missing)."""
    with transaction.atomic():
        outcomes = ensure_outcomes(campaign)
    outcome = outcomes.get(application.pk)
    if outcome is None:
        raise InvalidInput(_("Ce dossier ne fait pas partie de la campagne."))
    return outcome


@transaction.atomic
def set_outcome(
    *,
    outcome: ApplicationOutcome,
    committee_score: Decimal | None,
    proposed_amount: Decimal | None,
    expected_version: int | None,
    actor: Any,
) -> ApplicationOutcome:
    """Set the committee's score (out of 20) and the amount it proposes (at most the amount
    requested and the call's ceiling per project). Empty values clear them (the score falls
    back to the reviews' mean, the amount to the requested one)."""
    outcome = (
        ApplicationOutcome.objects.select_for_update().select_related("campaign__call").get(pk=outcome.pk)
    )
    _require_committee(outcome.campaign)
    if expected_version is not None and expected_version != outcome.version:
        raise StaleVersion(
            _("Ce dossier a été modifié entre-temps par quelqu'un d'autre : rechargez la ligne.")
        )
    if committee_score is not None and not (0 <= committee_score <= SCORE_SCALE):
        raise InvalidInput(_("La note du comité est comprise entre 0 et 20."), field="committee_score")
    if proposed_amount is not None:
        ceiling = outcome.campaign.call.ceiling_per_project
        if proposed_amount < 0:
            raise InvalidInput(_("Le montant proposé ne peut pas être négatif."), field="proposed_amount")
        if outcome.requested_amount is not None and proposed_amount > outcome.requested_amount:
            raise InvalidInput(
                _("Le montant proposé dépasse le montant demandé (%(amount)s €).")
                % {"amount": f"{outcome.requested_amount:,.0f}".replace(",", "\u202f")},
                field="proposed_amount",
            )
        if ceiling is not None and proposed_amount > ceiling:
            raise InvalidInput(
                _("Le montant proposé dépasse le plafond par projet de l'appel (%(amount)s €).")
                % {"amount": f"{ceiling:,.0f}".replace(",", "\u202f")},
                field="proposed_amount",
            )
    before = {
        "committee_score": str(outcome.committee_score),
        "proposed_amount": str(outcome.proposed_amount),
    }
    outcome.committee_score = committee_score
    outcome.proposed_amount = proposed_amount
    outcome.version += 1
    outcome.save(update_fields=["committee_score", "proposed_amount", "version", "updated_at"])
    record_audit(
        action="evaluation.committee.outcome_set",
        actor=actor,
        target=outcome,
        data={
            "before": before,
            "after": {"committee_score": str(committee_score), "proposed_amount": str(proposed_amount)},
        },
    )
    return outcome


@transaction.atomic
def propose_funding(
    *,
    campaign: Campaign,
    actor: Any,
    waiting_list_size: int = DEFAULT_WAITING_LIST,
    invite_count: int | None = None,
) -> FundingProposal:
    """Write the proposal of every application from the ranking: fund in rank order within the
    call's envelope (amount = proposed, else requested), then a waiting list of
    ``waiting_list_size`` starting with the first that does not fit, the rest not funded. For a
    letter-of-intent campaign: the first ``invite_count`` are invited to the full stage."""
    campaign = _locked_campaign(campaign)
    _require_committee(campaign)
    outcomes = ensure_outcomes(campaign)
    if not outcomes:
        raise InvalidState(_("Aucun dossier à classer dans cette campagne."))
    if any(o.rank is None for o in outcomes.values()):
        raise InvalidState(_("Classez d'abord tous les dossiers (glisser-déposer ou « Classer par note »)."))
    ranked = sorted(outcomes.values(), key=lambda o: (o.rank, o.pk))
    items = [
        (
            o.application_id,
            o.proposed_amount if o.proposed_amount is not None else (o.requested_amount or Decimal(0)),
        )
        for o in ranked
    ]
    if campaign.is_letter_of_intent:
        if invite_count is None or not 0 <= invite_count <= len(items):
            raise InvalidInput(
                _("Indiquez combien de lettres d'intention inviter (entre 0 et %(n)s).") % {"n": len(items)},
                field="invite_count",
            )
        plan = plan_invitations(items, invite_count)
    else:
        envelope = campaign.call.budget_envelope
        if envelope is None:
            raise InvalidState(
                _("L'appel n'a pas d'enveloppe budgétaire : renseignez-la dans le paramétrage de l'appel.")
            )
        if waiting_list_size < 0:
            raise InvalidInput(_("La liste d'attente ne peut pas être négative."), field="waiting_list_size")
        plan = plan_funding(items, envelope, waiting_list_size)
    changed = []
    for outcome in ranked:
        proposal = plan.proposal_of(outcome.application_id)
        if outcome.proposal != proposal:
            outcome.proposal = proposal
            outcome.version += 1
            changed.append(outcome)
    ApplicationOutcome.objects.bulk_update(changed, ["proposal", "version", "updated_at"])
    _bump(campaign)
    record_audit(
        action="evaluation.committee.funding_proposed",
        actor=actor,
        target=campaign,
        data={
            "envelope": str(plan.envelope),
            "total": str(plan.total),
            "remaining": str(plan.remaining),
            "funded": plan.funded,
            "waiting": plan.waiting,
            "not_funded": plan.not_funded,
            "waiting_list_size": waiting_list_size,
            "invite_count": invite_count,
        },
    )
    return plan


@transaction.atomic
def add_discussion_note(
    *, campaign: Campaign, application: Application, text: str, actor: Any
) -> DiscussionNote:
    """A note of the discussion on ``application``: by staff (while reviews are in progress or in
    committee) or by a rapporteur of the campaign without a conflict on it (in committee)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("La note est vide."), field="text")
    if application.pk not in set(campaign_applications(campaign).values_list("pk", flat=True)):
        raise InvalidInput(_("Ce dossier ne fait pas partie de la campagne."))
    if is_secretariat(actor):
        allowed: tuple[str, ...] = (Campaign.Status.REVIEWING, Campaign.Status.COMMITTEE)
    else:
        member = committee_membership(actor, campaign)
        if member is None or user_has_conflict(actor, application):
            raise NotAllowed(_("Seul le comité peut ajouter une note sur ce dossier."))
        allowed = (Campaign.Status.COMMITTEE,)
    if campaign.status not in allowed:
        raise InvalidState(_("Les notes de discussion ne sont plus ouvertes pour cette campagne."))
    note = DiscussionNote.objects.create(campaign=campaign, application=application, author=actor, text=text)
    record_audit(
        action="evaluation.committee.note_added",
        actor=actor,
        target=application,
        data={"campaign": campaign.pk, "note": note.pk},
    )
    return note


def record_committee_export(*, campaign: Campaign, actor: Any, file_format: str, rows: int) -> None:
    """The export of the committee's ranking (scores and proposals of named projects) is logged."""
    record_audit(
        action="evaluation.committee.exported",
        actor=actor,
        target=campaign,
        data={"format": file_format, "rows": rows},
    )

"""Reads for decisions, letters and the public committee pages.

Anonymity of the letters: the applicant-facing comment of each *submitted* review is shown as
"Expert·e 1", "Expert·e 2"… numbered in an order drawn from a hash of the application and the
review (stable from one sending to the next, unrelated to names, roles or the order of
assignment). Nothing about the reviewer is put in the letter's context but the kind of role;
never the confidential comment to the committee.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from calls.models import Application, Stage
from core.services import EmailMessage
from evaluation.models import ApplicationOutcome, Campaign, Decision, PoolMember, Review, ReviewerRole
from evaluation.permissions import campaign_applications

Proposal = ApplicationOutcome.Proposal
LETTER_LANGUAGES = ("fr", "en")
LETTER_TEMPLATE = "evaluation/emails/letter_decision"
FULL_PROPOSALS = (Proposal.FUND, Proposal.WAITING_LIST, Proposal.NOT_FUNDED)
LOI_PROPOSALS = (Proposal.INVITE, Proposal.NOT_INVITED)
# The words for a decided outcome (the model's choices word the committee's proposal).
FINAL_LABELS: dict[str, Any] = {
    Proposal.FUND: _("Financé"),
    Proposal.WAITING_LIST: _("Liste d'attente"),
    Proposal.NOT_FUNDED: _("Non financé"),
    Proposal.INVITE: _("Invité au dossier complet"),
    Proposal.NOT_INVITED: _("Non invité au dossier complet"),
}


def final_label(value: str) -> str:
    return str(FINAL_LABELS.get(value, "")) if value else ""


def stage_proposals(campaign: Campaign) -> tuple[str, ...]:
    """The proposals that make sense at the campaign's stage."""
    return LOI_PROPOSALS if campaign.stage == Stage.LETTER_OF_INTENT else FULL_PROPOSALS


def missing_proposals(campaign: Campaign) -> list[str]:
    """The applications of ``campaign`` without a proposal of its stage (acronym, else title)."""
    valid = stage_proposals(campaign)
    with_proposal = ApplicationOutcome.objects.filter(campaign=campaign, proposal__in=valid).values(
        "application_id"
    )
    missing = campaign_applications(campaign).exclude(pk__in=with_proposal).order_by("acronym", "title", "pk")
    return [str(application) for application in missing]


@dataclass
class ProposalGroup:
    proposal: str
    label: str
    outcomes: list[ApplicationOutcome] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((outcome_amount(o) for o in self.outcomes), Decimal(0))


@dataclass
class DecisionSummary:
    campaign: Campaign
    groups: list[ProposalGroup]
    missing: list[str]
    envelope: Decimal | None
    decisions: list[Decision]

    @property
    def funded_amount(self) -> Decimal:
        return sum((g.amount for g in self.groups if g.proposal == Proposal.FUND), Decimal(0))

    @property
    def remaining(self) -> Decimal | None:
        return None if self.envelope is None else self.envelope - self.funded_amount

    @property
    def total(self) -> int:
        return sum(len(g.outcomes) for g in self.groups)

    @property
    def waiting_list(self) -> list[ApplicationOutcome]:
        return [o for g in self.groups for o in g.outcomes if o.final == Proposal.WAITING_LIST]


def outcome_amount(outcome: ApplicationOutcome) -> Decimal:
    """The amount an outcome stands for: proposed, else requested."""
    return (
        outcome.proposed_amount
        if outcome.proposed_amount is not None
        else (outcome.requested_amount or Decimal(0))
    )


def campaign_outcomes(campaign: Campaign) -> QuerySet[ApplicationOutcome]:
    return (
        ApplicationOutcome.objects.filter(campaign=campaign)
        .select_related("application__lead_person", "decision")
        .order_by("rank", "application__acronym", "pk")
    )


def decision_summary(campaign: Campaign) -> DecisionSummary:
    """The committee's proposal grouped (funded, waiting list, not funded — or invited / not
    invited), with amounts against the envelope; once decided, grouped by the final decision."""
    outcomes = list(campaign_outcomes(campaign))
    decided = campaign.status == Campaign.Status.DECIDED
    groups = [
        ProposalGroup(p, final_label(p) if decided else str(Proposal(p).label))
        for p in stage_proposals(campaign)
    ]
    by_key = {g.proposal: g for g in groups}
    for outcome in outcomes:
        key = outcome.final if decided and outcome.final else outcome.proposal
        group = by_key.get(key)
        if group is not None:
            group.outcomes.append(outcome)
    return DecisionSummary(
        campaign=campaign,
        groups=groups,
        missing=[] if decided else missing_proposals(campaign),
        envelope=campaign.call.budget_envelope if campaign.stage == Stage.FULL else None,
        decisions=list(campaign.decisions.select_related("recorded_by").order_by("-decided_on", "-pk")),
    )


def get_outcome(campaign: Campaign, **lookup: Any) -> ApplicationOutcome:
    outcome = (
        ApplicationOutcome.objects.filter(campaign=campaign, **lookup)
        .select_related(
            "application__applicant",
            "application__lead_person",
            "application__call",
            "decision",
            "campaign__call",
        )
        .first()
    )
    if outcome is None:
        raise Http404
    return outcome


# --- letters ---


@dataclass(frozen=True)
class AnonymousComment:
    number: int
    role: str  # "rapporteur" or "external": only the kind of role, never who
    text: str


def _anonymous_order(application_id: int, review_id: int) -> str:
    return hashlib.sha256(f"letter:{application_id}:{review_id}".encode()).hexdigest()


def applicant_comments(outcome: ApplicationOutcome) -> list[AnonymousComment]:
    """The applicant-facing comments of the submitted reviews of the outcome's application in its
    campaign, anonymised and numbered (see the module docstring)."""
    reviews = list(
        Review.objects.filter(
            status=Review.Status.SUBMITTED,
            assignment__campaign_id=outcome.campaign_id,
            assignment__application_id=outcome.application_id,
        )
        .exclude(comment_to_applicants="")
        .values_list("pk", "assignment__role", "comment_to_applicants")
    )
    reviews.sort(key=lambda r: _anonymous_order(outcome.application_id, r[0]))
    return [
        AnonymousComment(number=i, role=role, text=text.strip())
        for i, (_pk, role, text) in enumerate(reviews, start=1)
    ]


def letter_recipients(application: Application) -> list[str]:
    """The applicant's account and the project lead (once each)."""
    emails: list[str] = []
    for email in (
        application.applicant.email if application.applicant else "",
        application.lead_person.email if application.lead_person else "",
    ):
        if email and email.lower() not in {e.lower() for e in emails}:
            emails.append(email)
    return emails


def letter_context(outcome: ApplicationOutcome) -> dict[str, Any]:
    """What the letter says: the decision, the body, date and reference, the amount when funded,
    the rank when funded or on the waiting list, the anonymised comments."""
    application = outcome.application
    final = outcome.final or outcome.proposal  # before the decision: a preview of the proposal
    funded = final == Proposal.FUND
    lead = application.lead_person
    return {
        "application": application,
        "call": application.call,
        "is_letter_of_intent": application.stage == Stage.LETTER_OF_INTENT,
        "final": final,
        "decision": outcome.decision,
        "amount": outcome_amount(outcome) if funded else None,
        "rank": outcome.rank if final in (Proposal.FUND, Proposal.WAITING_LIST) else None,
        "comments": applicant_comments(outcome),
        "name": lead.full_name if lead else "",
        "contact_email": application.call.contact_email,
    }


@dataclass(frozen=True)
class SentLetter:
    """A decision letter as the applicant's page shows it (the same facts as the e-mail)."""

    outcome: ApplicationOutcome
    final: str
    label: str
    decision: Decision | None
    amount: Decimal | None
    rank: int | None
    comments: list[AnonymousComment]


def sent_letters(application: Application) -> list[SentLetter]:
    """The decisions already written to the applicants of ``application`` (letter sent)."""
    outcomes = (
        ApplicationOutcome.objects.filter(application=application, letter_sent_at__isnull=False)
        .exclude(final="")
        .select_related("decision", "application__call", "application__lead_person")
        .order_by("letter_sent_at")
    )
    letters = []
    for outcome in outcomes:
        context = letter_context(outcome)
        letters.append(
            SentLetter(
                outcome=outcome,
                final=outcome.final,
                label=final_label(outcome.final),
                decision=outcome.decision,
                amount=context["amount"],
                rank=context["rank"],
                comments=context["comments"],
            )
        )
    return letters


def letter_message(outcome: ApplicationOutcome, language: str | None = None) -> EmailMessage:
    """The e-mail of the outcome's decision letter, in its language (or ``language``)."""
    language = language if language in LETTER_LANGUAGES else outcome.letter_language
    call = outcome.application.call
    return EmailMessage(
        template=LETTER_TEMPLATE,
        to=letter_recipients(outcome.application),
        context=letter_context(outcome),
        language=language or "fr",
        reply_to=[call.contact_email] if call.contact_email else [],
    )


# --- public committee ---


def published_campaigns() -> QuerySet[Campaign]:
    """Campaigns whose committee is published, newest first, with their number of members."""
    return (
        Campaign.objects.filter(
            publish_committee=True, committee_published_at__isnull=False, status=Campaign.Status.DECIDED
        )
        .select_related("call__programme")
        .annotate(
            n_members=Count(
                "pool",
                filter=Q(pool__role=ReviewerRole.RAPPORTEUR, pool__status=PoolMember.Status.ACCEPTED),
            )
        )
        .order_by("-call__year", "-committee_published_at", "pk")
    )


def get_published_campaign(pk: int) -> Campaign:
    campaign = published_campaigns().filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@dataclass(frozen=True)
class CommitteeMember:
    name: str
    institution: str


def committee_members(campaign: Campaign) -> list[CommitteeMember]:
    """The committee: the accepted rapporteurs, by name, with their institution — nothing else
    (external reviewers stay anonymous; no e-mail)."""
    members = (
        PoolMember.objects.filter(
            campaign=campaign, role=ReviewerRole.RAPPORTEUR, status=PoolMember.Status.ACCEPTED
        )
        .select_related("institution")
        .order_by("name", "pk")
    )
    return [CommitteeMember(name=m.name, institution=m.institution_label) for m in members]

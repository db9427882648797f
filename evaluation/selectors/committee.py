"""Reads of the committee's work: the ranking table (reviews, means, spread, disagreements,
outcomes), the funding projection with its cut line, and one application's file for discussion.

Everything a committee member sees goes through ``committee_table`` / ``committee_board`` and
``committee_application_file``, which take the applications from
``evaluation.permissions.applications_for_committee`` (a conflicted rapporteur never gets the
application, its reviews or its notes). Fixed number of queries whatever the number of rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.permissions import is_secretariat
from calls.models import Application, ApplicationTeam, BudgetLine
from calls.selectors import budget_summary
from calls.selectors_followup import answered_fields
from core.models import AuditEntry
from evaluation.models import ApplicationOutcome, Assignment, Campaign, DiscussionNote, Review, ReviewerRole
from evaluation.permissions import applications_for_committee, campaign_applications

# A spread of weighted scores (out of 20) at or above this flags a disagreement.
DISAGREEMENT_SPREAD = Decimal(5)
SCORE_SCALE = Decimal(20)
PLACES = Decimal("0.001")
DEFAULT_WAITING_LIST = 3
Proposal = ApplicationOutcome.Proposal


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(PLACES)


@dataclass
class ReviewCell:
    """One submitted review in the table."""

    review_id: int
    role: str
    reviewer: str
    weighted_score: Decimal | None
    recommendation: str
    recommendation_label: str


@dataclass
class Row:
    """One application of the ranking table."""

    application: Application
    lead_institution: str
    budget_total: Decimal
    outcome: ApplicationOutcome | None
    reviews: list[ReviewCell]
    expected: int
    projected: str = ""  # the proposal the current ranking and amounts would give

    @property
    def pk(self) -> int:
        return self.application.pk

    @property
    def submitted(self) -> int:
        return len(self.reviews)

    def _scores(self, role: str | None = None) -> list[Decimal]:
        return [
            r.weighted_score
            for r in self.reviews
            if r.weighted_score is not None and (role is None or r.role == role)
        ]

    @property
    def mean(self) -> Decimal | None:
        return mean(self._scores())

    @property
    def mean_rapporteurs(self) -> Decimal | None:
        return mean(self._scores(ReviewerRole.RAPPORTEUR))

    @property
    def mean_externals(self) -> Decimal | None:
        return mean(self._scores(ReviewerRole.EXTERNAL))

    @property
    def spread(self) -> Decimal | None:
        scores = self._scores()
        return (max(scores) - min(scores)) if len(scores) > 1 else None

    @property
    def contradictory(self) -> bool:
        recommendations = {r.recommendation for r in self.reviews}
        return {Review.Recommendation.FUND, Review.Recommendation.DO_NOT_FUND} <= recommendations

    @property
    def disagreement(self) -> bool:
        spread = self.spread
        return self.contradictory or (spread is not None and spread >= DISAGREEMENT_SPREAD)

    @property
    def rank(self) -> int | None:
        return self.outcome.rank if self.outcome else None

    @property
    def committee_score(self) -> Decimal | None:
        return self.outcome.committee_score if self.outcome else None

    @property
    def score(self) -> Decimal | None:
        """The score used to rank: the committee's if set, else the mean of the reviews."""
        return self.committee_score if self.committee_score is not None else self.mean

    @property
    def requested_amount(self) -> Decimal:
        if self.outcome and self.outcome.requested_amount is not None:
            return self.outcome.requested_amount
        return self.budget_total

    @property
    def proposed_amount(self) -> Decimal | None:
        return self.outcome.proposed_amount if self.outcome else None

    @property
    def amount(self) -> Decimal:
        """The amount counted in the funding proposal: proposed if set, else requested."""
        proposed = self.proposed_amount
        return proposed if proposed is not None else self.requested_amount

    @property
    def proposal(self) -> str:
        return self.outcome.proposal if self.outcome else ""

    @property
    def proposal_label(self) -> str:
        """The proposal's words, or the decision's once the body has validated it."""
        if self.outcome and self.outcome.final:
            from evaluation.selectors.decisions import final_label

            return final_label(self.outcome.final)
        return self.outcome.get_proposal_display() if self.outcome and self.outcome.proposal else ""


def _display_key(row: Row) -> tuple[Any, ...]:
    """Ranked rows by rank; then unranked ones by score (best first), earliest submission."""
    score = row.score
    submitted = row.application.submitted_at
    return (
        row.rank is None,
        row.rank or 0,
        score is None,
        -(score or 0),
        submitted is None,
        submitted.timestamp() if submitted else 0,
        row.pk,
    )


def expected_reviews(campaign: Campaign) -> int:
    return sum(campaign.reviewers_needed(role) for role in campaign.roles)


def table_rows(campaign: Campaign, applications: QuerySet[Application]) -> list[Row]:
    """The rows for ``applications`` (a queryset of the campaign's), in display order. Four
    queries whatever the number of applications."""
    money = DecimalField(max_digits=14, decimal_places=2)
    budget = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    lead = ApplicationTeam.objects.filter(role=ApplicationTeam.Role.LEAD).select_related("institution")
    apps = list(
        applications.select_related("lead_person")
        .annotate(
            budget_total=Coalesce(Subquery(budget, output_field=money), Value(Decimal(0)), output_field=money)
        )
        .prefetch_related(Prefetch("teams", queryset=lead, to_attr="lead_teams"))
        .order_by("pk")
    )
    ids = [a.pk for a in apps]
    outcomes = {
        o.application_id: o
        for o in ApplicationOutcome.objects.filter(campaign=campaign, application_id__in=ids)
    }
    assignments = (
        Assignment.objects.filter(campaign=campaign, application_id__in=ids)
        .exclude(status=Assignment.Status.DECLINED)
        .select_related("member", "review")
        .order_by("role", "member__name", "pk")
    )
    active: dict[int, int] = {}
    reviews: dict[int, list[ReviewCell]] = {}
    for assignment in assignments:
        active[assignment.application_id] = active.get(assignment.application_id, 0) + 1
        review = getattr(assignment, "review", None)
        if review is None or review.status != Review.Status.SUBMITTED:
            continue
        reviews.setdefault(assignment.application_id, []).append(
            ReviewCell(
                review_id=review.pk,
                role=assignment.role,
                reviewer=assignment.member.name,
                weighted_score=review.weighted_score,
                recommendation=review.recommendation,
                recommendation_label=review.get_recommendation_display() if review.recommendation else "",
            )
        )
    needed = expected_reviews(campaign)
    rows = [
        Row(
            application=app,
            lead_institution=app.lead_teams[0].institution_label if app.lead_teams else "",
            budget_total=app.budget_total,
            outcome=outcomes.get(app.pk),
            reviews=reviews.get(app.pk, []),
            expected=max(needed, active.get(app.pk, 0)),
        )
        for app in apps
    ]
    rows.sort(key=_display_key)
    return rows


def committee_table(campaign: Campaign, user: Any) -> list[Row]:
    """The ranking table as ``user`` may see it (a conflicted rapporteur without the
    applications of their conflicts)."""
    return table_rows(campaign, applications_for_committee(user, campaign))


# --- the funding proposal -------------------------------------------------------------------


@dataclass
class FundingProposal:
    """A split of ranked applications (keys) into funded, waiting list and not funded, within the
    envelope; for a letter-of-intent campaign, invited and not invited. ``cut_after`` is the key
    of the last funded (or invited) application: the cut line is drawn after it."""

    envelope: Decimal | None
    funded: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    not_funded: list[int] = field(default_factory=list)
    total: Decimal = Decimal(0)
    invitation: bool = False

    @property
    def remaining(self) -> Decimal | None:
        return None if self.envelope is None else self.envelope - self.total

    @property
    def cut_after(self) -> int | None:
        return self.funded[-1] if self.funded else None

    def proposal_of(self, key: int) -> str:
        if key in self.funded:
            return Proposal.INVITE if self.invitation else Proposal.FUND
        if key in self.waiting:
            return Proposal.WAITING_LIST
        return Proposal.NOT_INVITED if self.invitation else Proposal.NOT_FUNDED


def plan_funding(
    items: Sequence[tuple[int, Decimal]], envelope: Decimal, waiting_list_size: int
) -> FundingProposal:
    """Fund in rank order while the cumulative amount fits in ``envelope``; the first that does
    not fit and the following ones, ``waiting_list_size`` in all, go to the waiting list; the rest
    are not funded. ``items`` are (key, amount) in rank order. Funding stops at the first
    application that does not fit (no skipping ahead to a cheaper one: the order is the
    committee's)."""
    plan = FundingProposal(envelope=envelope)
    index = 0
    for key, amount in items:
        if plan.total + amount > envelope:
            break
        plan.funded.append(key)
        plan.total += amount
        index += 1
    rest = [key for key, _amount in items[index:]]
    plan.waiting = rest[:waiting_list_size]
    plan.not_funded = rest[waiting_list_size:]
    return plan


def plan_invitations(items: Sequence[tuple[int, Decimal]], invite_count: int) -> FundingProposal:
    """Letters of intent: the first ``invite_count`` in rank order are invited to the full stage."""
    plan = FundingProposal(envelope=None, invitation=True)
    plan.funded = [key for key, _amount in items[:invite_count]]
    plan.not_funded = [key for key, _amount in items[invite_count:]]
    plan.total = sum((amount for _key, amount in items[:invite_count]), Decimal(0))
    return plan


@dataclass
class Board:
    """The committee page: the table, the live projection of the funding (the cut line moves
    with ranks and amounts), whether the saved proposal still matches it, the last automatic
    ranking (how ties were resolved)."""

    campaign: Campaign
    rows: list[Row]
    plan: FundingProposal | None
    partial: bool  # some applications are hidden from this user (conflicts): no live figures
    proposal_stale: bool
    last_score_ranking: AuditEntry | None

    @property
    def all_ranked(self) -> bool:
        return bool(self.rows) and all(row.rank is not None for row in self.rows)

    @property
    def requested_total(self) -> Decimal:
        return sum((row.requested_amount for row in self.rows), Decimal(0))

    @property
    def used_percent(self) -> int:
        if not self.plan or not self.plan.envelope:
            return 0
        return min(100, int(self.plan.total * 100 / self.plan.envelope))

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.rows if row.disagreement)


def _projection(campaign: Campaign, rows: list[Row]) -> FundingProposal | None:
    items = [(row.pk, row.amount) for row in rows]
    if campaign.is_letter_of_intent:
        invited = sum(1 for row in rows if row.proposal == Proposal.INVITE)
        return plan_invitations(items, invited) if invited else None
    envelope = campaign.call.budget_envelope
    if envelope is None:
        return None
    waiting = sum(1 for row in rows if row.proposal == Proposal.WAITING_LIST)
    return plan_funding(items, envelope, waiting or DEFAULT_WAITING_LIST)


def committee_board(campaign: Campaign, user: Any) -> Board:
    rows = committee_table(campaign, user)
    partial = not is_secretariat(user) and len(rows) < campaign_applications(campaign).count()
    plan = None if partial else _projection(campaign, rows)
    if plan is not None:
        for row in rows:
            row.projected = plan.proposal_of(row.pk)
    saved = any(row.proposal for row in rows)
    stale = bool(plan and saved and any(row.proposal != row.projected for row in rows))
    last = (
        AuditEntry.objects.filter(
            action="evaluation.committee.ranked_by_score",
            target_type=Campaign._meta.label_lower,
            target_id=str(campaign.pk),
        )
        .order_by("-pk")
        .first()
    )
    return Board(
        campaign=campaign,
        rows=rows,
        plan=plan,
        partial=partial,
        proposal_stale=stale,
        last_score_ranking=last,
    )


# --- one application, for the discussion ------------------------------------------------------


@dataclass
class CriterionScore:
    label: str
    weight: Decimal
    scale_max: int
    score: int | None
    comment: str


@dataclass
class ReviewFile:
    review: Review
    assignment: Assignment
    criteria: list[CriterionScore]


@dataclass
class ApplicationFile:
    application: Application
    row: Row
    reviews: list[ReviewFile]
    notes: list[DiscussionNote]
    teams: list[ApplicationTeam]
    budget: dict[str, Any]
    answers: list[Any]


def committee_notes(campaign: Campaign, application: Application) -> list[DiscussionNote]:
    return list(
        DiscussionNote.objects.filter(campaign=campaign, application=application)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def committee_application_file(campaign: Campaign, application: Application) -> ApplicationFile:
    """Everything the committee reads on one application (the caller has checked that the user
    may see it, with ``get_application_for_committee``)."""
    row = table_rows(campaign, campaign_applications(campaign).filter(pk=application.pk))[0]
    criteria = list(application.call.criteria.all())
    assignments = (
        Assignment.objects.filter(
            campaign=campaign, application=application, review__status=Review.Status.SUBMITTED
        )
        .exclude(status=Assignment.Status.DECLINED)
        .select_related("member__institution", "review")
        .order_by("role", "member__name", "pk")
    )
    files = []
    for assignment in assignments:
        review = assignment.review
        files.append(
            ReviewFile(
                review=review,
                assignment=assignment,
                criteria=[
                    CriterionScore(
                        label=c.label,
                        weight=c.weight,
                        scale_max=c.scale_max,
                        score=(review.scores or {}).get(str(c.pk)),
                        comment=(review.criterion_comments or {}).get(str(c.pk), ""),
                    )
                    for c in criteria
                ],
            )
        )
    teams = list(
        application.teams.select_related("team", "institution", "contact_person").order_by("order", "pk")
    )
    return ApplicationFile(
        application=application,
        row=row,
        reviews=files,
        notes=committee_notes(campaign, application),
        teams=teams,
        budget=budget_summary(application),
        answers=answered_fields(application),
    )

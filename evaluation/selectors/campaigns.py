"""Reads of evaluation campaigns for the secretariat: the list of campaigns with their figures,
the calls (or letter-of-intent stages) that are closed and still wait for a campaign, the default
settings of a new campaign and a campaign's progress (the next step to take and the tabs of a
campaign's pages are in ``campaigns_steps``).

Every function here runs a fixed number of queries, whatever the number of rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise

from calls.models import Application, Call, Stage
from evaluation.models import (
    ApplicationOutcome,
    Assignment,
    Campaign,
    Conflict,
    Decision,
    PoolMember,
    Review,
    ReviewerRole,
)
from evaluation.permissions import EVALUATED_STATES, campaign_applications

# The settings of a campaign (what the secretariat types); copied from the previous campaign of
# the same programme when a new one is created, except the deadline, which is the year's own.
SETTINGS_FIELDS: tuple[str, ...] = (
    "rapporteurs_per_application",
    "externals_per_application",
    "default_min_load",
    "default_max_load",
    "coauthorship_years",
    "research_organisations_conflict",
    "one_per_institution",
    "fair_assignment",
    "reviewers_see_other_reviews",
    "review_deadline",
    "reminder_days",
    "publish_committee",
)
COPIED_FIELDS = tuple(name for name in SETTINGS_FIELDS if name != "review_deadline")
# Settings that shape the assignment: fixed once the reviews are open.
LOCKED_AFTER_SETUP: tuple[str, ...] = (
    "rapporteurs_per_application",
    "externals_per_application",
    "default_min_load",
    "default_max_load",
    "coauthorship_years",
    "research_organisations_conflict",
    "one_per_institution",
    "fair_assignment",
)


def safe_reverse(name: str, kwargs: dict[str, Any] | None = None) -> str | None:
    """The URL of ``name``, or None while the page does not exist (yet)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def campaign_for_staff(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("call__programme"), pk=pk)


# --- defaults of a new campaign ------------------------------------------------------------


def previous_campaign(call: Call, stage: str) -> Campaign | None:
    """The latest campaign of the same programme (another call), the same stage preferred."""
    campaigns = (
        Campaign.objects.filter(call__programme_id=call.programme_id)
        .exclude(call_id=call.pk)
        .select_related("call")
        .order_by("-call__year", "-created_at", "-pk")
    )
    return campaigns.filter(stage=stage).first() or campaigns.first()


def default_settings(call: Call, stage: str) -> tuple[dict[str, Any], Campaign | None]:
    """The settings a new campaign of ``call`` at ``stage`` starts with, and the campaign they
    were copied from (None: the model's defaults). Letters of intent have no external reviewers."""
    source = previous_campaign(call, stage)
    template = source or Campaign()
    values = {name: getattr(template, name) for name in COPIED_FIELDS}
    values["review_deadline"] = None
    if stage == Stage.LETTER_OF_INTENT:
        values["externals_per_application"] = 0
        if not values["rapporteurs_per_application"]:
            values["rapporteurs_per_application"] = Campaign().rapporteurs_per_application
    return values, source


# --- the list ------------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], key: str) -> Coalesce:
    """A correlated ``COUNT(*)`` of ``queryset`` grouped by ``key`` (one sub-select per row, no
    join fan-out between several counts)."""
    counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def campaign_list() -> QuerySet[Campaign]:
    """Every campaign with its call and figures: ``n_applications``, ``n_accepted``,
    ``n_invited``, ``n_assignments`` (proposed or notified), ``n_notified``, ``n_submitted``."""
    applications = Application.objects.filter(
        call_id=OuterRef("call_id"), stage=OuterRef("stage"), status__in=EVALUATED_STATES
    )
    pool = PoolMember.objects.filter(campaign_id=OuterRef("pk"))
    assignments = Assignment.objects.filter(campaign_id=OuterRef("pk"))
    reviews = Review.objects.filter(
        assignment__campaign_id=OuterRef("pk"),
        assignment__status=Assignment.Status.NOTIFIED,
        status=Review.Status.SUBMITTED,
    )
    return (
        Campaign.objects.select_related("call__programme")
        .annotate(
            n_applications=_count(applications, "call_id"),
            n_accepted=_count(pool.filter(status=PoolMember.Status.ACCEPTED), "campaign_id"),
            n_invited=_count(pool.filter(status=PoolMember.Status.INVITED), "campaign_id"),
            n_assignments=_count(assignments.exclude(status=Assignment.Status.DECLINED), "campaign_id"),
            n_notified=_count(assignments.filter(status=Assignment.Status.NOTIFIED), "campaign_id"),
            n_submitted=_count(reviews, "assignment__campaign_id"),
        )
        .order_by("-call__year", "-call__closes_at", "call__pk", "-stage")
    )


@dataclass(frozen=True)
class PendingStage:
    """A call's stage whose submissions are closed and that has no campaign yet."""

    call: Call
    stage: str
    applications: int

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)


def stages_without_campaign(now: Any = None) -> list[PendingStage]:
    """The stages to evaluate that have no campaign: a closed one-stage call; for a two-stage
    call, the letters of intent once their deadline has passed, and the full proposals once the
    call is closed or its full-stage deadline has passed. Archived calls are left out."""
    now = now or timezone.now()
    counted = Q(applications__status__in=EVALUATED_STATES)
    calls = (
        Call.objects.filter(status__in=(Call.Status.PUBLISHED, Call.Status.CLOSED))
        .filter(Q(status=Call.Status.CLOSED) | Q(closes_at__lt=now))
        .select_related("programme")
        .annotate(
            n_loi=Count("applications", filter=counted & Q(applications__stage=Stage.LETTER_OF_INTENT)),
            n_full=Count("applications", filter=counted & Q(applications__stage=Stage.FULL)),
        )
        .order_by("-year", "-closes_at", "pk")
    )
    existing = set(Campaign.objects.values_list("call_id", "stage"))
    pending: list[PendingStage] = []
    for call in calls:
        stages = []
        if call.is_two_stage:
            stages.append((Stage.LETTER_OF_INTENT, call.n_loi))
            full_closed = call.status == Call.Status.CLOSED or (
                call.full_stage_closes_at is not None and call.full_stage_closes_at < now
            )
            if full_closed:
                stages.append((Stage.FULL, call.n_full))
        else:
            stages.append((Stage.FULL, call.n_full))
        for stage, count in stages:
            if (call.pk, stage.value) not in existing:
                pending.append(PendingStage(call=call, stage=stage.value, applications=count))
    return pending


def creatable_calls() -> QuerySet[Call]:
    """Calls a campaign may be created for (published or closed)."""
    return (
        Call.objects.filter(status__in=(Call.Status.PUBLISHED, Call.Status.CLOSED))
        .select_related("programme")
        .order_by("-year", "title_fr")
    )


# --- a campaign's progress -----------------------------------------------------------------


@dataclass
class RoleFigures:
    role: str
    label: Promise | str
    needed_per_application: int
    accepted: int = 0
    invited: int = 0
    declined: int = 0
    capacity: int = 0  # sum of the accepted members' maximum loads
    needed: int = 0  # reviews asked for: applications × reviewers per application

    @property
    def short(self) -> int:
        return max(self.needed - self.capacity, 0)


@dataclass
class Progress:
    """The figures of one campaign, for its hub and the next-step panel."""

    applications: int = 0
    eligible: int = 0  # declared eligible, not yet under review
    criteria: int = 0
    roles: list[RoleFigures] = field(default_factory=list)
    conflicts_active: int = 0
    conflicts_overridden: int = 0
    proposed: int = 0
    notified: int = 0
    declined: int = 0
    needed: int = 0
    submitted: int = 0
    in_progress: int = 0  # drafts and reopened reviews
    outcomes: int = 0
    ranked: int = 0
    proposals: int = 0
    requested: Decimal = Decimal(0)
    proposed_amount: Decimal = Decimal(0)
    decisions: int = 0
    finals: int = 0
    letters_sent: int = 0

    @property
    def accepted(self) -> int:
        return sum(r.accepted for r in self.roles)

    @property
    def invited(self) -> int:
        return sum(r.invited for r in self.roles)

    @property
    def assigned(self) -> int:
        return self.proposed + self.notified

    @property
    def not_submitted(self) -> int:
        return max(self.notified - self.submitted, 0)

    @staticmethod
    def percent(part: int, whole: int) -> int:
        return min(100, round(100 * part / whole)) if whole else 0

    @property
    def assignment_percent(self) -> int:
        return self.percent(self.assigned, self.needed)

    @property
    def review_percent(self) -> int:
        return self.percent(self.submitted, self.notified)

    @property
    def ranking_percent(self) -> int:
        return self.percent(self.ranked, self.outcomes)

    @property
    def letters_percent(self) -> int:
        return self.percent(self.letters_sent, self.outcomes)


def campaign_progress(campaign: Campaign) -> Progress:
    """The campaign's figures in eight queries (one aggregate per table)."""
    progress = Progress()
    apps = campaign_applications(campaign).aggregate(
        total=Count("pk"), eligible=Count("pk", filter=Q(status=Application.Status.ELIGIBLE))
    )
    progress.applications, progress.eligible = apps["total"], apps["eligible"]
    progress.criteria = campaign.call.criteria.count()

    accepted = Q(status=PoolMember.Status.ACCEPTED)
    pool_figures: dict[str, Any] = {}
    for role in ReviewerRole.values:
        in_role = Q(role=role)
        pool_figures[f"{role}_accepted"] = Count("pk", filter=in_role & accepted)
        pool_figures[f"{role}_invited"] = Count("pk", filter=in_role & Q(status=PoolMember.Status.INVITED))
        pool_figures[f"{role}_declined"] = Count("pk", filter=in_role & Q(status=PoolMember.Status.DECLINED))
        pool_figures[f"{role}_capacity"] = Coalesce(Sum("max_load", filter=in_role & accepted), 0)
    pool = PoolMember.objects.filter(campaign=campaign).aggregate(**pool_figures)
    for role, label in ReviewerRole.choices:
        per_application = campaign.reviewers_needed(role)
        if per_application == 0 and not pool[f"{role}_accepted"] and not pool[f"{role}_invited"]:
            continue
        progress.roles.append(
            RoleFigures(
                role=role,
                label=label,
                needed_per_application=per_application,
                accepted=pool[f"{role}_accepted"],
                invited=pool[f"{role}_invited"],
                declined=pool[f"{role}_declined"],
                capacity=pool[f"{role}_capacity"],
                needed=per_application * progress.applications,
            )
        )
    progress.needed = sum(r.needed for r in progress.roles)

    conflicts = Conflict.objects.filter(campaign=campaign).aggregate(
        active=Count("pk", filter=Q(overridden=False)), overridden=Count("pk", filter=Q(overridden=True))
    )
    progress.conflicts_active, progress.conflicts_overridden = conflicts["active"], conflicts["overridden"]

    status = Assignment.Status
    assignments = Assignment.objects.filter(campaign=campaign).aggregate(
        proposed=Count("pk", filter=Q(status=status.PROPOSED)),
        notified=Count("pk", filter=Q(status=status.NOTIFIED)),
        declined=Count("pk", filter=Q(status=status.DECLINED)),
    )
    progress.proposed = assignments["proposed"]
    progress.notified = assignments["notified"]
    progress.declined = assignments["declined"]

    reviews = Review.objects.filter(
        assignment__campaign=campaign, assignment__status=status.NOTIFIED
    ).aggregate(
        submitted=Count("pk", filter=Q(status=Review.Status.SUBMITTED)),
        in_progress=Count("pk", filter=~Q(status=Review.Status.SUBMITTED)),
    )
    progress.submitted, progress.in_progress = reviews["submitted"], reviews["in_progress"]

    outcomes = ApplicationOutcome.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"),
        ranked=Count("pk", filter=Q(rank__isnull=False)),
        proposals=Count("pk", filter=~Q(proposal="")),
        finals=Count("pk", filter=~Q(final="")),
        letters=Count("pk", filter=Q(letter_sent_at__isnull=False)),
        requested=Coalesce(Sum("requested_amount"), Decimal(0)),
        proposed_amount=Coalesce(Sum("proposed_amount"), Decimal(0)),
    )
    progress.outcomes, progress.ranked = outcomes["total"], outcomes["ranked"]
    progress.proposals, progress.finals = outcomes["proposals"], outcomes["finals"]
    progress.letters_sent = outcomes["letters"]
    progress.requested, progress.proposed_amount = outcomes["requested"], outcomes["proposed_amount"]
    progress.decisions = Decision.objects.filter(campaign=campaign).count()
    return progress

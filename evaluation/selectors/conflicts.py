"""Reads about conflicts of interest: the active pairs of a campaign (used by the assignment),
the staff table with its filters and the summary by kind.

Every function runs a fixed number of queries whatever the size of the campaign.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from calls.models import Application
from core.models import AuditEntry
from evaluation.models import Campaign, Conflict, PoolMember
from evaluation.permissions import campaign_applications


def conflict_pairs(campaign: Campaign) -> set[tuple[int, int]]:
    """``(application_id, member_id)`` of every *active* conflict of the campaign (one query).
    A pair is conflicted as soon as one of its conflicts (any kind) is not overridden."""
    return set(
        Conflict.objects.filter(campaign=campaign, overridden=False).values_list(
            "application_id", "member_id"
        )
    )


@dataclass(frozen=True)
class ConflictFilters:
    """The staff table's filters; empty values mean "all"."""

    kind: str = ""
    member: int | None = None
    application: int | None = None
    state: str = ""  # "" | "active" | "overridden"


STATE_ACTIVE = "active"
STATE_OVERRIDDEN = "overridden"


def campaign_conflicts(campaign: Campaign, filters: ConflictFilters | None = None) -> QuerySet[Conflict]:
    """The conflicts of a campaign for the staff table, with what a row shows already joined."""
    filters = filters or ConflictFilters()
    queryset = Conflict.objects.filter(campaign=campaign).select_related(
        "application", "member", "member__institution", "overridden_by"
    )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.member:
        queryset = queryset.filter(member_id=filters.member)
    if filters.application:
        queryset = queryset.filter(application_id=filters.application)
    if filters.state == STATE_ACTIVE:
        queryset = queryset.filter(overridden=False)
    elif filters.state == STATE_OVERRIDDEN:
        queryset = queryset.filter(overridden=True)
    return queryset.order_by(
        "application__acronym", "application__title", "application_id", "member__name", "kind"
    )


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    active: int
    overridden: int

    @property
    def total(self) -> int:
        return self.active + self.overridden


@dataclass(frozen=True)
class ConflictSummary:
    by_kind: list[KindCount]
    active: int
    overridden: int
    pairs: int  # distinct (application, member) pairs with an active conflict
    members: int  # active pool members (invited or accepted)
    applications: int
    last_detection: AuditEntry | None = None  # the last run of the detection

    @property
    def total(self) -> int:
        return self.active + self.overridden


def conflict_summary(campaign: Campaign) -> ConflictSummary:
    """Counts by kind (active / overridden), the number of conflicted pairs, the size of the
    campaign and the last detection run (five queries)."""
    rows = (
        Conflict.objects.filter(campaign=campaign)
        .values("kind")
        .annotate(
            active=Count("pk", filter=Q(overridden=False)), overridden=Count("pk", filter=Q(overridden=True))
        )
    )
    counts: dict[str, dict[str, Any]] = {row["kind"]: dict(row) for row in rows}
    by_kind = [
        KindCount(
            kind=value,
            label=str(label),
            active=counts.get(value, {}).get("active", 0),
            overridden=counts.get(value, {}).get("overridden", 0),
        )
        for value, label in Conflict.Kind.choices
    ]
    return ConflictSummary(
        by_kind=by_kind,
        active=sum(k.active for k in by_kind),
        overridden=sum(k.overridden for k in by_kind),
        pairs=len(conflict_pairs(campaign)),
        members=active_pool(campaign).count(),
        applications=campaign_applications(campaign).count(),
        last_detection=AuditEntry.objects.filter(
            action="evaluation.conflicts.detected",
            target_type=Campaign._meta.label_lower,
            target_id=str(campaign.pk),
        )
        .order_by("-pk")
        .first(),
    )


def active_pool(campaign: Campaign) -> QuerySet[PoolMember]:
    """The pool members conflicts are detected for: invited or accepted."""
    return PoolMember.objects.filter(
        campaign=campaign, status__in=(PoolMember.Status.INVITED, PoolMember.Status.ACCEPTED)
    )


def filter_choices(campaign: Campaign) -> dict[str, list[tuple[Any, str]]]:
    """Choices of the member and application filters: those that have a conflict (two queries)."""
    members = (
        PoolMember.objects.filter(conflicts__campaign=campaign)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )
    applications: QuerySet[Application] = (
        Application.objects.filter(conflicts__campaign=campaign).distinct().order_by("acronym", "title")
    )
    return {
        "member": [(pk, name) for pk, name in members],
        "application": [(a.pk, a.display_title) for a in applications.only("pk", "acronym", "title")],
    }

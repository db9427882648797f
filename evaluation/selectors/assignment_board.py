"""Reads of the staff assignment page: a page of applications with their reviewers by role,
constraints and conflicts; the reviewers' loads; the summary of the last automatic run.

A fixed number of queries whatever the number of applications and reviewers (asserted in the
view tests).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Prefetch, Q, Sum

from calls.models import Application, ApplicationTeam
from core.models import AuditEntry
from evaluation.models import Assignment, Campaign, Conflict, PairConstraint, PoolMember
from evaluation.permissions import active_conflicts, campaign_applications

PAGE_SIZE = 20


@dataclass
class Slot:
    """The reviewers of one role on one application."""

    role: str
    label: str
    needed: int
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return sum(1 for a in self.assignments if a.status != Assignment.Status.DECLINED)

    @property
    def missing(self) -> int:
        return max(self.needed - self.filled, 0)

    @property
    def missing_slots(self) -> range:
        return range(self.missing)


@dataclass
class MemberOption:
    member: PoolMember
    disabled: bool
    why: str  # "conflict" | "forbidden" | "assigned" | ""


@dataclass
class ApplicationRow:
    application: Application
    lead_institution: str
    slots: list[Slot]
    constraints: list[PairConstraint]  # pins and forbids on pairs that are not assigned
    constraint_of: dict[int, str]  # member id -> "pin" | "forbid"
    conflicts: dict[int, list[str]]  # member id -> kinds (labels)
    options: list[MemberOption]

    @property
    def covered(self) -> bool:
        return all(slot.missing == 0 for slot in self.slots)


@dataclass
class LoadRow:
    member: PoolMember
    proposed: int
    notified: int

    @property
    def total(self) -> int:
        return self.proposed + self.notified

    @property
    def state(self) -> str:
        if self.total > self.member.max_load:
            return "over"
        if self.total < self.member.min_load:
            return "under"
        return "ok"


@dataclass
class Board:
    campaign: Campaign
    page: Page
    rows: list[ApplicationRow]
    loads: list[LoadRow]
    last_run: dict[str, Any] | None
    last_run_at: Any
    applications: int
    covered: int
    proposed: int
    notified: int
    declined_open: int
    total_score: float
    max_score: float


def _label(role: str) -> str:
    from evaluation.models import ReviewerRole

    return str(ReviewerRole(role).label)


def last_run(campaign: Campaign) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(
            action="evaluation.assignment.run", target_type="evaluation.campaign", target_id=str(campaign.pk)
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def assignment_board(  # noqa: C901 - one pass per kind of row, kept together for the query count
    campaign: Campaign, *, page_number: Any = 1, application_id: int | None = None
) -> Board:
    """The page's data; ``application_id`` limits the rows to one application (HTMX refresh)."""
    applications = campaign_applications(campaign).order_by("acronym", "pk")
    if application_id is not None:
        applications = applications.filter(pk=application_id)
    applications = applications.prefetch_related(
        Prefetch(
            "teams",
            queryset=ApplicationTeam.objects.filter(role=ApplicationTeam.Role.LEAD).select_related(
                "institution"
            ),
            to_attr="lead_teams",
        )
    )
    page = Paginator(applications, PAGE_SIZE).get_page(page_number)
    page_apps = list(page.object_list)
    app_ids = [a.pk for a in page_apps]
    members = list(
        PoolMember.objects.filter(campaign=campaign)
        .exclude(status__in=[PoolMember.Status.INVITED])
        .select_related("institution")
        .annotate(
            n_proposed=Count("assignments", filter=Q(assignments__status=Assignment.Status.PROPOSED)),
            n_notified=Count("assignments", filter=Q(assignments__status=Assignment.Status.NOTIFIED)),
        )
        .order_by("role", "name", "pk")
    )
    accepted = [m for m in members if m.status == PoolMember.Status.ACCEPTED]
    assignments = list(
        Assignment.objects.filter(campaign=campaign, application_id__in=app_ids)
        .select_related("member__institution", "review")
        .order_by("role", "-score", "member__name")
    )
    constraints = list(
        PairConstraint.objects.filter(campaign=campaign, application_id__in=app_ids).select_related("member")
    )
    conflicts: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds = dict(Conflict.Kind.choices)
    for a, m, kind in (
        active_conflicts()
        .filter(campaign=campaign, application_id__in=app_ids)
        .values_list("application_id", "member_id", "kind")
    ):
        conflicts[a][m].append(str(kinds.get(kind, kind)))
    by_app: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_app[assignment.application_id].append(assignment)
    constraints_by_app: dict[int, list[PairConstraint]] = defaultdict(list)
    for constraint in constraints:
        constraints_by_app[constraint.application_id].append(constraint)
    rows = []
    for application in page_apps:
        mine = by_app[application.pk]
        on_it = {a.member_id for a in mine if a.status != Assignment.Status.DECLINED}
        constraint_of = {c.member_id: c.kind for c in constraints_by_app[application.pk]}
        slots = [
            Slot(role, _label(role), campaign.reviewers_needed(role), [a for a in mine if a.role == role])
            for role in campaign.roles
        ]
        conflicted = conflicts.get(application.pk, {})
        options = []
        for member in accepted:
            if member.pk in conflicted:
                why = "conflict"
            elif constraint_of.get(member.pk) == PairConstraint.Kind.FORBID:
                why = "forbidden"
            elif member.pk in on_it:
                why = "assigned"
            else:
                why = ""
            options.append(MemberOption(member, bool(why), why))
        leads = getattr(application, "lead_teams", [])
        lead = leads[0] if leads else None
        rows.append(
            ApplicationRow(
                application=application,
                lead_institution=lead.institution_label if lead else "",
                slots=slots,
                constraints=[c for c in constraints_by_app[application.pk] if c.member_id not in on_it],
                constraint_of=constraint_of,
                conflicts={m: k for m, k in conflicted.items()},
                options=options,
            )
        )
    counts: Counter[str] = Counter()
    per_app_role: Counter[tuple[int, str]] = Counter()
    totals = Assignment.objects.filter(campaign=campaign, application__in=campaign_applications(campaign))
    for a, role, status, n in (
        totals.order_by().values_list("application_id", "role", "status").annotate(n=Count("pk"))
    ):
        counts[status] += n
        if status != Assignment.Status.DECLINED:
            per_app_role[(a, role)] += n
    n_apps = page.paginator.count
    covered_apps = {a for (a, _r) in per_app_role}
    covered = sum(
        1
        for a in covered_apps
        if all(per_app_role[(a, role)] >= campaign.reviewers_needed(role) for role in campaign.roles)
    )
    aggregates = totals.exclude(status=Assignment.Status.DECLINED).aggregate(
        total=Sum("score"), top=Max("score")
    )
    declined_open = sum(
        1
        for a in assignments
        if a.status == Assignment.Status.DECLINED and not (a.explanation or {}).get("replaced_by")
    )
    run = last_run(campaign)
    return Board(
        campaign=campaign,
        page=page,
        rows=rows,
        loads=[LoadRow(m, m.n_proposed, m.n_notified) for m in members],
        last_run=run.data if run else None,
        last_run_at=run.created_at if run else None,
        applications=n_apps,
        covered=covered,
        proposed=counts[Assignment.Status.PROPOSED],
        notified=counts[Assignment.Status.NOTIFIED],
        declined_open=declined_open,
        total_score=float(aggregates["total"] or 0.0),
        max_score=float(aggregates["top"] or 0.0),
    )

"""Reads for the reviewers' pages and the secretariat's follow-up of reviews. Each read uses a
fixed number of queries, whatever the number of rows."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Application, ApplicationTeam, Attachment, EvaluationCriterion
from calls.selectors import budget_summary
from calls.selectors_followup import answered_fields
from evaluation.models import Assignment, Campaign, PoolMember, Review, ReviewerRole
from evaluation.permissions import (
    accepted_memberships,
    active_conflicts,
    assignments_for_reviewer,
    campaign_applications,
)


def criteria_of(campaign: Campaign) -> list[EvaluationCriterion]:
    """The call's evaluation criteria, in the form's order. One query."""
    return list(EvaluationCriterion.objects.filter(call_id=campaign.call_id).order_by("order", "pk"))


# --- "Mes évaluations" -----------------------------------------------------------------------


@dataclass
class CampaignAssignments:
    campaign: Campaign
    roles: list[str] = field(default_factory=list)  # role labels of the user in this campaign
    assignments: list[Assignment] = field(default_factory=list)
    submitted: int = 0

    @property
    def deadline(self) -> dt.datetime | None:
        return self.campaign.review_deadline

    @property
    def is_late(self) -> bool:
        return bool(
            self.deadline and self.deadline < timezone.now() and self.submitted < len(self.assignments)
        )


@dataclass
class ReviewerDashboard:
    campaigns: list[CampaignAssignments]
    invitations: list[PoolMember]


def review_status(assignment: Assignment) -> str:
    """The state of the assignment's review: "todo" (not opened), or the ``Review.Status``."""
    review = getattr(assignment, "review", None)
    return review.status if review is not None else "todo"


def reviewer_dashboard(user: Any) -> ReviewerDashboard:
    """The campaigns ``user`` reviews in (accepted membership, campaign past its set-up), each
    with its notified, conflict-free assignments, and the invitations they have not answered.
    Three queries."""
    memberships = list(
        accepted_memberships(user)
        .exclude(campaign__status=Campaign.Status.SETUP)
        .select_related("campaign__call")
        .order_by("-campaign__review_deadline", "campaign__pk", "role")
    )
    groups: dict[int, CampaignAssignments] = {}
    for member in memberships:
        group = groups.setdefault(member.campaign_id, CampaignAssignments(campaign=member.campaign))
        group.roles.append(member.get_role_display())
    assignments = (
        assignments_for_reviewer(user)
        .select_related("application", "review", "campaign__call")
        .order_by("campaign_id", "application__acronym", "application__title", "pk")
    )
    for assignment in assignments:
        group = groups.setdefault(assignment.campaign_id, CampaignAssignments(campaign=assignment.campaign))
        assignment.review_state = review_status(assignment)  # type: ignore[attr-defined]
        group.assignments.append(assignment)
        if assignment.review_state == Review.Status.SUBMITTED:  # type: ignore[attr-defined]
            group.submitted += 1
    invitations = list(
        PoolMember.objects.filter(status=PoolMember.Status.INVITED, invitation_token__isnull=False)
        .filter(Q(user_id=user.pk) | Q(email__iexact=user.email))
        .exclude(campaign__status=Campaign.Status.DECIDED)
        .select_related("campaign__call")
        .order_by("invited_at", "pk")
    )
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            g.campaign.status != Campaign.Status.REVIEWING,
            g.deadline is None,
            g.deadline or timezone.now(),
        ),
    )
    return ReviewerDashboard(campaigns=ordered, invitations=invitations)


# --- the review page -------------------------------------------------------------------------


@dataclass
class ApplicationForReview:
    application: Application
    teams: list[ApplicationTeam]
    answers: list[tuple[str, list[Any]]]
    budget: dict[str, Any]
    attachments: list[Attachment]


def application_for_review(assignment: Assignment) -> ApplicationForReview:
    """What a reviewer reads of the application: teams with institutions, answers by section,
    budget totals by category, the attached files. Five queries."""
    application = (
        Application.objects.select_related("call", "lead_person")
        .prefetch_related(
            Prefetch(
                "teams",
                queryset=ApplicationTeam.objects.exclude(
                    invitation_status=ApplicationTeam.Invitation.DECLINED
                )
                .select_related("team__unit", "institution", "contact_person")
                .order_by("order", "pk"),
            ),
            Prefetch("attachments", queryset=Attachment.objects.select_related("requirement")),
        )
        .get(pk=assignment.application_id)
    )
    return ApplicationForReview(
        application=application,
        teams=list(application.teams.all()),
        answers=answered_fields(application),
        budget=budget_summary(application),
        attachments=list(application.attachments.all()),
    )


def attachment_for_review(assignment: Assignment, attachment_pk: int) -> Attachment | None:
    return Attachment.objects.filter(application_id=assignment.application_id, pk=attachment_pk).first()


@dataclass
class CriterionRow:
    criterion: EvaluationCriterion
    score: int | None
    comment: str


def criterion_rows(review: Review, criteria: list[EvaluationCriterion]) -> list[CriterionRow]:
    return [
        CriterionRow(
            criterion=c,
            score=review.scores.get(str(c.pk)),
            comment=review.criterion_comments.get(str(c.pk), ""),
        )
        for c in criteria
    ]


@dataclass
class OtherReview:
    label: str  # "Évaluateur·rice 2": the rank of the assignment on the application, never a name
    role: str
    review: Review
    rows: list[CriterionRow]


def _application_assignments(campaign: Campaign, application_id: int) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        campaign=campaign, application_id=application_id, status=Assignment.Status.NOTIFIED
    ).order_by("pk")


def reviewer_number(assignment: Assignment) -> int:
    """The anonymous number of ``assignment`` among the reviewers of its application."""
    ids = list(
        _application_assignments(assignment.campaign, assignment.application_id).values_list("pk", flat=True)
    )
    return ids.index(assignment.pk) + 1 if assignment.pk in ids else 0


def other_reviews(assignment: Assignment, criteria: list[EvaluationCriterion]) -> list[OtherReview]:
    """The submitted reviews of the same application by the other reviewers of the campaign,
    anonymised as "Évaluateur·rice N" (N fixed by the order of assignment). Reviews by a member now
    in conflict with the application are left out. Two queries."""
    conflicted = active_conflicts().filter(application_id=assignment.application_id).values("member_id")
    rows = []
    numbered = _application_assignments(assignment.campaign, assignment.application_id).select_related(
        "review"
    )
    for number, other in enumerate(numbered, start=1):
        review = getattr(other, "review", None)
        if other.pk == assignment.pk or review is None or review.status != Review.Status.SUBMITTED:
            continue
        rows.append((other, number, review))
    excluded = set(conflicted.values_list("member_id", flat=True))
    return [
        OtherReview(
            label=_("Évaluateur·rice %(n)s") % {"n": number},
            role=other.get_role_display(),
            review=review,
            rows=criterion_rows(review, criteria),
        )
        for other, number, review in rows
        if other.member_id not in excluded
    ]


# --- the secretariat's follow-up -------------------------------------------------------------


@dataclass
class RoleProgress:
    role: str
    label: str
    expected: int
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(1 for a in self.assignments if getattr(a, "review_state", "") == Review.Status.SUBMITTED)

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.submitted >= self.expected


@dataclass
class ApplicationProgress:
    application: Application
    roles: list[RoleProgress]
    late: int = 0

    @property
    def submitted(self) -> int:
        return sum(r.submitted for r in self.roles)

    @property
    def expected(self) -> int:
        return sum(r.expected for r in self.roles)


@dataclass
class ReviewerProgress:
    member: PoolMember
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    late: int = 0


@dataclass
class CampaignReviews:
    campaign: Campaign
    applications: list[ApplicationProgress]
    reviewers: list[ReviewerProgress]
    deadline_passed: bool
    submitted: int
    assigned: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def campaign_reviews(campaign: Campaign, *, now: dt.datetime | None = None) -> CampaignReviews:
    """Reviews expected, written and submitted, per application and role and per reviewer; a
    review still missing after the deadline is late. Two queries."""
    now = now or timezone.now()
    deadline_passed = bool(campaign.review_deadline and campaign.review_deadline < now)
    applications = list(campaign_applications(campaign).order_by("acronym", "title", "pk"))
    labels = dict(ReviewerRole.choices)
    progress = {
        a.pk: ApplicationProgress(
            application=a,
            roles=[
                RoleProgress(role=r, label=str(labels[r]), expected=campaign.reviewers_needed(r))
                for r in campaign.roles
            ],
        )
        for a in applications
    }
    reviewers: dict[int, ReviewerProgress] = {}
    assignments = (
        Assignment.objects.filter(campaign=campaign, status=Assignment.Status.NOTIFIED)
        .select_related("member", "review")
        .order_by("application_id", "role", "pk")
    )
    submitted = assigned = 0
    for assignment in assignments:
        state = review_status(assignment)
        assignment.review_state = state  # type: ignore[attr-defined]
        is_late = deadline_passed and state != Review.Status.SUBMITTED
        assignment.is_late = is_late  # type: ignore[attr-defined]
        row = progress.get(assignment.application_id)
        if row is not None:
            for role in row.roles:
                if role.role == assignment.role:
                    role.assignments.append(assignment)
            row.late += int(is_late)
        reviewer = reviewers.setdefault(assignment.member_id, ReviewerProgress(member=assignment.member))
        reviewer.assigned += 1
        reviewer.submitted += int(state == Review.Status.SUBMITTED)
        reviewer.drafts += int(state in (Review.Status.DRAFT, Review.Status.REOPENED))
        reviewer.late += int(is_late)
        assigned += 1
        submitted += int(state == Review.Status.SUBMITTED)
    return CampaignReviews(
        campaign=campaign,
        applications=list(progress.values()),
        reviewers=sorted(reviewers.values(), key=lambda r: (-r.late, r.member.name.lower())),
        deadline_passed=deadline_passed,
        submitted=submitted,
        assigned=assigned,
    )


def review_for_staff(pk: int) -> Review | None:
    return (
        Review.objects.select_related(
            "assignment__member", "assignment__application", "assignment__campaign__call", "reopened_by"
        )
        .filter(pk=pk)
        .first()
    )


__all__ = [
    "ApplicationForReview",
    "CampaignReviews",
    "application_for_review",
    "attachment_for_review",
    "campaign_reviews",
    "criteria_of",
    "criterion_rows",
    "other_reviews",
    "review_for_staff",
    "reviewer_dashboard",
    "reviewer_number",
]

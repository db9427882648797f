"""Who may see what in an evaluation campaign. Confidentiality rules, one place:

- The secretariat manages campaigns and sees everything (every access to a review is audited by
  the views that show it).
- A reviewer is a *pool member* whose invitation was accepted and whose account is ``user``.
  They see an application only through an assignment of theirs that is not declined, and never
  when an active conflict exists between them and that application, nor when they are its
  applicant or one of its team contacts, whatever the detection said (404 for all else).
- Other reviews of an application: the committee (accepted rapporteurs of the campaign) and, when
  the campaign allows it, a reviewer who has submitted their own review of that application;
  never a conflicted person.
- The committee's pages (ranking, discussion) are for staff and accepted rapporteurs; conflicted
  applications are left out of a rapporteur's view entirely.
- Applicants never see reviewers' identities: they receive anonymised applicant-facing comments
  in the letters only.

Views fetch protected objects through the ``get_*`` helpers below, which answer 404 for missing
and forbidden alike.
"""

from typing import Any

import rules
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts.permissions import is_secretariat
from calls.models import Application, ApplicationTeam
from evaluation.models import Assignment, Campaign, Conflict, PoolMember, ReviewerRole

rules.add_perm("evaluation.manage", is_secretariat)

# Application states that take part in an evaluation (declared eligible, then under review and
# decided).
EVALUATED_STATES = (
    Application.Status.ELIGIBLE,
    Application.Status.UNDER_REVIEW,
    Application.Status.INVITED_FULL_STAGE,
    Application.Status.NOT_INVITED,
    Application.Status.AWARDED,
    Application.Status.NOT_AWARDED,
)


def campaign_applications(campaign: Campaign) -> QuerySet[Application]:
    """The applications a campaign evaluates: those of its call and stage declared eligible."""
    return Application.objects.filter(
        call_id=campaign.call_id, stage=campaign.stage, status__in=EVALUATED_STATES
    )


def accepted_memberships(user: Any) -> QuerySet[PoolMember]:
    if user is None or not user.is_authenticated:
        return PoolMember.objects.none()
    return PoolMember.objects.filter(user_id=user.pk, status=PoolMember.Status.ACCEPTED)


def active_conflicts() -> QuerySet[Conflict]:
    return Conflict.objects.filter(overridden=False)


def has_conflict(member: PoolMember, application: Application) -> bool:
    return active_conflicts().filter(member=member, application=application).exists()


def user_has_conflict(user: Any, application: Application) -> bool:
    """Whether ``user`` has an active conflict with ``application`` in any campaign."""
    if user is None or not user.is_authenticated:
        return False
    return active_conflicts().filter(member__user_id=user.pk, application=application).exists()


def _takes_part(user: Any, application_ref: str) -> Exists:
    """Whether ``user`` is a team contact of the application ``application_ref`` points to (with
    ``applicant`` checked by the callers): whatever the detection found or an override said, a
    person never reviews or discusses a project they are part of."""
    return Exists(
        ApplicationTeam.objects.filter(application_id=OuterRef(application_ref), contact_user_id=user.pk)
    )


def assignments_for_reviewer(user: Any) -> QuerySet[Assignment]:
    """The assignments ``user`` works on: accepted membership, notified, no active conflict,
    not on a project they take part in."""
    if user is None or not user.is_authenticated:
        return Assignment.objects.none()
    conflicted = active_conflicts().filter(
        member_id=OuterRef("member_id"), application_id=OuterRef("application_id")
    )
    return (
        Assignment.objects.filter(
            member__user_id=user.pk,
            member__status=PoolMember.Status.ACCEPTED,
            status=Assignment.Status.NOTIFIED,
        )
        .exclude(campaign__status=Campaign.Status.SETUP)
        .exclude(Exists(conflicted))
        .exclude(application__applicant_id=user.pk)
        .exclude(_takes_part(user, "application_id"))
    )


def get_assignment_for_reviewer(user: Any, pk: int) -> Assignment:
    assignment = (
        assignments_for_reviewer(user)
        .select_related("campaign__call", "application__call", "member")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def committee_membership(user: Any, campaign: Campaign) -> PoolMember | None:
    return accepted_memberships(user).filter(campaign=campaign, role=ReviewerRole.RAPPORTEUR).first()


def campaigns_for_committee(user: Any) -> QuerySet[Campaign]:
    """Campaigns whose committee pages ``user`` may open (staff: all)."""
    if is_secretariat(user):
        return Campaign.objects.all()
    ids = accepted_memberships(user).filter(role=ReviewerRole.RAPPORTEUR).values("campaign_id")
    return Campaign.objects.filter(pk__in=ids).exclude(status=Campaign.Status.SETUP)


def get_campaign_for_committee(user: Any, pk: int) -> Campaign:
    campaign = campaigns_for_committee(user).select_related("call__programme").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def applications_for_committee(user: Any, campaign: Campaign) -> QuerySet[Application]:
    """The campaign's applications that ``user`` may discuss: staff all; a rapporteur all but
    those they are in conflict with."""
    applications = campaign_applications(campaign)
    if is_secretariat(user):
        return applications
    conflicted = active_conflicts().filter(
        campaign=campaign, member__user_id=user.pk, application_id=OuterRef("pk")
    )
    return (
        applications.exclude(Exists(conflicted))
        .exclude(applicant_id=user.pk)
        .exclude(_takes_part(user, "pk"))
    )


def get_application_for_committee(user: Any, campaign: Campaign, pk: int) -> Application:
    application = applications_for_committee(user, campaign).select_related("call").filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def may_see_other_reviews(user: Any, assignment: Assignment) -> bool:
    """A reviewer sees the other reviews of an application only when the campaign allows it and
    their own review is submitted (conflicts are excluded by ``assignments_for_reviewer``)."""
    review = getattr(assignment, "review", None)
    return bool(
        assignment.campaign.reviewers_see_other_reviews
        and review is not None
        and review.status == review.Status.SUBMITTED
    )

"""Reads of the reviewer pool: the staff table by role, people to invite, invitations by token."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from directory.models import Person
from directory.selectors import PersonFilters, search_people
from evaluation.models import Assignment, Campaign, PoolMember, Review, ReviewerRole

SUGGESTIONS_SHOWN = 12
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class RoleGroup:
    role: str
    label: str
    needed_per_application: int
    members: list[PoolMember] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for m in self.members if m.status == PoolMember.Status.ACCEPTED)

    @property
    def capacity(self) -> int:
        """Reviews the accepted members may take at most."""
        return sum(m.max_load for m in self.members if m.status == PoolMember.Status.ACCEPTED)


def pool_members(campaign: Campaign) -> QuerySet[PoolMember]:
    """Every member of the pool with what the staff table shows, in a fixed number of queries."""
    return (
        PoolMember.objects.filter(campaign=campaign)
        .select_related("institution", "person", "replaces", "invited_by")
        .annotate(
            assigned=Count(
                "assignments", filter=~Q(assignments__status=Assignment.Status.DECLINED), distinct=True
            ),
            reviewed=Count(
                "assignments",
                filter=Q(assignments__review__status=Review.Status.SUBMITTED),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch(
                "replacements",
                queryset=PoolMember.objects.exclude(status=PoolMember.Status.REMOVED).order_by("pk"),
                to_attr="active_replacements",
            )
        )
        .order_by("role", "name", "pk")
    )


def pool_by_role(campaign: Campaign, *, show_removed: bool = False) -> list[RoleGroup]:
    """The pool grouped by the roles the campaign asks for (and any other role present)."""
    roles = list(campaign.roles)
    members = list(pool_members(campaign))
    roles += [r for r in ReviewerRole.values if r not in roles and any(m.role == r for m in members)]
    groups = {
        role: RoleGroup(
            role=role,
            label=str(ReviewerRole(role).label),
            needed_per_application=campaign.reviewers_needed(role),
        )
        for role in roles
    }
    for member in members:
        if member.status == PoolMember.Status.REMOVED and not show_removed:
            continue
        groups[member.role].members.append(member)
    return list(groups.values())


def pool_figures(campaign: Campaign) -> dict[str, int]:
    counts = dict(
        PoolMember.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in PoolMember.Status.values}


def get_member(campaign: Campaign, member_pk: int) -> PoolMember:
    member = pool_members(campaign).filter(pk=member_pk).select_related("campaign__call").first()
    if member is None:
        raise Http404
    return member


def get_invitation(token: str) -> PoolMember:
    """The pool member an invitation link belongs to (404 for an unknown token)."""
    member = (
        PoolMember.objects.select_related("campaign__call__programme", "institution")
        .filter(invitation_token=token)
        .first()
        if token
        else None
    )
    if member is None:
        raise Http404
    return member


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def people_to_invite(campaign: Campaign, q: str, viewer: Any) -> list[Person]:
    """Directory people matching ``q`` (as staff see the directory), each annotated with
    ``in_pool`` (already a member of this campaign's pool, not removed)."""
    if len(q.strip()) < 2:
        return []
    in_pool = PoolMember.objects.filter(campaign=campaign, person_id=OuterRef("pk")).exclude(
        status=PoolMember.Status.REMOVED
    )
    people = (
        search_people(PersonFilters(q=q), viewer=viewer)
        .select_related("user")
        .annotate(in_pool=Exists(in_pool))
    )
    return list(people[:SUGGESTIONS_SHOWN])


def parse_suggestion(text: str) -> dict[str, str]:
    """Split a decliner's free-text suggestion ("Dr Jeanne Martin, jeanne@inst.fr") into a name
    and an e-mail address to prefill the replacement form."""
    text = (text or "").strip()
    match = EMAIL.search(text)
    email = match.group(0) if match else ""
    name = text.replace(email, " ") if email else text.splitlines()[0] if text else ""
    name = re.sub(r"[<>(),;:\[\]]", " ", name)
    return {"email": email.lower(), "name": " ".join(name.split())[:200]}

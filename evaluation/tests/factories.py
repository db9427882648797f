"""Factories for the evaluation domain."""

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from calls.models import Application, Call, Stage
from calls.tests.factories import ApplicationFactory, CallFactory
from directory.tests.factories import PersonFactory
from evaluation.models import Assignment, Campaign, Conflict, PoolMember, Review, ReviewerRole


class CampaignFactory(factory.django.DjangoModelFactory):
    """The evaluation of a closed one-stage call, reviews in progress."""

    class Meta:
        model = Campaign

    call = factory.SubFactory(CallFactory, status=Call.Status.CLOSED)
    stage = Stage.FULL
    status = Campaign.Status.REVIEWING
    rapporteurs_per_application = 1
    externals_per_application = 1


class PoolMemberFactory(factory.django.DjangoModelFactory):
    """An accepted reviewer with an account and a directory record."""

    class Meta:
        model = PoolMember

    campaign = factory.SubFactory(CampaignFactory)
    role = ReviewerRole.EXTERNAL
    user = factory.SubFactory(UserFactory)
    person = factory.LazyAttribute(
        lambda o: PersonFactory(user=o.user, email=o.user.email) if o.user else None
    )
    name = factory.LazyAttribute(lambda o: o.person.full_name if o.person else "Expert·e extérieur·e")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "expert@example.org")
    status = PoolMember.Status.ACCEPTED
    min_load = 0
    max_load = 6
    invited_at = factory.LazyFunction(timezone.now)
    responded_at = factory.LazyFunction(timezone.now)


class EvaluatedApplicationFactory(ApplicationFactory):
    """A submitted application declared eligible, on a closed call."""

    call = factory.SubFactory(CallFactory, status=Call.Status.CLOSED)
    status = Application.Status.UNDER_REVIEW
    submitted_at = factory.LazyFunction(timezone.now)
    receipt_number = factory.Sequence(lambda n: f"CPIDF-2027-{n:05d}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A notified assignment on an eligible application of the member's campaign."""

    class Meta:
        model = Assignment

    member = factory.SubFactory(PoolMemberFactory)
    campaign = factory.LazyAttribute(lambda o: o.member.campaign)
    application = factory.LazyAttribute(lambda o: EvaluatedApplicationFactory(call=o.member.campaign.call))
    role = factory.LazyAttribute(lambda o: o.member.role)
    status = Assignment.Status.NOTIFIED
    source = Assignment.Source.MANUAL
    notified_at = factory.LazyFunction(timezone.now)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory)
    status = Review.Status.DRAFT


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    member = factory.SubFactory(PoolMemberFactory)
    campaign = factory.LazyAttribute(lambda o: o.member.campaign)
    application = factory.LazyAttribute(lambda o: EvaluatedApplicationFactory(call=o.member.campaign.call))
    kind = Conflict.Kind.DECLARED
    evidence = "Déclaré : collaboration en cours"


__all__ = [
    "AssignmentFactory",
    "CampaignFactory",
    "ConflictFactory",
    "EvaluatedApplicationFactory",
    "PoolMemberFactory",
    "ReviewFactory",
    "UserFactory",
]

"""The demo evaluation loads through the services, gives every demo role something to do, and can
be wiped and loaded again."""

import datetime as dt
from decimal import Decimal
from random import Random

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from accounts import demo as account_demo
from accounts.models import Role, User
from calls.apps import _wipe_demo_calls
from calls.demo import seed_calls
from calls.models import Application
from core.errors import InvalidState
from core.models import AuditEntry
from directory import demo as directory_demo
from evaluation import demo
from evaluation.models import ApplicationOutcome, Assignment, Campaign, Decision, PoolMember, Review
from evaluation.permissions import active_conflicts

pytestmark = pytest.mark.django_db


def _user(role: str) -> User:
    return User.objects.get(email=account_demo.demo_account(role).email)


def _seed(capture) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return demo.seed_evaluation(rng=Random("1:evaluation"))


@pytest.fixture
def network():  # type: ignore[no-untyped-def]
    directory_demo.generate(size="small", seed=1, scale=0.1)
    seed_calls()


def test_in_progress_campaign_gives_each_role_work(network, django_capture_on_commit_callbacks, mailoutbox):
    counts = _seed(django_capture_on_commit_callbacks)
    assert counts["evaluation_campaigns"] == 2 and counts["evaluation_reviews_submitted"] > 0
    current = Campaign.objects.get(status=Campaign.Status.REVIEWING)
    assert current.review_deadline > dt.datetime.now(dt.UTC)
    assert current.call.applications.filter(status=Application.Status.UNDER_REVIEW).count() == 16
    notified = Assignment.objects.filter(campaign=current, status=Assignment.Status.NOTIFIED)
    assert notified.count() == 16 * 3
    conflicted = set(active_conflicts().filter(campaign=current).values_list("application_id", "member_id"))
    assert conflicted, "the demo shows detected conflicts"
    assert not conflicted & set(notified.values_list("application_id", "member_id"))
    # the reviewer: pending and handed-in reviews
    mine = notified.filter(member__user=_user(Role.REVIEWER))
    submitted = mine.filter(review__status=Review.Status.SUBMITTED).count()
    assert submitted == 1 and mine.count() - submitted >= 2
    assert mine.count() < current.call.applications.filter(status=Application.Status.UNDER_REVIEW).count()
    # the committee member: rapporteur assignments
    assert notified.filter(member__user=_user(Role.COMMITTEE_MEMBER), role="rapporteur").count() >= 3
    # the applicant: an application under review
    assert Application.objects.filter(
        call=current.call, applicant=_user(Role.RESEARCHER), status=Application.Status.UNDER_REVIEW
    ).exists()
    # the pool: a decline with a suggestion, an unanswered invitation, outside experts who can sign in
    declined = PoolMember.objects.get(campaign=current, status=PoolMember.Status.DECLINED)
    assert declined.suggestion
    assert PoolMember.objects.filter(campaign=current, status=PoolMember.Status.INVITED).count() == 1
    for _name, email, _institution, _language in demo.OUTSIDE_EXPERTS:
        member = PoolMember.objects.get(campaign=current, email=email)
        assert member.status == PoolMember.Status.ACCEPTED and member.user is not None
        assert authenticate(email=email, password=account_demo.DEMO_PASSWORD) == member.user
    submitted_reviews = Review.objects.filter(assignment__campaign=current, status=Review.Status.SUBMITTED)
    assert 0.3 < submitted_reviews.count() / notified.count() < 0.7
    assert all(r.weighted_score is not None and r.comment_to_applicants for r in submitted_reviews)
    assert (
        AuditEntry.objects.filter(action="evaluation.review.submitted").count()
        == Review.objects.filter(status=Review.Status.SUBMITTED).count()
    )
    assert {m.to[0] for m in mailoutbox} >= {declined.email, *(e for _n, e, _i, _l in demo.OUTSIDE_EXPERTS)}


def test_decided_campaign_is_published_with_letters(network, django_capture_on_commit_callbacks, mailoutbox):
    _seed(django_capture_on_commit_callbacks)
    decided = Campaign.objects.get(status=Campaign.Status.DECIDED)
    assert decided.committee_published_at is not None and decided.publish_committee
    assert decided.committee_published_at < timezone.now()
    decision = Decision.objects.get(campaign=decided)
    assert decision.body == "Comité de pilotage (COPIL)" and decision.decided_on < timezone.localdate()
    outcomes = ApplicationOutcome.objects.filter(campaign=decided).select_related("application")
    assert outcomes and all(o.letter_sent_at is not None and o.final for o in outcomes)
    funded = [o for o in outcomes if o.final == ApplicationOutcome.Proposal.FUND]
    assert {o.application.status for o in funded} == {Application.Status.AWARDED}
    assert 0 < len(funded) < len(outcomes)
    total = sum((o.proposed_amount or o.requested_amount for o in funded), Decimal(0))
    assert total <= decided.call.budget_envelope
    assert outcomes.filter(final=ApplicationOutcome.Proposal.WAITING_LIST).count() == 2
    letters = [m for m in mailoutbox if any(o.application.lead_person.email in m.to for o in outcomes)]
    assert len(letters) >= len(outcomes)
    assert (
        Review.objects.filter(assignment__campaign=decided).exclude(status=Review.Status.SUBMITTED).count()
        == 0
    )


def test_wipe_then_seed_again(network, django_capture_on_commit_callbacks):
    first = _seed(django_capture_on_commit_callbacks)
    outside = [email for _n, email, _i, _l in demo.OUTSIDE_EXPERTS]
    assert User.objects.filter(email__in=outside).count() == 2
    with pytest.raises(InvalidState):
        demo.seed_evaluation(rng=Random(1))
    demo.wipe_evaluation()
    assert not Campaign.objects.exists() and not PoolMember.objects.exists()
    assert not User.objects.filter(email__in=outside).exists()
    assert _user(Role.REVIEWER)  # the directory's demo accounts are not the evaluation's to delete
    _wipe_demo_calls()  # what the calls' step does next
    seed_calls()
    again = _seed(django_capture_on_commit_callbacks)
    assert again == first
    assert AuditEntry.objects.filter(action="evaluation.demo.seeded").count() == 2

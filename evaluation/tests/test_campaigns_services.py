"""Services of evaluation campaigns: creation with the programme's defaults, settings with
optimistic locking, the transitions and their state checks, and the daily reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from calls.models import Application, BudgetLine, Call, EvaluationCriterion, Stage
from calls.tests.factories import BudgetCategoryFactory, CallFactory
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.models import AuditEntry
from evaluation.models import ApplicationOutcome, Campaign, PoolMember, Review
from evaluation.services.campaigns import (
    create_campaign,
    open_reviews,
    send_review_reminders,
    start_committee,
    update_campaign,
)
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def closed_call(**kwargs):  # type: ignore[no-untyped-def]
    return CallFactory(
        status=Call.Status.CLOSED,
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=5),
        **kwargs,
    )


def future(days: int = 30) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


# --- creation ------------------------------------------------------------------------------


def test_a_new_campaign_copies_the_settings_of_the_programmes_previous_campaign(staff):
    previous = CampaignFactory(
        call=closed_call(year=2026),
        rapporteurs_per_application=3,
        externals_per_application=1,
        coauthorship_years=7,
        fair_assignment=True,
        default_max_load=4,
        review_deadline=timezone.now() - dt.timedelta(days=100),
    )
    call = closed_call(programme=previous.call.programme, year=2027)

    campaign = create_campaign(call=call, stage=Stage.FULL, data={"reminder_days": 5}, actor=staff)

    assert (campaign.rapporteurs_per_application, campaign.externals_per_application) == (3, 1)
    assert campaign.coauthorship_years == 7 and campaign.fair_assignment and campaign.default_max_load == 4
    assert campaign.reminder_days == 5
    assert campaign.review_deadline is None  # the deadline is the year's own
    assert campaign.status == Campaign.Status.SETUP
    entry = AuditEntry.objects.get(action="evaluation.campaign.created")
    assert entry.target_id == str(campaign.pk) and entry.data["copied_from"] == previous.pk


def test_without_a_previous_campaign_the_model_defaults_apply(staff):
    campaign = create_campaign(call=closed_call(), stage=Stage.FULL, data={}, actor=staff)
    assert (campaign.rapporteurs_per_application, campaign.externals_per_application) == (2, 2)


def test_a_letter_of_intent_campaign_has_no_external_reviewers(staff):
    call = closed_call(stages=2)
    campaign = create_campaign(
        call=call, stage=Stage.LETTER_OF_INTENT, data={"externals_per_application": 3}, actor=staff
    )
    campaign.refresh_from_db()
    assert campaign.externals_per_application == 0
    assert campaign.roles == ["rapporteur"]
    # The full stage of the same call gets its own campaign.
    full = create_campaign(call=call, stage=Stage.FULL, data={}, actor=staff)
    assert full.externals_per_application == 2


def test_one_campaign_per_call_and_stage_and_only_valid_stages(staff):
    call = closed_call()
    create_campaign(call=call, stage=Stage.FULL, data={}, actor=staff)
    with pytest.raises(InvalidState):
        create_campaign(call=call, stage=Stage.FULL, data={}, actor=staff)
    with pytest.raises(InvalidInput) as error:
        create_campaign(call=closed_call(), stage=Stage.LETTER_OF_INTENT, data={}, actor=staff)
    assert error.value.field == "stage"
    with pytest.raises(InvalidState):
        create_campaign(call=CallFactory(status=Call.Status.DRAFT), stage=Stage.FULL, data={}, actor=staff)
    assert Campaign.objects.count() == 1


def test_only_the_secretariat_creates_campaigns(researcher):
    with pytest.raises(NotAllowed):
        create_campaign(call=closed_call(), stage=Stage.FULL, data={}, actor=researcher)
    assert not Campaign.objects.exists()


# --- settings ------------------------------------------------------------------------------


def test_update_checks_the_version_and_the_loads(staff):
    campaign = CampaignFactory(call=closed_call(), status=Campaign.Status.SETUP)
    with pytest.raises(InvalidInput) as error:
        update_campaign(
            campaign=campaign,
            data={"default_min_load": 5, "default_max_load": 2},
            expected_version=1,
            actor=staff,
        )
    assert error.value.field == "default_min_load"

    campaign = Campaign.objects.get(pk=campaign.pk)
    deadline = future(40)
    update_campaign(
        campaign=campaign,
        data={"review_deadline": deadline, "default_max_load": 3},
        expected_version=1,
        actor=staff,
    )
    campaign.refresh_from_db()
    assert campaign.version == 2 and campaign.default_max_load == 3 and campaign.review_deadline == deadline
    entry = AuditEntry.objects.get(action="evaluation.campaign.updated")
    assert entry.data["changes"]["default_max_load"] == {"before": 6, "after": 3}

    # Someone edits from the page they opened at version 1: refused, nothing changes.
    stale = Campaign.objects.get(pk=campaign.pk)
    with pytest.raises(StaleVersion):
        update_campaign(campaign=stale, data={"default_max_load": 9}, expected_version=1, actor=staff)
    campaign.refresh_from_db()
    assert campaign.default_max_load == 3 and campaign.version == 2


def test_after_setup_the_assignment_settings_are_fixed_but_the_deadline_moves(staff):
    campaign = CampaignFactory(
        call=closed_call(), status=Campaign.Status.REVIEWING, review_deadline=future(10)
    )
    with pytest.raises(InvalidState):
        update_campaign(
            campaign=campaign, data={"rapporteurs_per_application": 3}, expected_version=None, actor=staff
        )
    later = future(20)
    update_campaign(campaign=campaign, data={"review_deadline": later}, expected_version=None, actor=staff)
    campaign.refresh_from_db()
    assert campaign.review_deadline == later and campaign.rapporteurs_per_application == 1
    with pytest.raises(InvalidInput):
        update_campaign(campaign=campaign, data={"review_deadline": None}, expected_version=None, actor=staff)


def test_a_deadline_in_the_past_is_refused(staff):
    campaign = CampaignFactory(status=Campaign.Status.SETUP)
    with pytest.raises(InvalidInput) as error:
        update_campaign(
            campaign=campaign,
            data={"review_deadline": timezone.now() - dt.timedelta(hours=1)},
            expected_version=None,
            actor=staff,
        )
    assert error.value.field == "review_deadline"


# --- transitions ---------------------------------------------------------------------------


def setup_campaign(**kwargs):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(call=closed_call(), status=Campaign.Status.SETUP, **kwargs)
    EvaluationCriterion.objects.create(call=campaign.call, label_fr="Qualité scientifique", weight=2)
    return campaign


def test_open_reviews_needs_a_deadline_and_criteria(staff):
    campaign = CampaignFactory(call=closed_call(), status=Campaign.Status.SETUP)
    EvaluatedApplicationFactory(call=campaign.call, status=Application.Status.ELIGIBLE)
    with pytest.raises(InvalidState) as error:
        open_reviews(campaign=campaign, actor=staff)
    assert "date limite" in error.value.message and "critère" in error.value.message
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SETUP


def test_open_reviews_moves_the_eligible_applications_under_review(staff):
    campaign = setup_campaign(review_deadline=future())
    eligible = EvaluatedApplicationFactory(call=campaign.call, status=Application.Status.ELIGIBLE)
    submitted = EvaluatedApplicationFactory(call=campaign.call, status=Application.Status.SUBMITTED)
    elsewhere = EvaluatedApplicationFactory(status=Application.Status.ELIGIBLE)

    open_reviews(campaign=campaign, actor=staff)

    assert campaign.status == Campaign.Status.REVIEWING and campaign.version == 2
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[eligible.pk] == Application.Status.UNDER_REVIEW
    assert statuses[submitted.pk] == Application.Status.SUBMITTED
    assert statuses[elsewhere.pk] == Application.Status.ELIGIBLE
    entry = AuditEntry.objects.get(action="evaluation.campaign.reviews_opened")
    assert entry.data["applications_under_review"] == [eligible.pk]
    with pytest.raises(InvalidState):
        open_reviews(campaign=campaign, actor=staff)


def test_start_committee_creates_an_outcome_per_application_with_amounts_and_language(staff):
    campaign = CampaignFactory(call=closed_call())
    category = BudgetCategoryFactory(call=campaign.call)
    english = EvaluatedApplicationFactory(call=campaign.call, applicant=UserFactory(language="en"))
    french = EvaluatedApplicationFactory(call=campaign.call)
    for amount in ("12000.50", "3000"):
        BudgetLine.objects.create(
            application=english, category=category, description="x", amount=Decimal(amount)
        )
    EvaluatedApplicationFactory(call=campaign.call, status=Application.Status.INELIGIBLE)

    with pytest.raises(InvalidState):
        start_committee(campaign=CampaignFactory(status=Campaign.Status.SETUP), actor=staff)
    start_committee(campaign=campaign, actor=staff)

    assert campaign.status == Campaign.Status.COMMITTEE
    outcomes = {o.application_id: o for o in ApplicationOutcome.objects.filter(campaign=campaign)}
    assert set(outcomes) == {english.pk, french.pk}
    assert outcomes[english.pk].requested_amount == Decimal("15000.50")
    assert outcomes[english.pk].letter_language == "en"
    assert outcomes[french.pk].requested_amount == Decimal(0)
    assert outcomes[french.pk].letter_language == "fr"
    assert AuditEntry.objects.filter(
        action="evaluation.campaign.committee_started", target_id=str(campaign.pk)
    ).exists()
    with pytest.raises(InvalidState):
        start_committee(campaign=campaign, actor=staff)


# --- reminders -----------------------------------------------------------------------------

# 12 January 2027, noon in Paris (11:00 UTC in winter).
DEADLINE = dt.datetime(2027, 1, 12, 11, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2027, 1, 10, 8, 0, tzinfo=dt.UTC)


def reminder_campaign():  # type: ignore[no-untyped-def]
    return CampaignFactory(review_deadline=DEADLINE, reminder_days=3)


def test_reviewers_with_pending_reviews_are_reminded_once_a_day(
    mailoutbox, django_capture_on_commit_callbacks
):
    campaign = reminder_campaign()
    pending = AssignmentFactory(
        member__campaign=campaign,
        application=EvaluatedApplicationFactory(call=campaign.call, acronym="ONCO-REG"),
    )
    ReviewFactory(assignment=pending, status=Review.Status.DRAFT)
    AssignmentFactory(
        member=pending.member,
        application=EvaluatedApplicationFactory(call=campaign.call, acronym="IMMUNO-TX"),
    )
    submitted = ReviewFactory(assignment__member__campaign=campaign, status=Review.Status.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(now=NOW) == 1
    assert [m.to for m in mailoutbox] == [[pending.member.email]]
    body = mailoutbox[0].body
    assert "ONCO-REG" in body and "IMMUNO-TX" in body
    assert "12:00" in body and "11:00" not in body  # the deadline in Paris time
    assert pending.application.title not in body  # acronyms only
    assert submitted.assignment.member.email not in {m.to[0] for m in mailoutbox}
    pending.member.refresh_from_db()
    assert pending.member.last_reminder_at == NOW

    # Later the same (Paris) day: nothing; the next morning: again.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(now=NOW + dt.timedelta(hours=10)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(now=NOW + dt.timedelta(days=1)) == 1
    assert len(mailoutbox) == 2
    assert AuditEntry.objects.filter(action="evaluation.campaign.reminders_sent").count() == 2


def test_no_reminder_outside_the_window_nor_for_conflicted_or_submitted_reviews(
    mailoutbox, django_capture_on_commit_callbacks
):
    campaign = reminder_campaign()
    conflicted = AssignmentFactory(member__campaign=campaign)
    ConflictFactory(member=conflicted.member, application=conflicted.application)
    ReviewFactory(assignment__member__campaign=campaign, status=Review.Status.SUBMITTED)
    early = CampaignFactory(review_deadline=DEADLINE + dt.timedelta(days=10), reminder_days=3)
    AssignmentFactory(member__campaign=early)
    setup = CampaignFactory(status=Campaign.Status.SETUP, review_deadline=DEADLINE)
    AssignmentFactory(member__campaign=setup)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(now=NOW) == 0
        assert send_review_reminders(now=DEADLINE + dt.timedelta(minutes=1)) == 0  # deadline passed
    assert mailoutbox == []


def test_pending_invitations_are_reminded_with_the_link(mailoutbox, django_capture_on_commit_callbacks):
    campaign = reminder_campaign()
    invited = PoolMemberFactory(
        campaign=campaign,
        user=None,
        person=None,
        email="expert.invite@example.org",
        name="Dr Invitée",
        status=PoolMember.Status.INVITED,
        invitation_token="tok-123456",
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(now=NOW, base_url="https://reseau.example.org") == 1
    message = mailoutbox[0]
    assert message.to == [invited.email]
    assert "tok-123456" in message.body and message.body.count("https://reseau.example.org/") == 1
    assert "Reminder" in message.subject or "Rappel" in message.subject

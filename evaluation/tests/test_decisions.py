"""Decisions: recording the validating body's decision, the waiting list, the committee's
publication (services against the database). Builders shared by the other decisions tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from calls.models import Application, Call, Stage
from calls.tests.factories import CallFactory
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.models import AuditEntry
from evaluation.models import ApplicationOutcome, Campaign, Decision, Review, ReviewerRole
from evaluation.services.decisions import promote_from_waiting_list, publish_committee, record_decision
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

DECIDED_ON = timezone.localdate() - dt.timedelta(days=3)
FULL_PROPOSALS = ("fund", "waiting_list", "not_funded")


def build_campaign(*, stage=Stage.FULL, status=Campaign.Status.COMMITTEE, proposals=FULL_PROPOSALS, **kwargs):  # type: ignore[no-untyped-def]
    """A campaign with one application per proposal (ranked in that order, acronyms PRJ1…)."""
    two_stage = stage == Stage.LETTER_OF_INTENT
    call = CallFactory(
        status=Call.Status.CLOSED,
        stages=2 if two_stage else 1,
        full_stage_closes_at=timezone.now() + dt.timedelta(days=60) if two_stage else None,
    )
    campaign = CampaignFactory(
        call=call, stage=stage, status=status, externals_per_application=0 if two_stage else 1, **kwargs
    )
    outcomes = []
    for rank, proposal in enumerate(proposals, start=1):
        application = EvaluatedApplicationFactory(
            call=call, stage=stage, acronym=f"PRJ{rank}", title=f"Projet numéro {rank}"
        )
        outcomes.append(
            ApplicationOutcome.objects.create(
                campaign=campaign,
                application=application,
                rank=rank,
                proposal=proposal,
                requested_amount=Decimal("20000"),
                proposed_amount=Decimal("18000"),
            )
        )
    return campaign, outcomes


def add_review(outcome, n, *, role=ReviewerRole.EXTERNAL, status=Review.Status.SUBMITTED):  # type: ignore[no-untyped-def]
    """A review whose reviewer's name, e-mail and institution are unique marker strings."""
    user = UserFactory(
        email=f"marker{n}-reviewer@hidden.example", first_name=f"Markerfirst{n}", last_name=f"Markerlast{n}"
    )
    member = PoolMemberFactory(
        campaign=outcome.campaign,
        role=role,
        user=user,
        name=f"Markername{n} Secretreviewer",
        institution_name=f"Markerinstitute{n}",
    )
    # the directory record's name is a marker too (a random name could be the applicant's)
    member.person.first_name, member.person.last_name = f"Markerpersonfirst{n}", f"Markerperson{n}"
    member.person.save(update_fields=["first_name", "last_name"])
    assignment = AssignmentFactory(member=member, application=outcome.application, role=role)
    review = ReviewFactory(
        assignment=assignment,
        status=status,
        comment_to_applicants=f"Commentaire aux candidats {n} : hypothèse solide.",
        comment_to_committee=f"CONFIDENTIEL-{n} à ne pas transmettre",
        submitted_at=timezone.now() if status == Review.Status.SUBMITTED else None,
    )
    markers = [
        user.email,
        member.name,
        "Markerfirst",
        "Markerlast",
        "Markerinstitute",
        "Secretreviewer",
        member.person.last_name,
        member.person.email,
    ]
    return review, markers


def record(campaign, actor, **kwargs):  # type: ignore[no-untyped-def]
    params = {
        "campaign": campaign,
        "body": "Comité de pilotage (COPIL)",
        "decided_on": DECIDED_ON,
        "reference": "PV-2027-03",
        "actor": actor,
    }
    params.update(kwargs)
    return record_decision(**params)


# --- record_decision ---


def test_record_decision_fixes_outcomes_and_application_statuses(staff):
    campaign, (funded, waiting, refused) = build_campaign()
    decision = record(campaign, staff, notes="Unanimité")

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DECIDED
    assert (decision.body, decision.reference, decision.decided_on) == (
        "Comité de pilotage (COPIL)",
        "PV-2027-03",
        DECIDED_ON,
    )
    for outcome in (funded, waiting, refused):
        outcome.refresh_from_db()
        assert outcome.final == outcome.proposal
        assert outcome.decision == decision
        outcome.application.refresh_from_db()
    assert funded.application.status == Application.Status.AWARDED
    assert waiting.application.status == Application.Status.NOT_AWARDED
    assert refused.application.status == Application.Status.NOT_AWARDED
    entry = AuditEntry.objects.get(action="evaluation.decision.recorded")
    assert entry.actor == staff
    assert entry.data["counts"] == {"fund": 1, "waiting_list": 1, "not_funded": 1}


@pytest.mark.parametrize(
    "status", [Campaign.Status.SETUP, Campaign.Status.REVIEWING, Campaign.Status.DECIDED]
)
def test_record_decision_only_in_committee(staff, status):
    campaign, _outcomes = build_campaign(status=status)
    with pytest.raises(InvalidState):
        record(campaign, staff)
    assert not Decision.objects.exists()


def test_record_decision_lists_applications_without_proposal(staff):
    campaign, (first, second, _third) = build_campaign()
    ApplicationOutcome.objects.filter(pk=second.pk).update(proposal="")
    ApplicationOutcome.objects.filter(pk=first.pk).update(proposal="invite")  # not a full-stage proposal
    EvaluatedApplicationFactory(call=campaign.call, acronym="NOOUTCOME")
    with pytest.raises(InvalidState) as error:
        record(campaign, staff)
    assert "PRJ1" in error.value.message
    assert "PRJ2" in error.value.message
    assert "NOOUTCOME" in error.value.message
    assert "PRJ3" not in error.value.message
    assert not Decision.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMMITTEE


def test_record_decision_checks_input_actor_and_version(staff, researcher):
    campaign, _outcomes = build_campaign()
    with pytest.raises(NotAllowed):
        record(campaign, researcher)
    with pytest.raises(InvalidInput) as error:
        record(campaign, staff, reference="  ")
    assert error.value.field == "reference"
    with pytest.raises(InvalidInput) as error:
        record(campaign, staff, decided_on=timezone.localdate() + dt.timedelta(days=2))
    assert error.value.field == "decided_on"
    with pytest.raises(StaleVersion):
        record(campaign, staff, expected_version=campaign.version + 1)
    assert not Decision.objects.exists()


def test_letters_of_intent_are_handed_over_to_the_full_stage(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, (invited, not_invited) = build_campaign(
        stage=Stage.LETTER_OF_INTENT, proposals=("invite", "not_invited")
    )
    with django_capture_on_commit_callbacks(execute=True):
        record(campaign, staff)

    invited.application.refresh_from_db()
    not_invited.application.refresh_from_db()
    assert invited.application.status == Application.Status.INVITED_FULL_STAGE
    assert not_invited.application.status == Application.Status.NOT_INVITED
    draft = Application.objects.get(parent=invited.application)
    assert (draft.stage, draft.status, draft.acronym) == (Stage.FULL, Application.Status.DRAFT, "PRJ1")
    assert not Application.objects.filter(parent=not_invited.application).exists()
    # Only the calls domain's invitation went out; the decision letters are sent later, on demand.
    assert [m.to for m in mailoutbox] == [[invited.application.applicant.email]]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DECIDED


# --- waiting list ---


def test_promote_from_waiting_list(staff):
    campaign, (funded, waiting, refused) = build_campaign()
    decision = record(campaign, staff)
    ApplicationOutcome.objects.filter(pk=waiting.pk).update(letter_sent_at=timezone.now())
    later = Decision.objects.create(
        campaign=campaign, body="Conseil d'administration du GIP", decided_on=DECIDED_ON, reference="CA-7"
    )

    promoted = promote_from_waiting_list(outcome=waiting, decision=later, actor=staff)

    assert promoted.final == "fund"
    assert promoted.decision == later
    assert promoted.letter_sent_at is None  # a new letter is due
    waiting.application.refresh_from_db()
    assert waiting.application.status == Application.Status.AWARDED
    assert AuditEntry.objects.filter(
        action="evaluation.decision.promoted", target_id=str(waiting.application_id)
    ).exists()
    with pytest.raises(InvalidState):
        promote_from_waiting_list(outcome=refused, decision=decision, actor=staff)
    other_campaign, _ = build_campaign(status=Campaign.Status.DECIDED)
    foreign = Decision.objects.create(campaign=other_campaign, body="X", decided_on=DECIDED_ON, reference="Y")
    with pytest.raises(InvalidInput):
        promote_from_waiting_list(outcome=funded, decision=foreign, actor=staff)


def test_promote_needs_a_decided_campaign(staff):
    campaign, (_f, waiting, _r) = build_campaign()
    decision = Decision.objects.create(campaign=campaign, body="X", decided_on=DECIDED_ON, reference="Y")
    ApplicationOutcome.objects.filter(pk=waiting.pk).update(final="waiting_list")
    with pytest.raises(InvalidState):
        promote_from_waiting_list(outcome=waiting, decision=decision, actor=staff)


# --- publication of the committee ---


def test_publish_committee_rules(staff, researcher):
    campaign, _ = build_campaign(publish_committee=True)
    with pytest.raises(InvalidState):
        publish_committee(campaign=campaign, actor=staff)  # not decided yet
    record(campaign, staff)
    with pytest.raises(NotAllowed):
        publish_committee(campaign=campaign, actor=researcher)

    published = publish_committee(campaign=campaign, actor=staff)
    assert published.committee_published_at is not None
    assert AuditEntry.objects.filter(action="evaluation.committee.published").count() == 1
    with pytest.raises(InvalidState):
        publish_committee(campaign=campaign, actor=staff)


def test_publish_committee_only_when_the_campaign_says_so(staff):
    campaign, _ = build_campaign(publish_committee=False)
    record(campaign, staff)
    with pytest.raises(InvalidState) as error:
        publish_committee(campaign=campaign, actor=staff)
    assert "ne prévoient pas" in error.value.message
    campaign.refresh_from_db()
    assert campaign.committee_published_at is None

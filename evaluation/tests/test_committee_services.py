"""The committee's table (means, spread, disagreements), ranking, scores and amounts, the funding
proposal within the envelope, discussion notes (services and selectors against the database).
``build_committee`` is shared with the view tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from calls.models import BudgetLine, Call, Stage
from calls.tests.factories import BudgetCategoryFactory, CallFactory
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.models import AuditEntry
from evaluation.models import ApplicationOutcome, Campaign, DiscussionNote, Review, ReviewerRole
from evaluation.selectors.committee import committee_board, committee_table, plan_funding
from evaluation.services.committee import (
    add_discussion_note,
    move_application,
    outcome_for,
    propose_funding,
    rank_applications,
    rank_by_score,
    set_outcome,
)
from evaluation.tests.factories import (
    AssignmentFactory,
    CampaignFactory,
    ConflictFactory,
    EvaluatedApplicationFactory,
    PoolMemberFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def add_review(
    campaign, application, score, recommendation="fund", *, role=ReviewerRole.EXTERNAL, member=None
):  # type: ignore[no-untyped-def]
    member = member or PoolMemberFactory(campaign=campaign, role=role)
    assignment = AssignmentFactory(member=member, application=application, role=member.role)
    return Review.objects.create(
        assignment=assignment,
        status=Review.Status.SUBMITTED,
        weighted_score=D(str(score)) if score is not None else None,
        recommendation=recommendation,
        comment_to_applicants="Projet solide.",
        comment_to_committee="Confidentiel : équipe fragile.",
        submitted_at=timezone.now(),
    )


def build_committee(
    amounts, *, envelope="100000", ceiling="60000", stage=Stage.FULL, status=Campaign.Status.COMMITTEE
):  # type: ignore[no-untyped-def]
    """A campaign in committee with one application per amount (budget lines of that amount),
    submitted one minute apart in that order, acronyms A1, A2…"""
    two_stage = stage == Stage.LETTER_OF_INTENT
    call = CallFactory(
        status=Call.Status.CLOSED,
        stages=2 if two_stage else 1,
        budget_envelope=D(envelope) if envelope is not None else None,
        ceiling_per_project=D(ceiling) if ceiling is not None else None,
        full_stage_closes_at=timezone.now() + dt.timedelta(days=60) if two_stage else None,
    )
    campaign = CampaignFactory(
        call=call, stage=stage, status=status, externals_per_application=0 if two_stage else 1
    )
    category = BudgetCategoryFactory(call=call)
    start = timezone.now() - dt.timedelta(days=10)
    applications = []
    for index, amount in enumerate(amounts, start=1):
        application = EvaluatedApplicationFactory(
            call=call,
            stage=stage,
            acronym=f"A{index}",
            title=f"Projet {index}",
            submitted_at=start + dt.timedelta(minutes=index),
        )
        BudgetLine.objects.create(
            application=application, category=category, description="Réactifs", amount=D(amount)
        )
        applications.append(application)
    return campaign, applications


# --- the table ---------------------------------------------------------------------------------


def test_table_figures_means_spread_and_flags(staff):
    campaign, (a1, a2, a3) = build_committee(["20000", "30000", "10000"])
    add_review(campaign, a1, "16", role=ReviewerRole.RAPPORTEUR)
    add_review(campaign, a1, "10", role=ReviewerRole.EXTERNAL)  # spread 6 → disagreement
    add_review(campaign, a2, "14", "fund", role=ReviewerRole.RAPPORTEUR)
    add_review(campaign, a2, "13", "do_not_fund", role=ReviewerRole.EXTERNAL)  # contradictory
    add_review(campaign, a3, "12.5", role=ReviewerRole.RAPPORTEUR)
    draft = add_review(campaign, a3, "2", role=ReviewerRole.EXTERNAL)
    draft.status = Review.Status.DRAFT
    draft.save()

    rows = {row.application.acronym: row for row in committee_table(campaign, staff)}

    assert rows["A1"].mean == D("13.000")
    assert rows["A1"].mean_rapporteurs == D("16.000") and rows["A1"].mean_externals == D("10.000")
    assert rows["A1"].spread == D("6") and rows["A1"].disagreement and not rows["A1"].contradictory
    assert rows["A2"].spread == D("1") and rows["A2"].contradictory and rows["A2"].disagreement
    assert rows["A3"].submitted == 1 and rows["A3"].expected == 2  # the draft does not count
    assert rows["A3"].mean == D("12.500") and rows["A3"].spread is None and not rows["A3"].disagreement
    assert rows["A2"].requested_amount == D("30000") and rows["A2"].lead_institution
    # Unranked rows come best mean first.
    assert [row.application.acronym for row in committee_table(campaign, staff)] == ["A2", "A1", "A3"]


def test_conflicted_rapporteur_does_not_see_the_application(staff):
    campaign, (a1, a2) = build_committee(["10000", "10000"])
    rapporteur = PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR)
    ConflictFactory(member=rapporteur, application=a2)
    rows = committee_table(campaign, rapporteur.user)
    assert [row.pk for row in rows] == [a1.pk]
    board = committee_board(campaign, rapporteur.user)
    assert board.partial and board.plan is None  # no envelope figures from a partial view
    assert not committee_board(campaign, staff).partial


def test_table_query_count_is_flat(staff, django_assert_max_num_queries):
    campaign, applications = build_committee(["10000"] * 2)
    for application in applications:
        add_review(campaign, application, "12")
    with django_assert_max_num_queries(8) as small:
        committee_board(campaign, staff)
    more = EvaluatedApplicationFactory.create_batch(6, call=campaign.call)
    for application in more:
        add_review(campaign, application, "14", role=ReviewerRole.RAPPORTEUR)
        add_review(campaign, application, "11")
    with django_assert_max_num_queries(len(small.captured_queries)):
        board = committee_board(campaign, staff)
    assert len(board.rows) == 8


# --- ranking -------------------------------------------------------------------------------------


def test_rank_applications_full_order_and_version(staff):
    campaign, (a1, a2, a3) = build_committee(["10000", "10000", "10000"])
    version = campaign.version
    campaign = rank_applications(
        campaign=campaign, order=[a3.pk, a1.pk, a2.pk], expected_version=version, actor=staff
    )
    ranks = dict(ApplicationOutcome.objects.filter(campaign=campaign).values_list("application_id", "rank"))
    assert ranks == {a3.pk: 1, a1.pk: 2, a2.pk: 3}
    assert campaign.version == version + 1
    assert AuditEntry.objects.filter(
        action="evaluation.committee.ranked", target_id=str(campaign.pk)
    ).exists()
    # The requested amount is snapshotted from the budget.
    assert ApplicationOutcome.objects.get(application=a1).requested_amount == D("10000")

    with pytest.raises(StaleVersion):  # a page loaded before the first save
        rank_applications(
            campaign=campaign, order=[a1.pk, a2.pk, a3.pk], expected_version=version, actor=staff
        )
    with pytest.raises(InvalidInput):  # not a full order
        rank_applications(campaign=campaign, order=[a1.pk, a2.pk], expected_version=None, actor=staff)
    with pytest.raises(InvalidInput):  # duplicates
        rank_applications(campaign=campaign, order=[a1.pk, a1.pk, a2.pk], expected_version=None, actor=staff)
    assert dict(ApplicationOutcome.objects.values_list("application_id", "rank")) == ranks


def test_move_up_and_down(staff):
    campaign, (a1, a2, a3) = build_committee(["10000", "10000", "10000"])
    campaign = rank_applications(
        campaign=campaign, order=[a1.pk, a2.pk, a3.pk], expected_version=None, actor=staff
    )
    campaign = move_application(
        campaign=campaign,
        application_id=a3.pk,
        direction="up",
        expected_version=campaign.version,
        actor=staff,
    )
    assert [row.pk for row in committee_table(campaign, staff)] == [a1.pk, a3.pk, a2.pk]
    move_application(
        campaign=campaign, application_id=a1.pk, direction="up", expected_version=None, actor=staff
    )
    assert [row.pk for row in committee_table(campaign, staff)] == [a1.pk, a3.pk, a2.pk]


def test_ranking_only_in_committee(staff):
    campaign, (a1,) = build_committee(["10000"], status=Campaign.Status.REVIEWING)
    with pytest.raises(InvalidState):
        rank_applications(campaign=campaign, order=[a1.pk], expected_version=None, actor=staff)
    with pytest.raises(InvalidState):
        rank_by_score(campaign=campaign, actor=staff)
    with pytest.raises(InvalidState):
        propose_funding(campaign=campaign, actor=staff)


def test_rank_by_score_ties_by_requested_amount_then_submission(staff):
    campaign, (a1, a2, a3, a4, a5) = build_committee(["30000", "20000", "20000", "10000", "5000"])
    add_review(campaign, a1, "15")
    add_review(campaign, a2, "15")
    add_review(campaign, a3, "15")  # same score and amount as a2, submitted later
    add_review(campaign, a4, "12")
    # a5 has no review: last
    outcome = outcome_for(campaign=campaign, application=a4)
    set_outcome(
        outcome=outcome, committee_score=D("17"), proposed_amount=None, expected_version=None, actor=staff
    )

    result = rank_by_score(campaign=campaign, actor=staff, ties="requested_amount")

    assert result.order == [a4.pk, a2.pk, a3.pk, a1.pk, a5.pk]
    assert result.ties == [[a2.pk, a3.pk, a1.pk]]
    entry = AuditEntry.objects.get(action="evaluation.committee.ranked_by_score")
    assert entry.data["ties"] == "requested_amount" and entry.data["tie_groups"] == [[a2.pk, a3.pk, a1.pk]]
    assert committee_board(campaign, staff).last_score_ranking == entry


def test_rank_by_score_ties_by_externals_mean(staff):
    campaign, (a1, a2) = build_committee(["10000", "10000"])
    add_review(campaign, a1, "16", role=ReviewerRole.RAPPORTEUR)
    add_review(campaign, a1, "12", role=ReviewerRole.EXTERNAL)  # mean 14, externals 12
    add_review(campaign, a2, "12", role=ReviewerRole.RAPPORTEUR)
    add_review(campaign, a2, "16", role=ReviewerRole.EXTERNAL)  # mean 14, externals 16
    assert rank_by_score(campaign=campaign, actor=staff, ties="externals_mean").order == [a2.pk, a1.pk]
    # With the amount rule, equal amounts fall back to the earliest submission.
    assert rank_by_score(campaign=campaign, actor=staff, ties="requested_amount").order == [a1.pk, a2.pk]
    with pytest.raises(InvalidInput):
        rank_by_score(campaign=campaign, actor=staff, ties="coin_toss")  # type: ignore[arg-type]


# --- scores and amounts ----------------------------------------------------------------------------


def test_set_outcome_checks_amounts_score_and_version(staff):
    campaign, (a1,) = build_committee(["40000"], ceiling="30000")
    outcome = outcome_for(campaign=campaign, application=a1)
    with pytest.raises(InvalidInput) as exc:
        set_outcome(
            outcome=outcome,
            committee_score=None,
            proposed_amount=D("45000"),
            expected_version=None,
            actor=staff,
        )
    assert exc.value.field == "proposed_amount" and "demandé" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        set_outcome(
            outcome=outcome,
            committee_score=None,
            proposed_amount=D("35000"),
            expected_version=None,
            actor=staff,
        )
    assert "plafond" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        set_outcome(
            outcome=outcome, committee_score=D("21"), proposed_amount=None, expected_version=None, actor=staff
        )
    assert exc.value.field == "committee_score"

    saved = set_outcome(
        outcome=outcome,
        committee_score=D("15.5"),
        proposed_amount=D("28000"),
        expected_version=outcome.version,
        actor=staff,
    )
    assert (saved.committee_score, saved.proposed_amount, saved.version) == (
        D("15.5"),
        D("28000"),
        outcome.version + 1,
    )
    assert (
        AuditEntry.objects.filter(
            action="evaluation.committee.outcome_set", target_id=str(outcome.pk)
        ).count()
        == 1
    )
    with pytest.raises(StaleVersion):
        set_outcome(
            outcome=outcome,
            committee_score=None,
            proposed_amount=None,
            expected_version=outcome.version,
            actor=staff,
        )


# --- funding ------------------------------------------------------------------------------------------


def test_funding_within_envelope_and_cut_line_moves_with_amounts(staff):
    campaign, apps = build_committee(
        ["40000", "30000", "40000", "20000", "10000", "10000"], envelope="100000"
    )
    campaign = rank_applications(
        campaign=campaign, order=[a.pk for a in apps], expected_version=None, actor=staff
    )

    plan = propose_funding(campaign=campaign, actor=staff, waiting_list_size=2)
    # 40 + 30 = 70; +40 = 110 > 100: the third starts the waiting list (no skipping ahead).
    assert plan.funded == [apps[0].pk, apps[1].pk] and plan.cut_after == apps[1].pk
    assert plan.waiting == [apps[2].pk, apps[3].pk] and plan.not_funded == [apps[4].pk, apps[5].pk]
    assert (plan.total, plan.remaining) == (D("70000"), D("30000"))
    proposals = dict(ApplicationOutcome.objects.values_list("application_id", "proposal"))
    assert proposals[apps[0].pk] == "fund" and proposals[apps[2].pk] == "waiting_list"
    assert proposals[apps[5].pk] == "not_funded"
    assert AuditEntry.objects.filter(action="evaluation.committee.funding_proposed").count() == 1

    # The committee trims the first project: the third now fits, the cut line moves down.
    outcome = ApplicationOutcome.objects.get(application=apps[0])
    set_outcome(
        outcome=outcome, committee_score=None, proposed_amount=D("30000"), expected_version=None, actor=staff
    )
    board = committee_board(campaign, staff)
    assert board.plan.cut_after == apps[2].pk and board.proposal_stale
    plan = propose_funding(campaign=campaign, actor=staff, waiting_list_size=2)
    assert plan.funded == [apps[0].pk, apps[1].pk, apps[2].pk] and plan.total == D("100000")
    assert plan.remaining == D("0")
    assert not committee_board(campaign, staff).proposal_stale


def test_funding_needs_a_full_ranking_and_an_envelope(staff):
    campaign, (a1, a2) = build_committee(["10000", "10000"], envelope=None)
    with pytest.raises(InvalidState):
        propose_funding(campaign=campaign, actor=staff)
    campaign = rank_applications(campaign=campaign, order=[a1.pk, a2.pk], expected_version=None, actor=staff)
    with pytest.raises(InvalidState):
        propose_funding(campaign=campaign, actor=staff)


def test_letters_of_intent_invite_the_top_n(staff):
    campaign, apps = build_committee(["0", "0", "0"], stage=Stage.LETTER_OF_INTENT, envelope=None)
    campaign = rank_applications(
        campaign=campaign, order=[a.pk for a in apps], expected_version=None, actor=staff
    )
    with pytest.raises(InvalidInput):
        propose_funding(campaign=campaign, actor=staff)
    plan = propose_funding(campaign=campaign, actor=staff, invite_count=2)
    assert plan.funded == [apps[0].pk, apps[1].pk]
    proposals = dict(ApplicationOutcome.objects.values_list("application_id", "proposal"))
    assert proposals == {apps[0].pk: "invite", apps[1].pk: "invite", apps[2].pk: "not_invited"}
    assert committee_board(campaign, staff).plan.cut_after == apps[1].pk


@settings(max_examples=200, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=0, max_value=60), min_size=0, max_size=25),
    envelope=st.integers(min_value=0, max_value=400),
    waiting=st.integers(min_value=0, max_value=6),
)
def test_plan_funding_properties(amounts, envelope, waiting):
    items = [(key, D(amount)) for key, amount in enumerate(amounts)]
    plan = plan_funding(items, D(envelope), waiting)
    keys = [key for key, _ in items]
    n = len(plan.funded)
    assert plan.total <= D(envelope) and plan.remaining >= 0
    assert plan.funded == keys[:n]  # a prefix in rank order
    assert plan.waiting == keys[n : n + waiting]  # the waiting list follows, first the one that did not fit
    assert plan.not_funded == keys[n + waiting :]
    assert plan.total == sum((D(a) for a in amounts[:n]), D(0))
    if n < len(items):  # funding stopped because the next one did not fit
        assert plan.total + items[n][1] > D(envelope)


# --- discussion notes --------------------------------------------------------------------------------


def test_notes_by_staff_and_rapporteurs_never_conflicted(staff, researcher):
    campaign, (a1,) = build_committee(["10000"])
    rapporteur = PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR)
    external = PoolMemberFactory(campaign=campaign, role=ReviewerRole.EXTERNAL)
    conflicted = PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR)
    ConflictFactory(member=conflicted, application=a1)

    add_discussion_note(campaign=campaign, application=a1, text="À revoir : budget", actor=staff)
    note = add_discussion_note(
        campaign=campaign, application=a1, text="Méthode convaincante", actor=rapporteur.user
    )
    assert note.author == rapporteur.user
    assert AuditEntry.objects.filter(action="evaluation.committee.note_added").count() == 2
    for intruder in (external.user, conflicted.user, researcher):
        with pytest.raises(NotAllowed):
            add_discussion_note(campaign=campaign, application=a1, text="Intrusion", actor=intruder)
    with pytest.raises(InvalidInput):
        add_discussion_note(campaign=campaign, application=a1, text="   ", actor=staff)
    assert DiscussionNote.objects.count() == 2

    campaign.status = Campaign.Status.REVIEWING
    campaign.save()
    add_discussion_note(campaign=campaign, application=a1, text="Avant la séance", actor=staff)
    with pytest.raises(InvalidState):
        add_discussion_note(campaign=campaign, application=a1, text="Trop tôt", actor=rapporteur.user)

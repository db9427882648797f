"""Services of reviews: drafts, validation per field, weighted score, stale versions, submission,
reopening by the secretariat only, and the audit of every access."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from calls.models import EvaluationCriterion
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.models import AuditEntry
from evaluation.models import Campaign, Review
from evaluation.services import reviews as services
from evaluation.tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_review(*, criteria=((Decimal(2), 5), (Decimal(1), 10)), **campaign):  # type: ignore[no-untyped-def]
    assignment = AssignmentFactory(**{f"member__campaign__{k}": v for k, v in campaign.items()})
    made = [
        EvaluationCriterion.objects.create(
            call=assignment.campaign.call, label_fr=f"Critère {i}", weight=w, scale_max=m, order=i
        )
        for i, (w, m) in enumerate(criteria)
    ]
    review = services.get_or_start_review(assignment=assignment)
    return review, made, assignment.member.user


def complete_data(criteria, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "scores": {str(c.pk): c.scale_max for c in criteria},
        "criterion_comments": {str(criteria[0].pk): "Très clair."},
        "comment_to_applicants": "Projet solide, méthodologie convaincante.",
        "comment_to_committee": "À financer en priorité.",
        "recommendation": Review.Recommendation.FUND,
        "confidence": Review.Confidence.HIGH,
    }
    data.update(overrides)
    return data


def test_get_or_start_review_is_idempotent():
    review, _, _ = make_review()
    again = services.get_or_start_review(assignment=review.assignment)
    assert again.pk == review.pk
    assert Review.objects.count() == 1
    assert review.status == Review.Status.DRAFT


def test_draft_saves_partial_data_bumps_version_and_audits():
    review, criteria, user = make_review()
    saved = services.save_review_draft(
        review=review,
        data={"comment_to_applicants": "Début de commentaire", "scores": {str(criteria[0].pk): 3}},
        expected_version=1,
        actor=user,
    )
    assert saved.version == 2
    assert saved.comment_to_applicants == "Début de commentaire"
    assert saved.scores == {str(criteria[0].pk): 3}
    assert saved.status == Review.Status.DRAFT
    entry = AuditEntry.objects.get(action="evaluation.review.draft_saved")
    assert entry.actor == user and entry.target_id == str(review.pk)
    assert set(entry.data["fields"]) == {"comment_to_applicants", "scores"}
    # clearing a score removes it, other keys stay
    cleared = services.save_review_draft(
        review=saved, data={"scores": {str(criteria[0].pk): None}}, expected_version=2, actor=user
    )
    assert cleared.scores == {} and cleared.comment_to_applicants == "Début de commentaire"


def test_draft_without_change_keeps_version():
    review, _, user = make_review()
    saved = services.save_review_draft(review=review, data={}, expected_version=1, actor=user)
    assert saved.version == 1
    assert not AuditEntry.objects.filter(action="evaluation.review.draft_saved").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"scores": {"CRIT0": 6}}, "score_CRIT0"),
        ({"scores": {"CRIT0": -1}}, "score_CRIT0"),
        ({"scores": {"CRIT0": "abc"}}, "score_CRIT0"),
        ({"scores": {"999999": 1}}, "score_999999"),
        ({"recommendation": "maybe"}, "recommendation"),
        ({"confidence": 9}, "confidence"),
    ],
)
def test_draft_rejects_invalid_values_with_their_field(data, field):  # type: ignore[no-untyped-def]
    review, criteria, user = make_review()
    crit = str(criteria[0].pk)
    data = {
        k: ({kk.replace("CRIT0", crit): vv for kk, vv in v.items()} if isinstance(v, dict) else v)
        for k, v in data.items()
    }
    with pytest.raises(InvalidInput) as exc:
        services.save_review_draft(review=review, data=data, expected_version=1, actor=user)
    assert exc.value.field == field.replace("CRIT0", crit)
    review.refresh_from_db()
    assert review.version == 1 and review.scores == {}


def test_stale_version_is_refused_with_a_clear_message():
    review, _, user = make_review()
    services.save_review_draft(
        review=review, data={"comment_to_committee": "onglet A"}, expected_version=1, actor=user
    )
    with pytest.raises(StaleVersion) as exc:
        services.save_review_draft(
            review=review, data={"comment_to_committee": "onglet B"}, expected_version=1, actor=user
        )
    assert "autre fenêtre" in exc.value.message
    review.refresh_from_db()
    assert review.comment_to_committee == "onglet A"


def test_only_the_assigned_reviewer_may_save():
    review, _, _ = make_review()
    with pytest.raises(NotAllowed):
        services.save_review_draft(
            review=review, data={"comment_to_committee": "x"}, expected_version=1, actor=UserFactory()
        )


def test_draft_refused_outside_the_review_period_unless_reopened():
    review, criteria, user = make_review(status=Campaign.Status.COMMITTEE)
    with pytest.raises(InvalidState):
        services.save_review_draft(
            review=review, data={"comment_to_committee": "x"}, expected_version=1, actor=user
        )
    Review.objects.filter(pk=review.pk).update(status=Review.Status.REOPENED)
    review.refresh_from_db()
    saved = services.save_review_draft(
        review=review, data={"comment_to_committee": "x"}, expected_version=1, actor=user
    )
    assert saved.comment_to_committee == "x"


def test_weighted_score_is_a_mark_out_of_twenty():
    review, criteria, user = make_review()  # weight 2 on 0..5, weight 1 on 0..10
    data = complete_data(criteria, scores={str(criteria[0].pk): 4, str(criteria[1].pk): 5})
    submitted = services.submit_review(review=review, data=data, expected_version=1, actor=user)
    # (2 × 4/5 + 1 × 5/10) / 3 × 20 = 14
    assert submitted.weighted_score == Decimal("14.000")
    assert submitted.status == Review.Status.SUBMITTED
    assert submitted.submitted_at is not None
    entry = AuditEntry.objects.get(action="evaluation.review.submitted")
    assert entry.data["weighted_score"] == "14.000" and entry.data["late"] is False


def test_weighted_score_with_zero_weights_counts_criteria_equally():
    criteria = [
        EvaluationCriterion(pk=1, weight=Decimal(0), scale_max=4),
        EvaluationCriterion(pk=2, weight=Decimal(0), scale_max=2),
    ]
    assert services.weighted_score({"1": 4, "2": 0}, criteria) == Decimal("10.000")
    assert services.weighted_score({"1": 4}, criteria) is None


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ("score", "score_CRIT1"),
        ("comment_to_applicants", "comment_to_applicants"),
        ("recommendation", "recommendation"),
        ("confidence", "confidence"),
    ],
)
def test_submission_requires_each_piece(missing, field):  # type: ignore[no-untyped-def]
    review, criteria, user = make_review()
    data = complete_data(criteria)
    if missing == "score":
        data["scores"][str(criteria[1].pk)] = None
    elif missing == "confidence":
        data["confidence"] = None
    else:
        data[missing] = "   " if missing == "comment_to_applicants" else ""
    with pytest.raises(InvalidInput) as exc:
        services.submit_review(review=review, data=data, expected_version=1, actor=user)
    assert exc.value.field == field.replace("CRIT1", str(criteria[1].pk))
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT and review.version == 1


def test_review_problems_lists_everything_missing():
    review, criteria, _ = make_review()
    fields = [p.field for p in services.review_problems(review, criteria)]
    assert fields == [
        f"score_{criteria[0].pk}",
        f"score_{criteria[1].pk}",
        "comment_to_applicants",
        "recommendation",
        "confidence",
    ]


def test_submission_after_the_deadline_is_accepted_and_flagged_late():
    review, criteria, user = make_review(review_deadline=timezone.now() - dt.timedelta(days=1))
    services.submit_review(review=review, data=complete_data(criteria), expected_version=1, actor=user)
    assert AuditEntry.objects.get(action="evaluation.review.submitted").data["late"] is True


def test_a_submitted_review_is_read_only():
    review, criteria, user = make_review()
    submitted = services.submit_review(
        review=review, data=complete_data(criteria), expected_version=1, actor=user
    )
    with pytest.raises(InvalidState):
        services.save_review_draft(
            review=submitted,
            data={"comment_to_committee": "après coup"},
            expected_version=submitted.version,
            actor=user,
        )


def test_reopen_by_staff_with_reason_mails_the_reviewer(staff, django_capture_on_commit_callbacks):
    review, criteria, user = make_review()
    submitted = services.submit_review(
        review=review, data=complete_data(criteria), expected_version=1, actor=user
    )
    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.reopen_review(
            review=submitted,
            reason="Le critère 2 n'est pas commenté.",
            actor=staff,
            base_url="https://x.test/",
        )
    assert reopened.status == Review.Status.REOPENED
    assert reopened.reopened_by == staff and reopened.reopen_reason == "Le critère 2 n'est pas commenté."
    entry = AuditEntry.objects.get(action="evaluation.review.reopened")
    assert entry.actor == staff and entry.data["reason"] == "Le critère 2 n'est pas commenté."
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [review.assignment.member.email]
    assert "Le critère 2 n'est pas commenté." in message.body
    assert f"https://x.test/evaluation/reviews/{review.assignment_id}/" in message.body
    # the reviewer edits and submits again
    again = services.submit_review(
        review=reopened,
        data={"comment_to_applicants": "Version revue."},
        expected_version=reopened.version,
        actor=user,
    )
    assert again.status == Review.Status.SUBMITTED and again.comment_to_applicants == "Version revue."


def test_reopen_refused_to_non_staff_without_reason_or_on_a_draft(staff):
    review, criteria, user = make_review()
    with pytest.raises(InvalidState):
        services.reopen_review(review=review, reason="motif", actor=staff)
    submitted = services.submit_review(
        review=review, data=complete_data(criteria), expected_version=1, actor=user
    )
    with pytest.raises(NotAllowed):
        services.reopen_review(review=submitted, reason="motif", actor=user)
    with pytest.raises(InvalidInput) as exc:
        services.reopen_review(review=submitted, reason="  ", actor=staff)
    assert exc.value.field == "reason"
    submitted.refresh_from_db()
    assert submitted.status == Review.Status.SUBMITTED
    assert not AuditEntry.objects.filter(action="evaluation.review.reopened").exists()


def test_record_review_access_audits_others_not_the_author(staff):
    review, _, user = make_review()
    services.record_review_access(review=review, actor=user, context="own")
    assert not AuditEntry.objects.filter(action="evaluation.review.viewed").exists()
    services.record_review_access(review=review, actor=staff, context="staff")
    entry = AuditEntry.objects.get(action="evaluation.review.viewed")
    assert entry.actor == staff and entry.target_id == str(review.pk)
    assert entry.data == {"context": "staff", "application": review.assignment.application_id}

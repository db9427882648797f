"""Reviews: drafts, submission, reopening by the secretariat, and the audit of every access to a
review's content or to an application's files by someone evaluating it.

A review's ``data`` (what a form hands to these services) is a dict with any of:
``scores`` ({criterion id (str): int | None}), ``criterion_comments`` ({criterion id: str}),
``comment_to_applicants``, ``comment_to_committee``, ``recommendation`` (a
``Review.Recommendation`` value or ""), ``confidence`` (a ``Review.Confidence`` value or None).
Keys left out are left unchanged, so a draft may be saved one field at a time.

Scores run from 0 to the criterion's ``scale_max`` (``EvaluationCriterion.scale_max`` is at least
1, so a 0..1 scale still has two marks). The **weighted score** is a mark out of 20::

    weighted_score = Σ(weight × score / scale_max) / Σ(weight) × 20

so that criteria on different scales weigh only by their weight; when every weight is zero the
criteria count equally.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_secretariat
from calls.models import Attachment, EvaluationCriterion
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.services import EmailMessage, record_audit, send_templated_email
from evaluation.models import Assignment, Campaign, Review
from evaluation.selectors.reviews import criteria_of

TEXT_KEYS = ("comment_to_applicants", "comment_to_committee")
TWENTY = Decimal(20)


@dataclass(frozen=True)
class Problem:
    """Something that keeps a review from being submitted, with the form field it concerns."""

    field: str
    message: str


def score_field(criterion_id: int | str) -> str:
    return f"score_{criterion_id}"


def weighted_score(scores: dict[str, int], criteria: list[EvaluationCriterion]) -> Decimal | None:
    """The mark out of 20 (see the module docstring), or None when a criterion is not scored."""
    if not criteria or any(scores.get(str(c.pk)) is None for c in criteria):
        return None
    weights = [Decimal(c.weight) for c in criteria]
    if sum(weights) == 0:
        weights = [Decimal(1)] * len(criteria)
    total = sum(
        (
            w * Decimal(scores[str(c.pk)]) / Decimal(c.scale_max)
            for w, c in zip(weights, criteria, strict=True)
        ),
        Decimal(0),
    )
    return (total / sum(weights) * TWENTY).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def review_problems(review: Review, criteria: list[EvaluationCriterion]) -> list[Problem]:
    """Everything missing before ``review`` can be submitted, in the form's order."""
    problems = []
    for criterion in criteria:
        if review.scores.get(str(criterion.pk)) is None:
            problems.append(
                Problem(
                    score_field(criterion.pk),
                    _("Notez le critère « %(label)s ».") % {"label": criterion.label},
                )
            )
    if not review.comment_to_applicants.strip():
        problems.append(Problem("comment_to_applicants", _("Rédigez un commentaire aux candidat·es.")))
    if not review.recommendation:
        problems.append(Problem("recommendation", _("Choisissez une recommandation.")))
    if review.confidence is None:
        problems.append(Problem("confidence", _("Indiquez votre degré de confiance.")))
    return problems


# --- checks ----------------------------------------------------------------------------------


def _check_reviewer(review: Review, actor: Any) -> None:
    member = review.assignment.member
    if actor is None or not actor.is_authenticated or member.user_id != actor.pk:
        raise NotAllowed(_("Seul·e l'évaluateur·rice désigné·e peut modifier cette évaluation."))


def _check_editable(review: Review) -> None:
    campaign = review.assignment.campaign
    if review.assignment.status != Assignment.Status.NOTIFIED:
        raise InvalidState(_("Cette affectation n'est plus active."))
    if not review.is_editable:
        raise InvalidState(
            _("Cette évaluation est rendue : seul le secrétariat peut la rouvrir pour modification.")
        )
    if campaign.status == Campaign.Status.REVIEWING:
        return
    if campaign.status == Campaign.Status.COMMITTEE and review.status == Review.Status.REOPENED:
        return
    raise InvalidState(_("La période d'évaluation de cette campagne est close."))


def _lock(review: Review, expected_version: int | None) -> Review:
    current = (
        Review.objects.select_for_update(of=("self",))
        .select_related("assignment__campaign__call", "assignment__member")
        .get(pk=review.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(
            _(
                "Cette évaluation a été enregistrée entre-temps depuis une autre fenêtre ou un autre "
                "appareil (à %(time)s). Votre saisie n'est pas perdue : elle est toujours dans ce "
                "formulaire, mais elle n'est pas enregistrée."
            )
            % {"time": timezone.localtime(current.updated_at).strftime("%H:%M")}
        )
    return current


def _int_or_none(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("Valeur invalide."), field=field) from exc


def _apply(review: Review, data: dict[str, Any], criteria: list[EvaluationCriterion]) -> list[str]:
    """Copy ``data`` onto ``review`` after checking each value; returns the changed fields."""
    changed: list[str] = []
    by_id = {str(c.pk): c for c in criteria}
    if "scores" in data:
        scores = dict(review.scores)
        for key, raw in (data["scores"] or {}).items():
            criterion = by_id.get(str(key))
            if criterion is None:
                raise InvalidInput(_("Ce critère n'appartient pas à l'appel."), field=score_field(key))
            value = _int_or_none(raw, score_field(key))
            if value is not None and not 0 <= value <= criterion.scale_max:
                raise InvalidInput(
                    _("La note doit être comprise entre 0 et %(max)s.") % {"max": criterion.scale_max},
                    field=score_field(key),
                )
            if value is None:
                scores.pop(str(key), None)
            else:
                scores[str(key)] = value
        if scores != review.scores:
            review.scores = scores
            changed.append("scores")
    if "criterion_comments" in data:
        comments = dict(review.criterion_comments)
        for key, text in (data["criterion_comments"] or {}).items():
            if str(key) not in by_id:
                raise InvalidInput(_("Ce critère n'appartient pas à l'appel."), field=f"comment_{key}")
            text = (text or "").strip()
            if text:
                comments[str(key)] = text
            else:
                comments.pop(str(key), None)
        if comments != review.criterion_comments:
            review.criterion_comments = comments
            changed.append("criterion_comments")
    for key in TEXT_KEYS:
        if key in data:
            text = (data[key] or "").strip()
            if text != getattr(review, key):
                setattr(review, key, text)
                changed.append(key)
    if "recommendation" in data:
        recommendation = data["recommendation"] or ""
        if recommendation and recommendation not in Review.Recommendation.values:
            raise InvalidInput(_("Recommandation inconnue."), field="recommendation")
        if recommendation != review.recommendation:
            review.recommendation = recommendation
            changed.append("recommendation")
    if "confidence" in data:
        confidence = _int_or_none(data["confidence"], "confidence")
        if confidence is not None and confidence not in Review.Confidence.values:
            raise InvalidInput(_("Degré de confiance inconnu."), field="confidence")
        if confidence != review.confidence:
            review.confidence = confidence
            changed.append("confidence")
    return changed


# --- the reviewer ----------------------------------------------------------------------------


@transaction.atomic
def get_or_start_review(*, assignment: Assignment) -> Review:
    """The review of ``assignment``, created as an empty draft the first time it is opened."""
    if assignment.status != Assignment.Status.NOTIFIED:
        raise InvalidState(_("Cette affectation n'est plus active."))
    review, _created = Review.objects.get_or_create(assignment=assignment)
    return review


@transaction.atomic
def save_review_draft(*, review: Review, data: dict[str, Any], expected_version: int, actor: Any) -> Review:
    """Save what the reviewer typed so far (any subset of the fields, each checked). Refused when
    someone saved in between (``StaleVersion``), after submission, or outside the review period
    (a review reopened by the secretariat may still be edited while the committee sits)."""
    current = _lock(review, expected_version)
    _check_reviewer(current, actor)
    _check_editable(current)
    criteria = criteria_of(current.assignment.campaign)
    changed = _apply(current, data, criteria)
    if changed:
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        record_audit(
            action="evaluation.review.draft_saved", actor=actor, target=current, data={"fields": changed}
        )
    return current


@transaction.atomic
def submit_review(*, review: Review, data: dict[str, Any], expected_version: int, actor: Any) -> Review:
    """Save ``data`` and submit: every criterion scored, a comment to the applicants, a
    recommendation and a confidence are required (``InvalidInput`` on the first one missing, with
    its field; ``review_problems`` lists them all). Allowed while the campaign is reviewing, even
    after the deadline (late reviews are flagged to the secretariat, not refused)."""
    current = _lock(review, expected_version)
    _check_reviewer(current, actor)
    _check_editable(current)
    criteria = criteria_of(current.assignment.campaign)
    _apply(current, data, criteria)
    problems = review_problems(current, criteria)
    if problems:
        raise InvalidInput(problems[0].message, field=problems[0].field)
    now = timezone.now()
    current.weighted_score = weighted_score(current.scores, criteria)
    late = bool(
        current.assignment.campaign.review_deadline and now > current.assignment.campaign.review_deadline
    )
    was_reopened = current.status == Review.Status.REOPENED
    current.status = Review.Status.SUBMITTED
    current.submitted_at = now
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    record_audit(
        action="evaluation.review.submitted",
        actor=actor,
        target=current,
        data={
            "weighted_score": str(current.weighted_score),
            "late": late,
            "resubmission": was_reopened,
        },
    )
    return current


# --- the secretariat -------------------------------------------------------------------------


@transaction.atomic
def reopen_review(*, review: Review, reason: str, actor: Any, base_url: str = "") -> Review:
    """Give a submitted review back to its author (secretariat only, with a reason, audited, the
    reviewer told by e-mail). Possible while reviews are open or the committee sits."""
    if not is_secretariat(actor):
        raise NotAllowed(_("Seul le secrétariat peut rouvrir une évaluation rendue."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Indiquez le motif de la réouverture."), field="reason")
    current = _lock(review, None)
    if current.status != Review.Status.SUBMITTED:
        raise InvalidState(_("Seule une évaluation rendue peut être rouverte."))
    campaign = current.assignment.campaign
    if campaign.status not in (Campaign.Status.REVIEWING, Campaign.Status.COMMITTEE):
        raise InvalidState(
            _("Les décisions de cette campagne sont prises : l'évaluation ne peut plus changer.")
        )
    current.status = Review.Status.REOPENED
    current.reopened_at = timezone.now()
    current.reopened_by = actor
    current.reopen_reason = reason
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    record_audit(action="evaluation.review.reopened", actor=actor, target=current, data={"reason": reason})
    member = current.assignment.member
    send_templated_email(
        EmailMessage(
            template="evaluation/emails/review_reopened",
            to=[member.email],
            language=member.language,
            context={
                "name": member.name,
                "application": current.assignment.application,
                "call": campaign.call,
                "campaign": campaign,
                "reason": reason,
                "url": base_url.rstrip("/") + _review_path(current.assignment) if base_url else "",
            },
        )
    )
    return current


def _review_path(assignment: Assignment) -> str:
    from django.urls import reverse

    return reverse("evaluation:review", args=[assignment.pk])


# --- audit of access -------------------------------------------------------------------------


def record_review_access(*, review: Review, actor: Any, context: str) -> None:
    """Log that ``actor`` was shown the content of ``review`` (staff page, committee page, or the
    other reviews shown to a reviewer). Not logged when authors read their own review."""
    if actor is not None and review.assignment.member.user_id == getattr(actor, "pk", None):
        return
    record_audit(
        action="evaluation.review.viewed",
        actor=actor,
        target=review,
        data={"context": context, "application": review.assignment.application_id},
    )


def record_attachment_access(*, assignment: Assignment, attachment: Attachment, actor: Any) -> None:
    """Log that a reviewer downloaded one of the files of the application they evaluate."""
    record_audit(
        action="evaluation.attachment.downloaded",
        actor=actor,
        target=assignment.application,
        data={"attachment": attachment.pk, "assignment": assignment.pk},
    )

"""Forms of the reviewers' pages: the review form built from the call's evaluation criteria,
the declaration of a conflict of interest, and the secretariat's reopening of a review.

The review form requires nothing but the version it was opened at: a draft keeps whatever was
typed, and ``evaluation.services.reviews.submit_review`` says what is missing at submission.
"""

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import EvaluationCriterion
from evaluation.models import Review
from evaluation.services.reviews import score_field


def comment_field(criterion_id: int | str) -> str:
    return f"comment_{criterion_id}"


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "review-version"}))
    # One random id per opened page: a save that raced with this page's own autosave is not a
    # conflict with another tab (see evaluation.views.reviewer._save_from_same_page).
    page = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    comment_to_applicants = forms.CharField(
        label=_("Commentaire aux candidat·es"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ce commentaire est transmis aux candidat·es avec la décision, sans votre nom ni aucun "
            "élément permettant de vous identifier. Restez factuel·le et constructif·ve."
        ),
    )
    comment_to_committee = forms.CharField(
        label=_("Commentaire confidentiel au comité"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Lu par le comité et le secrétariat uniquement ; jamais transmis aux candidat·es."),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommandation"),
        required=False,
        choices=Review.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    confidence = forms.TypedChoiceField(
        label=_("Votre degré de confiance"),
        required=False,
        choices=Review.Confidence.choices,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("Je confirme rendre cette évaluation : je ne pourrai plus la modifier."),
        required=False,
    )

    def __init__(self, *args: Any, criteria: list[EvaluationCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[score_field(criterion.pk)] = forms.TypedChoiceField(
                label=criterion.label,
                required=False,
                choices=[(str(n), str(n)) for n in range(criterion.scale_max + 1)],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
            )
            self.fields[comment_field(criterion.pk)] = forms.CharField(
                label=_("Commentaire sur ce critère"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @classmethod
    def initial_for(cls, review: Review, criteria: list[EvaluationCriterion]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": review.version,
            "page": secrets.token_hex(8),
            "comment_to_applicants": review.comment_to_applicants,
            "comment_to_committee": review.comment_to_committee,
            "recommendation": review.recommendation,
            "confidence": review.confidence,
        }
        for criterion in criteria:
            key = str(criterion.pk)
            if review.scores.get(key) is not None:
                initial[score_field(key)] = str(review.scores[key])
            initial[comment_field(key)] = review.criterion_comments.get(key, "")
        return initial

    def blocks(self) -> list[dict[str, Any]]:
        """One block per criterion (its score and comment fields), for the template."""
        return [
            {
                "criterion": c,
                "score": self[score_field(c.pk)],
                "comment": self[comment_field(c.pk)],
            }
            for c in self.criteria
        ]

    def review_data(self) -> dict[str, Any]:
        """The cleaned values in the shape ``evaluation.services.reviews`` expects."""
        data = self.cleaned_data
        return {
            "scores": {str(c.pk): data.get(score_field(c.pk)) for c in self.criteria},
            "criterion_comments": {str(c.pk): data.get(comment_field(c.pk), "") for c in self.criteria},
            "comment_to_applicants": data.get("comment_to_applicants", ""),
            "comment_to_committee": data.get("comment_to_committee", ""),
            "recommendation": data.get("recommendation", ""),
            "confidence": data.get("confidence"),
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Par exemple : collaboration en cours, co-publication récente, lien personnel, "
            "concurrence directe. Seul le secrétariat lit ce motif."
        ),
        max_length=2000,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Envoyé par e-mail à l'évaluateur·rice avec le lien vers son évaluation."),
        max_length=2000,
    )

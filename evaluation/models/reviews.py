"""Assignments of reviewers to applications and their reviews."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models import Application
from evaluation.models.campaigns import Campaign, PoolMember, ReviewerRole


class Assignment(models.Model):
    """One reviewer on one application in one role. ``Status``: proposed (by the solver or by
    hand, not yet sent) → notified (the reviewer sees it) → declined (conflict declared or
    refused) ; the review itself carries the rest. ``score`` and ``explanation`` say why the pair
    was chosen (expertise score and the evidence: closest papers, terms)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        NOTIFIED = "notified", _("Notifiée")
        DECLINED = "declined", _("Déclinée")

    class Source(models.TextChoices):
        SOLVER = "solver", _("Affectation automatique")
        MANUAL = "manual", _("Affectation manuelle")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(PoolMember, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("rôle"), max_length=20, choices=ReviewerRole.choices)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices, default=Source.SOLVER)
    score = models.FloatField(_("adéquation"), null=True, blank=True)
    explanation = models.JSONField(_("justification"), default=dict, blank=True)
    declined_reason = models.TextField(_("motif du désistement"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "role", "member__name"]
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member"],
                condition=~models.Q(status="declined"),
                name="evaluation_assignment_one_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"]), models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} → {self.application} ({self.get_role_display()})"


class Review(models.Model):
    """The review of one assignment: a score per criterion of the call (``scores`` maps the
    criterion id to an integer on its scale, ``criterion_comments`` to a comment), a comment to the
    applicants, a confidential comment to the committee, a recommendation and a confidence.
    ``Status``: draft → submitted → (reopened by staff → submitted)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Rendue")
        REOPENED = "reopened", _("Rouverte par le secrétariat")

    class Recommendation(models.TextChoices):
        FUND = "fund", _("À financer")
        FUND_IF_POSSIBLE = "fund_if_possible", _("À financer si le budget le permet")
        DO_NOT_FUND = "do_not_fund", _("À ne pas financer")

    class Confidence(models.IntegerChoices):
        LOW = 1, _("Faible : hors de mon domaine")
        MEDIUM = 2, _("Moyenne : domaine voisin")
        HIGH = 3, _("Bonne : mon domaine")
        EXPERT = 4, _("Très bonne : mon sujet exact")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    scores = models.JSONField(_("notes par critère"), default=dict, blank=True)
    criterion_comments = models.JSONField(_("commentaires par critère"), default=dict, blank=True)
    comment_to_applicants = models.TextField(_("commentaire aux candidat·es"), blank=True)
    comment_to_committee = models.TextField(_("commentaire confidentiel au comité"), blank=True)
    recommendation = models.CharField(
        _("recommandation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    confidence = models.PositiveSmallIntegerField(
        _("confiance"), choices=Confidence.choices, null=True, blank=True
    )
    weighted_score = models.DecimalField(
        _("note pondérée"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("rendue le"), null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField(_("motif de la réouverture"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self) -> str:
        return f"{self.assignment} [{self.get_status_display()}]"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.REOPENED)

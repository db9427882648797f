"""Conflicts of interest between a pool member and an application, and staff pins/forbids."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models import Application
from evaluation.models.campaigns import Campaign, PoolMember


class Conflict(models.Model):
    """A conflict of interest with its evidence. Detected conflicts are recomputed by
    ``evaluation.services.conflicts.detect_conflicts`` (one row per kind); declared ones come from
    the reviewer. A conflict is *active* unless overridden by staff with a reason (audited)."""

    class Kind(models.TextChoices):
        INSTITUTION = "institution", _("Même établissement")
        UNIT = "unit", _("Même unité")
        TEAM = "team", _("Même équipe")
        COAUTHOR = "coauthor", _("Co-publication récente")
        PARTNER = "partner", _("Partenaire du projet")
        DECLARED = "declared", _("Déclaré par l'expert·e")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    evidence = models.TextField(_("éléments"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    detected_at = models.DateTimeField(_("relevé le"), auto_now_add=True)
    overridden = models.BooleanField(_("levé par le secrétariat"), default=False)
    override_reason = models.TextField(_("motif de la levée"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "member", "kind"]
        verbose_name = _("conflit d'intérêts")
        verbose_name_plural = _("conflits d'intérêts")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member", "kind"], name="evaluation_conflict_one_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(overridden=False) | ~models.Q(override_reason=""),
                name="evaluation_conflict_override_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "overridden"])]

    def __str__(self) -> str:
        return f"{self.member} × {self.application} ({self.get_kind_display()})"

    @property
    def is_active(self) -> bool:
        return not self.overridden


class PairConstraint(models.Model):
    """A staff decision on one (application, reviewer) pair that the automatic assignment must
    respect: pinned (must be assigned) or forbidden (never assigned)."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Imposé")
        FORBID = "forbid", _("Interdit")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pair_constraints")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="pair_constraints")
    kind = models.CharField(_("contrainte"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contrainte d'affectation")
        verbose_name_plural = _("contraintes d'affectation")
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="evaluation_pair_one_constraint"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member} × {self.application}"

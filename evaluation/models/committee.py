"""The committee's work: discussion notes, ranking and funding proposal, decisions, letters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models import Application
from evaluation.models.campaigns import Campaign


class DiscussionNote(models.Model):
    """A note of the committee's discussion on one application (seen by staff and by committee
    members without a conflict on it)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="discussion_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("note de discussion")
        verbose_name_plural = _("notes de discussion")

    def __str__(self) -> str:
        return f"{self.application}: {self.text[:40]}"


class Decision(models.Model):
    """The validation of the committee's proposal by a body (e.g. the steering committee), with
    its date and reference. Recording it fixes the outcome of every application of the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="decisions")
    body = models.CharField(_("instance"), max_length=200)
    decided_on = models.DateField(_("date de la décision"))
    reference = models.CharField(_("référence (procès-verbal, délibération)"), max_length=200)
    notes = models.TextField(_("observations"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self) -> str:
        return f"{self.body} — {self.reference} ({self.decided_on})"


class ApplicationOutcome(models.Model):
    """Where an application stands in the committee's work: its rank, committee score, the amount
    proposed, the proposal (fund / waiting list / not funded; for letters of intent: invite to
    the full stage or not), then the validated decision and the letter sent."""

    class Proposal(models.TextChoices):
        FUND = "fund", _("Proposé au financement")
        WAITING_LIST = "waiting_list", _("Liste d'attente")
        NOT_FUNDED = "not_funded", _("Non retenu")
        INVITE = "invite", _("Invité au dossier complet")
        NOT_INVITED = "not_invited", _("Non invité au dossier complet")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="outcomes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outcomes")
    rank = models.PositiveIntegerField(_("rang"), null=True, blank=True)
    committee_score = models.DecimalField(
        _("note du comité"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    requested_amount = models.DecimalField(
        _("montant demandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proposed_amount = models.DecimalField(
        _("montant proposé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proposal = models.CharField(_("proposition"), max_length=20, choices=Proposal.choices, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    final = models.CharField(_("décision"), max_length=20, choices=Proposal.choices, blank=True)
    letter_language = models.CharField(
        _("langue du courrier"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    letter_sent_at = models.DateTimeField(_("courrier envoyé le"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "rank", "pk"]
        verbose_name = _("résultat d'un dossier")
        verbose_name_plural = _("résultats des dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "application"], name="evaluation_outcome_one_per_app"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} #{self.rank or '-'}"

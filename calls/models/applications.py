"""Applications to a call: the consortium of teams, budget lines, attachments, the automatic
eligibility check made at submission and the secretariat's decisions.

An application is edited while ``status`` is ``draft``; submission freezes it (every later edit
is refused by the services), stamps ``submitted_at`` and gives it a receipt number.

Who is a "winner" (used by the ``cool_off`` rule): the lead of an application whose status is
``awarded``, set by the awards domain when the governing body funds it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models.calls import Call
from calls.models.common import Stage
from calls.models.configuration import BudgetCategory, DocumentRequirement, EligibilityRule
from calls.uploads import private_storage


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Déposé")
        WITHDRAWN = "withdrawn", _("Retiré")
        ELIGIBLE = "eligible", _("Recevable et éligible")
        INELIGIBLE = "ineligible", _("Non recevable ou non éligible")
        INVITED_FULL_STAGE = "invited_full_stage", _("Invité au dossier complet")
        NOT_INVITED = "not_invited", _("Non retenu pour le dossier complet")
        UNDER_REVIEW = "under_review", _("En évaluation")
        AWARDED = "awarded", _("Financé")
        NOT_AWARDED = "not_awarded", _("Non financé")

    # States after a submission (the application was received in time).
    RECEIVED = (
        Status.SUBMITTED,
        Status.ELIGIBLE,
        Status.INELIGIBLE,
        Status.INVITED_FULL_STAGE,
        Status.NOT_INVITED,
        Status.UNDER_REVIEW,
        Status.AWARDED,
        Status.NOT_AWARDED,
    )

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("appel")
    )
    stage = models.CharField(_("étape"), max_length=10, choices=Stage.choices, default=Stage.FULL)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="full_proposals",
        verbose_name=_("lettre d'intention d'origine"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("déposant·e"),
    )
    lead_person = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_applications",
        verbose_name=_("porteur·se du projet"),
    )
    title = models.CharField(_("titre du projet"), max_length=300, blank=True)
    acronym = models.CharField(_("acronyme"), max_length=40, blank=True)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    receipt_number = models.CharField(_("numéro d'accusé de réception"), max_length=40, blank=True)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        indexes = [models.Index(fields=["call", "status"]), models.Index(fields=["applicant", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~models.Q(receipt_number=""),
                name="calls_application_unique_receipt",
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~models.Q(submission_key=""),
                name="calls_application_unique_key",
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=models.Q(parent__isnull=False),
                name="calls_application_one_full_per_loi",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True) | ~models.Q(receipt_number=""),
                name="calls_application_submitted_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.acronym or self.title or f"#{self.pk}"

    @property
    def display_title(self) -> str:
        if self.acronym and self.title:
            return f"{self.acronym} — {self.title}"
        return self.title or self.acronym or str(_("Sans titre"))

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def was_received(self) -> bool:
        return self.status in self.RECEIVED

    @property
    def deadline(self):  # type: ignore[no-untyped-def]
        return self.call.deadline_for(self.stage)


class ApplicationTeam(models.Model):
    """A team of the consortium: one lead team and any number of partners.

    The team is a directory team or a new one named in free text; its contact is a directory
    person or an e-mail address. A partner contact is invited by e-mail and, once they accept
    while signed in (``contact_user``), may edit the application like its lead.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Équipe coordinatrice")
        PARTNER = "partner", _("Équipe partenaire")

    class Invitation(models.TextChoices):
        NONE = "none", _("Sans invitation")
        PENDING = "pending", _("Invitation envoyée")
        ACCEPTED = "accepted", _("Invitation acceptée")
        DECLINED = "declined", _("Invitation déclinée")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="teams")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    team = models.ForeignKey(
        "directory.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("équipe"),
    )
    new_team_name = models.CharField(_("nouvelle équipe (hors annuaire)"), max_length=255, blank=True)
    institution = models.ForeignKey(
        "directory.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
    )
    institution_name = models.CharField(_("institution (hors annuaire)"), max_length=255, blank=True)
    contact_person = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsable dans l'équipe"),
    )
    contact_email = models.EmailField(_("e-mail du ou de la responsable"), blank=True)
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_applications",
        verbose_name=_("compte du ou de la responsable"),
    )
    invitation_status = models.CharField(
        _("invitation"), max_length=10, choices=Invitation.choices, default=Invitation.NONE
    )
    invitation_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "order", "pk"]
        verbose_name = _("équipe de la candidature")
        verbose_name_plural = _("équipes de la candidature")
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(role="lead"), name="calls_applicationteam_one_lead"
            ),
            models.CheckConstraint(
                condition=models.Q(team__isnull=False) | ~models.Q(new_team_name=""),
                name="calls_applicationteam_has_team",
            ),
        ]

    def __str__(self) -> str:
        return self.team_label

    @property
    def team_label(self) -> str:
        return self.team.name if self.team_id and self.team else self.new_team_name

    @property
    def institution_label(self) -> str:
        if self.institution_id and self.institution:
            return self.institution.short_name
        return self.institution_name

    @property
    def counts(self) -> bool:
        """Counted in the consortium (eligibility): every team but those who declined."""
        return self.invitation_status != self.Invitation.DECLINED


class BudgetLine(models.Model):
    """One line of the requested budget: an amount in euros for a team and a category.
    ``is_single_item`` marks a line that is one item (a piece of equipment) for per-item caps."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    team = models.ForeignKey(
        ApplicationTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_lines"
    )
    category = models.ForeignKey(BudgetCategory, on_delete=models.PROTECT, related_name="lines")
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    is_single_item = models.BooleanField(_("article unique"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "order", "pk"]
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="calls_budgetline_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} €"


class Attachment(models.Model):
    """A file attached to an application, stored outside the web root (``PRIVATE_MEDIA_ROOT``) and
    served only to those who may see the application. The content type is the one detected from
    the bytes (``calls.uploads``), never the one the browser announced."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(
        DocumentRequirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to="calls/applications/", storage=private_storage, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type"), max_length=100)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        ordering = ["application", "requirement__order", "pk"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"],
                condition=models.Q(requirement__isnull=False),
                name="calls_attachment_one_per_requirement",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class EligibilityCheck(models.Model):
    """The result of one rule of the automatic check made at submission (kept as it was)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Respectée")
        FAILED = "failed", _("Non respectée")
        NOT_APPLICABLE = "not_applicable", _("Sans objet")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="eligibility_checks")
    rule = models.ForeignKey(
        EligibilityRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(max_length=50)
    description = models.CharField(_("règle"), max_length=500)
    params = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(_("résultat"), max_length=20, choices=Outcome.choices)
    message = models.TextField(_("explication"), blank=True)
    checked_at = models.DateTimeField(_("vérifiée le"))

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("vérification d'éligibilité")
        verbose_name_plural = _("vérifications d'éligibilité")

    def __str__(self) -> str:
        return f"{self.code}: {self.outcome}"


class EligibilityDecision(models.Model):
    """The secretariat's decision on admissibility and eligibility, with its reason. The automatic
    check proposes; a person decides, possibly against it (``overrides_check``). The latest
    decision of an application is the one in force; earlier ones stay as history."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_decisions"
    )
    admissible = models.BooleanField(_("recevable"))
    eligible = models.BooleanField(_("éligible"))
    reason = models.TextField(_("motif"))
    automatic_outcome = models.CharField(
        _("résultat de la vérification automatique"),
        max_length=20,
        choices=EligibilityCheck.Outcome.choices,
        blank=True,
    )
    overrides_check = models.BooleanField(_("contraire à la vérification automatique"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"))

    class Meta:
        ordering = ["application", "-decided_at", "-pk"]
        verbose_name = _("décision de recevabilité et d'éligibilité")
        verbose_name_plural = _("décisions de recevabilité et d'éligibilité")

    def __str__(self) -> str:
        return f"{self.application}: {'éligible' if self.admissible and self.eligible else 'non éligible'}"

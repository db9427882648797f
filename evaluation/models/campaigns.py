"""The evaluation campaign of a call's stage and its reviewer pool."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Stage


class ReviewerRole(models.TextChoices):
    """What a reviewer is asked to do on an application (INCa model: committee rapporteurs weigh
    the reports of external reviewers; letters of intent have rapporteurs only)."""

    RAPPORTEUR = "rapporteur", _("Rapporteur·e du comité")
    EXTERNAL = "external", _("Expert·e extérieur·e")


class Campaign(models.Model):
    """The evaluation of one stage of a call: its rules (reviewers per application and role,
    loads, conflicts window, anonymity settings, deadline) and its workflow ``Status``:
    setup → reviewing → committee → decided, one service per transition."""

    class Status(models.TextChoices):
        SETUP = "setup", _("En préparation")
        REVIEWING = "reviewing", _("Évaluations en cours")
        COMMITTEE = "committee", _("Délibération du comité")
        DECIDED = "decided", _("Décisions prises")

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("appel")
    )
    stage = models.CharField(_("étape évaluée"), max_length=10, choices=Stage.choices, default=Stage.FULL)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.SETUP)
    rapporteurs_per_application = models.PositiveSmallIntegerField(_("rapporteur·es par dossier"), default=2)
    externals_per_application = models.PositiveSmallIntegerField(
        _("expert·es extérieur·es par dossier"), default=2
    )
    default_min_load = models.PositiveSmallIntegerField(_("charge minimale par défaut"), default=0)
    default_max_load = models.PositiveSmallIntegerField(_("charge maximale par défaut"), default=6)
    coauthorship_years = models.PositiveSmallIntegerField(
        _("co-publications prises en compte (années)"),
        default=5,
        help_text=_("Un·e expert·e ayant co-signé avec un·e candidat·e pendant ces années est en conflit."),
    )
    research_organisations_conflict = models.BooleanField(
        _("un organisme national de recherche commun (Inserm, CNRS…) crée un conflit"),
        default=False,
        help_text=_(
            "Non coché : seuls l'équipe, l'unité et les établissements hébergeurs (université, hôpital, "
            "centre de lutte contre le cancer…) comptent ; la tutelle nationale partagée par la plupart des "
            "unités n'est pas un conflit à elle seule."
        ),
    )
    one_per_institution = models.BooleanField(
        _("pas deux évaluateur·rices du même établissement sur un dossier"), default=True
    )
    fair_assignment = models.BooleanField(
        _("servir d'abord le dossier le moins bien servi"),
        default=False,
        help_text=_("Maximise d'abord l'expertise du dossier le moins bien pourvu, puis l'expertise totale."),
    )
    reviewers_see_other_reviews = models.BooleanField(
        _("les évaluateur·rices voient les autres évaluations après avoir rendu la leur"), default=False
    )
    review_deadline = models.DateTimeField(_("date limite des évaluations"), null=True, blank=True)
    reminder_days = models.PositiveSmallIntegerField(_("relance (jours avant la date limite)"), default=3)
    publish_committee = models.BooleanField(
        _("publier la composition du comité après la campagne"), default=False
    )
    committee_published_at = models.DateTimeField(_("comité publié le"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-call__year", "call__pk", "stage"]
        verbose_name = _("campagne d'évaluation")
        verbose_name_plural = _("campagnes d'évaluation")
        constraints = [
            models.UniqueConstraint(fields=["call", "stage"], name="evaluation_campaign_one_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.get_stage_display()}"

    def reviewers_needed(self, role: str) -> int:
        if role == ReviewerRole.RAPPORTEUR:
            return self.rapporteurs_per_application
        if role == ReviewerRole.EXTERNAL and self.stage == Stage.FULL:
            return self.externals_per_application
        return 0

    @property
    def roles(self) -> list[str]:
        """The roles asked for on each application, rapporteurs first."""
        return [role for role in ReviewerRole.values if self.reviewers_needed(role) > 0]

    @property
    def is_letter_of_intent(self) -> bool:
        return self.stage == Stage.LETTER_OF_INTENT


class PoolMember(models.Model):
    """A person asked to evaluate in a campaign: someone from the directory, or an outside expert
    invited by e-mail (their account is created when they accept). ``Status`` is the invitation's
    workflow: invited → accepted | declined (a decliner may suggest someone else, and may be
    replaced in one action)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invité·e")
        ACCEPTED = "accepted", _("A accepté")
        DECLINED = "declined", _("A décliné")
        REMOVED = "removed", _("Retiré·e du vivier")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pool")
    role = models.CharField(_("rôle"), max_length=20, choices=ReviewerRole.choices)
    person = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pool_memberships",
        verbose_name=_("personne de l'annuaire"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pool_memberships",
        verbose_name=_("compte"),
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("e-mail"))
    institution = models.ForeignKey(
        "directory.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("établissement"),
    )
    institution_name = models.CharField(_("établissement (hors annuaire)"), max_length=255, blank=True)
    language = models.CharField(
        _("langue"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    min_load = models.PositiveSmallIntegerField(_("charge minimale"), default=0)
    max_load = models.PositiveSmallIntegerField(_("charge maximale"), default=6)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.INVITED)
    invitation_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    invited_at = models.DateTimeField(_("invité·e le"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    suggestion = models.TextField(_("suggestion d'une autre personne"), blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replacements",
        verbose_name=_("remplace"),
    )
    last_reminder_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "role", "name", "pk"]
        verbose_name = _("membre du vivier d'évaluateur·rices")
        verbose_name_plural = _("vivier d'évaluateur·rices")
        indexes = [models.Index(fields=["campaign", "status"]), models.Index(fields=["user", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"],
                condition=~models.Q(status="removed"),
                name="evaluation_pool_one_email_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=models.Q(person__isnull=False) & ~models.Q(status="removed"),
                name="evaluation_pool_one_person_per_campaign",
            ),
            models.CheckConstraint(
                condition=models.Q(min_load__lte=models.F("max_load")),
                name="evaluation_pool_min_load_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def institution_label(self) -> str:
        return self.institution.name if self.institution_id and self.institution else self.institution_name

"""What the secretariat configures on a call: evaluation criteria, the application form (sections
and fields), required documents, budget categories and eligibility rules."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models.calls import Call
from calls.models.common import Bilingual, StageScope


class EvaluationCriterion(Bilingual, models.Model):
    """A heading of the review form, used by the evaluation campaign of the call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    label_fr = models.CharField(_("critère (français)"), max_length=255)
    label_en = models.CharField(_("critère (anglais)"), max_length=255, blank=True)
    description_fr = models.TextField(_("précisions (français)"), blank=True)
    description_en = models.TextField(_("précisions (anglais)"), blank=True)
    weight = models.DecimalField(
        _("poids"), max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("note maximale"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("critère d'évaluation")
        verbose_name_plural = _("critères d'évaluation")

    def __str__(self) -> str:
        return self.tr("label")

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def description(self) -> str:
        return self.tr("description")


class FormSection(Bilingual, models.Model):
    """A section of the application form of one call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sections")
    title_fr = models.CharField(_("titre (français)"), max_length=255)
    title_en = models.CharField(_("titre (anglais)"), max_length=255, blank=True)
    intro_fr = models.TextField(_("introduction (français)"), blank=True)
    intro_en = models.TextField(_("introduction (anglais)"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("section du formulaire")
        verbose_name_plural = _("sections du formulaire")

    def __str__(self) -> str:
        return self.tr("title")

    @property
    def title(self) -> str:
        return self.tr("title")


field_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,49}$",
    _("Clé technique : lettres minuscules sans accent, chiffres et « _ », commençant par une lettre."),
)


class FormField(Bilingual, models.Model):
    """A question of the application form. Answers are stored in ``Application.answers`` under
    ``key``: a string (text, long text, single choice, date as ``YYYY-MM-DD``, file reference as
    the requirement id), a list of strings (multiple choice) or a number (as a string or number).

    ``choices`` is a list of ``{"value": "...", "label_fr": "...", "label_en": "..."}``.
    """

    class Type(models.TextChoices):
        TEXT = "text", _("Texte court")
        LONG_TEXT = "long_text", _("Texte long")
        CHOICE = "choice", _("Choix unique")
        MULTIPLE_CHOICE = "multiple_choice", _("Choix multiple")
        NUMBER = "number", _("Nombre")
        DATE = "date", _("Date")
        FILE = "file", _("Document joint")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="fields")
    section = models.ForeignKey(
        FormSection, null=True, blank=True, on_delete=models.SET_NULL, related_name="fields"
    )
    key = models.CharField(_("clé technique"), max_length=50, validators=[field_key_validator])
    label_fr = models.CharField(_("libellé (français)"), max_length=255)
    label_en = models.CharField(_("libellé (anglais)"), max_length=255, blank=True)
    help_fr = models.TextField(_("aide (français)"), blank=True)
    help_en = models.TextField(_("aide (anglais)"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.TEXT)
    required = models.BooleanField(_("obligatoire"), default=False)
    max_length = models.PositiveIntegerField(_("longueur maximale (caractères)"), null=True, blank=True)
    choices = models.JSONField(_("choix proposés"), default=list, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=14, decimal_places=2, null=True, blank=True)
    document = models.ForeignKey(
        "DocumentRequirement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Pour un champ « document joint » : la pièce demandée."),
    )
    stage = models.CharField(_("étape"), max_length=10, choices=StageScope.choices, default=StageScope.ALL)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("champ du formulaire")
        verbose_name_plural = _("champs du formulaire")
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="calls_formfield_unique_key")]

    def __str__(self) -> str:
        return self.tr("label")

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def help(self) -> str:
        return self.tr("help")

    def choice_values(self) -> list[str]:
        return [str(c.get("value")) for c in self.choices or [] if isinstance(c, dict)]


class DocumentRequirement(Bilingual, models.Model):
    """A document applicants attach (CV, budget annex…), with its allowed types and size."""

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (docx)"
        XLSX = "xlsx", "Excel (xlsx)"
        ODT = "odt", "OpenDocument (odt)"
        PNG = "png", "PNG"
        JPG = "jpg", "JPEG"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents_required")
    label_fr = models.CharField(_("pièce (français)"), max_length=255)
    label_en = models.CharField(_("pièce (anglais)"), max_length=255, blank=True)
    help_fr = models.TextField(_("précisions (français)"), blank=True)
    help_en = models.TextField(_("précisions (anglais)"), blank=True)
    allowed_types = models.JSONField(_("formats acceptés"), default=list)
    max_size_mb = models.PositiveSmallIntegerField(
        _("taille maximale (Mo)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    required = models.BooleanField(_("obligatoire"), default=True)
    stage = models.CharField(_("étape"), max_length=10, choices=StageScope.choices, default=StageScope.ALL)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("pièce demandée")
        verbose_name_plural = _("pièces demandées")

    def __str__(self) -> str:
        return self.tr("label")

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def max_size_bytes(self) -> int:
        return int(self.max_size_mb) * 1024 * 1024

    def allowed_types_display(self) -> str:
        labels = dict(self.FileType.choices)
        return ", ".join(str(labels.get(t, t)) for t in self.allowed_types)


class BudgetCategory(Bilingual, models.Model):
    """A budget heading of a call. ``max_share`` (percent of the total request) and
    ``max_per_item`` (euros for one item) are checked by the budget rules when the call uses them."""

    class Kind(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel / salaires")
        EQUIPMENT = "equipment", _("Équipement")
        CONSUMABLES = "consumables", _("Consommables")
        SERVICES = "services", _("Prestations / plateformes")
        TRAVEL = "travel", _("Missions / déplacements")
        MEETINGS = "meetings", _("Réunions / événements")
        OTHER = "other", _("Autre")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="budget_categories")
    label_fr = models.CharField(_("poste (français)"), max_length=255)
    label_en = models.CharField(_("poste (anglais)"), max_length=255, blank=True)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    max_share = models.DecimalField(
        _("part maximale du total (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_per_item = models.DecimalField(
        _("plafond par article (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_salary = models.BooleanField(
        _("salaires"),
        default=False,
        help_text=_("Poste de salaires (refusé quand l'appel ne les finance pas)."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("poste budgétaire")
        verbose_name_plural = _("postes budgétaires")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_share__isnull=True)
                | (models.Q(max_share__gte=0) & models.Q(max_share__lte=100)),
                name="calls_budgetcategory_share_is_percent",
            )
        ]

    def __str__(self) -> str:
        return self.tr("label")

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def counts_as_salary(self) -> bool:
        return self.is_salary or self.kind == self.Kind.PERSONNEL


class EligibilityRule(models.Model):
    """One rule of the catalogue (``calls.eligibility``) applied to a call, with its parameters.

    ``params`` is validated against the rule's schema by the services; ``message`` replaces the
    rule's own sentence on the public page when the secretariat wants other wording.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("règle"), max_length=50)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    stage = models.CharField(_("étape"), max_length=10, choices=StageScope.choices, default=StageScope.ALL)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    message = models.CharField(_("formulation publique (facultatif)"), max_length=500, blank=True)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("règle d'éligibilité")
        verbose_name_plural = _("règles d'éligibilité")

    def __str__(self) -> str:
        return self.description

    @property
    def definition(self):  # type: ignore[no-untyped-def]
        from calls.eligibility import registry

        return registry.get(self.code)

    @property
    def description(self) -> str:
        """The plain sentence shown to applicants."""
        if self.message:
            return self.message
        definition = self.definition
        return definition.describe(self.params, call=self.call) if definition else self.code

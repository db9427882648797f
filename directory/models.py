"""The network's directory: institutions, units, teams, people, platforms, tech-transfer offices.

Identifiers are stored normalised (see ``identifiers``); the services validate them. People carry
a per-field visibility (public / network / staff) that every page and API endpoint applies
through ``selectors.visible_person_fields``.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory import identifiers


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Membres du réseau")
    STAFF = "staff", _("Secrétariat seulement")


class Keyword(models.Model):
    """An expertise keyword or technology domain, shared by people, teams and platforms."""

    label = models.CharField(_("libellé"), max_length=120)
    normalised = models.CharField(max_length=120, unique=True, editable=False)
    is_theme = models.BooleanField(
        _("thème de groupe de travail"), default=False, help_text=_("Thème d'un groupe de travail du réseau.")
    )

    class Meta:
        ordering = ["label"]
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")

    def __str__(self) -> str:
        return self.label


class Institution(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("Membre")
        PARTNER = "partner", _("Partenaire")
        OTHER = "other", _("Autre")

    class Category(models.TextChoices):
        UNIVERSITY = "university", _("Université")
        RESEARCH_ORGANISATION = "research_org", _("Organisme de recherche")
        HOSPITAL = "hospital", _("Hôpital / CHU")
        CANCER_CENTRE = "cancer_centre", _("Centre de lutte contre le cancer")
        FOUNDATION = "foundation", _("Fondation / institut")
        ASSOCIATION = "association", _("Association / réseau")
        COMPANY = "company", _("Entreprise")
        PUBLIC_BODY = "public_body", _("Organisme public")

    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    kind = models.CharField(
        _("statut dans le réseau"), max_length=20, choices=Kind.choices, default=Kind.OTHER
    )
    category = models.CharField(_("catégorie"), max_length=30, choices=Category.choices, blank=True)
    is_research_body = models.BooleanField(
        _("organisme de recherche, université ou hôpital"),
        default=True,
        help_text=_("Sert aux règles d'éligibilité : rattachement à un organisme public ou un hôpital."),
    )
    ror = models.CharField(_("identifiant ROR"), max_length=9, blank=True, db_index=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    street = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["ror"], condition=~models.Q(ror=""), name="directory_institution_unique_ror"
            ),
            models.UniqueConstraint(Lower("name"), name="directory_institution_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:institution", args=[self.pk])

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    @property
    def ror_url(self) -> str:
        return identifiers.ror_url(self.ror) if self.ror else ""


class Unit(models.Model):
    """A research unit (UMR, UPR, U…) attached to one or more parent institutions."""

    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    code = models.CharField(
        _("code"), max_length=40, blank=True, help_text=_("Par exemple UMR 144 ou U1016.")
    )
    rnsr = models.CharField(_("numéro RNSR"), max_length=10, blank=True, db_index=True)
    parents = models.ManyToManyField(
        Institution, through="UnitParent", related_name="units", verbose_name=_("tutelles")
    )
    director = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directed_units",
        verbose_name=_("directeur·rice"),
    )
    city = models.CharField(_("ville"), max_length=120, blank=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unité de recherche")
        verbose_name_plural = _("unités de recherche")
        constraints = [
            models.UniqueConstraint(
                fields=["rnsr"], condition=~models.Q(rnsr=""), name="directory_unit_unique_rnsr"
            ),
        ]

    def __str__(self) -> str:
        label = self.acronym or self.name
        return f"{label} – {self.code}" if self.code else label

    def get_absolute_url(self) -> str:
        return reverse("directory:unit", args=[self.pk])

    @property
    def rnsr_url(self) -> str:
        return identifiers.rnsr_url(self.rnsr) if self.rnsr else ""


class UnitParent(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="parent_links")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="unit_links")
    start = models.DateField(_("depuis"), null=True, blank=True)
    end = models.DateField(_("jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("tutelle")
        verbose_name_plural = _("tutelles")
        constraints = [
            models.UniqueConstraint(fields=["unit", "institution"], name="directory_unitparent_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ← {self.institution}"


class Team(models.Model):
    name = models.CharField(_("nom"), max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="teams", verbose_name=_("unité"))
    leaders = models.ManyToManyField(  # type: ignore[var-annotated]
        "Person", blank=True, related_name="led_teams", verbose_name=_("responsables")
    )
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="teams", verbose_name=_("mots-clés"))
    description = models.TextField(_("thématique"), blank=True)
    rnsr = models.CharField(_("numéro RNSR"), max_length=10, blank=True)
    website = models.URLField(_("site web"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("équipe")
        verbose_name_plural = _("équipes")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="directory_team_unique_in_unit")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:team", args=[self.pk])


class CareerStage(models.TextChoices):
    PHD_STUDENT = "phd_student", _("Doctorant·e")
    POSTDOC = "postdoc", _("Post-doctorant·e")
    RESEARCHER = "researcher", _("Chercheur·se")
    TEACHER_RESEARCHER = "teacher_researcher", _("Enseignant·e-chercheur·se")
    CLINICIAN = "clinician", _("Clinicien·ne / praticien·ne hospitalier·e")
    CLINICIAN_RESEARCHER = "clinician_researcher", _("Hospitalo-universitaire")
    ENGINEER = "engineer", _("Ingénieur·e")
    TECHNICIAN = "technician", _("Technicien·ne")
    OTHER = "other", _("Autre")


class Person(models.Model):
    """A person of the network. Field visibility is chosen by the person (``visibility``)."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Femme")
        MAN = "man", _("Homme")
        OTHER = "other", _("Autre")
        UNSAID = "", _("Non renseigné")

    # Fields a person may hide or show, with their default visibility.
    VISIBILITY_DEFAULTS: dict[str, str] = {
        "email": Visibility.NETWORK,
        "phone": Visibility.STAFF,
        "orcid": Visibility.PUBLIC,
        "idref": Visibility.PUBLIC,
        "bio": Visibility.PUBLIC,
        "keywords": Visibility.PUBLIC,
        "affiliations": Visibility.PUBLIC,
    }
    ALWAYS_PUBLIC = ("first_name", "last_name", "title", "career_stage")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    title = models.CharField(
        _("fonction"), max_length=200, blank=True, help_text=_("Par exemple : directeur de recherche Inserm.")
    )
    career_stage = models.CharField(
        _("situation"), max_length=30, choices=CareerStage.choices, default=CareerStage.RESEARCHER
    )
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    orcid = models.CharField(_("ORCID"), max_length=19, blank=True)
    idref = models.CharField(_("IdRef"), max_length=9, blank=True)
    gender = models.CharField(_("genre"), max_length=10, choices=Gender.choices, blank=True)
    bio = models.TextField(_("présentation"), blank=True, max_length=4000)
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="people", verbose_name=_("expertise"))
    visibility = models.JSONField(_("visibilité des champs"), default=dict, blank=True)
    # Denormalised, accent-free texts used by the directory search (names, keywords, affiliations):
    # one with what members of the network may see, one with only the public fields.
    search_text = models.TextField(default="", editable=False)
    public_search_text = models.TextField(default="", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        constraints = [
            models.UniqueConstraint(
                fields=["orcid"], condition=~models.Q(orcid=""), name="directory_person_unique_orcid"
            ),
            models.UniqueConstraint(
                fields=["idref"], condition=~models.Q(idref=""), name="directory_person_unique_idref"
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("directory:person", args=[self.pk])

    @property
    def full_name(self) -> str:
        return str(self)

    def visibility_of(self, field: str) -> str:
        return self.visibility.get(field) or self.VISIBILITY_DEFAULTS.get(field, Visibility.PUBLIC)

    @property
    def orcid_url(self) -> str:
        return identifiers.orcid_url(self.orcid) if self.orcid else ""

    @property
    def idref_url(self) -> str:
        return identifiers.idref_url(self.idref) if self.idref else ""


class Affiliation(models.Model):
    """A position of a person in a team / unit / institution over a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="affiliations", verbose_name=_("institution")
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliations",
        verbose_name=_("unité"),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliations",
        verbose_name=_("équipe"),
    )
    position = models.CharField(_("poste"), max_length=200, blank=True)
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)
    is_primary = models.BooleanField(_("affiliation principale"), default=False)

    class Meta:
        ordering = ["-is_primary", "-start"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="directory_affiliation_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["institution", "end"]), models.Index(fields=["team", "end"])]

    def __str__(self) -> str:
        where = self.team or self.unit or self.institution
        return f"{self.person} — {where}"

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        return self.end is None or self.end >= timezone.localdate()


class Platform(models.Model):
    """A technology platform open to the network (and often to outside users)."""

    class Label(models.TextChoices):
        NONE = "", _("Aucun")
        IBISA = "ibisa", _("IBiSA")
        IBISA_2Y = "ibisa_2y", _("IBiSA (label 2 ans)")
        IBISA_PRE = "ibisa_pre", _("IBiSA (pré-label)")
        CANCEROPOLE = "canceropole", _("Plateforme labellisée Cancéropôle")
        OTHER = "other", _("Autre label")

    name = models.CharField(_("nom"), max_length=255, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    host_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="platforms",
        verbose_name=_("établissement hébergeur"),
    )
    host_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms",
        verbose_name=_("unité hébergeuse"),
    )
    technologies = models.ManyToManyField(
        Keyword, blank=True, related_name="platforms", verbose_name=_("technologies")
    )
    description = models.TextField(_("présentation"), blank=True)
    services = models.TextField(_("offre de services"), blank=True)
    equipment = models.TextField(_("équipements"), blank=True)
    label = models.CharField(_("label"), max_length=20, choices=Label.choices, blank=True)
    label_start = models.DateField(_("labellisée depuis"), null=True, blank=True)
    label_end = models.DateField(_("label valable jusqu'au"), null=True, blank=True)
    access_conditions = models.TextField(_("conditions d'accès"), blank=True)
    pricing = models.TextField(_("tarifs (académique / industriel)"), blank=True)
    site = models.CharField(_("site"), max_length=200, blank=True)
    managers = models.ManyToManyField(
        Person, blank=True, related_name="managed_platforms", verbose_name=_("responsables")
    )
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("plateforme technologique")
        verbose_name_plural = _("plateformes technologiques")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:platform", args=[self.pk])


class TechTransferOffice(models.Model):
    """A technology-transfer office (SATT, Inserm Transfert, hospital innovation office…)."""

    name = models.CharField(_("nom"), max_length=255, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="tech_transfer_offices", verbose_name=_("institutions servies")
    )
    description = models.TextField(_("présentation"), blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("structure de valorisation")
        verbose_name_plural = _("structures de valorisation")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:tto", args=[self.pk])


class ImportJob(models.Model):
    """A directory import from a spreadsheet: dry run first, then the real run."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="imports/")
    original_name = models.CharField(max_length=255)
    dry_run = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import de l'annuaire")
        verbose_name_plural = _("imports de l'annuaire")

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

"""Research outputs: publications (and data sets, software, preprints) stored once, with their
authors in order and linked to people of the directory where the match is reliable.

Deduplication keys, in order: DOI, PMID, HAL id, then the normalised title with the year
(``title_key``). Author links carry how they were made; uncertain ones wait in a review queue.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Institution, Person, Unit


class Publication(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        REVIEW = "review", _("Revue de littérature")
        PREPRINT = "preprint", _("Prépublication")
        BOOK_CHAPTER = "chapter", _("Chapitre d'ouvrage")
        BOOK = "book", _("Ouvrage")
        CONFERENCE = "conference", _("Communication")
        THESIS = "thesis", _("Thèse")
        DATASET = "dataset", _("Jeu de données")
        SOFTWARE = "software", _("Logiciel")
        OTHER = "other", _("Autre")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.TextField(_("titre"))
    abstract = models.TextField(_("résumé"), blank=True)
    language = models.CharField(
        _("langue"), max_length=8, blank=True, help_text=_("Code ISO 639-1 (fr, en…).")
    )
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True, db_index=True)
    published_on = models.DateField(_("date de publication"), null=True, blank=True)
    venue = models.CharField(_("revue ou support"), max_length=500, blank=True)
    volume = models.CharField(_("volume"), max_length=40, blank=True)
    issue = models.CharField(_("numéro"), max_length=40, blank=True)
    pages = models.CharField(_("pages"), max_length=40, blank=True)
    doi = models.CharField(
        _("DOI"),
        max_length=255,
        blank=True,
        db_index=True,
        help_text=_("Stocké en minuscules, sans préfixe https://doi.org/."),
    )
    pmid = models.CharField(_("PMID"), max_length=20, blank=True, db_index=True)
    pmcid = models.CharField(_("PMCID"), max_length=20, blank=True)
    hal_id = models.CharField(_("identifiant HAL"), max_length=60, blank=True, db_index=True)
    keywords = models.JSONField(
        _("mots-clés"), default=list, blank=True, help_text=_("Mots-clés d'auteur et descripteurs MeSH.")
    )
    grants = models.JSONField(
        _("financements"),
        default=list,
        blank=True,
        help_text=_("Financements déclarés par la source : identifiant (ANR-21-CE17-0012…) et organisme."),
    )
    title_key = models.CharField(
        max_length=255, db_index=True, editable=False, help_text="normalised title for dedup"
    )
    sources = models.JSONField(
        default=list, blank=True, editable=False, help_text="formats it was imported from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["doi"], condition=~models.Q(doi=""), name="outputs_publication_unique_doi"
            ),
            models.UniqueConstraint(
                fields=["pmid"], condition=~models.Q(pmid=""), name="outputs_publication_unique_pmid"
            ),
            models.UniqueConstraint(
                fields=["hal_id"], condition=~models.Q(hal_id=""), name="outputs_publication_unique_hal"
            ),
        ]
        indexes = [models.Index(fields=["title_key", "year"])]

    def __str__(self) -> str:
        return f"{self.title[:120]} ({self.year})" if self.year else self.title[:120]

    def get_absolute_url(self) -> str:
        return reverse("outputs:publication", args=[self.pk])

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def hal_url(self) -> str:
        return f"https://hal.science/{self.hal_id}" if self.hal_id else ""


class Authorship(models.Model):
    """One author of a publication, in order, possibly linked to a person of the directory."""

    class Match(models.TextChoices):
        ORCID = "orcid", _("Lié par ORCID")
        NAME_AFFILIATION = "name_affiliation", _("Lié par nom et affiliation")
        CONFIRMED = "confirmed", _("Lié et confirmé par une personne")
        AMBIGUOUS = "ambiguous", _("Ambigu : à vérifier")
        UNMATCHED = "unmatched", _("Hors annuaire")
        REJECTED = "rejected", _("Lien écarté")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(_("rang"))
    name = models.CharField(_("nom tel que publié"), max_length=300)
    family_name = models.CharField(_("nom"), max_length=200, blank=True)
    given_names = models.CharField(_("prénoms"), max_length=200, blank=True)
    orcid = models.CharField(_("ORCID"), max_length=19, blank=True)
    affiliation = models.TextField(_("affiliation telle que publiée"), blank=True)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
        verbose_name=_("personne"),
    )
    match = models.CharField(
        _("lien"), max_length=20, choices=Match.choices, default=Match.UNMATCHED, db_index=True
    )

    class Meta:
        ordering = ["publication", "position"]
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"], name="outputs_authorship_unique_position"
            ),
        ]
        indexes = [models.Index(fields=["person", "publication"])]

    def __str__(self) -> str:
        return self.name


class AuthorCandidate(models.Model):
    """A possible directory person for an ambiguous author, waiting for a human decision."""

    authorship = models.ForeignKey(Authorship, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="author_candidates")
    score = models.FloatField(_("vraisemblance"))
    reason = models.CharField(_("raison"), max_length=300)

    class Meta:
        ordering = ["-score"]
        verbose_name = _("candidat pour un auteur")
        verbose_name_plural = _("candidats pour les auteurs")
        constraints = [
            models.UniqueConstraint(fields=["authorship", "person"], name="outputs_candidate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.authorship} → {self.person}"


class PublicationImport(models.Model):
    """A file of publications imported by a person (their own list) or by staff (for a unit)."""

    class Format(models.TextChoices):
        PUBMED_XML = "pubmed_xml", _("PubMed XML")
        MEDLINE = "medline", _("MEDLINE (texte)")
        BIBTEX = "bibtex", _("BibTeX")
        RIS = "ris", _("RIS")
        HAL_JSON = "hal_json", _("HAL (JSON de l'API de recherche)")
        ORCID_JSON = "orcid_json", _("ORCID (JSON de l'enregistrement)")
        CSV = "csv", _("CSV")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="publication-imports/")
    original_name = models.CharField(max_length=255)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    for_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pour la personne"),
    )
    for_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pour l'unité"),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_records = models.PositiveIntegerField(default=0)
    processed_records = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import de publications")
        verbose_name_plural = _("imports de publications")

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(100 * self.processed_records / self.total_records) if self.total_records else 0


__all__ = ["AuthorCandidate", "Authorship", "Institution", "Publication", "PublicationImport"]

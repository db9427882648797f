"""Programmes and calls (texts, dates, budget, stages), their downloadable documents and the log
of changes made after publication (``CallChange``). What is configured on a call (form,
documents, budget categories, rules, criteria) is in ``calls.models.configuration``.

Deadlines: ``opens_at`` / ``closes_at`` / ``full_stage_closes_at`` are aware datetimes stored in
UTC and entered and shown in Europe/Paris. **A deadline is inclusive**: a submission is on time
when its timestamp is at or before the deadline (``now <= closes_at``), late when it is after it,
even by a microsecond. So "at noon" accepts 11:59:59 and 12:00:00.000000, and refuses
12:00:00.000001 and 12:00:01 (see ``Call.is_on_time``).
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models.common import PARIS, Bilingual, Stage
from calls.uploads import private_storage


class Programme(Bilingual, models.Model):
    """A funding line of the network (Emergence, structuring projects…) that runs calls."""

    class Kind(models.TextChoices):
        EMERGENCE = "emergence", _("Émergence")
        PROOF_OF_CONCEPT = "proof_of_concept", _("Preuve de concept")
        STRUCTURING = "structuring", _("Projets structurants")
        PLATFORM_SUPPORT = "platform_support", _("Soutien aux plateformes")
        YOUNG_RESEARCHERS = "young_researchers", _("Jeunes chercheurs")
        MOBILITY = "mobility", _("Mobilité")
        EVENT_SUPPORT = "event_support", _("Soutien aux manifestations scientifiques")
        OTHER = "other", _("Autre")

    name_fr = models.CharField(_("nom (français)"), max_length=200, unique=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description_fr = models.TextField(_("présentation (français)"), blank=True)
    description_en = models.TextField(_("présentation (anglais)"), blank=True)
    kind = models.CharField(_("type de programme"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    is_active = models.BooleanField(_("actif"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def name(self) -> str:
        return self.tr("name")


class Call(Bilingual, models.Model):
    """A call for proposals. Its workflow is ``Status``: draft → published → closed → archived,
    one service per transition (``calls.services``). Whether a published call is upcoming, open
    or past is a matter of dates (``phase``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        CLOSED = "closed", _("Clos")
        ARCHIVED = "archived", _("Archivé")

    class Phase(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        UPCOMING = "upcoming", _("À venir")
        OPEN = "open", _("Ouvert")
        FULL_STAGE = "full_stage", _("Dossiers complets en cours")
        PAST = "past", _("Terminé")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_fr = models.CharField(_("titre (français)"), max_length=255)
    title_en = models.CharField(_("titre (anglais)"), max_length=255, blank=True)
    summary_fr = models.TextField(_("résumé (français)"), blank=True, max_length=1500)
    summary_en = models.TextField(_("résumé (anglais)"), blank=True, max_length=1500)
    text_fr = models.TextField(_("texte de l'appel (français)"), blank=True)
    text_en = models.TextField(_("texte de l'appel (anglais)"), blank=True)
    contact_email = models.EmailField(_("contact"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    budget_envelope = models.DecimalField(
        _("enveloppe budgétaire (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    ceiling_per_project = models.DecimalField(
        _("plafond par projet (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    duration_min_months = models.PositiveSmallIntegerField(_("durée minimale (mois)"), null=True, blank=True)
    duration_max_months = models.PositiveSmallIntegerField(_("durée maximale (mois)"), null=True, blank=True)
    stages = models.PositiveSmallIntegerField(
        _("nombre d'étapes"),
        choices=[(1, _("Une étape")), (2, _("Deux étapes : lettre d'intention puis dossier complet"))],
        default=1,
    )
    opens_at = models.DateTimeField(_("ouverture"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("date limite"),
        null=True,
        blank=True,
        help_text=_("Date limite de l'appel, ou des lettres d'intention pour un appel en deux étapes."),
    )
    full_stage_closes_at = models.DateTimeField(_("date limite des dossiers complets"), null=True, blank=True)
    salaries_allowed = models.BooleanField(_("salaires éligibles"), default=False)
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        verbose_name=_("copié de"),
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-closes_at", "title_fr"]
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        indexes = [models.Index(fields=["status", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(opens_at__lt=models.F("closes_at")),
                name="calls_call_opens_before_closing",
            ),
            models.CheckConstraint(
                condition=models.Q(stages__in=[1, 2]), name="calls_call_one_or_two_stages"
            ),
        ]

    def __str__(self) -> str:
        return self.tr("title")

    def get_absolute_url(self) -> str:
        return reverse("calls:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return self.tr("title")

    @property
    def summary(self) -> str:
        return self.tr("summary")

    @property
    def text(self) -> str:
        return self.tr("text")

    @property
    def is_two_stage(self) -> bool:
        return self.stages == 2

    @property
    def is_published(self) -> bool:
        """Published at some point: its rules are public and every change is recorded."""
        return self.status != self.Status.DRAFT

    @property
    def first_stage(self) -> str:
        return Stage.LETTER_OF_INTENT if self.is_two_stage else Stage.FULL

    @property
    def final_deadline(self) -> dt.datetime | None:
        return self.full_stage_closes_at if self.is_two_stage else self.closes_at

    def deadline_for(self, stage: str) -> dt.datetime | None:
        """The closing instant of ``stage`` (inclusive, see the module docstring)."""
        if self.is_two_stage and stage == Stage.FULL:
            return self.full_stage_closes_at
        return self.closes_at

    def is_on_time(self, stage: str, moment: dt.datetime) -> bool:
        deadline = self.deadline_for(stage)
        return deadline is not None and moment <= deadline

    def is_open_for(self, stage: str, moment: dt.datetime | None = None) -> bool:
        """New submissions at ``stage`` are accepted at ``moment``. The full stage of a two-stage
        call takes no new applications (only invited ones), but its deadline is checked here."""
        moment = moment or timezone.now()
        if self.status != self.Status.PUBLISHED or self.opens_at is None:
            return False
        return self.opens_at <= moment and self.is_on_time(stage, moment)

    def phase(self, moment: dt.datetime | None = None) -> str:
        moment = moment or timezone.now()
        if self.status == self.Status.DRAFT:
            return self.Phase.DRAFT
        if self.status != self.Status.PUBLISHED or self.opens_at is None or self.closes_at is None:
            return self.Phase.PAST
        if moment < self.opens_at:
            return self.Phase.UPCOMING
        if moment <= self.closes_at:
            return self.Phase.OPEN
        if self.is_two_stage and self.full_stage_closes_at and moment <= self.full_stage_closes_at:
            return self.Phase.FULL_STAGE
        return self.Phase.PAST


class CallDocument(Bilingual, models.Model):
    """A document to download from the call's page (full call text, budget template…)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    title_fr = models.CharField(_("titre (français)"), max_length=255)
    title_en = models.CharField(_("titre (anglais)"), max_length=255, blank=True)
    file = models.FileField(_("fichier"), upload_to="calls/documents/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("document de l'appel")
        verbose_name_plural = _("documents de l'appel")

    def __str__(self) -> str:
        return self.tr("title")

    @property
    def title(self) -> str:
        return self.tr("title")


class CallChange(models.Model):
    """A change made to a call after its publication: what, before, after, who and when.
    Shown to applicants on the call page ("the rules of a published call never change silently")."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(_("élément"), max_length=50)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_label = models.CharField(_("libellé"), max_length=255, blank=True)
    action = models.CharField(
        max_length=10,
        choices=[("created", _("ajout")), ("updated", _("modification")), ("deleted", _("suppression"))],
    )
    before = models.JSONField(_("avant"), default=dict, blank=True)
    after = models.JSONField(_("après"), default=dict, blank=True)
    note = models.TextField(_("explication"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("modification d'un appel publié")
        verbose_name_plural = _("modifications d'appels publiés")

    def __str__(self) -> str:
        return f"{self.call} — {self.object_label or self.object_type} ({self.action})"

    @property
    def changed_fields(self) -> list[str]:
        return sorted(set(self.before) | set(self.after))

    def rows(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) for display, dates shown in Paris time."""
        from django.apps import apps

        try:
            model = apps.get_model("calls", self.object_type)
        except LookupError:
            model = None
        out = []
        for name in self.changed_fields:
            label = name
            if model is not None:
                try:
                    label = str(model._meta.get_field(name).verbose_name)
                except Exception:  # noqa: BLE001 - a value that is not a field (e.g. "sha256")
                    label = name
            out.append((label, _display(self.before.get(name)), _display(self.after.get(name))))
        return out


def _display(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(PARIS)
        return moment.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)

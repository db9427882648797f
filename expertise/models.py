"""Stored state of the expertise search: publication vectors and the index's version counter.

Why a table and not only the engine's file cache: the vectors must survive restarts and be shared
by every web and worker process through the database they already use (SQLite or PostgreSQL),
and a vector must be known stale when its publication's text changes (``text_hash``).
"""

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _

from outputs.models import Publication


class PublicationVector(models.Model):
    """The embedding of one publication's text by one model, as float16 bytes (768 bytes for
    MiniLM's 384 dimensions; the precision lost is far below what cosine ranking notices)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="vectors")
    model = models.CharField(_("modèle"), max_length=120)
    text_hash = models.CharField(max_length=64, help_text="sha256 of the text the model read")
    dim = models.PositiveSmallIntegerField()
    vector = models.BinaryField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vecteur de publication")
        verbose_name_plural = _("vecteurs de publications")
        constraints = [
            models.UniqueConstraint(fields=["publication", "model"], name="expertise_vector_unique_model"),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} @ {self.model}"

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype=np.float16).astype(np.float32)


class IndexState(models.Model):
    """One row per index name ("default"): a version that every change bumps, so that each
    process reloads its in-memory index when the stored version differs from the one it holds;
    and the progress of a running build, shown on the search page."""

    class Status(models.TextChoices):
        READY = "ready", _("prêt")
        BUILDING = "building", _("en cours de construction")

    name = models.CharField(max_length=40, unique=True, default="default")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True, help_text="when the version last changed")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("état de l'index d'expertise")
        verbose_name_plural = _("états de l'index d'expertise")

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

"""Personal API tokens.

The secret is shown once, at creation; the table keeps only its SHA-256 hash (to find the token
from the ``Authorization`` header) and a short prefix (so that people recognise their tokens).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Every secret starts with this mark, so that a leaked token is easy to recognise (secret scanners).
SECRET_MARK = "cpidf_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = len(SECRET_MARK) + 8


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Actif")
        EXPIRED = "expired", _("Expiré")
        REVOKED = "revoked", _("Révoqué")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("compte"),
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("début du jeton"), max_length=PREFIX_LENGTH, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("portées"), default=list)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        """The token's scopes as people read them (unknown codes shown as they are)."""
        from api.permissions import get_scope

        return [str(s.label) if (s := get_scope(code)) else code for code in self.scopes]

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One line of the audit log: who did what to which object, when and from where.

    Written only by services (``core.services.record_audit``); never edited afterwards.
    """

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("auteur (texte)"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=100, blank=True, db_index=True)
    target_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True, db_index=True)
    target_label = models.CharField(_("objet"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    request_id = models.CharField(_("requête"), max_length=32, blank=True)
    data = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Network-wide roles from the brief. Roles tied to one call or body (reviewer of a call,
    rapporteur) are granted by those domains; these are the standing ones."""

    RESEARCHER = "researcher", _("Chercheur·se")
    TEAM_LEADER = "team_leader", _("Chef·fe d'équipe / directeur·rice d'unité")
    REVIEWER = "reviewer", _("Expert·e évaluateur·rice")
    COMMITTEE_MEMBER = "committee_member", _("Membre d'un comité d'évaluation")
    COPS_MEMBER = "cops_member", _("Membre du COPS / direction scientifique")
    ASSEMBLY_REPRESENTATIVE = "assembly_representative", _("Représentant·e à l'Assemblée générale")
    SECRETARIAT = "secretariat", _("Secrétariat général")
    ADMINISTRATOR = "administrator", _("Administrateur·rice")


STAFF_ROLES = frozenset({Role.SECRETARIAT, Role.ADMINISTRATOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_superuser", False)
        extra.setdefault("is_staff", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_superuser"] = True
        extra["is_staff"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. The directory's ``Person`` is the researcher's public record; a user may
    have one (most researchers) or none (an outside expert, a staff member)."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    language = models.CharField(
        _("langue préférée"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration technique"),
        default=False,
        help_text=_("Accès à l'interface d'administration Django (administrateurs techniques)."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def role_set(self) -> frozenset[str]:
        """The user's standing roles, read once per request object."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_network_staff(self) -> bool:
        return self.is_superuser or self.has_role(*STAFF_ROLES)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("rôle"), max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(_("attribué le"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attribué par"),
    )

    class Meta:
        verbose_name = _("rôle attribué")
        verbose_name_plural = _("rôles attribués")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="accounts_rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation to create an account, sent by the secretariat (sign-up by invitation)."""

    email = models.EmailField(_("adresse e-mail"))
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    roles = models.JSONField(_("rôles"), default=list, blank=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class PrivacyRequest(models.Model):
    """A data-protection request by a person about their own data (GDPR art. 15 and 17)."""

    class Kind(models.TextChoices):
        ERASURE = "erasure", _("Effacement")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        DONE = "done", _("Traitée")
        REFUSED = "refused", _("Refusée")

    user = models.ForeignKey(
        User,
        null=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
        verbose_name=_("demandeur"),
    )
    requester_label = models.CharField(_("demandeur (texte)"), max_length=255)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.ERASURE)
    reason = models.TextField(_("précisions"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    processed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    processed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    response = models.TextField(_("réponse"), blank=True)

    class Meta:
        verbose_name = _("demande RGPD")
        verbose_name_plural = _("demandes RGPD")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.requester_label}"

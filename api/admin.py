from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from api.services import revoke_token
from core.errors import DomainError


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are created by their owners (the secret is never stored); an administrator
    may revoke a leaked one."""

    list_display = (
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    exclude = ("secret_hash",)
    actions = ["revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=_("Révoquer les jetons sélectionnés"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_token(actor=request.user, token=token)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{token}: {exc.message}", messages.ERROR)
        self.message_user(request, _("%(count)d jeton(s) révoqué(s).") % {"count": done}, messages.SUCCESS)

from django.contrib import admin

from accounts.models import Invitation, PrivacyRequest, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    inlines = [RoleGrantInline]
    exclude = ("password",)


admin.site.register(Invitation)
admin.site.register(PrivacyRequest)

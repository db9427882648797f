"""Read-mostly Django admin for technical administrators; the secretariat works in the back office,
and every change goes through the services (so the admin shows, it does not edit)."""

from django.contrib import admin

from calls.models import Application, Call, CallChange, EligibilityRule, Programme


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("name_fr", "kind", "is_active")


class RuleInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0
    fields = ("code", "params", "stage", "order")
    readonly_fields = fields
    can_delete = False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("title_fr", "programme", "year", "status", "opens_at", "closes_at")
    list_filter = ("status", "programme", "year")
    search_fields = ("title_fr", "title_en")
    inlines = [RuleInline]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "call", "stage", "status", "submitted_at", "receipt_number")
    list_filter = ("status", "stage", "call")
    search_fields = ("title", "acronym", "receipt_number")
    raw_id_fields = ("applicant", "lead_person", "parent")


@admin.register(CallChange)
class CallChangeAdmin(ReadOnlyAdmin):
    list_display = ("call", "object_type", "action", "changed_at", "changed_by")

"""Django admin for publications: for looking, not for deciding. Links between authors and people
are settled through the pages (which call the services and write the audit log), so they are
read-only here."""

from django.contrib import admin

from outputs.models import AuthorCandidate, Authorship, Publication, PublicationImport


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    fields = ("position", "name", "orcid", "affiliation", "person", "match")
    readonly_fields = ("person", "match")
    raw_id_fields = ("person",)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "kind", "venue", "doi", "pmid", "hal_id")
    list_filter = ("kind", "language", "year")
    search_fields = ("title", "doi", "pmid", "hal_id")
    readonly_fields = ("title_key", "sources", "created_at", "updated_at")
    inlines = [AuthorshipInline]


@admin.register(AuthorCandidate)
class AuthorCandidateAdmin(admin.ModelAdmin):
    list_display = ("authorship", "person", "score", "reason")
    list_select_related = ("authorship", "person")
    raw_id_fields = ("authorship", "person")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(PublicationImport)
class PublicationImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "format", "status", "created_by", "for_unit", "created_at")
    list_filter = ("format", "status")
    list_select_related = ("created_by", "for_unit")
    readonly_fields = [f.name for f in PublicationImport._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

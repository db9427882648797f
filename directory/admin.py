from django.contrib import admin

from directory.models import (
    Affiliation,
    ImportJob,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "kind", "category", "ror", "city")
    list_filter = ("kind", "category")
    search_fields = ("name", "acronym", "ror")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "code", "rnsr", "city")
    search_fields = ("name", "acronym", "code", "rnsr")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "unit")
    search_fields = ("name", "unit__name")
    list_select_related = ("unit",)


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    raw_id_fields = ("unit", "team")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "career_stage", "orcid", "email")
    list_filter = ("career_stage",)
    search_fields = ("last_name", "first_name", "email", "orcid")
    inlines = [AffiliationInline]
    raw_id_fields = ("user",)


admin.site.register(Keyword)
admin.site.register(Platform)
admin.site.register(TechTransferOffice)
admin.site.register(ImportJob)

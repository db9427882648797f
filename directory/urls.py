from django.urls import path

from directory.views import backoffice, imports, maps, public

app_name = "directory"

urlpatterns = [
    # --- public and signed-in pages (directory/views/public.py) ---
    path("", public.people, name="people"),
    path("people/<int:pk>/", public.person, name="person"),
    path("teams/", public.teams, name="teams"),
    path("teams/<int:pk>/", public.team, name="team"),
    path("units/", public.units, name="units"),
    path("units/<int:pk>/", public.unit, name="unit"),
    path("institutions/", public.institutions, name="institutions"),
    path("institutions/<int:pk>/", public.institution, name="institution"),
    path("platforms/", public.platforms, name="platforms"),
    path("platforms/<int:pk>/", public.platform, name="platform"),
    path("tech-transfer/", public.offices, name="ttos"),
    path("tech-transfer/<int:pk>/", public.office, name="tto"),
    # --- map (directory/views/maps.py) ---
    path("map/", maps.network_map, name="map"),
    # --- back office (directory/views/backoffice.py) ---
    path("manage/", backoffice.dashboard, name="backoffice"),
    path("manage/people/", backoffice.object_list, {"kind": "person"}, name="bo_person_list"),
    path("manage/people/new/", backoffice.object_create, {"kind": "person"}, name="bo_person_create"),
    path("manage/people/<int:pk>/", backoffice.object_edit, {"kind": "person"}, name="bo_person_edit"),
    path("manage/teams/", backoffice.object_list, {"kind": "team"}, name="bo_team_list"),
    path("manage/teams/new/", backoffice.object_create, {"kind": "team"}, name="bo_team_create"),
    path("manage/teams/<int:pk>/", backoffice.object_edit, {"kind": "team"}, name="bo_team_edit"),
    path("manage/units/", backoffice.object_list, {"kind": "unit"}, name="bo_unit_list"),
    path("manage/units/new/", backoffice.object_create, {"kind": "unit"}, name="bo_unit_create"),
    path("manage/units/<int:pk>/", backoffice.object_edit, {"kind": "unit"}, name="bo_unit_edit"),
    path("manage/institutions/", backoffice.object_list, {"kind": "institution"}, name="bo_institution_list"),
    path(
        "manage/institutions/new/",
        backoffice.object_create,
        {"kind": "institution"},
        name="bo_institution_create",
    ),
    path(
        "manage/institutions/<int:pk>/",
        backoffice.object_edit,
        {"kind": "institution"},
        name="bo_institution_edit",
    ),
    path("manage/platforms/", backoffice.object_list, {"kind": "platform"}, name="bo_platform_list"),
    path("manage/platforms/new/", backoffice.object_create, {"kind": "platform"}, name="bo_platform_create"),
    path("manage/platforms/<int:pk>/", backoffice.object_edit, {"kind": "platform"}, name="bo_platform_edit"),
    path("manage/tech-transfer/", backoffice.object_list, {"kind": "tto"}, name="bo_tto_list"),
    path("manage/tech-transfer/new/", backoffice.object_create, {"kind": "tto"}, name="bo_tto_create"),
    path("manage/tech-transfer/<int:pk>/", backoffice.object_edit, {"kind": "tto"}, name="bo_tto_edit"),
    path("manage/people/<int:pk>/affiliations/new/", backoffice.affiliation_add, name="bo_affiliation_add"),
    path("manage/affiliations/<int:pk>/end/", backoffice.affiliation_end, name="bo_affiliation_end"),
    path("manage/affiliations/<int:pk>/remove/", backoffice.affiliation_remove, name="bo_affiliation_remove"),
    path("manage/choices/<slug:source>/", backoffice.choices, name="bo_choices"),
    path("me/edit/", backoffice.edit_own_profile, name="profile_edit"),
    # --- imports (directory/views/imports.py) ---
    path("manage/imports/", imports.import_list, name="import_list"),
    path("manage/import/", imports.import_upload, name="import"),
    path("manage/imports/<int:pk>/", imports.import_job, name="import_job"),
    path("manage/imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("manage/imports/<int:pk>/run/", imports.import_run, name="import_run"),
]

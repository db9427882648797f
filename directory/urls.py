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
    # --- imports (directory/views/imports.py) ---
]

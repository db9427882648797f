from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api.api import api

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/tokens/", include("api.urls")),
    path("account/", include("accounts.urls")),
    path("directory/", include("directory.urls")),
    path("expertise/", include("expertise.urls")),
    path("outputs/", include("outputs.urls")),
    path("calls/", include("calls.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - static files in development
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

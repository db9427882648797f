from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import privacy
from core.navigation import sections_for


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"blocks": sections_for("home", None, request.user)})


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The public record of processing: which data, why (lawful basis), for how long."""
    entries = sorted(
        (
            {
                "name": spec.model._meta.verbose_name_plural,
                "lawful_basis": spec.lawful_basis,
                "retention": spec.retention,
                "erase": spec.erase,
            }
            for spec in privacy.registered().values()
        ),
        key=lambda e: str(e["name"]),
    )
    return render(request, "core/privacy.html", {"entries": entries})

"""Expert search (public), "find collaborators" for a person (public) and reviewer suggestions
(secretariat and committees). The views parse forms, call the selectors and render; HTMX swaps
``#search-results`` when the search form changes, a plain submit does the same without script."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.permissions import require_perm
from directory.models import Affiliation, Person
from expertise import selectors
from expertise.forms import MAX_TEXT, CollaboratorsForm, ExpertSearchForm, SuggestReviewersForm

TABS = ("people", "teams", "platforms")


def _viewer_institutions(user: Any) -> tuple[int, ...]:
    if not user.is_authenticated:
        return ()
    ids = Affiliation.objects.filter(person__user=user, end__isnull=True).values_list(
        "institution_id", flat=True
    )
    return tuple(sorted(set(ids)))


def expert_search(request: HttpRequest) -> HttpResponse:
    form = ExpertSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query = (data.get("q") or "").strip()
    mine = _viewer_institutions(request.user) if data.get("exclude_mine") else ()
    filters = selectors.ExpertFilters(
        institution=data.get("institution"),
        career_stage=data.get("career_stage") or "",
        exclude_institutions=mine,
    )
    outcome = selectors.expert_search(query, filters, request.user)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "people"
    context = {
        "form": form,
        "query": query,
        "outcome": outcome,
        "tab": tab,
        "one_word": len(query.split()) == 1,
        "can_exclude_mine": request.user.is_authenticated
        and Person.objects.filter(user_id=request.user.pk).exists(),
        "exclude_mine_without_record": bool(data.get("exclude_mine")) and not mine,
    }
    template = (
        "expertise/_search_results.html" if request.headers.get("HX-Request") else "expertise/search.html"
    )
    return render(request, template, context)


def collaborators(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    form = CollaboratorsForm(request.GET or None)
    include = bool(form.is_valid() and form.cleaned_data.get("include_coauthors"))
    outcome = selectors.find_collaborators(person, request.user, exclude_coauthors=not include)
    return render(
        request,
        "expertise/collaborators.html",
        {
            "person": person,
            "form": form,
            "outcome": outcome or selectors.index_status(),
            "no_publications": outcome is None,
            "include_coauthors": include,
        },
    )


@require_perm("expertise.suggest_reviewers")
@require_http_methods(["GET", "POST"])
def suggest_reviewers(request: HttpRequest) -> HttpResponse:
    form = SuggestReviewersForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form.truncated:
            messages.warning(
                request,
                _("Le texte dépassait %(n)s caractères : seuls les %(n)s premiers ont été pris en compte.")
                % {"n": f"{MAX_TEXT:,}".replace(",", "\u202f")},
            )
        outcome = selectors.suggest_reviewers(
            data["text"],
            request.user,
            exclude_people=tuple(p.pk for p in data["exclude_people"]),
            exclude_institutions=tuple(i.pk for i in data["exclude_institutions"]),
            coauthor_years=data["coauthor_years"],
            hide_conflicts=data["hide_conflicts"],
        )
    return render(
        request,
        "expertise/suggest_reviewers.html",
        {"form": form, "outcome": outcome or selectors.index_status(), "searched": outcome is not None},
    )

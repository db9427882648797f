"""Public and signed-in directory pages: search lists and detail pages for each kind.

Everyone may read the directory; what they see of a person depends on the person's choices
(``selectors.visible_person_fields``). Lists answer HTMX requests with the results fragment only.
"""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from directory import selectors
from directory.models import CareerStage, Institution, Keyword, Platform, Team, TechTransferOffice, Unit

PAGE_SIZE = 25


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _render_list(
    request: HttpRequest,
    *,
    queryset: QuerySet,
    template: str,
    results_template: str,
    tab: str,
    **context: Any,
) -> HttpResponse:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    if queryset.model is selectors.Person:
        for row in page.object_list:
            row.visible = selectors.visible_person_fields(request.user, row)
    context.update(
        {
            "page_obj": page,
            "results": page.object_list,
            "tab": tab,
            "q": request.GET.get("q", ""),
            "results_template": results_template,
            "label": _("Rechercher"),
        }
    )
    if request.htmx and request.htmx.target == "results":
        return render(request, results_template, context)
    return render(request, template, context)


def people(request: HttpRequest) -> HttpResponse:
    filters = selectors.PersonFilters(
        q=request.GET.get("q", "").strip(),
        institution=_int(request.GET.get("institution")),
        unit=_int(request.GET.get("unit")),
        team=_int(request.GET.get("team")),
        career_stage=request.GET.get("career_stage", "")
        if request.GET.get("career_stage") in CareerStage.values
        else "",
        keyword=_int(request.GET.get("keyword")),
    )
    return _render_list(
        request,
        queryset=selectors.search_people(filters, request.user),
        template="directory/people.html",
        results_template="directory/_people_results.html",
        tab="people",
        filters=filters,
        career_stages=CareerStage.choices,
        choices=selectors.filter_choices(),
        selected_unit=Unit.objects.filter(pk=filters.unit).first() if filters.unit else None,
        selected_team=Team.objects.filter(pk=filters.team).first() if filters.team else None,
        selected_keyword=Keyword.objects.filter(pk=filters.keyword).first() if filters.keyword else None,
    )


def person(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = selectors.person_detail(pk)
    except selectors.Person.DoesNotExist as exc:
        raise Http404 from exc
    visible = selectors.visible_person_fields(request.user, record)
    is_self = request.user.is_authenticated and record.user_id == request.user.pk
    return render(
        request,
        "directory/person.html",
        {
            "person": record,
            "visible": visible,
            "is_self": is_self,
            "can_manage": request.user.has_perm("directory.manage"),
            "affiliations": list(record.affiliations.all()),
        },
    )


def teams(request: HttpRequest) -> HttpResponse:
    institution = _int(request.GET.get("institution"))
    keyword = _int(request.GET.get("keyword"))
    return _render_list(
        request,
        queryset=selectors.search_teams(request.GET.get("q", "").strip(), institution, keyword),
        template="directory/teams.html",
        results_template="directory/_teams_results.html",
        tab="teams",
        choices=selectors.filter_choices(),
        institution=institution,
        keyword=keyword,
    )


def team(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        Team.objects.select_related("unit").prefetch_related("keywords", "leaders", "unit__parents"), pk=pk
    )
    members = selectors.search_people(selectors.PersonFilters(team=record.pk), request.user)
    return render(
        request,
        "directory/team.html",
        {"team": record, "members": members, "can_manage": request.user.has_perm("directory.manage")},
    )


def units(request: HttpRequest) -> HttpResponse:
    institution = _int(request.GET.get("institution"))
    return _render_list(
        request,
        queryset=selectors.search_units(request.GET.get("q", "").strip(), institution),
        template="directory/units.html",
        results_template="directory/_units_results.html",
        tab="units",
        placeholder=_("Nom, sigle, code (UMR…), RNSR, ville"),
        choices=selectors.filter_choices(),
        institution=institution,
    )


def unit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        Unit.objects.select_related("director").prefetch_related("parent_links__institution"), pk=pk
    )
    unit_teams = selectors.search_teams().filter(unit=record)
    return render(
        request,
        "directory/unit.html",
        {
            "unit": record,
            "teams": unit_teams,
            "platforms": record.platforms.all(),
            "people_count": selectors.search_people(
                selectors.PersonFilters(unit=record.pk), request.user
            ).count(),
            "can_manage": request.user.has_perm("directory.manage"),
        },
    )


def institutions(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Institution.Kind.values else ""
    return _render_list(
        request,
        queryset=selectors.search_institutions(request.GET.get("q", "").strip(), kind, request.user),
        template="directory/institutions.html",
        results_template="directory/_institutions_results.html",
        tab="institutions",
        placeholder=_("Nom, sigle, ville, ROR"),
        kinds=Institution.Kind.choices,
        kind=kind,
    )


def institution(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Institution, pk=pk)
    return render(
        request,
        "directory/institution.html",
        {
            "institution": record,
            "units": selectors.search_units(institution=record.pk),
            "platforms": record.platforms.all(),
            "offices": record.tech_transfer_offices.all(),
            "people_count": selectors.search_people(
                selectors.PersonFilters(institution=record.pk), request.user
            ).count(),
            "can_manage": request.user.has_perm("directory.manage"),
        },
    )


def platforms(request: HttpRequest) -> HttpResponse:
    institution = _int(request.GET.get("institution"))
    technology = _int(request.GET.get("technology"))
    return _render_list(
        request,
        queryset=selectors.search_platforms(request.GET.get("q", "").strip(), institution, technology),
        template="directory/platforms.html",
        results_template="directory/_platforms_results.html",
        tab="platforms",
        placeholder=_("Technologie, service, équipement…"),
        choices=selectors.filter_choices(),
        technologies=Keyword.objects.filter(platforms__isnull=False).distinct().order_by("label"),
        institution=institution,
        technology=technology,
    )


def platform(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        Platform.objects.select_related("host_institution", "host_unit").prefetch_related(
            "technologies", "managers"
        ),
        pk=pk,
    )
    return render(
        request,
        "directory/platform.html",
        {"platform": record, "can_manage": request.user.has_perm("directory.manage")},
    )


def offices(request: HttpRequest) -> HttpResponse:
    return _render_list(
        request,
        queryset=selectors.search_offices(request.GET.get("q", "").strip()),
        template="directory/offices.html",
        results_template="directory/_offices_results.html",
        tab="offices",
        placeholder=_("Nom ou sigle"),
    )


def office(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(TechTransferOffice.objects.prefetch_related("institutions"), pk=pk)
    return render(
        request,
        "directory/office.html",
        {"office": record, "can_manage": request.user.has_perm("directory.manage")},
    )

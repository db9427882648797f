"""Reads of the directory: search with filters, and what a viewer may see of a person."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from directory.models import (
    Affiliation,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
    Visibility,
)
from directory.permissions import viewer_level
from directory.services import fold


def _terms(query: str) -> list[str]:
    return [t for t in fold(query).replace(",", " ").split() if len(t) > 1 or t.isdigit()][:8]


def shown_to(viewer: Any, field: str, prefix: str = "") -> Q:
    """Condition on people: ``field`` is visible to ``viewer``. A person who never chose keeps the
    field's default level (the JSON key is then absent, hence the explicit null test)."""
    levels = viewer_level(viewer)
    key = f"{prefix}visibility__{field}"
    default_shown = Person.VISIBILITY_DEFAULTS.get(field, Visibility.PUBLIC) in levels
    condition = Q(**{f"{key}__in": sorted(levels)})
    if default_shown:
        condition |= Q(**{f"{key}__isnull": True})
    return condition


def current_affiliations() -> QuerySet[Affiliation]:
    return Affiliation.objects.filter(end__isnull=True).select_related("institution", "unit", "team")


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    institution: int | None = None
    unit: int | None = None
    team: int | None = None
    career_stage: str = ""
    keyword: int | None = None


def search_people(filters: PersonFilters, viewer: Any = None) -> QuerySet[Person]:
    """People matching every word of the query (names, keywords, affiliations) and the filters.

    The query count is fixed: one for the page, one per prefetched relation.
    """
    qs = Person.objects.all()
    text_field = "search_text" if Visibility.NETWORK.value in viewer_level(viewer) else "public_search_text"
    for term in _terms(filters.q):
        qs = qs.filter(**{f"{text_field}__contains": term})
    current = Affiliation.objects.filter(person=OuterRef("pk"), end__isnull=True)
    if filters.institution:
        qs = qs.filter(Exists(current.filter(institution_id=filters.institution)))
    if filters.unit:
        qs = qs.filter(Exists(current.filter(unit_id=filters.unit)))
    if filters.team:
        qs = qs.filter(Exists(current.filter(team_id=filters.team)))
    if filters.institution or filters.unit or filters.team:
        qs = qs.filter(shown_to(viewer, "affiliations"))
    if filters.keyword:
        qs = qs.filter(shown_to(viewer, "keywords"))
    if filters.career_stage:
        qs = qs.filter(career_stage=filters.career_stage)
    if filters.keyword:
        qs = qs.filter(keywords__id=filters.keyword)
    return qs.order_by("last_name", "first_name", "pk").prefetch_related(
        Prefetch("affiliations", queryset=current_affiliations(), to_attr="current_affiliations"),
        "keywords",
    )


def search_teams(q: str = "", institution: int | None = None, keyword: int | None = None) -> QuerySet[Team]:
    qs = Team.objects.select_related("unit")
    for term in _terms(q):
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(unit__name__icontains=term)
            | Q(unit__acronym__icontains=term)
            | Q(keywords__normalised__contains=term)
            | Q(description__icontains=term)
        )
    if institution:
        qs = qs.filter(unit__parents__id=institution)
    if keyword:
        qs = qs.filter(keywords__id=keyword)
    return (
        qs.distinct()
        .prefetch_related("keywords", "leaders", "unit__parents")
        .annotate(member_count=Count("affiliations", filter=Q(affiliations__end__isnull=True), distinct=True))
        .order_by("name", "pk")
    )


def search_units(q: str = "", institution: int | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.all()
    for term in _terms(q):
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(acronym__icontains=term)
            | Q(code__icontains=term)
            | Q(rnsr__icontains=term)
            | Q(city__icontains=term)
        )
    if institution:
        qs = qs.filter(parents__id=institution)
    return (
        qs.distinct()
        .prefetch_related("parents")
        .annotate(team_count=Count("teams", distinct=True))
        .order_by("name", "pk")
    )


def search_institutions(q: str = "", kind: str = "", viewer: Any = None) -> QuerySet[Institution]:
    qs = Institution.objects.all()
    for term in _terms(q):
        qs = qs.filter(
            Q(name__icontains=term) | Q(acronym__icontains=term) | Q(city__icontains=term) | Q(ror=term)
        )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        people_count=Count("affiliations__person", filter=_counted_affiliations(viewer), distinct=True),
        unit_count=Count("units", distinct=True),
    ).order_by(
        Case(
            When(kind=Institution.Kind.MEMBER, then=Value(0)),
            When(kind=Institution.Kind.PARTNER, then=Value(1)),
            default=Value(2),
        ),
        "name",
    )


def search_platforms(
    q: str = "", institution: int | None = None, technology: int | None = None
) -> QuerySet[Platform]:
    qs = Platform.objects.select_related("host_institution", "host_unit")
    for term in _terms(q):
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(acronym__icontains=term)
            | Q(technologies__normalised__contains=term)
            | Q(services__icontains=term)
            | Q(equipment__icontains=term)
            | Q(description__icontains=term)
        )
    if institution:
        qs = qs.filter(host_institution_id=institution)
    if technology:
        qs = qs.filter(technologies__id=technology)
    return qs.distinct().prefetch_related("technologies").order_by("name", "pk")


def search_offices(q: str = "", institution: int | None = None) -> QuerySet[TechTransferOffice]:
    qs = TechTransferOffice.objects.all()
    for term in _terms(q):
        qs = qs.filter(Q(name__icontains=term) | Q(acronym__icontains=term) | Q(city__icontains=term))
    if institution:
        qs = qs.filter(institutions__id=institution)
    return (
        qs.distinct()
        .prefetch_related(Prefetch("institutions", queryset=Institution.objects.order_by("name", "pk")))
        .order_by("name", "pk")
    )


def visible_person_fields(viewer: Any, person: Person) -> set[str]:
    """The fields of ``person`` that ``viewer`` may read (the person always sees their own)."""
    if viewer is not None and viewer.is_authenticated and person.user_id == viewer.pk:
        return set(Person.VISIBILITY_DEFAULTS) | set(Person.ALWAYS_PUBLIC)
    levels = viewer_level(viewer)
    fields = set(Person.ALWAYS_PUBLIC)
    fields.update(f for f in Person.VISIBILITY_DEFAULTS if person.visibility_of(f) in levels)
    return fields


def person_detail(pk: int) -> Person:
    return Person.objects.prefetch_related(
        "keywords",
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("institution", "unit", "team").order_by(
                "-is_primary", "end", "-start"
            ),
        ),
        "led_teams__unit",
        "managed_platforms",
    ).get(pk=pk)


def filter_choices() -> dict[str, Any]:
    """Options for the directory's filter menus (one query each)."""
    return {
        "institutions": list(Institution.objects.order_by("name").values("id", "name", "acronym")),
        "themes": list(Keyword.objects.filter(is_theme=True).order_by("label").values("id", "label")),
    }


def network_figures() -> dict[str, int]:
    return {
        "institutions": Institution.objects.count(),
        "members": Institution.objects.filter(kind=Institution.Kind.MEMBER).count(),
        "partners": Institution.objects.filter(kind=Institution.Kind.PARTNER).count(),
        "units": Unit.objects.count(),
        "teams": Team.objects.count(),
        "people": Person.objects.count(),
        "platforms": Platform.objects.count(),
        "offices": TechTransferOffice.objects.count(),
    }


def _counted_affiliations(viewer: Any) -> Q:
    """Current affiliations that ``viewer`` may see (people may hide theirs from the public)."""
    return Q(affiliations__end__isnull=True) & shown_to(
        viewer, "affiliations", prefix="affiliations__person__"
    )


def map_points(viewer: Any = None) -> dict[str, list[dict[str, Any]]]:
    """Institutions and platforms with coordinates, with the people counted per institution
    (only people whose affiliations ``viewer`` may see)."""
    institutions = [
        {
            "id": i.pk,
            "name": i.name,
            "acronym": i.acronym,
            "kind": i.kind,
            "city": i.city,
            "lat": float(i.latitude or 0),
            "lon": float(i.longitude or 0),
            "people": i.people_count,
            "url": i.get_absolute_url(),
        }
        for i in Institution.objects.filter(latitude__isnull=False, longitude__isnull=False).annotate(
            people_count=Count("affiliations__person", filter=_counted_affiliations(viewer), distinct=True)
        )
    ]
    platforms = [
        {
            "id": p.pk,
            "name": p.name,
            "acronym": p.acronym,
            "host": p.host_institution.short_name,
            "host_id": p.host_institution_id,
            "lat": float(p.host_institution.latitude or 0),
            "lon": float(p.host_institution.longitude or 0),
            "url": p.get_absolute_url(),
        }
        for p in Platform.objects.select_related("host_institution").filter(
            host_institution__latitude__isnull=False
        )
    ]
    return {"institutions": institutions, "platforms": platforms}

"""The directory back office (secretariat) and the page where a person edits their own profile.

Views fetch, let a form from ``directory.forms`` validate, and call a service of
``directory.services``; a ``DomainError`` comes back as a form error (on its field when it names
one) and the page keeps everything that was typed. Every edit form carries the version the editor
started from, so nobody silently overwrites a colleague's change.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError, StaleVersion
from core.models import AuditEntry
from core.permissions import require_login, require_perm
from directory import services
from directory.forms import (
    CHOICE_SOURCES,
    AffiliationForm,
    EndAffiliationForm,
    InstitutionForm,
    OwnProfileForm,
    PersonForm,
    PlatformForm,
    ServiceForm,
    TeamForm,
    TechTransferOfficeForm,
    UnitForm,
    choice_items,
)
from directory.models import (
    Affiliation,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
)
from directory.selectors import (
    PersonFilters,
    network_figures,
    search_institutions,
    search_offices,
    search_people,
    search_platforms,
    search_teams,
    search_units,
)

PAGE_SIZE = 25


def _search_offices(q: str, viewer: Any = None) -> QuerySet[TechTransferOffice]:
    return search_offices(q)


@dataclass(frozen=True)
class Section:
    """One kind of record the secretariat keeps: its form, its service, its list."""

    slug: str  # URL names are bo_<slug>_list, bo_<slug>_create, bo_<slug>_edit
    model: type[Model]
    form_class: type[ServiceForm]
    save: Callable[..., Model]
    search: Callable[[str, Any], QuerySet[Any]]
    plural: Promise
    new_label: Promise
    search_hint: Promise
    public_url_name: str
    keywords: tuple[str, str] | None = None  # (form field, Keyword relation) for suggestions
    template: str = "directory/backoffice/edit.html"

    @property
    def list_name(self) -> str:
        return f"directory:bo_{self.slug}_list"

    @property
    def create_name(self) -> str:
        return f"directory:bo_{self.slug}_create"

    @property
    def edit_name(self) -> str:
        return f"directory:bo_{self.slug}_edit"

    @property
    def rows_template(self) -> str:
        return f"directory/backoffice/_rows_{self.slug}.html"


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section(
            "person",
            Person,
            PersonForm,
            services.save_person,
            lambda q, viewer: search_people(PersonFilters(q=q), viewer=viewer),
            gettext_lazy("Personnes"),
            gettext_lazy("Nouvelle personne"),
            gettext_lazy("Nom, mot-clé, équipe, unité, institution…"),
            "directory:person",
            keywords=("keywords", "people"),
            template="directory/backoffice/edit_person.html",
        ),
        Section(
            "team",
            Team,
            TeamForm,
            services.save_team,
            lambda q, viewer: search_teams(q),
            gettext_lazy("Équipes"),
            gettext_lazy("Nouvelle équipe"),
            gettext_lazy("Nom de l'équipe, unité, mot-clé…"),
            "directory:team",
            keywords=("keywords", "teams"),
        ),
        Section(
            "unit",
            Unit,
            UnitForm,
            services.save_unit,
            lambda q, viewer: search_units(q),
            gettext_lazy("Unités de recherche"),
            gettext_lazy("Nouvelle unité"),
            gettext_lazy("Nom, sigle, code (UMR 144), RNSR, ville…"),
            "directory:unit",
        ),
        Section(
            "institution",
            Institution,
            InstitutionForm,
            services.save_institution,
            lambda q, viewer: search_institutions(q),
            gettext_lazy("Institutions"),
            gettext_lazy("Nouvelle institution"),
            gettext_lazy("Nom, sigle, ville, ROR…"),
            "directory:institution",
        ),
        Section(
            "platform",
            Platform,
            PlatformForm,
            services.save_platform,
            lambda q, viewer: search_platforms(q).prefetch_related("managers"),
            gettext_lazy("Plateformes technologiques"),
            gettext_lazy("Nouvelle plateforme"),
            gettext_lazy("Nom, technologie, service, équipement…"),
            "directory:platform",
            keywords=("technologies", "platforms"),
        ),
        Section(
            "tto",
            TechTransferOffice,
            TechTransferOfficeForm,
            services.save_tech_transfer_office,
            _search_offices,
            gettext_lazy("Structures de valorisation"),
            gettext_lazy("Nouvelle structure de valorisation"),
            gettext_lazy("Nom, sigle, ville…"),
            "directory:tto",
        ),
    )
}
SECTION_BY_MODEL = {s.model._meta.label_lower: s for s in SECTIONS.values()}


def _popular_keywords(relation: str, limit: int = 16) -> list[str]:
    """The keywords most used by ``relation`` (people, teams, platforms), as suggestions."""
    rows = (
        Keyword.objects.annotate(uses=Count(relation)).filter(uses__gt=0).order_by("-uses", "label")[:limit]
    )
    return [k.label for k in rows]


def _apply_error(form: Any, exc: DomainError) -> None:
    """Put a service's error on the field it names, or at the top of the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _public_url(section: Section, obj: Model | None) -> str:
    if obj is None:
        return ""
    try:
        return reverse(section.public_url_name, args=[obj.pk])
    except NoReverseMatch:
        return ""


def _context(section: Section | None, **extra: Any) -> dict[str, Any]:
    return {"sections": SECTIONS.values(), "section": section, **extra}


# --- dashboard ------------------------------------------------------------------------------

ACTION_LABELS = {
    "created": gettext_lazy("Création"),
    "updated": gettext_lazy("Modification"),
    "deleted": gettext_lazy("Suppression"),
    "ended": gettext_lazy("Fin"),
    "linked": gettext_lazy("Liaison à un compte"),
    "seeded": gettext_lazy("Chargement"),
    "imported": gettext_lazy("Import"),
}
OBJECT_LABELS = {
    "institution": gettext_lazy("institution"),
    "unit": gettext_lazy("unité"),
    "team": gettext_lazy("équipe"),
    "person": gettext_lazy("personne"),
    "affiliation": gettext_lazy("affiliation"),
    "platform": gettext_lazy("plateforme"),
    "techtransferoffice": gettext_lazy("structure de valorisation"),
    "importjob": gettext_lazy("import de tableur"),
    "import": gettext_lazy("import de tableur"),
    "demo": gettext_lazy("jeu de démonstration"),
}


def _describe(entry: AuditEntry) -> dict[str, Any]:
    parts = entry.action.split(".")
    kind, verb = (parts[1], parts[-1]) if len(parts) >= 3 else ("", parts[-1])
    section = SECTION_BY_MODEL.get(entry.target_type)
    url = reverse(section.edit_name, args=[entry.target_id]) if section and entry.target_id.isdigit() else ""
    fields = entry.data.get("fields", []) if isinstance(entry.data, dict) else []
    return {
        "entry": entry,
        "what": ACTION_LABELS.get(verb, verb),
        "kind": OBJECT_LABELS.get(kind, kind),
        "url": url,
        "fields": [_field_label(section.model, name) for name in fields] if section else fields,
    }


def _field_label(model: type[Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@require_perm("directory.manage")
def dashboard(request: HttpRequest) -> HttpResponse:
    figures = network_figures()
    counts = [
        (SECTIONS["person"], figures["people"]),
        (SECTIONS["team"], figures["teams"]),
        (SECTIONS["unit"], figures["units"]),
        (SECTIONS["institution"], figures["institutions"]),
        (SECTIONS["platform"], figures["platforms"]),
        (SECTIONS["tto"], figures["offices"]),
    ]
    entries = AuditEntry.objects.filter(action__startswith="directory.")[:15]
    return render(
        request,
        "directory/backoffice/dashboard.html",
        _context(None, counts=counts, figures=figures, recent=[_describe(e) for e in entries]),
    )


# --- lists, creation and edition, the same way for every kind ---------------------------------


def _section_or_404(kind: str) -> Section:
    try:
        return SECTIONS[kind]
    except KeyError as exc:
        raise Http404 from exc


@require_perm("directory.manage")
def object_list(request: HttpRequest, kind: str) -> HttpResponse:
    section = _section_or_404(kind)
    q = request.GET.get("q", "").strip()[:200]
    page = Paginator(section.search(q, request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/backoffice/list.html", _context(section, page_obj=page, q=q))


@require_perm("directory.manage")
def object_create(request: HttpRequest, kind: str) -> HttpResponse:
    return _edit(request, _section_or_404(kind), None)


@require_perm("directory.manage")
def object_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    section = _section_or_404(kind)
    return _edit(request, section, get_object_or_404(section.model, pk=pk))


def _edit(request: HttpRequest, section: Section, obj: Model | None) -> HttpResponse:
    posted = request.method == "POST"
    form = section.form_class(
        request.POST if posted else None, request.FILES if posted else None, instance=obj
    )
    if section.keywords:
        field, relation = section.keywords
        form.fields[field].widget.suggestions = _popular_keywords(relation)
    stale = False
    if posted and form.is_valid():
        try:
            saved = section.save(
                actor=request.user,
                instance=obj,
                expected_version=form.expected_version if obj is not None else None,
                **form.service_kwargs(),
            )
        except DomainError as exc:
            _apply_error(form, exc)
            stale = isinstance(exc, StaleVersion)
            if obj is not None:
                obj.refresh_from_db()  # the page shows the saved record's name and version
        else:
            if obj is None:
                messages.success(request, _("« %(name)s » a été créé·e.") % {"name": saved})
            else:
                messages.success(
                    request, _("Les modifications de « %(name)s » sont enregistrées.") % {"name": saved}
                )
            return redirect(section.edit_name, saved.pk)
    return render(
        request,
        section.template,
        _context(section, form=form, obj=obj, stale=stale, **_edit_extra(section, obj)),
    )


def _edit_extra(section: Section, obj: Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    extra: dict[str, Any] = {
        "public_url": _public_url(section, obj),
        "history": [
            _describe(e)
            for e in AuditEntry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))[:10]
        ],
    }
    if isinstance(obj, Person):
        extra["affiliations"] = obj.affiliations.select_related("institution", "unit", "team").order_by(
            "end", "-is_primary", "-start"
        )
        extra["end_form"] = EndAffiliationForm()
        extra["account"] = obj.user
    return extra


# --- a person's affiliations -------------------------------------------------------------------


def _person_page(person_pk: int) -> str:
    return reverse("directory:bo_person_edit", args=[person_pk]) + "#affiliations"


@require_perm("directory.manage")
def affiliation_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    form = AffiliationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_affiliation(person=person, actor=request.user, **form.model_data())
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("L'affiliation de %(person)s est ajoutée.") % {"person": person})
            return redirect(_person_page(person.pk))
    return render(
        request,
        "directory/backoffice/affiliation_form.html",
        _context(SECTIONS["person"], form=form, person=person),
    )


@require_perm("directory.manage")
@require_POST
def affiliation_end(request: HttpRequest, pk: int) -> HttpResponse:
    affiliation = get_object_or_404(Affiliation.objects.select_related("person"), pk=pk)
    form = EndAffiliationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une date de fin valide pour terminer cette affiliation."))
    else:
        try:
            services.end_affiliation(
                affiliation=affiliation, actor=request.user, end=form.cleaned_data["end"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("L'affiliation est terminée au %(date)s.")
                % {"date": form.cleaned_data["end"].strftime("%d/%m/%Y")},
            )
    return redirect(_person_page(affiliation.person_id))


@require_perm("directory.manage")
@require_POST
def affiliation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    affiliation = get_object_or_404(Affiliation, pk=pk)
    person_pk = affiliation.person_id
    services.remove_affiliation(affiliation=affiliation, actor=request.user)
    messages.success(request, _("L'affiliation est supprimée."))
    return redirect(_person_page(person_pk))


# --- choosers: matching rows for a search box (HTMX) ------------------------------------------


@require_perm("directory.manage")
def choices(request: HttpRequest, source: str) -> HttpResponse:
    """Options for a ``SearchSelect``: the rows already chosen, then up to 20 matches."""
    spec = CHOICE_SOURCES.get(source)
    if spec is None:
        raise Http404
    field = request.GET.get("field", "")
    if not re.fullmatch(r"[a-z_]{1,40}", field):
        return HttpResponseBadRequest("field")
    selected = choice_items(source, request.GET.getlist(field))
    q = request.GET.get("q", "").strip()[:100]
    results: list[tuple[str, str]] = []
    if len(q) >= 2:
        chosen = {pk for pk, _label in selected}
        results = [
            (str(o.pk), spec.label(o)) for o in spec.search(q, request.user)[:20] if str(o.pk) not in chosen
        ]
    return render(
        request,
        "directory/backoffice/_choices.html",
        {
            "field": field,
            "multiple": request.GET.get("multiple") == "1",
            "optional": request.GET.get("optional") == "1",
            "selected": selected,
            "results": results,
            "q": q,
        },
    )


# --- a person's own profile -------------------------------------------------------------------


@require_login
def edit_own_profile(request: HttpRequest) -> HttpResponse:
    person = Person.objects.filter(user=request.user).first()
    if person is None or not request.user.has_perm("directory.edit_own_profile"):
        contact = getattr(settings, "CANCEROPOLE_CONTACT_EMAIL", "")
        return render(request, "directory/profile_edit.html", {"person": None, "contact_email": contact})
    form = OwnProfileForm(request.POST if request.method == "POST" else None, instance=person)
    form.fields["keywords"].widget.suggestions = _popular_keywords("people")
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_own_profile(
                person=person,
                actor=request.user,
                expected_version=form.expected_version,
                **form.service_kwargs(),
            )
        except DomainError as exc:
            _apply_error(form, exc)
            stale = isinstance(exc, StaleVersion)
            person.refresh_from_db()
        else:
            messages.success(
                request, _("Votre profil est enregistré. Voici votre fiche telle que vous la voyez.")
            )
            return redirect(reverse("directory:person", args=[person.pk]))
    affiliations = person.affiliations.select_related("institution", "unit", "team").order_by(
        "end", "-is_primary", "-start"
    )
    return render(
        request,
        "directory/profile_edit.html",
        {"person": person, "form": form, "stale": stale, "affiliations": affiliations},
    )

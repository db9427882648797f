"""Publication pages: the public list and page of a publication, "Mes publications" (list, import,
claim and unclaim), the secretariat's imports for a unit and its review queue of ambiguous authors.

Views check the input, call ``outputs.services`` / ``outputs.importing`` and show what the
selectors read; imports run as tasks (immediately in development and tests).
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import get_object_or_404_for, require_login, require_perm
from directory.models import Person
from outputs import importing, selectors, services
from outputs.forms import ImportForm, ReviewDecisionForm, UnitImportForm
from outputs.linking import LINKED
from outputs.models import Authorship, PublicationImport

PAGE_SIZE = 25
REPORT_ROWS_PER_PAGE = 100
RECENT_JOBS = 5
SOURCE_LABELS = {**dict(PublicationImport.Format.choices), "demo": gettext_lazy("données de démonstration")}
REPORT_FILTERS = [
    ("created", gettext_lazy("Créées")),
    ("merged", gettext_lazy("Complétées")),
    ("unchanged", gettext_lazy("Déjà connues")),
    ("rejected", gettext_lazy("Rejetées")),
]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _own_person(request: HttpRequest) -> Person | None:
    if not request.user.is_authenticated:
        return None
    return Person.objects.filter(user=request.user).first()


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


# --- public pages ---------------------------------------------------------------------------------


def publication_list(request: HttpRequest) -> HttpResponse:
    q, year = request.GET.get("q", "").strip(), _int(request.GET.get("year"))
    author = Person.objects.filter(pk=_int(request.GET.get("person")) or 0).first()
    queryset = selectors.search_publications(q, year, author.pk if author else None)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "publications": page_obj.object_list,
        "q": q,
        "year": year,
        "author": author,
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "outputs/_publication_results.html", context)
    return render(request, "outputs/publication_list.html", context)


def publication(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = selectors.publication_detail(pk)
    except selectors.Publication.DoesNotExist as exc:
        raise Http404 from exc
    me = _own_person(request)
    authors = list(record.authorships.all())
    return render(
        request,
        "outputs/publication.html",
        {
            "publication": record,
            "authors": authors,
            "links": selectors.network_links(record),
            "sources": [SOURCE_LABELS.get(s, s) for s in record.sources],
            "claimable": selectors.claimable(record, me),
            "mine": {a.pk for a in authors if me is not None and a.person_id == me.pk and a.match in LINKED},
            "linked": LINKED,
            "can_review": request.user.has_perm("outputs.review_author_links"),
        },
    )


# --- a person's own publications --------------------------------------------------------------


@require_login
def mine(request: HttpRequest) -> HttpResponse:
    me = _own_person(request)
    if me is None:
        return render(request, "outputs/mine.html", {"person": None})
    page_obj = Paginator(selectors.authorships_of(me), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outputs/mine.html",
        {
            "person": me,
            "page_obj": page_obj,
            "authorships": page_obj.object_list,
            "suggestions": list(selectors.suggestions_for(me)[:20]),
            "jobs": list(selectors.import_jobs(user=request.user)[:RECENT_JOBS]),
        },
    )


def _import_page(request: HttpRequest, form: ImportForm, *, for_unit: bool, **context: Any) -> HttpResponse:
    """The import form of a person (their own list) or of the secretariat (for a unit)."""
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.create_publication_import(
                uploaded_file=form.cleaned_data["file"],
                actor=request.user,
                format=form.cleaned_data["format"],
                for_person=None if for_unit else _own_person(request),
                for_unit=form.cleaned_data["unit"] if for_unit else None,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", exc.message)
        else:
            return redirect("outputs:import_job", pk=job.pk)
    return render(request, "outputs/import_form.html", {"form": form, "for_unit": for_unit, **context})


@require_perm("outputs.import_own")
def import_own(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    return _import_page(request, form, for_unit=False)


@require_login
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    """ "C'est moi": only an author not linked to someone else may be claimed (else 404)."""
    me = _own_person(request)
    if me is None:
        raise Http404
    free_or_mine = Q(person__isnull=True) | Q(person=me) | ~Q(match__in=LINKED)
    authorship = get_object_or_404(
        Authorship.objects.filter(free_or_mine).select_related("publication"), pk=pk
    )
    try:
        services.claim_authorship(authorship=authorship, person=me, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Vous êtes désormais lié·e à cette publication."))
    return _back(request, authorship.publication.get_absolute_url())


@require_login
@require_POST
def unclaim(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ce n'est pas moi": on one's own link or candidacy only (else 404)."""
    me = _own_person(request)
    if me is None:
        raise Http404
    authorship = get_object_or_404(
        Authorship.objects.filter(Q(person=me) | Q(candidates__person=me))
        .distinct()
        .select_related("publication"),
        pk=pk,
    )
    try:
        services.unclaim_authorship(authorship=authorship, person=me, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("C'est noté : cet auteur n'est plus lié à vous."))
    return _back(request, "outputs:mine")


# --- imports --------------------------------------------------------------------------------------


@require_perm("outputs.import_for_unit")
def import_unit(request: HttpRequest) -> HttpResponse:
    form = UnitImportForm(request.POST, request.FILES) if request.method == "POST" else UnitImportForm()
    jobs = list(selectors.import_jobs(for_units=True)[:RECENT_JOBS])
    return _import_page(request, form, for_unit=True, jobs=jobs)


def _job(request: HttpRequest, pk: int) -> PublicationImport:
    queryset = PublicationImport.objects.select_related("created_by", "for_person", "for_unit")
    return get_object_or_404_for(request.user, "outputs.view_import", queryset, pk=pk)


def _progress_context(job: PublicationImport) -> dict[str, Any]:
    percent = min(100, job.percent)
    return {
        "job": job,
        "percent": percent,
        "is_active": job.status in (job.Status.PENDING, job.Status.RUNNING),
    }


@require_login
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    action = request.GET.get("action", "")
    action = action if action in (*importing.ACTIONS, "warnings") else ""
    rows = importing.report_rows(job, action)
    page_obj = Paginator(rows, REPORT_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    counts = importing.report_counts(job)
    report = job.report or {}
    context = {
        **_progress_context(job),
        "counts": counts,
        "total_counted": sum(counts.values()),
        "filters": [(key, label, counts[key]) for key, label in REPORT_FILTERS],
        "action": action,
        "page_obj": page_obj,
        "rows": page_obj.object_list,
        "report": report,
    }
    return render(request, "outputs/import_job.html", context)


@require_login
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by the job page while the import runs; a reload once it is over."""
    job = _job(request, pk)
    response = render(request, "outputs/_import_progress.html", _progress_context(job))
    if job.status not in (job.Status.PENDING, job.Status.RUNNING):
        response["HX-Refresh"] = "true"
    return response


# --- the review queue -----------------------------------------------------------------------------


@require_perm("outputs.review_author_links")
def review_queue(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(selectors.review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "outputs/review_queue.html", {"page_obj": page_obj, "authorships": page_obj.object_list}
    )


@require_perm("outputs.review_author_links")
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    authorship = get_object_or_404(Authorship.objects.select_related("publication"), pk=pk)
    candidates = list(authorship.candidates.values_list("person_id", flat=True))
    form = ReviewDecisionForm(request.POST, candidates=candidates)
    try:
        if not form.is_valid():
            raise DomainError(str(form.errors["choice"][0]))
        choice = form.cleaned_data["choice"]
        if choice == ReviewDecisionForm.NOBODY:
            services.reject_candidates(authorship=authorship, actor=request.user)
            message = _("« %(name)s » est marqué hors annuaire.") % {"name": authorship.name}
        else:
            person = get_object_or_404(Person, pk=int(choice))
            services.confirm_candidate(authorship=authorship, person=person, actor=request.user)
            message = _("« %(name)s » est lié à %(person)s.") % {"name": authorship.name, "person": person}
    except DomainError as exc:
        if request.htmx:  # the message goes above the form, which stays as it was
            response = render(request, "outputs/_review_done.html", {"message": exc.message, "error": True})
            response["HX-Retarget"] = f"#review-{authorship.pk}-error"
            response["HX-Reswap"] = "innerHTML"
            return response
        messages.error(request, exc.message)
        return redirect("outputs:review_queue")
    if request.htmx:
        return render(request, "outputs/_review_done.html", {"message": message, "error": False})
    messages.success(request, message)
    return redirect("outputs:review_queue")

"""The secretariat's call configuration: programmes, calls (list, creation, edition with a version
check, the call's page by tab), the workflow (publish with its check list, close, archive) and the
copy of last year's call. What is configured on a call (form, documents, budget, criteria, rules,
documents to download) is edited through ``calls.views.setup_items``.

Views fetch, let a form of ``calls.forms.setup`` validate and call a service of ``calls.services``;
a ``DomainError`` comes back as a form error (on its field when it names one) and the page keeps
what was typed. Once a call is published, the services record every change (``CallChange``),
which the call's "Modifications" tab and its public page show. Staff only (``calls.manage``).
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calls import selectors, services
from calls.forms.setup import CallForm, CopyCallForm, ProgrammeForm
from calls.models import Call, Programme
from core.errors import DomainError, StaleVersion
from core.permissions import require_perm

PERM = "calls.manage"
PAGE_SIZE = 25

TABS: tuple[tuple[str, Promise], ...] = (
    ("overview", gettext_lazy("Vue d'ensemble")),
    ("form", gettext_lazy("Formulaire")),
    ("documents", gettext_lazy("Pièces demandées")),
    ("budget", gettext_lazy("Budget")),
    ("criteria", gettext_lazy("Critères d'évaluation")),
    ("rules", gettext_lazy("Éligibilité")),
    ("downloads", gettext_lazy("Documents à télécharger")),
    ("changes", gettext_lazy("Modifications")),
)


def apply_error(form: Any, exc: DomainError) -> None:
    """Put a service's error on the field it names, or at the top of the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def call_or_404(pk: int) -> Call:
    return get_object_or_404(Call.objects.select_related("programme"), pk=pk)


def tab_url(call: Call, tab: str) -> str:
    if tab == "overview":
        return reverse("calls:setup_call", args=[call.pk])
    return reverse("calls:setup_call_tab", args=[call.pk, tab])


# --- calls: list ---------------------------------------------------------------------------


@require_perm(PERM)
def call_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Call.Status.values else ""
    year = int_or_none(request.GET.get("year"))
    programme = int_or_none(request.GET.get("programme"))
    calls = selectors.setup_calls(status=status, year=year, programme_id=programme)
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/setup_list.html",
        {
            "page_obj": page,
            "statuses": Call.Status.choices,
            "years": selectors.setup_years(),
            "programmes": Programme.objects.order_by("name_fr"),
            "filters": {"status": status, "year": year, "programme": programme},
            "now": timezone.now(),
        },
    )


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- programmes ----------------------------------------------------------------------------


@require_perm(PERM)
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.order_by("-is_active", "name_fr")
    return render(request, "calls/setup_programmes.html", {"programmes": programmes})


@require_perm(PERM)
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk) if pk else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_programme(
                data=form.data_for_service(),
                actor=request.user,
                instance=programme,
                expected_version=form.expected_version if programme else None,
            )
        except DomainError as exc:
            apply_error(form, exc)
            stale = isinstance(exc, StaleVersion)
            if programme is not None:
                programme.refresh_from_db()
        else:
            messages.success(request, _("Le programme « %(name)s » est enregistré.") % {"name": saved})
            return redirect("calls:setup_programmes")
    return render(
        request, "calls/setup_programme_form.html", {"form": form, "programme": programme, "stale": stale}
    )


# --- a call: creation, edition, copy -------------------------------------------------------


@require_perm(PERM)
def call_create(request: HttpRequest) -> HttpResponse:
    return _call_form(request, None)


@require_perm(PERM)
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_form(request, call_or_404(pk))


def _call_form(request: HttpRequest, call: Call | None) -> HttpResponse:
    form = CallForm(request.POST or None, instance=call)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        try:
            if call is None:
                saved = services.create_call(programme=data.pop("programme"), data=data, actor=request.user)
            else:
                saved = services.update_call(
                    call=call,
                    data=data,
                    actor=request.user,
                    expected_version=form.expected_version,
                    note=form.change_note,
                )
        except DomainError as exc:
            apply_error(form, _date_error(exc))
            stale = isinstance(exc, StaleVersion)
            if call is not None:
                call.refresh_from_db()
        else:
            if call is None:
                messages.success(
                    request,
                    _(
                        "L'appel « %(title)s » est créé en brouillon : configurez maintenant son formulaire, ses pièces et ses règles."
                    )
                    % {"title": saved.title_fr},
                )
            else:
                messages.success(request, _("Les modifications de l'appel sont enregistrées."))
            return redirect("calls:setup_call", saved.pk)
    return render(request, "calls/setup_call_form.html", {"form": form, "call": call, "stale": stale})


def _date_error(exc: DomainError) -> DomainError:
    """A service names ``closes_at``; the form shows it on the day field."""
    if exc.field in ("opens_at", "closes_at", "full_stage_closes_at"):
        exc.field = f"{exc.field}_day"
    return exc


@require_perm(PERM)
def call_copy(request: HttpRequest) -> HttpResponse:
    initial = {}
    source_pk = int_or_none(request.GET.get("source"))
    if source_pk:
        initial["source"] = source_pk
    form = CopyCallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_call(
                source=form.cleaned_data["source"], years=form.cleaned_data["years"], actor=request.user
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Le brouillon « %(title)s » est créé à partir de l'appel %(year)s : vérifiez-le avant de le publier."
                )
                % {"title": copy.title_fr, "year": form.cleaned_data["source"].year},
            )
            return redirect("calls:setup_call", copy.pk)
    return render(request, "calls/setup_copy.html", {"form": form})


# --- a call's page, by tab -----------------------------------------------------------------


@require_perm(PERM)
def call_page(request: HttpRequest, pk: int, tab: str = "overview") -> HttpResponse:
    if tab not in dict(TABS):
        raise Http404
    call = selectors.setup_call_page(pk)
    if call is None:
        raise Http404
    now = timezone.now()
    context: dict[str, Any] = {
        "call": call,
        "tab": tab,
        "tabs": [(slug, label, tab_url(call, slug)) for slug, label in TABS],
        "phase": call.phase(now),
        "now": now,
        "checklist": selectors.publication_checklist(call, now=now)
        if call.status == Call.Status.DRAFT
        else [],
        "can_publish": call.status == Call.Status.DRAFT and not services.publication_problems(call),
        "changes": list(call.changes.all()),
    }
    if tab == "form":
        fields = list(call.fields.all())
        context["sections"] = [
            (section, [f for f in fields if f.section_id == section.pk]) for section in call.sections.all()
        ]
        context["loose_fields"] = [f for f in fields if f.section_id is None]
    return render(request, "calls/setup_call.html", context)


@require_perm(PERM)
@require_POST
def call_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    call = call_or_404(pk)
    service, done = {
        "publish": (services.publish_call, _("L'appel est publié : il apparaît sur les pages publiques.")),
        "close": (services.close_call, _("L'appel est clos.")),
        "archive": (services.archive_call, _("L'appel est archivé.")),
    }[action]
    try:
        service(call=call, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("calls:setup_call", call.pk)

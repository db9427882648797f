"""Views: conflicts of interest of a campaign (staff). The page lists them with their evidence,
runs the detection, and lets the secretariat lift a conflict with a reason or restore it; a row
updates in place with HTMX and every action also works without JavaScript.

Reads go through ``evaluation.selectors.conflicts``, writes through
``evaluation.services.conflicts``; a ``DomainError`` becomes a form error or a message.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.permissions import require_perm
from evaluation.forms.conflicts import ConflictFilterForm, OverrideForm
from evaluation.models import Campaign, Conflict
from evaluation.selectors.conflicts import campaign_conflicts, conflict_summary
from evaluation.services.conflicts import detect_conflicts, override_conflict, restore_conflict

MANAGE = "evaluation.manage"
PAGE_SIZE = 50


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("call__programme"), pk=pk)


def _conflict(campaign: Campaign, conflict_pk: int) -> Conflict:
    queryset = Conflict.objects.select_related("application", "member__institution", "overridden_by")
    return get_object_or_404(queryset, pk=conflict_pk, campaign=campaign)


def _back(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """Back to the table as it was (filters, page), or to its first page."""
    target = request.POST.get("next", "")
    default = reverse("evaluation:conflicts", args=[campaign.pk])
    if not (target.startswith(default) and url_has_allowed_host_and_scheme(target, {request.get_host()})):
        target = default
    return redirect(target)


def _row(
    request: HttpRequest,
    campaign: Campaign,
    conflict: Conflict,
    form: OverrideForm | None = None,
    error: str = "",
) -> HttpResponse:
    """One row of the table, for an HTMX swap (errors stay in the row, HTMX swaps 200s only)."""
    context = {
        "campaign": campaign,
        "conflict": conflict,
        "override_form": form,
        "row_error": error,
        "next": request.POST.get("next", ""),
    }
    return render(request, "evaluation/conflicts_row.html", context)


@require_perm(MANAGE)
def conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    form = ConflictFilterForm(request.GET or None, campaign=campaign)
    filters = form.filters()
    page_obj = Paginator(campaign_conflicts(campaign, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/conflicts.html",
        {
            "campaign": campaign,
            "summary": conflict_summary(campaign),
            "form": form,
            "page_obj": page_obj,
            "filtered": any(vars(filters).values()),
            "kinds": Conflict.Kind,
        },
    )


@require_POST
@require_perm(MANAGE)
def conflicts_detect(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    try:
        report = detect_conflicts(campaign=campaign, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, campaign)
    messages.success(
        request,
        _(
            "Détection terminée : %(total)s conflit(s) détecté(s) — %(created)s nouveau(x), %(removed)s retiré(s)."
        )
        % {"total": report.total, "created": report.created, "removed": report.removed},
    )
    if report.declined_assignments:
        messages.warning(
            request,
            ngettext(
                "%(n)d affectation tombée en conflit a été déclinée : pensez à la remplacer.",
                "%(n)d affectations tombées en conflit ont été déclinées : pensez à les remplacer.",
                len(report.declined_assignments),
            )
            % {"n": len(report.declined_assignments)},
        )
    if report.flagged_assignments:
        messages.warning(
            request,
            ngettext(
                "%(n)d évaluation déjà rendue porte sur un conflit actif : elle est conservée, à examiner.",
                "%(n)d évaluations déjà rendues portent sur un conflit actif : elles sont conservées, à examiner.",
                len(report.flagged_assignments),
            )
            % {"n": len(report.flagged_assignments)},
        )
    return _back(request, campaign)


@require_http_methods(["GET", "POST"])
@require_perm(MANAGE)
def conflict_override(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    conflict = _conflict(campaign, conflict_pk)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conflict = override_conflict(
                conflict=conflict, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if request.htmx:
                return _row(request, campaign, _conflict(campaign, conflict.pk))
            messages.success(
                request,
                _("Conflit levé : %(member)s × %(application)s.")
                % {"member": conflict.member.name, "application": conflict.application},
            )
            return _back(request, campaign)
    if request.htmx:  # the row stays open with the error (or shows the state it is now in)
        fresh = _conflict(campaign, conflict.pk)
        return _row(request, campaign, fresh, form, error=" ".join(str(e) for e in form.non_field_errors()))
    return render(
        request,
        "evaluation/conflicts_override.html",
        {"campaign": campaign, "conflict": conflict, "form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@require_POST
@require_perm(MANAGE)
def conflict_restore(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    conflict = _conflict(campaign, conflict_pk)
    try:
        restore_conflict(conflict=conflict, actor=request.user)
    except DomainError as exc:
        if request.htmx:
            return _row(request, campaign, _conflict(campaign, conflict.pk), error=exc.message)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _row(request, campaign, _conflict(campaign, conflict.pk))
        messages.success(
            request,
            _("Conflit rétabli : %(member)s × %(application)s.")
            % {"member": conflict.member.name, "application": conflict.application},
        )
    return _back(request, campaign)

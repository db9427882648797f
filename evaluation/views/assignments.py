"""Views: the staff assignment page of a campaign (automatic run, pins and forbids, manual
additions, removals, replacement of decliners, notification of the reviewers).

Every view needs ``evaluation.manage`` (anonymous → login, others → 403). Reads go through
``evaluation.selectors.assignment_board``, writes through ``evaluation.services.assignment``;
a ``DomainError`` becomes a message (or, for a failed run, the explained reasons on the page).
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.permissions import require_perm
from evaluation.forms.assignment import AddAssignmentForm, PairConstraintForm
from evaluation.models import Assignment, Campaign
from evaluation.selectors.assignment_board import assignment_board
from evaluation.services import assignment as services
from evaluation.services import assignment_edits as edits

MANAGE = "evaluation.manage"


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("call__programme"), pk=pk)


def _assignment(campaign: Campaign, assignment_pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("campaign", "application", "member"),
        pk=assignment_pk,
        campaign=campaign,
    )


def _page_url(campaign: Campaign, application_id: int | None = None) -> str:
    url = reverse("evaluation:assignment", kwargs={"pk": campaign.pk})
    return f"{url}#application-{application_id}" if application_id else url


def _render_page(request: HttpRequest, campaign: Campaign, **extra: Any) -> HttpResponse:
    board = assignment_board(campaign, page_number=request.GET.get("page", 1))
    return render(
        request,
        "evaluation/assignment.html",
        {
            "campaign": campaign,
            "board": board,
            "editable": campaign.status in services.EDITABLE_STATES,
            "may_notify": campaign.status == Campaign.Status.REVIEWING,
            **extra,
        },
    )


@require_GET
@require_perm(MANAGE)
def assignment(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_page(request, _campaign(pk))


@require_POST
@require_perm(MANAGE)
def assignment_run(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    try:
        run = services.run_assignment(campaign=campaign, actor=request.user)
    except services.AssignmentNotPossible as exc:
        return _render_page(request, campaign, reasons=exc.reasons, failure=exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_page_url(campaign))
    messages.success(
        request,
        _(
            "Affectation optimale calculée en %(seconds)s s : %(created)d affectation(s) proposée(s), expertise totale %(total)s."
        )
        % {
            "seconds": number_format(run.solve_seconds, 3),
            "created": run.created,
            "total": number_format(run.total_score, 2),
        },
    )
    return redirect(_page_url(campaign))


@require_POST
@require_perm(MANAGE)
def assignment_pair(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    form = PairConstraintForm(request.POST, campaign=campaign)
    error = ""
    application_id = None
    if form.is_valid():
        application_id = form.cleaned_data["application"].pk
        try:
            edits.set_pair_constraint(
                campaign=campaign,
                application=form.cleaned_data["application"],
                member=form.cleaned_data["member"],
                kind=form.kind,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = _("Paire ou contrainte invalide.")
    if request.headers.get("HX-Request") and application_id is not None:
        board = assignment_board(campaign, application_id=application_id)
        return render(
            request,
            "evaluation/assignment_application.html",
            {
                "campaign": campaign,
                "board": board,
                "row": board.rows[0],
                "editable": True,
                "row_error": error,
                "row_notice": ""
                if error
                else _("Contrainte enregistrée : relancez l'affectation pour en tenir compte."),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Contrainte enregistrée : relancez l'affectation pour en tenir compte."))
    return redirect(_page_url(campaign, application_id))


@require_POST
@require_perm(MANAGE)
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    form = AddAssignmentForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, _("Choisissez un dossier et une personne du vivier."))
        return redirect(_page_url(campaign))
    application = form.cleaned_data["application"]
    try:
        edits.add_assignment(
            campaign=campaign,
            application=application,
            member=form.cleaned_data["member"],
            role=form.cleaned_data["role"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s est affecté·e au dossier %(app)s.")
            % {"name": form.cleaned_data["member"].name, "app": application},
        )
    return redirect(_page_url(campaign, application.pk))


@require_POST
@require_perm(MANAGE)
def assignment_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    item = _assignment(campaign, assignment_pk)
    try:
        edits.remove_assignment(assignment=item, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Affectation retirée."))
    return redirect(_page_url(campaign, item.application_id))


@require_POST
@require_perm(MANAGE)
def assignment_replace(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    item = _assignment(campaign, assignment_pk)
    try:
        replacement = edits.replace_assignment(assignment=item, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(new)s remplace %(old)s (affectation proposée, à notifier).")
            % {"new": replacement.member.name, "old": item.member.name},
        )
    return redirect(_page_url(campaign, item.application_id))


@require_POST
@require_perm(MANAGE)
def assignment_notify(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    try:
        count = edits.notify_assignments(
            campaign=campaign, actor=request.user, base_url=request.build_absolute_uri("/")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(count)d affectation(s) notifiée(s) aux évaluateur·rices.") % {"count": count}
        )
    return redirect(_page_url(campaign))

"""Views: evaluation campaigns for the secretariat (see evaluation/urls.py).

The list of campaigns (and of the closed calls still waiting for one), the creation form, the
campaign's hub (progress, next step, settings) with the shared header of every campaign page,
the settings form and the transitions (a confirmation page, then a POST). Every page is for
the secretariat (``evaluation.manage``: anonymous → login, others → 403). Views read through
``evaluation.selectors.campaigns``, write through ``evaluation.services.campaigns`` and turn a
``DomainError`` into a form error or a message.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calls.models import Stage
from core.errors import DomainError, StaleVersion
from core.permissions import require_perm
from evaluation.forms.campaigns import CampaignForm, NewCampaignForm
from evaluation.models import Campaign
from evaluation.selectors.campaigns import (
    campaign_for_staff,
    campaign_list,
    campaign_progress,
    creatable_calls,
    default_settings,
    stages_without_campaign,
)
from evaluation.selectors.campaigns_steps import next_step, open_reviews_blockers
from evaluation.services import campaigns as services

MANAGE = "evaluation.manage"


def _form_error(form: Any, exc: DomainError) -> None:
    name = "deadline_day" if exc.field == "review_deadline" else exc.field
    form.add_error(name if name in form.fields and not form.fields[name].disabled else None, exc.message)


@require_perm(MANAGE)
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluation/campaign_list.html",
        {"campaigns": list(campaign_list()), "pending": stages_without_campaign()},
    )


@require_perm(MANAGE)
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    calls = creatable_calls()
    call = None
    if (call_id := request.POST.get("call") or request.GET.get("call", "")).isdigit():
        call = calls.filter(pk=int(call_id)).first()
    stage = (
        request.POST.get("stage") or request.GET.get("stage") or (call.first_stage if call else Stage.FULL)
    )
    stage = stage if stage in Stage.values else Stage.FULL
    initial: dict[str, Any] = {"stage": stage}
    source = None
    if call is not None:
        values, source = default_settings(call, stage)
        initial |= {"call": call.pk, **{k: v for k, v in values.items() if k != "review_deadline"}}
    form = NewCampaignForm(request.POST or None, calls=calls, stage=stage, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        try:
            campaign = services.create_campaign(
                call=form.cleaned_data["call"],
                stage=form.cleaned_data["stage"],
                data=data,
                actor=request.user,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("La campagne d'évaluation est créée : constituez maintenant le vivier d'évaluateur·rices."),
            )
            return redirect("evaluation:campaign", campaign.pk)
    return render(
        request,
        "evaluation/campaign_form.html",
        {"form": form, "campaign": None, "source": source, "call": call},
    )


@require_perm(MANAGE)
def campaign_hub(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_staff(pk)
    progress = campaign_progress(campaign)
    return render(
        request,
        "evaluation/campaign_hub.html",
        {
            "campaign": campaign,
            "progress": progress,
            "step": next_step(campaign, progress),
            "blockers": open_reviews_blockers(campaign, progress) if campaign.status == "setup" else [],
            "statuses": Campaign.Status,
            "status_index": Campaign.Status.values.index(campaign.status),
        },
    )


@require_perm(MANAGE)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_staff(pk)
    form = CampaignForm(request.POST or None, campaign=campaign)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(
                campaign=campaign,
                data=form.data_for_service(),
                expected_version=form.expected_version,
                actor=request.user,
            )
        except DomainError as exc:
            _form_error(form, exc)
            stale = isinstance(exc, StaleVersion)
            campaign.refresh_from_db()
        else:
            messages.success(request, _("Les réglages de la campagne sont enregistrés."))
            return redirect("evaluation:campaign", campaign.pk)
    return render(
        request, "evaluation/campaign_form.html", {"form": form, "campaign": campaign, "stale": stale}
    )


TRANSITIONS = {
    "open_reviews": (services.open_reviews, Campaign.Status.SETUP),
    "start_committee": (services.start_committee, Campaign.Status.REVIEWING),
}


@require_perm(MANAGE)
@require_http_methods(["GET", "POST"])
def campaign_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: what the transition will do and what stops it; POST: do it."""
    if action not in TRANSITIONS:
        raise Http404
    campaign = campaign_for_staff(pk)
    service, expected = TRANSITIONS[action]
    if request.method == "POST":
        try:
            service(campaign=campaign, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("evaluation:campaign_transition", campaign.pk, action)
        if action == "open_reviews":
            messages.success(
                request, _("Les évaluations sont ouvertes : les évaluateur·rices voient leurs dossiers.")
            )
        else:
            messages.success(
                request, _("La délibération du comité est ouverte : chaque dossier a sa fiche de résultat.")
            )
        return redirect("evaluation:campaign", campaign.pk)
    progress = campaign_progress(campaign)
    blockers = []
    if campaign.status != expected:
        blockers.append(
            _("La campagne est à l'état « %(status)s » : cette étape n'est pas possible.")
            % {"status": campaign.get_status_display()}
        )
    elif action == "open_reviews":
        blockers = open_reviews_blockers(campaign, progress)
    return render(
        request,
        "evaluation/campaign_transition.html",
        {"campaign": campaign, "progress": progress, "action": action, "blockers": blockers},
    )

"""The committee's pages: the campaigns a user sits on, the ranking table with the funding
proposal and its cut line, one application with every review and the discussion.

Who: staff (``evaluation.manage``) and the accepted rapporteurs of the campaign; campaigns and
applications are fetched through ``evaluation.permissions.get_*_for_committee`` (404 for missing
and forbidden alike: a conflicted rapporteur never sees the application). Ranking, amounts and
the funding proposal are recorded by the secretariat during the meeting (rapporteurs: 403).
POSTs answer the re-rendered board to HTMX, a redirect otherwise.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, StaleVersion
from core.permissions import require_perm
from evaluation import exports
from evaluation.forms.committee import FundingForm, NoteForm, OrderForm, OutcomeForm, ScoreRankingForm
from evaluation.models import Campaign
from evaluation.permissions import (
    campaigns_for_committee,
    get_application_for_committee,
    get_campaign_for_committee,
)
from evaluation.selectors.committee import (
    committee_application_file,
    committee_board,
    committee_notes,
    committee_table,
)
from evaluation.services import committee as services
from evaluation.services.reviews import record_review_access

MANAGE = "evaluation.manage"


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _staff_campaign(request: HttpRequest, pk: int) -> Campaign:
    """The campaign for a write of the secretariat: 404 for strangers, 403 for rapporteurs."""
    campaign = get_campaign_for_committee(request.user, pk)
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    return campaign


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _board_context(request: HttpRequest, campaign: Campaign, **extra: Any) -> dict[str, Any]:
    is_staff = request.user.has_perm(MANAGE)
    return {
        "campaign": campaign,
        "board": committee_board(campaign, request.user),
        "is_staff": is_staff,
        "editable": is_staff and campaign.status == Campaign.Status.COMMITTEE,
        "score_form": ScoreRankingForm(),
        "funding_form": FundingForm(letter_of_intent=campaign.is_letter_of_intent),
        **extra,
    }


def _board_response(
    request: HttpRequest, campaign: Campaign, *, notice: str = "", error: str = ""
) -> HttpResponse:
    """After a write: the board fragment for HTMX (with the message), else back to the page."""
    if _is_htmx(request):
        campaign.refresh_from_db()
        return render(
            request,
            "evaluation/committee_board.html",
            _board_context(request, campaign, notice=notice, error=error),
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("evaluation:committee", pk=campaign.pk)


@require_GET
@_signed_in
def committee_index(request: HttpRequest) -> HttpResponse:
    campaigns = list(
        campaigns_for_committee(request.user)
        .select_related("call__programme")
        .order_by("-call__year", "call__pk", "stage")
    )
    return render(
        request,
        "evaluation/committee_index.html",
        {"campaigns": campaigns, "is_staff": request.user.has_perm(MANAGE)},
    )


@require_GET
@_signed_in
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_committee(request.user, pk)
    return render(request, "evaluation/committee.html", _board_context(request, campaign))


@require_POST
@_signed_in
def committee_rank(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_campaign(request, pk)
    if "ties" in request.POST:
        score_form = ScoreRankingForm(request.POST)
        if not score_form.is_valid():
            return _board_response(request, campaign, error=_("Choisissez comment départager les ex æquo."))
        try:
            result = services.rank_by_score(
                campaign=campaign, actor=request.user, ties=score_form.cleaned_data["ties"]
            )
        except DomainError as exc:
            return _board_response(request, campaign, error=exc.message)
        notice = _("Dossiers classés par note.")
        if result.ties:
            notice += " " + _(
                "%(n)s groupe(s) d'ex æquo départagé(s) par %(rule)s, puis par la date de dépôt."
            ) % {"n": len(result.ties), "rule": services.TIE_RULES[result.rule]}
        return _board_response(request, campaign, notice=notice)
    form = OrderForm(request.POST)
    if not form.is_valid():
        return _board_response(request, campaign, error=_("Classement illisible : rechargez la page."))
    data = form.cleaned_data
    try:
        if data["order"]:
            services.rank_applications(
                campaign=campaign, order=data["order"], expected_version=data["version"], actor=request.user
            )
        else:
            services.move_application(
                campaign=campaign,
                application_id=data["move"],
                direction=data["direction"],
                expected_version=data["version"],
                actor=request.user,
            )
    except StaleVersion as exc:
        return _board_response(request, campaign, error=exc.message)
    except DomainError as exc:
        return _board_response(request, campaign, error=exc.message)
    return _board_response(request, campaign, notice=_("Classement enregistré."))


@require_POST
@_signed_in
def committee_funding(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_campaign(request, pk)
    form = FundingForm(request.POST, letter_of_intent=campaign.is_letter_of_intent)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _board_response(request, campaign, error=error)
    waiting = form.cleaned_data.get("waiting_list_size")
    try:
        plan = services.propose_funding(
            campaign=campaign,
            actor=request.user,
            waiting_list_size=3 if waiting is None else waiting,
            invite_count=form.cleaned_data.get("invite_count"),
        )
    except DomainError as exc:
        return _board_response(request, campaign, error=exc.message)
    if plan.invitation:
        notice = _("Proposition enregistrée : %(n)s lettre(s) d'intention invitée(s) au dossier complet.") % {
            "n": len(plan.funded)
        }
    else:
        notice = _(
            "Proposition enregistrée : %(funded)s dossier(s) financé(s), %(waiting)s en liste d'attente."
        ) % {"funded": len(plan.funded), "waiting": len(plan.waiting)}
    return _board_response(request, campaign, notice=notice)


@require_http_methods(["GET", "POST"])
@_signed_in
def committee_outcome(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """GET: the inline form of one row (HTMX); POST: save the committee's score and amount."""
    campaign = _staff_campaign(request, pk)
    application = get_application_for_committee(request.user, campaign, application_pk)
    try:
        outcome = services.outcome_for(campaign=campaign, application=application)
    except DomainError as exc:
        return _board_response(request, campaign, error=exc.message)
    row = next(r for r in committee_table(campaign, request.user) if r.pk == application.pk)
    if request.method == "GET":
        form = OutcomeForm(
            initial={
                "committee_score": outcome.committee_score,
                "proposed_amount": outcome.proposed_amount,
                "version": outcome.version,
            }
        )
        template = (
            "evaluation/committee_outcome_row.html"
            if _is_htmx(request)
            else "evaluation/committee_outcome.html"
        )
        return render(
            request,
            template,
            {"campaign": campaign, "row": row, "form": form, "standalone": not _is_htmx(request)},
        )
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.set_outcome(
                outcome=outcome,
                committee_score=form.cleaned_data["committee_score"],
                proposed_amount=form.cleaned_data["proposed_amount"],
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            return _board_response(
                request, campaign, notice=_("%(app)s : note et montant enregistrés.") % {"app": application}
            )
    if not _is_htmx(request):
        return render(
            request,
            "evaluation/committee_outcome.html",
            {"campaign": campaign, "row": row, "form": form, "standalone": True},
        )
    response = render(
        request, "evaluation/committee_outcome_row.html", {"campaign": campaign, "row": row, "form": form}
    )
    response["HX-Retarget"] = f"#row-{application.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_GET
@_signed_in
def committee_application(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    campaign = get_campaign_for_committee(request.user, pk)
    application = get_application_for_committee(request.user, campaign, application_pk)
    file = committee_application_file(campaign, application)
    for review_file in file.reviews:
        record_review_access(review=review_file.review, actor=request.user, context="committee")
    return render(
        request,
        "evaluation/committee_application.html",
        {
            "campaign": campaign,
            "file": file,
            "note_form": NoteForm(),
            "is_staff": request.user.has_perm(MANAGE),
            "may_note": _may_note(request, campaign),
        },
    )


def _may_note(request: HttpRequest, campaign: Campaign) -> bool:
    if request.user.has_perm(MANAGE):
        return campaign.status in (Campaign.Status.REVIEWING, Campaign.Status.COMMITTEE)
    return campaign.status == Campaign.Status.COMMITTEE


@require_POST
@_signed_in
def committee_note(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    campaign = get_campaign_for_committee(request.user, pk)
    application = get_application_for_committee(request.user, campaign, application_pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_discussion_note(
                campaign=campaign, application=application, text=form.cleaned_data["text"], actor=request.user
            )
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            form = NoteForm()
            if not _is_htmx(request):
                messages.success(request, _("Note ajoutée à la discussion."))
    if not _is_htmx(request):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(
            reverse("evaluation:committee_application", args=[campaign.pk, application.pk]) + "#notes"
        )
    return render(
        request,
        "evaluation/committee_notes.html",
        {
            "campaign": campaign,
            "application": application,
            "notes": committee_notes(campaign, application),
            "note_form": form,
            "may_note": _may_note(request, campaign),
        },
    )


@require_GET
@require_perm(MANAGE)
def committee_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The ranking as XLSX or CSV for the steering committee (secretariat only: anonymous →
    login, anyone else → 403, like the committee's other writes; no reviewer named in it)."""
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    campaign = get_campaign_for_committee(request.user, pk)
    export = exports.committee_export(campaign, request.user)
    content = exports.render(export, fmt)
    services.record_committee_export(
        campaign=campaign, actor=request.user, file_format=fmt, rows=len(export.table.rows)
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export.filename(fmt)}"'
    return response

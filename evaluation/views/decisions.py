"""Views: decisions and letters of a campaign (secretariat only, ``evaluation.manage``).

- ``decisions``: the committee's proposal against the envelope, the form to record the decision
  of the validating body (with a confirmation step listing what will change), the decisions
  recorded, the waiting list (fund an application later) and the publication of the committee.
- ``letters``: one decision letter per application, its language, its preview and the sending.

Views read through ``evaluation.selectors.decisions``, write through
``evaluation.services.decisions`` and turn a ``DomainError`` into a form error or a message.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from calls.models import Application
from core.errors import DomainError
from core.permissions import require_perm
from core.services import render_email
from evaluation.forms.decisions import BODY_SUGGESTIONS, LetterLanguageForm, PromoteForm, RecordDecisionForm
from evaluation.models import ApplicationOutcome, Campaign
from evaluation.selectors.decisions import (
    LETTER_LANGUAGES,
    campaign_outcomes,
    decision_summary,
    get_outcome,
    letter_message,
)
from evaluation.services.decisions import (
    promote_from_waiting_list,
    publish_committee,
    record_decision,
    send_decision_letters,
    set_letter_language,
)

MANAGE = "evaluation.manage"
CAMPAIGN_HEAD = "evaluation/_campaign_head.html"


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("call__programme"), pk=pk)


def _campaign_head() -> str:
    """The shared campaign header when the campaigns' pages provide it."""
    try:
        get_template(CAMPAIGN_HEAD)
    except TemplateDoesNotExist:
        return ""
    return CAMPAIGN_HEAD


def _page(
    request: HttpRequest, template: str, campaign: Campaign, active: str, **context: Any
) -> HttpResponse:
    context.update(campaign=campaign, call=campaign.call, active=active, campaign_head=_campaign_head())
    return render(request, template, context, status=context.pop("status", 200))


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _decisions_page(
    request: HttpRequest, campaign: Campaign, form: RecordDecisionForm | None = None
) -> HttpResponse:
    summary = decision_summary(campaign)
    if form is None and campaign.status == Campaign.Status.COMMITTEE:
        form = RecordDecisionForm(campaign=campaign)
    promote_forms = []
    if campaign.status == Campaign.Status.DECIDED and summary.decisions:
        promote_forms = [
            (
                outcome,
                PromoteForm(campaign=campaign, initial={"version": outcome.version}, prefix=f"o{outcome.pk}"),
            )
            for outcome in summary.waiting_list
        ]
    return _page(
        request,
        "evaluation/decisions.html",
        campaign,
        "decisions",
        summary=summary,
        form=form,
        suggestions=BODY_SUGGESTIONS,
        promote_forms=promote_forms,
    )


@require_GET
@require_perm(MANAGE)
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    return _decisions_page(request, _campaign(pk))


@require_POST
@require_perm(MANAGE)
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the form, then show what will change; record on confirmation."""
    campaign = _campaign(pk)
    form = RecordDecisionForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _decisions_page(request, campaign, form)
    data = form.cleaned_data
    if request.POST.get("confirm") == "no":
        return _decisions_page(request, campaign, form)
    if request.POST.get("confirm") != "yes":
        summary = decision_summary(campaign)
        if summary.missing:
            form.add_error(
                None,
                _("Ces dossiers n'ont pas de proposition du comité : %(list)s.")
                % {"list": ", ".join(summary.missing)},
            )
            return _decisions_page(request, campaign, form)
        return _page(
            request, "evaluation/decision_confirm.html", campaign, "decisions", form=form, summary=summary
        )
    try:
        record_decision(
            campaign=campaign,
            body=data["body"],
            decided_on=data["decided_on"],
            reference=data["reference"],
            notes=data["notes"],
            actor=request.user,
            expected_version=data["version"],
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except DomainError as exc:
        _form_error(form, exc)
        return _decisions_page(request, _campaign(pk), form)
    messages.success(request, _("La décision est enregistrée. Vous pouvez maintenant envoyer les courriers."))
    return redirect("evaluation:decisions", pk=campaign.pk)


@require_POST
@require_perm(MANAGE)
def decision_promote(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    outcome = get_object_or_404(ApplicationOutcome, campaign=campaign, pk=outcome_pk)
    form = PromoteForm(request.POST, campaign=campaign, prefix=f"o{outcome.pk}")
    if form.is_valid():
        try:
            promote_from_waiting_list(
                outcome=outcome,
                decision=form.cleaned_data["decision"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("« %(title)s » est financé. Pensez à lui envoyer son nouveau courrier.")
                % {"title": outcome.application},
            )
    else:
        messages.error(request, _("Choisissez la décision qui finance ce dossier."))
    return redirect("evaluation:decisions", pk=campaign.pk)


@require_POST
@require_perm(MANAGE)
def committee_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    try:
        publish_committee(campaign=campaign, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("La composition du comité est publiée."))
    return redirect("evaluation:decisions", pk=campaign.pk)


# --- letters ---


def _letter_rows(campaign: Campaign) -> list[tuple[ApplicationOutcome, LetterLanguageForm]]:
    return [
        (
            outcome,
            LetterLanguageForm(
                initial={"language": outcome.letter_language, "version": outcome.version},
                auto_id=f"lang-{outcome.pk}-%s",
            ),
        )
        for outcome in campaign_outcomes(campaign).select_related("application__applicant")
    ]


@require_GET
@require_perm(MANAGE)
def letters(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    rows = _letter_rows(campaign)
    decided = [o for o, _f in rows if o.final]
    return _page(
        request,
        "evaluation/letters.html",
        campaign,
        "letters",
        rows=rows,
        n_decided=len(decided),
        n_unsent=sum(1 for o in decided if o.letter_sent_at is None),
    )


@require_POST
@require_perm(MANAGE)
def letter_language(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    outcome = get_object_or_404(
        ApplicationOutcome.objects.select_related(
            "application__lead_person", "application__applicant", "decision"
        ),
        campaign=campaign,
        pk=outcome_pk,
    )
    form = LetterLanguageForm(request.POST, auto_id=f"lang-{outcome.pk}-%s")
    error = ""
    if form.is_valid():
        try:
            outcome = set_letter_language(
                outcome=outcome,
                language=form.cleaned_data["language"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = _("Choisissez le français ou l'anglais.")
    if request.headers.get("HX-Request"):
        outcome.refresh_from_db()
        form = LetterLanguageForm(
            initial={"language": outcome.letter_language, "version": outcome.version},
            auto_id=f"lang-{outcome.pk}-%s",
        )
        return render(
            request,
            "evaluation/letter_row.html",
            {"campaign": campaign, "outcome": outcome, "form": form, "error": error, "saved": not error},
        )
    if error:
        messages.error(request, error)
    return redirect("evaluation:letters", pk=campaign.pk)


@require_GET
@require_perm(MANAGE)
def letter_preview(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """Exactly the e-mail that will be sent (same templates, same context), in either language."""
    campaign = _campaign(pk)
    outcome = get_outcome(campaign, application_id=application_pk)
    language = request.GET.get("lang")
    if language not in LETTER_LANGUAGES:
        language = outcome.letter_language
    message = letter_message(outcome, language)
    mail = render_email(message)
    return _page(
        request,
        "evaluation/letter_preview.html",
        campaign,
        "letters",
        outcome=outcome,
        application=outcome.application,
        language=language,
        languages=LETTER_LANGUAGES,
        mail=mail,
        recipients=message.to,
    )


@require_POST
@require_perm(MANAGE)
def letters_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the letters not sent yet; or re-send one application's letter (``application`` +
    ``force``)."""
    campaign = _campaign(pk)
    application_ids = None
    if request.POST.get("application"):
        application = get_object_or_404(
            Application, pk=request.POST["application"], outcomes__campaign=campaign
        )
        application_ids = [application.pk]
    try:
        count = send_decision_letters(
            campaign=campaign,
            actor=request.user,
            application_ids=application_ids,
            force=request.POST.get("force") == "yes",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(
                request,
                ngettext("%(count)d courrier envoyé.", "%(count)d courriers envoyés.", count)
                % {"count": count},
            )
        else:
            messages.info(request, _("Aucun courrier à envoyer : tous sont déjà partis."))
    return redirect(reverse("evaluation:letters", kwargs={"pk": campaign.pk}))

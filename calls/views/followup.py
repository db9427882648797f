"""The secretariat's follow-up of calls: the list of calls with their figures, a call's dashboard
and table of applications, one application with the eligibility decision, exports, the message
to applicants and the selection of letters of intent.

Every page is for the secretariat (``calls.manage``: anonymous → login, others → 403). Views
read through ``calls.selectors_followup``, write through ``calls.services`` and turn a
``DomainError`` into a form error or a message.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calls import exports, uploads
from calls.eligibility import RuleResult, overall
from calls.forms.followup import ApplicationFilterForm, DecisionForm, LetterSelectionForm, MailingForm
from calls.models import Application, Call, Stage
from calls.selectors import budget_summary
from calls.selectors_followup import (
    FollowupFilters,
    answered_fields,
    call_followup,
    followup_applications,
    followup_calls,
    mailing_recipients,
    staff_application,
)
from calls.services import decide_eligibility
from calls.services.followup import (
    decline_letters,
    email_applicants,
    invite_letters_to_full_stage,
    record_attachment_download,
    record_export,
)
from calls.services.submission import DECIDABLE, INVITABLE
from core.errors import DomainError
from core.permissions import require_perm
from core.services import EmailMessage, render_email

PAGE_SIZE = 50
MANAGE = "calls.manage"


def _call(pk: int) -> Call:
    return get_object_or_404(Call.objects.select_related("programme"), pk=pk)


def _form_error(form: Any, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@require_perm(MANAGE)
def followup_index(request: HttpRequest) -> HttpResponse:
    calls = followup_calls()
    programmes: dict[int, dict[str, Any]] = {}
    for call in calls:
        group = programmes.setdefault(
            call.programme_id,
            {"programme": call.programme, "calls": [], "received": 0, "eligible": 0, "requested": 0},
        )
        group["calls"].append(call)
        group["received"] += call.n_received
        group["eligible"] += call.n_eligible
        group["requested"] += call.requested
    return render(request, "calls/followup_index.html", {"programmes": list(programmes.values())})


def _filters(request: HttpRequest, call: Call) -> tuple[ApplicationFilterForm, FollowupFilters]:
    form = ApplicationFilterForm(request.GET or None, call=call)
    return form, FollowupFilters(**form.cleaned_or_empty()) if request.GET else FollowupFilters()


@require_perm(MANAGE)
def followup_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(pk)
    form, filters = _filters(request, call)
    page_obj = Paginator(followup_applications(call, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "calls/followup_dashboard.html",
        {
            "call": call,
            "figures": call_followup(call),
            "form": form,
            "page_obj": page_obj,
            "filtered": any(vars(filters).values()),
            "export_query": query.urlencode(),
            "statuses": Application.Status,
            "stages": Stage,
        },
    )


def _export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    call = _call(pk)
    _form, filters = _filters(request, call)
    table = exports.application_table(call, filters)
    if file_format == "xlsx":
        content, content_type = exports.to_xlsx(table), exports.XLSX_TYPE
    else:
        content, content_type = exports.to_csv(table), exports.CSV_TYPE
    record_export(call=call, actor=request.user, file_format=file_format, rows=len(table.rows))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="candidatures-appel-{call.pk}-{call.year}.{file_format}"'
    )
    return response


@require_perm(MANAGE)
def followup_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "xlsx")


@require_perm(MANAGE)
def followup_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "csv")


def _application_page(
    request: HttpRequest, application: Application, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    checks = list(application.eligibility_checks.all())
    automatic = overall(
        [RuleResult(c.code, {"passed": True, "failed": False}.get(c.outcome), "") for c in checks]
    )
    decidable = application.status in DECIDABLE
    decisions = list(application.eligibility_decisions.all())
    if form is None and decidable:
        if decisions:  # the decision in force, to confirm or revise
            latest = decisions[0]
            initial = {"admissible": latest.admissible, "eligible": latest.eligible}
        else:  # the automatic check's proposal
            initial = {"admissible": True, "eligible": automatic != "failed"}
        form = DecisionForm(initial={name: "yes" if value else "no" for name, value in initial.items()})
    teams = list(application.teams.all())
    return render(
        request,
        "calls/followup_application.html",
        {
            "application": application,
            "call": application.call,
            "answers": answered_fields(application),
            "teams": teams,
            "budget": budget_summary(application),
            "lines": list(application.budget_lines.all()),
            "attachments": list(application.attachments.all()),
            "checks": checks,
            "automatic": automatic if checks else "",
            "decisions": decisions,
            "form": form if decidable else None,
            "full_proposal": next(iter(application.full_proposals.all()), None),
        },
        status=status,
    )


def _staff_application(pk: int) -> Application:
    application = staff_application(pk)
    if application is None:
        raise Http404
    return application


@require_perm(MANAGE)
def followup_application(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, _staff_application(pk))


@require_POST
@require_perm("calls.decide_eligibility")
def followup_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = decide_eligibility(
                application=application,
                actor=request.user,
                admissible=form.cleaned_data["admissible"],
                eligible=form.cleaned_data["eligible"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            positive = decision.admissible and decision.eligible
            messages.success(
                request,
                _("Décision enregistrée : candidature %(verdict)s.")
                % {"verdict": _("recevable et éligible") if positive else _("non recevable ou non éligible")},
            )
            return redirect("calls:followup_application", pk=application.pk)
    return _application_page(request, application, form, status=400)


@require_perm(MANAGE)
def followup_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    application = _staff_application(pk)
    attachment = next((a for a in application.attachments.all() if a.pk == attachment_pk), None)
    if attachment is None:
        raise Http404
    try:
        handle = uploads.private_storage().open(attachment.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_attachment_download(attachment=attachment, actor=request.user)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or None,
    )


def _preview(call: Call, form: MailingForm) -> str:
    """The message as the first recipient will read it (in French)."""
    mail = render_email(
        EmailMessage(
            template="calls/emails/applicants_message",
            to=["apercu@example.org"],
            context={
                "call": call,
                "subject": form.cleaned_data["subject"],
                "body": form.cleaned_data["body"],
                "name": _("Prénom Nom"),
            },
            language="fr",
        )
    )
    return f"{_('Objet')} : {mail.subject}\n\n{mail.body}"


@require_http_methods(["GET", "POST"])
@require_perm(MANAGE)
def followup_mailing(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(pk)
    if request.method == "GET" and request.headers.get("HX-Request") and "audience" in request.GET:
        count = len(mailing_recipients(call, request.GET["audience"]))
        return render(request, "calls/followup_mailing_count.html", {"count": count})
    form = MailingForm(request.POST or None)
    preview = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            try:
                sent = email_applicants(
                    call=call,
                    audience=form.cleaned_data["audience"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    actor=request.user,
                )
            except DomainError as exc:
                _form_error(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Message envoyé à %(count)s destinataire(s), un e-mail chacun.") % {"count": sent},
                )
                return redirect("calls:followup_dashboard", pk=call.pk)
        else:
            preview = _preview(call, form)
    elif request.method == "POST":
        status = 400
    audience = str(form["audience"].value() or "")
    return render(
        request,
        "calls/followup_mailing.html",
        {"call": call, "form": form, "preview": preview, "count": len(mailing_recipients(call, audience))},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@require_perm(MANAGE)
def followup_letters(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(pk)
    if not call.is_two_stage:
        raise Http404
    letters = list(
        followup_applications(call, FollowupFilters(stage=Stage.LETTER_OF_INTENT))
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .prefetch_related("full_proposals")
    )
    selectable = [a for a in letters if a.status in INVITABLE]
    form = LetterSelectionForm(request.POST or None, letters=selectable)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            ids = form.cleaned_data["applications"]
            try:
                if request.POST.get("action") == "decline":
                    count = decline_letters(
                        call=call, application_ids=ids, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    message = _("%(count)s lettre(s) d'intention marquée(s) non retenue(s).") % {
                        "count": count
                    }
                else:
                    drafts = invite_letters_to_full_stage(
                        call=call,
                        application_ids=ids,
                        actor=request.user,
                        base_url=request.build_absolute_uri("/"),
                    )
                    message = _(
                        "%(count)s lettre(s) d'intention invitée(s) au dossier complet ; les porteur·ses sont prévenu·es par e-mail."
                    ) % {"count": len(drafts)}
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, message)
                return redirect(reverse("calls:followup_letters", kwargs={"pk": call.pk}))
    return render(
        request,
        "calls/followup_letters.html",
        {"call": call, "letters": letters, "selectable_ids": {a.pk for a in selectable}, "form": form},
        status=status,
    )

"""The applicant's pages: "Mes candidatures", creating an application, the editor (form with
autosave, partners, budget, documents, live eligibility), submission and receipt, withdrawal, and
the page where an invited partner answers.

Every page fetches the application through ``get_application_for_user`` (404 for missing and
forbidden alike) and changes it only through ``calls.services``; a ``DomainError`` comes back as
a message next to what it concerns, and nothing typed is dropped. HTMX requests get fragments
(``_applicant_*.html``); the same URLs work without JavaScript (full pages, redirect after POST).
"""

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calls import receipts, selectors, services
from calls.forms.applicant import (
    BudgetLineForm,
    DraftForm,
    NewApplicationForm,
    PartnerForm,
    SubmitForm,
    UploadForm,
    WithdrawForm,
    answer_name,
    answerable,
)
from calls.models import Application, ApplicationTeam, DocumentRequirement, FormField
from calls.permissions import get_application_for_user, get_call_for_user
from calls.selectors_applicant import (
    budget_table,
    budget_total,
    editor_state,
    pending_invitation,
    pending_invitations_for,
)
from core.errors import DomainError, StaleVersion
from core.permissions import require_login
from directory.selectors import search_teams

SAVED_EVENT = "application-saved"


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _editor_url(application: Application, anchor: str = "") -> str:
    return reverse("calls:application", args=[application.pk]) + (f"#{anchor}" if anchor else "")


def _fragment(
    request: HttpRequest, template: str, context: dict[str, Any], *, saved: bool = False
) -> HttpResponse:
    response = render(request, template, context)
    if saved:
        response["HX-Trigger"] = SAVED_EVENT
    return response


# --- "Mes candidatures" and a new application -----------------------------------------------


@require_login
def my_applications(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        {"application": a, "deadline": a.deadline, "is_lead": a.applicant_id == request.user.pk}
        for a in selectors.applications_of(request.user).select_related("parent")
    ]
    return render(
        request,
        "calls/applicant_list.html",
        {"rows": rows, "invitations": pending_invitations_for(request.user), "now": now},
    )


@require_login
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, pk)
    is_open = call.is_open_for(call.first_stage)
    form = NewApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                call=call,
                actor=request.user,
                title=form.cleaned_data["title"],
                acronym=form.cleaned_data["acronym"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Votre brouillon est créé : il est enregistré au fur et à mesure de la saisie.")
            )
            return redirect(_editor_url(application))
    drafts = selectors.applications_of(request.user).filter(call=call, status=Application.Status.DRAFT)
    return render(
        request,
        "calls/applicant_new.html",
        {"call": call, "form": form, "is_open": is_open, "drafts": drafts},
    )


# --- the editor -----------------------------------------------------------------------------


def _sections(fields: list[FormField]) -> list[dict[str, Any]]:
    """Questions grouped by section in the call's order (questions without section first)."""
    groups: dict[Any, dict[str, Any]] = {}
    for field in fields:
        key = field.section_id or 0
        if key not in groups:
            section = field.section
            groups[key] = {"section": section, "intro": section.tr("intro") if section else "", "fields": []}
        groups[key]["fields"].append(field)
    return sorted(
        groups.values(), key=lambda g: (g["section"] is not None, getattr(g["section"], "order", 0))
    )


def _display(field: FormField, value: Any) -> str:
    if value in (None, "", []):
        return ""
    labels = dict(
        (str(c.get("value")), c.get("label_fr") or c.get("value"))
        for c in field.choices or []
        if isinstance(c, dict)
    )
    if isinstance(value, list):
        return ", ".join(str(labels.get(str(v), v)) for v in value)
    return str(labels.get(str(value), value))


def _snapshot(application: Application, fields: list[FormField]) -> dict[str, Any]:
    """The stored values as the form shows them (the base of a three-way merge on conflict)."""
    answers = application.answers or {}
    out: dict[str, Any] = {"title": application.title, "acronym": application.acronym}
    for field in answerable(fields):
        out[answer_name(field)] = _norm(field.type, answers.get(field.key))
    return out


def _norm(kind: str, value: Any) -> Any:
    if kind == FormField.Type.MULTIPLE_CHOICE:
        return sorted(str(v) for v in (value if isinstance(value, list) else [value] if value else []))
    return "" if value is None else str(value)


def _editor_context(
    request: HttpRequest,
    application: Application,
    *,
    form: DraftForm | None = None,
    with_eligibility: bool = True,
    requirements: list[DocumentRequirement] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    fields = selectors.fields_for(application)
    state = editor_state(application, request.user)
    if form is None:
        form = DraftForm(form_fields=fields, application=application)
    if requirements is None:
        requirements = selectors.requirements_for(application)
    attachments = {a.requirement_id: a for a in application.attachments.order_by("pk")}
    answers = application.answers or {}
    teams = list(
        application.teams.select_related("team", "institution", "contact_person").order_by("order", "pk")
    )
    budget = budget_table(application, teams=teams)
    line_form = extra.pop("line_form", None) or BudgetLineForm(
        application=application,
        teams=teams,
        initial={"team": next((t.pk for t in teams if t.role == ApplicationTeam.Role.LEAD), None)},
    )
    # the categories are those of the budget table: no second query (nor a server-side cursor)
    category = line_form.fields["category"]
    category.choices = [("", category.empty_label)] + [
        (c.pk, category.label_from_instance(c)) for c in budget.categories
    ]
    context = {
        "application": application,
        "call": application.call,
        "state": state,
        "form": form,
        "base": json.dumps(_snapshot(application, fields)),
        "sections": [
            {
                **group,
                "rows": [
                    {
                        "field": f,
                        "bound": form.bound_answer(f) if f.type != FormField.Type.FILE else None,
                        "display": _display(f, answers.get(f.key)),
                    }
                    for f in group["fields"]
                ],
            }
            for group in _sections(fields)
        ],
        "teams": teams,
        "partner_form": extra.pop("partner_form", None) or PartnerForm(),
        "line_form": line_form,
        "budget": budget,
        "documents": [{"requirement": r, "attachment": attachments.get(r.pk)} for r in requirements],
        "upload_form": UploadForm(),
        "autosave": True,
        "team_results": None,
        "now": timezone.now(),
    }
    if with_eligibility:
        context.update(_eligibility_context(application, fields=fields, requirements=requirements))
    context.update(extra)
    return context


def _documents_context(
    request: HttpRequest,
    application: Application,
    *,
    requirements: list[DocumentRequirement] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """What the documents section needs, and nothing more: uploads are the busiest requests
    before a deadline (``requirements``: those of the application's stage, when already read)."""
    if requirements is None:
        requirements = selectors.requirements_for(application)
    attachments = {a.requirement_id: a for a in application.attachments.order_by("pk")}
    return {
        "application": application,
        "state": editor_state(application, request.user),
        "documents": [{"requirement": r, "attachment": attachments.get(r.pk)} for r in requirements],
        **extra,
    }


def _eligibility_context(application: Application, **already_read: Any) -> dict[str, Any]:
    """``already_read``: the stage's ``fields`` and ``requirements``, when the caller has them."""
    problems = selectors.submission_problems(application, **already_read) if application.is_draft else []
    results = services.run_eligibility(application=application, at=application.submitted_at)
    return {"results": results, "problems": problems}


def _render_editor(
    request: HttpRequest, application: Application, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request, "calls/applicant_editor.html", _editor_context(request, application, **extra), status=status
    )


@require_login
@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor. GET shows it (read-only once submitted, after the deadline, or for the
    secretariat); POST saves the draft (autosave through HTMX, or the "save" button)."""
    app = get_application_for_user(request.user, pk)
    if request.method == "GET":
        extra: dict[str, Any] = {}
        query = request.GET.get("team_q", "").strip()
        if query:  # the team search without JavaScript
            extra["team_results"] = list(search_teams(query)[:10])
            extra["team_query"] = query
        return _render_editor(request, app, **extra)
    return _save_draft(request, app)


def _save_draft(request: HttpRequest, app: Application) -> HttpResponse:
    fields = selectors.fields_for(app)
    form = DraftForm(request.POST, form_fields=fields, application=app)
    if not form.is_valid():
        if _htmx(request):
            return render(
                request,
                "calls/_applicant_save_status.html",
                {"error": _("Formulaire incomplet : rechargez la page.")},
            )
        return _render_editor(request, app, status=400, form=form)
    try:
        app = services.save_draft(
            application=app,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            title=form.cleaned_data["title"],
            acronym=form.cleaned_data["acronym"],
            answers=form.answers(),
        )
    except StaleVersion as exc:
        return _conflict(request, app, form, fields, exc.message)
    except DomainError as exc:
        if _htmx(request):
            return render(request, "calls/_applicant_save_status.html", {"error": exc.message})
        messages.error(request, exc.message)
        return _render_editor(request, app, status=400, form=form)
    if _htmx(request):
        return _fragment(
            request,
            "calls/_applicant_save_status.html",
            {
                "saved_at": timezone.now(),
                "application": app,
                "base": json.dumps(_snapshot(app, fields)),
                "oob": True,
            },
            saved=True,
        )
    messages.success(request, _("Brouillon enregistré."))
    return redirect(_editor_url(app))


def _conflict(
    request: HttpRequest, stale: Application, form: DraftForm, fields: list[FormField], message: str
) -> HttpResponse:
    """Someone saved in between: merge what can be merged (a field changed by one side only) and
    show both values of the fields both sides changed. The user's text stays in the form; the form
    now carries the current version, so saving again keeps their text on purpose."""
    current = Application.objects.get(pk=stale.pk)
    theirs = _snapshot(current, fields)
    try:
        base = json.loads(request.POST.get("base") or "null")
    except ValueError:
        base = None
    kinds = {answer_name(f): f for f in answerable(fields)}
    labels = {
        "title": _("Titre du projet"),
        "acronym": _("Acronyme"),
        **{k: f.label for k, f in kinds.items()},
    }
    data: QueryDict = request.POST.copy()
    conflicts = []
    for name, their_value in theirs.items():
        field = kinds.get(name)
        kind = field.type if field else "text"
        mine = _norm(
            kind, data.getlist(name) if kind == FormField.Type.MULTIPLE_CHOICE else data.get(name, "")
        )
        if mine == their_value:
            continue
        if isinstance(base, dict) and name in base and _norm(kind, base[name]) == mine:
            # only the other side changed this field: take their value
            if kind == FormField.Type.MULTIPLE_CHOICE:
                data.setlist(name, their_value)
            else:
                data[name] = their_value
            continue
        conflicts.append(
            {
                "label": labels[name],
                "name": name,
                "mine": _display(field, mine) if field else mine,
                "theirs": _display(field, their_value) if field else their_value,
            }
        )
    data["version"] = str(current.version)
    merged = DraftForm(data, form_fields=fields, application=current)
    merged.is_valid()
    extra = {
        "form": merged,
        "conflict": {"message": message, "rows": conflicts},
        "autosave": False,
        "base": json.dumps(theirs),
    }
    if _htmx(request):
        context = _editor_context(request, current, **extra)
        response = render(request, "calls/_applicant_form.html", context)
        response["HX-Retarget"] = "#draft-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    return _render_editor(request, current, status=409, **extra)


@require_login
def eligibility_panel(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    return render(
        request, "calls/_applicant_eligibility.html", {"application": app, **_eligibility_context(app)}
    )


def _section_response(
    request: HttpRequest, app: Application, section: str, *, failed: bool = False, **extra: Any
) -> HttpResponse:
    """After a change in a section: the section (HTMX; the eligibility panel refreshes), or the
    editor at that section (the page again with the error when the change was refused)."""
    if _htmx(request):
        # The section alone: the eligibility panel refreshes itself on the "saved" event, so the
        # rules are not run twice per change (it is the costliest part of the context).
        if section == "documents":
            context = _documents_context(request, app, **extra)
        else:
            context = _editor_context(request, app, with_eligibility=False, **extra)
        return _fragment(request, f"calls/_applicant_{section}.html", context, saved=not failed)
    if failed:
        return _render_editor(request, app, status=400, **extra)
    return redirect(_editor_url(app, section))


# --- submission, receipt, withdrawal --------------------------------------------------------


@require_login
@require_http_methods(["GET", "POST"])
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation step listing what is missing; the form carries a key made when the page was
    rendered, so a double click or a retried POST gives one submission."""
    app = get_application_for_user(request.user, pk)
    if app.submitted_at is not None and request.method == "GET":
        return redirect("calls:application_receipt", pk=app.pk)
    form = SubmitForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            app = services.submit_application(
                application=app, actor=request.user, idempotency_key=form.cleaned_data["idempotency_key"]
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("Candidature déposée. Un accusé de réception vous est envoyé par e-mail.")
            )
            return redirect("calls:application_receipt", pk=app.pk)
    context = {
        "application": app,
        "call": app.call,
        "state": editor_state(app, request.user),
        "form": form,
        "error": error,
        "budget_total": budget_total(app),
        **_eligibility_context(app),
    }
    return render(request, "calls/applicant_submit.html", context, status=400 if error else 200)


@require_login
def application_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    if app.submitted_at is None:
        raise Http404
    now = timezone.now()
    return render(
        request,
        "calls/applicant_receipt.html",
        {
            "application": app,
            "call": app.call,
            "attachments": app.attachments.select_related("requirement").order_by("requirement__order", "pk"),
            "budget_total": budget_total(app),
            "can_withdraw": app.status == Application.Status.SUBMITTED
            and app.applicant_id == request.user.pk
            and (app.deadline is None or now <= app.deadline),
        },
    )


@require_login
def application_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    if app.submitted_at is None:
        raise Http404
    pdf = receipts.build_receipt_pdf(app, language=getattr(request, "LANGUAGE_CODE", "fr"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipts.receipt_filename(app)}"'
    return response


@require_login
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    form = WithdrawForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_application(
                application=app, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Votre candidature est retirée. Un e-mail le confirme."))
            return redirect(_editor_url(app))
    return render(
        request,
        "calls/applicant_withdraw.html",
        {"application": app, "call": app.call, "form": form, "error": error},
        status=400 if error else 200,
    )


# --- the partner's invitation ---------------------------------------------------------------


@require_login
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = pending_invitation(token)
    if invitation is None:
        return render(request, "calls/applicant_invitation.html", {"invitation": None}, status=404)
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                accepted = services.accept_partner_invitation(token=token, user=request.user)
                messages.success(request, _("Vous avez rejoint la candidature : vous pouvez la compléter."))
                return redirect(_editor_url(accepted.application))
            services.decline_partner_invitation(token=token, user=request.user)
            messages.info(request, _("Invitation déclinée. Le ou la porteur·se du projet le verra."))
            return redirect("calls:my_applications")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "calls/applicant_invitation.html",
        {"invitation": invitation, "application": invitation.application},
    )

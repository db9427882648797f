"""The parts of the application editor that change in place: partner teams (directory search,
invitations by e-mail), budget lines and attached documents; and the page that changes the lead
team. Each action answers with its
section of the editor (HTMX, and the eligibility panel refreshes) or redirects back to it.
"""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calls import selectors, services, uploads
from calls.forms.applicant import BudgetLineForm, LeadTeamForm, PartnerForm, UploadForm
from calls.models import Application, ApplicationTeam, Attachment, BudgetLine, DocumentRequirement
from calls.permissions import get_application_for_user
from calls.selectors_applicant import editor_state
from calls.views.applicant import _editor_url, _htmx, _section_response
from core.errors import DomainError, InvalidState, NotAllowed
from core.permissions import require_login
from core.services import record_audit
from directory.models import Affiliation
from directory.selectors import current_affiliations, search_teams

# --- partners -------------------------------------------------------------------------------


@require_login
def team_search(request: HttpRequest, pk: int) -> HttpResponse:
    get_application_for_user(request.user, pk)
    query = request.GET.get("team_q", "").strip()
    results = list(search_teams(query)[:10]) if len(query) >= 2 else None
    return render(
        request, "calls/_applicant_team_results.html", {"team_results": results, "team_query": query}
    )


@require_login
@require_POST
def partner_invite(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    form = PartnerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.invite_partner(
                application=app,
                actor=request.user,
                email=data["email"],
                team=data["team"],
                new_team_name=data["new_team_name"],
                institution_name=data["institution_name"],
                base_url=request.build_absolute_uri("/"),
                language=getattr(request, "LANGUAGE_CODE", "fr"),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if not _htmx(request):
                messages.success(
                    request, _("Invitation envoyée à %(email)s.") % {"email": partner.contact_email}
                )
            return _section_response(request, app, "partners", invited=partner)
    return _section_response(request, app, "partners", failed=True, partner_form=form)


@require_login
@require_POST
def partner_remove(request: HttpRequest, pk: int, team_pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    row = ApplicationTeam.objects.filter(application=app, pk=team_pk).first()
    if row is None:
        raise Http404
    try:
        services.remove_application_team(team_row=row, actor=request.user)
    except DomainError as exc:
        return _section_response(request, app, "partners", failed=True, partners_error=exc.message)
    return _section_response(request, app, "partners")


def _own_affiliations(app: Application) -> list[Affiliation]:
    """The lead person's current teams in the directory, one row per team (primary first)."""
    if app.lead_person_id is None:
        return []
    rows: dict[int, Affiliation] = {}
    affiliations = current_affiliations().filter(person_id=app.lead_person_id, team__isnull=False)
    for affiliation in affiliations.order_by("-is_primary", "team__name", "pk"):
        rows.setdefault(affiliation.team_id, affiliation)
    return list(rows.values())


@require_login
@require_http_methods(["GET", "POST"])
def lead_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the lead team: one of the lead's teams, any directory team, or a new team."""
    app = get_application_for_user(request.user, pk)
    lead = app.teams.filter(role=ApplicationTeam.Role.LEAD).select_related("team", "institution").first()
    if request.method == "POST":
        form = LeadTeamForm(request.POST, current=lead)
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.save_application_team(
                    application=app,
                    actor=request.user,
                    team=data["team"],
                    new_team_name=data["new_team_name"],
                    institution=data["institution"],
                    institution_name=data["institution_name"],
                )
            except (InvalidState, NotAllowed) as exc:
                messages.error(request, exc.message)
                return redirect(_editor_url(app, "partners"))
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request, _("Équipe coordinatrice enregistrée : %(team)s.") % {"team": row.team_label}
                )
                return redirect(_editor_url(app, "partners"))
    else:
        state = editor_state(app, request.user)
        if not state.editable:
            messages.error(request, state.reason)
            return redirect(_editor_url(app, "partners"))
        typed = {k: request.GET[k] for k in ("new_team_name", "institution_name") if k in request.GET}
        form = LeadTeamForm(current=lead, initial=typed)
    query = request.GET.get("team_q", "").strip()
    own = _own_affiliations(app)
    chosen = form.cleaned_data.get("team") if form.is_bound else (lead.team if lead else None)
    context = {
        "application": app,
        "call": app.call,
        "form": form,
        "lead": lead,
        "own": own,
        "chosen": chosen if chosen and chosen.pk not in {a.team_id for a in own} else None,
        "team_value": str(form["team"].value() or ""),
        "team_results": list(search_teams(query)[:10]) if len(query) >= 2 else None,
        "team_query": query,
    }
    return render(request, "calls/applicant_lead_team.html", context, status=400 if form.errors else 200)


# --- budget ---------------------------------------------------------------------------------


def _line_kwargs(form: BudgetLineForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "category": data["category"],
        "description": data["description"],
        "amount": data["amount"],
        "team": data["team"],
        "is_single_item": data["is_single_item"],
    }


@require_login
@require_POST
def budget_add(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    teams = list(app.teams.select_related("team"))
    form = BudgetLineForm(request.POST, application=app, teams=teams)
    if form.is_valid():
        try:
            services.add_budget_line(application=app, actor=request.user, **_line_kwargs(form))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _section_response(request, app, "budget")
    return _section_response(request, app, "budget", failed=True, line_form=form)


def _line_of(app: Application, line_pk: int) -> BudgetLine:
    line = (
        BudgetLine.objects.filter(application=app, pk=line_pk)
        .select_related("category", "application")
        .first()
    )
    if line is None:
        raise Http404
    return line


@require_login
@require_http_methods(["GET", "POST"])
def budget_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Edit one line: an editable row (HTMX) or a small page (without JavaScript)."""
    app = get_application_for_user(request.user, pk)
    line = _line_of(app, line_pk)
    teams = list(app.teams.select_related("team"))
    prefix = f"line{line.pk}"
    if request.method == "POST":
        form = BudgetLineForm(request.POST, application=app, teams=teams, prefix=prefix)
        if form.is_valid():
            try:
                services.update_budget_line(
                    line=line,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    **_line_kwargs(form),
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                response = _section_response(request, app, "budget")
                if _htmx(request):  # the edited row asked; the whole section answers (totals change)
                    response["HX-Retarget"], response["HX-Reswap"] = "#budget", "outerHTML"
                return response
    else:
        form = BudgetLineForm(
            prefix=prefix,
            initial={
                "team": line.team_id,
                "category": line.category_id,
                "description": line.description,
                "amount": line.amount,
                "is_single_item": line.is_single_item,
                "version": line.version,
            },
            application=app,
            teams=teams,
        )
    context = {"application": app, "line": line, "form": form}
    if _htmx(request):
        return render(request, "calls/_applicant_budget_row_edit.html", context)
    return render(
        request, "calls/applicant_budget_line.html", context, status=200 if form.is_bound is False else 400
    )


@require_login
@require_POST
def budget_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    line = _line_of(app, line_pk)
    try:
        services.remove_budget_line(line=line, actor=request.user)
    except DomainError as exc:
        return _section_response(request, app, "budget", failed=True, budget_error=exc.message)
    return _section_response(request, app, "budget")


# --- documents ------------------------------------------------------------------------------


@require_login
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    # the documents section shows the requirements of the application's stage: read them once
    requirements = selectors.requirements_for(app)
    chosen = request.POST.get("requirement") or 0
    requirement = next((r for r in requirements if str(r.pk) == str(chosen)), None)
    if requirement is None:
        requirement = DocumentRequirement.objects.filter(call_id=app.call_id, pk=chosen).first()
    if requirement is None:
        return HttpResponseBadRequest(_("Pièce demandée inconnue."))
    form = UploadForm(request.POST, request.FILES)
    error = ""
    if not form.is_valid():
        error = _("Choisissez un fichier à joindre.")
    else:
        try:
            services.upload_attachment(
                application=app, actor=request.user, upload=form.cleaned_data["file"], requirement=requirement
            )
        except DomainError as exc:
            error = exc.message
    if error:
        return _section_response(
            request,
            app,
            "documents",
            failed=True,
            upload_errors={requirement.pk: error},
            requirements=requirements,
        )
    if not _htmx(request):
        messages.success(request, _("Fichier joint : %(label)s.") % {"label": requirement.label})
    return _section_response(request, app, "documents", requirements=requirements)


def _attachment_of(app: Application, attachment_pk: int) -> Attachment:
    attachment = Attachment.objects.filter(application=app, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


@require_login
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Files live outside the web root and are served only to those who may see the application."""
    app = get_application_for_user(request.user, pk)
    attachment = _attachment_of(app, attachment_pk)
    try:
        handle = uploads.private_storage().open(attachment.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_audit(
        action="calls.attachment.downloaded",
        actor=request.user,
        target=app,
        data={"attachment": attachment.pk},
    )
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_login
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    app = get_application_for_user(request.user, pk)
    attachment = _attachment_of(app, attachment_pk)
    try:
        services.remove_attachment(attachment=attachment, actor=request.user)
    except DomainError as exc:
        return _section_response(
            request, app, "documents", failed=True, upload_errors={attachment.requirement_id: exc.message}
        )
    return _section_response(request, app, "documents")

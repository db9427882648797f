"""Views: the reviewer pool (staff) and the invitation page (public, by token).

Staff pages need ``evaluation.manage``; the invitation page is reached through the secret link of
the invitation e-mail (an unknown token answers 404)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.permissions import require_perm
from evaluation.forms.pool import (
    AccountForm,
    DeclineForm,
    DirectoryMemberForm,
    ExternalMemberForm,
    MemberForm,
    ReplacementDirectoryForm,
    ReplacementExternalForm,
    add_domain_error,
)
from evaluation.models import Campaign, PoolMember
from evaluation.permissions import campaign_applications
from evaluation.selectors import pool as selectors
from evaluation.services import pool as services

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("call__programme"), pk=pk)


def _context(campaign: Campaign, **extra: Any) -> dict[str, Any]:
    return {"campaign": campaign, "call": campaign.call, **extra}


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _pool_url(campaign: Campaign) -> str:
    return reverse("evaluation:pool", kwargs={"pk": campaign.pk})


# --- staff -----------------------------------------------------------------------------------


@require_perm("evaluation.manage")
def pool(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    show_removed = request.GET.get("removed") == "1"
    context = _context(
        campaign,
        groups=selectors.pool_by_role(campaign, show_removed=show_removed),
        figures=selectors.pool_figures(campaign),
        applications=campaign_applications(campaign).count(),
        show_removed=show_removed,
        active="pool",
    )
    return render(request, "evaluation/pool_list.html", context)


def _people_results(request: HttpRequest, campaign: Campaign, *, selected: str = "") -> dict[str, Any]:
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    return {
        "q": q,
        "people": selectors.people_to_invite(campaign, q, request.user),
        "selected": selected,
        "searched": len(q) >= 2,
    }


@require_perm("evaluation.manage")
@require_http_methods(["GET", "POST"])
def pool_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    if request.method == "GET" and request.headers.get("HX-Request"):
        return render(request, "evaluation/pool_people_results.html", _people_results(request, campaign))
    directory_form = DirectoryMemberForm(campaign=campaign, prefix="dir")
    external_form = ExternalMemberForm(campaign=campaign, prefix="ext")
    source = request.POST.get("source", "directory")
    if request.method == "POST":
        form: DirectoryMemberForm | ExternalMemberForm
        if source == "external":
            form = external_form = ExternalMemberForm(request.POST, campaign=campaign, prefix="ext")
        else:
            form = directory_form = DirectoryMemberForm(request.POST, campaign=campaign, prefix="dir")
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.add_pool_member(
                    campaign=campaign,
                    role=data["role"],
                    person=data.get("person"),
                    email=data.get("email", ""),
                    name=data.get("name", ""),
                    institution_name=data.get("institution_name", ""),
                    language=data["language"],
                    min_load=data["min_load"],
                    max_load=data["max_load"],
                    actor=request.user,
                    base_url=_base_url(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Invitation envoyée à %(name)s (%(email)s).")
                    % {"name": member.name, "email": member.email},
                )
                if request.POST.get("then") == "another":
                    return redirect(reverse("evaluation:pool_add", kwargs={"pk": campaign.pk}) + f"#{source}")
                return redirect(_pool_url(campaign))
    selected = request.POST.get("dir-person", "") if source == "directory" else ""
    context = _context(
        campaign,
        directory_form=directory_form,
        external_form=external_form,
        source=source,
        active="pool",
        **_people_results(request, campaign, selected=selected),
    )
    return render(
        request, "evaluation/pool_add.html", context, status=400 if request.method == "POST" else 200
    )


@require_perm("evaluation.manage")
@require_http_methods(["GET", "POST"])
def pool_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    member = selectors.get_member(campaign, member_pk)
    initial = {
        "role": member.role,
        "min_load": member.min_load,
        "max_load": member.max_load,
        "version": member.version,
    }
    form = MemberForm(initial=initial, campaign=campaign)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            try:
                services.remove_member(member=member, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect(
                    reverse("evaluation:pool_member", kwargs={"pk": campaign.pk, "member_pk": member.pk})
                )
            messages.success(request, _("%(name)s a été retiré·e du vivier.") % {"name": member.name})
            return redirect(_pool_url(campaign))
        form = MemberForm(request.POST, campaign=campaign)
        if form.is_valid():
            try:
                services.update_member(
                    member=member,
                    role=form.cleaned_data["role"],
                    min_load=form.cleaned_data["min_load"],
                    max_load=form.cleaned_data["max_load"],
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("Modifications enregistrées pour %(name)s.") % {"name": member.name}
                )
                return redirect(_pool_url(campaign))
    context = _context(campaign, member=member, form=form, active="pool")
    return render(request, "evaluation/pool_member.html", context, status=400 if form.errors else 200)


@require_perm("evaluation.manage")
@require_http_methods(["GET", "POST"])
def pool_replace(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    member = selectors.get_member(campaign, member_pk)
    suggested = selectors.parse_suggestion(member.suggestion)
    directory_form = ReplacementDirectoryForm(prefix="dir", initial={"language": member.language})
    external_form = ReplacementExternalForm(prefix="ext", initial={**suggested, "language": member.language})
    source = request.POST.get("source", "external" if suggested["email"] else "directory")
    if request.method == "POST":
        form: ReplacementDirectoryForm | ReplacementExternalForm
        if source == "external":
            form = external_form = ReplacementExternalForm(request.POST, prefix="ext")
        else:
            form = directory_form = ReplacementDirectoryForm(request.POST, prefix="dir")
        if form.is_valid():
            data = form.cleaned_data
            try:
                replacement = services.replace_member(
                    member=member,
                    actor=request.user,
                    person=data.get("person"),
                    email=data.get("email", ""),
                    name=data.get("name", ""),
                    institution_name=data.get("institution_name", ""),
                    language=data["language"],
                    base_url=_base_url(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(new)s est invité·e à la place de %(old)s.")
                    % {"new": replacement.name, "old": member.name},
                )
                return redirect(_pool_url(campaign))
    selected = request.POST.get("dir-person", "") if source == "directory" else ""
    context = _context(
        campaign,
        member=member,
        directory_form=directory_form,
        external_form=external_form,
        source=source,
        active="pool",
        **_people_results(request, campaign, selected=selected),
    )
    return render(
        request, "evaluation/pool_replace.html", context, status=400 if request.method == "POST" else 200
    )


@require_perm("evaluation.manage")
@require_POST
def pool_remind(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    try:
        count = services.remind_invitations(
            campaign=campaign, actor=request.user, base_url=_base_url(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(request, _("Invitation renvoyée à %(count)d personne(s).") % {"count": count})
        else:
            messages.info(request, _("Personne n'attend de réponse : aucune relance envoyée."))
    return redirect(_pool_url(campaign))


# --- the invitation page (public, by token) --------------------------------------------------


def _after_accept_url() -> str:
    try:
        return reverse("evaluation:my_reviews")
    except NoReverseMatch:
        return reverse("core:home")


def _accept(
    request: HttpRequest, member: PoolMember, token: str, account_form: AccountForm
) -> HttpResponse | None:
    answer = request.POST.get("answer")
    if answer == "accept" and request.user.is_authenticated:
        services.accept_invitation(token=token, user=request.user)
    elif answer == "create" and not request.user.is_authenticated and account_form.is_valid():
        data = account_form.cleaned_data
        try:
            _member, user = services.accept_invitation_creating_account(
                token=token,
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except DomainError as exc:
            if exc.field == "password":
                account_form.add_error("password1", exc.message)
                return None
            raise
        login(request, user, backend=ALLAUTH_BACKEND)
    else:
        return None
    messages.success(
        request,
        _(
            "Merci d'avoir accepté d'évaluer pour « %(call)s ». Vos dossiers apparaîtront ici dès leur affectation."
        )
        % {"call": member.campaign.call.title},
    )
    return redirect(_after_accept_url())


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    member = selectors.get_invitation(token)
    campaign = member.campaign
    answerable = member.status == PoolMember.Status.INVITED and campaign.status != Campaign.Status.DECIDED
    has_account = selectors.account_exists(member.email)
    first, _sep, last = member.name.partition(" ")
    account_form = AccountForm(initial={"first_name": first, "last_name": last})
    decline_form = DeclineForm()
    show_decline = False
    if request.method == "POST" and answerable:
        try:
            if request.POST.get("answer") == "decline":
                decline_form = DeclineForm(request.POST)
                show_decline = True
                if decline_form.is_valid():
                    services.decline_invitation(
                        token=token,
                        reason=decline_form.cleaned_data["reason"],
                        suggestion=decline_form.cleaned_data["suggestion"],
                        actor=request.user,
                    )
                    messages.success(request, _("Votre réponse a été transmise au secrétariat. Merci."))
                    return redirect(request.path)
            else:
                if request.POST.get("answer") == "create":
                    account_form = AccountForm(request.POST)
                response = _accept(request, member, token, account_form)
                if response is not None:
                    return response
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
    login_url = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
    context = {
        "member": member,
        "campaign": campaign,
        "call": campaign.call,
        "answerable": answerable,
        "has_account": has_account,
        "account_form": account_form,
        "decline_form": decline_form,
        "show_decline": show_decline,
        "login_url": login_url,
        "email_mismatch": request.user.is_authenticated
        and request.user.email.lower() != member.email.lower(),
        "after_accept_url": _after_accept_url(),
    }
    status = 400 if request.method == "POST" and answerable else 200
    return render(request, "evaluation/invitation.html", context, status=status)

"""Account pages (own account, data export, erasure request) and the accounts back office
(invitations, roles, data-protection requests, audit log)."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.adapters import INVITATION_SESSION_KEY
from accounts.forms import AccountForm, ErasureRequestForm, InvitationForm, PrivacyDecisionForm, RolesForm
from accounts.models import Invitation, PrivacyRequest, User
from core.errors import DomainError
from core.models import AuditEntry
from core.permissions import require_login, require_perm


@require_login
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountForm(
        request.POST or None,
        initial={"first_name": user.first_name, "last_name": user.last_name, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        services.update_account(user=user, **form.cleaned_data)
        messages.success(request, _("Vos informations ont été enregistrées."))
        return redirect("accounts:account")
    from allauth.mfa.models import Authenticator

    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "roles": sorted(user.role_grants.all(), key=lambda g: g.role),
            "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
            "person": getattr(user, "person", None),
            "pending_erasure": user.privacy_requests.filter(status=PrivacyRequest.Status.PENDING).first(),
            "erasure_form": ErasureRequestForm(),
        },
    )


@require_login
def export_my_data(request: HttpRequest) -> HttpResponse:
    data = services.export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-canceropole-{stamp}.json"'
    return response


@require_login
@require_POST
def request_erasure(request: HttpRequest) -> HttpResponse:
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cochez la case de confirmation pour envoyer votre demande."))
        return redirect("accounts:account")
    try:
        services.request_erasure(user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Votre demande d'effacement a été transmise au secrétariat. Réponse sous un mois."),
        )
    return redirect("accounts:account")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.usable_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    request.session[INVITATION_SESSION_KEY] = invitation.token
    return redirect(f"/accounts/signup/?email={invitation.email}")


# --- back office ---------------------------------------------------------------------------


@require_perm("accounts.use_backoffice")
def backoffice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/backoffice/dashboard.html",
        {
            "pending_requests": selectors.pending_privacy_requests()[:10],
            "pending_count": selectors.pending_privacy_requests().count(),
            "recent_invitations": Invitation.objects.select_related("invited_by")[:8],
            "user_count": User.objects.filter(is_active=True).count(),
            "recent_audit": AuditEntry.objects.select_related("actor")[:10],
        },
    )


@require_perm("accounts.manage_invitations")
def invitations(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, initial={"language": "fr"})
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_user(
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                language=form.cleaned_data["language"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("accounts:invitations")
    page = Paginator(Invitation.objects.select_related("invited_by"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/backoffice/invitations.html",
        {"form": form, "page_obj": page, "now": timezone.now()},
    )


@require_perm("accounts.manage_roles")
def users(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    queryset = User.objects.prefetch_related("role_grants").order_by("last_name", "first_name", "email")
    if q:
        queryset = queryset.filter(
            Q(email__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    role = request.GET.get("role", "")
    if role:
        queryset = queryset.filter(role_grants__role=role)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/backoffice/users.html",
        {"page_obj": page, "q": q, "role": role, "roles": RolesForm.base_fields["roles"].choices},
    )


@require_perm("accounts.manage_roles")
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    form = RolesForm(request.POST or None, initial={"roles": sorted(target.role_set)})
    if request.method == "POST" and form.is_valid():
        services.set_roles(user=target, roles=set(form.cleaned_data["roles"]), actor=request.user)
        messages.success(request, _("Les rôles de %(user)s ont été mis à jour.") % {"user": target})
        return redirect("accounts:users")
    return render(request, "accounts/backoffice/user_roles.html", {"form": form, "target": target})


@require_perm("accounts.process_privacy_requests")
def privacy_requests(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.privacy_requests(), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/backoffice/privacy_requests.html", {"page_obj": page})


@require_perm("accounts.process_privacy_requests")
def privacy_request(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.privacy_requests(), pk=pk)
    form = PrivacyDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "erase":
                counts = services.process_erasure(
                    request=item, actor=request.user, response=form.cleaned_data["response"]
                )
                messages.success(
                    request, _("Données effacées : %(n)d enregistrement(s).") % {"n": sum(counts.values())}
                )
            else:
                services.refuse_privacy_request(
                    request=item, actor=request.user, response=form.cleaned_data["response"]
                )
                messages.success(request, _("La demande a été refusée et la réponse enregistrée."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:privacy_requests")
    preview = None
    if item.user is not None and item.status == PrivacyRequest.Status.PENDING:
        from core import privacy

        preview = {label: len(rows) for label, rows in privacy.export_subject(item.user).items()}
    return render(
        request, "accounts/backoffice/privacy_request.html", {"item": item, "form": form, "preview": preview}
    )


@require_perm("accounts.view_audit_log")
def audit_log(request: HttpRequest) -> HttpResponse:
    queryset = AuditEntry.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        queryset = queryset.filter(action__startswith=action)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(Q(actor_label__icontains=q) | Q(target_label__icontains=q))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/backoffice/audit_log.html", {"page_obj": page, "action": action, "q": q})

"""The token page of a signed-in user: list, create (the secret shown once), revoke.

Everyone sees and revokes only their own tokens here, staff included; another person's token id
answers 404.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.selectors import tokens_of
from api.services import create_token, revoke_token
from core.errors import DomainError
from core.permissions import require_perm


def _page(request: HttpRequest, form: TokenForm) -> HttpResponse:
    context = {
        "tokens": list(tokens_of(request.user)),
        "form": form,
        "docs_url": reverse("api:openapi-view"),
        "example_url": request.build_absolute_uri(reverse("api:me")),
    }
    return render(request, "api/tokens.html", context)


@require_perm("api.manage_own_tokens")
def token_list(request: HttpRequest) -> HttpResponse:
    return _page(request, TokenForm())


@require_perm("api.manage_own_tokens")
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            created = create_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            response = render(
                request,
                "api/token_created.html",
                {
                    "token": created.token,
                    "secret": created.secret,
                    "example_url": request.build_absolute_uri(reverse("api:me")),
                },
            )
            # the one page that ever shows the secret must not be kept by a browser or proxy
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form)


@require_perm("api.manage_own_tokens")
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    error = ""
    try:
        token = revoke_token(actor=request.user, token=token)
    except DomainError as exc:
        error = exc.message
    if request.htmx:  # the row updates in place and says what happened
        return render(
            request, "api/_token_row.html", {"token": token, "error": error, "just_revoked": not error}
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Le jeton « %(name)s » est révoqué : il ne fonctionne plus.") % {"name": token.name}
        )
    return redirect("api_tokens:list")

"""Permission plumbing shared by every app.

Object rules live in each app's ``permissions.py`` as ``rules`` predicates. Views use:
- ``require_perm(name)``: anonymous users go to the login page, signed-in users without the
  permission get 403 (for pages whose existence is no secret);
- ``get_object_or_404_for(user, perm, queryset, **lookup)``: a missing object and a forbidden one
  both answer 404, so the existence of a confidential object never leaks.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

M = TypeVar("M", bound=Model)


def require_perm(perm: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view with a global (not object-level) permission."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def require_login(view: Callable[..., Any]) -> Callable[..., Any]:
    """Any signed-in user; anonymous users go to the login page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def get_object_or_404_for(user: Any, perm: str, queryset: QuerySet[M], **lookup: Any) -> M:
    try:
        obj = queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm(perm, obj):
        raise Http404
    return obj

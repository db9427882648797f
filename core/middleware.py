"""Request context for the audit log: where a change came from, without passing requests down."""

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    request_id: str


_current: ContextVar[RequestContext | None] = ContextVar("canceropole_request_context", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(
            RequestContext(ip_address=request.META.get("REMOTE_ADDR") or None, request_id=uuid.uuid4().hex)
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the visitor chose otherwise (language cookie), whatever the browser says:
    the network works in French; English is one click away."""

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

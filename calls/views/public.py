"""Public call pages: the list of open, upcoming and past calls, a call's page, its documents.

Calls in preparation exist only for the secretariat (404 for everyone else, through
``get_call_for_user``). Downloadable documents live in private storage and are served here.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from calls import selectors, uploads
from calls.models import CallDocument
from calls.permissions import get_call_for_user, is_secretariat


def call_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(request, "calls/public_list.html", {"calls": selectors.public_calls(now=now), "now": now})


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    get_call_for_user(request.user, pk)  # 404 for a draft seen by anyone but the secretariat
    call = selectors.call_page(pk, include_drafts=True)
    if call is None:
        raise Http404
    now = timezone.now()
    return render(
        request,
        "calls/public_call.html",
        {
            "call": call,
            "phase": call.phase(now),
            "rules": list(call.rules.all()),
            "changes": list(call.changes.all()) if call.is_published else [],
            "is_staff_view": is_secretariat(request.user),
            "now": now,
        },
    )


def call_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    call = get_call_for_user(request.user, pk)
    document = CallDocument.objects.filter(call=call, pk=document_pk).first()
    if document is None:
        raise Http404
    try:
        handle = uploads.private_storage().open(document.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type or None,
    )

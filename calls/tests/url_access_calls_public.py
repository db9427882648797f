from config.tests.access import Access, Rule


def _published_call(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import CallFactory

    return CallFactory()


def _document(world):  # type: ignore[no-untyped-def]
    from calls.services import add_call_document
    from calls.tests.factories import CallFactory, make_pdf, upload

    call = CallFactory()
    document = add_call_document(
        call=call, upload=upload("appel.pdf", make_pdf()), title_fr="Texte de l'appel", actor=None
    )
    return {"pk": call.pk, "document_pk": document.pk}


URL_ACCESS = {
    "calls:list": Rule(Access.PUBLIC),
    "calls:detail": Rule(Access.PUBLIC, kwargs=lambda w: {"pk": _published_call(w).pk}),
    "calls:document": Rule(Access.PUBLIC, kwargs=_document),
}

"""Who may open the call-configuration back office: the secretariat only (a researcher gets 403,
an anonymous visitor the login page)."""

from config.tests.access import Access, Rule


def _draft(world):  # type: ignore[no-untyped-def]
    from calls.models import Call
    from calls.tests.factories import CallFactory

    return CallFactory(status=Call.Status.DRAFT, published_at=None)


def _call(world):  # type: ignore[no-untyped-def]
    return {"pk": _draft(world).pk}


def _item(kind: str):  # type: ignore[no-untyped-def]
    def build(world):  # type: ignore[no-untyped-def]
        from calls.tests.factories import EligibilityRuleFactory

        rule = EligibilityRuleFactory(call=_draft(world))
        return {"pk": rule.call_id, "kind": kind, "item_pk": rule.pk}

    return build


def _download(world):  # type: ignore[no-untyped-def]
    from calls.services import add_call_document
    from calls.tests.factories import make_pdf, upload

    call = _draft(world)
    document = add_call_document(
        call=call, upload=upload("appel.pdf", make_pdf()), title_fr="Texte de l'appel", actor=None
    )
    return {"pk": call.pk, "document_pk": document.pk}


def _programme(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import ProgrammeFactory

    return {"pk": ProgrammeFactory().pk}


URL_ACCESS = {
    "calls:setup_list": Rule(Access.STAFF),
    "calls:setup_programmes": Rule(Access.STAFF),
    "calls:setup_programme_new": Rule(Access.STAFF),
    "calls:setup_programme_edit": Rule(Access.STAFF, kwargs=_programme),
    "calls:setup_call_new": Rule(Access.STAFF),
    "calls:setup_call_copy": Rule(Access.STAFF),
    "calls:setup_call": Rule(Access.STAFF, kwargs=_call),
    "calls:setup_call_tab": Rule(Access.STAFF, kwargs=lambda w: {**_call(w), "tab": "rules"}),
    "calls:setup_call_edit": Rule(Access.STAFF, kwargs=_call),
    "calls:setup_publish": Rule(Access.STAFF, kwargs=_call, method="post"),
    "calls:setup_close": Rule(Access.STAFF, kwargs=_call, method="post"),
    "calls:setup_archive": Rule(Access.STAFF, kwargs=_call, method="post"),
    "calls:setup_rule_preview": Rule(Access.STAFF, kwargs=_call, method="post"),
    "calls:setup_download_add": Rule(Access.STAFF, kwargs=_call, method="post"),
    "calls:setup_download_remove": Rule(Access.STAFF, kwargs=_download, method="post"),
    "calls:setup_item_new": Rule(Access.STAFF, kwargs=lambda w: {**_call(w), "kind": "rules"}),
    "calls:setup_item_edit": Rule(Access.STAFF, kwargs=_item("rules")),
    "calls:setup_item_delete": Rule(Access.STAFF, kwargs=_item("rules"), method="post"),
    "calls:setup_item_move": Rule(Access.STAFF, kwargs=_item("rules"), method="post"),
}

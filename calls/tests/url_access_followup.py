"""Who may open the secretariat's follow-up pages of calls: the secretariat only (anonymous →
login page, a researcher → 403)."""

from config.tests.access import Access, Rule


def _call(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import CallFactory

    return CallFactory()


def _two_stage_call(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import CallFactory

    return CallFactory(stages=2)


def _application(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import ApplicationFactory

    return ApplicationFactory(applicant=world.other_user, lead_person=world.person, lead_team=world.team)


def _attachment(world):  # type: ignore[no-untyped-def]
    from calls.models import Attachment

    application = _application(world)
    attachment = Attachment.objects.create(
        application=application,
        file="calls/missing.pdf",
        original_name="projet.pdf",
        size=10,
        content_type="application/pdf",
        sha256="0" * 64,
    )
    return {"pk": application.pk, "attachment_pk": attachment.pk}


URL_ACCESS = {
    # --- secretariat follow-up (calls/views/followup.py) ---
    "calls:followup_index": Rule(Access.STAFF),
    "calls:followup_dashboard": Rule(Access.STAFF, kwargs=lambda w: {"pk": _call(w).pk}),
    "calls:followup_export_xlsx": Rule(Access.STAFF, kwargs=lambda w: {"pk": _call(w).pk}),
    "calls:followup_export_csv": Rule(Access.STAFF, kwargs=lambda w: {"pk": _call(w).pk}),
    "calls:followup_mailing": Rule(Access.STAFF, kwargs=lambda w: {"pk": _call(w).pk}, method="post"),
    "calls:followup_letters": Rule(
        Access.STAFF, kwargs=lambda w: {"pk": _two_stage_call(w).pk}, method="post"
    ),
    "calls:followup_application": Rule(Access.STAFF, kwargs=lambda w: {"pk": _application(w).pk}),
    "calls:followup_decide": Rule(Access.STAFF, kwargs=lambda w: {"pk": _application(w).pk}, method="post"),
    "calls:followup_attachment": Rule(Access.STAFF, kwargs=_attachment),
}

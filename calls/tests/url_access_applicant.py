"""Who may open the applicant's pages: any signed-in user for "Mes candidatures", a new
application and an invitation link; only the application's members for everything about an
application (others get 404, as if it did not exist)."""

from config.tests.access import Access, Rule


def _application(world, **kwargs):  # type: ignore[no-untyped-def]
    from calls.tests.factories import ApplicationFactory

    return ApplicationFactory(applicant=world.other_user, lead_person=world.person, **kwargs)


def _app(world):  # type: ignore[no-untyped-def]
    return {"pk": _application(world).pk}


def _line(world):  # type: ignore[no-untyped-def]
    from calls import services
    from calls.tests.factories import BudgetCategoryFactory

    application = _application(world)
    line = services.add_budget_line(
        application=application,
        actor=world.other_user,
        category=BudgetCategoryFactory(call=application.call),
        description="Anticorps",
        amount="1200",
    )
    return {"pk": application.pk, "line_pk": line.pk}


def _team(world):  # type: ignore[no-untyped-def]
    application = _application(world)
    return {"pk": application.pk, "team_pk": application.teams.get().pk}


def _attachment(world):  # type: ignore[no-untyped-def]
    from calls import services
    from calls.tests.factories import DocumentRequirementFactory, make_pdf, upload

    application = _application(world)
    attachment = services.upload_attachment(
        application=application,
        actor=world.other_user,
        upload=upload("projet.pdf", make_pdf()),
        requirement=DocumentRequirementFactory(call=application.call),
    )
    return {"pk": application.pk, "attachment_pk": attachment.pk}


def _submitted(world):  # type: ignore[no-untyped-def]
    from calls import services

    application = services.submit_application(
        application=_application(world), actor=world.other_user, idempotency_key="access-table"
    )
    return {"pk": application.pk}


def _invitation(world):  # type: ignore[no-untyped-def]
    from django.core import mail

    from calls import services

    partner = services.invite_partner(
        application=_application(world),
        actor=world.other_user,
        email="partner@example.org",
        new_team_name="Équipe invitée",
    )
    mail.outbox.clear()
    return {"token": partner.invitation_token}


def _call(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import CallFactory

    return {"pk": CallFactory().pk}


OWNER = Access.OWNER
URL_ACCESS = {
    "calls:my_applications": Rule(Access.SIGNED_IN),
    "calls:application_new": Rule(Access.SIGNED_IN, kwargs=_call),
    "calls:invitation_accept": Rule(Access.SIGNED_IN, kwargs=_invitation),
    "calls:application": Rule(OWNER, kwargs=_app),
    "calls:application_eligibility": Rule(OWNER, kwargs=_app),
    "calls:application_team_search": Rule(OWNER, kwargs=_app),
    "calls:application_lead_team": Rule(OWNER, kwargs=_app),
    "calls:application_partner_invite": Rule(OWNER, kwargs=_app, method="post"),
    "calls:application_partner_remove": Rule(OWNER, kwargs=_team, method="post"),
    "calls:application_budget_add": Rule(OWNER, kwargs=_app, method="post"),
    "calls:application_budget_line": Rule(OWNER, kwargs=_line),
    "calls:application_budget_remove": Rule(OWNER, kwargs=_line, method="post"),
    "calls:application_upload": Rule(OWNER, kwargs=_app, method="post"),
    "calls:application_attachment": Rule(OWNER, kwargs=_attachment),
    "calls:application_attachment_remove": Rule(OWNER, kwargs=_attachment, method="post"),
    "calls:application_submit": Rule(OWNER, kwargs=_app),
    "calls:application_receipt": Rule(OWNER, kwargs=_submitted),
    "calls:application_receipt_pdf": Rule(OWNER, kwargs=_submitted),
    "calls:application_withdraw": Rule(OWNER, kwargs=_submitted),
}

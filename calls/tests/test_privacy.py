"""Personal data of calls is exported and, on erasure, unlinked while the funding records stay."""

import pytest

from accounts.tests.factories import UserFactory
from calls import services
from calls.models import Application, ApplicationTeam
from calls.tests.factories import ApplicationFactory, DocumentRequirementFactory, make_pdf, upload
from core import privacy

pytestmark = pytest.mark.django_db


def test_export_and_erase():
    application = ApplicationFactory(title="Projet à effacer")
    partner_user = UserFactory(email="partenaire@example.org")
    invitation = services.invite_partner(
        application=application, actor=application.applicant, email=partner_user.email, new_team_name="B"
    )
    services.accept_partner_invitation(token=invitation.invitation_token, user=partner_user)
    requirement = DocumentRequirementFactory(call=application.call)
    services.upload_attachment(
        application=application,
        actor=partner_user,
        upload=upload("cv.pdf", make_pdf()),
        requirement=requirement,
    )

    exported = privacy.export_subject(application.applicant)
    assert exported["calls.Application"][0]["title"] == "Projet à effacer"
    partner_export = privacy.export_subject(partner_user)
    assert partner_export["calls.ApplicationTeam"][0]["contact_email"] == "partenaire@example.org"
    assert partner_export["calls.Attachment"][0]["original_name"] == "cv.pdf"

    privacy.erase_subject(application.applicant)
    privacy.erase_subject(partner_user)
    application.refresh_from_db()
    assert application.applicant is None and Application.objects.filter(pk=application.pk).exists()
    partner = ApplicationTeam.objects.get(pk=invitation.pk)
    assert partner.contact_email == "" and partner.contact_user is None
    assert application.attachments.get().uploaded_by is None

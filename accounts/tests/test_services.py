import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, PrivacyRequest, Role, User
from accounts.tests.factories import UserFactory
from core.errors import InvalidInput, InvalidState
from core.models import AuditEntry


@pytest.mark.django_db
def test_grant_and_revoke_roles_are_audited():
    user = UserFactory(roles=[])
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    services.set_roles(user=user, roles={Role.REVIEWER, Role.COPS_MEMBER}, actor=admin)
    assert User.objects.get(pk=user.pk).role_set == {Role.REVIEWER, Role.COPS_MEMBER}
    services.set_roles(user=user, roles={Role.REVIEWER}, actor=admin)
    assert User.objects.get(pk=user.pk).role_set == {Role.REVIEWER}
    actions = list(AuditEntry.objects.filter(target_id=str(user.pk)).values_list("action", flat=True))
    assert actions.count("accounts.role.granted") == 2 and actions.count("accounts.role.revoked") == 1


@pytest.mark.django_db
def test_unknown_role_is_refused():
    with pytest.raises(InvalidInput):
        services.grant_role(user=UserFactory(), role="pope")


@pytest.mark.django_db
def test_invitation_sends_a_link_and_grants_roles_on_signup(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_user(
            email="New.Person@Example.org", roles=[Role.REVIEWER], actor=staff, base_url="http://testserver/"
        )
    assert invitation.email == "new.person@example.org"
    assert len(mailoutbox) == 1 and invitation.token in mailoutbox[0].body
    user = User.objects.create_user("new.person@example.org", "x" * 12)
    services.complete_signup(user=user, invitation_token=invitation.token)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert User.objects.get(pk=user.pk).role_set == {Role.RESEARCHER, Role.REVIEWER}


@pytest.mark.django_db
def test_cannot_invite_an_existing_account(staff):
    with pytest.raises(InvalidInput):
        services.invite_user(email=staff.email.upper(), roles=[], actor=staff, base_url="http://t/")


@pytest.mark.django_db
def test_export_contains_account_directory_record_and_audit(researcher):
    data = services.export_personal_data(user=researcher)
    assert data["account"]["email"] == researcher.email
    assert data["records"]["directory.Person"][0]["last_name"] == researcher.person.last_name
    assert AuditEntry.objects.filter(action="accounts.privacy.exported", actor=researcher).exists()


@pytest.mark.django_db
def test_erasure_request_then_processing_anonymises_and_deactivates(researcher, staff):
    person_pk = researcher.person.pk
    request = services.request_erasure(user=researcher, reason="Je quitte la recherche")
    with pytest.raises(InvalidState):
        services.request_erasure(user=researcher)
    counts = services.process_erasure(request=request, actor=staff, response="Fait")
    user = User.objects.get(pk=researcher.pk)
    assert not user.is_active and user.email.endswith("@erased.invalid") and user.first_name == ""
    assert not user.has_usable_password()
    from directory.models import Person

    person = Person.objects.get(pk=person_pk)
    assert person.user is None and person.email == "" and person.orcid == ""
    assert counts["directory.Person"] == 1
    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.DONE and researcher.email not in request.requester_label
    with pytest.raises(InvalidState):
        services.process_erasure(request=request, actor=staff)


@pytest.mark.django_db
def test_refusal_needs_a_reason(researcher, staff):
    request = services.request_erasure(user=researcher)
    with pytest.raises(InvalidInput):
        services.refuse_privacy_request(request=request, actor=staff, response="  ")
    services.refuse_privacy_request(
        request=request, actor=staff, response="Obligation légale de conservation"
    )
    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.REFUSED


@pytest.mark.django_db
def test_expired_invitation_is_not_usable(staff):
    from accounts.selectors import usable_invitation

    inv = Invitation.objects.create(
        email="a@b.org", invited_by=staff, expires_at=timezone.now() - timezone.timedelta(days=1)
    )
    assert usable_invitation(inv.token) is None

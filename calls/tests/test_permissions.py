"""Who sees which call and application: a table of cases, and the 404 helpers."""

import pytest
from django.http import Http404

from accounts.models import Role
from accounts.tests.factories import UserFactory
from calls import services
from calls.models import Call
from calls.permissions import applications_visible_to, get_application_for_user, get_call_for_user
from calls.selectors import applications_of
from calls.tests.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():  # type: ignore[no-untyped-def]
    application = ApplicationFactory()
    invited = UserFactory(email="invited@example.org")
    pending = UserFactory(email="pending@example.org")
    accepted = services.invite_partner(
        application=application, actor=application.applicant, email=invited.email, new_team_name="B"
    )
    services.accept_partner_invitation(token=accepted.invitation_token, user=invited)
    services.invite_partner(
        application=application, actor=application.applicant, email=pending.email, new_team_name="C"
    )
    return {
        "application": application,
        "applicant": application.applicant,
        "partner": invited,
        "pending partner": pending,
        "stranger": UserFactory(),
        "staff": UserFactory(roles=[Role.SECRETARIAT]),
        "reviewer": UserFactory(roles=[Role.REVIEWER]),
    }


@pytest.mark.parametrize(
    ("who", "view", "edit", "withdraw"),
    [
        ("applicant", True, True, True),
        ("partner", True, True, False),
        ("pending partner", False, False, False),
        ("stranger", False, False, False),
        ("reviewer", False, False, False),
        ("staff", True, False, False),
    ],
)
def test_application_permissions(cast, who, view, edit, withdraw):
    user, application = cast[who], cast["application"]
    assert user.has_perm("calls.view_application", application) is view
    assert user.has_perm("calls.edit_application", application) is edit
    assert user.has_perm("calls.withdraw_application", application) is withdraw
    assert (application in applications_visible_to(user)) is view
    if view:
        assert get_application_for_user(user, application.pk) == application
    else:
        with pytest.raises(Http404):
            get_application_for_user(user, application.pk)


def test_missing_and_forbidden_look_the_same(cast):
    with pytest.raises(Http404):
        get_application_for_user(cast["stranger"], 999_999)


def test_submitted_application_is_no_longer_editable(cast):
    application = cast["application"]
    services.submit_application(
        application=application, actor=cast["applicant"], idempotency_key="k", now=application.call.closes_at
    )
    application.refresh_from_db()
    assert not cast["applicant"].has_perm("calls.edit_application", application)
    assert cast["applicant"].has_perm("calls.view_application", application)


def test_my_applications_include_accepted_partnerships_once(cast):
    ApplicationFactory(applicant=cast["partner"], lead_person=None)
    assert applications_of(cast["partner"]).count() == 2
    assert applications_of(cast["pending partner"]).count() == 0
    assert list(applications_of(cast["applicant"])) == [cast["application"]]


@pytest.mark.parametrize("status", list(Call.Status))
def test_call_visibility(status):
    call = CallFactory(status=status)
    staff, researcher = UserFactory(roles=[Role.SECRETARIAT]), UserFactory()
    assert get_call_for_user(staff, call.pk) == call
    assert staff.has_perm("calls.view_call", call)
    if status == Call.Status.DRAFT:
        with pytest.raises(Http404):
            get_call_for_user(researcher, call.pk)
        assert not researcher.has_perm("calls.view_call", call)
    else:
        assert get_call_for_user(researcher, call.pk) == call

"""Who may see and change what in calls.

- Calls in preparation (draft) are seen by the secretariat only; published, closed and archived
  calls by everyone.
- An application is seen by its applicant, by the contacts of partner teams who accepted their
  invitation, and by the secretariat; for everyone else it does not exist (404).
- An application is edited (while a draft) by its applicant and accepted partners; the
  secretariat sees it but does not write in it.

Views fetch protected objects through ``get_call_for_user`` and ``get_application_for_user``,
which answer 404 for missing and forbidden alike.
"""

from typing import Any

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.permissions import is_secretariat, is_signed_in
from calls.models import Application, ApplicationTeam, Call


@rules.predicate
def is_visible_call(user: Any, call: Call | None) -> bool:
    return call is not None and call.status != Call.Status.DRAFT


@rules.predicate
def is_applicant(user: Any, application: Application | None) -> bool:
    return bool(application is not None and user.is_authenticated and application.applicant_id == user.pk)


@rules.predicate
def is_accepted_partner(user: Any, application: Application | None) -> bool:
    if application is None or not user.is_authenticated:
        return False
    return application.teams.filter(
        contact_user_id=user.pk, invitation_status=ApplicationTeam.Invitation.ACCEPTED
    ).exists()


@rules.predicate
def is_editable(user: Any, application: Application | None) -> bool:
    return application is not None and application.status == Application.Status.DRAFT


is_application_member = is_applicant | is_accepted_partner

rules.add_perm("calls.view_call", is_visible_call | is_secretariat)
rules.add_perm("calls.manage", is_secretariat)
rules.add_perm("calls.apply", is_signed_in)
rules.add_perm("calls.view_application", is_application_member | is_secretariat)
rules.add_perm("calls.edit_application", is_application_member & is_editable)
rules.add_perm("calls.submit_application", is_application_member & is_editable)
rules.add_perm("calls.withdraw_application", is_applicant)
rules.add_perm("calls.decide_eligibility", is_secretariat)


def can_edit_application(user: Any, application: Application) -> bool:
    """Member of the application (status is checked by the services, under lock)."""
    return bool(is_application_member(user, application))


def visible_calls(user: Any) -> QuerySet[Call]:
    calls = Call.objects.all()
    return calls if is_secretariat(user) else calls.exclude(status=Call.Status.DRAFT)


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Every application ``user`` may open (no duplicates, one query)."""
    if user is None or not user.is_authenticated:
        return Application.objects.none()
    if is_secretariat(user):
        return Application.objects.all()
    partner = ApplicationTeam.objects.filter(
        application=OuterRef("pk"),
        contact_user_id=user.pk,
        invitation_status=ApplicationTeam.Invitation.ACCEPTED,
    )
    return Application.objects.filter(Q(applicant_id=user.pk) | Exists(partner))


def get_call_for_user(user: Any, pk: int) -> Call:
    call = visible_calls(user).select_related("programme").filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


def get_application_for_user(user: Any, pk: int) -> Application:
    """The application ``pk`` if ``user`` may see it; 404 otherwise (missing or forbidden alike).
    The rule of ``applications_visible_to``, checked on the row: one plain query for the applicant
    (every request of the editor comes here), one more for a partner."""
    if user is None or not user.is_authenticated:
        raise Http404
    application = (
        Application.objects.select_related("call__programme", "lead_person", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None or not (
        application.applicant_id == user.pk or is_secretariat(user) or is_accepted_partner(user, application)
    ):
        raise Http404
    return application

"""Who may open the calls endpoints of the API: published calls for anyone; one's own
applications with a token only (sessions are not used by the API)."""

from config.tests.access import Access, Rule


def _published_call(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import CallFactory

    return CallFactory()


def _others_application(world):  # type: ignore[no-untyped-def]
    from calls.tests.factories import ApplicationFactory

    return ApplicationFactory(applicant=world.other_user, lead_person=world.person, lead_team=world.team)


TOKEN_ONLY = "token auth (no session): covered by api/tests/test_calls_api.py"

URL_ACCESS = {
    "api:calls": Rule(Access.PUBLIC),
    "api:call": Rule(Access.PUBLIC, kwargs=lambda w: {"call_id": _published_call(w).pk}),
    "api:calls-applications": Rule(Access.SIGNED_IN, skip_reason=TOKEN_ONLY),
    "api:calls-application": Rule(
        Access.OWNER,
        kwargs=lambda w: {"application_id": _others_application(w).pk},
        skip_reason=TOKEN_ONLY,
    ),
}

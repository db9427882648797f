"""Who may open the API's URLs. The token page is for signed-in users; the API answers public
directory data to anonymous callers; token-only endpoints are covered by ``test_auth.py``."""

from config.tests.access import Access, Rule


def _others_token(world):  # type: ignore[no-untyped-def]
    from api.tests.factories import make_token

    token, _secret = make_token(world.other_user)
    return token


TOKEN_ONLY = "token auth (no session): covered by api/tests/test_auth.py"

URL_ACCESS = {
    # --- token page (api/views.py) ---
    "api_tokens:list": Rule(Access.SIGNED_IN),
    "api_tokens:create": Rule(Access.SIGNED_IN, method="post"),
    "api_tokens:revoke": Rule(Access.OWNER, kwargs=lambda w: {"pk": _others_token(w).pk}, method="post"),
    # --- the API (api/api.py, api/routers/) ---
    "api:api-root": Rule(Access.PUBLIC),  # /api/ resolves to the index endpoint
    "api:index": Rule(Access.PUBLIC),
    "api:openapi-json": Rule(Access.PUBLIC),
    "api:openapi-view": Rule(Access.PUBLIC),
    "api:me": Rule(Access.SIGNED_IN, skip_reason=TOKEN_ONLY),
    "api:directory-institutions": Rule(Access.PUBLIC),
    "api:directory-institution": Rule(Access.PUBLIC, kwargs=lambda w: {"institution_id": w.institution.pk}),
    "api:directory-units": Rule(Access.PUBLIC),
    "api:directory-unit": Rule(Access.PUBLIC, kwargs=lambda w: {"unit_id": w.unit.pk}),
    "api:directory-teams": Rule(Access.PUBLIC),
    "api:directory-team": Rule(Access.PUBLIC, kwargs=lambda w: {"team_id": w.team.pk}),
    "api:directory-people": Rule(Access.PUBLIC),
    "api:directory-person": Rule(Access.PUBLIC, kwargs=lambda w: {"person_id": w.person.pk}),
    "api:directory-platforms": Rule(Access.PUBLIC),
    "api:directory-platform": Rule(Access.PUBLIC, kwargs=lambda w: {"platform_id": w.platform.pk}),
    "api:directory-ttos": Rule(Access.PUBLIC),
    "api:directory-tto": Rule(Access.PUBLIC, kwargs=lambda w: {"office_id": w.tto.pk}),
}

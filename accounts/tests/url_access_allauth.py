"""allauth's pages: public entrance pages, and account management pages for signed-in users."""

from config.tests.access import Access, Rule

_PUBLIC = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
    "account_reset_password_from_key_done",
]
_SIGNED_IN = [
    "account_email",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_generate_recovery_codes",
    "account_reauthenticate",
]
# Pages about the user's own authenticator: 404 for a user who has none.
_OWN_AUTHENTICATOR = ["mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"]
_FLOW = "allauth flow page: only meaningful inside a login/verification flow; covered by test_auth_flows.py"

URL_ACCESS = {
    **{name: Rule(Access.PUBLIC) for name in _PUBLIC},
    **{name: Rule(Access.SIGNED_IN) for name in _SIGNED_IN},
    **{name: Rule(Access.OWNER) for name in _OWN_AUTHENTICATOR},
    "account_logout": Rule(Access.PUBLIC, method="post"),
    "account_confirm_email": Rule(Access.PUBLIC, kwargs=lambda w: {"key": "invalid-key"}),
    "account_reset_password_from_key": Rule(
        Access.PUBLIC, kwargs=lambda w: {"uidb36": "1", "key": "bad-key"}
    ),
    "account_request_reauthentication_code": Rule(Access.SIGNED_IN, skip_reason=_FLOW),
    "account_confirm_reauthentication_code": Rule(Access.SIGNED_IN, skip_reason=_FLOW),
    "account_confirm_login_code": Rule(Access.PUBLIC, skip_reason=_FLOW),
    "mfa_authenticate": Rule(Access.PUBLIC, skip_reason=_FLOW),
    "mfa_reauthenticate": Rule(Access.SIGNED_IN, skip_reason=_FLOW),
}

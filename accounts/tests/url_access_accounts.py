from config.tests.access import Access, Rule

URL_ACCESS = {
    "accounts:account": Rule(Access.SIGNED_IN),
    "accounts:export": Rule(Access.SIGNED_IN),
    "accounts:request_erasure": Rule(Access.SIGNED_IN, method="post"),
    # An unknown invitation token answers 404 to everyone.
    "accounts:accept_invitation": Rule(Access.CONFIDENTIAL, kwargs=lambda w: {"token": "not-a-real-token"}),
    "accounts:backoffice": Rule(Access.STAFF),
    "accounts:invitations": Rule(Access.STAFF),
    "accounts:users": Rule(Access.STAFF),
    "accounts:user_roles": Rule(Access.STAFF, kwargs=lambda w: {"pk": w.other_user.pk}),
    "accounts:privacy_requests": Rule(Access.STAFF),
    "accounts:privacy_request": Rule(Access.STAFF, kwargs=lambda w: {"pk": 1}),
    "accounts:audit_log": Rule(Access.STAFF),
}

"""The publications permissions, case by case."""

import pytest
from django.contrib.auth.models import AnonymousUser

from outputs.tests.factories import PublicationImportFactory


@pytest.mark.parametrize(
    ("who", "perm", "target", "allowed"),
    [
        ("anonymous", "outputs.import_own", None, False),
        ("marie", "outputs.import_own", None, True),
        ("nobody", "outputs.import_own", None, False),  # signed in, but no directory record
        ("staff", "outputs.import_for_unit", None, True),
        ("marie", "outputs.import_for_unit", None, False),
        ("staff", "outputs.review_author_links", None, True),
        ("marie", "outputs.review_author_links", None, False),
        ("marie", "outputs.claim_authorship", "marie", True),
        ("marie", "outputs.claim_authorship", "sophie", False),
        ("staff", "outputs.claim_authorship", "sophie", True),
        ("marie", "outputs.view_import", "job_of_marie", True),
        ("sophie", "outputs.view_import", "job_of_marie", False),
        ("staff", "outputs.view_import", "job_of_marie", True),
        ("anonymous", "outputs.view_import", "job_of_marie", False),
    ],
)
def test_permissions(network, staff, who, perm, target, allowed):
    from accounts.tests.factories import UserFactory

    users = {
        "anonymous": AnonymousUser(),
        "marie": network.marie_user,
        "sophie": network.sophie_user,
        "staff": staff,
        "nobody": UserFactory(email="nobody@example.org"),
    }
    targets = {
        None: None,
        "marie": network.marie,
        "sophie": network.sophie,
        "job_of_marie": PublicationImportFactory(created_by=network.marie_user)
        if target == "job_of_marie"
        else None,
    }
    assert users[who].has_perm(perm, targets[target]) is allowed

"""Racing requests in real threads with their own database connections (SQLite and PostgreSQL):
two submissions of the same application make exactly one; two partners saving the same version
make one save and one clear refusal."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from calls import services
from calls.models import Application, EligibilityCheck
from calls.tests.factories import ApplicationFactory, EligibilityRuleFactory
from core.errors import DomainError, StaleVersion
from core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def race(*jobs: Callable[[], Any]) -> list[Any]:
    """Run ``jobs`` at once in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_racing_submissions_make_exactly_one(mailoutbox):
    application = ApplicationFactory()
    EligibilityRuleFactory(call=application.call)
    at = application.call.closes_at

    def submit(key: str) -> Callable[[], Application]:
        return lambda: services.submit_application(
            application=Application.objects.get(pk=application.pk),
            actor=application.applicant,
            idempotency_key=key,
            now=at,
        )

    results = race(submit("same"), submit("same"), submit("other"), submit("fourth"))
    assert all(isinstance(r, Application) for r in results), results
    assert {r.receipt_number for r in results} == {results[0].receipt_number}
    assert Application.objects.filter(status=Application.Status.SUBMITTED).count() == 1
    assert EligibilityCheck.objects.filter(application=application).count() == 1
    assert AuditEntry.objects.filter(action="calls.application.submitted").count() == 1
    assert len(mailoutbox) == 1


def test_concurrent_draft_saves_never_overwrite_silently():
    application = ApplicationFactory()
    partner = services.invite_partner(
        application=application, actor=application.applicant, email="p@example.org", new_team_name="Équipe B"
    )
    from accounts.tests.factories import UserFactory

    partner_user = UserFactory(email="p@example.org")
    services.accept_partner_invitation(token=partner.invitation_token, user=partner_user)
    version = Application.objects.get(pk=application.pk).version

    def save(actor: Any, title: str) -> Callable[[], Application]:
        return lambda: services.save_draft(
            application=Application.objects.get(pk=application.pk),
            actor=actor,
            expected_version=version,
            title=title,
        )

    results = race(
        save(application.applicant, "Titre de la porteuse"), save(partner_user, "Titre du partenaire")
    )
    saved = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], StaleVersion) and "rechargez la page" in refused[0].message
    application.refresh_from_db()
    assert application.title == saved[0].title and application.version == version + 1


def test_draft_save_racing_the_submission_never_changes_a_submitted_application():
    application = ApplicationFactory()
    at = application.call.closes_at
    version = application.version
    results = race(
        lambda: services.submit_application(
            application=Application.objects.get(pk=application.pk),
            actor=application.applicant,
            idempotency_key="k",
            now=at,
        ),
        lambda: services.save_draft(
            application=Application.objects.get(pk=application.pk),
            actor=application.applicant,
            expected_version=version,
            title="Tard",
        ),
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    if application.title == "Tard":  # the save won the lock: the submission came after it
        assert isinstance(results[1], Application)
    else:
        assert isinstance(results[1], DomainError)

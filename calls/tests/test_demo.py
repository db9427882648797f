"""The demo calls load, pass their own publication checks and behave as described."""

import datetime as dt

import pytest
from django.core.management import call_command

from calls import demo
from calls.eligibility import evaluate
from calls.models import PARIS, Application, Call
from calls.selectors import public_calls
from calls.tests.factories import ApplicationFactory
from core.errors import InvalidState
from directory.tests.factories import AffiliationFactory

pytestmark = pytest.mark.django_db


def test_seed_calls(django_capture_on_commit_callbacks):
    for _ in range(12):
        AffiliationFactory()
    counts = demo.seed_calls(today=dt.date(2026, 11, 20))
    assert counts["calls"] == 6 and counts["applications"] == 4
    grouped = public_calls()
    assert {c.title_fr for c in grouped.open} >= {"Appel Émergence 2027", "Projets structurants 2027"}
    assert [c.title_fr for c in grouped.upcoming] == ["Preuve de concept 2027"]
    [past] = [c for c in grouped.past if c.status == Call.Status.CLOSED]
    assert past.applications.filter(submitted_at__isnull=False).count() == 4
    for call in Call.objects.all():
        assert call.closes_at.astimezone(PARIS).time() == dt.time(12, 0)
    structuring = Call.objects.get(title_fr="Projets structurants 2027")
    assert structuring.is_two_stage and structuring.rules.count() == 10
    # the cool-off rule of this cycle sees last cycle's winners
    winner = past.applications.get(status=Application.Status.AWARDED)
    emergence = Call.objects.get(title_fr="Appel Émergence 2027")
    again = ApplicationFactory(call=emergence, applicant=winner.applicant, lead_person=winner.lead_person)
    cool_off = next(r for r in evaluate(again) if r.code == "cool_off")
    assert cool_off.passed is False and "2026" in cool_off.message
    with pytest.raises(InvalidState):
        demo.seed_calls()


def test_seed_calls_command_on_an_empty_directory(capsys):
    call_command("seed_calls")
    assert "6 appels" in capsys.readouterr().out and Call.objects.count() == 6

"""The engine on real rows: facts read from the database, stages, unknown or broken rules."""

import datetime as dt
from decimal import Decimal

import pytest

from calls import services
from calls.eligibility import evaluate, facts_for, overall
from calls.models import Application, Call, EligibilityRule, Stage, paris_datetime
from calls.tests.factories import (
    ApplicationFactory,
    BudgetCategoryFactory,
    CallFactory,
    EligibilityRuleFactory,
    ProgrammeFactory,
)
from directory.models import Institution
from directory.tests.factories import AffiliationFactory, InstitutionFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_facts_come_from_the_consortium_budget_and_directory(django_assert_max_num_queries):
    application = ApplicationFactory()
    partner_institution = InstitutionFactory(kind=Institution.Kind.PARTNER)
    services.invite_partner(
        application=application,
        actor=application.applicant,
        email="a@example.org",
        new_team_name="B",
        institution=partner_institution,
    )
    declined = services.invite_partner(
        application=application,
        actor=application.applicant,
        email="b@example.org",
        new_team_name="C",
        institution_name="Université de Lille",
    )
    services.decline_partner_invitation(token=declined.invitation_token)
    services.invite_partner(
        application=application, actor=application.applicant, email="c@example.org", team=TeamFactory()
    )
    services_cat = BudgetCategoryFactory(call=application.call, kind="services", max_share=Decimal(50))
    for amount in (100, 200, 300):
        services.add_budget_line(
            application=application,
            actor=application.applicant,
            category=services_cat,
            description="Séquençage",
            amount=amount,
        )
    company = InstitutionFactory(name="Start-up SAS", is_research_body=False, kind=Institution.Kind.OTHER)
    AffiliationFactory(person=application.lead_person, institution=company, team=None, unit=None)
    with django_assert_max_num_queries(6):
        facts = facts_for(application)
    assert len(facts.teams) == 3  # the declined partner does not count
    assert {t.institution.is_member for t in facts.teams if t.institution} == {True, False}
    assert facts.total == Decimal(600) and facts.budget[0].max_share == Decimal(50)
    assert facts.lead.career_stage == "researcher"
    assert [(i.name, i.is_research_body) for i in facts.lead.institutions] == [(company.short_name, False)]
    assert facts.call_year == 2027


def test_cool_off_reads_awarded_applications_of_the_same_programme():
    programme = ProgrammeFactory()
    past = CallFactory(programme=programme, year=2026, status=Call.Status.CLOSED)
    winner = ApplicationFactory(call=past, status=Application.Status.AWARDED)
    ApplicationFactory(
        call=CallFactory(year=2026),
        applicant=winner.applicant,
        lead_person=winner.lead_person,
        status=Application.Status.AWARDED,
    )
    call = CallFactory(programme=programme, year=2027)
    EligibilityRuleFactory(call=call, code="cool_off", params={"years": 2})
    again = ApplicationFactory(call=call, applicant=winner.applicant, lead_person=winner.lead_person)
    assert facts_for(again).past_award_years == (2026,)
    [result] = evaluate(again)
    assert result.passed is False and "2026" in result.message
    assert evaluate(ApplicationFactory(call=call))[0].passed is True


def test_rules_apply_to_their_stage_and_broken_rules_do_not_crash():
    call = CallFactory(stages=2, full_stage_closes_at=paris_datetime(dt.date(2099, 1, 1)))
    EligibilityRuleFactory(call=call, code="min_teams", params={"count": 1}, stage="loi", order=1)
    EligibilityRuleFactory(call=call, code="total_ceiling", params={}, stage="full", order=2)
    EligibilityRule.objects.create(call=call, code="retired_rule", order=3)
    EligibilityRule.objects.create(call=call, code="min_teams", params={"count": "many"}, order=4)
    loi = ApplicationFactory(call=call, stage=Stage.LETTER_OF_INTENT)
    results = evaluate(loi)
    assert [r.code for r in results] == ["min_teams", "retired_rule", "min_teams"]
    assert [r.passed for r in results] == [True, None, None]
    assert "inconnue" in results[1].message and "nombre" in results[2].message
    assert overall(results) == "passed"
    full = ApplicationFactory(call=call, stage=Stage.FULL)
    assert [r.code for r in evaluate(full)] == ["total_ceiling", "retired_rule", "min_teams"]


def test_lead_time_counts_from_the_submission_day_in_paris():
    call = CallFactory(closes_at=paris_datetime(dt.date(2099, 1, 1)))
    field = services.save_form_field(
        call=call, data={"key": "event_start", "label_fr": "Début", "type": "date"}, actor=None
    )
    EligibilityRuleFactory(call=call, code="lead_time", params={"field": field.key, "months": 4})
    application = ApplicationFactory(call=call, answers={"event_start": "2027-02-28"})
    late_evening = dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC)
    assert evaluate(application, at=late_evening)[0].passed is True  # 31/10 + 4 months = 28/02
    after_midnight = dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC)  # 1 November in Paris
    assert evaluate(application, at=after_midnight)[0].passed is False

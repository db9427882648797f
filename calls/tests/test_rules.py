"""The rule catalogue on hand-made facts (no database), with property-based tests on budgets and
dates."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from calls.eligibility import (
    ApplicationFacts,
    InstitutionFacts,
    LeadFacts,
    LineFacts,
    TeamFacts,
    add_months,
    registry,
)
from core.errors import InvalidInput

MEMBER = InstitutionFacts("id:1", "Inserm", is_member=True, is_research_body=True)
PARTNER = InstitutionFacts("id:2", "Université Paris Cité", is_member=False, is_research_body=True)
PLATFORM_ONLY = InstitutionFacts("id:3", "Plateforme génomique SAS", is_member=False, is_research_body=False)


def check(code, facts, **params):  # type: ignore[no-untyped-def]
    rule = registry[code]
    return rule.check(facts, rule.validate_params(params))


def test_catalogue_holds_every_rule_of_the_brief():
    expected = {
        "min_teams",
        "min_institutions",
        "member_institution_required",
        "applicant_career_stage",
        "applicant_research_body",
        "cool_off",
        "budget_category_cap",
        "budget_item_cap",
        "total_ceiling",
        "no_salaries",
        "lead_time",
        "duration_bounds",
        "max_stay",
    }
    assert expected <= {rule.code for rule in registry.all()}
    for rule in registry.all():
        assert str(rule.label)
        for param in rule.params_schema:
            assert param.kind in {"int", "decimal", "choice", "choices", "field"}


# --- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "params", "fragment"),
    [
        ("min_teams", {}, "obligatoire"),
        ("min_teams", {"count": 0}, "au moins 1"),
        ("min_teams", {"count": "1.5"}, "entier"),
        ("min_teams", {"count": 2, "extra": 1}, "inconnu"),
        ("applicant_career_stage", {}, "situations admises ou"),
        ("applicant_career_stage", {"excluded": ["astronaut"]}, "inconnues"),
        ("applicant_career_stage", {"allowed": ["postdoc"], "excluded": ["postdoc"]}, "à la fois"),
        ("budget_category_cap", {"kind": "services"}, "part maximale"),
        ("budget_category_cap", {"kind": "services", "max_percent": 120}, "au plus 100"),
        ("budget_item_cap", {"max_amount": 100}, "à la fois"),
        ("duration_bounds", {"field": "duration", "min_months": 36, "max_months": 24}, "dépasse"),
    ],
)
def test_invalid_parameters_are_refused_with_a_reason(code, params, fragment):
    with pytest.raises(InvalidInput) as error:
        registry[code].validate_params(params)
    assert fragment in error.value.message


def test_parameters_are_normalised():
    assert registry["min_teams"].validate_params({"count": "2"}) == {"count": 2}
    assert registry["budget_category_cap"].validate_params({"kind": "services", "max_percent": "50.0"}) == {
        "kind": "services",
        "max_percent": "50",
    }
    assert registry["applicant_career_stage"].validate_params(
        {"excluded": ["phd_student", "phd_student"]}
    ) == {"excluded": ["phd_student"]}


# --- consortium --------------------------------------------------------------------------------


def test_min_teams_and_institutions():
    teams = (
        TeamFacts("A", "lead", MEMBER),
        TeamFacts("B", "partner", MEMBER),
        TeamFacts("C", "partner", None),
    )
    facts = ApplicationFacts(teams=teams)
    assert check("min_teams", facts, count=3).passed is True
    assert check("min_teams", facts, count=4).passed is False
    result = check("min_institutions", facts, count=2)
    assert result.passed is False
    assert "1 équipe(s) sans institution" in result.message
    facts = ApplicationFacts(teams=(*teams, TeamFacts("D", "partner", PARTNER)))
    assert check("min_institutions", facts, count=2).passed is True


def test_member_institution_required():
    assert (
        check(
            "member_institution_required", ApplicationFacts(teams=(TeamFacts("A", "lead", PARTNER),))
        ).passed
        is False
    )
    facts = ApplicationFacts(teams=(TeamFacts("A", "lead", PARTNER), TeamFacts("B", "partner", MEMBER)))
    result = check("member_institution_required", facts)
    assert result.passed is True and "Inserm" in result.message


# --- applicant ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "passed"),
    [("phd_student", False), ("postdoc", True), ("researcher", True), ("clinician", True)],
)
def test_phd_students_excluded(stage, passed):
    facts = ApplicationFacts(lead=LeadFacts("A B", stage, (MEMBER,)))
    assert check("applicant_career_stage", facts, excluded=["phd_student"]).passed is passed


def test_allowed_career_stages_and_missing_record():
    facts = ApplicationFacts(lead=LeadFacts("A B", "engineer", (MEMBER,)))
    result = check("applicant_career_stage", facts, allowed=["researcher", "postdoc"])
    assert result.passed is False and "ingénieur" in result.message
    assert check("applicant_career_stage", ApplicationFacts(), excluded=["phd_student"]).passed is False


def test_research_body_not_only_a_platform():
    only_platform = ApplicationFacts(lead=LeadFacts("A B", "researcher", (PLATFORM_ONLY,)))
    result = check("applicant_research_body", only_platform)
    assert result.passed is False and "Plateforme génomique" in result.message
    both = ApplicationFacts(lead=LeadFacts("A B", "researcher", (PLATFORM_ONLY, PARTNER)))
    assert check("applicant_research_body", both).passed is True


@pytest.mark.parametrize(
    ("award_years", "passed"),
    [((), True), ((2024,), True), ((2025,), False), ((2026,), False), ((2027,), True), ((2020, 2026), False)],
)
def test_cool_off_counts_the_n_years_before_the_call(award_years, passed):
    facts = ApplicationFacts(call_year=2027, past_award_years=award_years)
    assert check("cool_off", facts, years=2).passed is passed


# --- budget: property-based --------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=500_000, places=2, allow_nan=False, allow_infinity=False)
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def _budget(services: Decimal, others: Decimal) -> ApplicationFacts:
    return ApplicationFacts(
        budget=(
            LineFacts(services, category_id=1, category_label="Prestations", kind="services"),
            LineFacts(others, category_id=2, category_label="Consommables", kind="consumables"),
        )
    )


@given(services=amounts, others=amounts, cap=percents)
def test_category_cap_passes_exactly_when_the_share_is_within_the_cap(services, others, cap):
    assume(services + others > 0)
    result = check("budget_category_cap", _budget(services, others), kind="services", max_percent=str(cap))
    assert result.passed is (services * 100 <= cap * (services + others))


@given(total=st.integers(min_value=1, max_value=10_000_000), cap=st.integers(min_value=1, max_value=99))
def test_category_cap_boundary(total, cap):
    """At exactly the cap it passes; one cent more fails."""
    total_cents = Decimal(total)
    at_cap = (total_cents * cap / 100).quantize(Decimal("0.01"))
    assume(at_cap * 100 <= cap * total_cents)
    rest = total_cents - at_cap
    assert (
        check("budget_category_cap", _budget(at_cap, rest), kind="services", max_percent=cap).passed is True
    )
    over = _budget(at_cap + Decimal("0.01"), rest - Decimal("0.01"))
    assume(rest >= Decimal("0.01"))
    assert check("budget_category_cap", over, kind="services", max_percent=cap).passed is False


def test_category_caps_from_the_call_categories():
    facts = ApplicationFacts(
        budget=(
            LineFacts(
                Decimal(60),
                category_id=1,
                category_label="Prestations",
                kind="services",
                max_share=Decimal(50),
            ),
            LineFacts(
                Decimal(20),
                category_id=2,
                category_label="Équipement",
                kind="equipment",
                max_share=Decimal(20),
            ),
            LineFacts(Decimal(20), category_id=3, category_label="Consommables", kind="consumables"),
        )
    )
    result = check("budget_category_cap", facts)
    assert result.passed is False
    assert "Prestations" in result.message and "Équipement" not in result.message
    assert check("budget_category_cap", ApplicationFacts()).passed is None


@given(amount=amounts, cap=amounts, single=st.booleans())
def test_item_cap(amount, cap, single):
    facts = ApplicationFacts(
        budget=(LineFacts(amount, kind="equipment", is_single_item=single, description="Microscope"),)
    )
    result = check("budget_item_cap", facts, kind="equipment", max_amount=str(cap))
    if not single:
        assert result.passed is None
    else:
        assert result.passed is (amount <= cap)


@given(lines=st.lists(amounts, max_size=8), ceiling=amounts)
def test_total_ceiling(lines, ceiling):
    facts = ApplicationFacts(ceiling=ceiling, budget=tuple(LineFacts(a) for a in lines))
    assert check("total_ceiling", facts).passed is (sum(lines, Decimal(0)) <= ceiling)
    assert check("total_ceiling", facts, max_amount=str(sum(lines, Decimal(0)))).passed is True


def test_total_ceiling_without_ceiling_does_not_apply():
    assert check("total_ceiling", ApplicationFacts(budget=(LineFacts(Decimal(5)),))).passed is None


def test_no_salaries():
    facts = ApplicationFacts(
        budget=(LineFacts(Decimal(3000), kind="personnel", is_salary=True, description="Post-doc 2 mois"),)
    )
    result = check("no_salaries", facts)
    assert result.passed is False and "Post-doc 2 mois" in result.message
    assert (
        check("no_salaries", ApplicationFacts(budget=(LineFacts(Decimal(0), is_salary=True),))).passed is True
    )


# --- dates: property-based -------------------------------------------------------------------

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 10, 31), 4, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 4, dt.date(2027, 12, 31)),
        (dt.date(2027, 12, 15), 2, dt.date(2028, 2, 15)),
        (dt.date(2027, 3, 31), -1, dt.date(2027, 2, 28)),
    ],
)
def test_add_months_clamps_at_month_ends(day, months, expected):
    assert add_months(day, months) == expected


@given(day=days, months=st.integers(min_value=0, max_value=36))
def test_add_months_properties(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + dt.timedelta(days=1)).day == 1)


@given(
    submitted=days,
    months=st.integers(min_value=0, max_value=12),
    offset=st.integers(min_value=-400, max_value=400),
)
def test_lead_time_accepts_exactly_the_starts_n_months_ahead(submitted, months, offset):
    earliest = add_months(submitted, months)
    start = earliest + dt.timedelta(days=offset)
    facts = ApplicationFacts(reference_date=submitted, answers={"start": start.isoformat()})
    assert check("lead_time", facts, field="start", months=months).passed is (offset >= 0)


def test_lead_time_messages_and_missing_date():
    facts = ApplicationFacts(reference_date=dt.date(2026, 10, 31), answers={"start": "2027-02-27"})
    result = check("lead_time", facts, field="start", months=4)
    assert result.passed is False and "28/02/2027" in result.message
    assert check("lead_time", ApplicationFacts(answers={}), field="start", months=4).passed is None
    assert (
        check("lead_time", ApplicationFacts(answers={"start": "bientôt"}), field="start", months=4).passed
        is False
    )


@given(
    start=days, months=st.integers(min_value=1, max_value=6), offset=st.integers(min_value=-3, max_value=3)
)
def test_max_stay(start, months, offset):
    end = add_months(start, months) + dt.timedelta(days=offset)
    facts = ApplicationFacts(answers={"arrival": start.isoformat(), "departure": end.isoformat()})
    assert check("max_stay", facts, start_field="arrival", end_field="departure", months=months).passed is (
        offset <= 0
    )


def test_max_stay_end_before_start():
    facts = ApplicationFacts(answers={"arrival": "2027-05-01", "departure": "2027-04-01"})
    assert check("max_stay", facts, start_field="arrival", end_field="departure", months=3).passed is False


@given(duration=st.integers(min_value=1, max_value=60))
def test_duration_bounds_from_params_or_call(duration):
    facts = ApplicationFacts(
        duration_min_months=24, duration_max_months=36, answers={"months": str(duration)}
    )
    assert check("duration_bounds", facts, field="months").passed is (24 <= duration <= 36)
    assert check("duration_bounds", facts, field="months", max_months=12).passed is (24 <= duration <= 12)


def test_duration_bounds_not_applicable_without_bounds():
    assert check("duration_bounds", ApplicationFacts(answers={"months": "12"}), field="months").passed is None


# --- descriptions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "params", "sentence"),
    [
        ("min_teams", {"count": 2}, "Le projet associe au moins 2 équipes."),
        ("min_institutions", {"count": 2}, "Les équipes relèvent d'au moins 2 institutions distinctes."),
        (
            "applicant_career_stage",
            {"excluded": ["phd_student"]},
            "Ne peuvent pas porter de projet : doctorant·e.",
        ),
        (
            "cool_off",
            {"years": 2},
            "Les lauréat·es de ce programme des 2 dernières années ne peuvent pas candidater.",
        ),
        (
            "budget_category_cap",
            {"kind": "services", "max_percent": 50},
            "Prestations / plateformes : au plus 50\u00a0% du montant demandé.",
        ),
        ("total_ceiling", {"max_amount": 2500}, "Le montant demandé ne dépasse pas 2\u202f500\u00a0€."),
        (
            "lead_time",
            {"field": "start", "months": 4},
            "La demande est déposée au moins 4 mois avant la date de début.",
        ),
        ("max_stay", {"start_field": "a", "end_field": "b", "months": 3}, "Le séjour dure au plus 3 mois."),
    ],
)
def test_descriptions_are_plain_french(code, params, sentence):
    rule = registry[code]
    assert rule.describe(rule.validate_params(params)) == sentence

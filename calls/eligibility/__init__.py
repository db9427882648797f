"""The eligibility rule engine: a catalogue of rule classes, chosen and parametrised per call
(``EligibilityRule`` rows). See ``base`` for how a rule is written, ``facts`` for what it reads,
``engine`` for how a call's rules are run."""

from calls.eligibility import rules_applicant, rules_budget, rules_consortium, rules_dates  # noqa: F401 - registration
from calls.eligibility.base import Param, Rule, RuleResult, add_months, register, registry
from calls.eligibility.engine import evaluate, overall, rules_for
from calls.eligibility.facts import (
    ApplicationFacts,
    InstitutionFacts,
    LeadFacts,
    LineFacts,
    TeamFacts,
    facts_for,
)

__all__ = [
    "ApplicationFacts",
    "InstitutionFacts",
    "LeadFacts",
    "LineFacts",
    "Param",
    "Rule",
    "RuleResult",
    "TeamFacts",
    "add_months",
    "evaluate",
    "facts_for",
    "overall",
    "register",
    "registry",
    "rules_for",
]

"""Runs a call's eligibility rules on an application (live on the application page, and at
submission where the results are stored)."""

import datetime as dt
from dataclasses import replace

from django.utils.translation import gettext as _

from calls.eligibility.base import RuleResult, registry
from calls.eligibility.facts import ApplicationFacts, facts_for
from calls.models import Application, EligibilityRule, StageScope
from core.errors import InvalidInput


def rules_for(application: Application) -> list[EligibilityRule]:
    """The rules of the application's call that apply at its stage, in order."""
    call = application.call
    return [r for r in call.rules.all() if r.stage in StageScope.covering(application.stage)]


def run_rule(rule: EligibilityRule, facts: ApplicationFacts) -> RuleResult:
    definition = registry.get(rule.code)
    if definition is None:
        return RuleResult(
            rule.code, None, _("Règle inconnue : %(code)s.") % {"code": rule.code}, rule.code, rule.pk
        )
    try:
        params = definition.validate_params(rule.params)
    except InvalidInput as exc:
        return RuleResult(rule.code, None, exc.message, str(definition.label), rule.pk)
    result = definition.check(facts, params)
    return replace(result, description=rule.description, rule_id=rule.pk)


def evaluate(application: Application, *, at: dt.datetime | None = None) -> list[RuleResult]:
    """The result of every applicable rule, in the call's order. Reads only (a fixed number of
    queries); ``at`` is the moment lead times are counted from (default: submission or now)."""
    rules = rules_for(application)
    if not rules:
        return []
    facts = facts_for(application, at=at)
    return [run_rule(rule, facts) for rule in rules]


def overall(results: list[RuleResult]) -> str:
    """``failed`` if any rule failed, ``passed`` if at least one passed and none failed,
    ``not_applicable`` otherwise."""
    if any(r.passed is False for r in results):
        return "failed"
    if any(r.passed for r in results):
        return "passed"
    return "not_applicable"

"""Models of the calls domain: ``calls`` (programmes, calls, change log), ``configuration`` (form,
documents, budget categories, rules, criteria), ``applications`` (applications and what hangs
on them)."""

from calls.models.applications import (
    Application,
    ApplicationTeam,
    Attachment,
    BudgetLine,
    EligibilityCheck,
    EligibilityDecision,
)
from calls.models.calls import Call, CallChange, CallDocument, Programme
from calls.models.common import PARIS, Stage, StageScope, in_paris, paris_datetime
from calls.models.configuration import (
    BudgetCategory,
    DocumentRequirement,
    EligibilityRule,
    EvaluationCriterion,
    FormField,
    FormSection,
)

__all__ = [
    "PARIS",
    "Application",
    "ApplicationTeam",
    "Attachment",
    "BudgetCategory",
    "BudgetLine",
    "Call",
    "CallChange",
    "CallDocument",
    "DocumentRequirement",
    "EligibilityCheck",
    "EligibilityDecision",
    "EligibilityRule",
    "EvaluationCriterion",
    "FormField",
    "FormSection",
    "Programme",
    "Stage",
    "StageScope",
    "in_paris",
    "paris_datetime",
]

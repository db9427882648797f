"""Budget rules: caps by category (share of the total, amount per item), total ceiling, no salaries.

Shares are compared exactly, in decimals: a category whose lines add up to ``c`` out of a total
``t`` respects a cap of ``p`` percent when ``100 × c ≤ p × t`` (no rounding).

Caps come from the rule's parameters (``kind`` + ``max_percent`` / ``max_amount``) or, when the
rule names no category kind, from the call's own budget categories (``BudgetCategory.max_share``
and ``max_per_item``). Per-item caps apply to the lines marked ``is_single_item``.
"""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.eligibility.base import Param, Rule, RuleResult, format_euros, format_percent, register
from calls.eligibility.facts import ApplicationFacts, LineFacts
from calls.models import BudgetCategory

KINDS = BudgetCategory.Kind


def _kind_label(kind: str) -> str:
    return str(dict(KINDS.choices).get(kind, kind))


@register
class BudgetCategoryCap(Rule):
    code = "budget_category_cap"
    label = gettext_lazy("Part maximale d'un poste dans le budget")
    params_schema = (
        Param(
            "kind",
            gettext_lazy("Nature du poste"),
            "choice",
            required=False,
            choices=lambda: KINDS.choices,
            help=gettext_lazy(
                "Laisser vide pour appliquer les plafonds définis sur chaque poste budgétaire de l'appel."
            ),
        ),
        Param(
            "max_percent",
            gettext_lazy("Part maximale (%)"),
            "decimal",
            required=False,
            minimum=0,
            maximum=100,
        ),
    )

    def cross_check(self, params: dict[str, Any]) -> list[str]:
        if params.get("kind") and "max_percent" not in params:
            return [_("indiquez la part maximale du poste choisi")]
        if "max_percent" in params and not params.get("kind"):
            return [_("indiquez la nature du poste plafonné")]
        return []

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        if params.get("kind"):
            return _("%(kind)s : au plus %(cap)s du montant demandé.") % {
                "kind": _kind_label(params["kind"]),
                "cap": format_percent(Decimal(params["max_percent"])),
            }
        if call is not None:
            caps = [
                f"{c.label} ≤ {format_percent(c.max_share)}"
                for c in call.budget_categories.all()
                if c.max_share is not None
            ]
            if caps:
                return _("Part maximale de chaque poste dans le montant demandé : %(caps)s.") % {
                    "caps": ", ".join(caps)
                }
        return _("Chaque poste respecte la part maximale du montant demandé fixée par l'appel.")

    def _caps(
        self, facts: ApplicationFacts, params: Mapping[str, Any]
    ) -> list[tuple[str, Decimal, list[LineFacts]]]:
        if params.get("kind"):
            lines = [line for line in facts.budget if line.kind == params["kind"]]
            return [(_kind_label(params["kind"]), Decimal(params["max_percent"]), lines)]
        by_category: dict[int, list[LineFacts]] = defaultdict(list)
        for line in facts.budget:
            if line.max_share is not None:
                by_category[line.category_id].append(line)
        return [
            (lines[0].category_label, lines[0].max_share or Decimal(0), lines)
            for lines in by_category.values()
        ]

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        total = facts.total
        if total <= 0:
            return self.not_applicable(_("Le budget est vide."))
        breaches, shares = [], []
        for label, cap, lines in self._caps(facts, params):
            amount = sum((line.amount for line in lines), Decimal(0))
            share = (amount * 100 / total).quantize(Decimal("0.1"))
            shares.append(f"{label} {format_percent(share)}")
            if amount * 100 > cap * total:
                breaches.append(
                    _("%(label)s : %(amount)s, soit %(share)s du total, pour un maximum de %(cap)s")
                    % {
                        "label": label,
                        "amount": format_euros(amount),
                        "share": format_percent(share),
                        "cap": format_percent(cap),
                    }
                )
        if breaches:
            return self.failed("; ".join(breaches) + ".")
        return self.passed(
            _("Parts respectées (%(shares)s).") % {"shares": ", ".join(shares)} if shares else ""
        )


@register
class BudgetItemCap(Rule):
    code = "budget_item_cap"
    label = gettext_lazy("Montant maximal par article")
    params_schema = (
        Param(
            "kind",
            gettext_lazy("Nature du poste"),
            "choice",
            required=False,
            choices=lambda: KINDS.choices,
            help=gettext_lazy(
                "Laisser vide pour appliquer les plafonds par article définis sur chaque poste."
            ),
        ),
        Param(
            "max_amount",
            gettext_lazy("Montant maximal par article (€)"),
            "decimal",
            required=False,
            minimum=0,
        ),
    )

    def cross_check(self, params: dict[str, Any]) -> list[str]:
        if bool(params.get("kind")) != ("max_amount" in params):
            return [_("indiquez à la fois la nature du poste et le montant maximal, ou aucun des deux")]
        return []

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        if params.get("kind"):
            return _("%(kind)s : au plus %(amount)s par article.") % {
                "kind": _kind_label(params["kind"]),
                "amount": format_euros(Decimal(params["max_amount"])),
            }
        if call is not None:
            caps = [
                f"{c.label} ≤ {format_euros(c.max_per_item)}"
                for c in call.budget_categories.all()
                if c.max_per_item is not None
            ]
            if caps:
                return _("Montant maximal par article : %(caps)s.") % {"caps": ", ".join(caps)}
        return _("Chaque article respecte le montant maximal fixé par l'appel pour son poste.")

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        items = [line for line in facts.budget if line.is_single_item]
        if params.get("kind"):
            cap = Decimal(params["max_amount"])
            capped = [(line, cap) for line in items if line.kind == params["kind"]]
        else:
            capped = [(line, line.max_per_item) for line in items if line.max_per_item is not None]
        if not capped:
            return self.not_applicable(_("Aucun article concerné par un plafond."))
        breaches = [
            _("« %(item)s » (%(label)s) : %(amount)s pour un maximum de %(cap)s")
            % {
                "item": line.description,
                "label": line.category_label,
                "amount": format_euros(line.amount),
                "cap": format_euros(cap),
            }
            for line, cap in capped
            if line.amount > cap  # type: ignore[operator]
        ]
        if breaches:
            return self.failed("; ".join(breaches) + ".")
        return self.passed(_("%(count)s article(s) sous leur plafond.") % {"count": len(capped)})


@register
class TotalCeiling(Rule):
    code = "total_ceiling"
    label = gettext_lazy("Plafond du montant demandé")
    params_schema = (
        Param(
            "max_amount",
            gettext_lazy("Montant maximal (€)"),
            "decimal",
            required=False,
            minimum=0,
            help=gettext_lazy("Laisser vide pour appliquer le plafond par projet de l'appel."),
        ),
    )

    def _ceiling(self, params: Mapping[str, Any], ceiling: Decimal | None) -> Decimal | None:
        return Decimal(params["max_amount"]) if params.get("max_amount") not in (None, "") else ceiling

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        ceiling = self._ceiling(params, call.ceiling_per_project if call is not None else None)
        if ceiling is None:
            return _("Le montant demandé ne dépasse pas le plafond par projet de l'appel.")
        return _("Le montant demandé ne dépasse pas %(amount)s.") % {"amount": format_euros(ceiling)}

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        ceiling = self._ceiling(params, facts.ceiling)
        if ceiling is None:
            return self.not_applicable(_("L'appel ne fixe pas de plafond."))
        total = facts.total
        if total > ceiling:
            return self.failed(
                _("Le montant demandé (%(total)s) dépasse le plafond de %(ceiling)s.")
                % {"total": format_euros(total), "ceiling": format_euros(ceiling)}
            )
        return self.passed(
            _("Montant demandé : %(total)s (plafond %(ceiling)s).")
            % {"total": format_euros(total), "ceiling": format_euros(ceiling)}
        )


@register
class NoSalaries(Rule):
    code = "no_salaries"
    label = gettext_lazy("Pas de salaires")

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        return _(
            "Les salaires ne sont pas financés (ni doctorant·es, ni post-doctorant·es, ni personnels permanents)."
        )

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        salaries = [line for line in facts.budget if line.is_salary and line.amount > 0]
        if salaries:
            amount = sum((line.amount for line in salaries), Decimal(0))
            return self.failed(
                _("Le budget comprend %(amount)s de salaires (%(lines)s), que cet appel ne finance pas.")
                % {
                    "amount": format_euros(amount),
                    "lines": ", ".join(f"« {line.description} »" for line in salaries),
                }
            )
        return self.passed(_("Aucun salaire demandé."))

"""Rules on dates and durations read from the answers to the call's form: lead time before an
event or a stay, project duration, length of a stay.

Dates are calendar days (``YYYY-MM-DD``); months are calendar months with the day clamped at
month ends (``add_months``): a request made on 31 October with a 4-month lead time accepts an
event starting on 28 February (29 in a leap year) or later.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.eligibility.base import (
    Param,
    Rule,
    RuleResult,
    add_months,
    format_date,
    is_blank,
    parse_date,
    parse_decimal,
    register,
)
from calls.eligibility.facts import ApplicationFacts


def _months(count: int) -> str:
    return ngettext("%(n)s mois", "%(n)s mois", count) % {"n": count}


@register
class LeadTime(Rule):
    code = "lead_time"
    label = gettext_lazy("Délai entre la demande et le début (manifestation, séjour)")
    params_schema = (
        Param("field", gettext_lazy("Champ de la date de début"), "field"),
        Param("months", gettext_lazy("Délai minimal (mois)"), "int", minimum=0, maximum=36),
    )

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        return _("La demande est déposée au moins %(months)s avant la date de début.") % {
            "months": _months(int(params["months"]))
        }

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        raw = facts.answers.get(params["field"])
        if is_blank(raw):
            return self.not_applicable(_("La date de début n'est pas encore renseignée."))
        start = parse_date(raw)
        if start is None:
            return self.failed(
                _("La date de début « %(value)s » n'est pas une date valide.") % {"value": raw}
            )
        months = int(params["months"])
        earliest = add_months(facts.reference_date, months)
        if start >= earliest:
            return self.passed(
                _("Début le %(start)s, au moins %(months)s après la demande (%(day)s).")
                % {
                    "start": format_date(start),
                    "months": _months(months),
                    "day": format_date(facts.reference_date),
                }
            )
        return self.failed(
            _(
                "Le début (%(start)s) est trop proche : une demande faite le %(day)s doit porter sur un début "
                "le %(earliest)s au plus tôt (%(months)s de délai)."
            )
            % {
                "start": format_date(start),
                "day": format_date(facts.reference_date),
                "earliest": format_date(earliest),
                "months": _months(months),
            }
        )


@register
class DurationBounds(Rule):
    code = "duration_bounds"
    label = gettext_lazy("Durée du projet")
    params_schema = (
        Param("field", gettext_lazy("Champ de la durée (en mois)"), "field"),
        Param(
            "min_months", gettext_lazy("Durée minimale (mois)"), "int", required=False, minimum=1, maximum=120
        ),
        Param(
            "max_months", gettext_lazy("Durée maximale (mois)"), "int", required=False, minimum=1, maximum=120
        ),
    )

    def cross_check(self, params: dict[str, Any]) -> list[str]:
        low, high = params.get("min_months"), params.get("max_months")
        if low is not None and high is not None and low > high:
            return [_("la durée minimale dépasse la durée maximale")]
        return []

    @staticmethod
    def _bounds(
        params: Mapping[str, Any], low: int | None, high: int | None
    ) -> tuple[int | None, int | None]:
        return params.get("min_months", low), params.get("max_months", high)

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        low, high = self._bounds(
            params,
            call.duration_min_months if call is not None else None,
            call.duration_max_months if call is not None else None,
        )
        if low and high and low == high:
            return _("Le projet dure %(months)s.") % {"months": _months(low)}
        if low and high:
            return _("Le projet dure entre %(low)s et %(high)s mois.") % {"low": low, "high": high}
        if high:
            return _("Le projet dure au plus %(months)s.") % {"months": _months(high)}
        if low:
            return _("Le projet dure au moins %(months)s.") % {"months": _months(low)}
        return _("La durée du projet respecte celle fixée par l'appel.")

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        low, high = self._bounds(params, facts.duration_min_months, facts.duration_max_months)
        if low is None and high is None:
            return self.not_applicable(_("L'appel ne fixe pas de durée."))
        raw = facts.answers.get(params["field"])
        if is_blank(raw):
            return self.not_applicable(_("La durée n'est pas encore renseignée."))
        duration = parse_decimal(raw)
        if duration is None:
            return self.failed(_("La durée « %(value)s » n'est pas un nombre de mois.") % {"value": raw})
        if (low is not None and duration < low) or (high is not None and duration > high):
            return self.failed(
                _("Durée demandée : %(duration)s mois ; %(bounds)s")
                % {"duration": f"{duration.normalize():f}", "bounds": self._bounds_text(low, high)}
            )
        return self.passed(
            _("Durée demandée : %(duration)s mois.") % {"duration": f"{duration.normalize():f}"}
        )

    @staticmethod
    def _bounds_text(low: int | None, high: int | None) -> str:
        if low is not None and high is not None:
            return _("elle doit être comprise entre %(low)s et %(high)s mois.") % {"low": low, "high": high}
        if high is not None:
            return _("elle ne doit pas dépasser %(high)s mois.") % {"high": high}
        return _("elle doit être d'au moins %(low)s mois.") % {"low": low}


@register
class MaxStay(Rule):
    code = "max_stay"
    label = gettext_lazy("Durée maximale d'un séjour")
    params_schema = (
        Param("start_field", gettext_lazy("Champ de la date d'arrivée"), "field"),
        Param("end_field", gettext_lazy("Champ de la date de départ"), "field"),
        Param("months", gettext_lazy("Durée maximale (mois)"), "int", minimum=1, maximum=24),
    )

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        return _("Le séjour dure au plus %(months)s.") % {"months": _months(int(params["months"]))}

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        raw_start, raw_end = facts.answers.get(params["start_field"]), facts.answers.get(params["end_field"])
        if is_blank(raw_start) or is_blank(raw_end):
            return self.not_applicable(_("Les dates du séjour ne sont pas encore renseignées."))
        start, end = parse_date(raw_start), parse_date(raw_end)
        if start is None or end is None:
            return self.failed(_("Les dates du séjour ne sont pas des dates valides."))
        if end < start:
            return self.failed(
                _("La fin du séjour (%(end)s) précède son début (%(start)s).")
                % {"end": format_date(end), "start": format_date(start)}
            )
        months = int(params["months"])
        latest = add_months(start, months)
        days = (end - start).days + 1
        if end <= latest:
            return self.passed(
                _("Séjour du %(start)s au %(end)s (%(days)s jours).")
                % {"start": format_date(start), "end": format_date(end), "days": days}
            )
        return self.failed(
            _(
                "Le séjour du %(start)s au %(end)s dépasse %(months)s : il doit finir le %(latest)s au plus tard."
            )
            % {
                "start": format_date(start),
                "end": format_date(end),
                "months": _months(months),
                "latest": format_date(latest),
            }
        )

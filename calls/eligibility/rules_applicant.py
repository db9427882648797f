"""Rules on the applicant (the lead person): career stage, attachment to a research body,
cool-off after an award of the same programme."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.eligibility.base import Param, Rule, RuleResult, register
from calls.eligibility.facts import ApplicationFacts
from directory.models import CareerStage

NO_RECORD = gettext_lazy(
    "Le ou la porteur·se n'a pas de fiche dans l'annuaire : ce critère ne peut pas être vérifié."
)


def _stage_labels(values: list[str]) -> str:
    labels = dict(CareerStage.choices)
    return ", ".join(str(labels.get(v, v)).lower() for v in values)


@register
class ApplicantCareerStage(Rule):
    """Allowed and/or excluded career stages of the lead (e.g. PhD students excluded)."""

    code = "applicant_career_stage"
    label = gettext_lazy("Situation du ou de la porteur·se")
    params_schema = (
        Param(
            "allowed",
            gettext_lazy("Situations admises"),
            "choices",
            required=False,
            choices=lambda: CareerStage.choices,
        ),
        Param(
            "excluded",
            gettext_lazy("Situations exclues"),
            "choices",
            required=False,
            choices=lambda: CareerStage.choices,
        ),
    )

    def cross_check(self, params: dict[str, Any]) -> list[str]:
        allowed, excluded = params.get("allowed", []), params.get("excluded", [])
        if not allowed and not excluded:
            return [_("indiquez les situations admises ou les situations exclues")]
        both = sorted(set(allowed) & set(excluded))
        return (
            [_("situations à la fois admises et exclues : %(values)s") % {"values": ", ".join(both)}]
            if both
            else []
        )

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        parts = []
        if params.get("allowed"):
            parts.append(
                _("Le ou la porteur·se est %(stages)s.")
                % {"stages": _stage_labels(params["allowed"]).replace(", ", " ou ")}
            )
        if params.get("excluded"):
            parts.append(
                _("Ne peuvent pas porter de projet : %(stages)s.")
                % {"stages": _stage_labels(params["excluded"])}
            )
        return " ".join(parts)

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        if facts.lead is None:
            return self.failed(str(NO_RECORD))
        stage = facts.lead.career_stage
        label = _stage_labels([stage])
        if stage in params.get("excluded", []):
            return self.failed(
                _("La situation du ou de la porteur·se (%(stage)s) est exclue par cet appel.")
                % {"stage": label}
            )
        if params.get("allowed") and stage not in params["allowed"]:
            return self.failed(
                _(
                    "La situation du ou de la porteur·se (%(stage)s) n'est pas parmi celles admises : %(allowed)s."
                )
                % {"stage": label, "allowed": _stage_labels(params["allowed"])}
            )
        return self.passed(_("Situation du ou de la porteur·se : %(stage)s.") % {"stage": label})


@register
class ApplicantResearchBody(Rule):
    """The lead is attached (current affiliation) to an institution marked ``is_research_body``
    (research organisation, university, hospital, cancer centre), not only to a platform or a
    company."""

    code = "applicant_research_body"
    label = gettext_lazy("Rattachement à un organisme de recherche ou un hôpital")

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        return _(
            "Le ou la porteur·se est rattaché·e à un organisme public de recherche, une université, un hôpital "
            "ou un centre de lutte contre le cancer (pas seulement à une plateforme)."
        )

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        if facts.lead is None:
            return self.failed(str(NO_RECORD))
        bodies = sorted(i.name for i in facts.lead.institutions if i.is_research_body)
        if bodies:
            return self.passed(_("Rattachement : %(names)s.") % {"names": ", ".join(bodies)})
        others = ", ".join(sorted(i.name for i in facts.lead.institutions)) or _(
            "aucun rattachement en cours"
        )
        return self.failed(
            _(
                "Le ou la porteur·se n'est rattaché·e à aucun organisme de recherche, université ou hôpital "
                "(rattachement connu : %(others)s)."
            )
            % {"others": others}
        )


@register
class CoolOff(Rule):
    """No winner of this programme in the last N years. A winner is the lead (person or account) of
    an application with status ``awarded`` in a call of the same programme whose year is within
    ``[year - N, year - 1]`` (``year`` being the year of the call applied to)."""

    code = "cool_off"
    label = gettext_lazy("Délai de carence après un financement du même programme")
    params_schema = (Param("years", gettext_lazy("Nombre d'années"), "int", minimum=1, maximum=10),)

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        years = int(params["years"])
        return ngettext(
            "Les lauréat·es de ce programme de l'année précédente ne peuvent pas candidater.",
            "Les lauréat·es de ce programme des %(years)s dernières années ne peuvent pas candidater.",
            years,
        ) % {"years": years}

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        years = int(params["years"])
        window = [y for y in facts.past_award_years if facts.call_year - years <= y < facts.call_year]
        if window:
            return self.failed(
                _(
                    "Le ou la porteur·se a été lauréat·e de ce programme en %(years)s ; un délai de %(n)s an(s) est demandé."
                )
                % {"years": ", ".join(str(y) for y in window), "n": years}
            )
        return self.passed(_("Aucun financement de ce programme pendant la période de carence."))

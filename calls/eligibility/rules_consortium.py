"""Rules on the consortium: number of teams, distinct institutions, a member institution."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.eligibility.base import Param, Rule, RuleResult, register
from calls.eligibility.facts import ApplicationFacts


@register
class MinTeams(Rule):
    code = "min_teams"
    label = gettext_lazy("Nombre minimal d'équipes")
    params_schema = (Param("count", gettext_lazy("Nombre minimal d'équipes"), "int", minimum=1, maximum=50),)

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        count = int(params["count"])
        return ngettext(
            "Le projet associe au moins %(count)s équipe.",
            "Le projet associe au moins %(count)s équipes.",
            count,
        ) % {"count": count}

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        count, wanted = len(facts.teams), int(params["count"])
        if count >= wanted:
            return self.passed(
                ngettext(
                    "%(count)s équipe dans le consortium.", "%(count)s équipes dans le consortium.", count
                )
                % {"count": count}
            )
        return self.failed(
            _("Le consortium compte %(count)s équipe(s) ; il en faut au moins %(wanted)s.")
            % {"count": count, "wanted": wanted}
        )


@register
class MinInstitutions(Rule):
    code = "min_institutions"
    label = gettext_lazy("Nombre minimal d'institutions distinctes")
    params_schema = (
        Param(
            "count", gettext_lazy("Nombre minimal d'institutions distinctes"), "int", minimum=1, maximum=50
        ),
    )

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        count = int(params["count"])
        return ngettext(
            "Les équipes relèvent d'au moins %(count)s institution.",
            "Les équipes relèvent d'au moins %(count)s institutions distinctes.",
            count,
        ) % {"count": count}

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        institutions = {t.institution.key: t.institution.name for t in facts.teams if t.institution}
        count, wanted = len(institutions), int(params["count"])
        names = ", ".join(sorted(institutions.values())) or _("aucune")
        if count >= wanted:
            return self.passed(_("Institutions des équipes : %(names)s.") % {"names": names})
        missing = sum(1 for t in facts.teams if t.institution is None)
        message = _(
            "Les équipes relèvent de %(count)s institution(s) distincte(s) (%(names)s) ; il en faut au moins %(wanted)s."
        ) % {
            "count": count,
            "names": names,
            "wanted": wanted,
        }
        if missing:
            message += " " + _("%(missing)s équipe(s) sans institution renseignée.") % {"missing": missing}
        return self.failed(message)


@register
class MemberInstitutionRequired(Rule):
    code = "member_institution_required"
    label = gettext_lazy("Au moins une équipe d'une institution membre")

    def describe(self, params: Mapping[str, Any], *, call: Any = None) -> str:
        return _("Au moins une équipe relève d'une institution membre du Cancéropôle.")

    def check(self, facts: ApplicationFacts, params: Mapping[str, Any]) -> RuleResult:
        members = sorted(
            {t.institution.name for t in facts.teams if t.institution and t.institution.is_member}
        )
        if members:
            return self.passed(_("Institution(s) membre(s) : %(names)s.") % {"names": ", ".join(members)})
        return self.failed(
            _("Aucune équipe du consortium ne relève d'une institution membre du Cancéropôle.")
        )

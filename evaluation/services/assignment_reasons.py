"""French (translatable) sentences for the solver's infeasibility reasons.

The solver (``evaluation.assignment.diagnose``) explains in English with stable codes and
structured data; here each code becomes a sentence naming the applications (by acronym) and the
reviewers (by name) of the campaign, so the page can say which application lacks candidates and
why. Unknown codes fall back to the solver's own sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from evaluation.assignment import Reason
from evaluation.models import ReviewerRole

LIST_LIMIT = 8


def _role(role: object) -> str:
    if role == ReviewerRole.RAPPORTEUR:
        return _("rapporteur·es")
    if role == ReviewerRole.EXTERNAL:
        return _("expert·es extérieur·es")
    return _("évaluateur·rices")


def _names(ids: Iterable[object], labels: Mapping[str, str]) -> str:
    names = [labels.get(str(i), str(i)) for i in ids]
    shown = ", ".join(names[:LIST_LIMIT])
    if len(names) > LIST_LIMIT:
        shown += " " + _("(et %(count)d autres)") % {"count": len(names) - LIST_LIMIT}
    return shown


def _message(reason: Reason, apps: Mapping[str, str], members: Mapping[str, str]) -> str:  # noqa: C901, PLR0911, PLR0912
    d: Mapping[str, Any] = reason.data
    app = apps.get(str(d.get("application")), str(d.get("application", "")))
    member = members.get(str(d.get("reviewer")), str(d.get("reviewer", "")))
    code = reason.code
    if "more" in d:
        return _("… et %(count)d autre(s) cas du même type.") % {"count": len(d["more"])}
    if code == "too_few_candidates":
        detail = []
        if d.get("conflicts"):
            detail.append(_("%(n)d en conflit d'intérêts") % {"n": d["conflicts"]})
        if d.get("forbidden"):
            detail.append(_("%(n)d interdit·es ou ayant décliné") % {"n": d["forbidden"]})
        if d.get("no_capacity"):
            detail.append(_("%(n)d à charge maximale nulle") % {"n": d["no_capacity"]})
        return _(
            "%(app)s : il faut %(needed)d %(role)s mais seul·es %(eligible)d sont possibles sur "
            "%(candidates)d dans le vivier%(detail)s."
        ) % {
            "app": app,
            "needed": d["needed"],
            "role": _role(d.get("role")),
            "eligible": d["eligible"],
            "candidates": d["candidates"],
            "detail": (" (" + ", ".join(detail) + ")") if detail else "",
        }
    if code == "too_few_institutions":
        return _(
            "%(app)s : il faut %(needed)d évaluateur·rices d'établissements différents, mais les "
            "personnes possibles ne viennent que de %(institutions)d établissement(s)."
        ) % {"app": app, "needed": d["needed"], "institutions": d["institutions"] + d.get("unlabelled", 0)}
    if code == "too_few_distinct_reviewers":
        return _(
            "%(app)s : il faut %(needed)d personnes différentes, tous rôles confondus, mais seules "
            "%(eligible)d sont possibles."
        ) % {"app": app, "needed": d["needed"], "eligible": d["eligible_people"]}
    if code == "capacity_below_demand":
        return _(
            "Les dossiers demandent %(demand)d évaluations en tout, mais les charges maximales du "
            "vivier n'en permettent que %(capacity)d : augmentez des charges ou invitez d'autres personnes."
        ) % {"demand": d["demand"], "capacity": d["capacity"]}
    if code == "min_load_above_demand":
        return _(
            "Les charges minimales totalisent %(total)d évaluations, mais les dossiers n'en demandent "
            "que %(demand)d : baissez des charges minimales."
        ) % {"total": d["min_load_total"], "demand": d["demand"]}
    if code == "group_shortage":
        text = _(
            "Les dossiers %(apps)s demandent ensemble %(needed)d évaluations, mais les personnes "
            "possibles (après conflits, interdictions, charges et établissements) ne peuvent en "
            "assurer que %(available)d."
        ) % {"apps": _names(d["applications"], apps), "needed": d["needed"], "available": d["available"]}
        if d.get("limiting_reviewers"):
            text += " " + _("Sont à charge maximale : %(names)s.") % {
                "names": _names(d["limiting_reviewers"], members)
            }
        return text
    if code == "group_min_load":
        return _(
            "%(names)s doivent évaluer au moins %(total)d dossiers à eux tous (charges minimales), "
            "mais les dossiers qui leur sont possibles ne leur en offrent que %(available)d."
        ) % {
            "names": _names(d["reviewers"], members),
            "total": d["min_load_total"],
            "available": d["available"],
        }
    if code in ("min_above_max", "min_load_unreachable"):
        return _(
            "%(member)s : la charge minimale (%(min)d) ne peut pas être atteinte (charge maximale "
            "%(max)s, %(eligible)d dossier(s) possible(s))."
        ) % {
            "member": member,
            "min": d["min_load"],
            "max": d["max_load"] if d["max_load"] >= 0 else "∞",
            "eligible": d["eligible"],
        }
    if code == "pinned_conflict":
        return _("%(app)s × %(member)s : paire imposée mais en conflit d'intérêts.") % {
            "app": app,
            "member": member,
        }
    if code == "pinned_forbidden":
        return _("%(app)s × %(member)s : paire à la fois imposée et interdite.") % {
            "app": app,
            "member": member,
        }
    if code in ("pinned_not_candidate", "pinned_role_not_needed"):
        return _("%(app)s × %(member)s : paire imposée, mais son rôle n'est pas demandé sur ce dossier.") % {
            "app": app,
            "member": member,
        }
    if code == "pinned_reviewer_no_capacity":
        return _("%(member)s est imposé·e sur %(app)s mais sa charge maximale est 0.") % {
            "app": app,
            "member": member,
        }
    if code == "pinned_over_max_load":
        return _("%(member)s est imposé·e sur %(pinned)d dossiers mais sa charge maximale est %(max)d.") % {
            "member": member,
            "pinned": d["pinned"],
            "max": d["max_load"],
        }
    if code == "pinned_over_demand":
        return _("%(app)s : %(pinned)d évaluateur·rices imposé·es pour %(needed)d places.") % {
            "app": app,
            "pinned": d["pinned"],
            "needed": d["needed"],
        }
    if code == "pinned_same_institution":
        return _("%(app)s : %(names)s sont imposé·es mais viennent du même établissement.") % {
            "app": app,
            "names": _names(d["reviewers"], members),
        }
    if code == "institution_across_roles":
        return _(
            "La règle « un·e seul·e évaluateur·rice par établissement et par dossier » ne peut pas "
            "être tenue tous rôles confondus."
        )
    return reason.message


def describe_reasons(
    details: Iterable[Reason], apps: Mapping[str, str], members: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One dict per reason: ``code``, ``message`` (translated), ``application`` and ``member``
    (ids, when the reason names one) for links on the page."""
    out = []
    for reason in details:
        data = reason.data
        application = data.get("application")
        reviewer = data.get("reviewer")
        out.append(
            {
                "code": reason.code,
                "message": _message(reason, apps, members),
                "application": int(str(application)) if application is not None else None,
                "member": int(str(reviewer)) if reviewer is not None else None,
            }
        )
    return out

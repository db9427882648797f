"""Conflicts of interest: automatic detection, declaration by a reviewer, override and restore by
the secretariat.

Invariant kept by every service here: once it returns, no assignment that is not declined
remains on a pair (application, member) with an active conflict — except an assignment whose
review was already handed in, which is kept and reported to staff (``flagged_assignments``).

What the detection finds, and how, is in ``evaluation.selectors.conflicts_detection``; this
module writes it (create / refresh / delete, overrides kept) and declines the assignments.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_secretariat
from calls.models import Application
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.services import EmailMessage, record_audit, send_templated_email
from evaluation.models import Assignment, Campaign, Conflict, PoolMember
from evaluation.permissions import campaign_applications
from evaluation.selectors.conflicts import active_pool, conflict_pairs
from evaluation.selectors.conflicts_detection import find_conflicts

Kind = Conflict.Kind
DETECTED_KINDS = (Kind.TEAM, Kind.UNIT, Kind.INSTITUTION, Kind.PARTNER, Kind.COAUTHOR)


@dataclass(frozen=True)
class DetectionReport:
    """What a detection run found and changed."""

    counts: dict[str, int]  # detected conflicts per kind after the run (overridden included)
    created: int
    updated: int  # still true, evidence refreshed (overrides kept)
    removed: int  # no longer true
    kept_overridden: int
    declined_assignments: list[int] = field(default_factory=list)
    flagged_assignments: list[int] = field(default_factory=list)  # reviewed, now conflicted: kept

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _decline_conflicted(
    campaign: Campaign, reason: str, pairs: set[tuple[int, int]] | None = None
) -> tuple[list[int], list[int]]:
    """Decline the not-declined assignments on active conflict pairs (``pairs`` restricts the
    check). Assignments whose review was handed in are kept and returned as flagged."""
    active = conflict_pairs(campaign)
    if pairs is not None:
        active &= pairs
    if not active:
        return [], []
    rows = (
        Assignment.objects.filter(campaign=campaign)
        .exclude(status=Assignment.Status.DECLINED)
        .values_list("pk", "application_id", "member_id", "review__submitted_at")
    )
    declined: list[int] = []
    flagged: list[int] = []
    for pk, app_id, member_id, submitted_at in rows:
        if (app_id, member_id) in active:
            (flagged if submitted_at else declined).append(pk)
    if declined:
        Assignment.objects.filter(pk__in=declined).update(
            status=Assignment.Status.DECLINED, declined_reason=reason
        )
    return sorted(declined), sorted(flagged)


@transaction.atomic
def detect_conflicts(*, campaign: Campaign, actor: Any = None) -> DetectionReport:
    """Recompute the detected conflicts of a campaign (declared ones are never touched).

    Rows still true keep their override and get their evidence refreshed; rows no longer true are
    deleted; new ones are created. Assignments that became conflicted are declined ("conflit
    détecté") unless their review was handed in (then flagged in the report)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.DECIDED:
        raise InvalidState(
            _("Les décisions de cette campagne sont prises : les conflits ne sont plus recalculés.")
        )
    today = timezone.localdate()
    found = find_conflicts(campaign, today)
    existing = {
        (c.application_id, c.member_id, c.kind): c
        for c in Conflict.objects.filter(
            campaign=campaign,
            kind__in=DETECTED_KINDS,
            member__in=active_pool(campaign),
            application__in=campaign_applications(campaign),
        ).only("pk", "application_id", "member_id", "kind", "evidence", "details", "overridden")
    }
    to_create, to_update = [], []
    for (app_id, member_id, kind), hit in found.items():
        evidence, details = "\n".join(hit.lines), dict(hit.details)
        row = existing.get((app_id, member_id, kind))
        if row is None:
            to_create.append(
                Conflict(
                    campaign=campaign,
                    application_id=app_id,
                    member_id=member_id,
                    kind=kind,
                    evidence=evidence,
                    details=details,
                )
            )
        elif row.evidence != evidence or row.details != details:
            row.evidence, row.details = evidence, details
            to_update.append(row)
    stale = [row.pk for key, row in existing.items() if key not in found]
    if stale:
        Conflict.objects.filter(pk__in=stale).delete()
    Conflict.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Conflict.objects.bulk_update(to_update, ["evidence", "details"], batch_size=500)
    declined, flagged = _decline_conflicted(campaign, _("conflit détecté"))

    counts = {str(kind): 0 for kind in DETECTED_KINDS}
    for _app, _member, kind in found:
        counts[kind] += 1
    report = DetectionReport(
        counts=counts,
        created=len(to_create),
        updated=len(to_update),
        removed=len(stale),
        kept_overridden=sum(1 for key, row in existing.items() if key in found and row.overridden),
        declined_assignments=declined,
        flagged_assignments=flagged,
    )
    record_audit(
        action="evaluation.conflicts.detected",
        actor=actor,
        target=campaign,
        data={
            "counts": report.counts,
            "created": report.created,
            "updated": report.updated,
            "removed": report.removed,
            "kept_overridden": report.kept_overridden,
            "declined_assignments": declined,
            "flagged_assignments": flagged,
        },
    )
    return report


# --- declaration, override, restore ------------------------------------------------------------


def _require_staff(actor: Any, message: str) -> None:
    if not is_secretariat(actor):
        raise NotAllowed(message)


def _reason(reason: str | None, message: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(message, field="reason")
    return text


@transaction.atomic
def declare_conflict(*, member: PoolMember, application: Application, reason: str, actor: Any) -> Conflict:
    """A reviewer (or the secretariat on their behalf) declares a conflict with an application.
    Their assignment on it, if any, is declined with the reason; the call's contact is told."""
    text = _reason(reason, _("Indiquez la raison du conflit d'intérêts."))
    is_self = bool(
        getattr(actor, "is_authenticated", False) and member.user_id and member.user_id == actor.pk
    )
    if not (is_self or is_secretariat(actor)):
        raise NotAllowed(_("Seul·e l'expert·e concerné·e ou le secrétariat peut déclarer ce conflit."))
    member = PoolMember.objects.select_related("campaign__call").get(pk=member.pk)
    if member.status not in (PoolMember.Status.INVITED, PoolMember.Status.ACCEPTED):
        raise InvalidState(_("Cette personne ne fait plus partie du vivier de la campagne."))
    if not campaign_applications(member.campaign).filter(pk=application.pk).exists():
        raise InvalidInput(_("Ce dossier n'est pas évalué dans cette campagne."), field="application")
    evidence = _("Déclaré par %(name)s : %(reason)s") % {"name": member.name, "reason": text}
    details = {"reason": text, "declared_by": getattr(actor, "pk", None)}
    conflict = (
        Conflict.objects.select_for_update()
        .filter(member=member, application_id=application.pk, kind=Kind.DECLARED)
        .first()
    )
    if conflict is None:
        conflict = Conflict.objects.create(
            campaign=member.campaign,
            application_id=application.pk,
            member=member,
            kind=Kind.DECLARED,
            evidence=evidence,
            details=details,
        )
    else:
        conflict.evidence, conflict.details = evidence, details
        conflict.overridden, conflict.override_reason = False, ""
        conflict.overridden_by, conflict.overridden_at = None, None
        conflict.save()
    assignments = list(
        Assignment.objects.filter(member=member, application_id=application.pk)
        .exclude(status=Assignment.Status.DECLINED)
        .values_list("pk", flat=True)
    )
    if assignments:
        Assignment.objects.filter(pk__in=assignments).update(
            status=Assignment.Status.DECLINED, declined_reason=text
        )
    record_audit(
        action="evaluation.conflict.declared",
        actor=actor,
        target=conflict,
        data={"member": member.pk, "application": application.pk, "declined_assignments": assignments},
    )
    call = member.campaign.call
    if call.contact_email:
        send_templated_email(
            EmailMessage(
                template="evaluation/emails/conflicts_declared",
                to=[call.contact_email],
                context={
                    "call": call,
                    "campaign": member.campaign,
                    "member": member,
                    "application": application,
                    "reason": text,
                    "declined": bool(assignments),
                },
            )
        )
    return conflict


def _locked(conflict: Conflict) -> Conflict:
    return Conflict.objects.select_for_update().select_related("campaign").get(pk=conflict.pk)


@transaction.atomic
def override_conflict(*, conflict: Conflict, reason: str, actor: Any) -> Conflict:
    """The secretariat lifts a conflict, with a reason (audited). The pair becomes assignable
    once none of its conflicts is active."""
    _require_staff(actor, _("Seul le secrétariat peut lever un conflit d'intérêts."))
    text = _reason(reason, _("Indiquez pourquoi ce conflit est levé."))
    conflict = _locked(conflict)
    if conflict.overridden:
        raise InvalidState(_("Ce conflit est déjà levé."))
    conflict.overridden, conflict.override_reason = True, text
    conflict.overridden_by, conflict.overridden_at = actor, timezone.now()
    conflict.save(update_fields=["overridden", "override_reason", "overridden_by", "overridden_at"])
    record_audit(
        action="evaluation.conflict.overridden",
        actor=actor,
        target=conflict,
        data={
            "kind": conflict.kind,
            "member": conflict.member_id,
            "application": conflict.application_id,
            "reason": text,
        },
    )
    return conflict


@transaction.atomic
def restore_conflict(*, conflict: Conflict, actor: Any) -> Conflict:
    """The secretariat cancels an override: the conflict is active again, and an assignment of
    the pair not yet reviewed is declined."""
    _require_staff(actor, _("Seul le secrétariat peut rétablir un conflit d'intérêts."))
    conflict = _locked(conflict)
    if not conflict.overridden:
        raise InvalidState(_("Ce conflit n'est pas levé."))
    previous = conflict.override_reason
    conflict.overridden, conflict.override_reason = False, ""
    conflict.overridden_by, conflict.overridden_at = None, None
    conflict.save(update_fields=["overridden", "override_reason", "overridden_by", "overridden_at"])
    declined, flagged = _decline_conflicted(
        conflict.campaign, _("conflit rétabli"), pairs={(conflict.application_id, conflict.member_id)}
    )
    record_audit(
        action="evaluation.conflict.restored",
        actor=actor,
        target=conflict,
        data={
            "kind": conflict.kind,
            "member": conflict.member_id,
            "application": conflict.application_id,
            "previous_reason": previous,
            "declined_assignments": declined,
            "flagged_assignments": flagged,
        },
    )
    return conflict

"""Staff edits of a campaign's assignment: pin / forbid / clear a pair, add or remove an
assignment by hand, notify the reviewers (one e-mail each), replace a decliner by the best
available reviewer. The automatic run itself is in ``evaluation.services.assignment``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Application
from calls.services.applications import page_link
from core.errors import InvalidInput, InvalidState, NotAllowed
from core.services import EmailMessage, record_audit, send_templated_email
from evaluation.models import Assignment, Campaign, PairConstraint, PoolMember, Review
from evaluation.permissions import active_conflicts, campaign_applications
from evaluation.selectors.assignment import accepted_members, expertise_matrix
from evaluation.services.assignment import check_editable, explanation, institution_label


def _check_pair(campaign: Campaign, application: Application, member: PoolMember) -> None:
    if member.campaign_id != campaign.pk:
        raise InvalidInput(_("Cette personne n'est pas dans le vivier de la campagne."), field="member")
    if not campaign_applications(campaign).filter(pk=application.pk).exists():
        raise InvalidInput(_("Ce dossier n'est pas évalué dans cette campagne."), field="application")


def _conflicted(application: Application, member: PoolMember) -> bool:
    return active_conflicts().filter(application=application, member=member).exists()


@transaction.atomic
def set_pair_constraint(
    *,
    campaign: Campaign,
    application: Application,
    member: PoolMember,
    kind: str | None,
    reason: str = "",
    actor: Any,
) -> PairConstraint | None:
    """Pin (must be assigned), forbid (never assigned) or clear (``kind=None``) one pair.

    Pinning a conflicted pair is refused; forbidding a pair withdraws its proposed assignment
    and is refused while the reviewer has been notified of it."""
    check_editable(campaign)
    _check_pair(campaign, application, member)
    existing = PairConstraint.objects.filter(application=application, member=member).first()
    data: dict[str, Any] = {"application": application.pk, "member": member.pk, "reason": reason}
    if kind is None:
        if existing is not None:
            existing.delete()
            record_audit(action="evaluation.assignment.pair_cleared", actor=actor, target=campaign, data=data)
        return None
    if kind not in PairConstraint.Kind.values:
        raise InvalidInput(_("Contrainte inconnue."), field="action")
    current = Assignment.objects.filter(application=application, member=member).exclude(
        status=Assignment.Status.DECLINED
    )
    if kind == PairConstraint.Kind.PIN:
        if member.status != PoolMember.Status.ACCEPTED:
            raise InvalidState(_("Seul·e un·e évaluateur·rice ayant accepté peut être imposé·e."))
        if _conflicted(application, member):
            raise InvalidState(_("Impossible d'imposer une paire en conflit d'intérêts."))
    else:
        if current.filter(status=Assignment.Status.NOTIFIED).exists():
            raise InvalidState(
                _("L'évaluateur·rice a déjà été notifié·e de ce dossier : retirez d'abord l'affectation.")
            )
        data["withdrawn"] = current.filter(status=Assignment.Status.PROPOSED).delete()[0]
    constraint, _created = PairConstraint.objects.update_or_create(
        application=application,
        member=member,
        defaults={"campaign": campaign, "kind": kind, "reason": reason[:500], "created_by": actor},
    )
    action = "pinned" if kind == PairConstraint.Kind.PIN else "forbidden"
    record_audit(action=f"evaluation.assignment.pair_{action}", actor=actor, target=campaign, data=data)
    return constraint


def _current(application: Application) -> Any:
    return Assignment.objects.filter(application=application).exclude(status=Assignment.Status.DECLINED)


@transaction.atomic
def add_assignment(
    *, campaign: Campaign, application: Application, member: PoolMember, role: str, actor: Any
) -> Assignment:
    """Assign ``member`` to ``application`` by hand (a proposed assignment, kept on re-runs)."""
    check_editable(campaign)
    _check_pair(campaign, application, member)
    if role not in campaign.roles:
        raise InvalidInput(_("Ce rôle n'est pas demandé dans cette campagne."), field="role")
    if member.status != PoolMember.Status.ACCEPTED:
        raise InvalidState(_("Cette personne n'a pas accepté d'évaluer pour cette campagne."))
    if _conflicted(application, member):
        raise NotAllowed(_("Conflit d'intérêts actif : cette personne ne peut pas évaluer ce dossier."))
    if PairConstraint.objects.filter(
        application=application, member=member, kind=PairConstraint.Kind.FORBID
    ).exists():
        raise InvalidState(_("Cette paire est interdite : levez d'abord l'interdiction."))
    if _current(application).filter(member=member).exists():
        raise InvalidState(_("Cette personne est déjà affectée à ce dossier."))
    matrix = expertise_matrix(campaign, applications=[application], members=[member])
    pair = (application.pk, member.pk)
    assignment = Assignment.objects.create(
        campaign=campaign,
        application=application,
        member=member,
        role=role,
        status=Assignment.Status.PROPOSED,
        source=Assignment.Source.MANUAL,
        score=matrix.score(*pair),
        explanation=explanation(matrix, pair, rank=None, pinned=False, manual=True),
    )
    record_audit(
        action="evaluation.assignment.added",
        actor=actor,
        target=assignment,
        data={"application": application.pk, "member": member.pk, "role": role},
    )
    return assignment


@transaction.atomic
def remove_assignment(*, assignment: Assignment, actor: Any) -> None:
    """Withdraw an assignment: a proposed one is deleted; a notified one is marked declined
    (its draft review goes with it). Refused once the review is submitted."""
    check_editable(assignment.campaign)
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.status == Review.Status.SUBMITTED:
        raise InvalidState(_("L'évaluation a été rendue : l'affectation ne peut plus être retirée."))
    data = {
        "application": assignment.application_id,
        "member": assignment.member_id,
        "status": assignment.status,
    }
    if assignment.status == Assignment.Status.PROPOSED:
        record_audit(
            action="evaluation.assignment.removed", actor=actor, target=assignment.campaign, data=data
        )
        assignment.delete()
        return
    if assignment.status == Assignment.Status.DECLINED:
        raise InvalidState(_("Cette affectation est déjà déclinée."))
    if review is not None:
        review.delete()
    assignment.status = Assignment.Status.DECLINED
    assignment.declined_reason = _("Retirée par le secrétariat")
    assignment.save(update_fields=["status", "declined_reason"])
    record_audit(action="evaluation.assignment.removed", actor=actor, target=assignment, data=data)


@transaction.atomic
def notify_assignments(*, campaign: Campaign, actor: Any, base_url: str = "") -> int:
    """Send the proposed assignments to their reviewers (proposed → notified): one e-mail per
    reviewer listing their applications and the deadline. Returns how many were notified."""
    campaign = Campaign.objects.select_for_update().select_related("call").get(pk=campaign.pk)
    if campaign.status != Campaign.Status.REVIEWING:
        raise InvalidState(
            _(
                "Ouvrez d'abord les évaluations de la campagne : les évaluateur·rices ne voient leurs dossiers qu'ensuite."
            )
        )
    proposed = list(
        Assignment.objects.filter(campaign=campaign, status=Assignment.Status.PROPOSED)
        .select_related("application", "member")
        .order_by("member__name", "member_id", "application__acronym", "application_id")
    )
    if not proposed:
        raise InvalidState(_("Aucune affectation proposée à notifier."))
    blocked = set(
        active_conflicts()
        .filter(campaign=campaign, application_id__in=[a.application_id for a in proposed])
        .values_list("application_id", "member_id")
    ) | set(
        PairConstraint.objects.filter(campaign=campaign, kind=PairConstraint.Kind.FORBID).values_list(
            "application_id", "member_id"
        )
    )
    bad = [a for a in proposed if (a.application_id, a.member_id) in blocked]
    if bad:
        raise InvalidState(
            _("%(count)d affectation(s) proposée(s) sont en conflit ou interdites : relancez l'affectation.")
            % {"count": len(bad)}
        )
    inactive = [a for a in proposed if a.member.status != PoolMember.Status.ACCEPTED]
    if inactive:
        raise InvalidState(
            _(
                "%(count)d affectation(s) concernent des personnes qui ne sont plus dans le vivier : remplacez-les."
            )
            % {"count": len(inactive)}
        )
    now = timezone.now()
    Assignment.objects.filter(pk__in=[a.pk for a in proposed]).update(
        status=Assignment.Status.NOTIFIED, notified_at=now
    )
    by_member: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in proposed:
        by_member[assignment.member_id].append(assignment)
    link = page_link("evaluation:my_reviews", {}, "/evaluation/reviews/", base_url)
    for assignments in by_member.values():
        member = assignments[0].member
        send_templated_email(
            EmailMessage(
                template="evaluation/emails/assignment_notified",
                to=[member.email],
                language=member.language,
                context={
                    "name": member.name,
                    "call_title": campaign.call.title,
                    "campaign": campaign,
                    "applications": [
                        {
                            "acronym": a.application.acronym,
                            "title": a.application.title,
                            "role": a.get_role_display(),
                        }
                        for a in assignments
                    ],
                    "deadline": campaign.review_deadline,
                    "link": link,
                },
            )
        )
    record_audit(
        action="evaluation.assignment.notified",
        actor=actor,
        target=campaign,
        data={"assignments": len(proposed), "reviewers": len(by_member)},
    )
    return len(proposed)


def _replacement_candidates(assignment: Assignment) -> tuple[list[PoolMember], dict[str, int]]:
    """Members who could take ``assignment``'s place, and how many were ruled out and why."""
    campaign, application = assignment.campaign, assignment.application
    members = [
        m for m in accepted_members(campaign) if m.role == assignment.role and m.pk != assignment.member_id
    ]
    conflicted = set(active_conflicts().filter(application=application).values_list("member_id", flat=True))
    forbidden = set(
        PairConstraint.objects.filter(application=application, kind=PairConstraint.Kind.FORBID).values_list(
            "member_id", flat=True
        )
    )
    declined = set(
        Assignment.objects.filter(application=application, status=Assignment.Status.DECLINED).values_list(
            "member_id", flat=True
        )
    )
    current = list(_current(application).exclude(pk=assignment.pk).select_related("member"))
    on_it = {a.member_id for a in current}
    labels = {institution_label(a.member) for a in current} - {None}
    loads: Mapping[int, int] = dict(
        Assignment.objects.filter(member__in=members)
        .exclude(status=Assignment.Status.DECLINED)
        .order_by()
        .values_list("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    why = {"conflict": 0, "forbidden": 0, "already": 0, "full": 0, "institution": 0}
    kept = []
    for member in members:
        if member.pk in conflicted:
            why["conflict"] += 1
        elif member.pk in forbidden or member.pk in declined:
            why["forbidden"] += 1
        elif member.pk in on_it:
            why["already"] += 1
        elif loads.get(member.pk, 0) >= member.max_load:
            why["full"] += 1
        elif campaign.one_per_institution and institution_label(member) in labels:
            why["institution"] += 1
        else:
            kept.append(member)
    return kept, why


@transaction.atomic
def replace_assignment(*, assignment: Assignment, actor: Any) -> Assignment:
    """Give a declined assignment (or one of a member who left the pool) to the best available
    reviewer of the same role: no conflict, not forbidden, load below the maximum, and another
    institution than the application's other reviewers when the campaign asks for it."""
    assignment = Assignment.objects.select_related("campaign", "application", "member").get(pk=assignment.pk)
    campaign = assignment.campaign
    check_editable(campaign)
    gone = assignment.member.status in (PoolMember.Status.DECLINED, PoolMember.Status.REMOVED)
    if assignment.status != Assignment.Status.DECLINED and not gone:
        raise InvalidState(
            _("Seule une affectation déclinée (ou d'une personne sortie du vivier) se remplace.")
        )
    if assignment.explanation.get("replaced_by"):
        raise InvalidState(_("Cette affectation a déjà été remplacée."))
    candidates, why = _replacement_candidates(assignment)
    if not candidates:
        raise InvalidState(
            _(
                "Personne n'est disponible pour ce dossier : %(conflict)d en conflit, %(forbidden)d "
                "interdit·es ou ayant décliné, %(already)d déjà affecté·es, %(full)d à charge maximale, "
                "%(institution)d du même établissement qu'un·e autre évaluateur·rice. Ajoutez quelqu'un au vivier."
            )
            % why
        )
    matrix = expertise_matrix(campaign, applications=[assignment.application], members=candidates)
    best = max(candidates, key=lambda m: (matrix.score(assignment.application_id, m.pk), -m.pk))
    pair = (assignment.application_id, best.pk)
    replacement = Assignment.objects.create(
        campaign=campaign,
        application=assignment.application,
        member=best,
        role=assignment.role,
        status=Assignment.Status.PROPOSED,
        source=Assignment.Source.MANUAL,
        score=matrix.score(*pair),
        explanation=explanation(
            matrix, pair, rank=(1, len(candidates)), pinned=False, replaces=assignment.member.name
        ),
    )
    old = dict(assignment.explanation or {})
    old["replaced_by"] = replacement.pk
    assignment.explanation = old
    if assignment.status != Assignment.Status.DECLINED:
        assignment.status = Assignment.Status.DECLINED
        assignment.declined_reason = _("Remplacé·e : n'est plus dans le vivier")
    assignment.save(update_fields=["explanation", "status", "declined_reason"])
    record_audit(
        action="evaluation.assignment.replaced",
        actor=actor,
        target=replacement,
        data={"replaced": assignment.pk, "member": best.pk, "previous_member": assignment.member_id},
    )
    return replacement

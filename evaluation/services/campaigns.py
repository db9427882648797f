"""Evaluation campaigns: creation with the settings of the programme's previous campaign, changes
of settings (optimistic locking), the transitions setup → reviewing → committee, and the daily
reminders to reviewers and to people who have not answered their invitation.

Every function is keyword-only, atomic, checks the campaign's state first, raises
``core.errors`` and records an audit entry (``evaluation.campaign.*``).
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_secretariat
from calls.models import PARIS, Application, BudgetLine, Call, Stage
from calls.services.common import as_json
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.services import EmailMessage, record_audit, send_templated_email
from evaluation.models import ApplicationOutcome, Assignment, Campaign, PoolMember, Review, ReviewerRole
from evaluation.permissions import active_conflicts, campaign_applications
from evaluation.selectors.campaigns import (
    LOCKED_AFTER_SETUP,
    SETTINGS_FIELDS,
    campaign_progress,
    default_settings,
)
from evaluation.selectors.campaigns_steps import open_reviews_blockers

MAX_COAUTHORSHIP_YEARS = 30
MAX_REMINDER_DAYS = 60
LETTER_LANGUAGES = ("fr", "en")  # the choices of ApplicationOutcome.letter_language


def _require_secretariat(actor: Any) -> None:
    if not is_secretariat(actor):
        raise NotAllowed(_("Réservé au secrétariat."))


def _stale() -> StaleVersion:
    return StaleVersion(
        _(
            "Les réglages de cette campagne ont été modifiés par quelqu'un d'autre entre-temps : rien n'a été enregistré."
        )
    )


def _apply(campaign: Campaign, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the settings of ``data`` on ``campaign``; return {field: (before, after)} of changes."""
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Réglages inconnus : %(names)s.") % {"names": ", ".join(unknown)}, field=unknown[0]
        )
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in data.items():
        before = getattr(campaign, name)
        if as_json(before) != as_json(value):
            changes[name] = (as_json(before), as_json(value))
        setattr(campaign, name, value)
    return changes


def _validate(campaign: Campaign, changes: dict[str, tuple[Any, Any]], now: dt.datetime) -> None:
    """The rules of a campaign's settings, raised on the field at fault."""
    if campaign.is_letter_of_intent:
        campaign.externals_per_application = 0
    if campaign.rapporteurs_per_application + campaign.reviewers_needed("external") < 1:
        raise InvalidInput(
            _("Demandez au moins un·e évaluateur·rice par dossier."), field="rapporteurs_per_application"
        )
    if campaign.is_letter_of_intent and campaign.rapporteurs_per_application < 1:
        raise InvalidInput(
            _("Les lettres d'intention sont évaluées par des rapporteur·es : demandez-en au moins un·e."),
            field="rapporteurs_per_application",
        )
    if campaign.default_min_load > campaign.default_max_load:
        raise InvalidInput(
            _("La charge minimale ne peut pas dépasser la charge maximale."), field="default_min_load"
        )
    if campaign.coauthorship_years > MAX_COAUTHORSHIP_YEARS:
        raise InvalidInput(
            _("Au plus %(n)s ans de co-publications.") % {"n": MAX_COAUTHORSHIP_YEARS},
            field="coauthorship_years",
        )
    if campaign.reminder_days > MAX_REMINDER_DAYS:
        raise InvalidInput(
            _("La relance part au plus %(n)s jours avant la date limite.") % {"n": MAX_REMINDER_DAYS},
            field="reminder_days",
        )
    deadline = campaign.review_deadline
    if deadline is not None and timezone.is_naive(deadline):
        raise InvalidInput(_("La date limite doit préciser son fuseau horaire."), field="review_deadline")
    if "review_deadline" in changes:
        if deadline is None and campaign.status != Campaign.Status.SETUP:
            raise InvalidInput(
                _("Les évaluations sont ouvertes : la date limite ne peut plus être retirée."),
                field="review_deadline",
            )
        if deadline is not None and deadline <= now:
            raise InvalidInput(_("La date limite des évaluations est déjà passée."), field="review_deadline")
        closes_at = campaign.call.deadline_for(campaign.stage)
        if deadline is not None and closes_at is not None and deadline <= closes_at:
            raise InvalidInput(
                _("La date limite des évaluations doit suivre la date limite de dépôt de l'appel."),
                field="review_deadline",
            )


@transaction.atomic
def create_campaign(*, call: Call, stage: str, data: dict[str, Any], actor: Any) -> Campaign:
    """Create the evaluation campaign of ``call`` at ``stage`` (one per call and stage). Its
    settings start from the programme's previous campaign (or the defaults), then ``data``.
    A one-stage call has a full-proposal campaign only; letters of intent have no external
    reviewers."""
    _require_secretariat(actor)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if stage not in Stage.values:
        raise InvalidInput(_("Étape inconnue."), field="stage")
    if stage == Stage.LETTER_OF_INTENT and not call.is_two_stage:
        raise InvalidInput(
            _("Cet appel n'a qu'une étape : seuls les dossiers complets sont évalués."), field="stage"
        )
    if call.status not in (Call.Status.PUBLISHED, Call.Status.CLOSED):
        raise InvalidState(_("Une campagne d'évaluation se prépare pour un appel publié ou clos."))
    if Campaign.objects.filter(call=call, stage=stage).exists():
        raise InvalidState(_("Cette étape de l'appel a déjà sa campagne d'évaluation."))
    values, source = default_settings(call, stage)
    campaign = Campaign(call=call, stage=stage, **values)
    changes = _apply(campaign, data)
    _validate(campaign, changes | {"review_deadline": (None, None)}, timezone.now())
    campaign.save()
    record_audit(
        action="evaluation.campaign.created",
        actor=actor,
        target=campaign,
        data={
            "call": call.pk,
            "stage": stage,
            "copied_from": source.pk if source else None,
            "settings": {name: as_json(getattr(campaign, name)) for name in SETTINGS_FIELDS},
        },
    )
    return campaign


@transaction.atomic
def update_campaign(
    *, campaign: Campaign, data: dict[str, Any], expected_version: int | None, actor: Any
) -> Campaign:
    """Change the settings of ``campaign`` if nobody saved it since ``expected_version``. Once
    the reviews are open, what shapes the assignment (reviewers per application, loads,
    conflicts, fairness) is fixed; the deadline, reminders and confidentiality stay editable."""
    _require_secretariat(actor)
    if expected_version is not None and campaign.version != expected_version:
        raise _stale()
    if campaign.status == Campaign.Status.DECIDED:
        allowed = {"publish_committee"}
    elif campaign.status != Campaign.Status.SETUP:
        allowed = set(SETTINGS_FIELDS) - set(LOCKED_AFTER_SETUP)
    else:
        allowed = set(SETTINGS_FIELDS)
    changes = _apply(campaign, data)
    refused = sorted(set(changes) - allowed)
    if refused:
        raise InvalidState(
            _("À ce stade de la campagne, ce réglage ne peut plus changer : %(label)s.")
            % {"label": getattr(Campaign._meta.get_field(refused[0]), "verbose_name", refused[0])},
        )
    _validate(campaign, changes, timezone.now())
    if not changes:
        return campaign
    updated = Campaign.objects.filter(pk=campaign.pk, version=campaign.version).update(
        version=F("version") + 1
    )
    if not updated:
        raise _stale()
    campaign.version += 1
    campaign.save(update_fields=[*changes, "updated_at"])
    record_audit(
        action="evaluation.campaign.updated",
        actor=actor,
        target=campaign,
        data={"changes": {name: {"before": b, "after": a} for name, (b, a) in changes.items()}},
    )
    return campaign


def _lock(campaign: Campaign, expected: str) -> Campaign:
    locked = Campaign.objects.select_for_update().select_related("call").get(pk=campaign.pk)
    if locked.status != expected:
        raise InvalidState(
            _("La campagne est à l'état « %(status)s » : cette étape n'est plus possible.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _bump(campaign: Campaign, status: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(
        status=status, version=F("version") + 1, updated_at=timezone.now()
    )
    campaign.refresh_from_db()


@transaction.atomic
def open_reviews(*, campaign: Campaign, actor: Any) -> Campaign:
    """setup → reviewing: the reviewers see their notified assignments; the campaign's eligible
    applications go under review. Needs a future review deadline, at least one criterion on the
    call and at least one eligible application."""
    _require_secretariat(actor)
    locked = _lock(campaign, Campaign.Status.SETUP)
    blockers = open_reviews_blockers(locked, campaign_progress(locked))
    if blockers:
        raise InvalidState(" ".join(blockers))
    eligible = campaign_applications(locked).filter(status=Application.Status.ELIGIBLE)
    moved = sorted(eligible.values_list("pk", flat=True))
    Application.objects.filter(pk__in=moved).update(
        status=Application.Status.UNDER_REVIEW, version=F("version") + 1, updated_at=timezone.now()
    )
    _bump(locked, Campaign.Status.REVIEWING)
    record_audit(
        action="evaluation.campaign.reviews_opened",
        actor=actor,
        target=locked,
        data={"applications_under_review": moved, "deadline": as_json(locked.review_deadline)},
    )
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def start_committee(*, campaign: Campaign, actor: Any) -> Campaign:
    """reviewing → committee: one ``ApplicationOutcome`` per application of the campaign, with
    the amount requested (sum of its budget lines) and the language of its letter (the
    applicant's language, French otherwise)."""
    _require_secretariat(actor)
    locked = _lock(campaign, Campaign.Status.REVIEWING)
    total = Coalesce(Sum("amount"), Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))
    amounts = dict(
        BudgetLine.objects.filter(application__in=campaign_applications(locked))
        .order_by()
        .values("application_id")
        .annotate(total=total)
        .values_list("application_id", "total")
    )
    existing = set(
        ApplicationOutcome.objects.filter(campaign=locked).values_list("application_id", flat=True)
    )
    applications = campaign_applications(locked).exclude(pk__in=existing).select_related("applicant")
    outcomes = []
    for application in applications.order_by("pk"):
        language = (getattr(application.applicant, "language", "") or "")[:2]
        outcomes.append(
            ApplicationOutcome(
                campaign=locked,
                application=application,
                requested_amount=amounts.get(application.pk, Decimal(0)),
                letter_language=language if language in LETTER_LANGUAGES else "fr",
            )
        )
    ApplicationOutcome.objects.bulk_create(outcomes)
    submitted = Review.objects.filter(
        assignment__campaign=locked,
        assignment__status=Assignment.Status.NOTIFIED,
        status=Review.Status.SUBMITTED,
    ).count()
    notified = Assignment.objects.filter(campaign=locked, status=Assignment.Status.NOTIFIED).count()
    _bump(locked, Campaign.Status.COMMITTEE)
    record_audit(
        action="evaluation.campaign.committee_started",
        actor=actor,
        target=locked,
        data={
            "outcomes_created": [o.application_id for o in outcomes],
            "reviews_submitted": submitted,
            "assignments_notified": notified,
        },
    )
    campaign.refresh_from_db()
    return campaign


# --- reminders -------------------------------------------------------------------------------


def _invitation_link(member: PoolMember, base_url: str) -> str:
    try:
        path = reverse("evaluation:invitation", kwargs={"token": member.invitation_token})
    except NoReverseMatch:
        return ""
    return urljoin(base_url, path) if base_url else path


def _reviews_link(base_url: str) -> str:
    try:
        path = reverse("evaluation:my_reviews")
    except NoReverseMatch:
        return ""
    return urljoin(base_url, path) if base_url else path


def _reminded_today(member: PoolMember, now: dt.datetime) -> bool:
    last = member.last_reminder_at
    return last is not None and last.astimezone(PARIS).date() == now.astimezone(PARIS).date()


def send_review_reminders(*, now: dt.datetime | None = None, base_url: str | None = None) -> int:
    """E-mail the reviewers of campaigns whose review deadline is within ``reminder_days``:
    each accepted member with notified assignments whose review is not submitted gets the list of
    their pending applications (acronyms only) and the deadline in Paris time; each member who
    has not answered their invitation gets the link to answer. At most one reminder a day per
    member (Paris calendar day, ``PoolMember.last_reminder_at``). Returns the number of e-mails.

    Run daily by cron (``manage.py send_review_reminders``) or the ``send_review_reminders``
    task; running it twice on the same day sends nothing the second time."""
    now = now or timezone.now()
    base_url = base_url if base_url is not None else getattr(settings, "CANCEROPOLE_SITE_URL", "")
    sent = 0
    for campaign in _campaigns_to_remind(now):
        sent += _remind_campaign(campaign=campaign, now=now, base_url=base_url)
    return sent


def _campaigns_to_remind(now: dt.datetime) -> list[Campaign]:
    candidates = Campaign.objects.filter(
        status__in=(Campaign.Status.SETUP, Campaign.Status.REVIEWING),
        review_deadline__isnull=False,
        review_deadline__gte=now,
    ).select_related("call")
    return [
        c
        for c in candidates
        if c.review_deadline is not None and c.review_deadline - dt.timedelta(days=c.reminder_days) <= now
    ]


@transaction.atomic
def _remind_campaign(*, campaign: Campaign, now: dt.datetime, base_url: str) -> int:
    """The reminders of one campaign: pending reviews (campaign in reviewing) and pending
    invitations."""
    members = PoolMember.objects.select_for_update().filter(campaign=campaign)
    reviewers: list[tuple[PoolMember, list[str]]] = []
    if campaign.status == Campaign.Status.REVIEWING:
        conflicted = active_conflicts().filter(
            member_id=OuterRef("member_id"), application_id=OuterRef("application_id")
        )
        pending = (
            Assignment.objects.filter(
                campaign=campaign,
                status=Assignment.Status.NOTIFIED,
                member__status=PoolMember.Status.ACCEPTED,
            )
            .exclude(Exists(conflicted))
            .filter(Q(review__isnull=True) | ~Q(review__status=Review.Status.SUBMITTED))
            .select_related("application")
            .order_by("application__acronym", "application_id")
        )
        by_member: dict[int, list[str]] = {}
        for assignment in pending:
            application = assignment.application
            by_member.setdefault(assignment.member_id, []).append(application.acronym or f"#{application.pk}")
        for member in members.filter(pk__in=by_member):
            if not _reminded_today(member, now):
                reviewers.append((member, by_member[member.pk]))
    invited = [
        member
        for member in members.filter(status=PoolMember.Status.INVITED, invitation_token__isnull=False)
        if not _reminded_today(member, now)
    ]
    # Lazy labels and the call itself: rendered in each recipient's language.
    context = {
        "call": campaign.call,
        "stage": Stage(campaign.stage).label,
        "deadline": campaign.review_deadline,
    }
    for member, acronyms in reviewers:
        send_templated_email(
            EmailMessage(
                template="evaluation/emails/reminder_review",
                to=[member.email],
                context={
                    **context,
                    "name": member.name,
                    "acronyms": acronyms,
                    "link": _reviews_link(base_url),
                },
                language=member.language,
            )
        )
    for member in invited:
        send_templated_email(
            EmailMessage(
                template="evaluation/emails/reminder_invitation",
                to=[member.email],
                context={
                    **context,
                    "name": member.name,
                    "role": ReviewerRole(member.role).label,
                    "link": _invitation_link(member, base_url),
                },
                language=member.language,
            )
        )
    reminded = [m.pk for m, _acronyms in reviewers] + [m.pk for m in invited]
    if reminded:
        PoolMember.objects.filter(pk__in=reminded).update(last_reminder_at=now)
        record_audit(
            action="evaluation.campaign.reminders_sent",
            target=campaign,
            data={"reviewers": [m.pk for m, _a in reviewers], "invitations": [m.pk for m in invited]},
        )
    return len(reminded)

"""The reviewer pool of a campaign: invitations, answers, replacements, loads and reminders.

A pool member is someone from the directory or an outside expert invited by e-mail. The
invitation e-mail carries a link with a secret token (``evaluation:invitation``); the member
answers once: accept (with their account, or an account created on the spot: the e-mail proves
the address) or decline (with an optional suggestion of someone else). A decliner is replaced in
one action; the declined member stays for the record.
"""

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from accounts.models import User
from calls.models import Stage
from core.errors import InvalidInput, InvalidState, NotFound, StaleVersion
from core.services import EmailMessage, record_audit, send_templated_email
from directory.models import Affiliation, Institution, Person
from evaluation.models import Assignment, Campaign, PoolMember, Review, ReviewerRole

LANGUAGES = ("fr", "en")
REPLACED_REASON = "remplacé·e"
REMOVED_REASON = "retiré·e du vivier"


# --- helpers ---------------------------------------------------------------------------------


def invitation_link(token: str, base_url: str = "") -> str:
    """The absolute link a member opens to answer their invitation."""
    try:
        path = reverse("evaluation:invitation", kwargs={"token": token})
    except NoReverseMatch:  # pragma: no cover - the URL is part of the contract
        path = f"/evaluation/invitations/{token}/"
    return base_url.rstrip("/") + path


def current_institution(person: Person) -> Institution | None:
    """The institution of the person's open affiliation (the primary one first)."""
    affiliation = (
        Affiliation.objects.filter(person=person, end__isnull=True)
        .select_related("institution")
        .order_by("-is_primary", "-start", "pk")
        .first()
    )
    return affiliation.institution if affiliation else None


def _check_open(campaign: Campaign) -> None:
    if campaign.status == Campaign.Status.DECIDED:
        raise InvalidState(gettext("Les décisions de cette campagne sont prises : le vivier est clos."))


def _check_role(campaign: Campaign, role: str) -> None:
    if role not in ReviewerRole.values:
        raise InvalidInput(gettext("Choisissez un rôle."), field="role")
    if role not in campaign.roles:
        raise InvalidInput(
            gettext("Cette campagne ne demande pas d'évaluateur·rice dans ce rôle."), field="role"
        )


def _loads(campaign: Campaign, min_load: int | None, max_load: int | None) -> tuple[int, int]:
    low = campaign.default_min_load if min_load is None else int(min_load)
    high = campaign.default_max_load if max_load is None else int(max_load)
    if low < 0 or high < 0:
        raise InvalidInput(gettext("Une charge ne peut pas être négative."), field="min_load")
    if low > high:
        raise InvalidInput(
            gettext("La charge minimale ne peut pas dépasser la charge maximale."), field="max_load"
        )
    return low, high


def _check_not_in_pool(campaign: Campaign, *, email: str, person: Person | None) -> None:
    """Refuse a second membership (same e-mail or same person) unless the first was removed."""
    lookup = Q(email__iexact=email)
    if person is not None:
        lookup |= Q(person=person)
    existing = (
        PoolMember.objects.filter(campaign=campaign)
        .exclude(status=PoolMember.Status.REMOVED)
        .filter(lookup)
        .first()
    )
    if existing is not None:
        raise InvalidInput(
            gettext("%(name)s fait déjà partie du vivier de cette campagne (%(role)s, %(status)s).")
            % {
                "name": existing.name,
                "role": existing.get_role_display(),
                "status": existing.get_status_display().lower(),
            },
            field="person" if person is not None else "email",
        )


def _reviewed_assignments(member: PoolMember) -> int:
    return Review.objects.filter(assignment__member=member, status=Review.Status.SUBMITTED).count()


def _decline_open_assignments(member: PoolMember, reason: str) -> int:
    """Mark the member's assignments without a submitted review as declined."""
    open_ones = (
        Assignment.objects.filter(member=member)
        .exclude(status=Assignment.Status.DECLINED)
        .exclude(review__status=Review.Status.SUBMITTED)
    )
    return open_ones.update(status=Assignment.Status.DECLINED, declined_reason=reason)


def _send_invitation(member: PoolMember, *, base_url: str = "", reminder: bool = False) -> None:
    campaign = member.campaign
    send_templated_email(
        EmailMessage(
            template="evaluation/emails/pool_invitation",
            to=[member.email],
            context={
                "member": member,
                "campaign": campaign,
                "call": campaign.call,
                "role": member.role,
                "letter_of_intent": campaign.stage == Stage.LETTER_OF_INTENT,
                "deadline": campaign.review_deadline,
                "link": invitation_link(member.invitation_token or "", base_url),
                "reminder": reminder,
            },
            language=member.language if member.language in LANGUAGES else "fr",
        )
    )


def _locked(member: PoolMember) -> PoolMember:
    return PoolMember.objects.select_for_update().select_related("campaign__call").get(pk=member.pk)


# --- adding people ---------------------------------------------------------------------------


@transaction.atomic
def add_pool_member(
    *,
    campaign: Campaign,
    role: str,
    person: Person | None = None,
    email: str = "",
    name: str = "",
    institution: Institution | None = None,
    institution_name: str = "",
    language: str = "fr",
    min_load: int | None = None,
    max_load: int | None = None,
    actor: Any,
    invite: bool = True,
    base_url: str = "",
    replaces: PoolMember | None = None,
) -> PoolMember:
    """Add someone from the directory (``person``) or an outside expert (``name`` + ``email``) to
    the pool and, unless ``invite`` is false, e-mail the invitation in ``language``. Loads default
    to the campaign's."""
    _check_open(campaign)
    _check_role(campaign, role)
    low, high = _loads(campaign, min_load, max_load)
    if language not in LANGUAGES:
        raise InvalidInput(gettext("Choisissez la langue des messages."), field="language")
    user = None
    if person is not None:
        user = person.user
        email = (person.email or (user.email if user else "")).strip().lower()
        name = person.full_name
        if not email:
            raise InvalidInput(
                gettext(
                    "Cette personne n'a pas d'adresse e-mail dans l'annuaire : invitez-la comme expert·e extérieur·e."
                ),
                field="person",
            )
        institution = institution or current_institution(person)
        institution_name = ""
    else:
        email = email.strip().lower()
        name = " ".join(name.split())
        if not name:
            raise InvalidInput(gettext("Indiquez le nom de la personne."), field="name")
        if not email or "@" not in email:
            raise InvalidInput(gettext("Indiquez une adresse e-mail valide."), field="email")
        institution_name = "" if institution else institution_name.strip()
    _check_not_in_pool(campaign, email=email, person=person)
    member = PoolMember.objects.create(
        campaign=campaign,
        role=role,
        person=person,
        user=user,
        name=name[:200],
        email=email,
        institution=institution,
        institution_name=institution_name[:255],
        language=language,
        min_load=low,
        max_load=high,
        status=PoolMember.Status.INVITED,
        invitation_token=secrets.token_urlsafe(32),
        invited_at=timezone.now() if invite else None,
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        replaces=replaces,
    )
    record_audit(
        action="evaluation.pool.member_added",
        actor=actor,
        target=member,
        data={
            "campaign": campaign.pk,
            "role": role,
            "person": person.pk if person else None,
            "email": email,
            "invited": invite,
            "replaces": replaces.pk if replaces else None,
        },
    )
    if invite:
        _send_invitation(member, base_url=base_url)
    return member


@transaction.atomic
def replace_member(
    *,
    member: PoolMember,
    actor: Any,
    person: Person | None = None,
    email: str = "",
    name: str = "",
    institution: Institution | None = None,
    institution_name: str = "",
    language: str = "fr",
    base_url: str = "",
) -> PoolMember:
    """Invite someone in ``member``'s place, with the same role and loads, in one action. The
    replaced member stays for the record (a member who had not declined leaves the pool); their
    assignments without a submitted review are declined so that assignment can be rerun."""
    member = _locked(member)
    _check_open(member.campaign)
    if member.status == PoolMember.Status.REMOVED:
        raise InvalidState(gettext("Cette personne a été retirée du vivier."))
    if member.replacements.exclude(status=PoolMember.Status.REMOVED).exists():
        raise InvalidState(gettext("Cette personne a déjà été remplacée."))
    if member.status == PoolMember.Status.ACCEPTED and _reviewed_assignments(member):
        raise InvalidState(
            gettext("Cette personne a déjà rendu des évaluations : elle ne peut pas être remplacée.")
        )
    previous_status = member.status
    declined = _decline_open_assignments(member, REPLACED_REASON)
    if member.status != PoolMember.Status.DECLINED:
        member.status = PoolMember.Status.REMOVED
        member.version = F("version") + 1
        member.save(update_fields=["status", "version"])
        member.refresh_from_db()
    replacement = add_pool_member(
        campaign=member.campaign,
        role=member.role,
        person=person,
        email=email,
        name=name,
        institution=institution,
        institution_name=institution_name,
        language=language,
        min_load=member.min_load,
        max_load=member.max_load,
        actor=actor,
        base_url=base_url,
        replaces=member,
    )
    record_audit(
        action="evaluation.pool.member_replaced",
        actor=actor,
        target=member,
        data={
            "replacement": replacement.pk,
            "previous_status": previous_status,
            "assignments_declined": declined,
        },
    )
    return replacement


# --- answers ---------------------------------------------------------------------------------


def _invitation(token: str) -> PoolMember:
    member = (
        PoolMember.objects.select_for_update()
        .select_related("campaign__call")
        .filter(invitation_token=token)
        .first()
        if token
        else None
    )
    if member is None:
        raise NotFound(gettext("Cette invitation n'existe pas."))
    return member


def _check_answerable(member: PoolMember) -> None:
    if member.status == PoolMember.Status.REMOVED:
        raise InvalidState(gettext("Cette invitation a été retirée par le secrétariat."))
    if member.status != PoolMember.Status.INVITED:
        answered = (
            formats.date_format(timezone.localtime(member.responded_at)) if member.responded_at else "—"
        )
        raise InvalidState(
            gettext("Vous avez déjà répondu à cette invitation le %(date)s.") % {"date": answered}
        )
    _check_open(member.campaign)


@transaction.atomic
def accept_invitation(*, token: str, user: Any) -> PoolMember:
    """Accept with the signed-in account ``user`` (which may carry another address than the one
    invited: allowed, and recorded in the audit entry)."""
    if user is None or not user.is_authenticated:
        raise InvalidState(gettext("Connectez-vous pour accepter l'invitation."))
    member = _invitation(token)
    _check_answerable(member)
    other = (
        PoolMember.objects.filter(campaign=member.campaign, user_id=user.pk)
        .exclude(pk=member.pk)
        .exclude(status__in=[PoolMember.Status.REMOVED, PoolMember.Status.DECLINED])
        .first()
    )
    if other is not None:
        raise InvalidState(
            gettext("Votre compte fait déjà partie du vivier de cette campagne (%(role)s).")
            % {"role": other.get_role_display()}
        )
    fields = ["user", "status", "responded_at", "version"]
    if member.person_id is None:
        person = Person.objects.filter(user_id=user.pk).first()
        taken = (
            person is not None
            and PoolMember.objects.filter(campaign=member.campaign, person=person)
            .exclude(status=PoolMember.Status.REMOVED)
            .exists()
        )
        if person is not None and not taken:
            member.person = person
            fields.append("person")
    member.user = user
    member.status = PoolMember.Status.ACCEPTED
    member.responded_at = timezone.now()
    member.version = F("version") + 1
    member.save(update_fields=fields)
    member.refresh_from_db()
    mismatch = user.email.lower() != member.email.lower()
    record_audit(
        action="evaluation.pool.invitation_accepted",
        actor=user,
        target=member,
        data={
            "campaign": member.campaign_id,
            "email_mismatch": mismatch,
            "invited_email": member.email,
            "account_email": user.email,
        },
    )
    return member


@transaction.atomic
def accept_invitation_creating_account(
    *, token: str, password: str, first_name: str = "", last_name: str = ""
) -> tuple[PoolMember, Any]:
    """For an outside expert without an account: create it with the invited address (verified:
    the invitation e-mail proves it), then accept. The caller signs the new user in."""
    from allauth.account.models import EmailAddress

    from accounts.services import complete_signup

    member = _invitation(token)
    _check_answerable(member)
    if User.objects.filter(email__iexact=member.email).exists():
        raise InvalidState(
            gettext("Un compte existe déjà pour %(email)s : connectez-vous pour accepter.")
            % {"email": member.email}
        )
    if not first_name.strip() and not last_name.strip():
        first_name, _, last_name = member.name.partition(" ")
    user = User(email=member.email, first_name=first_name.strip()[:150], last_name=last_name.strip()[:150])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    user = User.objects.create_user(
        email=member.email,
        password=password,
        first_name=user.first_name,
        last_name=user.last_name,
        language=member.language,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    complete_signup(user=user, invitation_token=None)
    member = accept_invitation(token=token, user=user)
    return member, user


@transaction.atomic
def decline_invitation(
    *, token: str, reason: str = "", suggestion: str = "", actor: Any = None
) -> PoolMember:
    """Decline, optionally suggesting someone else (free text such as "name, e-mail")."""
    member = _invitation(token)
    _check_answerable(member)
    member.status = PoolMember.Status.DECLINED
    member.responded_at = timezone.now()
    member.decline_reason = reason.strip()[:4000]
    member.suggestion = suggestion.strip()[:1000]
    member.version = F("version") + 1
    member.save(update_fields=["status", "responded_at", "decline_reason", "suggestion", "version"])
    member.refresh_from_db()
    record_audit(
        action="evaluation.pool.invitation_declined",
        actor=actor,
        target=member,
        data={"campaign": member.campaign_id, "suggestion": member.suggestion},
    )
    return member


# --- staff changes ---------------------------------------------------------------------------


@transaction.atomic
def update_member(
    *, member: PoolMember, role: str, min_load: int, max_load: int, expected_version: int, actor: Any
) -> PoolMember:
    member = _locked(member)
    if member.version != expected_version:
        raise StaleVersion(
            gettext("Quelqu'un a modifié cette personne entre-temps : rechargez la page et recommencez.")
        )
    if member.status == PoolMember.Status.REMOVED:
        raise InvalidState(gettext("Cette personne a été retirée du vivier."))
    _check_role(member.campaign, role)
    low, high = _loads(member.campaign, min_load, max_load)
    if role != member.role and member.assignments.exclude(status=Assignment.Status.DECLINED).exists():
        raise InvalidInput(
            gettext(
                "Cette personne a déjà des dossiers dans son rôle actuel : retirez d'abord ses affectations."
            ),
            field="role",
        )
    before = {"role": member.role, "min_load": member.min_load, "max_load": member.max_load}
    after = {"role": role, "min_load": low, "max_load": high}
    member.role, member.min_load, member.max_load = role, low, high
    member.version = F("version") + 1
    member.save(update_fields=["role", "min_load", "max_load", "version"])
    member.refresh_from_db()
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    record_audit(action="evaluation.pool.member_updated", actor=actor, target=member, data=changes)
    return member


@transaction.atomic
def remove_member(*, member: PoolMember, actor: Any) -> PoolMember:
    """Take someone out of the pool (refused once they have submitted a review); their open
    assignments are declined."""
    member = _locked(member)
    if member.status == PoolMember.Status.REMOVED:
        raise InvalidState(gettext("Cette personne a déjà été retirée du vivier."))
    if _reviewed_assignments(member):
        raise InvalidState(
            gettext("Cette personne a déjà rendu des évaluations : elle reste dans le vivier.")
        )
    previous_status = member.status
    declined = _decline_open_assignments(member, REMOVED_REASON)
    member.status = PoolMember.Status.REMOVED
    member.version = F("version") + 1
    member.save(update_fields=["status", "version"])
    member.refresh_from_db()
    record_audit(
        action="evaluation.pool.member_removed",
        actor=actor,
        target=member,
        data={"previous_status": previous_status, "assignments_declined": declined},
    )
    return member


@transaction.atomic
def remind_invitations(*, campaign: Campaign, actor: Any, base_url: str = "") -> int:
    """Send the invitation again to every member who has not answered; returns how many."""
    _check_open(campaign)
    pending = list(
        PoolMember.objects.select_for_update()
        .select_related("campaign__call")
        .filter(campaign=campaign, status=PoolMember.Status.INVITED)
    )
    now = timezone.now()
    for member in pending:
        _send_invitation(member, base_url=base_url, reminder=member.invited_at is not None)
    ids = [m.pk for m in pending]
    PoolMember.objects.filter(pk__in=ids, invited_at__isnull=False).update(last_reminder_at=now)
    PoolMember.objects.filter(pk__in=ids, invited_at__isnull=True).update(invited_at=now)
    record_audit(
        action="evaluation.pool.reminded",
        actor=actor,
        target=campaign,
        data={"members": [m.pk for m in pending]},
    )
    return len(pending)

"""Writing an application: create it, save the draft (answers, title) with a version check,
build the consortium (partner teams, invitations by e-mail) and the budget.

Every edit locks the application row first (``select_for_update``; on SQLite the IMMEDIATE
transactions serialise writers), then checks that it is still a draft, that the actor may edit
it and that the deadline has not passed — so an edit can never slip in after the submission.
"""

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import PARIS, Application, ApplicationTeam, BudgetCategory, BudgetLine, Call, StageScope
from calls.permissions import can_edit_application
from core.errors import InvalidInput, InvalidState, NotAllowed, StaleVersion
from core.services import EmailMessage, record_audit, send_templated_email
from directory.models import Institution, Person, Team

STALE_APPLICATION = gettext_lazy(
    "Cette candidature a été modifiée par quelqu'un d'autre (un·e partenaire ?) depuis que vous l'avez ouverte. "
    "Vos changements n'ont pas été enregistrés pour ne pas écraser les siens : rechargez la page, puis refaites-les."
)


def deadline_text(moment: dt.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M:%S")


def lock_for_edit(application: Application, actor: Any, *, now: dt.datetime | None = None) -> Application:
    """The application row, locked, after checking it can still be edited by ``actor``.
    Must be called inside a transaction."""
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not can_edit_application(actor, locked):
        raise NotAllowed(_("Vous ne pouvez pas modifier cette candidature."))
    if locked.status != Application.Status.DRAFT:
        raise InvalidState(_("Cette candidature a été déposée : elle ne peut plus être modifiée."))
    deadline = locked.call.deadline_for(locked.stage)
    if deadline is not None and (now or timezone.now()) > deadline:
        raise InvalidState(
            _(
                "La date limite (%(deadline)s, heure de Paris) est passée : ce brouillon ne peut plus être modifié."
            )
            % {"deadline": deadline_text(deadline)}
        )
    return locked


def _lead_affiliation(person: Person | None) -> tuple[Team | None, Institution | None]:
    if person is None:
        return None, None
    today = timezone.localdate()
    for affiliation in person.affiliations.select_related("team", "institution").order_by(
        "-is_primary", "-start"
    ):
        if affiliation.end is None or affiliation.end >= today:
            return affiliation.team, affiliation.institution
    return None, None


def _institution_of(team: Team | None) -> Institution | None:
    if team is None:
        return None
    return Institution.objects.filter(unit_links__unit_id=team.unit_id).order_by("unit_links__pk").first()


@transaction.atomic
def create_application(
    *,
    call: Call,
    actor: Any,
    title: str = "",
    acronym: str = "",
    team: Team | None = None,
    new_team_name: str = "",
    institution: Institution | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """A new draft by ``actor`` (the applicant; their directory record is the lead person). The
    lead team is ``team`` / ``new_team_name``, or the team of the lead's current affiliation."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Connectez-vous pour déposer une candidature."))
    stage = call.first_stage
    if not call.is_open_for(stage, now or timezone.now()):
        raise InvalidState(_("Cet appel n'est pas ouvert aux candidatures."))
    person = Person.objects.filter(user_id=actor.pk).first()
    application = Application.objects.create(
        call=call,
        stage=stage,
        applicant=actor,
        lead_person=person,
        title=title.strip()[:300],
        acronym=acronym.strip()[:40],
    )
    default_team, default_institution = _lead_affiliation(person)
    team = team or (default_team if not new_team_name else None)
    institution = institution or (_institution_of(team) if team else None) or default_institution
    if team or new_team_name.strip():
        ApplicationTeam.objects.create(
            application=application,
            role=ApplicationTeam.Role.LEAD,
            team=team,
            new_team_name="" if team else new_team_name.strip()[:255],
            institution=institution,
            contact_person=person,
            contact_email=(person.email if person and person.email else actor.email),
            contact_user=actor,
            invitation_status=ApplicationTeam.Invitation.ACCEPTED,
        )
    record_audit(action="calls.application.created", actor=actor, target=application, data={"call": call.pk})
    return application


def _check_answer_keys(application: Application, answers: dict[str, Any]) -> None:
    known = set(
        application.call.fields.filter(stage__in=StageScope.covering(application.stage)).values_list(
            "key", flat=True
        )
    )
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InvalidInput(
            _("Champs inconnus dans ce formulaire : %(keys)s.") % {"keys": ", ".join(unknown)},
            field=unknown[0],
        )


@transaction.atomic
def save_draft(
    *,
    application: Application,
    actor: Any,
    expected_version: int,
    title: str | None = None,
    acronym: str | None = None,
    answers: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Save what was typed, refusing with ``StaleVersion`` if someone saved since
    ``expected_version``. ``answers`` are merged into the stored ones (a ``None`` value clears a
    key); they are kept as typed — length, format and required fields are checked at submission,
    so that nothing typed is ever lost."""
    locked = lock_for_edit(application, actor, now=now)
    if locked.version != expected_version:
        raise StaleVersion(STALE_APPLICATION)
    changed = []
    if title is not None and title.strip() != locked.title:
        locked.title = title.strip()[:300]
        changed.append("title")
    if acronym is not None and acronym.strip() != locked.acronym:
        locked.acronym = acronym.strip()[:40]
        changed.append("acronym")
    if answers:
        _check_answer_keys(locked, answers)
        merged = dict(locked.answers or {})
        for key, value in answers.items():
            if value is None:
                merged.pop(key, None)
            elif merged.get(key) != value:
                merged[key] = value
            else:
                continue
            changed.append(key)
        locked.answers = merged
    if not changed:
        return locked
    locked.version += 1
    locked.save(update_fields=["title", "acronym", "answers", "version", "updated_at"])
    record_audit(action="calls.application.draft_saved", actor=actor, target=locked, data={"fields": changed})
    return locked


# --- the consortium ------------------------------------------------------------------------


def page_link(name: str, kwargs: dict[str, Any], fallback: str, base_url: str = "") -> str:
    """The absolute link to an applicant's page (``fallback`` path until that page exists)."""
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = fallback
    return base_url.rstrip("/") + path


def invitation_link(token: str, base_url: str = "") -> str:
    """The link a partner opens to accept (the page is ``calls:invitation_accept``)."""
    return page_link("calls:invitation_accept", {"token": token}, f"/calls/invitations/{token}/", base_url)


@transaction.atomic
def invite_partner(
    *,
    application: Application,
    actor: Any,
    person: Person | None = None,
    email: str = "",
    team: Team | None = None,
    new_team_name: str = "",
    institution: Institution | None = None,
    institution_name: str = "",
    base_url: str = "",
    language: str = "fr",
) -> ApplicationTeam:
    """Add a partner team and e-mail its contact (a directory person, or anyone by e-mail) a link
    to join the application; once they accept while signed in, they may edit it."""
    locked = lock_for_edit(application, actor)
    email = (email or (person.email if person else "")).strip().lower()
    if not email:
        raise InvalidInput(
            _("Indiquez l'adresse e-mail du ou de la responsable de l'équipe partenaire."), field="email"
        )
    if team is None and not new_team_name.strip():
        raise InvalidInput(
            _("Choisissez une équipe de l'annuaire ou nommez la nouvelle équipe."), field="team"
        )
    if (
        locked.teams.filter(contact_email__iexact=email)
        .exclude(invitation_status=ApplicationTeam.Invitation.DECLINED)
        .exists()
    ):
        raise InvalidInput(_("Cette personne fait déjà partie de la candidature."), field="email")
    institution = institution or _institution_of(team)
    order = (locked.teams.aggregate(m=Max("order"))["m"] or 0) + 1
    partner = ApplicationTeam.objects.create(
        application=locked,
        role=ApplicationTeam.Role.PARTNER,
        team=team,
        new_team_name="" if team else new_team_name.strip()[:255],
        institution=institution,
        institution_name="" if institution else institution_name.strip()[:255],
        contact_person=person,
        contact_email=email,
        invitation_status=ApplicationTeam.Invitation.PENDING,
        invitation_token=secrets.token_urlsafe(32),
        invited_at=timezone.now(),
        order=order,
    )
    record_audit(
        action="calls.partner.invited", actor=actor, target=locked, data={"team": partner.pk, "email": email}
    )
    send_templated_email(
        EmailMessage(
            template="calls/emails/partner_invitation",
            to=[email],
            context={
                "inviter": str(actor),
                "application_title": locked.display_title,
                "call_title": locked.call.title,
                "team": partner.team_label,
                "link": invitation_link(partner.invitation_token or "", base_url),
                "deadline": locked.call.deadline_for(locked.stage),
            },
            language=language,
        )
    )
    return partner


@transaction.atomic
def accept_partner_invitation(*, token: str, user: Any) -> ApplicationTeam:
    """The signed-in ``user`` accepts the invitation ``token``: they become the team's contact
    and may edit the application. The link works once."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Connectez-vous pour accepter l'invitation."))
    partner = (
        ApplicationTeam.objects.select_for_update()
        .select_related("application")
        .filter(invitation_token=token, invitation_status=ApplicationTeam.Invitation.PENDING)
        .first()
        if token
        else None
    )
    if partner is None:
        raise InvalidState(_("Cette invitation n'est plus valable (déjà utilisée, retirée ou inconnue)."))
    partner.contact_user = user
    partner.contact_person = partner.contact_person or Person.objects.filter(user_id=user.pk).first()
    partner.invitation_status = ApplicationTeam.Invitation.ACCEPTED
    partner.invitation_token = None
    partner.responded_at = timezone.now()
    partner.save()
    record_audit(
        action="calls.partner.accepted", actor=user, target=partner.application, data={"team": partner.pk}
    )
    return partner


@transaction.atomic
def decline_partner_invitation(*, token: str, user: Any = None) -> ApplicationTeam:
    partner = (
        ApplicationTeam.objects.select_for_update()
        .select_related("application")
        .filter(invitation_token=token, invitation_status=ApplicationTeam.Invitation.PENDING)
        .first()
        if token
        else None
    )
    if partner is None:
        raise InvalidState(_("Cette invitation n'est plus valable (déjà utilisée, retirée ou inconnue)."))
    partner.invitation_status = ApplicationTeam.Invitation.DECLINED
    partner.invitation_token = None
    partner.responded_at = timezone.now()
    partner.save()
    record_audit(
        action="calls.partner.declined", actor=user, target=partner.application, data={"team": partner.pk}
    )
    return partner


@transaction.atomic
def save_application_team(
    *,
    application: Application,
    actor: Any,
    team_row: ApplicationTeam | None = None,
    team: Team | None = None,
    new_team_name: str = "",
    institution: Institution | None = None,
    institution_name: str = "",
) -> ApplicationTeam:
    """Set the lead team (when ``team_row`` is None) or change a team's directory team / name /
    institution. Contacts change only through invitations."""
    locked = lock_for_edit(application, actor)
    if team is None and not new_team_name.strip():
        raise InvalidInput(
            _("Choisissez une équipe de l'annuaire ou nommez la nouvelle équipe."), field="team"
        )
    if team_row is None:
        team_row = locked.teams.filter(role=ApplicationTeam.Role.LEAD).first() or ApplicationTeam(
            application=locked,
            role=ApplicationTeam.Role.LEAD,
            contact_person=locked.lead_person,
            contact_user=locked.applicant,
            contact_email=getattr(locked.applicant, "email", ""),
            invitation_status=ApplicationTeam.Invitation.ACCEPTED,
        )
    elif team_row.application_id != locked.pk:
        raise NotAllowed(_("Cette équipe appartient à une autre candidature."))
    team_row.team = team
    team_row.new_team_name = "" if team else new_team_name.strip()[:255]
    team_row.institution = institution or _institution_of(team)
    team_row.institution_name = "" if team_row.institution else institution_name.strip()[:255]
    team_row.save()
    record_audit(action="calls.team.saved", actor=actor, target=locked, data={"team": team_row.pk})
    return team_row


@transaction.atomic
def remove_application_team(*, team_row: ApplicationTeam, actor: Any) -> None:
    """Remove a partner team (its budget lines stay, without team). The lead team stays."""
    locked = lock_for_edit(team_row.application, actor)
    if team_row.role == ApplicationTeam.Role.LEAD:
        raise InvalidState(_("L'équipe coordinatrice ne peut pas être retirée."))
    pk = team_row.pk
    team_row.delete()
    record_audit(action="calls.team.removed", actor=actor, target=locked, data={"team": pk})


# --- the budget ----------------------------------------------------------------------------


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Montant invalide."), field="amount") from exc
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(_("Le montant doit être positif ou nul."), field="amount")
    if amount >= Decimal("1e10"):
        raise InvalidInput(_("Montant trop élevé."), field="amount")
    return amount.quantize(Decimal("0.01"))


def _check_line_links(
    application: Application, category: BudgetCategory, team: ApplicationTeam | None
) -> None:
    if category.call_id != application.call_id:
        raise InvalidInput(_("Ce poste budgétaire n'appartient pas à cet appel."), field="category")
    if team is not None and team.application_id != application.pk:
        raise InvalidInput(_("Cette équipe n'appartient pas à la candidature."), field="team")


@transaction.atomic
def add_budget_line(
    *,
    application: Application,
    actor: Any,
    category: BudgetCategory,
    description: str,
    amount: Decimal | str | int,
    team: ApplicationTeam | None = None,
    is_single_item: bool | None = None,
) -> BudgetLine:
    """Add a line. ``is_single_item`` defaults to True for categories with a per-item cap."""
    locked = lock_for_edit(application, actor)
    _check_line_links(locked, category, team)
    if not description.strip():
        raise InvalidInput(_("Décrivez la dépense."), field="description")
    order = (locked.budget_lines.aggregate(m=Max("order"))["m"] or 0) + 1
    line = BudgetLine.objects.create(
        application=locked,
        team=team,
        category=category,
        description=description.strip()[:300],
        amount=_amount(amount),
        is_single_item=category.max_per_item is not None if is_single_item is None else is_single_item,
        order=order,
    )
    record_audit(
        action="calls.budget_line.added",
        actor=actor,
        target=locked,
        data={"line": line.pk, "amount": str(line.amount)},
    )
    return line


@transaction.atomic
def update_budget_line(
    *,
    line: BudgetLine,
    actor: Any,
    expected_version: int,
    category: BudgetCategory | None = None,
    description: str | None = None,
    amount: Decimal | str | int | None = None,
    team: ApplicationTeam | None = None,
    is_single_item: bool | None = None,
) -> BudgetLine:
    locked = lock_for_edit(line.application, actor)
    current = BudgetLine.objects.select_related("category").get(pk=line.pk)
    if current.version != expected_version:
        raise StaleVersion(STALE_APPLICATION)
    _check_line_links(locked, category or current.category, team)
    if category is not None:
        current.category = category
    if description is not None:
        if not description.strip():
            raise InvalidInput(_("Décrivez la dépense."), field="description")
        current.description = description.strip()[:300]
    if amount is not None:
        current.amount = _amount(amount)
    if team is not None:
        current.team = team
    if is_single_item is not None:
        current.is_single_item = is_single_item
    current.version += 1
    current.save()
    record_audit(
        action="calls.budget_line.updated",
        actor=actor,
        target=locked,
        data={"line": current.pk, "amount": str(current.amount)},
    )
    return current


@transaction.atomic
def remove_budget_line(*, line: BudgetLine, actor: Any) -> None:
    locked = lock_for_edit(line.application, actor)
    pk = line.pk
    BudgetLine.objects.filter(pk=pk, application=locked).delete()
    record_audit(action="calls.budget_line.removed", actor=actor, target=locked, data={"line": pk})

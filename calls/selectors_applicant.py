"""Reads for the applicant's pages (kept apart from ``calls.selectors`` so that the pages of each
area can grow without stepping on each other): the budget table by team and category and its
total, a pending partner invitation, the state of the editor. Each read uses a fixed number of
queries."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import PARIS, Application, ApplicationTeam, BudgetCategory, BudgetLine
from calls.permissions import can_edit_application

# --- the budget ----------------------------------------------------------------------------


@dataclass
class BudgetGroup:
    """The lines of one team (``team`` None: lines without a team)."""

    team: ApplicationTeam | None
    label: str
    lines: list[BudgetLine] = field(default_factory=list)
    total: Decimal = Decimal(0)


@dataclass
class CategoryRow:
    category: BudgetCategory
    amounts: list[Decimal]  # one per column of ``BudgetTable.columns``
    total: Decimal
    share: Decimal | None  # percent of the overall total, None when the total is zero
    over_cap: bool
    items_over_cap: list[BudgetLine]


@dataclass
class BudgetTable:
    categories: list[BudgetCategory]  # the call's, in order (the choices of a new line)
    groups: list[BudgetGroup]
    columns: list[str]  # team labels (and "Non affecté" when some lines have no team)
    rows: list[CategoryRow]
    column_totals: list[Decimal]
    total: Decimal
    ceiling: Decimal | None
    over_ceiling: bool
    line_count: int


def budget_table(application: Application, *, teams: list[ApplicationTeam] | None = None) -> BudgetTable:
    """Lines grouped by team, and the team × category matrix with totals, each category's share of
    the total next to its cap. Three queries; two when the caller already holds the application's
    ``teams`` (every row, in the order ``order``, ``pk``, with their directory team)."""
    if teams is None:
        teams = list(
            ApplicationTeam.objects.filter(application=application)
            .select_related("team")
            .order_by("order", "pk")
        )
    teams = [t for t in teams if t.invitation_status != ApplicationTeam.Invitation.DECLINED]
    categories = list(BudgetCategory.objects.filter(call_id=application.call_id).order_by("order", "pk"))
    lines = list(
        BudgetLine.objects.filter(application=application)
        .select_related("category", "team__team")
        .order_by("order", "pk")
    )
    groups = {t.pk: BudgetGroup(team=t, label=t.team_label) for t in teams}
    unassigned = BudgetGroup(team=None, label=_("Non affecté"))
    for line in lines:
        group = groups.get(line.team_id or 0)
        if group is None:
            group = unassigned
        group.lines.append(line)
        group.total += line.amount
    ordered = list(groups.values()) + ([unassigned] if unassigned.lines else [])
    index = {id(g): i for i, g in enumerate(ordered)}
    total = sum((line.amount for line in lines), Decimal(0))
    rows = []
    for category in categories:
        amounts = [Decimal(0)] * len(ordered)
        for group in ordered:
            amounts[index[id(group)]] = sum(
                (ln.amount for ln in group.lines if ln.category_id == category.pk), Decimal(0)
            )
        cat_total = sum(amounts, Decimal(0))
        share = (cat_total * 100 / total).quantize(Decimal("0.1")) if total else None
        rows.append(
            CategoryRow(
                category=category,
                amounts=amounts,
                total=cat_total,
                share=share,
                over_cap=bool(
                    category.max_share is not None and total and cat_total * 100 > category.max_share * total
                ),
                items_over_cap=[
                    ln
                    for ln in lines
                    if ln.category_id == category.pk
                    and ln.is_single_item
                    and category.max_per_item is not None
                    and ln.amount > category.max_per_item
                ],
            )
        )
    ceiling = application.call.ceiling_per_project
    return BudgetTable(
        categories=categories,
        groups=ordered,
        columns=[g.label for g in ordered],
        rows=rows,
        column_totals=[g.total for g in ordered],
        total=total,
        ceiling=ceiling,
        over_ceiling=bool(ceiling is not None and total > ceiling),
        line_count=len(lines),
    )


def budget_total(application: Application) -> Decimal:
    """The total requested (what the confirmation page and the receipt show). One query."""
    total = BudgetLine.objects.filter(application=application).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal(0)


# --- invitations ---------------------------------------------------------------------------


def pending_invitation(token: str) -> ApplicationTeam | None:
    """The partner invitation behind ``token`` while it waits for an answer (None otherwise)."""
    if not token:
        return None
    return (
        ApplicationTeam.objects.select_related(
            "application__call__programme", "application__applicant", "application__lead_person", "team"
        )
        .filter(invitation_token=token, invitation_status=ApplicationTeam.Invitation.PENDING)
        .first()
    )


def pending_invitations_for(user: Any) -> list[ApplicationTeam]:
    """Invitations waiting for ``user`` (sent to their account's e-mail), for "Mes candidatures"."""
    if user is None or not user.is_authenticated or not user.email:
        return []
    return list(
        ApplicationTeam.objects.select_related("application__call", "application__applicant", "team")
        .filter(contact_email__iexact=user.email, invitation_status=ApplicationTeam.Invitation.PENDING)
        .exclude(application__status=Application.Status.WITHDRAWN)
        .order_by("-invited_at", "-pk")
    )


# --- the editor ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EditorState:
    """Whether ``user`` may change the application now, and if not, why (a sentence)."""

    editable: bool
    reason: str
    deadline: dt.datetime | None
    past_deadline: bool


def editor_state(application: Application, user: Any, *, now: dt.datetime | None = None) -> EditorState:
    now = now or timezone.now()
    deadline = application.deadline
    past = deadline is not None and now > deadline
    if application.status != Application.Status.DRAFT:
        reason = _("Cette candidature a été déposée : elle n'est plus modifiable.")
        if application.status == Application.Status.WITHDRAWN:
            reason = _("Cette candidature a été retirée : elle n'est plus modifiable.")
        return EditorState(False, reason, deadline, past)
    if past:
        return EditorState(
            False,
            _(
                "La date limite (%(deadline)s, heure de Paris) est passée : ce brouillon ne peut plus être modifié "
                "ni déposé."
            )
            % {"deadline": deadline.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M:%S")},
            deadline,
            past,
        )
    if not can_edit_application(user, application):
        return EditorState(
            False, _("Vous consultez cette candidature sans pouvoir la modifier."), deadline, past
        )
    return EditorState(True, "", deadline, past)

"""Reads of the calls domain: public call lists and pages, an applicant's applications, what is
missing before a submission, counts for the secretariat. List reads use a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.eligibility.base import is_blank, parse_date, parse_decimal
from calls.models import (
    Application,
    ApplicationTeam,
    Attachment,
    Call,
    CallChange,
    DocumentRequirement,
    EligibilityRule,
    FormField,
    StageScope,
)
from calls.permissions import applications_visible_to

# --- public pages --------------------------------------------------------------------------


@dataclass
class PublicCalls:
    open: list[Call] = field(default_factory=list)
    upcoming: list[Call] = field(default_factory=list)
    past: list[Call] = field(default_factory=list)


def public_calls(*, now: dt.datetime | None = None) -> PublicCalls:
    """Published, closed and archived calls split into open (incl. full stage), upcoming and past.
    One query."""
    now = now or timezone.now()
    grouped = PublicCalls()
    calls = (
        Call.objects.exclude(status=Call.Status.DRAFT).select_related("programme").order_by("closes_at", "pk")
    )
    for call in calls:
        phase = call.phase(now)
        if phase in (Call.Phase.OPEN, Call.Phase.FULL_STAGE):
            grouped.open.append(call)
        elif phase == Call.Phase.UPCOMING:
            grouped.upcoming.append(call)
        else:
            grouped.past.append(call)
    grouped.past.sort(key=lambda c: c.final_deadline or c.closes_at or now, reverse=True)
    return grouped


def call_page(call_pk: int, *, include_drafts: bool = False) -> Call | None:
    """A call with what its page shows (documents, rules, budget categories, criteria, changes)."""
    calls = Call.objects.select_related("programme").prefetch_related(
        "documents",
        "documents_required",
        "budget_categories",
        "criteria",
        Prefetch("rules", queryset=EligibilityRule.objects.order_by("order", "pk")),
        Prefetch("changes", queryset=CallChange.objects.order_by("-changed_at", "-pk")),
    )
    if not include_drafts:
        calls = calls.exclude(status=Call.Status.DRAFT)
    return calls.filter(pk=call_pk).first()


# --- an applicant's applications -----------------------------------------------------------


def applications_of(user: Any) -> QuerySet[Application]:
    """The applications ``user`` leads or takes part in (accepted invitation), newest first."""
    if user is None or not user.is_authenticated:
        return Application.objects.none()
    partner = Q(teams__contact_user_id=user.pk, teams__invitation_status=ApplicationTeam.Invitation.ACCEPTED)
    ids = Application.objects.filter(Q(applicant_id=user.pk) | partner).values("pk")
    return (
        Application.objects.filter(pk__in=ids)
        .select_related("call__programme")
        .order_by("-updated_at", "-pk")
    )


def application_detail(user: Any, pk: int) -> Application | None:
    """One application with its teams, budget and attachments, if ``user`` may see it."""
    return (
        applications_visible_to(user)
        .select_related("call__programme", "lead_person", "applicant", "parent")
        .prefetch_related(
            Prefetch(
                "teams",
                queryset=ApplicationTeam.objects.select_related("team", "institution", "contact_person"),
            ),
            "budget_lines__category",
            Prefetch("attachments", queryset=Attachment.objects.select_related("requirement")),
            "eligibility_checks",
            "eligibility_decisions",
        )
        .filter(pk=pk)
        .first()
    )


def fields_for(application: Application) -> list[FormField]:
    # ordered within the call (the default ordering would join the call to sort by it)
    return list(
        application.call.fields.filter(stage__in=StageScope.covering(application.stage))
        .select_related("section")
        .order_by("order", "pk")
    )


def requirements_for(application: Application) -> list[DocumentRequirement]:
    stage = StageScope.covering(application.stage)
    return list(application.call.documents_required.filter(stage__in=stage).order_by("order", "pk"))


def _answer_problem(field: FormField, value: Any) -> str | None:
    label = field.label_fr
    if is_blank(value) or (isinstance(value, str) and not value.strip()):
        return _("« %(label)s » est obligatoire.") % {"label": label} if field.required else None
    kind = field.type
    if kind in (FormField.Type.TEXT, FormField.Type.LONG_TEXT):
        text = str(value)
        if field.max_length and len(text) > field.max_length:
            return _("« %(label)s » dépasse %(max)s caractères (%(count)s).") % {
                "label": label,
                "max": field.max_length,
                "count": len(text),
            }
    elif kind == FormField.Type.CHOICE:
        if str(value) not in field.choice_values():
            return _("« %(label)s » : choix invalide.") % {"label": label}
    elif kind == FormField.Type.MULTIPLE_CHOICE:
        values = value if isinstance(value, list) else [value]
        if not set(map(str, values)) <= set(field.choice_values()):
            return _("« %(label)s » : choix invalide.") % {"label": label}
    elif kind == FormField.Type.NUMBER:
        number = parse_decimal(value)
        if number is None:
            return _("« %(label)s » doit être un nombre.") % {"label": label}
        if (field.min_value is not None and number < field.min_value) or (
            field.max_value is not None and number > field.max_value
        ):
            return _("« %(label)s » est hors des limites permises.") % {"label": label}
    elif kind == FormField.Type.DATE and parse_date(value) is None:
        return _("« %(label)s » doit être une date.") % {"label": label}
    return None


def submission_problems(
    application: Application,
    *,
    fields: list[FormField] | None = None,
    requirements: list[DocumentRequirement] | None = None,
) -> list[str]:
    """Everything that prevents submitting ``application`` (empty when complete): title, required
    and malformed answers, required documents. Eligibility rules do not block a submission.
    ``fields`` and ``requirements``: those of its stage, when the caller has already read them."""
    problems = []
    if not application.title.strip():
        problems.append(_("Le titre du projet est obligatoire."))
    answers = application.answers or {}
    for form_field in fields_for(application) if fields is None else fields:
        if form_field.type == FormField.Type.FILE:
            continue  # checked with the documents
        problem = _answer_problem(form_field, answers.get(form_field.key))
        if problem:
            problems.append(problem)
    attached = set(application.attachments.values_list("requirement_id", flat=True))
    for requirement in requirements_for(application) if requirements is None else requirements:
        if requirement.required and requirement.pk not in attached:
            problems.append(_("Pièce manquante : %(label)s.") % {"label": requirement.label_fr})
    if not application.teams.filter(role=ApplicationTeam.Role.LEAD).exists():
        problems.append(_("L'équipe coordinatrice n'est pas renseignée."))
    return problems


def budget_summary(application: Application) -> dict[str, Any]:
    """Totals by category and by team (for the application page and the receipt)."""
    lines = list(application.budget_lines.select_related("category", "team__team"))
    by_category: dict[str, Decimal] = {}
    by_team: dict[str, Decimal] = {}
    for line in lines:
        by_category[line.category.label] = by_category.get(line.category.label, Decimal(0)) + line.amount
        team = line.team.team_label if line.team else _("Non affecté")
        by_team[team] = by_team.get(team, Decimal(0)) + line.amount
    return {
        "total": sum((line.amount for line in lines), Decimal(0)),
        "by_category": by_category,
        "by_team": by_team,
    }


# --- the secretariat -----------------------------------------------------------------------


def application_counts(call: Call) -> dict[str, int]:
    """Applications of ``call`` by status (every status present, zeros included). One query."""
    counts = {status: 0 for status in Application.Status.values}
    for row in call.applications.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


# --- the secretariat's call configuration --------------------------------------------------


def _count_of(model: type[Any]) -> Coalesce:
    rows = model.objects.filter(call=OuterRef("pk")).order_by().values("call").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1]), 0)


def setup_calls(
    *, status: str = "", year: int | None = None, programme_id: int | None = None
) -> QuerySet[Call]:
    """Every call for the back-office list, with the counts it shows (one query)."""
    calls = Call.objects.select_related("programme").annotate(
        n_rules=_count_of(EligibilityRule),
        n_fields=_count_of(FormField),
        n_documents=_count_of(DocumentRequirement),
        n_applications=_count_of(Application),
    )
    if status:
        calls = calls.filter(status=status)
    if year:
        calls = calls.filter(year=year)
    if programme_id:
        calls = calls.filter(programme_id=programme_id)
    return calls.order_by("-year", "-closes_at", "title_fr", "pk")


def setup_years() -> list[int]:
    return list(Call.objects.order_by("-year").values_list("year", flat=True).distinct())


def setup_call_page(pk: int) -> Call | None:
    """A call with all it is configured with, for the back office (a fixed number of queries)."""
    return (
        Call.objects.select_related("programme", "copied_from")
        .prefetch_related(
            "sections",
            Prefetch("fields", queryset=FormField.objects.select_related("section", "document")),
            "documents_required",
            "budget_categories",
            "criteria",
            Prefetch("rules", queryset=EligibilityRule.objects.order_by("order", "pk")),
            "documents",
            Prefetch("changes", queryset=CallChange.objects.select_related("changed_by")),
        )
        .filter(pk=pk)
        .first()
    )


def next_order(call: Call, model: type[Any], **same: Any) -> int:
    """The order of an item added at the end of its list."""
    last = model.objects.filter(call=call, **same).order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else int(last) + 1


@dataclass(frozen=True)
class CheckItem:
    label: str
    state: str  # "ok", "warn" or "error"


def publication_checklist(call: Call, *, now: dt.datetime | None = None) -> list[CheckItem]:
    """What the secretariat should look at before publishing: the blocking problems of
    ``publication_problems`` as errors, then what is allowed but probably forgotten."""
    from calls.services.workflow import publication_problems

    now = now or timezone.now()
    items = [CheckItem(problem[:1].upper() + problem[1:], "error") for problem in publication_problems(call)]

    def count(label: str, n: int, missing: str) -> None:
        text = _("%(label)s : %(n)s") % {"label": label, "n": n}
        items.append(CheckItem(text if n else missing, "ok" if n else "warn"))

    count(
        _("Champs du formulaire"), len(call.fields.all()), _("Le formulaire de candidature n'a aucun champ")
    )
    count(_("Pièces demandées"), len(call.documents_required.all()), _("Aucune pièce n'est demandée"))
    count(_("Règles d'éligibilité"), len(call.rules.all()), _("Aucune règle d'éligibilité"))
    count(_("Postes budgétaires"), len(call.budget_categories.all()), _("Aucun poste budgétaire"))
    count(_("Critères d'évaluation"), len(call.criteria.all()), _("Aucun critère d'évaluation"))
    if call.closes_at and call.closes_at <= now:
        items.append(CheckItem(_("La date limite est déjà passée"), "error"))
    elif call.opens_at and call.opens_at < now:
        items.append(
            CheckItem(_("L'ouverture est dans le passé : l'appel sera ouvert dès sa publication"), "warn")
        )
    if not call.title_en.strip() or not (call.summary_en.strip() or call.text_en.strip()):
        items.append(CheckItem(_("La version anglaise du titre ou du texte manque"), "warn"))
    return items

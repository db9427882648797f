"""What the rules know of an application: a plain snapshot read from the database in a fixed
number of queries (``facts_for``), or built by hand in tests.

- teams: every team of the consortium except those whose contact declined the invitation;
- institutions: a directory institution, or a free-text name (then never a member, never known to
  be a research body);
- lead: the lead person's career stage and the institutions of their current affiliations;
- budget: every line with its category's kind, salary flag and caps;
- reference_date: the day (Europe/Paris) of the submission, or today for a draft — the date from
  which lead times are counted;
- past_award_years: the years of the calls of the same programme where the lead (person or
  account) had an application with status ``awarded``.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from calls.models import PARIS, Application, ApplicationTeam


@dataclass(frozen=True)
class InstitutionFacts:
    key: str  # "id:12" for a directory institution, "name:<folded name>" otherwise
    name: str
    is_member: bool = False
    is_research_body: bool = False


@dataclass(frozen=True)
class TeamFacts:
    label: str
    role: str = ApplicationTeam.Role.PARTNER
    institution: InstitutionFacts | None = None


@dataclass(frozen=True)
class LineFacts:
    amount: Decimal
    category_id: int = 0
    category_label: str = ""
    kind: str = "other"
    is_salary: bool = False
    is_single_item: bool = False
    max_share: Decimal | None = None
    max_per_item: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class LeadFacts:
    name: str
    career_stage: str
    institutions: tuple[InstitutionFacts, ...] = ()


@dataclass(frozen=True)
class ApplicationFacts:
    call_year: int = 2027
    ceiling: Decimal | None = None
    duration_min_months: int | None = None
    duration_max_months: int | None = None
    teams: tuple[TeamFacts, ...] = ()
    budget: tuple[LineFacts, ...] = ()
    lead: LeadFacts | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    reference_date: dt.date = dt.date(2027, 1, 1)
    past_award_years: tuple[int, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.budget), Decimal(0))


def _institution(institution: Any, name: str = "") -> InstitutionFacts | None:
    if institution is not None:
        return InstitutionFacts(
            key=f"id:{institution.pk}",
            name=institution.short_name,
            is_member=institution.kind == institution.Kind.MEMBER,
            is_research_body=bool(institution.is_research_body),
        )
    name = " ".join(name.split())
    return InstitutionFacts(key=f"name:{name.casefold()}", name=name) if name else None


def facts_for(application: Application, *, at: dt.datetime | None = None) -> ApplicationFacts:
    """The snapshot of ``application`` the rules read, as of ``at`` (default: its submission
    time, or now). Five queries whatever the size of the consortium and the budget."""
    call = application.call
    moment = at or application.submitted_at or timezone.now()
    teams = tuple(
        TeamFacts(
            label=row.team_label,
            role=row.role,
            institution=_institution(row.institution, row.institution_name),
        )
        for row in application.teams.select_related("team", "institution").order_by("order", "pk")
        if row.counts
    )
    budget = tuple(
        LineFacts(
            amount=line.amount,
            category_id=line.category_id,
            category_label=line.category.label,
            kind=line.category.kind,
            is_salary=line.category.counts_as_salary,
            is_single_item=line.is_single_item,
            max_share=line.category.max_share,
            max_per_item=line.category.max_per_item,
            description=line.description,
        )
        for line in application.budget_lines.select_related("category").order_by("order", "pk")
    )
    lead = None
    person = application.lead_person
    if person is not None:
        today = moment.astimezone(PARIS).date()
        current = person.affiliations.select_related("institution").filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        institutions = tuple(
            {
                facts.key: facts
                for facts in (_institution(a.institution) for a in current)
                if facts is not None
            }.values()
        )
        lead = LeadFacts(name=str(person), career_stage=person.career_stage, institutions=institutions)
    past = Application.objects.filter(call__programme_id=call.programme_id, status=Application.Status.AWARDED)
    who = Q(pk__in=[])
    if application.lead_person_id:
        who |= Q(lead_person_id=application.lead_person_id)
    if application.applicant_id:
        who |= Q(applicant_id=application.applicant_id)
    years = tuple(
        sorted(set(past.filter(who).exclude(pk=application.pk).values_list("call__year", flat=True)))
    )
    return ApplicationFacts(
        call_year=call.year,
        ceiling=call.ceiling_per_project,
        duration_min_months=call.duration_min_months,
        duration_max_months=call.duration_max_months,
        teams=teams,
        budget=budget,
        lead=lead,
        answers=dict(application.answers or {}),
        reference_date=moment.astimezone(PARIS).date(),
        past_award_years=years,
    )

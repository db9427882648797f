"""Reads for the secretariat's follow-up of a call: the dashboard's figures, the table of
applications with its filters, one application as the secretariat sees it, the recipients of a
message to applicants. Kept apart from ``calls.selectors`` (public and applicant reads) to keep
each module short. Every list read uses a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from calls.eligibility.base import is_blank
from calls.models import (
    Application,
    ApplicationTeam,
    Attachment,
    BudgetLine,
    Call,
    EligibilityCheck,
    EligibilityDecision,
    FormField,
    Stage,
)
from calls.selectors import fields_for
from directory.models import Institution

# Statuses that mean "declared eligible" (the evaluation and funding steps come after).
DECLARED_ELIGIBLE = (
    Application.Status.ELIGIBLE,
    Application.Status.UNDER_REVIEW,
    Application.Status.AWARDED,
    Application.Status.NOT_AWARDED,
)


class Automatic:
    """The overall result of the automatic check stored at submission (``none``: not checked)."""

    PASSED, FAILED, NOT_APPLICABLE, NONE = "passed", "failed", "not_applicable", "none"


@dataclass(frozen=True)
class FollowupFilters:
    status: str = ""
    institution: str = ""  # a directory institution id, or "n:<name>" for a free-text one
    automatic: str = ""  # one of ``Automatic``
    stage: str = ""


def followup_applications(call: Call, filters: FollowupFilters | None = None) -> QuerySet[Application]:
    """The applications of ``call`` for the secretariat's table, with ``amount_requested``,
    ``automatic`` (``Automatic``) and ``lead_teams`` (a list of one). A fixed number of queries."""
    filters = filters or FollowupFilters()
    checks = EligibilityCheck.objects.filter(application=OuterRef("pk"))
    amount = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    lead = ApplicationTeam.objects.filter(role=ApplicationTeam.Role.LEAD).select_related(
        "team", "institution"
    )
    applications = (
        call.applications.select_related("applicant", "lead_person")
        .annotate(
            amount_requested=Coalesce(
                Subquery(amount, output_field=money), Value(Decimal(0)), output_field=money
            ),
            automatic=Case(
                When(
                    Exists(checks.filter(outcome=EligibilityCheck.Outcome.FAILED)),
                    then=Value(Automatic.FAILED),
                ),
                When(
                    Exists(checks.filter(outcome=EligibilityCheck.Outcome.PASSED)),
                    then=Value(Automatic.PASSED),
                ),
                When(Exists(checks), then=Value(Automatic.NOT_APPLICABLE)),
                default=Value(Automatic.NONE),
            ),
        )
        .prefetch_related(Prefetch("teams", queryset=lead, to_attr="lead_teams"))
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )
    if filters.status:
        applications = applications.filter(status=filters.status)
    if filters.stage:
        applications = applications.filter(stage=filters.stage)
    if filters.automatic:
        applications = applications.filter(automatic=filters.automatic)
    if filters.institution:
        leads = ApplicationTeam.objects.filter(application=OuterRef("pk"), role=ApplicationTeam.Role.LEAD)
        if filters.institution.startswith("n:"):
            leads = leads.filter(institution__isnull=True, institution_name=filters.institution[2:])
        elif filters.institution.isdigit():
            leads = leads.filter(institution_id=int(filters.institution))
        else:
            leads = leads.none()
        applications = applications.filter(Exists(leads))
    return applications


@dataclass
class InstitutionRow:
    key: str
    label: str
    received: int = 0
    eligible: int = 0
    drafts: int = 0
    requested: Decimal = Decimal(0)


@dataclass
class CallFollowup:
    """The figures of the dashboard of one call."""

    counts: dict[str, int]
    by_stage: dict[str, dict[str, int]]
    drafts: int
    received: int
    awaiting: int
    eligible: int
    ineligible: int
    withdrawn: int
    requested_received: Decimal
    requested_eligible: Decimal
    envelope: Decimal | None
    by_institution: list[InstitutionRow]

    @property
    def pressure(self) -> Decimal | None:
        """Requested by the received applications per euro of envelope (1 = the envelope)."""
        if not self.envelope:
            return None
        return (self.requested_received / self.envelope).quantize(Decimal("0.01"))

    @property
    def pressure_percent(self) -> int:
        return min(100, int((self.pressure or 0) * 100))

    def status_rows(self) -> list[dict[str, object]]:
        """The statuses present: value, label, total and, for a two-stage call, ``loi``/``full``."""
        return [
            {
                "value": value,
                "label": label,
                "total": self.counts[value],
                "loi": self.by_stage.get(Stage.LETTER_OF_INTENT, {}).get(value, 0),
                "full": self.by_stage.get(Stage.FULL, {}).get(value, 0),
            }
            for value, label in Application.Status.choices
            if self.counts[value]
        ]


def call_followup(call: Call) -> CallFollowup:
    """Counts by status and stage, amounts requested and the breakdown by lead institution.
    Four queries, whatever the number of applications."""
    by_stage: dict[str, dict[str, int]] = {}
    counts = {status: 0 for status in Application.Status.values}
    for row in call.applications.order_by().values("stage", "status").annotate(n=Count("pk")):
        counts[row["status"]] += row["n"]
        by_stage.setdefault(row["stage"], {s: 0 for s in Application.Status.values})[row["status"]] += row[
            "n"
        ]
    requested = {
        row["application__status"]: row["total"] or Decimal(0)
        for row in BudgetLine.objects.filter(application__call=call)
        .order_by()
        .values("application__status")
        .annotate(total=Sum("amount"))
    }
    rows: dict[str, InstitutionRow] = {}
    leads = (
        ApplicationTeam.objects.filter(application__call=call, role=ApplicationTeam.Role.LEAD)
        .order_by()
        .values("institution_id", "institution_name", "application__status")
        .annotate(n=Count("application", distinct=True), total=Sum("application__budget_lines__amount"))
    )
    for lead in leads:
        key = str(lead["institution_id"]) if lead["institution_id"] else f"n:{lead['institution_name']}"
        item = rows.setdefault(key, InstitutionRow(key=key, label=lead["institution_name"] or ""))
        status = lead["application__status"]
        if status == Application.Status.DRAFT:
            item.drafts += lead["n"]
        elif status in Application.RECEIVED:
            item.received += lead["n"]
            item.requested += lead["total"] or Decimal(0)
            item.eligible += lead["n"] if status in DECLARED_ELIGIBLE else 0
    ids = [int(key) for key in rows if key.isdigit()]
    for institution in Institution.objects.filter(pk__in=ids):
        rows[str(institution.pk)].label = institution.short_name
    for item in rows.values():
        item.label = item.label or _("Institution non renseignée")
    return CallFollowup(
        counts=counts,
        by_stage=by_stage if call.is_two_stage else {},
        drafts=counts[Application.Status.DRAFT],
        received=sum(counts[s] for s in Application.RECEIVED),
        awaiting=counts[Application.Status.SUBMITTED],
        eligible=sum(counts[s] for s in DECLARED_ELIGIBLE),
        ineligible=counts[Application.Status.INELIGIBLE],
        withdrawn=counts[Application.Status.WITHDRAWN],
        requested_received=sum((v for s, v in requested.items() if s in Application.RECEIVED), Decimal(0)),
        requested_eligible=sum((v for s, v in requested.items() if s in DECLARED_ELIGIBLE), Decimal(0)),
        envelope=call.budget_envelope,
        by_institution=sorted(rows.values(), key=lambda r: (-r.received, -r.drafts, str(r.label))),
    )


def lead_institution_choices(call: Call) -> list[tuple[str, str]]:
    """(filter value, label) of the lead institutions of ``call``'s applications. Two queries."""
    rows: dict[str, InstitutionRow] = {}
    for team in (
        ApplicationTeam.objects.filter(application__call=call, role=ApplicationTeam.Role.LEAD)
        .order_by()
        .values("institution_id", "institution_name")
        .distinct()
    ):
        key = str(team["institution_id"]) if team["institution_id"] else f"n:{team['institution_name']}"
        rows[key] = InstitutionRow(key=key, label=team["institution_name"] or _("Institution non renseignée"))
    for institution in Institution.objects.filter(pk__in=[int(k) for k in rows if k.isdigit()]):
        rows[str(institution.pk)].label = institution.short_name
    return sorted(((row.key, str(row.label)) for row in rows.values()), key=lambda item: item[1].lower())


def followup_calls() -> list[Call]:
    """Every call with ``n_drafts``, ``n_received``, ``n_eligible`` and ``requested`` (received
    applications), by programme then newest first. One query."""
    money = DecimalField(max_digits=14, decimal_places=2)
    requested = (
        BudgetLine.objects.filter(
            application__call=OuterRef("pk"), application__status__in=Application.RECEIVED
        )
        .order_by()
        .values("application__call")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return list(
        Call.objects.select_related("programme")
        .annotate(
            n_drafts=Count("applications", filter=Q(applications__status=Application.Status.DRAFT)),
            n_received=Count("applications", filter=Q(applications__status__in=Application.RECEIVED)),
            n_eligible=Count("applications", filter=Q(applications__status__in=DECLARED_ELIGIBLE)),
            requested=Coalesce(
                Subquery(requested, output_field=money), Value(Decimal(0)), output_field=money
            ),
        )
        .order_by("programme__name_fr", "-year", "-closes_at", "pk")
    )


def staff_application(pk: int) -> Application | None:
    """One application with everything the secretariat's page shows (any status). Fixed queries."""
    return (
        Application.objects.select_related("call__programme", "lead_person", "applicant", "parent")
        .prefetch_related(
            Prefetch(
                "teams",
                queryset=ApplicationTeam.objects.select_related(
                    "team__unit", "institution", "contact_person", "contact_user"
                ),
            ),
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("category", "team__team")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("requirement")),
            "eligibility_checks",
            Prefetch(
                "eligibility_decisions",
                queryset=EligibilityDecision.objects.select_related("decided_by").order_by(
                    "-decided_at", "-pk"
                ),
            ),
            "full_proposals",
        )
        .filter(pk=pk)
        .first()
    )


def answered_fields(application: Application) -> list[tuple[str, list[tuple[FormField, str]]]]:
    """The form's answers as text, grouped by section in the form's order: (section title,
    [(field, answer)]). Choices show their labels; document fields the attached file's name."""
    attached = {a.requirement_id: a.original_name for a in application.attachments.all()}
    answers = application.answers or {}
    groups: list[tuple[str, list[tuple[FormField, str]]]] = []
    for form_field in sorted(
        fields_for(application),
        key=lambda f: ((f.section.order, f.section.pk) if f.section else (-1, 0), f.order, f.pk),
    ):
        value = answers.get(form_field.key)
        labels = {str(c.get("value")): c.get("label_fr") or c.get("value") for c in form_field.choices or []}
        if form_field.type == FormField.Type.FILE:
            text = attached.get(form_field.document_id, "")
        elif isinstance(value, list):
            text = ", ".join(str(labels.get(str(v), v)) for v in value)
        elif is_blank(value):
            text = ""
        else:
            text = (
                str(labels.get(str(value), value)) if form_field.type == FormField.Type.CHOICE else str(value)
            )
        title = form_field.section.title if form_field.section else ""
        if not groups or groups[-1][0] != title:
            groups.append((title, []))
        groups[-1][1].append((form_field, text))
    return groups


# --- recipients of the secretariat's messages to applicants --------------------------------


class Audience:
    """Whom a message to the applicants of a call goes to (statuses of their applications)."""

    SUBMITTED, ELIGIBLE, INELIGIBLE, DRAFTS = "submitted", "eligible", "ineligible", "drafts"
    STATUSES: dict[str, tuple[str, ...]] = {
        SUBMITTED: tuple(Application.RECEIVED),
        ELIGIBLE: DECLARED_ELIGIBLE,
        INELIGIBLE: (Application.Status.INELIGIBLE,),
        DRAFTS: (Application.Status.DRAFT,),
    }


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    name: str


def mailing_recipients(call: Call, audience: str) -> list[Recipient]:
    """The applicants (the account that created the application, and the project lead) of the
    applications of ``call`` in ``audience``, one per address, with their language when known.
    One query."""
    statuses = Audience.STATUSES.get(audience)
    if statuses is None:
        return []
    found: dict[str, Recipient] = {}
    applications = (
        call.applications.filter(status__in=statuses)
        .select_related("applicant", "lead_person__user")
        .order_by("pk")
    )
    for application in applications:
        lead = application.lead_person
        for user, email, name in (
            (
                application.applicant,
                getattr(application.applicant, "email", ""),
                str(application.applicant or ""),
            ),
            (getattr(lead, "user", None), getattr(lead, "email", ""), str(lead or "")),
        ):
            address = (email or getattr(user, "email", "") or "").strip().lower()
            if address and address not in found:
                language = getattr(user, "language", "") or "fr"
                found[address] = Recipient(email=address, language=language, name=name)
    return list(found.values())

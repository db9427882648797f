"""Calls for proposals, under ``/api/calls/``.

- ``/api/calls/`` and ``/api/calls/{call_id}``: published calls (texts, dates, budget, rules in
  plain words, documents), for anyone; a call in preparation answers 404.
- ``/api/calls/applications/`` and ``/api/calls/applications/{application_id}``: the caller's
  own applications (as lead or as an accepted partner), with a token carrying ``calls:read``;
  anybody else's application answers 404, the secretariat's tokens included.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from api.auth import BearerToken, caller_user
from api.pagination import Pagination
from api.permissions import CALLS_READ
from api.routers import optional_token
from api.schemas import DETAIL_ERRORS, LIST_ERRORS
from calls.models import ApplicationTeam, Attachment, BudgetLine, Call, EligibilityRule
from calls.selectors import applications_of
from core.errors import NotFound

TAG = "Appels à projets"
router = Router(tags=[TAG])
PUBLIC = BearerToken(optional=True)
OWN = BearerToken(scope=CALLS_READ)

# --- schemas -------------------------------------------------------------------------------


def _absolute(context: Any, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ProgrammeOut(Schema):
    id: int
    name_fr: str
    name_en: str
    kind: str


class CallOut(Schema):
    id: int
    year: int
    programme: ProgrammeOut
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    status: str = Field(description="`published`, `closed` ou `archived`.")
    phase: str = Field(description="`upcoming`, `open`, `full_stage` ou `past`, à l'heure de la réponse.")
    stages: int = Field(description="1, ou 2 pour lettre d'intention puis dossier complet.")
    opens_at: datetime | None
    closes_at: datetime | None = Field(description="Date limite (des lettres d'intention en deux étapes).")
    full_stage_closes_at: datetime | None
    budget_envelope: Decimal | None
    ceiling_per_project: Decimal | None
    duration_min_months: int | None
    duration_max_months: int | None
    salaries_allowed: bool
    url: str = Field(description="Page publique de l'appel.")

    @staticmethod
    def resolve_phase(obj: Call) -> str:
        return obj.phase()

    @staticmethod
    def resolve_url(obj: Call, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())


class RuleOut(Schema):
    code: str
    stage: str = Field(description="`all`, `loi` (lettre d'intention) ou `full` (dossier complet).")
    description: str = Field(description="La règle en toutes lettres, comme sur la page de l'appel.")


class DocumentOut(Schema):
    id: int
    title_fr: str
    title_en: str
    original_name: str
    size: int
    content_type: str
    sha256: str
    url: str = Field(description="Téléchargement.")

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return _absolute(context, reverse("calls:document", args=[obj.call_id, obj.pk]))


class RequiredDocumentOut(Schema):
    label_fr: str
    label_en: str
    allowed_types: list[str]
    max_size_mb: int
    required: bool
    stage: str


class BudgetCategoryOut(Schema):
    label_fr: str
    label_en: str
    kind: str
    is_salary: bool
    max_share: Decimal | None = Field(description="Part maximale du total, en pourcentage.")
    max_per_item: Decimal | None


class CallDetailOut(CallOut):
    text_fr: str
    text_en: str
    contact_email: str
    rules: list[RuleOut]
    documents: list[DocumentOut]
    documents_required: list[RequiredDocumentOut]
    budget_categories: list[BudgetCategoryOut]

    @staticmethod
    def resolve_rules(obj: Call) -> list[EligibilityRule]:
        return list(obj.rules.all())

    @staticmethod
    def resolve_documents(obj: Call) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_documents_required(obj: Call) -> list[Any]:
        return list(obj.documents_required.all())

    @staticmethod
    def resolve_budget_categories(obj: Call) -> list[Any]:
        return list(obj.budget_categories.all())


class CallRef(Schema):
    id: int
    title_fr: str
    title_en: str


class ApplicationOut(Schema):
    id: int
    call: CallRef
    stage: str = Field(description="`loi` (lettre d'intention) ou `full` (dossier complet).")
    acronym: str
    title: str
    status: str
    role: str = Field(description="`lead` si vous portez la candidature, `partner` sinon.")
    submitted_at: datetime | None
    receipt_number: str
    parent_id: int | None = Field(description="La lettre d'intention d'origine d'un dossier complet.")

    @staticmethod
    def resolve_role(obj: Any, context: Any) -> str:
        user = caller_user((context or {})["request"])
        return "lead" if obj.applicant_id == user.pk else "partner"


class TeamOut(Schema):
    role: str
    team: str
    institution: str
    invitation_status: str

    @staticmethod
    def resolve_team(obj: ApplicationTeam) -> str:
        return obj.team_label

    @staticmethod
    def resolve_institution(obj: ApplicationTeam) -> str:
        return obj.institution_label


class BudgetLineOut(Schema):
    category: str
    description: str
    amount: Decimal
    team: str | None
    is_single_item: bool

    @staticmethod
    def resolve_category(obj: BudgetLine) -> str:
        return obj.category.label

    @staticmethod
    def resolve_team(obj: BudgetLine) -> str | None:
        return obj.team.team_label if obj.team else None


class AttachmentOut(Schema):
    requirement: str | None
    original_name: str
    size: int
    content_type: str
    sha256: str
    uploaded_at: datetime

    @staticmethod
    def resolve_requirement(obj: Attachment) -> str | None:
        return obj.requirement.label if obj.requirement else None


class CheckOut(Schema):
    description: str
    outcome: str = Field(description="`passed`, `failed` ou `not_applicable`.")
    message: str


class ApplicationDetailOut(ApplicationOut):
    answers: dict[str, Any]
    teams: list[TeamOut]
    budget_lines: list[BudgetLineOut]
    budget_total: Decimal
    attachments: list[AttachmentOut]
    eligibility_checks: list[CheckOut] = Field(description="La vérification automatique faite au dépôt.")

    @staticmethod
    def resolve_teams(obj: Any) -> list[Any]:
        return list(obj.teams.all())

    @staticmethod
    def resolve_budget_lines(obj: Any) -> list[Any]:
        return list(obj.budget_lines.all())

    @staticmethod
    def resolve_budget_total(obj: Any) -> Decimal:
        return sum((line.amount for line in obj.budget_lines.all()), Decimal(0))

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_eligibility_checks(obj: Any) -> list[Any]:
        return list(obj.eligibility_checks.all())


# --- reads ---------------------------------------------------------------------------------


def _public_calls() -> QuerySet[Call]:
    return Call.objects.exclude(status=Call.Status.DRAFT).select_related("programme")


def _own_applications(user: Any) -> QuerySet[Any]:
    return applications_of(user).select_related("call")


# --- endpoints -----------------------------------------------------------------------------

OWN_NOTE = gettext_lazy(
    "Jeton requis, portée `calls:read`. Seules vos candidatures (comme porteur·se ou équipe partenaire "
    "ayant accepté l'invitation) ; celle d'un·e autre répond 404."
)


@router.get(
    "/applications/",
    response={200: list[ApplicationOut], **LIST_ERRORS},
    auth=OWN,
    summary=gettext_lazy("Lister mes candidatures"),
    description=OWN_NOTE,
    url_name="calls-applications",
)
@paginate(Pagination)
def list_applications(request: HttpRequest):  # type: ignore[no-untyped-def]
    return _own_applications(caller_user(request))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, **DETAIL_ERRORS},
    auth=OWN,
    summary=gettext_lazy("Lire une de mes candidatures"),
    description=OWN_NOTE,
    url_name="calls-application",
)
def get_application(request: HttpRequest, application_id: int):  # type: ignore[no-untyped-def]
    application = (
        _own_applications(caller_user(request))
        .prefetch_related(
            Prefetch("teams", queryset=ApplicationTeam.objects.select_related("team", "institution")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("category", "team__team")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("requirement")),
            "eligibility_checks",
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(_("Candidature introuvable."))
    return application


@router.get(
    "/",
    response={200: list[CallOut], **LIST_ERRORS},
    auth=PUBLIC,
    summary=gettext_lazy("Lister les appels à projets"),
    description=gettext_lazy(
        "Les appels publiés, clos ou archivés, les plus récents d'abord. Sans jeton. Montants en euros ; "
        "dates en UTC (les dates limites sont fixées en heure de Paris)."
    ),
    url_name="calls",
    openapi_extra=optional_token(),
)
@paginate(Pagination)
def list_calls(request: HttpRequest):  # type: ignore[no-untyped-def]
    return _public_calls().order_by("-year", "-closes_at", "pk")


@router.get(
    "/{call_id}",
    response={200: CallDetailOut, **DETAIL_ERRORS},
    auth=PUBLIC,
    summary=gettext_lazy("Lire un appel à projets"),
    description=gettext_lazy(
        "Textes, dates, budget, règles d'éligibilité en toutes lettres, pièces demandées et documents à "
        "télécharger. Un appel en préparation répond 404. Sans jeton."
    ),
    url_name="call",
    openapi_extra=optional_token(),
)
def get_call(request: HttpRequest, call_id: int):  # type: ignore[no-untyped-def]
    call = (
        _public_calls()
        .prefetch_related(
            Prefetch(
                "rules", queryset=EligibilityRule.objects.select_related("call").order_by("order", "pk")
            ),
            "documents",
            "documents_required",
            "budget_categories",
        )
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise NotFound(_("Appel introuvable."))
    return call

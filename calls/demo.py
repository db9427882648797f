"""Demo calls: six realistic calls of a regional cancer network, dated around ``today``.

- Émergence (this cycle): open, €25k, 12 months, one stage, cool-off 2 years, PhD students excluded;
- Projets structurants: open, two stages (letter of intent → full proposal), up to €100k over 24–36
  months, ≥ 2 teams from ≥ 2 institutions incl. a member, budget caps (services ≤ 50 %, equipment
  ≤ 20 %, meetings ≤ 10 %), no salaries;
- Soutien à l'organisation de colloques: open all year, asked ≥ 4 months before the event;
- Mobilité jeunes chercheurs: stays ≤ 3 months asked ≥ 2 months ahead, up to €2,500;
- Preuve de concept: upcoming;
- Émergence (previous cycle): closed, with submitted applications from the directory's people
  (some eligible, some not, a few awarded — which the cool-off rule of this cycle then sees).

Deadlines are at noon, Europe/Paris. Built through the services (so every rule is validated);
the past applications are written directly (their deadline has passed). ``seed_calls`` refuses to
run when calls exist. Used by ``manage.py seed_calls``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from calls import services
from calls.models import (
    Application,
    ApplicationTeam,
    BudgetLine,
    Call,
    EligibilityCheck,
    Programme,
    paris_datetime,
)
from core.errors import InvalidState
from core.services import record_audit
from directory.models import Affiliation

CRITERIA = [
    ("Intérêt et qualité scientifique du projet", "Scientific interest and quality", Decimal(3)),
    ("Faisabilité et méthodologie", "Feasibility and methodology", Decimal(2)),
    (
        "Dimension collaborative et multi-institutionnelle",
        "Collaborative, multi-institution dimension",
        Decimal(1),
    ),
    ("Adéquation avec la stratégie du Cancéropôle", "Fit with the network's strategy", Decimal(1)),
]
PDF_WORD = ["pdf", "docx"]


def calls_are_empty() -> bool:
    return not Call.objects.exists()


def _noon(day: dt.date) -> dt.datetime:
    return paris_datetime(day)


def _programme(kind: str, name_fr: str, name_en: str, description: str) -> Programme:
    existing = Programme.objects.filter(name_fr=name_fr).first()
    return existing or services.save_programme(
        data={"kind": kind, "name_fr": name_fr, "name_en": name_en, "description_fr": description}, actor=None
    )


def _configure(call: Call, config: dict[str, Any]) -> Call:
    sections = {}
    for order, (title, fields) in enumerate(config.get("sections", []), start=1):
        section = services.save_form_section(call=call, data={"title_fr": title, "order": order}, actor=None)
        sections[title] = section
        for position, field in enumerate(fields, start=1):
            services.save_form_field(
                call=call, data={**field, "section": section, "order": position}, actor=None
            )
    for order, document in enumerate(config.get("documents", []), start=1):
        services.save_document_requirement(call=call, data={**document, "order": order}, actor=None)
    for order, category in enumerate(config.get("categories", []), start=1):
        services.save_budget_category(call=call, data={**category, "order": order}, actor=None)
    for order, (code, params, *stage) in enumerate(config.get("rules", []), start=1):
        data = {"code": code, "params": params, "order": order, **({"stage": stage[0]} if stage else {})}
        services.save_eligibility_rule(call=call, data=data, actor=None)
    for order, (label_fr, label_en, weight) in enumerate(config.get("criteria", CRITERIA), start=1):
        services.save_criterion(
            call=call,
            data={"label_fr": label_fr, "label_en": label_en, "weight": weight, "order": order},
            actor=None,
        )
    return call


def _call(
    programme: Programme, data: dict[str, Any], config: dict[str, Any], *, publish: bool = True
) -> Call:
    call = services.create_call(programme=programme, data=data, actor=None)
    _configure(call, config)
    return services.publish_call(call=call, actor=None) if publish else call


def _categories(services_cap: int | None = None) -> list[dict[str, Any]]:
    return [
        {"label_fr": "Consommables", "label_en": "Consumables", "kind": "consumables"},
        {
            "label_fr": "Prestations et plateformes",
            "label_en": "Services and platforms",
            "kind": "services",
            "max_share": Decimal(services_cap) if services_cap else None,
        },
        {"label_fr": "Petit équipement", "label_en": "Equipment", "kind": "equipment"},
        {"label_fr": "Missions", "label_en": "Travel", "kind": "travel"},
    ]


PROJECT_FIELDS = [
    {
        "key": "summary",
        "label_fr": "Résumé du projet",
        "label_en": "Summary",
        "type": "long_text",
        "required": True,
        "max_length": 3000,
    },
    {"key": "keywords", "label_fr": "Mots-clés", "label_en": "Keywords", "type": "text", "max_length": 200},
    {
        "key": "state_of_the_art",
        "label_fr": "État de l'art et hypothèse",
        "type": "long_text",
        "required": True,
        "max_length": 6000,
    },
    {
        "key": "methods",
        "label_fr": "Méthodologie et calendrier",
        "type": "long_text",
        "required": True,
        "max_length": 8000,
    },
]


def emergence(year: int, opens: dt.date, closes: dt.date, *, publish: bool = True) -> Call:
    programme = _programme(
        Programme.Kind.EMERGENCE,
        "Émergence",
        "Emergence",
        "Projets exploratoires à haut risque, sans données préliminaires exigées.",
    )
    return _call(
        programme,
        {
            "year": year,
            "title_fr": f"Appel Émergence {year}",
            "title_en": f"Emergence call {year}",
            "summary_fr": "Soutenir des projets exploratoires « à haut risque, haut potentiel » portés par de jeunes équipes.",
            "summary_en": "Supporting high-risk, high-potential exploratory projects led by young teams.",
            "text_fr": (
                "L'appel Émergence finance pendant 12 mois des projets de recherche exploratoires en cancérologie.\n\n"
                "Aucune donnée préliminaire n'est exigée. Les jeunes équipes sont encouragées à candidater.\n\n"
                "Les lauréats des deux dernières éditions ne peuvent pas candidater."
            ),
            "contact_email": "aap@canceropole-idf.example",
            "budget_envelope": Decimal(250000),
            "ceiling_per_project": Decimal(25000),
            "duration_min_months": 12,
            "duration_max_months": 12,
            "opens_at": paris_datetime(opens, dt.time(9, 0)),
            "closes_at": _noon(closes),
            "salaries_allowed": False,
        },
        {
            "sections": [("Le projet", PROJECT_FIELDS)],
            "documents": [
                {"label_fr": "Projet détaillé (5 pages)", "allowed_types": ["pdf"], "max_size_mb": 10},
                {"label_fr": "CV du porteur ou de la porteuse", "allowed_types": PDF_WORD, "max_size_mb": 5},
            ],
            "categories": _categories(),
            "rules": [
                ("min_teams", {"count": 1}),
                ("applicant_career_stage", {"excluded": ["phd_student"]}),
                ("applicant_research_body", {}),
                ("cool_off", {"years": 2}),
                ("total_ceiling", {}),
                ("no_salaries", {}),
            ],
        },
        publish=publish,
    )


def structuring(year: int, opens: dt.date, loi: dt.date, full: dt.date) -> Call:
    programme = _programme(
        Programme.Kind.STRUCTURING,
        "Projets structurants",
        "Structuring projects",
        "Projets collaboratifs associant plusieurs équipes et institutions de la région.",
    )
    fields = [
        *PROJECT_FIELDS,
        {
            "key": "duration_months",
            "label_fr": "Durée du projet (mois)",
            "type": "number",
            "required": True,
            "min_value": Decimal(1),
            "max_value": Decimal(60),
        },
        {
            "key": "clinical_partner",
            "label_fr": "Partenaire clinique",
            "type": "choice",
            "stage": "full",
            "choices": [{"value": "yes", "label_fr": "Oui"}, {"value": "no", "label_fr": "Non"}],
        },
    ]
    return _call(
        programme,
        {
            "year": year,
            "title_fr": f"Projets structurants {year}",
            "title_en": f"Structuring projects {year}",
            "summary_fr": "Financer des consortiums multi-institutionnels sur 24 à 36 mois, jusqu'à 100 000 € par projet.",
            "text_fr": (
                "L'appel se déroule en deux étapes : une lettre d'intention, puis un dossier complet pour les projets retenus.\n\n"
                "Le consortium associe au moins deux équipes de deux institutions distinctes, dont une institution membre.\n\n"
                "Les dossiers complets sont évalués par deux experts extérieurs à la région, puis auditionnés par le comité."
            ),
            "budget_envelope": Decimal(600000),
            "ceiling_per_project": Decimal(100000),
            "duration_min_months": 24,
            "duration_max_months": 36,
            "stages": 2,
            "opens_at": paris_datetime(opens, dt.time(9, 0)),
            "closes_at": _noon(loi),
            "full_stage_closes_at": _noon(full),
            "salaries_allowed": False,
        },
        {
            "sections": [("Le projet", fields)],
            "documents": [
                {
                    "label_fr": "Lettre d'intention (2 pages)",
                    "allowed_types": ["pdf"],
                    "max_size_mb": 5,
                    "stage": "loi",
                },
                {"label_fr": "Projet détaillé", "allowed_types": ["pdf"], "max_size_mb": 20, "stage": "full"},
                {
                    "label_fr": "Annexe financière",
                    "allowed_types": ["xlsx", "pdf"],
                    "max_size_mb": 5,
                    "stage": "full",
                },
            ],
            "categories": [
                {"label_fr": "Prestations et plateformes", "kind": "services", "max_share": Decimal(50)},
                {
                    "label_fr": "Équipement",
                    "kind": "equipment",
                    "max_share": Decimal(20),
                    "max_per_item": Decimal(15000),
                },
                {"label_fr": "Réunions du consortium", "kind": "meetings", "max_share": Decimal(10)},
                {"label_fr": "Consommables", "kind": "consumables"},
                {"label_fr": "Missions", "kind": "travel"},
            ],
            "rules": [
                ("min_teams", {"count": 2}),
                ("min_institutions", {"count": 2}),
                ("member_institution_required", {}),
                ("applicant_career_stage", {"excluded": ["phd_student"]}),
                ("applicant_research_body", {}),
                ("duration_bounds", {"field": "duration_months"}),
                ("budget_category_cap", {}, "full"),
                ("budget_item_cap", {}, "full"),
                ("total_ceiling", {}, "full"),
                ("no_salaries", {}, "full"),
            ],
        },
    )


def events(year: int) -> Call:
    programme = _programme(
        Programme.Kind.EVENT_SUPPORT,
        "Soutien aux manifestations scientifiques",
        "Support for scientific events",
        "Colloques, congrès et ateliers organisés en Île-de-France.",
    )
    return _call(
        programme,
        {
            "year": year,
            "title_fr": f"Soutien à l'organisation de colloques {year}",
            "title_en": f"Support for organising scientific meetings {year}",
            "summary_fr": "Une aide jusqu'à 5 000 € pour les colloques tenus en Île-de-France, demandée au moins 4 mois avant.",
            "text_fr": "Ouvert toute l'année. Trois éditions au plus d'une même manifestation peuvent être soutenues.",
            "ceiling_per_project": Decimal(5000),
            "opens_at": paris_datetime(dt.date(year, 1, 5), dt.time(9, 0)),
            "closes_at": _noon(dt.date(year, 12, 15)),
        },
        {
            "sections": [
                (
                    "La manifestation",
                    [
                        {
                            "key": "event_title",
                            "label_fr": "Intitulé de la manifestation",
                            "type": "text",
                            "required": True,
                            "max_length": 300,
                        },
                        {"key": "event_start", "label_fr": "Date de début", "type": "date", "required": True},
                        {
                            "key": "event_place",
                            "label_fr": "Lieu (Île-de-France)",
                            "type": "text",
                            "required": True,
                        },
                        {
                            "key": "participants",
                            "label_fr": "Participants attendus",
                            "type": "number",
                            "min_value": Decimal(10),
                        },
                    ],
                )
            ],
            "documents": [
                {"label_fr": "Programme prévisionnel", "allowed_types": PDF_WORD, "max_size_mb": 5}
            ],
            "categories": [
                {"label_fr": "Organisation", "kind": "meetings"},
                {"label_fr": "Déplacements des orateurs", "kind": "travel"},
            ],
            "rules": [("lead_time", {"field": "event_start", "months": 4}), ("total_ceiling", {})],
            "criteria": [("Qualité du programme", "Quality of the programme", Decimal(1))],
        },
    )


def mobility(year: int) -> Call:
    programme = _programme(
        Programme.Kind.MOBILITY,
        "Mobilité jeunes chercheurs",
        "Young researchers' mobility",
        "Séjours courts dans un laboratoire partenaire, trois sessions par an.",
    )
    return _call(
        programme,
        {
            "year": year,
            "title_fr": f"Mobilité jeunes chercheurs {year}",
            "title_en": f"Young researchers' mobility {year}",
            "summary_fr": "Des bourses jusqu'à 2 500 € pour un séjour de 3 mois au plus, demandées au moins 2 mois avant le départ.",
            "ceiling_per_project": Decimal(2500),
            "opens_at": paris_datetime(dt.date(year, 1, 5), dt.time(9, 0)),
            "closes_at": _noon(dt.date(year, 11, 30)),
        },
        {
            "sections": [
                (
                    "Le séjour",
                    [
                        {
                            "key": "host_lab",
                            "label_fr": "Laboratoire d'accueil",
                            "type": "text",
                            "required": True,
                        },
                        {"key": "stay_start", "label_fr": "Date d'arrivée", "type": "date", "required": True},
                        {"key": "stay_end", "label_fr": "Date de départ", "type": "date", "required": True},
                        {
                            "key": "motivation",
                            "label_fr": "Objectifs du séjour",
                            "type": "long_text",
                            "required": True,
                            "max_length": 3000,
                        },
                    ],
                )
            ],
            "documents": [
                {"label_fr": "Lettre d'accueil", "allowed_types": ["pdf"], "max_size_mb": 5},
                {"label_fr": "CV", "allowed_types": PDF_WORD, "max_size_mb": 5},
            ],
            "categories": [{"label_fr": "Voyage et séjour", "kind": "travel"}],
            "rules": [
                ("applicant_career_stage", {"allowed": ["phd_student", "postdoc"]}),
                ("lead_time", {"field": "stay_start", "months": 2}),
                ("max_stay", {"start_field": "stay_start", "end_field": "stay_end", "months": 3}),
                ("total_ceiling", {"max_amount": 2500}),
            ],
            "criteria": [("Qualité du projet de séjour", "Quality of the stay", Decimal(1))],
        },
    )


def proof_of_concept(year: int, opens: dt.date, closes: dt.date) -> Call:
    programme = _programme(
        Programme.Kind.PROOF_OF_CONCEPT,
        "Preuve de concept",
        "Proof of concept",
        "Amener un résultat de recherche vers la valorisation, avec une structure de transfert.",
    )
    return _call(
        programme,
        {
            "year": year,
            "title_fr": f"Preuve de concept {year}",
            "title_en": f"Proof of concept {year}",
            "summary_fr": "Jusqu'à 50 000 € sur 18 mois pour démontrer l'intérêt applicatif d'un résultat, avec une SATT.",
            "ceiling_per_project": Decimal(50000),
            "duration_min_months": 12,
            "duration_max_months": 18,
            "opens_at": paris_datetime(opens, dt.time(9, 0)),
            "closes_at": _noon(closes),
        },
        {
            "sections": [("Le projet", PROJECT_FIELDS)],
            "categories": _categories(50),
            "rules": [("total_ceiling", {})],
        },
    )


def _past_applications(call: Call, limit: int) -> int:
    """Submitted applications to a closed call, from people with a current team (deterministic)."""
    affiliations = list(
        Affiliation.objects.filter(
            end__isnull=True,
            team__isnull=False,
            person__career_stage__in=["researcher", "clinician", "teacher_researcher", "postdoc"],
        )
        .select_related("person", "team", "institution")
        .order_by("person_id")[: limit * 3 : 3]
    )
    statuses = [
        Application.Status.AWARDED,
        Application.Status.NOT_AWARDED,
        Application.Status.INELIGIBLE,
        Application.Status.ELIGIBLE,
    ]
    consumables = call.budget_categories.get(kind="consumables")
    deadline = call.closes_at
    assert deadline is not None
    for index, affiliation in enumerate(affiliations):
        person = affiliation.person
        application = Application.objects.create(
            call=call,
            stage="full",
            applicant=person.user,
            lead_person=person,
            title=f"Projet exploratoire de {person.last_name} sur la résistance tumorale",
            acronym=f"EMR{index + 1:02d}",
            answers={"summary": "Projet exploratoire.", "state_of_the_art": "…", "methods": "…"},
            status=statuses[index % len(statuses)],
            submission_key=f"demo-{call.pk}-{index}",
        )
        application.submitted_at = deadline - dt.timedelta(hours=index * 7 + 1)
        application.receipt_number = services.submission.receipt_number(application)
        application.save(update_fields=["submitted_at", "receipt_number"])
        team = ApplicationTeam.objects.create(
            application=application,
            role=ApplicationTeam.Role.LEAD,
            team=affiliation.team,
            institution=affiliation.institution,
            contact_person=person,
            contact_email=person.email,
            contact_user=person.user,
            invitation_status=ApplicationTeam.Invitation.ACCEPTED,
        )
        BudgetLine.objects.create(
            application=application,
            team=team,
            category=consumables,
            description="Réactifs et anticorps",
            amount=Decimal(18000 + 500 * index),
        )
        EligibilityCheck.objects.create(
            application=application,
            code="total_ceiling",
            description="Le montant demandé ne dépasse pas 25 000 €.",
            outcome=EligibilityCheck.Outcome.PASSED,
            checked_at=application.submitted_at,
        )
    return len(affiliations)


@transaction.atomic
def seed_calls(*, today: dt.date | None = None, past_applications: int = 12) -> dict[str, int]:
    """Create the demo programmes and calls (and past applications when the directory has people)."""
    if not calls_are_empty():
        raise InvalidState(
            "Des appels existent déjà : le jeu de démonstration des appels n'est chargé que dans une base vide."
        )
    today = today or timezone.localdate()
    year = today.year + 1 if today.month >= 9 else today.year
    past = emergence(year - 1, today - dt.timedelta(days=400), today - dt.timedelta(days=300))
    Call.objects.filter(pk=past.pk).update(status=Call.Status.CLOSED, closed_at=past.closes_at)
    past.refresh_from_db()
    calls = [
        past,
        emergence(year, today - dt.timedelta(days=20), today + dt.timedelta(days=45)),
        structuring(
            year, today - dt.timedelta(days=10), today + dt.timedelta(days=30), today + dt.timedelta(days=120)
        ),
        events(today.year),
        mobility(today.year),
        proof_of_concept(year, today + dt.timedelta(days=60), today + dt.timedelta(days=120)),
    ]
    applications = _past_applications(past, past_applications)
    record_audit(action="calls.demo.seeded", data={"calls": len(calls), "applications": applications})
    return {"programmes": Programme.objects.count(), "calls": len(calls), "applications": applications}

"""Calls and applications of the demo evaluation (``evaluation.demo``): the two editions of the
"Recherche translationnelle" call, built through ``calls.services``, and their submitted
applications, written directly (their deadline has passed) as ``calls.demo`` does, then declared
eligible (or not) by the secretariat through ``decide_eligibility``.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from random import Random
from typing import Any

from calls import services as call_services
from calls.demo import CRITERIA, PROJECT_FIELDS
from calls.models import (
    Application,
    ApplicationTeam,
    BudgetLine,
    Call,
    Programme,
    paris_datetime,
)
from calls.services.submission import decide_eligibility, receipt_number, record_eligibility_checks
from directory.models import Affiliation, Person
from evaluation import demo_texts as texts

PROGRAMME = "Recherche translationnelle"
SENIOR = ("researcher", "clinician", "clinician_researcher", "teacher_researcher")
CATEGORIES = [
    {"label_fr": "Consommables", "label_en": "Consumables", "kind": "consumables"},
    {"label_fr": "Prestations et plateformes", "label_en": "Services and platforms", "kind": "services"},
    {"label_fr": "Missions", "label_en": "Travel", "kind": "travel"},
]


class CallBuilder:
    """The calls' side of the demo seeder (``used_people``: nobody leads two applications of a
    call nor reviews what they applied for)."""

    rng: Random
    staff: Any
    used_people: set[int]
    counts: dict[str, int]

    def call(self, opens: dt.date, closes: dt.date, envelope: int) -> Call:
        programme = Programme.objects.filter(name_fr=PROGRAMME).first() or call_services.save_programme(
            data={
                "kind": Programme.Kind.OTHER,
                "name_fr": PROGRAMME,
                "name_en": "Translational research",
                "description_fr": "Projets de 12 à 24 mois qui rapprochent laboratoire et clinique.",
            },
            actor=None,
        )
        call = call_services.create_call(
            programme=programme,
            data={
                "year": closes.year,
                "title_fr": f"Recherche translationnelle {closes.year}",
                "title_en": f"Translational research {closes.year}",
                "summary_fr": "Financer des projets qui rapprochent laboratoire et clinique, jusqu'à 40 000 €.",
                "summary_en": "Funding projects that bring the bench closer to the bedside, up to €40,000.",
                "text_fr": (
                    "L'appel finance pendant 12 à 24 mois des projets de recherche translationnelle en "
                    "cancérologie portés par une équipe du réseau, seule ou avec des partenaires.\n\n"
                    "Chaque dossier est évalué par deux rapporteur·es du comité et un·e expert·e extérieur·e."
                ),
                "contact_email": "aap@canceropole-idf.example",
                "budget_envelope": Decimal(envelope),
                "ceiling_per_project": Decimal(40000),
                "duration_min_months": 12,
                "duration_max_months": 24,
                "opens_at": paris_datetime(opens, dt.time(9, 0)),
                "closes_at": paris_datetime(closes),
                "salaries_allowed": False,
            },
            actor=None,
        )
        section = call_services.save_form_section(
            call=call, data={"title_fr": "Le projet", "order": 1}, actor=None
        )
        for order, field in enumerate(PROJECT_FIELDS, start=1):
            call_services.save_form_field(
                call=call, data={**field, "section": section, "order": order}, actor=None
            )
        for order, category in enumerate(CATEGORIES, start=1):
            call_services.save_budget_category(call=call, data={**category, "order": order}, actor=None)
        for order, (code, params) in enumerate(
            [("min_teams", {"count": 1}), ("total_ceiling", {}), ("no_salaries", {})], start=1
        ):
            call_services.save_eligibility_rule(
                call=call, data={"code": code, "params": params, "order": order}, actor=None
            )
        for order, (label_fr, label_en, weight) in enumerate(CRITERIA, start=1):
            call_services.save_criterion(
                call=call,
                data={"label_fr": label_fr, "label_en": label_en, "weight": weight, "order": order},
                actor=None,
            )
        call_services.publish_call(call=call, actor=None)
        Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED, closed_at=call.closes_at)
        call.refresh_from_db()
        return call

    def applicants(self, count: int, avoid: set[int], first: Person | None) -> list[Affiliation]:
        """Leads with a current team, spread over the institutions (round robin), ``first`` first."""
        rows = (
            Affiliation.objects.filter(end__isnull=True, team__isnull=False, person__career_stage__in=SENIOR)
            .exclude(person_id__in=self.used_people | avoid)
            .exclude(person__user__isnull=False)
            .select_related("person", "team", "institution")
            .order_by("person_id")
        )
        by_institution: dict[int, list[Affiliation]] = defaultdict(list)
        for row in rows:
            if row.person_id not in {a.person_id for a in by_institution[row.institution_id]}:
                by_institution[row.institution_id].append(row)
        groups = sorted(by_institution.values(), key=lambda g: (-len(g), g[0].institution_id))
        for group in groups:
            self.rng.shuffle(group)
        chosen: list[Affiliation] = []
        if first is not None:
            own = Affiliation.objects.filter(
                person=first, end__isnull=True, team__isnull=False
            ).select_related("person", "team", "institution")
            chosen += list(own[:1])
        depth = 0
        while len(chosen) < count and depth < max(len(g) for g in groups):
            chosen += [g[depth] for g in groups if depth < len(g)][: count - len(chosen)]
            depth += 1
        self.used_people |= {a.person_id for a in chosen}
        return chosen

    def applications(self, call: Call, leads: list[Affiliation], offset: int) -> list[Application]:
        categories = {c.kind: c for c in call.budget_categories.all()}
        partners = list(
            Affiliation.objects.filter(end__isnull=True, team__isnull=False, person__career_stage__in=SENIOR)
            .exclude(person_id__in=self.used_people)
            .select_related("person", "team", "institution")
            .order_by("-person_id")[:40]
        )
        created = []
        for index, lead in enumerate(leads):
            person = lead.person
            labels = list(person.keywords.values_list("label", flat=True))
            topic = (texts.topics_of(labels) or [texts.TOPICS[index % len(texts.TOPICS)]])[0]
            content = texts.project(self.rng, topic, offset + index)
            submitted = call.closes_at - dt.timedelta(hours=3 + index * 11 + self.rng.randint(0, 9))
            application = Application.objects.create(
                call=call,
                stage="full",
                applicant=person.user,
                lead_person=person,
                title=content["title"],
                acronym=content["acronym"],
                answers=content["answers"],
                status=Application.Status.SUBMITTED,
                submission_key=f"demo-eval-{call.pk}-{index}",
            )
            application.submitted_at = submitted
            application.receipt_number = receipt_number(application)
            application.save(update_fields=["submitted_at", "receipt_number"])
            teams = [(lead, ApplicationTeam.Role.LEAD)]
            if index % 3 == 1:
                partner = next((p for p in partners if p.institution_id != lead.institution_id), None)
                if partner is not None:
                    partners.remove(partner)
                    teams.append((partner, ApplicationTeam.Role.PARTNER))
            rows = [
                ApplicationTeam.objects.create(
                    application=application,
                    role=role,
                    team=row.team,
                    institution=row.institution,
                    contact_person=row.person,
                    contact_email=row.person.email,
                    contact_user=row.person.user,
                    invitation_status=ApplicationTeam.Invitation.ACCEPTED,
                    order=order,
                )
                for order, (row, role) in enumerate(teams)
            ]
            amounts = [
                ("consumables", "Réactifs, anticorps et kits de séquençage", 1000 * self.rng.randint(12, 22)),
                ("services", "Prestations de la plateforme de génomique", 1000 * self.rng.randint(5, 14)),
                ("travel", "Congrès et réunions d'avancement", 500 * self.rng.randint(2, 6)),
            ]
            for order, (kind, description, amount) in enumerate(amounts):
                BudgetLine.objects.create(
                    application=application,
                    team=rows[order % len(rows)],
                    category=categories[kind],
                    description=description,
                    amount=Decimal(min(amount, 40000)),
                    order=order,
                )
            record_eligibility_checks(application=application, at=submitted)
            created.append(application)
        # the secretariat's decisions: all eligible but the last (its team is not in the network)
        for application in created[:-1]:
            decide_eligibility(
                application=application,
                actor=self.staff,
                admissible=True,
                eligible=True,
                reason="Dossier complet, règles de l'appel respectées.",
            )
        decide_eligibility(
            application=created[-1],
            actor=self.staff,
            admissible=True,
            eligible=False,
            reason="Projet de recherche clinique interventionnelle : hors du périmètre de l'appel (voir § 2 du texte).",
        )
        self.counts["evaluation_applications"] += len(created)
        return created

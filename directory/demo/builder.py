"""The demo network's builder: draws everything from one ``random.Random`` and bulk-inserts it.

Steps run in order (each one reads what the previous ones made): institutions, keywords, units,
teams, people (planned in memory, then inserted with their affiliations and keywords), platforms,
tech-transfer offices. The search texts are computed in memory by the service's own
``person_search_texts`` before the people are inserted, which spares a bulk update of every row.
"""

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from random import Random
from typing import Any

from directory.demo import data
from directory.demo.draws import lower_first, of_phrase, share_out, weighted_choice
from directory.demo.people import PeoplePlanner, fill_search_texts
from directory.models import (
    Affiliation,
    Institution,
    Keyword,
    Person,
    Platform,
    Team,
    TechTransferOffice,
    Unit,
    UnitParent,
)
from directory.services import fold, get_or_create_keywords


@dataclass(frozen=True)
class Size:
    units: int
    teams: int
    people: int

    def scaled(self, scale: float) -> "Size":
        units = max(3, round(self.units * scale))
        teams = max(units, round(self.teams * scale))
        return Size(units=units, teams=teams, people=max(teams * 4, round(self.people * scale)))


_KIND_SENTENCES = {
    "member": " Membre du Cancéropôle Île-de-France.",
    "partner": " Partenaire du Cancéropôle.",
}

SIZES = {"small": Size(units=60, teams=250, people=3000), "large": Size(units=400, teams=1700, people=20000)}


class Builder:
    def __init__(self, *, seed: int, size: Size, today: dt.date) -> None:
        self.rng = Random(seed)
        self.size = size
        self.today = today
        self.timings: dict[str, float] = {}
        self.used_rnsrs: set[str] = set()

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - started, 3)

    # --- identifiers ----------------------------------------------------------------------

    def rnsr(self) -> str:
        while True:  # format only: year of creation, sequence number, key letter
            year, number = self.rng.randint(1995, 2022), self.rng.randrange(100_000)
            value = f"{year}{number:05d}{self.rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
            if value not in self.used_rnsrs:
                self.used_rnsrs.add(value)
                return value

    # --- steps ----------------------------------------------------------------------------

    def institutions(self) -> None:
        self.inst: dict[str, Institution] = {}
        self.domains: dict[str, str] = {}
        for key, name, acronym, kind, category, research, ror, *address, domain, website in data.INSTITUTIONS:
            street, postcode, city, lat, lon = address
            description = f"{Institution.Category(category).label}, {city}.{_KIND_SENTENCES.get(kind, '')}"
            self.inst[key] = Institution(
                name=name,
                acronym=acronym,
                kind=kind,
                category=category,
                is_research_body=research,
                ror=ror,
                website=website,
                description=description,
                street=street,
                postcode=postcode,
                city=city,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
            )
            self.domains[key] = domain
        Institution.objects.bulk_create(list(self.inst.values()))

    def keywords(self) -> None:
        themes = [Keyword(label=t, normalised=fold(t), is_theme=True) for t in data.THEMES]
        Keyword.objects.bulk_create(themes, ignore_conflicts=True)
        Keyword.objects.filter(normalised__in=[k.normalised for k in themes]).update(is_theme=True)
        labels = list(data.VOCABULARY)
        labels += [kw for theme in data.TEAM_THEMES for kw in theme.split("|")[1].split(";")]
        labels += [kw for kind in data.PLATFORM_KINDS.values() for kw in kind[0].split(";")]
        get_or_create_keywords(labels)
        self.kw = {k.normalised: k for k in Keyword.objects.all()}
        self.kw_by_pk = {k.pk: k for k in self.kw.values()}
        self.kw_labels = {k.pk: k.label for k in self.kw.values()}
        self.vocabulary = [self.kw[fold(label)].pk for label in data.VOCABULARY]

    def kw_ids(self, labels: str) -> list[int]:
        return [self.kw[fold(label)].pk for label in labels.split(";")]

    def units(self) -> None:
        self.unit_list: list[Unit] = []
        self.unit_parents: list[list[str]] = []
        names: set[str] = set()
        for i in range(self.size.units):
            if i < len(data.UNITS):
                name, acronym, code, city, parents = data.UNITS[i]
                parent_keys = parents.split()
            else:
                name, acronym, code, city, parent_keys = self._invented_unit(i)
            base, n = name, 1
            while name in names:
                n += 1
                name = f"{base} {n}"
            names.add(name)
            parent_names = ", ".join(self.inst[k].short_name for k in parent_keys)
            self.unit_list.append(
                Unit(
                    name=name,
                    acronym=acronym,
                    code=code,
                    rnsr=self.rnsr(),
                    city=city,
                    description=f"Unité de recherche située à {city}, sous la tutelle de : {parent_names}.",
                )
            )
            self.unit_parents.append(parent_keys)
        Unit.objects.bulk_create(self.unit_list)
        UnitParent.objects.bulk_create(
            [
                UnitParent(
                    unit=unit, institution=self.inst[key], start=dt.date(self.rng.randint(1995, 2020), 1, 1)
                )
                for unit, keys in zip(self.unit_list, self.unit_parents, strict=True)
                for key in keys
            ]
        )

    def _invented_unit(self, i: int) -> tuple[str, str, str, str, list[str]]:
        prefix, topic = self.rng.choice(data.UNIT_PREFIXES), self.rng.choice(data.UNIT_TOPICS)
        org = weighted_choice(self.rng, data.RESEARCH_ORG_WEIGHTS)
        university = weighted_choice(self.rng, data.UNIVERSITY_WEIGHTS)
        centre = [self.rng.choice(["curie", "gr"])] if self.rng.random() < 0.15 else []
        city = self.inst[(centre or [university])[0]].city
        name = f"{of_phrase(prefix, topic)} – {city}" if self.rng.random() < 0.5 else of_phrase(prefix, topic)
        acronym = fold("".join(w[0] for w in prefix.split() if len(w) > 3)).upper()
        acronym += fold("".join(w[0] for w in topic.split() if len(w) > 3)).upper()
        code = {"inserm": f"U{1300 + i}", "cnrs": f"UMR {9100 + i}", "cea": f"UMR-E {i:03d}"}[org]
        return name, acronym, code, city, [*centre, org, university]

    def teams(self) -> None:
        per_unit = share_out(self.size.teams, [self.rng.uniform(0.6, 1.8) for _ in self.unit_list], minimum=1)
        self.team_list: list[Team] = []
        self.team_unit: list[int] = []
        self.team_keywords: list[list[int]] = []
        for u, count in enumerate(per_unit):
            picks = self.rng.sample(range(len(data.TEAM_THEMES)), min(count, len(data.TEAM_THEMES)))
            for j in range(count):
                theme_name, theme_kws = data.TEAM_THEMES[picks[j % len(picks)]].split("|")
                name = theme_name if j < len(picks) else f"{theme_name} {j // len(picks) + 1}"
                keywords = self.kw_ids(theme_kws)
                keywords += [k for k in self.rng.sample(self.vocabulary, 2) if k not in keywords]
                kw1, kw2 = (lower_first(self.kw_labels[k]) for k in keywords[:2])
                self.team_list.append(
                    Team(
                        name=name,
                        unit=self.unit_list[u],
                        description=f"L'équipe étudie {kw1} et {kw2}, de la recherche fondamentale aux applications "
                        "cliniques, en lien avec les autres équipes du réseau.",
                    )
                )
                self.team_unit.append(u)
                self.team_keywords.append(keywords)
        Team.objects.bulk_create(self.team_list)
        Team.keywords.through.objects.bulk_create(
            [
                Team.keywords.through(team_id=team.pk, keyword_id=k)
                for team, kws in zip(self.team_list, self.team_keywords, strict=True)
                for k in kws
            ]
        )

    # --- people ---------------------------------------------------------------------------

    def save_people(self) -> None:
        plans = self.plans
        Person.objects.bulk_create([p.person for p in plans], batch_size=1000)
        Affiliation.objects.bulk_create(
            [Affiliation(person=p.person, **a) for p in plans for a in p.affiliations], batch_size=1000
        )
        through = Person.keywords.through
        through.objects.bulk_create(
            [through(person_id=p.person.pk, keyword_id=k) for p in plans for k in p.keywords], batch_size=2000
        )
        leads = Team.leaders.through
        leads.objects.bulk_create(
            [
                leads(team_id=self.team_list[t].pk, person_id=plans[i].person.pk)
                for t, indexes in enumerate(self.leaders)
                for i in indexes
            ]
        )
        for u, i in self.directors.items():
            self.unit_list[u].director = plans[i].person
        Unit.objects.bulk_update([self.unit_list[u] for u in self.directors], ["director"], batch_size=500)

    def people(self, accounts: dict[str, Any]) -> None:
        self.plans, self.leaders, self.directors = PeoplePlanner(self).plan(accounts)

    def search_texts(self) -> None:
        fill_search_texts(self.plans, self.kw_by_pk)

    # --- platforms and tech-transfer offices ----------------------------------------------

    def platforms(self) -> None:
        rng = self.rng
        staff: dict[int | None, list[Person]] = {}
        for plan in self.plans:
            if plan.stage in ("engineer", "researcher"):
                staff.setdefault(plan.unit, []).append(plan.person)
        engineers = [p.person for p in self.plans if p.stage == "engineer"]
        rows, technologies, managers = [], [], []
        for name, acronym, host, unit_ref, kind, label, year, site in data.PLATFORMS:
            tech_labels, services, equipment = data.PLATFORM_KINDS[kind]
            matches = [u for u, unit in enumerate(self.unit_list) if unit_ref in (unit.code, unit.acronym)]
            matches = matches or [u for u, keys in enumerate(self.unit_parents) if host in keys]
            u = matches[0] if matches else None
            start = dt.date(year, rng.randint(1, 12), 1) if label else None
            years = {"ibisa": 5, "ibisa_2y": 2, "ibisa_pre": 1, "canceropole": 3}.get(label, 0)
            end = dt.date(max(year + years, self.today.year + rng.randint(0, 2)), 12, 31) if label else None
            academic = rng.choice([25, 40, 60, 80, 120])
            slug = "".join(c for c in fold(acronym).replace(" ", "-") if c.isalnum() or c == "-")
            rows.append(
                Platform(
                    name=name,
                    acronym=acronym,
                    host_institution=self.inst[host],
                    host_unit=self.unit_list[u] if u is not None else None,
                    description=f"{name} : plateforme technologique ouverte aux équipes du réseau et aux partenaires "
                    f"industriels. Technologies : {tech_labels.replace(';', ', ')}.",
                    services=services,
                    equipment=equipment,
                    label=label,
                    label_start=start,
                    label_end=end,
                    access_conditions=rng.choice(data.PLATFORM_ACCESS),
                    pricing=f"Tarif académique : à partir de {academic} € HT par échantillon ; tarif industriel : à partir "
                    f"de {academic * rng.choice([2, 3])} € HT. Grille détaillée et devis sur demande.",
                    site=site,
                    contact_email=f"plateforme-{slug}@{self.domains[host]}",
                )
            )
            technologies.append(self.kw_ids(tech_labels))
            pool = staff.get(u) or engineers
            managers.append(rng.sample(pool, min(len(pool), rng.randint(1, 2))))
        Platform.objects.bulk_create(rows)
        Platform.technologies.through.objects.bulk_create(
            [
                Platform.technologies.through(platform_id=p.pk, keyword_id=k)
                for p, kws in zip(rows, technologies, strict=True)
                for k in kws
            ]
        )
        Platform.managers.through.objects.bulk_create(
            [
                Platform.managers.through(platform_id=p.pk, person_id=m.pk)
                for p, people in zip(rows, managers, strict=True)
                for m in people
            ]
        )

    def tech_transfer_offices(self) -> None:
        rows = [
            TechTransferOffice(
                name=name,
                acronym=acronym,
                city=city,
                website=website,
                description="Structure de valorisation : détection des inventions, brevets, licences, création "
                "d'entreprises et partenariats industriels pour les équipes de ses établissements.",
            )
            for name, acronym, city, _, website in data.TECH_TRANSFER_OFFICES
        ]
        TechTransferOffice.objects.bulk_create(rows)
        through = TechTransferOffice.institutions.through
        through.objects.bulk_create(
            [
                through(techtransferoffice_id=office.pk, institution_id=self.inst[key].pk)
                for office, spec in zip(rows, data.TECH_TRANSFER_OFFICES, strict=True)
                for key in spec[3].split()
            ]
        )

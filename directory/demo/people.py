"""People of the demo network, planned in memory: names, titles, identifiers, affiliations, keywords.

``PeoplePlanner`` draws from the builder's ``random.Random`` (so one seed still gives one data
set) and reads the institutions, units and teams the builder made. Nothing here touches the
database; ``fill_search_texts`` computes both search texts with the service's own
``person_search_texts``, so the rows are inserted complete, without a later bulk update.
"""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from accounts import demo as account_demo
from accounts.models import Role
from directory.demo import data
from directory.demo.draws import lower_first, of_phrase, share_out, weighted_choice
from directory.identifiers import orcid_check_character
from directory.models import Keyword, Person, Visibility
from directory.services import fold, person_search_texts

if TYPE_CHECKING:
    from directory.demo.builder import Builder

LOOSE_SHARE = 0.04  # people outside any team: platform staff, funders, companies

# The demo accounts that have a directory record: career stage and where they sit (unit index).
DEMO_PROFILES: dict[str, tuple[str, int]] = {
    Role.TEAM_LEADER: ("researcher", 0),  # leads the first team of the first unit, and directs the unit
    Role.RESEARCHER: ("researcher", 0),  # a member of that same team
    Role.REVIEWER: ("teacher_researcher", 10),
    Role.COMMITTEE_MEMBER: ("clinician_researcher", 3),
    Role.COPS_MEMBER: ("researcher", 4),
    Role.ASSEMBLY_REPRESENTATIVE: ("researcher", 2),
}


@dataclass
class PersonPlan:
    person: Person
    stage: str
    affiliations: list[dict[str, Any]]
    keywords: list[int]
    unit: int | None = None  # index of the unit of the primary affiliation


def _idref_check(digits: str) -> str:
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


class _Rows:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def all(self) -> list[Any]:
        return self.rows


class _Prefetched:
    """A planned (unsaved) person as ``person_search_texts`` reads a saved one with prefetched relations."""

    def __init__(self, plan: "PersonPlan", keywords: dict[int, Keyword]) -> None:
        person = plan.person
        self.first_name, self.last_name, self.title = person.first_name, person.last_name, person.title
        self.visibility_of = person.visibility_of
        self.keywords = _Rows(sorted((keywords[pk] for pk in plan.keywords), key=lambda k: k.label))
        rows = sorted(plan.affiliations, key=lambda a: (not a["is_primary"], -a["start"].toordinal()))
        self.affiliations = _Rows([SimpleNamespace(**a) for a in rows])


def fill_search_texts(plans: list[PersonPlan], keywords: dict[int, Keyword]) -> None:
    """Both search texts of every planned person, as ``services.refresh_search_text`` would write them."""
    for plan in plans:
        person = plan.person
        person.search_text, person.public_search_text = person_search_texts(_Prefetched(plan, keywords))


class PeoplePlanner:
    def __init__(self, network: "Builder") -> None:
        self.rng, self.today, self.size = network.rng, network.today, network.size
        self.inst, self.domains = network.inst, network.domains
        self.unit_list, self.unit_parents = network.unit_list, network.unit_parents
        self.team_list, self.team_unit, self.team_keywords = (
            network.team_list,
            network.team_unit,
            network.team_keywords,
        )
        self.vocabulary, self.kw_labels = network.vocabulary, network.kw_labels
        self.used_orcids: set[int] = set()
        self.used_idrefs: set[str] = set()
        self.used_emails: set[str] = set()

    def orcid(self) -> str:
        while True:  # 0000-0001-5000-000x to 0000-0003-9999-999x, unique in the data set
            number = self.rng.randrange(15_000_000, 40_000_000)
            if number not in self.used_orcids:
                self.used_orcids.add(number)
                base = f"{number:015d}"
                digits = base + orcid_check_character(base)
                return "-".join(digits[i : i + 4] for i in range(0, 16, 4))

    def idref(self) -> str:
        while True:  # 9xxxxxxx: above the numbers IdRef has handed out, with a MOD 11 key
            digits = f"9{self.rng.randrange(10_000_000):07d}"
            if digits not in self.used_idrefs:
                self.used_idrefs.add(digits)
                return digits + _idref_check(digits)

    def email(self, first: str, last: str, domain: str) -> str:
        local = f"{fold(first)}.{fold(last)}".replace(" ", "-").replace("'", "")
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.used_emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_emails.add(candidate)
        return candidate

    def date_before(self, end: dt.date, min_years: float, max_years: float) -> dt.date:
        return end - dt.timedelta(days=self.rng.randint(int(min_years * 365), int(max_years * 365)))

    def employer(self, stage: str, parents: list[str]) -> str:
        """Which of the unit's institutions employs someone at this stage."""

        def of(*categories: str) -> list[str]:
            return [k for k in parents if self.inst[k].category in categories]

        preferred = {
            "researcher": of("research_org"),
            "teacher_researcher": of("university"),
            "clinician_researcher": of("university"),
            "phd_student": of("university"),
            "clinician": of("hospital", "cancer_centre"),
        }.get(stage, [])
        return self.rng.choice(preferred or parents)

    def title(self, stage: str, woman: bool, employer: str) -> str:
        options = data.TITLES[stage]
        feminine, masculine, _ = self.rng.choices(options, weights=[o[2] for o in options])[0]
        title = feminine if woman else masculine
        if "{org}" not in title:
            return title
        institution = self.inst[employer]
        if institution.category != "research_org":
            return "Chercheuse" if woman else "Chercheur"
        return title.format(org=institution.short_name)

    def new_person(
        self, *, stage: str, employer: str, first: str = "", last: str = "", gender: str = ""
    ) -> Person:
        rng = self.rng
        if not first:
            gender = rng.choices(["woman", "man", "", "other"], weights=[520, 465, 10, 5])[0]
            names = {"woman": data.FEMALE_FIRST_NAMES, "man": data.MALE_FIRST_NAMES}.get(gender)
            first = rng.choice(names or rng.choice([data.FEMALE_FIRST_NAMES, data.MALE_FIRST_NAMES]))
            roll = rng.random()
            if roll < 0.06:
                last = "-".join(rng.sample(data.LAST_NAMES, 2))
            elif roll < 0.12:
                last = rng.choice(data.COMPOSED_LAST_NAMES)
            else:
                last = rng.choice(data.LAST_NAMES)
        woman = gender == "woman" or (gender != "man" and rng.random() < 0.5)
        orcid_share = {
            "phd_student": 0.6,
            "postdoc": 0.85,
            "researcher": 0.92,
            "teacher_researcher": 0.85,
            "clinician_researcher": 0.8,
            "clinician": 0.45,
            "engineer": 0.3,
        }.get(stage, 0.05)
        idref_share = {"researcher": 0.4, "teacher_researcher": 0.5, "clinician_researcher": 0.4}.get(
            stage, 0.05
        )
        visibility = rng.choices(
            [
                {},
                {"email": Visibility.PUBLIC},
                {"email": Visibility.STAFF, "phone": Visibility.STAFF},
                {"bio": Visibility.NETWORK, "keywords": Visibility.PUBLIC},
                {"affiliations": Visibility.NETWORK, "orcid": Visibility.NETWORK},
            ],
            weights=[55, 20, 10, 10, 5],
        )[0]
        return Person(
            first_name=first,
            last_name=last,
            gender=gender,
            career_stage=stage,
            title=self.title(stage, woman, employer),
            email=self.email(first, last, self.domains[employer]) if rng.random() < 0.96 else "",
            phone=f"+33 1 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}"
            if rng.random() < 0.4
            else "",
            orcid=self.orcid() if rng.random() < orcid_share else "",
            idref=self.idref() if rng.random() < idref_share else "",
            visibility={k: str(v) for k, v in visibility.items()},
        )

    def person_keywords(self, stage: str, team: int | None, leader: bool) -> list[int]:
        rng = self.rng
        if rng.random() < 0.08 and not leader:
            return []
        low, high = (3, 6) if leader else {"phd_student": (1, 3), "technician": (0, 2)}.get(stage, (1, 5))
        wanted = rng.randint(low, high)
        pool = self.team_keywords[team][:3] if team is not None else []  # the team's theme first
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        for k in rng.sample(self.vocabulary, 6):
            if k not in chosen:
                chosen.append(k)
        return chosen[:wanted]

    def bio(self, person: Person, keywords: list[int], team: int | None, unit: int | None) -> str:
        rng = self.rng
        if len(keywords) < 2 or rng.random() > 0.7:
            return ""
        templates = [t for t in data.BIO_TEMPLATES if team is not None or "{team}" not in t]
        unit_label = ""
        if unit is not None:
            record = self.unit_list[unit]
            unit_label = record.acronym or record.code or record.name
        return rng.choice(templates).format(
            first=person.first_name,
            last=person.last_name,
            title=lower_first(person.title),
            title_cap=person.title,
            team=self.team_list[team].name if team is not None else "",
            unit=unit_label,
            kw1=lower_first(self.kw_labels[keywords[0]]),
            kw2=lower_first(self.kw_labels[keywords[1]]),
        )

    def start_date(self, stage: str, leader: bool) -> dt.date:
        low, high = (3, 20) if leader else {"phd_student": (0, 3.5), "postdoc": (0, 4)}.get(stage, (1, 22))
        return self.date_before(self.today, low, high)

    def member(self, *, stage: str, team: int, leader: bool, **names: str) -> PersonPlan:
        """A member of ``team``: current primary affiliation, perhaps a hospital post and a past position."""
        rng = self.rng
        u = self.team_unit[team]
        employer = self.employer(stage, self.unit_parents[u])
        record = self.new_person(stage=stage, employer=employer, **names)
        start = self.start_date(stage, leader)
        affiliations = [
            dict(
                institution=self.inst[employer],
                unit=self.unit_list[u],
                team=self.team_list[team],
                position="Responsable d'équipe" if leader else record.title,
                start=start,
                end=None,
                is_primary=True,
            )
        ]
        in_hospital = self.inst[employer].category in ("cancer_centre", "hospital")
        if stage in ("clinician", "clinician_researcher") and not in_hospital and rng.random() < 0.7:
            service, hospital = rng.choice(data.HOSPITAL_SERVICES), rng.choice(data.APHP_HOSPITALS)
            affiliations.append(
                dict(
                    institution=self.inst["aphp"],
                    unit=None,
                    team=None,
                    position=f"{of_phrase('Service de', service)}, {hospital}",
                    start=self.date_before(self.today, 1, 15),
                    end=None,
                    is_primary=False,
                )
            )
        previous = rng.randrange(len(self.team_list))
        if (
            stage != "phd_student"
            and previous != team
            and rng.random() < (0.5 if stage == "postdoc" else 0.3)
        ):
            pu, end = self.team_unit[previous], start - dt.timedelta(days=1)
            was = "phd_student" if stage == "postdoc" else stage
            position = {"phd_student": "Doctorat"}.get(was) or (
                "Post-doctorat" if stage in data.SENIOR_STAGES else record.title
            )
            affiliations.append(
                dict(
                    institution=self.inst[self.employer(was, self.unit_parents[pu])],
                    unit=self.unit_list[pu],
                    team=self.team_list[previous],
                    position=position,
                    start=self.date_before(end, 2, 6),
                    end=end,
                    is_primary=False,
                )
            )
        keywords = self.person_keywords(stage, team, leader)
        record.bio = self.bio(record, keywords, team, u)
        return PersonPlan(record, stage, affiliations, keywords, unit=u)

    def loose(self) -> PersonPlan:
        """Someone outside any team: core-facility staff in a unit, or staff of a funder or company."""
        rng = self.rng
        if rng.random() < 0.5:
            u: int | None = rng.randrange(len(self.unit_list))
            stage = rng.choice(["engineer", "engineer", "technician"])
            employer = self.employer(stage, self.unit_parents[u])
        else:
            u, employer = None, rng.choice(data.NON_UNIT_EMPLOYERS)
            stage = {"rothschild": "clinician", "sanofi": "researcher", "servier": "engineer"}.get(
                employer, "other"
            )
        record = self.new_person(stage=stage, employer=employer)
        keywords = self.person_keywords(stage, None, leader=False)
        record.bio = self.bio(record, keywords, None, u)
        affiliation = dict(
            institution=self.inst[employer],
            unit=self.unit_list[u] if u is not None else None,
            team=None,
            position=record.title,
            start=self.start_date(stage, False),
            end=None,
            is_primary=True,
        )
        return PersonPlan(record, stage, [affiliation], keywords, unit=u)

    def plan(self, accounts: dict[str, Any]) -> tuple[list[PersonPlan], list[list[int]], dict[int, int]]:
        """Everyone, demo accounts first; with the leaders of each team and the director of each unit."""
        rng = self.rng
        plans: list[PersonPlan] = []
        leaders_of: list[list[int]] = [[] for _ in self.team_list]
        # The demo accounts first: the team leader then leads the first team and directs its unit.
        for role, (stage, unit_index) in DEMO_PROFILES.items():
            spec = account_demo.demo_account(role)
            u = min(unit_index, len(self.unit_list) - 1)
            team = self.team_unit.index(u)
            if role == Role.TEAM_LEADER:
                leaders_of[team].append(len(plans))
            plan = self.member(
                stage=stage,
                team=team,
                leader=role == Role.TEAM_LEADER,
                first=spec.first_name,
                last=spec.last_name,
                gender=spec.gender,
            )
            plan.person.user, plan.person.email, plan.person.visibility = accounts[role], spec.email, {}
            plans.append(plan)
        loose = round(self.size.people * LOOSE_SHARE)
        members = self.size.people - loose - len(plans)
        sizes = share_out(members, [rng.lognormvariate(0, 0.45) for _ in self.team_list], minimum=3)
        for team, count in enumerate(sizes):
            n_leaders = 0 if leaders_of[team] else (2 if count >= 6 and rng.random() < 0.2 else 1)
            for i in range(count):
                leader = i < n_leaders
                if leader:
                    leaders_of[team].append(len(plans))
                stage = weighted_choice(
                    rng, data.LEADER_STAGE_WEIGHTS if leader else data.CAREER_STAGE_WEIGHTS
                )
                plans.append(self.member(stage=stage, team=team, leader=leader))
        plans += [self.loose() for _ in range(loose)]
        directors: dict[int, int] = {}
        for team, leaders in enumerate(leaders_of):
            u = self.team_unit[team]
            if leaders and u not in directors:
                directors[u] = leaders[0]
                head = plans[leaders[0]]
                head.affiliations[0]["position"] = (
                    "Directrice de l'unité" if head.person.gender == "woman" else "Directeur de l'unité"
                )
        return plans, leaders_of, directors

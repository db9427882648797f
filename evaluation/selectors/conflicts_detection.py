"""What the automatic detection of conflicts of interest finds (a read; the service
``evaluation.services.conflicts.detect_conflicts`` writes the rows).

It compares every active pool member (invited or accepted) with every application of the
campaign, one finding per kind:

- TEAM / UNIT / INSTITUTION: the member's *current* affiliations (directory ``Affiliation`` with
  no end or an end not passed; for an outside expert, the institution recorded in the pool) vs
  the application's teams — the directory team, its unit, and the institutions of the team
  (the one named on the application and the current parent institutions of the unit). Only the
  member's own institution counts on their side (not the other parents of their unit), otherwise
  two units sharing a national organisation as parent would always be in conflict; for the same
  reason a national research organisation (category ``research_org``: Inserm, CNRS…) is left out
  unless the campaign's ``research_organisations_conflict`` says otherwise;
- PARTNER: the member is the project lead, the applicant, or the contact of one of its teams
  (person, account or e-mail address); teams that declined the invitation are not counted;
- COAUTHOR: the member co-signed a publication (linked authorships only) with an applicant person
  (lead, applicant, team contacts) dated in the campaign's window (``coauthorship_years``); the
  evidence names up to three papers and the count.

Everything is read in a fixed number of queries (six) and matched in memory through inverted
indexes (team / unit / institution / person → applications), so the cost grows with the
affiliations and papers involved, not with members × applications.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calls.models import ApplicationTeam
from directory.models import Affiliation, Institution, UnitParent
from evaluation.models import Campaign, Conflict
from evaluation.permissions import campaign_applications
from evaluation.selectors.conflicts import active_pool
from outputs.linking import LINKED
from outputs.models import Authorship

Kind = Conflict.Kind
MAX_PAPERS_SHOWN = 3
Key = tuple[int, int, str]  # (application id, member id, kind)


@dataclass
class Finding:
    """Evidence gathered for one (application, member, kind)."""

    lines: list[str] = field(default_factory=list)
    details: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    def add(self, line: str, **ids: Any) -> None:
        if line not in self.lines:
            self.lines.append(line)
        for key, value in ids.items():
            if value is not None and value not in self.details[key]:
                self.details[key].append(value)


class _Index:
    """Inverted indexes of the campaign's applications (built in three queries)."""

    def __init__(self, campaign: Campaign, today: Any) -> None:
        self.by_team: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # app, app_team, team
        self.by_unit: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
        self.by_institution: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
        self.by_person: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)  # partner roles
        self.by_user: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
        self.by_email: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
        self.applicant_people: dict[int, set[int]] = defaultdict(set)  # person -> applications
        self.application_ids: list[int] = []

        applications = campaign_applications(campaign).values_list(
            "pk",
            "applicant_id",
            "applicant__email",
            "applicant__person__id",
            "lead_person_id",
            "lead_person__email",
        )
        for app_id, user_id, user_email, user_person, lead_id, lead_email in applications:
            self.application_ids.append(app_id)
            lead, applicant = _("porteur·se du projet"), _("déposant·e de la candidature")
            self._partner(app_id, lead, None, person=lead_id, email=lead_email)
            self._partner(app_id, applicant, None, person=user_person, user=user_id, email=user_email)
        teams = list(
            ApplicationTeam.objects.filter(application_id__in=self.application_ids)
            .exclude(invitation_status=ApplicationTeam.Invitation.DECLINED)
            .values_list(
                "pk",
                "application_id",
                "team_id",
                "team__name",
                "new_team_name",
                "team__unit_id",
                "team__unit__acronym",
                "team__unit__name",
                "institution_id",
                "institution__name",
                "contact_person_id",
                "contact_user_id",
                "contact_user__person__id",
                "contact_email",
            )
        )
        unit_ids = {row[5] for row in teams if row[5]}
        parents: dict[int, list[tuple[int, str]]] = defaultdict(list)
        links = UnitParent.objects.filter(unit_id__in=unit_ids).filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        for unit_id, inst_id, inst_name in links.values_list(
            "unit_id", "institution_id", "institution__name"
        ):
            parents[unit_id].append((inst_id, inst_name))
        for (
            at_id,
            app_id,
            team_id,
            team_name,
            new_team_name,
            unit_id,
            unit_acronym,
            unit_name,
            inst_id,
            inst_name,
            contact_person,
            contact_user,
            contact_user_person,
            contact_email,
        ) in teams:
            label = team_name or new_team_name
            if team_id:
                self.by_team[team_id].append((app_id, at_id, label))
            if unit_id:
                self.by_unit[unit_id].append((app_id, at_id, unit_acronym or unit_name, label))
            if inst_id:
                self.by_institution[inst_id].append((app_id, at_id, inst_name, label))
            for parent_id, parent_name in parents.get(unit_id or 0, []):
                if parent_id != inst_id:
                    self.by_institution[parent_id].append((app_id, at_id, parent_name, label))
            role = _("responsable de l'équipe « %(team)s » du projet") % {"team": label}
            self._partner(app_id, role, at_id, person=contact_person, email=contact_email, user=contact_user)
            self._partner(app_id, role, at_id, person=contact_user_person)

    def _partner(
        self,
        app_id: int,
        role: str,
        at_id: int | None,
        *,
        person: int | None = None,
        user: int | None = None,
        email: str | None = None,
    ) -> None:
        if person:
            self.by_person[person].append((app_id, role, at_id))
            self.applicant_people[person].add(app_id)
        if user:
            self.by_user[user].append((app_id, role, at_id))
        if email:
            self.by_email[email.strip().casefold()].append((app_id, role, at_id))


def _member_rows(campaign: Campaign) -> list[dict[str, Any]]:
    fields = ("pk", "person_id", "user_id", "user__person__id", "person__user_id", "email", "institution_id")
    return [dict(row) for row in active_pool(campaign).values(*fields, "institution__name")]


def _affiliations(person_ids: set[int], today: Any) -> dict[int, list[tuple[Any, ...]]]:
    """person → current affiliations as (team, units, institution, institution name); one query."""
    rows = (
        Affiliation.objects.filter(person_id__in=person_ids)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list(
            "person_id", "team_id", "unit_id", "team__unit_id", "institution_id", "institution__name"
        )
    )
    by_person: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for person_id, team_id, unit_id, team_unit_id, inst_id, inst_name in rows:
        by_person[person_id].append((team_id, {unit_id, team_unit_id} - {None}, inst_id, inst_name))
    return by_person


def _papers(
    person_ids: set[int], since: int
) -> tuple[dict[int, set[int]], dict[int, set[int]], dict[int, Any]]:
    """person → papers, paper → people (among ``person_ids``), paper → (title, year); one query."""
    papers_of: dict[int, set[int]] = defaultdict(set)
    authors_of: dict[int, set[int]] = defaultdict(set)
    info: dict[int, tuple[str, int | None, dict[int, str]]] = {}
    rows = Authorship.objects.filter(
        person_id__in=person_ids, match__in=LINKED, publication__year__gte=since
    ).values_list(
        "person_id",
        "publication_id",
        "publication__title",
        "publication__year",
        "person__first_name",
        "person__last_name",
    )
    for person_id, pub_id, title, year, first, last in rows:
        papers_of[person_id].add(pub_id)
        authors_of[pub_id].add(person_id)
        entry = info.setdefault(pub_id, (title, year, {}))
        entry[2][person_id] = f"{first} {last}".strip()
    return papers_of, authors_of, info


def find_conflicts(campaign: Campaign, today: Any) -> dict[Key, Finding]:
    """Every detected conflict of the campaign: (application, member, kind) → evidence."""
    index = _Index(campaign, today)
    members = _member_rows(campaign)
    member_person = {m["pk"]: m["person_id"] or m["user__person__id"] for m in members}
    people = {p for p in member_person.values() if p}
    affiliations = _affiliations(people, today)
    since = today.year - campaign.coauthorship_years
    papers_of, authors_of, info = _papers(people | set(index.applicant_people), since)
    hits: dict[Key, Finding] = defaultdict(Finding)
    # A national research organisation (Inserm, CNRS…) is a parent of most units: sharing it is
    # no conflict unless the campaign says so.
    national: set[int] = (
        set()
        if campaign.research_organisations_conflict
        else set(
            Institution.objects.filter(category=Institution.Category.RESEARCH_ORGANISATION).values_list(
                "pk", flat=True
            )
        )
    )
    # translated once: a large campaign builds tens of thousands of lines
    team_text = _("Membre de l'équipe « %(team)s », qui participe au projet.")
    unit_text = _("Membre de l'unité « %(unit)s », unité de l'équipe « %(team)s » du projet.")
    institution_text = _(
        "Rattaché·e à « %(institution)s », établissement de l'équipe « %(team)s » du projet."
    )
    partner_text = _("Est %(role)s.")

    for member in members:
        mid, person = member["pk"], member_person[member["pk"]]
        institutions: dict[int, str] = {}
        if member["institution_id"]:
            institutions[member["institution_id"]] = member["institution__name"]
        for team_id, unit_ids, inst_id, inst in affiliations.get(person or 0, []):
            institutions[inst_id] = inst
            for app_id, at_id, label in index.by_team.get(team_id or 0, []):
                line = team_text % {"team": label}
                hits[(app_id, mid, Kind.TEAM)].add(line, teams=team_id, application_teams=at_id)
            for uid in unit_ids:
                for app_id, at_id, unit_label, label in index.by_unit.get(uid, []):
                    line = unit_text % {"unit": unit_label, "team": label}
                    hits[(app_id, mid, Kind.UNIT)].add(line, units=uid, application_teams=at_id)
        for inst_id, inst in institutions.items():
            if inst_id in national:
                continue
            for app_id, at_id, _name, label in index.by_institution.get(inst_id, []):
                line = institution_text % {"institution": inst, "team": label}
                hits[(app_id, mid, Kind.INSTITUTION)].add(line, institutions=inst_id, application_teams=at_id)

        partner_roles = list(index.by_person.get(person or 0, []))
        for user_id in {member["user_id"], member["person__user_id"]}:
            if user_id:
                partner_roles += index.by_user.get(user_id, [])
        partner_roles += index.by_email.get((member["email"] or "").strip().casefold(), [])
        for app_id, role, partner_team in partner_roles:
            line = partner_text % {"role": role}
            hits[(app_id, mid, Kind.PARTNER)].add(line, application_teams=partner_team)

        shared: dict[int, dict[int, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )  # app → paper → authors
        for pub_id in papers_of.get(person or 0, ()):
            for coauthor in authors_of[pub_id] - {person}:
                for app_id in index.applicant_people.get(coauthor, ()):
                    shared[app_id][pub_id].add(coauthor)
        for app_id, pubs in shared.items():
            hits[(app_id, mid, Kind.COAUTHOR)] = _coauthor_hit(pubs, info, since)
    return hits


def _coauthor_hit(pubs: dict[int, set[int]], info: dict[int, Any], since: int) -> Finding:
    ordered = sorted(pubs, key=lambda p: (-(info[p][1] or 0), info[p][0]))
    coauthors = sorted({c for people in pubs.values() for c in people})
    names = sorted({info[p][2][c] for p in ordered for c in pubs[p]})
    hit = Finding()
    hit.lines.append(
        ngettext(
            "%(count)d publication commune depuis %(since)d avec %(names)s :",
            "%(count)d publications communes depuis %(since)d avec %(names)s :",
            len(ordered),
        )
        % {"count": len(ordered), "since": since, "names": ", ".join(names)}
    )
    for pub_id in ordered[:MAX_PAPERS_SHOWN]:
        hit.lines.append(f"« {info[pub_id][0]} » ({info[pub_id][1]})")
    if len(ordered) > MAX_PAPERS_SHOWN:
        hit.lines.append(_("… et %(n)d autre(s).") % {"n": len(ordered) - MAX_PAPERS_SHOWN})
    hit.details["publications"] = ordered
    hit.details["coauthors"] = coauthors
    hit.details["since"] = [since]
    return hit

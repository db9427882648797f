"""Expert search, "find collaborators" and "suggest reviewers": ranked people with evidence.

Every function scores with the index (``index.py``), keeps the people the filters allow, and
then reads the few rows it shows with a fixed number of queries. What a viewer sees of a person
goes through ``directory.selectors.visible_person_fields``: hidden affiliations and keywords are
neither shown nor usable as a filter (the institution filter only keeps people whose
affiliations the viewer may see). Publications are public records and are shown as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Prefetch, Q
from django.utils import timezone

from directory.models import Affiliation, Person, Platform, Team
from directory.selectors import current_affiliations, shown_to, visible_person_fields
from expertise.engine.text import fit_lexical_model
from expertise.models import IndexState
from expertise.selectors.index import ExpertiseIndex, Query, Scores, get_index, index_state
from outputs.linking import LINKED
from outputs.models import Authorship

PEOPLE_SHOWN = 20
TEAMS_SHOWN = 10
PLATFORMS_SHOWN = 10
TEAM_POOL = 300  # the best people whose teams are aggregated
MIN_SCORE = 1e-6


@dataclass(frozen=True)
class ExpertFilters:
    institution: int | None = None
    career_stage: str = ""
    exclude_institutions: tuple[int, ...] = ()
    exclude_people: tuple[int, ...] = ()


@dataclass(frozen=True)
class PaperHit:
    pk: int
    title: str
    year: int | None
    similarity: float


@dataclass(frozen=True)
class Conflict:
    kind: str  # "institution" (works at an excluded institution) or "coauthor" (of an excluded person)
    detail: str  # the institution's name, or the year of the joint paper


@dataclass
class PersonHit:
    person: Person
    score: float
    papers: list[PaperHit]
    terms: list[str]
    fields: set[str]
    affiliations: list[Affiliation]
    keywords: list[Any]
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass
class TeamHit:
    team: Team
    score: float
    members: list[tuple[Person, float]]


@dataclass
class PlatformHit:
    platform: Platform
    score: float
    terms: list[str]


@dataclass
class Outcome:
    """A ranked answer and the facts the page states about the index."""

    method: str
    indexed: int
    building: bool
    percent: int
    people: list[PersonHit] = field(default_factory=list)
    teams: list[TeamHit] = field(default_factory=list)
    platforms: list[PlatformHit] = field(default_factory=list)
    candidates: int = 0  # people with a positive score, before the cut


def _status(state: dict[str, Any], index: ExpertiseIndex) -> Outcome:
    building = state["status"] == IndexState.Status.BUILDING
    percent = int(100 * state["done"] / state["total"]) if state["total"] else 0
    return Outcome(method=index.method, indexed=index.size, building=building, percent=percent)


def index_status() -> Outcome:
    state = index_state()
    return _status(state, get_index(state))


def _allowed(index: ExpertiseIndex, filters: ExpertFilters, viewer: Any) -> np.ndarray:
    """Boolean mask over the index's people (one query when any filter is set)."""
    mask = np.ones(len(index.person_ids), dtype=bool)
    current = Affiliation.objects.filter(end__isnull=True)
    if filters.institution or filters.career_stage:
        people = Person.objects.all()
        if filters.institution:
            people = people.filter(
                shown_to(viewer, "affiliations"),
                pk__in=current.filter(institution_id=filters.institution).values("person_id"),
            )
        if filters.career_stage:
            people = people.filter(career_stage=filters.career_stage)
        mask &= np.isin(index.person_ids, np.fromiter(people.values_list("pk", flat=True), dtype=np.int64))
    if filters.exclude_institutions:
        away = current.filter(institution_id__in=filters.exclude_institutions).values_list(
            "person_id", flat=True
        )
        mask &= ~np.isin(index.person_ids, np.fromiter(away, dtype=np.int64))
    if filters.exclude_people:
        mask &= ~np.isin(index.person_ids, np.asarray(filters.exclude_people, dtype=np.int64))
    return mask


def _best(scores: Scores, mask: np.ndarray, count: int) -> tuple[np.ndarray, int]:
    values = np.where(mask & (scores.person > MIN_SCORE), scores.person, -np.inf)
    candidates = int(np.isfinite(values).sum())
    count = min(count, candidates)
    if count == 0:
        return np.zeros(0, dtype=np.int64), 0
    top = np.argpartition(-values, count - 1)[:count]
    return top[np.argsort(-values[top], kind="stable")], candidates


def _people(
    index: ExpertiseIndex, rows: np.ndarray, scores: Scores, query: Query, viewer: Any
) -> list[PersonHit]:
    ids = [int(index.person_ids[r]) for r in rows]
    found = Person.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("affiliations", queryset=current_affiliations(), to_attr="current_affiliations"), "keywords"
    )
    by_pk = {p.pk: p for p in found}
    hits = []
    for row, pk in zip(rows, ids, strict=True):
        person = by_pk.get(pk)
        if person is None:  # deleted since the index was loaded
            continue
        fields = visible_person_fields(viewer, person)
        papers = [
            PaperHit(pub, index.titles[index.row_of_pub[pub]], index.years[index.row_of_pub[pub]], sim)
            for pub, sim in index.evidence(int(row), scores.paper)
        ]
        hits.append(
            PersonHit(
                person=person,
                score=round(float(scores.person[row]), 3),
                papers=papers,
                terms=index.matched_terms(int(row), query),
                fields=fields,
                affiliations=list(person.current_affiliations) if "affiliations" in fields else [],
                keywords=list(person.keywords.all()) if "keywords" in fields else [],
            )
        )
    return hits


def _teams(index: ExpertiseIndex, scores: Scores, mask: np.ndarray, viewer: Any) -> list[TeamHit]:
    """Teams ranked by their best members (the engine's top-k weights over member scores)."""
    rows, _ = _best(scores, mask, TEAM_POOL)
    score_of = {int(index.person_ids[r]): float(scores.person[r]) for r in rows}
    links = (
        Affiliation.objects.filter(person_id__in=list(score_of), end__isnull=True, team__isnull=False)
        .filter(shown_to(viewer, "affiliations", prefix="person__"))
        .values_list("team_id", "person_id")
        .distinct()
    )
    members: dict[int, list[int]] = defaultdict(list)
    for team_id, person_id in links:
        members[team_id].append(person_id)
    weights = index.config.top_k_weights
    ranked = []
    for team_id, people in members.items():
        best = sorted((score_of[p] for p in people), reverse=True)[: len(weights)]
        w = weights[: len(best)]
        ranked.append((sum(a * b for a, b in zip(w, best, strict=True)) / sum(w), team_id))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    ranked = ranked[:TEAMS_SHOWN]
    teams = Team.objects.select_related("unit").in_bulk([t for _, t in ranked])
    shown = {p for _, t in ranked for p in members[t]}
    person_of = Person.objects.only("pk", "first_name", "last_name").in_bulk(list(shown))
    out = []
    for score, team_id in ranked:
        if team_id in teams:
            team_members = sorted(
                ((person_of[p], round(score_of[p], 3)) for p in members[team_id] if p in person_of),
                key=lambda pair: -pair[1],
            )
            out.append(TeamHit(team=teams[team_id], score=round(score, 3), members=team_members[:3]))
    return out


def _platforms(index: ExpertiseIndex, text: str) -> list[PlatformHit]:
    """Platforms by TF-IDF cosine of their technologies, services, equipment and presentation."""
    platforms = list(
        Platform.objects.select_related("host_institution").prefetch_related("technologies").order_by("name")
    )
    if not platforms:
        return []
    analyzer = index.analyzer
    analyses = [
        analyzer.analyze(
            f"{p.name} {p.acronym}",
            "; ".join(t.label for t in p.technologies.all()),
            p.services,
            p.equipment,
            p.description,
        )
        for p in platforms
    ]
    query = analyzer.analyze(text)
    model = fit_lexical_model([a.terms for a in analyses] + [query.terms], index.config.bigram_weight)
    matrix = model.tfidf([a.terms for a in analyses])
    query_row = model.tfidf([query.terms])
    sims = (matrix @ query_row.T).toarray().ravel()
    query_terms = set(query.terms)
    hits = []
    for i in np.argsort(-sims, kind="stable")[:PLATFORMS_SHOWN]:
        if sims[i] <= MIN_SCORE:
            break
        terms = [query.surface[t] for t in dict.fromkeys(analyses[i].terms) if t in query_terms]
        hits.append(PlatformHit(platforms[i], round(float(sims[i]), 3), list(dict.fromkeys(terms))[:8]))
    return hits


def expert_search(query: str, filters: ExpertFilters, viewer: Any) -> Outcome:
    """People, teams and platforms for a free-text query, each with its evidence."""
    state = index_state()
    index = get_index(state)
    outcome = _status(state, index)
    if not query.strip():
        return outcome
    outcome.platforms = _platforms(index, query)
    if not index.size:
        return outcome
    compiled = index.text_query(query)
    scores = index.score(compiled)
    outcome.method = scores.method
    mask = _allowed(index, filters, viewer)
    rows, outcome.candidates = _best(scores, mask, PEOPLE_SHOWN)
    outcome.people = _people(index, rows, scores, compiled, viewer)
    outcome.teams = _teams(index, scores, mask, viewer)
    return outcome


def _current_institutions(person: Person) -> tuple[int, ...]:
    return tuple(
        sorted(
            set(
                Affiliation.objects.filter(person=person, end__isnull=True).values_list(
                    "institution_id", flat=True
                )
            )
        )
    )


def find_collaborators(person: Person, viewer: Any, *, exclude_coauthors: bool = True) -> Outcome | None:
    """People outside ``person``'s institutions whose papers resemble ``person``'s; None when
    ``person`` has no indexed publication."""
    state = index_state()
    index = get_index(state)
    outcome = _status(state, index)
    row = index.row_of_person.get(person.pk)
    if row is None:
        return None
    excluded = {person.pk}
    if exclude_coauthors:
        papers = index.papers_of(row)
        excluded |= {int(index.person_ids[r]) for r in index.own_person[np.isin(index.own_pub, papers)]}
    filters = ExpertFilters(
        exclude_institutions=_current_institutions(person), exclude_people=tuple(sorted(excluded))
    )
    query = index.person_query(row)
    scores = index.score(query)
    outcome.method = scores.method
    rows, outcome.candidates = _best(scores, _allowed(index, filters, viewer), PEOPLE_SHOWN)
    outcome.people = _people(index, rows, scores, query, viewer)
    return outcome


def suggest_reviewers(
    text: str,
    viewer: Any,
    *,
    exclude_people: tuple[int, ...] = (),
    exclude_institutions: tuple[int, ...] = (),
    coauthor_years: int = 5,
    hide_conflicts: bool = False,
) -> Outcome:
    """Reviewers for ``text``: excluded people left out; people at an excluded institution or
    co-authors of an excluded person in the last ``coauthor_years`` years flagged (or hidden)."""
    state = index_state()
    index = get_index(state)
    outcome = _status(state, index)
    if not text.strip() or not index.size:
        return outcome
    conflicts = _conflicts(exclude_people, exclude_institutions, coauthor_years)
    filters = ExpertFilters(
        exclude_people=tuple(sorted(set(exclude_people) | (set(conflicts) if hide_conflicts else set())))
    )
    query = index.text_query(text)
    scores = index.score(query)
    outcome.method = scores.method
    rows, outcome.candidates = _best(scores, _allowed(index, filters, viewer), PEOPLE_SHOWN)
    outcome.people = _people(index, rows, scores, query, viewer)
    for hit in outcome.people:
        hit.conflicts = conflicts.get(hit.person.pk, [])
    return outcome


def _conflicts(
    exclude_people: tuple[int, ...], exclude_institutions: tuple[int, ...], years: int
) -> dict[int, list[Conflict]]:
    """person id -> reasons for a possible conflict of interest (two queries at most)."""
    reasons: dict[int, list[Conflict]] = defaultdict(list)
    if exclude_institutions:
        same = Affiliation.objects.filter(end__isnull=True, institution_id__in=exclude_institutions)
        for person_id, name in same.values_list("person_id", "institution__name").distinct():
            reasons[person_id].append(Conflict("institution", name))
    if exclude_people:
        since = timezone.localdate().year - years
        their_papers = Authorship.objects.filter(
            person_id__in=exclude_people, match__in=LINKED, publication__year__gte=since
        ).values("publication_id")
        pairs = (
            Authorship.objects.filter(publication_id__in=their_papers, match__in=LINKED, person__isnull=False)
            .exclude(person_id__in=exclude_people)
            .filter(Q(publication__year__gte=since))
            .values_list("person_id", "publication__year")
            .distinct()
        )
        latest: dict[int, int] = {}
        for person_id, year in pairs:
            latest[person_id] = max(latest.get(person_id, 0), year or 0)
        for person_id, year in latest.items():
            reasons[person_id].append(Conflict("coauthor", str(year)))
    return dict(reasons)

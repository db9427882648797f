"""Demo publications for the demo people: plausible, deterministic, fast (bulk inserts).

``seed_publications(rng, people)`` gives each person 3 to 25 papers on the topics of their own
keywords (``demo_topics``), written in English and sometimes in French, with abstracts of three to
six sentences; co-authors come from the same team, sometimes from another institution working on
the same topic, and sometimes from outside the network (unlinked authors). A few authors are left
ambiguous between two namesakes, so that the review queue has work. DOIs use the test prefix
10.5555; years run from 2012 to 2026. The same ``rng`` state gives the same publications.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any

from django.db import connection

from directory.models import Affiliation, Person
from outputs import demo_topics as T
from outputs.models import AuthorCandidate, Authorship, Publication
from outputs.text import fold, title_key

YEARS = (2012, 2026)
FRENCH_SHARE = 0.2
OTHER_INSTITUTION_SHARE = 0.25
EXTERNAL_SHARE = 0.3
AMBIGUOUS_PAPERS = 30
BATCH = 2000
Match = Authorship.Match


@dataclass(eq=False)  # identity: two members are never "equal"
class _Member:
    person: Person
    topics: list[int]
    team: int | None
    institution: int | None
    affiliation: str
    target: int
    count: int = 0


@dataclass
class _Paper:
    publication: Publication
    authors: list[tuple[str, str, str, str, int | None]] = field(
        default_factory=list
    )  # family, given, orcid, aff, pk


def _topics_of(labels: list[str]) -> list[int]:
    found = []
    for label in labels:
        folded = fold(label)
        found += [i for i, topic in enumerate(T.TOPICS) if any(k in folded for k in topic.keywords)]
    return sorted(set(found))


def _members(rng: Random, people: Sequence[Person], counts: tuple[int, int]) -> list[_Member]:
    ids = [p.pk for p in people]
    labels: dict[int, list[str]] = defaultdict(list)
    through = Person.keywords.through
    for person_id, label in through.objects.filter(person_id__in=ids).values_list(
        "person_id", "keyword__label"
    ):
        labels[person_id].append(label)
    where: dict[int, Affiliation] = {}
    affiliations = Affiliation.objects.filter(person_id__in=ids, end__isnull=True).select_related(
        "team", "unit", "institution"
    )
    for row in affiliations.order_by("-is_primary", "pk"):
        where.setdefault(row.person_id, row)
    low, high = counts
    members = []
    for person in sorted(people, key=lambda p: p.pk):
        a = where.get(person.pk)
        topics = _topics_of(labels[person.pk]) or [rng.randrange(len(T.TOPICS))]
        text = ", ".join(
            part
            for part in (
                a.team.name if a and a.team else "",
                f"{a.unit.code} {a.unit.name}".strip() if a and a.unit else "",
                a.institution.name if a else "",
                a.institution.city if a else "",
            )
            if part
        )
        junior = person.career_stage in ("phd_student", "postdoc")
        target = (
            rng.randint(low, min(high, low + 9))
            if junior
            else rng.randint(low + 2 if high > low + 2 else low, high)
        )
        members.append(
            _Member(
                person,
                topics,
                a.team_id if a else None,
                a.institution_id if a else None,
                text + (", France" if text else ""),
                target,
            )
        )
    return members


@dataclass(frozen=True)
class _Subject:
    """What one paper is about: its topics, disease and method, in its language."""

    terms: tuple[str, ...]
    others: tuple[str, ...]
    disease: str
    method: str
    french: bool


def _subject(rng: Random, topic: T.Topic, second: T.Topic, french: bool) -> _Subject:
    k = 1 if french else 0
    return _Subject(
        terms=topic.fr if french else topic.en,
        others=second.fr if french else second.en,
        disease=rng.choice(topic.diseases or T.SOLID)[k],
        method=rng.choice(T.METHODS)[k],
        french=french,
    )


def _fill(template: str, subject: _Subject, rng: Random) -> str:
    a, b = rng.sample(subject.terms, 2)
    if subject.others is not subject.terms and rng.random() < 0.4:
        b = rng.choice(subject.others)
    hr = f"{rng.uniform(1.3, 3.2):.2f}"
    text = template.format(
        a=a, A=a[:1].upper() + a[1:], b=b, c=subject.method, disease=subject.disease,
        n=rng.choice((42, 86, 120, 180, 240, 312, 450, 1200)), hr=hr.replace(".", ",") if subject.french else hr,
    )  # fmt: skip
    if subject.french:
        for wrong, right in (
            (" de les ", " des "),
            (" de le ", " du "),
            (" à les ", " aux "),
            (" à le ", " au "),
        ):
            text = text.replace(wrong, right)
        text = text.replace("De les ", "Des ").replace("De le ", "Du ")
    return text


def _text(rng: Random, topic: T.Topic, second: T.Topic, french: bool) -> tuple[str, str, list[str]]:
    subject = _subject(rng, topic, second, french)
    titles, sentences = (T.FR_TITLES, T.FR_SENTENCES) if french else (T.EN_TITLES, T.EN_SENTENCES)
    title = _fill(rng.choice(titles), subject, rng)
    parts = ["background", "methods"] + ["results"] * rng.randint(0, 2) + ["conclusion"]
    abstract = " ".join(_fill(rng.choice(sentences[part]), subject, rng) for part in parts)
    keywords = rng.sample(subject.terms, min(len(subject.terms), rng.randint(3, 5)))
    return title, abstract, keywords


def _coauthors(
    rng: Random, lead: _Member, team: list[_Member], by_topic: dict[int, list[_Member]], topic: int, cap: int
) -> list[_Member]:
    colleagues = [m for m in team if m is not lead and m.count < cap]
    chosen = rng.sample(colleagues, min(len(colleagues), rng.randint(1, 5)))
    if rng.random() < OTHER_INSTITUTION_SHARE and by_topic[topic]:
        pool = by_topic[topic]  # a few random draws: filtering thousands of people per paper is too slow
        draws = {id(m): m for m in (rng.choice(pool) for _ in range(8))}.values()
        others = [m for m in draws if m.institution != lead.institution and m.count < cap and m not in chosen]
        chosen += others[: rng.randint(1, 2)]
    return chosen


def _paper(rng: Random, lead: _Member, coauthors: list[_Member], number: int) -> _Paper:
    topic = T.TOPICS[rng.choice(lead.topics)]
    second = T.TOPICS[rng.choice(lead.topics)]
    french = rng.random() < FRENCH_SHARE
    title, abstract, keywords = _text(rng, topic, second, french)
    year = rng.randint(*YEARS)
    pub = Publication(
        kind=rng.choices(["article", "review", "conference", "preprint"], weights=[80, 10, 7, 3])[0],
        title=title,
        title_key=title_key(title),
        abstract=abstract,
        language="fr" if french else "en",
        year=year,
        venue=rng.choice(T.FR_JOURNALS if french else T.EN_JOURNALS),
        volume=str(rng.randint(1, 140)),
        pages=f"{(start := rng.randint(1, 900))}-{start + rng.randint(5, 14)}",
        doi=f"10.5555/canc.{year}.{number:05d}",
        keywords=keywords,
        sources=["demo"],
    )
    paper = _Paper(pub)
    people = [lead, *coauthors]
    if len(people) > 2 and rng.random() < 0.6:  # the senior author signs last
        people.append(people.pop(1))
    for m in people:
        m.count += 1
        paper.authors.append(
            (m.person.last_name, m.person.first_name, m.person.orcid, m.affiliation, m.person.pk)
        )
    if rng.random() < EXTERNAL_SHARE:
        for family, given, place in rng.sample(T.EXTERNAL_AUTHORS, rng.randint(1, 3)):
            paper.authors.insert(rng.randint(1, len(paper.authors)), (family, given, "", place, None))
    return paper


def _namesakes(members: list[_Member]) -> list[tuple[_Member, _Member]]:
    groups: dict[tuple[str, str], list[_Member]] = defaultdict(list)
    for m in members:
        groups[(fold(m.person.last_name), fold(m.person.first_name)[:1])].append(m)
    return [(g[0], g[1]) for g in groups.values() if len(g) > 1]


def seed_publications(
    rng: Random, people: Sequence[Person], count_per_person: tuple[int, int] = (3, 25)
) -> dict[str, Any]:
    """Generate and insert the demo publications of ``people`` (see the module)."""
    members = _members(rng, people, count_per_person)
    cap = count_per_person[1]
    teams: dict[int | None, list[_Member]] = defaultdict(list)
    by_topic: dict[int, list[_Member]] = defaultdict(list)
    for m in members:
        if m.team is not None:
            teams[m.team].append(m)
        for t in m.topics:
            by_topic[t].append(m)
    papers: list[_Paper] = []
    for lead in members:
        while lead.count < lead.target:
            topic = rng.choice(lead.topics)
            team = teams.get(lead.team, []) if lead.team is not None else []
            papers.append(
                _paper(rng, lead, _coauthors(rng, lead, team, by_topic, topic, cap), len(papers) + 1)
            )
    Publication.objects.bulk_create([p.publication for p in papers], batch_size=BATCH)
    rows = []
    for paper in papers:
        for position, (family, given, orcid, affiliation, pk) in enumerate(paper.authors, start=1):
            match = (Match.ORCID if orcid else Match.NAME_AFFILIATION) if pk else Match.UNMATCHED
            rows.append(
                (
                    paper.publication.pk,
                    position,
                    f"{family}, {given}",
                    family,
                    given,
                    orcid,
                    affiliation,
                    pk,
                    str(match),
                )
            )
    _insert_authorships(rows)
    ambiguous = _ambiguous(rng, papers, members)
    Authorship.objects.bulk_create([a for a, _candidates in ambiguous])
    AuthorCandidate.objects.bulk_create(
        [
            AuthorCandidate(authorship=a, person_id=pk, score=0.5, reason=why)
            for a, c in ambiguous
            for pk, why in c
        ]
    )
    return {
        "publications": len(papers),
        "authorships": len(rows) + len(ambiguous),
        "ambiguous": len(ambiguous),
    }


def _insert_authorships(rows: list[tuple[Any, ...]]) -> None:
    """Tens of thousands of plain rows: ``executemany`` rather than model instances (much faster)."""
    columns = (
        "publication_id", "position", "name", "family_name", "given_names", "orcid", "affiliation", "person_id", "match",
    )  # fmt: skip
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values as parameters
        quote(Authorship._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _ambiguous(
    rng: Random, papers: list[_Paper], members: list[_Member]
) -> list[tuple[Authorship, list[tuple[int, str]]]]:
    """A last author, on a few papers, who could be either of two namesakes of the directory."""
    pairs = _namesakes(members)
    if not pairs or not papers:
        return []
    reason = "nom compatible, affiliation non publiée"
    made = []
    for paper in rng.sample(papers, min(AMBIGUOUS_PAPERS, len(papers))):
        first, second = rng.choice(pairs)
        if any(pk in (first.person.pk, second.person.pk) for *_rest, pk in paper.authors):
            continue
        authorship = Authorship(
            publication=paper.publication,
            position=len(paper.authors) + 1,
            name=f"{first.person.last_name} {first.person.first_name[:1]}",
            family_name=first.person.last_name,
            given_names=first.person.first_name[:1],
            match=Match.AMBIGUOUS,
        )
        made.append((authorship, [(first.person.pk, reason), (second.person.pk, reason)]))
    return made

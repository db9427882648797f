"""Time of the collaboration network (``expertise.collaboration``) on a large synthetic set.

Builds (deterministic seed, with ``bulk_create``) a network of 60 institutions, 400 units, 1,700
teams and 20,000 people, a third of whom moved once (two dated affiliations), and 150,000
publications over 2010–2024 with 3 linked authors on average (plus unlinked ones), authors
drawn mostly from one team's neighbourhood so that the graph has structure. Then times, through
the pages' own selectors: the institution graph over 5 years and over all years, the same
focused on one institution, the team graph (strongest 150 pairs, as the page draws it), the
inter-institution share and the year-by-year series; and counts the SQL queries of each.

SQLite (default): a fresh file under ``<tmp>/canceropole-bench-collab/`` (``--data-dir``), reused
when it already holds the same size. PostgreSQL: ``DATABASE_URL=postgresql:///canceropole_bench``
(a database of its own, with "bench" in its name: it is emptied and refilled when it does not match).

Usage: ``.venv/bin/python bench/collaboration.py [--people 20000] [--publications 150000]
[--repeat 3] [--refill]``.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_YEAR, LAST_YEAR = 2010, 2024
KINDS = ("member",) * 7 + ("partner",) * 14 + ("other",) * 39


def _setup(data_dir: Path) -> None:
    os.environ["CANCEROPOLE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DJANGO_DEBUG"] = "false"  # no query log growing in memory
    data_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _wipe() -> None:
    from directory.models import Affiliation, Institution, Person, Team, Unit, UnitParent
    from outputs.models import Authorship, Publication

    for model in (Authorship, Publication, Affiliation, Person, Team, UnitParent, Unit, Institution):
        model.objects.all().delete()


def _fill(people: int, publications: int, seed: int) -> None:
    from directory.models import Affiliation, Institution, Person, Team, Unit, UnitParent
    from outputs.models import Authorship, Publication

    rng = Random(seed)
    started = time.perf_counter()
    _wipe()
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Établissement {i}", acronym=f"E{i}", kind=kind) for i, kind in enumerate(KINDS)
    )
    weights = [8 if i.kind == "member" else 3 if i.kind == "partner" else 1 for i in institutions]
    units = Unit.objects.bulk_create(Unit(name=f"Unité {i}", acronym=f"U{i}") for i in range(400))
    home = {u.pk: rng.choices(institutions, weights)[0] for u in units}
    UnitParent.objects.bulk_create(UnitParent(unit=u, institution=home[u.pk]) for u in units)
    teams = Team.objects.bulk_create(
        Team(name=f"Équipe {i}", unit=units[i % len(units)]) for i in range(1700)
    )
    persons = Person.objects.bulk_create(
        (Person(first_name=f"P{i}", last_name=f"N{i}") for i in range(people)), batch_size=2000
    )
    member_of: dict[int, list[int]] = {t.pk: [] for t in teams}
    affiliations = []
    for person in persons:
        team = rng.choice(teams)
        member_of[team.pk].append(person.pk)
        institution = home[team.unit_id]
        if rng.random() < 0.33:  # moved once: a dated past affiliation elsewhere, then the current one
            moved = rng.randint(FIRST_YEAR + 2, LAST_YEAR - 2)
            before = rng.choice(teams)
            affiliations.append(
                Affiliation(
                    person=person,
                    institution=home[before.unit_id],
                    unit_id=before.unit_id,
                    team=before,
                    start=date(FIRST_YEAR - 5, 1, 1),
                    end=date(moved - 1, 12, 31),
                )
            )
            affiliations.append(
                Affiliation(
                    person=person,
                    institution=institution,
                    unit_id=team.unit_id,
                    team=team,
                    start=date(moved, 1, 1),
                    is_primary=True,
                )
            )
        else:
            affiliations.append(
                Affiliation(
                    person=person, institution=institution, unit_id=team.unit_id, team=team, is_primary=True
                )
            )
    Affiliation.objects.bulk_create(affiliations, batch_size=5000)
    staffed = [t.pk for t in teams if member_of[t.pk]]
    everyone = [p.pk for p in persons]
    pubs = Publication.objects.bulk_create(
        (
            Publication(
                title=f"Publication {i}",
                title_key=f"publication {i}",
                year=rng.randint(FIRST_YEAR, LAST_YEAR),
            )
            for i in range(publications)
        ),
        batch_size=5000,
    )
    linked = Authorship.Match.ORCID
    batch: list[Any] = []
    for pub in pubs:
        team = rng.choice(staffed)
        authors = set(rng.sample(member_of[team], min(len(member_of[team]), rng.randint(1, 3))))
        authors.update(rng.sample(everyone, rng.choice((0, 0, 1, 1, 2))))  # collaborators elsewhere
        rows = [
            Authorship(publication=pub, position=n + 1, name=f"A{p}", person_id=p, match=linked)
            for n, p in enumerate(authors)
        ]
        rows += [
            Authorship(publication=pub, position=len(rows) + n + 1, name=f"X{n}")
            for n in range(rng.randint(1, 4))
        ]
        batch += rows
        if len(batch) >= 20_000:
            Authorship.objects.bulk_create(batch)
            batch = []
    Authorship.objects.bulk_create(batch)
    print(f"Filled in {time.perf_counter() - started:.1f} s.")


def _ensure(people: int, publications: int, seed: int, refill: bool) -> None:
    from django.core.management import call_command

    from directory.models import Person
    from outputs.models import Publication

    call_command("migrate", interactive=False, verbosity=0)
    if not refill and Person.objects.count() == people and Publication.objects.count() == publications:
        print("Reusing the synthetic set already in the database.")
        return
    print(f"Filling {people:,} people and {publications:,} publications…", flush=True)
    _fill(people, publications, seed)


def _time(label: str, call: Callable[[], Any], repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    detail = ""
    if hasattr(result, "stats"):
        s = result.stats
        detail = (
            f"{s['publications']:>7,} pubs, {s['share_inter_institution']:.1%} inter-inst., "
            f"{s['pairs']:>6,} pairs, {len(result.nodes):>4} nodes"
        )
    elif hasattr(result, "share"):
        detail = f"{result.publications:>7,} pubs, {result.share:.1%} inter-inst."
    else:
        detail = f"{len(result)} years"
    print(f"  {label:<44} {statistics.median(times):>8.0f} {max(times):>8.0f} {len(queries):>4}   {detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--publications", type=int, default=150_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--refill", action="store_true")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "canceropole-bench-collab"
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if url and "bench" not in url.rsplit("/", 1)[-1]:
        parser.error(
            "DATABASE_URL must name a database of its own, with 'bench' in its name (it is emptied)."
        )
    _setup(args.data_dir)

    import django
    from django.db import connection

    from directory.models import Affiliation, Institution
    from expertise import collaboration as c
    from outputs.models import Authorship

    _ensure(args.people, args.publications, args.seed, args.refill)
    linked = Authorship.objects.filter(person__isnull=False).count()
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"Data: {args.people:,} people, {Affiliation.objects.count():,} affiliations, "
        f"{args.publications:,} publications, {linked:,} linked authorships"
    )
    focus = Institution.objects.filter(kind="member").order_by("pk").values_list("pk", flat=True).first()
    last = LAST_YEAR
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("institutions, 5 years", lambda: c.collaboration_graph(year_from=last - 4, year_to=last)),
        ("institutions, all years", lambda: c.collaboration_graph()),
        (
            "institutions, 5 years, min 20",
            lambda: c.collaboration_graph(year_from=last - 4, year_to=last, min_weight=20),
        ),
        (
            "institutions, 5 years, focus on one",
            lambda: c.collaboration_graph(year_from=last - 4, year_to=last, institution=focus),
        ),
        (
            "teams, 5 years, strongest 150",
            lambda: c.collaboration_graph(level="team", year_from=last - 4, year_to=last, limit=150),
        ),
        ("teams, all years (every pair)", lambda: c.collaboration_graph(level="team")),
        ("inter-institution share, 5 years", lambda: c.inter_institution_share(last - 4, last)),
        ("yearly series, all years", lambda: c.yearly_series(FIRST_YEAR, last)),
    ]
    print(
        f"\n  {'case':<44} {'median':>8} {'max':>8} {'SQL':>4}   result  (ms, {args.repeat} runs after one counted)"
    )
    for label, call in cases:
        _time(label, call, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

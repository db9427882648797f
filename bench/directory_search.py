"""Latency of the directory's people search on the large demo set, through the pages' own code path.

Seeds the demo network (``manage.py seed_demo``) into a database of its own, or reuses it when it
already holds the same size and seed, then runs a realistic mix of searches the way the people
page does: ``selectors.search_people`` → paginator (count + first page) → rows with their prefetched
current affiliations and keywords → per-row field visibility. Each mix runs for an anonymous
visitor and for a signed-in member (they search different texts). Prints the median and 95th
percentile per query type and overall, the SQL queries per page, and the database used.

SQLite (default): a file under ``<tmp>/canceropole-bench/`` (``--data-dir`` to change).
PostgreSQL: ``DATABASE_URL=postgresql:///canceropole_bench`` (create it first with ``createdb``); the
database name must contain "bench" (it is wiped and reseeded when its content does not match).

Usage: ``.venv/bin/python bench/directory_search.py [--size large|small] [--seed 1] [--scale 1]
[--repeat 5] [--reseed]``.
"""

import argparse
import io
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEYWORDS = (
    "immunothérapie",
    "single-cell",
    "cancer du sein",
    "radiobiologie",
    "oncogériatrie",
    "organoïdes",
    "glioblastome",
    "biopsie liquide",
    "deep learning",
    "épigénétique",
)
KEYWORD_AND_PLACE = (
    "immunothérapie paris",
    "radiothérapie villejuif",
    "leucémies saint-louis",
    "épidémiologie inserm",
    "organoïdes curie",
    "imagerie orsay",
    "sein cnrs",
    "lymphomes cochin",
)


def _setup(data_dir: Path) -> None:
    os.environ["CANCEROPOLE_DATA_DIR"] = str(data_dir)  # where SQLite lives when DATABASE_URL is unset
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DJANGO_DEBUG"] = "false"  # no query log growing in memory
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    data_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _database_label() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]} ({connection.settings_dict['NAME']})"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0]} ({connection.settings_dict['NAME']})"


def _ensure_data(*, size: str, seed: int, scale: float, reseed: bool) -> None:
    from django.core.management import call_command

    from core.models import AuditEntry
    from directory.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    last = AuditEntry.objects.filter(action="directory.demo.seeded").order_by("-created_at", "-id").first()
    wanted = {"size": size, "seed": seed, "scale": scale}
    if (
        not reseed
        and last is not None
        and all(last.data.get(key) == value for key, value in wanted.items())
        and Person.objects.count() == last.data["counts"]["people"]
    ):
        print(f"Reusing the demo set seeded on {last.created_at:%Y-%m-%d %H:%M} ({last.data['digest']}).")
        return
    print(f"Seeding the {size} demo set (seed {seed}, scale {scale})…", flush=True)
    started = time.perf_counter()
    output = io.StringIO()
    call_command("seed_demo", size=size, seed=seed, scale=scale, reset=True, stdout=output)
    print(f"Seeded in {time.perf_counter() - started:.1f} s (steps below).")
    steps = output.getvalue().split("\n\n")[0].splitlines()  # counts and timings, not the accounts
    print("\n".join(line for line in steps if line.startswith("  ")) + "\n")


@dataclass
class Case:
    kind: str
    filters: Any
    page: int = 1


@dataclass
class Result:
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)


def _cases(rng: Random) -> list[Case]:
    from django.db.models import Count

    from directory.models import CareerStage, Institution, Keyword, Person
    from directory.selectors import PersonFilters

    names = list(Person.objects.order_by("pk").values_list("first_name", "last_name"))
    sample = rng.sample(names, 10)
    institutions = list(
        Institution.objects.filter(affiliations__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    themes = list(Keyword.objects.filter(is_theme=True).order_by("pk").values_list("pk", flat=True))
    stages = [s for s in CareerStage.values if s != CareerStage.OTHER]
    cases = [Case("browse, page 1", PersonFilters())]
    cases += [Case("browse, deep page", PersonFilters(), page=p) for p in (40, 200, 400)]
    cases += [Case("surname", PersonFilters(q=last)) for _, last in sample]
    cases += [Case("first name + surname", PersonFilters(q=f"{first} {last}")) for first, last in sample]
    cases += [Case("typing (3 letters)", PersonFilters(q=last[:3])) for _, last in sample]
    cases += [Case("keyword", PersonFilters(q=q)) for q in KEYWORDS]
    cases += [Case("keyword + place", PersonFilters(q=q)) for q in KEYWORD_AND_PLACE]
    cases += [
        Case("institution filter", PersonFilters(institution=pk))
        for pk in rng.sample(institutions, min(8, len(institutions)))
    ]
    cases += [Case("career stage filter", PersonFilters(career_stage=s)) for s in stages]
    cases += [Case("theme filter", PersonFilters(keyword=pk)) for pk in themes]
    largest = list(
        Institution.objects.annotate(n=Count("affiliations"))
        .order_by("-n", "pk")[:4]
        .values_list("pk", flat=True)
    )
    cases += [
        Case(
            "text + institution + stage",
            PersonFilters(
                q=rng.choice(KEYWORDS[:6]),
                institution=rng.choice(largest),
                career_stage=rng.choice(stages[:5]),
            ),
        )
        for _ in range(8)
    ]
    cases += [Case("no match", PersonFilters(q=q)) for q in ("zzzz", "xq", "immunothérapie zzzz")]
    return cases


def _render_page(case: Case, viewer: Any) -> int:
    """What the people page does to the data, minus the template."""
    from django.core.paginator import Paginator

    from directory import selectors
    from directory.views.public import PAGE_SIZE

    page = Paginator(selectors.search_people(case.filters, viewer), PAGE_SIZE).get_page(case.page)
    for row in page.object_list:
        selectors.visible_person_fields(viewer, row)
        [(a.institution.name, a.unit, a.team) for a in row.current_affiliations]
        [k.label for k in row.keywords.all()]
    return page.paginator.count


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _run(cases: list[Case], viewer: Any, repeat: int) -> dict[str, Result]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: dict[str, Result] = {}
    for case in cases:
        result = results.setdefault(case.kind, Result())
        with CaptureQueriesContext(connection) as captured:  # the warm-up run counts the queries
            result.hits.append(_render_page(case, viewer))
        result.queries.append(len(captured))
        for _ in range(repeat):
            started = time.perf_counter()
            _render_page(case, viewer)
            result.times_ms.append((time.perf_counter() - started) * 1000)
    return results


def _report(title: str, results: dict[str, Result]) -> list[float]:
    print(f"\n{title}")
    print(
        f"  {'query type':<28} {'runs':>5} {'median ms':>10} {'p95 ms':>9} {'SQL/page':>9} {'hits (median)':>14}"
    )
    every: list[float] = []
    for kind, result in results.items():
        every += result.times_ms
        print(
            f"  {kind:<28} {len(result.times_ms):>5} {statistics.median(result.times_ms):>10.1f} "
            f"{_percentile(result.times_ms, 95):>9.1f} {max(result.queries):>9} "
            f"{int(statistics.median(result.hits)):>14}"
        )
    print(
        f"  {'overall':<28} {len(every):>5} {statistics.median(every):>10.1f} {_percentile(every, 95):>9.1f}"
    )
    return every


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each case (after one warm-up)")
    parser.add_argument("--reseed", action="store_true", help="wipe and seed again even if the set matches")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "canceropole-bench")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if url and "bench" not in url.rsplit("/", 1)[-1]:
        parser.error(
            "DATABASE_URL must name a database of its own, with 'bench' in its name (it may be wiped)."
        )
    _setup(args.data_dir)

    import django
    from django.contrib.auth.models import AnonymousUser

    from accounts.demo import demo_account
    from accounts.models import Role, User
    from directory.models import Affiliation, Person

    _ensure_data(size=args.size, seed=args.seed, scale=args.scale, reseed=args.reseed)
    print(f"Database: {_database_label()}")
    print(
        f"Data: {Person.objects.count():,} people, {Affiliation.objects.count():,} affiliations "
        f"({args.size}, seed {args.seed}, scale {args.scale})"
    )
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, {os.cpu_count()} CPUs, "
        f"{args.repeat} timed runs per case after one warm-up"
    )
    cases = _cases(Random(args.seed))
    member = User.objects.get(email=demo_account(Role.RESEARCHER).email)
    every = _report("Anonymous visitor (public search text)", _run(cases, AnonymousUser(), args.repeat))
    every += _report("Signed-in member (network search text)", _run(cases, member, args.repeat))
    print(
        f"\nAll runs: {len(every)}, median {statistics.median(every):.1f} ms, "
        f"p95 {_percentile(every, 95):.1f} ms, max {max(every):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

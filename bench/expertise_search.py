"""Latency of the expert search and throughput of its scoring, on the large demo set.

Seeds the demo network with its publications (``manage.py seed_demo``, which also runs the
outputs and expertise demo steps) into a database of its own, or reuses it when it holds the same
size and seed. Then:

1. vectors: the stored publication vectors are used as they are; the ones missing are filled
   with deterministic random unit vectors (``--vectors synthetic``, the default: real encoding of
   ~100k abstracts takes hours on two cores) or encoded for real (``--vectors real``). Synthetic
   vectors time the same arrays and products, but their rankings mean nothing: the output says
   which was used;
2. the index load (once per process and per index version), timed;
3. the expert search as the page runs it (``selectors.expert_search``: query embedding, matrix
   product, per-person top-k, people, teams and platforms with their evidence), for a mix of
   English, French, one-word and filtered queries, as an anonymous visitor: median, p95, and SQL
   queries per search;
4. scoring throughput: (person, query) pairs scored per second by the index (all indexed people
   per query), and by ``ExpertiseEngine.score`` (the CLI's path) on 60 people x 200 documents
   drawn from the data, lexical.

Usage: ``.venv/bin/python bench/expertise_search.py [--size large|small] [--seed 1]
[--repeat 5] [--vectors synthetic|real] [--reseed] [--data-dir PATH]``.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = (
    "spatial transcriptomics of paediatric gliomas",
    "transcriptomique spatiale des gliomes pédiatriques",
    "CAR-T cell therapy in lymphoma",
    "résistance aux inhibiteurs de PARP dans le cancer du sein",
    "liquid biopsy circulating tumour DNA",
    "immunothérapie",
    "radiotherapy",
    "deep learning histopathology images",
    "épidémiologie des cancers professionnels",
    "organoïdes tumoraux et criblage de médicaments",
)


def _setup(data_dir: Path) -> None:
    os.environ["CANCEROPOLE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["CANCEROPOLE_EXPERTISE_BACKGROUND"] = "0"  # no detached encoder during the bench
    data_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _ensure_data(size: str, seed: int, reseed: bool) -> None:
    from django.core.management import call_command

    from core.models import AuditEntry
    from directory.models import Person
    from outputs.models import Publication

    call_command("migrate", interactive=False, verbosity=0)
    last = AuditEntry.objects.filter(action="directory.demo.seeded").order_by("-created_at", "-id").first()
    if (
        not reseed
        and last is not None
        and last.data.get("size") == size
        and last.data.get("seed") == seed
        and Person.objects.count() == last.data["counts"]["people"]
        and Publication.objects.exists()
    ):
        print(f"Reusing the demo set seeded on {last.created_at:%Y-%m-%d %H:%M}.")
        return
    print(f"Seeding the {size} demo set (seed {seed})…", flush=True)
    started = time.perf_counter()
    call_command("seed_demo", size=size, seed=seed, reset=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"Seeded in {time.perf_counter() - started:.1f} s.")


def _fill_vectors(mode: str) -> str:
    """Make every indexed publication have a vector; returns a label for the report."""
    import numpy as np

    from expertise.models import PublicationVector
    from expertise.selectors import encoder_for, get_engine
    from expertise.services import bump_index_version, indexed_publications, refresh_vectors, text_hash

    encoder = encoder_for(get_engine())
    if encoder is None:
        return "none (MiniLM not installed: lexical method)"
    namespace = encoder.cache_namespace
    have = set(PublicationVector.objects.filter(model=namespace).values_list("publication_id", flat=True))
    missing = [
        row
        for row in indexed_publications().values_list("pk", "title", "abstract", "keywords")
        if row[0] not in have
    ]
    if not missing:
        return (
            "all stored (synthetic if an earlier --vectors synthetic run filled them: --reseed to start over)"
        )
    if mode == "real":
        started = time.perf_counter()
        computed = refresh_vectors(
            progress=lambda d, t: print(f"  encoded {d}/{t}", flush=True) if d % 2048 < 128 else None
        )
        return f"real: {computed} encoded now in {time.perf_counter() - started:.0f} s"
    rng = np.random.default_rng(0)
    batch = []
    for pk, title, abstract, keywords in missing:
        vector = rng.standard_normal(encoder.dimension).astype(np.float32)
        vector /= np.linalg.norm(vector)
        batch.append(
            PublicationVector(
                publication_id=pk,
                model=namespace,
                text_hash=text_hash(title, abstract, keywords),
                dim=encoder.dimension,
                vector=vector.astype(np.float16).tobytes(),
            )
        )
    PublicationVector.objects.bulk_create(batch, batch_size=2000)
    bump_index_version()
    return f"SYNTHETIC for {len(missing)} of {len(missing) + len(have)} publications (timing only: rankings are meaningless)"


def _percentile(values: list[float], pct: float) -> float:
    import math

    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--vectors", choices=["synthetic", "real"], default="synthetic")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "canceropole-bench")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if url and "bench" not in url.rsplit("/", 1)[-1]:
        parser.error("DATABASE_URL must name a database of its own, with 'bench' in its name.")
    _setup(args.data_dir)

    import django
    import numpy as np
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory.models import Institution, Person
    from expertise import selectors
    from expertise.engine import Document, Profile, Publication
    from outputs.models import Publication as PublicationRow

    _ensure_data(args.size, args.seed, args.reseed)
    vectors = _fill_vectors(args.vectors)
    print(
        f"Data: {Person.objects.count():,} people, {PublicationRow.objects.count():,} publications; "
        f"vectors: {vectors}"
    )
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, {os.cpu_count()} CPUs, "
        f"database {connection.vendor}"
    )

    from expertise.selectors import snapshot

    folder = snapshot.directory()
    for old in folder.glob("index-*.npz") if folder and folder.is_dir() else ():
        old.unlink()
    selectors.forget_index()
    started = time.perf_counter()
    selectors.get_index()  # from the database, then saved as the snapshot
    build = time.perf_counter() - started
    selectors.forget_index()
    started = time.perf_counter()
    index = selectors.get_index()
    load = time.perf_counter() - started
    print(f"\nIndex build from the database (in the refresh task): {build:.1f} s")
    print(
        f"Index load from its snapshot (each web process): {load:.1f} s — {index.size:,} publications, {len(index.person_ids):,} people, "
        f"method {index.method}, {index.model and len(index.model.vocabulary):,} terms"
    )

    viewer = AnonymousUser()
    institution = Institution.objects.order_by("pk").values_list("pk", flat=True).first()
    cases = [(q, selectors.ExpertFilters()) for q in QUERIES]
    cases += [(q, selectors.ExpertFilters(institution=institution)) for q in QUERIES[:3]]
    cases += [(q, selectors.ExpertFilters(career_stage="postdoc")) for q in QUERIES[3:6]]
    times: list[float] = []
    queries: list[int] = []
    for query, filters in cases:
        with CaptureQueriesContext(connection) as captured:
            selectors.expert_search(query, filters, viewer)  # warm-up: counts the SQL
        queries.append(len(captured))
        for _ in range(args.repeat):
            started = time.perf_counter()
            selectors.expert_search(query, filters, viewer)
            times.append((time.perf_counter() - started) * 1000)
    print(f"\nExpert search ({len(cases)} queries x {args.repeat} runs, people + teams + platforms):")
    print(
        f"  median {statistics.median(times):.0f} ms, p95 {_percentile(times, 95):.0f} ms, "
        f"max {max(times):.0f} ms; SQL per search {min(queries)}–{max(queries)}"
    )

    started = time.perf_counter()
    for query, _ in cases:
        index.score(index.text_query(query))
    elapsed = time.perf_counter() - started
    pairs = len(cases) * len(index.person_ids)
    print(
        f"\nIndex scoring: {pairs:,} (person, query) pairs in {elapsed:.2f} s = {pairs / elapsed:,.0f} pairs/s "
        f"(query embedding included)"
    )

    rng = Random(args.seed)
    rows = sorted(rng.sample(range(len(index.person_ids)), min(60, len(index.person_ids))))
    pubs = {
        pk: (t, a, y)
        for pk, t, a, y in PublicationRow.objects.filter(
            pk__in=[int(index.pub_ids[r]) for row in rows for r in index.papers_of(row)]
        ).values_list("pk", "title", "abstract", "year")
    }
    profiles = [
        Profile(
            id=int(index.person_ids[row]),
            publications=tuple(
                Publication(
                    title=pubs[int(index.pub_ids[r])][0],
                    abstract=pubs[int(index.pub_ids[r])][1],
                    year=pubs[int(index.pub_ids[r])][2],
                )
                for r in index.papers_of(row)
            ),
        )
        for row in rows
    ]
    docs = PublicationRow.objects.order_by("?").values_list("pk", "title", "abstract")[:200]
    documents = [Document(id=pk, title=t, abstract=a) for pk, t, a in docs]
    from expertise.engine import ExpertiseEngine

    engine = ExpertiseEngine(method="lexical", config=index.config)
    started = time.perf_counter()
    engine.score(profiles, documents)
    elapsed = time.perf_counter() - started
    pairs = len(profiles) * len(documents)
    print(
        f"Engine score (CLI path, lexical): {len(profiles)} people x {len(documents)} documents = "
        f"{pairs:,} pairs in {elapsed:.2f} s = {pairs / elapsed:,.0f} pairs/s"
    )
    del np
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

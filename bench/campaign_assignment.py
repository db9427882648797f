"""Benchmark of the campaign assignment service (``evaluation.services.assignment.run_assignment``)
on the everyday size: 200 applications × 500 accepted reviewers.

Usage::

    .venv/bin/python bench/campaign_assignment.py                 # 200 × 500
    .venv/bin/python bench/campaign_assignment.py --check --fair   # + HiGHS check, fair mode
    .venv/bin/python bench/campaign_assignment.py --apps 400 --members 1000 --repeat 5

What is measured: the whole service as the page's "Lancer l'affectation automatique" button runs
it, against a real database: read the campaign (applications, accepted members, conflicts,
pins/forbids, kept assignments), build the solver's problem (100,000 candidate pairs), solve to
optimality (exact min-cost flow), delete the previous proposal, write 800 proposed assignments
with their explanations, record the audit entry. Then the same after pinning one pair and after
forbidding another (the staff's "re-solve" loop); with ``--fair`` once in fair mode; with
``--check`` the first optimum is compared with an independent solver (HiGHS MILP on the same
problem, slow: about 2 minutes).

What is not: the expertise scoring. Scores are precomputed (a synthetic topic model: cosine of
sparse Dirichlet mixtures, as in ``bench/assignment.py``) and handed to the service as an
``ExpertiseMatrix``, so the figures isolate the assignment itself; with the real index, scores are
kept per process after the first run (see ``evaluation.selectors.assignment``), so a re-solve costs
what is printed here.

Data: a SQLite file of its own under ``$TMPDIR/canceropole-bench-assignment/`` (migrated on first
use; each run creates a fresh call and campaign and deletes the previous one). Set
``DATABASE_URL`` to a PostgreSQL database whose name contains "bench" to measure there.
Campaign shape: 2 rapporteurs + 2 external reviewers per application, loads 0–3 (rapporteurs)
and 0–3 (externals) with 250 of each role, 5 % random conflicts, one reviewer per institution
(40 institutions).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _setup(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["CANCEROPOLE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    url = os.environ.get("DATABASE_URL", "")
    if url and "bench" not in url:
        sys.exit("DATABASE_URL must name a database containing 'bench' (this script writes to it).")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _scores(n_apps: int, n_members: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    topics = 40
    apps = rng.dirichlet(np.full(topics, 0.2), n_apps)
    revs = rng.dirichlet(np.full(topics, 0.2), n_members)
    apps /= np.linalg.norm(apps, axis=1, keepdims=True)
    revs /= np.linalg.norm(revs, axis=1, keepdims=True)
    return np.round(apps @ revs.T + rng.random((n_apps, n_members)) * 1e-4, 4)


def _build(n_apps: int, n_members: int, seed: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from calls.models import Application, Call, Programme
    from directory.models import Institution
    from evaluation.models import Assignment, Campaign, Conflict, PoolMember, ReviewerRole

    Assignment.objects.filter(campaign__call__title_fr__startswith="Banc d'essai").delete()
    Campaign.objects.filter(call__title_fr__startswith="Banc d'essai").delete()
    Application.objects.filter(call__title_fr__startswith="Banc d'essai").delete()
    Call.objects.filter(title_fr__startswith="Banc d'essai").delete()
    programme = Programme.objects.first() or Programme.objects.create(name_fr="Banc d'essai")
    now = timezone.now()
    call = Call.objects.create(
        programme=programme,
        year=2027,
        title_fr=f"Banc d'essai {now:%H%M%S}",
        status=Call.Status.CLOSED,
        opens_at=now - dt.timedelta(days=60),
        closes_at=now - dt.timedelta(days=1),
    )
    campaign = Campaign.objects.create(
        call=call,
        status=Campaign.Status.SETUP,
        rapporteurs_per_application=2,
        externals_per_application=2,
        one_per_institution=True,
    )
    institutions = list(Institution.objects.all()[:40])
    while len(institutions) < 40:
        institutions.append(Institution.objects.create(name=f"Institution banc {len(institutions)}"))
    apps = Application.objects.bulk_create(
        Application(
            call=call,
            title=f"Projet {i}",
            acronym=f"P{i:04d}",
            status=Application.Status.UNDER_REVIEW,
            submitted_at=now,
            receipt_number=f"BENCH-{now:%H%M%S}-{i:05d}",
        )
        for i in range(n_apps)
    )
    members = PoolMember.objects.bulk_create(
        PoolMember(
            campaign=campaign,
            role=ReviewerRole.RAPPORTEUR if j % 2 == 0 else ReviewerRole.EXTERNAL,
            name=f"Expert·e {j}",
            email=f"expert{j}@bench.example.org",
            institution=institutions[j % len(institutions)],
            min_load=0,
            max_load=3,
            status=PoolMember.Status.ACCEPTED,
        )
        for j in range(n_members)
    )
    rng = np.random.default_rng(seed + 1)
    conflicted = rng.random((n_apps, n_members)) < 0.05
    Conflict.objects.bulk_create(
        Conflict(campaign=campaign, application=apps[a], member=members[m], kind=Conflict.Kind.DECLARED)
        for a, m in zip(*np.nonzero(conflicted), strict=True)
    )
    return campaign, apps, members, int(conflicted.sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", type=int, default=200)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--check",
        action="store_true",
        help="check the optimum with HiGHS (MILP, about 2 minutes at 200 × 500)",
    )
    parser.add_argument(
        "--fair", action="store_true", help="also time the fair mode (about 35 s at 200 × 500)"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "canceropole-bench-assignment"
    )
    args = parser.parse_args(argv)
    _setup(args.data_dir)

    from evaluation.models import Campaign, PairConstraint
    from evaluation.selectors.assignment import ExpertiseMatrix
    from evaluation.services.assignment import run_assignment

    started = time.perf_counter()
    campaign, apps, members, n_conflicts = _build(args.apps, args.members, args.seed)
    matrix = ExpertiseMatrix(
        application_ids=[a.pk for a in apps],
        member_ids=[m.pk for m in members],
        scores=_scores(args.apps, args.members, args.seed),
        method="synthetic",
    )
    print(
        f"campaign: {args.apps} applications × {args.members} reviewers, 2 rapporteurs + 2 externals each, "
        f"{n_conflicts} conflicts, one per institution; data ready in {time.perf_counter() - started:.1f} s"
    )

    def timed(label: str) -> float:
        best = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run = run_assignment(campaign=campaign, actor=None, matrix=matrix)
            wall = time.perf_counter() - t0
            best = (wall, run) if best is None or wall < best[0] else best
        wall, run = best  # type: ignore[misc]
        print(
            f"{label:<34} service {wall * 1000:7.0f} ms   solver {run.solve_seconds * 1000:6.0f} ms   "
            f"total {run.total_score:9.4f}   worst application {run.min_application_score:.4f}   "
            f"({run.method}, {run.created} written, {run.kept} kept)"
        )
        return run.total_score

    total = timed("first run")
    if args.check:
        _check(campaign, matrix, total)
    PairConstraint.objects.create(campaign=campaign, application=apps[0], member=members[-1], kind="pin")
    timed("re-solve after pinning a pair")
    PairConstraint.objects.create(campaign=campaign, application=apps[1], member=members[0], kind="forbid")
    timed("re-solve after forbidding a pair")
    if args.fair:
        Campaign.objects.filter(pk=campaign.pk).update(fair_assignment=True)
        campaign.refresh_from_db()
        args.repeat = 1
        timed("fair mode (max-min, then total)")
    return 0


def _check(campaign, matrix, total: float) -> None:  # type: ignore[no-untyped-def]
    from evaluation.assignment import solve_milp
    from evaluation.services.assignment import build_problem, load_state

    state = load_state(campaign)
    t0 = time.perf_counter()
    problem = build_problem(state, matrix)
    reference = solve_milp(problem)
    print(
        f"{'independent check (HiGHS MILP)':<34} {reference.total_score:.4f} in {time.perf_counter() - t0:.1f} s: "
        f"{'same optimum' if abs(reference.total_score - total) < 1e-3 else 'DIFFERENT'}"
    )


if __name__ == "__main__":
    raise SystemExit(main())

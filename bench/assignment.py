"""Benchmark of the reviewer-assignment solver (evaluation.assignment).

Usage::

    .venv/bin/python bench/assignment.py                      # small,medium
    .venv/bin/python bench/assignment.py --sizes small,medium,large
    .venv/bin/python bench/assignment.py --sizes large --check-large

Sizes (synthetic, deterministic seed):

* small  — 1,000 applications × 3,000 reviewers, 3 reviews each, loads 0–3,
  best 200 candidate reviewers per application, 5 % of those pairs declared
  conflicts.  Reference: the assignment solver most conferences use needs
  about 13 s here.
* medium — 200 × 500 (the everyday size), same shape with loads 1–3 (a
  minimum load exercises the lower-bound transformation); also times a
  re-solve after pinning one pair and forbidding another, and fair mode.
* large  — 20,000 × 20,000, top-200 each (4 M edges), loads 0–4 (with 0–3
  total capacity would equal total demand exactly).  The independent check
  is skipped unless ``--check-large`` (HiGHS needs minutes and several GB).

Scores come from a topic model: applications and reviewers get sparse
Dirichlet topic mixtures, the score is their cosine similarity.

Optimality is checked against an INDEPENDENT solver: scipy ``linprog``
(HiGHS) on the same edges, built here from the raw arrays without the
package.  The LP relaxation of this transportation problem is integral
(totally unimodular), so equal objective values prove optimality; the
script also reports the LP's largest distance from an integer.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation.assignment import (  # noqa: E402
    AssignmentInfeasible,
    Candidate,
    FlowModel,
    Problem,
    Result,
    solve,
)


@dataclass(frozen=True)
class Size:
    name: str
    apps: int
    reviewers: int
    top: int = 200
    k: int = 3
    min_load: int = 0
    max_load: int = 3
    conflict_rate: float = 0.05


SIZES = {
    "small": Size("small", 1_000, 3_000),
    "medium": Size("medium", 200, 500, min_load=1),
    "large": Size("large", 20_000, 20_000, max_load=4),
}


@dataclass
class Instance:
    size: Size
    app: np.ndarray  # int64 per edge
    rev: np.ndarray
    score: np.ndarray
    conflict: np.ndarray  # bool per edge


def generate(size: Size, seed: int) -> Instance:
    """Top-``size.top`` reviewers per application by topic similarity."""
    rng = np.random.default_rng(seed)
    topics = 40
    apps = rng.dirichlet(np.full(topics, 0.2), size.apps).astype(np.float32)
    revs = rng.dirichlet(np.full(topics, 0.2), size.reviewers).astype(np.float32)
    apps /= np.linalg.norm(apps, axis=1, keepdims=True)
    revs /= np.linalg.norm(revs, axis=1, keepdims=True)
    top = min(size.top, size.reviewers)
    chunks_r, chunks_s = [], []
    for start in range(0, size.apps, 1_000):  # bounded memory for 20k × 20k
        sim = apps[start : start + 1_000] @ revs.T
        # jitter breaks exact ties so that the optimum is (almost surely) unique
        sim += rng.random(sim.shape, dtype=np.float32) * 1e-4
        idx = np.argpartition(-sim, top - 1, axis=1)[:, :top]
        chunks_r.append(idx)
        chunks_s.append(np.take_along_axis(sim, idx, axis=1))
    rev = np.concatenate(chunks_r).reshape(-1).astype(np.int64)
    score = np.round(np.concatenate(chunks_s).reshape(-1).astype(np.float64), 6)
    app = np.repeat(np.arange(size.apps, dtype=np.int64), top)
    conflict = rng.random(len(app)) < size.conflict_rate
    return Instance(size, app, rev, score, conflict)


def app_id(i: int) -> str:
    return f"A{i:05d}"


def rev_id(i: int) -> str:
    return f"R{i:05d}"


def to_problem(inst: Instance) -> Problem:
    """Public-API objects, as the web layer would build them."""
    a_ids = [app_id(i) for i in range(inst.size.apps)]
    r_ids = [rev_id(i) for i in range(inst.size.reviewers)]
    cands = tuple(
        Candidate(a_ids[a], r_ids[r], s)
        for a, r, s in zip(inst.app.tolist(), inst.rev.tolist(), inst.score.tolist(), strict=True)
    )
    conflicts = frozenset(
        (a_ids[a], r_ids[r])
        for a, r in zip(inst.app[inst.conflict].tolist(), inst.rev[inst.conflict].tolist(), strict=True)
    )
    return Problem(
        candidates=cands,
        reviews_per_application=inst.size.k,
        min_load=inst.size.min_load,
        max_load=inst.size.max_load,
        conflicts=conflicts,
    )


def independent_lp(
    inst: Instance, pinned: np.ndarray | None = None, forbidden: np.ndarray | None = None
) -> tuple[float, float, float]:
    """(objective, max distance from integrality, seconds) from scipy linprog."""
    keep = ~inst.conflict
    app, rev, score = inst.app[keep], inst.rev[keep], inst.score[keep]
    n = len(app)
    cols = np.arange(n)
    a_eq = sparse.csr_matrix((np.ones(n), (app, cols)), shape=(inst.size.apps, n))
    a_ub = sparse.csr_matrix((np.ones(n), (rev, cols)), shape=(inst.size.reviewers, n))
    lb, ub = np.zeros(n), np.ones(n)
    if pinned is not None:
        lb[pinned[keep]] = 1
    if forbidden is not None:
        ub[forbidden[keep]] = 0
    a_ub = sparse.vstack([a_ub, -a_ub]).tocsr()
    b_ub = np.concatenate(
        [np.full(inst.size.reviewers, inst.size.max_load), np.full(inst.size.reviewers, -inst.size.min_load)]
    )
    start = time.perf_counter()
    res = linprog(
        -score,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=np.full(inst.size.apps, inst.size.k),
        bounds=np.stack([lb, ub], axis=1),
        method="highs",
    )
    elapsed = time.perf_counter() - start
    if res.status != 0:
        raise SystemExit(f"independent LP failed: {res.message}")
    frac = float(np.abs(res.x - np.round(res.x)).max())
    return float(-res.fun), frac, elapsed


def compare(label: str, ours: float, theirs: float, frac: float, seconds: float) -> bool:
    diff = abs(ours - theirs)
    ok = diff <= 1e-6 * max(1.0, abs(theirs))
    print(
        f"  {label}: scipy linprog (HiGHS) objective {theirs:.6f}, ours {ours:.6f}, "
        f"|diff| {diff:.2e}, LP max fractionality {frac:.1e}, {seconds:.2f} s -> {'OK' if ok else 'MISMATCH'}"
    )
    return ok


def report(result: Result) -> None:
    print(
        f"  total score {result.total_score:.6f}; lowest application total "
        f"{result.min_application_score:.6f}; {len(result.pairs):,} pairs"
    )


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Print wall and CPU time: CPU time stays meaningful on a busy machine."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    print(f"  {label}: {time.perf_counter() - start:.3f} s wall, {time.process_time() - cpu:.3f} s CPU")
    return out


def run_size(size: Size, seed: int, check: bool, fair: bool) -> bool:
    print(
        f"[{size.name}] {size.apps:,} applications x {size.reviewers:,} reviewers, top {size.top}, "
        f"K={size.k}, loads {size.min_load}-{size.max_load}, {size.conflict_rate:.0%} conflicts, seed {seed}"
    )
    inst = timed("generate instance", generate, size, seed)
    print(f"  edges: {len(inst.app):,} ({int(inst.conflict.sum()):,} conflicts)")
    problem = timed("build Candidate objects", to_problem, inst)
    timed("compile Problem -> arrays", lambda: problem.compiled)
    model = timed("build flow network", FlowModel, problem)
    try:
        result = timed("min-cost flow solve (OR-Tools)", model.solve)
    except AssignmentInfeasible as exc:
        print("  infeasible:", *exc.reasons, sep="\n    ")
        return False
    print(f"  => solver-reported time {result.solve_seconds:.3f} s ({result.method})")
    report(result)
    ok = True
    if check:
        obj, frac, secs = independent_lp(inst)
        ok &= compare("independent check", result.total_score, obj, frac, secs)
    else:
        why = "--no-check" if size.name != "large" else "large size: HiGHS needs minutes; use --check-large"
        print(f"  independent check skipped ({why})")
    if size.name == "medium":
        ok &= resolve_after_edits(inst, problem, model, result, check)
    if fair:
        fair_res = timed("fair mode (bounded MILP search, HiGHS)", solve, problem, fair=True)
        report(fair_res)
        ok &= fair_res.min_application_score >= result.min_application_score - 1e-6
        print(
            f"  fair lowest total {fair_res.min_application_score:.6f} >= plain "
            f"{result.min_application_score:.6f}; total cost of fairness "
            f"{result.total_score - fair_res.total_score:.6f}"
        )
    return ok


def resolve_after_edits(
    inst: Instance, problem: Problem, model: FlowModel, first: Result, check: bool
) -> bool:
    """Pin the best unassigned candidate of the first application and forbid
    one assigned pair of the second, then re-solve on the cached network."""
    assigned = {(p.application, p.reviewer) for p in first.pairs}
    a0, a1 = app_id(0), app_id(1)
    options = [
        (s, r)
        for a, r, s, conf in zip(
            inst.app.tolist(), inst.rev.tolist(), inst.score.tolist(), inst.conflict.tolist(), strict=True
        )
        if a == 0 and not conf and (a0, rev_id(r)) not in assigned
    ]
    pin = (a0, rev_id(max(options)[1]))
    forbid = next((p.application, p.reviewer) for p in first.pairs if p.application == a1)
    model.pin(*pin)
    model.forbid(*forbid)
    start, cpu = time.perf_counter(), time.process_time()
    second = model.solve()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"  re-solve after pinning {pin} and forbidding {forbid} (cached network): "
        f"{elapsed:.3f} s wall, {cpu:.3f} s CPU"
    )
    report(second)
    ok = pin in {(p.application, p.reviewer) for p in second.pairs}
    ok &= forbid not in {(p.application, p.reviewer) for p in second.pairs}
    fresh = timed(
        "same edit as a fresh solve() from Candidate objects",
        solve,
        problem.replace(pinned=frozenset({pin}), forbidden=frozenset({forbid})),
    )
    ok &= abs(fresh.total_score - second.total_score) <= 1e-6
    if check:
        key = inst.app * inst.size.reviewers + inst.rev

        def mask(pair: tuple[str, str]) -> np.ndarray:
            return key == int(pair[0][1:]) * inst.size.reviewers + int(pair[1][1:])

        obj, frac, secs = independent_lp(inst, pinned=mask(pin), forbidden=mask(forbid))
        ok &= compare("independent check after edits", second.total_score, obj, frac, secs)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", default="small,medium", help="comma list of small,medium,large")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--no-check", action="store_true", help="skip the independent scipy check")
    parser.add_argument("--check-large", action="store_true", help="also check the large size")
    parser.add_argument("--fair", default="medium", help="sizes on which to time fair mode ('' = none)")
    args = parser.parse_args(argv)
    names = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        parser.error(f"unknown size(s): {', '.join(unknown)}")
    fair_sizes = {s.strip() for s in args.fair.split(",") if s.strip()}
    ok = True
    for name in names:
        check = not args.no_check and (name != "large" or args.check_large)
        ok &= run_size(SIZES[name], args.seed, check, name in fair_sizes)
        print()
    print("ALL CHECKS PASSED" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

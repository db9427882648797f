"""Command line: ``python -m evaluation.assignment assign ...``.

Input conventions (decided here, see the ``assign --help`` text):

* SCORES lines are ``application,reviewer,score``.  Only pairs listed there
  are candidates; a pair absent from SCORES is never assigned (it is *not*
  treated as score 0).  Applications and reviewers are those named in SCORES.
* CONFLICTS lines are ``application,reviewer,-1`` (the third column may be
  omitted).  Conflicts naming pairs absent from SCORES change nothing and are
  counted in a note on stderr.
* Either file may start with one header line, recognised by a non-numeric
  score (third) column.  Blank lines are skipped.
* Output lines are ``application,reviewer`` (no header), grouped by
  application in input order, best score first.

Exit codes: 0 success, 1 infeasible (reasons printed), 2 bad usage or
malformed input (message with file name and line number).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .flow import solve
from .problem import AssignmentInfeasible, Candidate, Problem, ProblemError, Result


class InputError(Exception):
    """Malformed input file; the message names file and line."""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """Non-blank CSV rows with 1-based line numbers, header dropped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = [(i, [f.strip() for f in row]) for i, row in enumerate(csv.reader(fh), 1)]
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from exc
    rows = [(i, r) for i, r in rows if any(r)]
    if rows and len(rows[0][1]) >= 3 and not _is_number(rows[0][1][2]):
        rows = rows[1:]
    return rows


def read_scores(path: Path) -> list[Candidate]:
    """Parse SCORES; reject wrong column counts, bad numbers, duplicates."""
    seen: dict[tuple[str, str], int] = {}
    out: list[Candidate] = []
    for line, row in _rows(path):
        if len(row) != 3:
            raise InputError(f"{path}:{line}: expected 3 columns application,reviewer,score, got {len(row)}")
        app, rev, raw = row
        if not app or not rev:
            raise InputError(f"{path}:{line}: empty application or reviewer id")
        try:
            score = float(raw)
        except ValueError:
            raise InputError(f"{path}:{line}: score {raw!r} is not a number") from None
        if not math.isfinite(score):
            raise InputError(f"{path}:{line}: score {raw!r} is not finite")
        if (app, rev) in seen:
            raise InputError(f"{path}:{line}: duplicate pair {app},{rev} (first on line {seen[(app, rev)]})")
        seen[(app, rev)] = line
        out.append(Candidate(app, rev, score))
    return out


def read_conflicts(path: Path) -> set[tuple[str, str]]:
    """Parse CONFLICTS; the optional third column must be -1."""
    out: set[tuple[str, str]] = set()
    for line, row in _rows(path):
        if len(row) not in (2, 3):
            raise InputError(f"{path}:{line}: expected application,reviewer,-1, got {len(row)} columns")
        if not row[0] or not row[1]:
            raise InputError(f"{path}:{line}: empty application or reviewer id")
        if len(row) == 3:
            if not _is_number(row[2]):
                raise InputError(f"{path}:{line}: third column {row[2]!r} is not a number")
            if float(row[2]) != -1:
                raise InputError(f"{path}:{line}: third column must be -1 for a conflict, got {row[2]!r}")
        out.add((row[0], row[1]))
    return out


def write_assignment(result: Result, order: Sequence[str], out: TextIO) -> None:
    rank = {a: i for i, a in enumerate(order)}
    pairs = sorted(result.pairs, key=lambda p: (rank.get(p.application, 0), -p.score, p.reviewer))
    writer = csv.writer(out, lineterminator="\n")
    for p in pairs:
        writer.writerow([p.application, p.reviewer])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.assignment",
        description="Optimal reviewer assignment (exact min-cost flow; --fair: max-min MILP).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser(
        "assign",
        help="assign reviewers to applications",
        description=(
            "Pairs absent from SCORES are not candidates. Optional header lines are detected "
            "by a non-numeric third column. Exit 0 ok, 1 infeasible, 2 bad input."
        ),
    )
    a.add_argument("--scores", required=True, type=Path, help="CSV application,reviewer,score")
    a.add_argument("--conflicts", required=True, type=Path, help="CSV application,reviewer,-1")
    a.add_argument("--reviews-per-application", required=True, type=int, metavar="K")
    a.add_argument("--min-load", required=True, type=int, metavar="A")
    a.add_argument("--max-load", required=True, type=int, metavar="B")
    a.add_argument("--fair", action="store_true", help="maximise the worst application first")
    a.add_argument("--out", required=True, type=Path, help="output CSV application,reviewer")
    return parser


def _assign(args: argparse.Namespace) -> int:
    for name in ("reviews_per_application", "min_load", "max_load"):
        if getattr(args, name) < 0:
            print(f"error: --{name.replace('_', '-')} must be >= 0", file=sys.stderr)
            return 2
    try:
        candidates = read_scores(args.scores)
        conflicts = read_conflicts(args.conflicts)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    known = {(c.application, c.reviewer) for c in candidates}
    stray = len(conflicts - known)
    if stray:
        print(f"note: {stray} conflict line(s) name pairs absent from SCORES (no effect)", file=sys.stderr)
    try:
        problem = Problem(
            candidates=tuple(candidates),
            reviews_per_application=args.reviews_per_application,
            min_load=args.min_load,
            max_load=args.max_load,
            conflicts=frozenset(conflicts & known),
        )
        start = time.perf_counter()
        result = solve(problem, fair=args.fair)
        elapsed = time.perf_counter() - start
    except ProblemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except AssignmentInfeasible as exc:
        print("infeasible: no assignment satisfies all constraints:", file=sys.stderr)
        for reason in exc.reasons:
            print(f"  - {reason}", file=sys.stderr)
        return 1
    try:
        with args.out.open("w", newline="", encoding="utf-8") as fh:
            order = list(dict.fromkeys(c.application for c in candidates))
            write_assignment(result, order, fh)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"assigned pairs: {len(result.pairs)}")
    print(f"total score: {result.total_score:.6f}")
    print(f"lowest application total: {result.min_application_score:.6f}")
    print(f"solve time: {elapsed:.3f} s ({result.method})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code instead of exiting."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and usage errors (2)
        return int(exc.code or 0)
    if args.command == "assign":
        return _assign(args)
    return 2  # pragma: no cover - argparse enforces the sub-command

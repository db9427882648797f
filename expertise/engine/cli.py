"""Command line: ``python -m expertise.engine score --profiles P --documents D --out O``.

Reads JSON-lines inputs, writes one ``{"person", "document", "score"}`` line
for every (person, document) pair.  Bad input ends with a one-line message
naming the file and line, and exit code 2 (no traceback): the files are often
hand-made exports.

Cold runs (nothing cached) are held to ``--time-budget`` seconds of encoding
(default 20): the encoder times itself, then cuts texts for the dense signal
to the token count that fits (titles whole; lexical signals read everything).
The cut depends on the machine's speed; ``--max-tokens N`` gives a fixed,
reproducible cut instead, ``--time-budget 0`` no limit.  The last stderr
line names the backend, how many texts were cut and at how many tokens.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from expertise.engine.encoder import BACKEND_AUTO, BACKENDS
from expertise.engine.models import Document, InputError, Profile, document_from_dict, profile_from_dict
from expertise.engine.scoring import (
    METHOD_AUTO,
    METHOD_ENSEMBLE,
    METHOD_LEXICAL,
    METHOD_NEURAL,
    EncoderUnavailable,
    ExpertiseEngine,
)

T = TypeVar("T", Profile, Document)
EXIT_INPUT = 2
# Seconds of cold encoding: with loading and the lexical signals, a whole call
# (60 people x 460 documents) stays under 30 s on two cores.
DEFAULT_TIME_BUDGET = 20.0


def read_jsonl(path: Path, build: Callable[[object, str], T]) -> list[T]:
    """Parse one object per non-blank line; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    items: list[T] = []
    seen: dict[object, int] = {}
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and friends.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: invalid JSON ({exc.msg}, column {exc.colno})") from exc
        item = build(data, where)
        if item.id in seen:
            raise InputError(f"{where}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = number
        items.append(item)
    return items


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m expertise.engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="score every person against every document")
    score.add_argument("--profiles", type=Path, required=True, help="JSONL: {id, publications: [...]}")
    score.add_argument("--documents", type=Path, required=True, help="JSONL: {id, title, abstract}")
    score.add_argument("--out", type=Path, required=True, help="JSONL output: {person, document, score}")
    score.add_argument(
        "--method",
        choices=[METHOD_AUTO, METHOD_LEXICAL, METHOD_NEURAL, METHOD_ENSEMBLE],
        default=METHOD_AUTO,
        help="auto = neural+lexical when the MiniLM weights are installed, else lexical",
    )
    score.add_argument("--cache-dir", type=Path, default=None, help="persistent embedding cache directory")
    score.add_argument(
        "--max-tokens",
        type=int,
        default=None,
        help="truncate every text to N tokens for the encoder (fixed, reproducible; overrides --time-budget)",
    )
    score.add_argument(
        "--time-budget",
        type=float,
        default=DEFAULT_TIME_BUDGET,
        metavar="SECONDS",
        help=(
            "wall-clock seconds for encoding texts not cached yet (default %(default)s; 0 = no limit). "
            "Throughput is measured first, then texts are cut to the token count that fits: titles stay whole, "
            "abstracts lose their tail for the dense signal only; the lexical signals read the full text"
        ),
    )
    score.add_argument(
        "--backend",
        choices=BACKENDS,
        default=BACKEND_AUTO,
        help="how MiniLM runs: auto = ONNX Runtime when installed, else numpy; onnx-int8 is faster, less exact",
    )
    return parser


def run_score(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    profiles = read_jsonl(args.profiles, profile_from_dict)
    documents = read_jsonl(args.documents, document_from_dict)
    budget = None if args.max_tokens is not None or args.time_budget <= 0 else args.time_budget
    engine = ExpertiseEngine(
        method=args.method,
        cache_dir=args.cache_dir,
        max_seq_length=args.max_tokens,
        backend=args.backend,
        time_budget=budget,
    )
    scores = engine.score(profiles, documents)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for i, profile in enumerate(profiles):
            for j, document in enumerate(documents):
                record = {"person": profile.id, "document": document.id, "score": float(scores[i, j])}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elapsed = time.perf_counter() - started
    n_pubs = sum(len(p.publications) for p in profiles)
    dense = ""
    if engine.uses_dense:
        cap = engine.token_cap
        dense = f" backend={engine.backend} truncated={engine.truncated_count} token_cap={cap or 'none'}"
    print(
        f"method={engine.method} profiles={len(profiles)} publications={n_pubs} "
        f"documents={len(documents)} pairs={len(profiles) * len(documents)} "
        f"encoded={engine.encoded_count}{dense} time={elapsed:.2f}s",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "score":
            return run_score(args)
    except (InputError, EncoderUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())

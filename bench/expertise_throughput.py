"""Throughput of the expertise engine's CLI scoring path on synthetic data.

Generates (deterministic seed) 60 people with 20-100 publications each and
460 documents from a small built-in vocabulary of oncology topics in English
and French, with realistic lengths (titles ~10 words, abstracts ~150-250
words), writes them as JSON lines and times ``cli.main(["score", ...])``:

* lexical;
* neural+lexical with a cold embedding cache (everything encoded) under the
  CLI's default time budget (20 s of encoding: texts cut to the token cap
  that fits, printed as ``token_cap``), i.e. what a first ``score`` run costs;
* with ``--full-cold``: also a cold run with no budget (every text at 256
  tokens), in a second fresh cache, to show what the budget saves;
* neural+lexical with the warm cache (the web app's usual case).

Each line gives wall time and CPU time (all threads of this process): on a
shared machine wall time depends on the neighbours, CPU time does not.

Usage: ``.venv/bin/python bench/expertise_throughput.py [--people 60]
[--documents 460] [--max-tokens N] [--time-budget S] [--backend B]
[--full-cold] [--skip-cold] [--cache-dir DIR]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from expertise.engine.cli import main as cli_main  # noqa: E402

# Per topic: (English words, French words), whitespace-separated.
TOPICS: dict[str, tuple[str, str]] = {
    "breast": (
        "breast cancer HER2 trastuzumab mammography screening hormone receptor tamoxifen triple-negative",
        "cancer du sein HER2 trastuzumab mammographie dépistage récepteurs hormonaux tamoxifène triple négatif",
    ),
    "lung": (
        "lung cancer non-small cell EGFR osimertinib smoking pembrolizumab PD-L1 adenocarcinoma",
        "cancer du poumon non à petites cellules EGFR osimertinib tabagisme pembrolizumab adénocarcinome",
    ),
    "colorectal": (
        "colorectal cancer colonoscopy KRAS microsatellite instability FOLFOX liver metastases",
        "cancer colorectal coloscopie KRAS instabilité microsatellitaire FOLFOX métastases hépatiques",
    ),
    "leukemia": (
        "acute myeloid leukemia FLT3 allogeneic transplantation minimal residual disease venetoclax",
        "leucémie aiguë myéloïde FLT3 allogreffe maladie résiduelle minimale venetoclax",
    ),
    "lymphoma": (
        "diffuse large B-cell lymphoma CAR-T rituximab relapse Hodgkin PET response",
        "lymphome diffus à grandes cellules B CAR-T rituximab rechute Hodgkin réponse TEP",
    ),
    "prostate": (
        "prostate cancer PSA androgen deprivation enzalutamide radical prostatectomy active surveillance",
        "cancer de la prostate PSA hormonothérapie enzalutamide prostatectomie radicale surveillance active",
    ),
    "glioma": (
        "glioblastoma IDH mutation temozolomide MGMT methylation brain tumour radiotherapy",
        "glioblastome mutation IDH témozolomide méthylation MGMT tumeur cérébrale radiothérapie",
    ),
    "melanoma": (
        "melanoma BRAF ipilimumab nivolumab immune checkpoint skin cancer sentinel node",
        "mélanome BRAF ipilimumab nivolumab inhibiteurs de points de contrôle cancer cutané ganglion sentinelle",
    ),
    "epidemiology": (
        "cancer registry incidence mortality trends social inequalities population cohort",
        "registre des cancers incidence mortalité tendances inégalités sociales cohorte population",
    ),
    "imaging": (
        "radiomics deep learning MRI segmentation convolutional network tumour detection",
        "radiomique apprentissage profond IRM segmentation réseau convolutif détection tumorale",
    ),
    "palliative": (
        "palliative care quality of life pain symptoms end of life caregivers",
        "soins palliatifs qualité de vie douleur symptômes fin de vie aidants",
    ),
    "genomics": (
        "tumour sequencing somatic mutations copy number single-cell RNA clonal evolution",
        "séquençage tumoral mutations somatiques nombre de copies ARN cellule unique évolution clonale",
    ),
}
FILLER_EN = (
    "we conducted a retrospective multicentre study of patients treated between and observed that "
    "the primary endpoint was overall survival while secondary endpoints included progression-free "
    "survival toxicity and response rate multivariate analysis confirmed the association with outcome"
)
FILLER_FR = (
    "nous avons mené une étude rétrospective multicentrique des patients traités entre et observé que "
    "le critère principal était la survie globale tandis que les critères secondaires incluaient la "
    "survie sans progression la toxicité et le taux de réponse analyse multivariée a confirmé"
)


def _text(rng: random.Random, topics: list[str], words: int, french: bool) -> str:
    pool: list[str] = []
    for topic in topics:
        pool.extend(TOPICS[topic][1 if french else 0].split())
    filler = (FILLER_FR if french else FILLER_EN).split()
    out = [rng.choice(pool) if rng.random() < 0.35 else rng.choice(filler) for _ in range(words)]
    return " ".join(out).capitalize() + "."


def generate(people: int, documents: int, seed: int = 20240601) -> tuple[list[dict], list[dict]]:
    """Synthetic profiles and documents (deterministic for a given seed)."""
    rng = random.Random(seed)
    names = sorted(TOPICS)
    profiles = []
    for p in range(people):
        own = rng.sample(names, rng.randint(1, 3))
        pubs = []
        for _ in range(rng.randint(20, 100)):
            topic = [rng.choice(own)]
            french = rng.random() < 0.2
            pubs.append(
                {
                    "title": _text(rng, topic, rng.randint(8, 14), french),
                    "abstract": _text(rng, topic, rng.randint(150, 250), french)
                    if rng.random() > 0.1
                    else "",
                    "year": rng.randint(1995, 2025),
                }
            )
        profiles.append({"id": f"person-{p:03d}", "publications": pubs})
    docs = []
    for d in range(documents):
        topic = rng.sample(names, rng.choice([1, 1, 2]))
        french = rng.random() < 0.25
        docs.append(
            {
                "id": f"doc-{d:04d}",
                "title": _text(rng, topic, rng.randint(8, 14), french),
                "abstract": _text(rng, topic, rng.randint(150, 250), french),
            }
        )
    return profiles, docs


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _run(label: str, argv: list[str], pairs: int) -> float:
    """Run the CLI once; print wall time, CPU time (all threads) and pairs/s.

    CPU time is printed because wall time on a shared machine depends on
    what else runs; CPU time is what the run itself costs.
    """
    stderr = io.StringIO()
    started, cpu_started = time.perf_counter(), time.process_time()
    with contextlib.redirect_stderr(stderr):
        code = cli_main(argv)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if code != 0:
        raise SystemExit(f"{label}: exit {code}: {stderr.getvalue().strip()}")
    print(
        f"{label:<32} wall {elapsed:7.2f} s  cpu {cpu:7.2f} s  {pairs / elapsed:8.0f} pairs/s"
        f"   [{stderr.getvalue().strip()}]",
        flush=True,
    )
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--documents", type=int, default=460)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--time-budget", type=float, default=None, help="CLI --time-budget (default: CLI's)")
    parser.add_argument("--backend", default=None, help="CLI --backend (default: auto)")
    parser.add_argument("--full-cold", action="store_true", help="also time a cold run with no budget")
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold-cache neural run")
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="keep the embedding cache here (default: temporary)"
    )
    args = parser.parse_args()

    profiles, documents = generate(args.people, args.documents)
    n_pubs = sum(len(p["publications"]) for p in profiles)
    pairs = len(profiles) * len(documents)
    print(
        f"{len(profiles)} people, {n_pubs} publications, {len(documents)} documents, {pairs} pairs",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root / "profiles.jsonl", profiles)
        _write(root / "documents.jsonl", documents)
        base = [
            "score",
            "--profiles",
            str(root / "profiles.jsonl"),
            "--documents",
            str(root / "documents.jsonl"),
            "--out",
            str(root / "scores.jsonl"),
        ]
        extra = ["--max-tokens", str(args.max_tokens)] if args.max_tokens else []
        if args.time_budget is not None:
            extra += ["--time-budget", str(args.time_budget)]
        if args.backend:
            extra += ["--backend", args.backend]
        _run("lexical", [*base, "--method", "lexical"], pairs)
        cache = ["--cache-dir", str(args.cache_dir or root / "cache")]
        if args.full_cold:
            full = [*base, "--method", "auto", "--cache-dir", str(root / "full"), "--time-budget", "0"]
            _run(
                "neural+lexical, cold, no budget",
                [*full, *(["--backend", args.backend] if args.backend else [])],
                pairs,
            )
        if not args.skip_cold:
            _run("neural+lexical, cold cache", [*base, "--method", "auto", *cache, *extra], pairs)
        else:  # fill the cache without timing it
            cli_main([*base, "--method", "auto", *cache, *extra])
        _run("neural+lexical, warm cache", [*base, "--method", "auto", *cache, *extra], pairs)
        _run("neural only, warm cache", [*base, "--method", "neural", *cache, *extra], pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

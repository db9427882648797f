"""Leave-one-out authorship retrieval on whatever publications are loaded.

For a sample of people with at least two indexed publications: hold out one of their papers,
rank every indexed person by their OTHER papers against the held-out paper's title and abstract
(the expert search's own index and scores; the held-out paper is removed from its authors'
profiles for that query), and find the rank of the true author (the best-ranked of its linked
authors). Reports the mean reciprocal rank (MRR) and recall@1/@10, per method available.

On the generated demo text this only proves the plumbing: demo papers are assembled from a few
topic templates, so many people are interchangeable and the figures say nothing about quality.
Run it on a site's real imports for a meaningful figure.

Usage: ``.venv/bin/python bench/expertise_loo.py [--sample 300] [--seed 1] [--lexical] [--data-dir PATH]``
(default: the development database; ``--data-dir`` points at a bench's SQLite directory).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ["CANCEROPOLE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()


def _evaluate(index, cases, texts, hide) -> dict[str, float]:  # type: ignore[no-untyped-def]
    import numpy as np
    import scipy.sparse as sp

    ranks = []
    n_people = len(index.person_ids)
    for _row, pub_row in cases:
        held = index.own_pub == pub_row
        authors = index.own_person[held]
        saved, saved_profile = index.own_weight.copy(), index.profile_tfidf
        # The held-out paper counts for nobody: out of the top-k papers and out of the profiles
        # (the vocabulary's document frequencies still include it: a negligible leak).
        weights = sp.csr_matrix(
            (index.own_weight[held], (authors, np.zeros(len(authors), dtype=int))), shape=(n_people, 1)
        )
        counts = sp.csr_matrix(index.profile_counts - weights @ index.pub_counts[pub_row])
        counts.data[counts.data < 1e-9] = 0.0
        counts.eliminate_zeros()
        index.profile_tfidf = index.model.tfidf_from_counts(counts).tocsr()
        index.own_weight[held] = 0.0
        try:
            query = index.text_query(texts[pub_row])
            if hide:
                query.dense = None
            scores = index.score(query).person
        finally:
            index.own_weight[:] = saved
            index.profile_tfidf = saved_profile
        best_author = scores[authors].max()
        ranks.append(1 + int((scores > best_author).sum()))
    r = np.asarray(ranks, dtype=np.float64)
    return {
        "mrr": float((1.0 / r).mean()),
        "recall@1": float((r <= 1).mean()),
        "recall@10": float((r <= 10).mean()),
        "median rank": float(statistics.median(ranks)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=300, help="held-out papers (one per sampled person)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--lexical", action="store_true", help="force the lexical method (no vectors read)")
    args = parser.parse_args(argv)
    _setup(args.data_dir)
    if args.lexical:
        from django.conf import settings

        settings.EXPERTISE_METHOD = "lexical"
    from expertise import selectors
    from outputs.models import Publication

    started = time.perf_counter()
    index = selectors.get_index()
    print(
        f"Index: {index.size:,} publications, {len(index.person_ids):,} people, method {index.method} "
        f"(loaded in {time.perf_counter() - started:.1f} s)"
    )
    eligible = [row for row in range(len(index.person_ids)) if len(index.papers_of(row)) >= 2]
    if not eligible:
        print("Nobody has two indexed publications: nothing to evaluate.")
        return 0
    rng = Random(args.seed)
    rows = rng.sample(eligible, min(args.sample, len(eligible)))
    cases = [(row, int(rng.choice(list(index.papers_of(row))))) for row in rows]
    ids = {int(index.pub_ids[p]): p for _, p in cases}
    texts = {
        ids[pk]: f"{t}. {a}"
        for pk, t, a in Publication.objects.filter(pk__in=ids).values_list("pk", "title", "abstract")
    }
    print(
        f"{len(cases)} held-out papers from {len(eligible):,} people with ≥ 2 papers; "
        f"a paper's author counts as found at the rank of its best-ranked linked author."
    )
    methods = [("lexical", True)]
    if index.method == "neural+lexical":
        methods.insert(0, ("neural+lexical", False))
    for label, hide in methods:
        started = time.perf_counter()
        result = _evaluate(index, cases, texts, hide)
        print(
            f"  {label:<15} MRR {result['mrr']:.3f}  recall@1 {result['recall@1']:.3f}  "
            f"recall@10 {result['recall@10']:.3f}  median rank {result['median rank']:.0f}  "
            f"({time.perf_counter() - started:.1f} s)"
        )
    print(
        "\nNote: on the generated demo publications this only proves the plumbing (papers are built "
        "from a few topic templates, so authors are interchangeable); it measures nothing about "
        "quality. Run it on real imported publications for a meaningful figure."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

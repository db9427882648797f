"""Time budget for cold encoding: how many tokens of each text the encoder reads.

Why: a cold scoring run encodes every publication and document (about 4,000
texts of ~230 tokens, ~1M tokens); on two CPU cores that is minutes, while
the scoring itself takes seconds.  Given a wall-clock budget, the encoder
measures its own throughput on the shortest texts first (they are never cut,
so that work is not wasted), then picks the largest cap on tokens per text
that lets the rest fit.  Texts are cut at the end, never inside the title:
the encoder text is "title. abstract. keywords", so each text keeps at least
its words up to the first full stop (up to ``TITLE_MAX_TOKENS``), and the
abstract loses its tail.

Trade-off, documented in the CLI help: a lower cap means the dense signal sees
the title and the opening of the abstract only (MiniLM was trained on 128
tokens, so caps of 96-128 lose little; 64 loses more); the lexical signals
always read the FULL text.  Budgeted vectors are cached apart from full ones
(see cache.py), so a later run without a budget recomputes them in full.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# Lowest cap: the title (kept whole up to TITLE_MAX_TOKENS) and a little more.
BUDGET_FLOOR_TOKENS = 32
# A title is kept whole up to this many tokens ([CLS] + 62 word pieces + [SEP], ~45 words).
TITLE_MAX_TOKENS = 64
# Cost per token grows with the sequence length (attention, softmax): about
# (1 + L / 2000) for MiniLM's 384 hidden units, measured within 10 % here.
_ATTENTION_LENGTH = 2000.0
# Share of the remaining time planned for, to absorb estimation error.
_SAFETY = 0.85
# Tokens of calibration: enough for a stable timing (~0.5 s), small against a cold run.
_CALIBRATION_TOKENS = 8192
_CALIBRATION_SHARE = 0.04


def truncate_ids(ids: list[int], cap: int) -> list[int]:
    """Keep [CLS] and the first ``cap - 2`` word pieces, then [SEP] (as the tokenizer does)."""
    return ids if len(ids) <= cap else ids[: cap - 1] + ids[-1:]


def kept_lengths(lengths: NDArray[np.integer], titles: NDArray[np.integer], cap: int) -> NDArray[np.int64]:
    """Tokens each text keeps under ``cap``: at least its title, at most all of it."""
    values = np.asarray(lengths, dtype=np.int64)
    keep = np.maximum(cap, np.minimum(np.asarray(titles, dtype=np.int64), TITLE_MAX_TOKENS))
    return np.minimum(values, keep)


def title_length(ids: list[int], stop_id: int | None) -> int:
    """Tokens up to the first full stop, with [CLS] and [SEP] (the whole text if none)."""
    if stop_id is not None and stop_id in ids:
        return min(ids.index(stop_id) + 2, len(ids))
    return len(ids)


def token_cost(lengths: NDArray[np.integer]) -> float:
    """Relative cost of encoding texts of these token lengths."""
    values = np.asarray(lengths, dtype=np.float64)
    return float(np.sum(values * (1.0 + values / _ATTENTION_LENGTH)))


def plan_calibration(capped: NDArray[np.integer]) -> int:
    """How many texts (the shortest first), cut at the floor, to encode first to time the encoder."""
    capped = np.asarray(capped, dtype=np.int64)
    if capped.size == 0:
        return 0
    target = max(_CALIBRATION_TOKENS, _CALIBRATION_SHARE * float(capped.sum()))
    count = int(np.searchsorted(np.cumsum(capped), target, side="right"))
    return max(1, min(count, capped.size))


def choose_token_cap(
    lengths: NDArray[np.integer],
    titles: NDArray[np.integer],
    rate: float,
    seconds: float,
    floor: int,
    ceiling: int,
) -> int:
    """Largest cap in [floor, ceiling] whose cost fits ``rate * seconds``.

    ``rate`` is in cost units (token_cost) per second of wall time; returns
    ``floor`` when even that does not fit (the budget is then overrun: titles
    are never cut to save time).
    """
    values = np.asarray(lengths, dtype=np.int64)
    floor = min(floor, ceiling)
    if values.size == 0:
        return ceiling
    allowed = rate * max(seconds, 0.0) * _SAFETY
    low, high = floor, ceiling  # invariant: the answer is in [low, high]
    if token_cost(kept_lengths(values, titles, high)) <= allowed:
        return high
    while low < high:
        middle = (low + high + 1) // 2
        if token_cost(kept_lengths(values, titles, middle)) <= allowed:
            low = middle
        else:
            high = middle - 1
    return low

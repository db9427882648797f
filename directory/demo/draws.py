"""Small helpers shared by the demo builders: weighted draws, fair shares, French wording."""

from collections.abc import Sequence
from random import Random


def weighted_choice(rng: Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def share_out(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """``total`` shared out in proportion to ``weights``, each share at least ``minimum``."""
    minimum = min(minimum, total // len(weights))
    rest = total - minimum * len(weights)
    raw = [rest * w / sum(weights) for w in weights]
    shares = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in by_remainder[: rest - sum(shares)]:
        shares[i] += 1
    return [minimum + s for s in shares]


def of_phrase(prefix: str, topic: str) -> str:
    """``prefix`` + ``topic``, eliding "de" before a vowel ("Laboratoire d'oncologie")."""
    if prefix.endswith(" de") and topic[0].lower() in "aeiouyhéèêâîô":
        return f"{prefix[:-2]}d'{topic}"
    return f"{prefix} {topic}"


def lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text

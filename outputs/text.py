"""Text helpers of the publications domain: dedup keys, language, author names, affiliations.

Pure functions (no database): the importers, the linking of authors and the demo data share them.
"""

import re
from dataclasses import dataclass

from directory.services import fold

__all__ = [
    "GivenPart",
    "detect_language",
    "family_key",
    "fold",
    "given_parts",
    "given_names_compatible",
    "mentions",
    "split_inverted",
    "split_natural",
    "title_key",
]

_NON_WORD = re.compile(r"[^0-9a-z]+")
_PARTICLES = {
    "de",
    "du",
    "des",
    "d",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "ten",
    "da",
    "di",
    "dos",
    "del",
    "della",
    "le",
    "la",
}

_FRENCH = frozenset(
    (
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "un",
        "une",
        "et",
        "est",
        "sont",
        "dans",
        "pour",
        "par",
        "sur",
        "avec",
        "au",
        "aux",
        "ce",
        "cette",
        "ces",
        "qui",
        "que",
        "nous",
        "ont",
        "été",
        "être",
        "leur",
        "leurs",
        "chez",
        "entre",
        "sans",
        "plus",
        "ou",
        "où",
        "mais",
        "donc",
        "ainsi",
        "lors",
        "selon",
        "notre",
        "nos",
        "également",
        "étude",
        "traitement",
        "cancers",
        "résultats",
    )
)
_ENGLISH = frozenset(
    (
        "the",
        "of",
        "and",
        "in",
        "to",
        "is",
        "are",
        "was",
        "were",
        "with",
        "for",
        "on",
        "by",
        "from",
        "that",
        "this",
        "these",
        "those",
        "which",
        "we",
        "our",
        "have",
        "has",
        "been",
        "be",
        "an",
        "as",
        "at",
        "or",
        "not",
        "but",
        "their",
        "between",
        "into",
        "using",
        "than",
        "after",
        "study",
        "treatment",
        "results",
    )
)


def title_key(title: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: how titles are compared."""
    return " ".join(_NON_WORD.sub(" ", fold(title)).split())[:255]


def detect_language(*texts: str) -> str:
    """'fr', 'en' or '' from counts of common French and English words."""
    words = re.findall(r"[a-zà-ÿœæ]+", " ".join(t for t in texts if t).lower())
    french = sum(1 for w in words if w in _FRENCH)
    english = sum(1 for w in words if w in _ENGLISH)
    if max(french, english) < 2 or french == english:
        return ""
    return "fr" if french > english else "en"


# --- author names ------------------------------------------------------------------------------


def family_key(family: str) -> str:
    """'Lefèvre' and 'LEFEVRE' agree, and so do 'Dupont-Martin' and 'Dupont Martin'."""
    return " ".join(_NON_WORD.sub(" ", fold(family)).split())


@dataclass(frozen=True)
class GivenPart:
    text: str  # folded
    initial: bool

    @property
    def letter(self) -> str:
        return self.text[:1]


def given_parts(given: str) -> list[GivenPart]:
    """'Jean-Pierre' → jean, pierre; 'J.-P.' and 'JP' → j, p (initials)."""
    parts: list[GivenPart] = []
    for token in re.split(r"[\s\-]+", given.strip()):
        token = token.strip(".,")
        if not token:
            continue
        if "." in token:  # 'J.P.' or 'Ch.'
            parts += [GivenPart(fold(t)[:1], True) for t in token.split(".") if t]
        elif token.isupper() and len(token) <= 3 and token.isalpha():  # MEDLINE 'JP'
            parts += [GivenPart(fold(ch), True) for ch in token]
        elif len(token) == 1:
            parts.append(GivenPart(fold(token), True))
        else:
            parts.append(GivenPart(fold(token), False))
    return [p for p in parts if p.text]


def given_names_compatible(a: str, b: str) -> bool:
    """Whether two given names may be the same person's: initials agree, full names are equal.

    'J' fits 'Jean-Pierre', 'Jean' fits 'Jean-Pierre', 'J.-P.' fits 'Jean'; 'Jean' does not fit
    'Jacques'. A missing given name fits nothing (a family name alone is no evidence).
    """
    left, right = given_parts(a), given_parts(b)
    if not left or not right:
        return False
    for x, y in zip(left, right, strict=False):
        if x.letter != y.letter:
            return False
        if not x.initial and not y.initial and x.text != y.text:
            return False
    return True


def split_inverted(name: str) -> tuple[str, str]:
    """'Dupont, Marie' → ('Dupont', 'Marie'); 'Dupont MJ' (MEDLINE) → ('Dupont', 'MJ')."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    tokens = name.split(" ")
    if len(tokens) > 1 and tokens[-1].isupper() and len(tokens[-1]) <= 3:
        return " ".join(tokens[:-1]), tokens[-1]
    return name, ""


def split_natural(name: str) -> tuple[str, str]:
    """'Marie Dupont' → ('Dupont', 'Marie'); 'Jean de La Fontaine' → ('de La Fontaine', 'Jean')."""
    name = " ".join(name.split())
    if "," in name:
        return split_inverted(name)
    tokens = name.split(" ")
    if len(tokens) == 1:
        return name, ""
    for i in range(1, len(tokens) - 1):
        if fold(tokens[i]).strip("'") in _PARTICLES:
            return " ".join(tokens[i:]), " ".join(tokens[:i])
    return tokens[-1], " ".join(tokens[:-1])


# --- affiliations ------------------------------------------------------------------------------


def _compact(text: str) -> str:
    """Folded words, with codes glued: 'UMR 144' and 'UMR-144' → 'umr144'."""
    words = " ".join(_NON_WORD.sub(" ", fold(text)).split())
    return re.sub(r"\b([a-z]+) (\d+)\b", r"\1\2", words)


def mentions(text: str, label: str, *, min_length: int = 3) -> bool:
    """Whether ``label`` (an institution or unit name, acronym or code) appears in ``text`` as
    whole words, ignoring case, accents and punctuation."""
    needle = _compact(label)
    if len(needle.replace(" ", "")) < min_length:
        return False
    return re.search(rf"(?<![0-9a-z]){re.escape(needle)}(?![0-9a-z])", _compact(text)) is not None

"""Language basics shared by the lexical side and the translator.

Kept apart from text.py and translate.py so that both can use them without
importing each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from expertise.engine.lexicon import EN_MARKERS, FR_MARKERS

_WORD = re.compile(r"[^\W_]+")
_FRENCH_LETTERS = re.compile("[éèêàùçûîôâëï]")


def strip_accents(text: str) -> str:
    """Remove combining marks (é -> e, ç -> c); keeps other characters (β...)."""
    if text.isascii():  # the common case, ~50x faster than normalising
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=262_144)
def _language_votes(token: str) -> tuple[int, int]:
    """(French, English) evidence of one lowercase token, memoised."""
    plain = strip_accents(token)
    fr = int(plain in FR_MARKERS or (plain != token and _FRENCH_LETTERS.search(token) is not None))
    return fr, int(plain in EN_MARKERS)


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens (letters/digits), pure numbers and 1-letter words dropped."""
    return [tok for tok in _WORD.findall(text.lower()) if len(tok) > 1 and not tok.isdigit()]


def detect_language(tokens: Sequence[str]) -> str:
    """'fr' or 'en' by counting function words and accented words; ties: English.

    Only these two languages matter for the network's abstracts; anything
    else is treated as English (stemmed with the English stemmer).  Accented
    words count for French because short French titles may contain no
    function word of the list ("Insuffisance cardiaque à fraction préservée").
    """
    fr = en = 0
    for tok in tokens:
        votes = _language_votes(tok)
        fr += votes[0]
        en += votes[1]
    return "fr" if fr > en else "en"


def is_french(text: str) -> bool:
    return detect_language(tokenize(text)) == "fr"

"""Word-by-word French -> English rendering of scientific text.

Why: MiniLM is an English model and the lexical side stems each language
differently, so "cancer du sein" and "breast cancer" barely meet.  A crude
word-level translation (glossary, then regular cognate suffixes such as
-ique -> -ic, -ité -> -ity, -eur -> -or) lifts the cosine of a French abstract
with its English counterpart from about 0.5 to about 0.9 with MiniLM, and
lets stems match in TF-IDF.  English text passes through unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from expertise.engine.language import is_french, strip_accents
from expertise.engine.lexicon import FR_EN, FR_STOPWORDS

_WORD = re.compile(r"[^\W_]+")
_WITHIN = re.compile(r"\bau sein (?:de |du |des |d')", re.IGNORECASE)

# French function words rendered in English (others are dropped).
_FUNCTION_WORDS = {
    "le": "the", "la": "the", "les": "the", "l": "the", "un": "a", "une": "a",
    "de": "of", "du": "of", "des": "of", "d": "of", "et": "and", "ou": "or",
    "en": "in", "dans": "in", "chez": "in", "au": "in", "aux": "in", "avec": "with",
    "sans": "without", "pour": "for", "par": "by", "sur": "on", "entre": "between",
    "contre": "against", "apres": "after", "avant": "before", "pendant": "during",
    "lors": "during", "non": "non", "plus": "more", "moins": "less", "selon": "according",
    "est": "is", "sont": "are", "ont": "have", "nous": "we", "qui": "which", "que": "that",
    "ce": "this", "cette": "this", "ces": "these", "leur": "their", "leurs": "their",
}  # fmt: skip

# Regular cognate endings, longest first: (French suffix, English suffix).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("iques", "ic"), ("ique", "ic"), ("ites", "ity"), ("ite", "ity"), ("ives", "ive"),
    ("ifs", "ive"), ("if", "ive"), ("ive", "ive"), ("aires", "ary"), ("aire", "ary"),
    ("ies", "y"), ("ie", "y"), ("eurs", "or"), ("eur", "or"), ("elles", "al"), ("elle", "al"),
    ("els", "al"), ("el", "al"), ("ees", "ed"), ("ee", "ed"), ("es", "ed"), ("e", "ed"),
)  # fmt: skip
# "-é(e)(s)" is only a past participle when the accent was there.
_ACCENTED_ONLY = {"ees", "ee", "es", "e"}


@lru_cache(maxsize=262_144)
def french_word_to_english(word: str, plain: str) -> str | None:
    """English rendering of a French content word, or None if unknown.

    ``word`` is the lowercase token (with accents), ``plain`` the same without
    accents.  Glossary first (handles plurals), then cognate suffix rules.
    """
    for candidate in (plain, plain[:-1] if plain[-1:] in "sx" else ""):
        if candidate and candidate in FR_EN:
            return FR_EN[candidate]
    for suffix, english in _SUFFIXES:
        if plain.endswith(suffix) and len(plain) > len(suffix) + 3:
            if suffix in _ACCENTED_ONLY and not word.rstrip("s").endswith(("é", "ée")):
                continue
            return plain[: -len(suffix)] + english
    return None


def pseudo_translate(segment: str) -> str:
    """Render a French segment word by word in English; keeps punctuation.

    Unknown content words stay as they are (MiniLM's WordPiece still gets
    their stems); French function words without an equivalent are dropped.
    """

    def replace(match: re.Match[str]) -> str:
        word = match.group(0).lower()
        plain = strip_accents(word)
        if plain in _FUNCTION_WORDS:
            return _FUNCTION_WORDS[plain]
        if plain in FR_STOPWORDS:
            return ""
        return french_word_to_english(word, plain) or match.group(0)

    text = _WITHIN.sub("within ", segment.replace("’", "'"))
    text = _WORD.sub(replace, text.replace("'", " "))
    return re.sub(r"\s{2,}", " ", text).strip()


def english_rendering(*segments: str) -> str:
    """Join segments with '. ', pseudo-translating those written in French.

    Used for the text given to the (English) sentence encoder.
    """
    parts = [s.strip() for s in segments if s and s.strip()]
    return ". ".join(pseudo_translate(p) if is_french(p) else p for p in parts)

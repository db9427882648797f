"""What every parser returns: records of publications, or errors that say where and why.

A parser is a function ``parse(stream) -> Iterator[Record | RecordError]`` over the bytes of an
upload. It raises ``FileError`` when the file as a whole is unusable (not this format at all,
empty, unreadable JSON); a broken record is yielded as a ``RecordError`` and the parser goes on.
Identifiers and years are kept as found: the import service checks and normalises them.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.utils.translation import gettext as _

from core.errors import InvalidInput

# Kinds as stored in ``Publication.kind`` (plain strings, so parsers need no models).
ARTICLE, REVIEW, PREPRINT, CHAPTER, BOOK = "article", "review", "preprint", "chapter", "book"
CONFERENCE, THESIS, DATASET, SOFTWARE, OTHER = "conference", "thesis", "dataset", "software", "other"

LANGUAGE_CODES = {
    "eng": "en", "english": "en", "en": "en", "anglais": "en",
    "fre": "fr", "fra": "fr", "french": "fr", "francais": "fr", "français": "fr", "fr": "fr",
    "ger": "de", "deu": "de", "german": "de", "de": "de",
    "spa": "es", "spanish": "es", "es": "es", "ita": "it", "italian": "it", "it": "it",
}  # fmt: skip

MONTHS = {
    "jan": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "avr": 4, "may": 5, "mai": 5, "jun": 6, "jui": 7,
    "jul": 7, "aug": 8, "aou": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip


class FileError(InvalidInput):
    """The file cannot be read as the chosen format: nothing of it is imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass
class AuthorRecord:
    name: str
    family: str = ""
    given: str = ""
    orcid: str = ""
    affiliation: str = ""


@dataclass
class Record:
    position: str
    title: str
    kind: str = ARTICLE
    abstract: str = ""
    language: str = ""  # as declared by the source; the service detects it from the text too
    year: str = ""  # as found; checked by the service
    published_on: date | None = None
    venue: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    hal_id: str = ""
    keywords: list[str] = field(default_factory=list)
    grants: list[dict[str, str]] = field(default_factory=list)
    authors: list[AuthorRecord] = field(default_factory=list)
    owner_orcid: str = ""  # the ORCID iD of the person whose own list this is (ORCID records)


@dataclass(frozen=True)
class RecordError:
    position: str
    reason: str


def at_line(number: int) -> str:
    return _("ligne %(n)d") % {"n": number}


def at_record(number: int) -> str:
    return _("enregistrement %(n)d") % {"n": number}


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1: what exports use."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def clean(text: Any) -> str:
    """Collapse white space (line breaks included) of a value that may be missing."""
    return " ".join(str(text).split()) if text not in (None, "") else ""


def clean_title(text: Any) -> str:
    title = clean(text)
    if title.startswith("[") and title.endswith("]."):  # PubMed's translated titles: "[Titre]."
        title = title[1:-2]
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def language_code(value: Any) -> str:
    return LANGUAGE_CODES.get(clean(value).lower(), "")


def first_year(text: Any) -> str:
    """The first four-digit number of a date text ('2021 Mar 5', '2020///'), else the text."""
    match = re.search(r"\b(\d{4})\b", str(text or ""))
    return match.group(1) if match else clean(text)


def make_date(year: str, month: Any = None, day: Any = None) -> date | None:
    """A date when year, month and day are all known and plausible; else None."""
    try:
        y = int(year)
        m = int(month) if str(month or "").isdigit() else MONTHS.get(str(month or "")[:3].lower(), 0)
        d = int(day) if str(day or "").isdigit() else 0
        return date(y, m, d) if m and d else None
    except (TypeError, ValueError):
        return None


def split_keywords(value: Any) -> list[str]:
    """'a; b; c' or 'a, b, c' → ['a', 'b', 'c'] (semicolons win when both are present)."""
    text = str(value or "")
    parts = text.split(";") if ";" in text else text.split(",")
    return [clean(p) for p in parts if clean(p)]


def read_json(stream: IO[bytes]) -> Any:
    """The JSON document of a whole file, or a ``FileError`` saying why it cannot be read."""
    text = decode(stream.read())
    if not text.strip():
        raise FileError(_("Le fichier est vide."))
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FileError(_("Ce fichier n'est pas du JSON lisible : %(error)s.") % {"error": exc}) from exc


def count_json(data: bytes, items: Any) -> int:
    """How many records ``items(payload)`` finds in a JSON file (0 when it is not readable)."""
    try:
        found = items(json.loads(decode(data)))
    except (ValueError, AttributeError, TypeError):
        return 0
    return len(found) if isinstance(found, list) else 0

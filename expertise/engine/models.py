"""Plain data types exchanged with the engine (no Django, no numpy).

Why separate: the Django side builds these from its ORM rows and the CLI
builds them from JSON lines; both then call the same engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Identifier = str | int

MIN_YEAR = 1900
MAX_YEAR = 2100


class InputError(ValueError):
    """Malformed profile/document data (message is meant for end users)."""


@dataclass(frozen=True)
class Publication:
    """One paper of a person: title and/or abstract, optional year and keywords."""

    title: str = ""
    abstract: str = ""
    year: int | None = None
    keywords: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Text that gets embedded/analysed: 'title. abstract keywords'."""
        parts = [self.title.strip()]
        if self.abstract.strip():
            parts.append(self.abstract.strip())
        if self.keywords:
            parts.append("; ".join(k.strip() for k in self.keywords if k.strip()))
        return ". ".join(p for p in parts if p)

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def valid_year(self) -> int | None:
        """The year if plausible, else None (absurd years must not skew recency)."""
        if self.year is None or not MIN_YEAR <= self.year <= MAX_YEAR:
            return None
        return self.year

    def dedupe_key(self) -> str:
        """Same paper listed twice (import from two sources) -> same key."""
        basis = self.title or self.abstract[:200]
        plain = unicodedata.normalize("NFKD", basis.casefold())
        return re.sub(r"[\W_]+", "", "".join(c for c in plain if not unicodedata.combining(c)))


@dataclass(frozen=True)
class Profile:
    """A person and their publications."""

    id: Identifier
    publications: tuple[Publication, ...] = ()

    def distinct_publications(self) -> list[Publication]:
        """Non-empty publications, duplicates merged (keeps the richest copy)."""
        best: dict[str, Publication] = {}
        for pub in self.publications:
            if pub.is_empty:
                continue
            key = pub.dedupe_key()
            current = best.get(key)
            if current is None or len(pub.text) > len(current.text):
                best[key] = pub
        return list(best.values())


@dataclass(frozen=True)
class Document:
    """A document (e.g. a grant application or manuscript) to be matched."""

    id: Identifier
    title: str = ""
    abstract: str = ""

    @property
    def text(self) -> str:
        parts = [p.strip() for p in (self.title, self.abstract) if p and p.strip()]
        return ". ".join(parts)


def _text_field(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: field {key!r} must be a string, got {type(value).__name__}")
    return value


def _identifier(data: Mapping[str, Any], where: str) -> Identifier:
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(f"{where}: field 'id' is required and must be a string or an integer")
    return value


def _year(value: Any) -> int | None:
    """Lenient year parsing: '2019', 2019.0 and 2019 work; junk gives None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = re.search(r"\d{4}", value)
        return int(match.group()) if match else None
    return None


def publication_from_dict(data: Any, where: str) -> Publication:
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: a publication must be a JSON object")
    keywords = data.get("keywords") or ()
    if isinstance(keywords, str):
        keywords = re.split(r"[;,]", keywords)
    if not isinstance(keywords, list | tuple) or not all(isinstance(k, str) for k in keywords):
        raise InputError(f"{where}: 'keywords' must be a list of strings")
    return Publication(
        title=_text_field(data, "title", where),
        abstract=_text_field(data, "abstract", where),
        year=_year(data.get("year")),
        keywords=tuple(keywords),
    )


def profile_from_dict(data: Any, where: str = "profile") -> Profile:
    """Build a Profile from ``{"id": ..., "publications": [...]}``."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected a JSON object")
    pubs = data.get("publications") or []
    if not isinstance(pubs, list):
        raise InputError(f"{where}: 'publications' must be a list")
    return Profile(
        id=_identifier(data, where),
        publications=tuple(
            publication_from_dict(p, f"{where}, publication {i + 1}") for i, p in enumerate(pubs)
        ),
    )


def document_from_dict(data: Any, where: str = "document") -> Document:
    """Build a Document from ``{"id": ..., "title": ..., "abstract": ...}``."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected a JSON object")
    return Document(
        id=_identifier(data, where),
        title=_text_field(data, "title", where),
        abstract=_text_field(data, "abstract", where),
    )

"""Checking and normalising a parsed record before it is stored (no database access).

Invalid identifiers and absurd years are reported as warnings and dropped, never stored; the
language is detected from the text (French or English) and falls back to the source's own.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from outputs import identifiers
from outputs.models import Authorship, Publication
from outputs.parsers import Record
from outputs.text import detect_language, fold, title_key

MIN_YEAR = 1900
MAX_AUTHORS = 5000
MAX_KEYWORDS = 60
IDENTIFIERS = {
    "doi": ("DOI", identifiers.normalise_doi),
    "pmid": ("PMID", identifiers.normalise_pmid),
    "pmcid": ("PMCID", identifiers.normalise_pmcid),
    "hal_id": ("HAL", identifiers.normalise_hal_id),
}


def parse_year(text: str, warnings: list[str]) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        warnings.append(_("Année illisible « %(year)s » : laissée vide.") % {"year": text[:20]})
        return None
    year, latest = int(text), timezone.localdate().year + 1
    if year < MIN_YEAR or year > latest:
        warnings.append(
            _("Année %(year)d invalide (avant %(min)d ou après %(max)d) : laissée vide.")
            % {"year": year, "min": MIN_YEAR, "max": latest}
        )
        return None
    return year


def unique_folded(items: Iterable[str], limit: int) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        item = " ".join(str(item).split())[:200]
        if item and fold(item) not in seen:
            seen[fold(item)] = item
    return list(seen.values())[:limit]


def merge_grants(items: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for grant in items:
        grant_id, agency = (
            str(grant.get("id") or "").strip()[:100],
            str(grant.get("agency") or "").strip()[:200],
        )
        if grant_id or agency:
            seen.setdefault(fold(grant_id or agency), {"id": grant_id, "agency": agency})
    return list(seen.values())


def clean_record(record: Record, warnings: list[str]) -> tuple[dict[str, Any], list[Authorship]]:
    """The publication's field values and its (unsaved) authorships, checked and normalised."""
    title = " ".join(record.title.split())
    key = title_key(title)
    if not key:
        raise InvalidInput(_("Titre vide ou sans lettres ni chiffres."))
    values: dict[str, Any] = {
        "title": title,
        "title_key": key,
        "kind": record.kind if record.kind in Publication.Kind.values else Publication.Kind.OTHER,
        "abstract": record.abstract.strip(),
        "venue": record.venue[:500],
        "volume": record.volume[:40],
        "issue": record.issue[:40],
        "pages": record.pages[:40],
        "keywords": unique_folded(record.keywords, MAX_KEYWORDS),
        "grants": merge_grants(record.grants),
        "year": parse_year(record.year, warnings),
        "published_on": record.published_on,
    }
    if values["published_on"] and values["published_on"].year != values["year"]:
        values["published_on"] = None
    values["language"] = detect_language(title, values["abstract"]) or record.language
    for name, (label, normalise) in IDENTIFIERS.items():
        raw = getattr(record, name)
        values[name] = ""
        if raw:
            try:
                values[name] = normalise(raw)
            except ValueError as exc:
                warnings.append(_("%(error)s Identifiant %(label)s ignoré.") % {"error": exc, "label": label})
    authors = []
    if len(record.authors) > MAX_AUTHORS:
        warnings.append(_("Plus de %(n)d auteurs : seuls les premiers sont gardés.") % {"n": MAX_AUTHORS})
    for position, author in enumerate(record.authors[:MAX_AUTHORS], start=1):
        orcid = ""
        if author.orcid:
            try:
                orcid = identifiers.normalise_orcid(author.orcid)
            except ValueError as exc:
                warnings.append(
                    _("Auteur %(name)s : %(error)s ORCID ignoré.") % {"name": author.name, "error": exc}
                )
        name = author.name or ", ".join(p for p in (author.family, author.given) if p)
        authors.append(
            Authorship(
                position=position,
                name=name[:300],
                family_name=author.family[:200],
                given_names=author.given[:200],
                orcid=orcid,
                affiliation=author.affiliation[:4000],
            )
        )
    return values, authors

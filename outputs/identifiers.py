"""Identifiers of publications: checked by format, stored normalised.

Each ``normalise_*`` function accepts what exports contain (a resolver URL, a ``doi:`` prefix,
upper case, a HAL version suffix) and returns the canonical form, or raises ``ValueError`` with a
French sentence. ORCID iDs reuse the directory's checker (with its check character).
"""

import re

from django.utils.translation import gettext as _

from directory.identifiers import normalise_orcid

__all__ = [
    "hal_url",
    "normalise_doi",
    "normalise_hal_id",
    "normalise_orcid",
    "normalise_pmcid",
    "normalise_pmid",
]

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|info:doi/)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_HAL = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z]+)?-\d{8})(?:v\d+)?$")


def normalise_doi(value: str) -> str:
    """``https://doi.org/10.1000/ABC`` → ``10.1000/abc`` (DOIs compare case-insensitively)."""
    raw = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".,;")
    raw = raw.lower()
    if not _DOI.fullmatch(raw):
        raise ValueError(
            _("DOI invalide « %(value)s » : un DOI a la forme 10.<préfixe>/<suffixe>.")
            % {"value": value.strip()[:80]}
        )
    return raw


def normalise_pmid(value: str) -> str:
    raw = re.sub(
        r"^(?:pmid:?\s*|https?://pubmed\.ncbi\.nlm\.nih\.gov/)", "", value.strip(), flags=re.IGNORECASE
    )
    raw = raw.strip().strip("/")
    if not re.fullmatch(r"[1-9]\d{0,8}", raw):
        raise ValueError(
            _("PMID invalide « %(value)s » : un PMID est un nombre entier.") % {"value": value.strip()[:40]}
        )
    return raw


def normalise_pmcid(value: str) -> str:
    raw = value.strip().upper().replace(" ", "")
    if raw.isdigit():
        raw = f"PMC{raw}"
    if not re.fullmatch(r"PMC[1-9]\d{0,9}", raw):
        raise ValueError(
            _("PMCID invalide « %(value)s » : un PMCID s'écrit PMC suivi de chiffres.")
            % {"value": value.strip()[:40]}
        )
    return raw


def normalise_hal_id(value: str) -> str:
    """``hal-01234567v2`` → ``hal-01234567``: the document, whatever its version."""
    raw = re.sub(r"^https?://[^/]*hal[^/]*/", "", value.strip(), flags=re.IGNORECASE).strip("/").lower()
    match = _HAL.fullmatch(raw)
    if not match:
        raise ValueError(
            _(
                "Identifiant HAL invalide « %(value)s » : il a la forme hal-01234567 "
                "(ou tel-, inserm-…), avec éventuellement une version v2."
            )
            % {"value": value.strip()[:60]}
        )
    return match.group(1)


def hal_url(value: str) -> str:
    return f"https://hal.science/{value}"

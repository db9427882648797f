"""HAL search API results (``{"response": {"docs": [...]}}``), French abstracts included.

Fields read when present: ``halId_s``, ``title_s``, ``authFullName_s`` (or ``authLastName_s`` with
``authFirstName_s``), ``abstract_s``, ``doiId_s``, ``pubmedId_s``, ``publicationDateY_i`` (or
``producedDateY_i``), ``publicationDate_s``, ``docType_s``, ``language_s``, ``keyword_s``,
``journalTitle_s``, ``volume_s``, ``issue_s``, ``page_s``, and ``authIdHasStructure_fs`` which
ties each author to the structures (laboratories) they signed with.
"""

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from outputs.parsers.records import (
    ARTICLE,
    BOOK,
    CHAPTER,
    CONFERENCE,
    DATASET,
    OTHER,
    PREPRINT,
    SOFTWARE,
    THESIS,
    AuthorRecord,
    FileError,
    Record,
    RecordError,
    at_record,
    clean,
    clean_title,
    count_json,
    language_code,
    make_date,
    read_json,
)
from outputs.text import split_natural

KINDS = {
    "ART": ARTICLE, "COMM": CONFERENCE, "POSTER": CONFERENCE, "PROCEEDINGS": BOOK, "OUV": BOOK,
    "COUV": CHAPTER, "DOUV": BOOK, "THESE": THESIS, "HDR": THESIS, "MEM": THESIS, "UNDEFINED": PREPRINT,
    "PREPRINT": PREPRINT, "SOFTWARE": SOFTWARE, "DATA": DATASET, "REPORT": OTHER, "OTHER": OTHER,
}  # fmt: skip


def _first(value: Any) -> str:
    if isinstance(value, list):
        return clean(value[0]) if value else ""
    return clean(value)


def _list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value not in (None, "") else []
    return [clean(v) for v in items if clean(v)]


def _structures(doc: dict[str, Any]) -> dict[str, list[str]]:
    """'Marie Dupont_FacetSep_123_JoinSep_456_FacetSep_Institut Curie' → {'Marie Dupont': ['Institut Curie']}."""
    by_author: dict[str, list[str]] = {}
    for entry in _list(doc.get("authIdHasStructure_fs")):
        author, _sep, structure = entry.partition("_JoinSep_")
        name = author.split("_FacetSep_")[0].strip()
        label = structure.split("_FacetSep_")[-1].strip()
        if name and label:
            by_author.setdefault(name, []).append(label)
    return by_author


def _authors(doc: dict[str, Any]) -> list[AuthorRecord]:
    full = _list(doc.get("authFullName_s"))
    lasts, firsts = _list(doc.get("authLastName_s")), _list(doc.get("authFirstName_s"))
    structures = _structures(doc)
    authors = []
    for i, name in enumerate(full or [f"{f} {la}" for f, la in zip(firsts, lasts, strict=False)]):
        if len(lasts) == len(full) and len(firsts) == len(full):
            family, given = lasts[i], firsts[i]
        else:
            family, given = split_natural(name)
        authors.append(
            AuthorRecord(
                name=name, family=family, given=given, affiliation="; ".join(structures.get(name, []))
            )
        )
    return authors


def _record(index: int, doc: Any) -> Record | RecordError:
    position = at_record(index)
    if not isinstance(doc, dict):
        return RecordError(position, _("Enregistrement qui n'est pas un objet JSON : ignoré."))
    hal_id = _first(doc.get("halId_s"))
    if hal_id:
        position = _("enregistrement %(n)d (%(id)s)") % {"n": index, "id": hal_id}
    title = clean_title(
        _first(doc.get("title_s")) or _first(doc.get("fr_title_s")) or _first(doc.get("en_title_s"))
    )
    if not title:
        return RecordError(position, _("Document sans titre (title_s manquant)."))
    year = clean(doc.get("publicationDateY_i") or doc.get("producedDateY_i") or "")
    date_parts = _first(doc.get("publicationDate_s")).split("-")
    abstract = (
        _first(doc.get("abstract_s")) or _first(doc.get("fr_abstract_s")) or _first(doc.get("en_abstract_s"))
    )
    return Record(
        position=position,
        title=title,
        kind=KINDS.get(_first(doc.get("docType_s")).upper(), OTHER),
        abstract=abstract,
        language=language_code(_first(doc.get("language_s"))),
        year=year,
        published_on=make_date(year, *date_parts[1:3]) if len(date_parts) == 3 else None,
        venue=_first(doc.get("journalTitle_s"))
        or _first(doc.get("conferenceTitle_s"))
        or _first(doc.get("bookTitle_s")),
        volume=_first(doc.get("volume_s")),
        issue=_first(doc.get("issue_s")),
        pages=_first(doc.get("page_s")),
        doi=_first(doc.get("doiId_s")),
        pmid=_first(doc.get("pubmedId_s")),
        hal_id=hal_id,
        keywords=_list(doc.get("keyword_s")),
        authors=_authors(doc),
    )


def count(data: bytes) -> int:
    return count_json(data, lambda payload: payload.get("response", {}).get("docs"))


def parse(stream: IO[bytes]) -> Iterator[Record | RecordError]:
    payload = read_json(stream)
    docs = payload.get("response", {}).get("docs") if isinstance(payload, dict) else None
    if not isinstance(docs, list):
        raise FileError(
            _("Ce JSON n'est pas une réponse de l'API de recherche HAL (response.docs manquant).")
        )
    if not docs:
        raise FileError(_("La réponse HAL ne contient aucun document."))
    for index, doc in enumerate(docs, start=1):
        yield _record(index, doc)

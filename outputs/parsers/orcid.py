"""ORCID record JSON (API v3): the works of one person, listed in ``activities-summary``.

Each group of works is one publication (ORCID groups the versions of a work by their shared
identifiers); its preferred version (highest ``display-index``) is read. ORCID summaries do not
list co-authors: the record's owner is the one author we know, with the record's ORCID iD.
Identifiers marked ``part-of`` (the journal's ISSN, a book's DOI for a chapter) are not the work's.
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
    REVIEW,
    SOFTWARE,
    THESIS,
    AuthorRecord,
    FileError,
    Record,
    RecordError,
    clean,
    clean_title,
    count_json,
    make_date,
    read_json,
)

KINDS = {
    "journal-article": ARTICLE, "review": REVIEW, "preprint": PREPRINT, "book-chapter": CHAPTER,
    "book": BOOK, "edited-book": BOOK, "conference-paper": CONFERENCE, "conference-abstract": CONFERENCE,
    "conference-poster": CONFERENCE, "dissertation": THESIS, "dissertation-thesis": THESIS,
    "data-set": DATASET, "software": SOFTWARE,
}  # fmt: skip


def _value(node: Any, *path: str) -> str:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return clean(node) if node is not None and not isinstance(node, dict | list) else ""


def _works(payload: dict[str, Any]) -> Any:
    summary = payload.get("activities-summary")
    if isinstance(summary, dict):
        return (summary.get("works") or {}).get("group")
    return payload.get("group")  # the /works endpoint on its own


def _owner(payload: dict[str, Any]) -> tuple[str, str, str]:
    orcid = _value(payload, "orcid-identifier", "path")
    if not orcid:  # "/0000-0002-1825-0097/works"
        orcid = next((p for p in str(payload.get("path") or "").split("/") if p.count("-") == 3), "")
    return (
        orcid,
        _value(payload, "person", "name", "family-name", "value"),
        _value(payload, "person", "name", "given-names", "value"),
    )


def _record(index: int, group: Any, owner: tuple[str, str, str]) -> Record | RecordError:
    position = _("œuvre %(n)d") % {"n": index}
    summaries = group.get("work-summary") if isinstance(group, dict) else None
    if not isinstance(summaries, list) or not summaries or not all(isinstance(s, dict) for s in summaries):
        return RecordError(position, _("Groupe d'œuvres sans « work-summary » lisible : ignoré."))
    work = max(
        summaries,
        key=lambda s: (
            int(str(s.get("display-index") or 0)) if str(s.get("display-index") or 0).isdigit() else 0
        ),
    )
    title = clean_title(_value(work, "title", "title", "value"))
    if not title:
        return RecordError(position, _("Œuvre sans titre : ignorée."))
    ids: dict[str, str] = {}
    for source in (work, group):
        for ext in (
            ((source.get("external-ids") or {}).get("external-id") or []) if isinstance(source, dict) else []
        ):
            if not isinstance(ext, dict) or (ext.get("external-id-relationship") or "self") != "self":
                continue
            kind = str(ext.get("external-id-type") or "").lower()
            ids.setdefault(kind, _value(ext, "external-id-value"))
    year = _value(work, "publication-date", "year", "value")
    orcid, family, given = owner
    name = " ".join(p for p in (given, family) if p)
    return Record(
        position=position,
        title=title,
        kind=KINDS.get(str(work.get("type") or "").lower(), OTHER),
        year=year,
        published_on=make_date(
            year,
            _value(work, "publication-date", "month", "value"),
            _value(work, "publication-date", "day", "value"),
        ),
        venue=_value(work, "journal-title", "value"),
        doi=ids.get("doi", ""),
        pmid=ids.get("pmid", ""),
        pmcid=ids.get("pmc", ""),
        hal_id=ids.get("hal", ""),
        authors=[AuthorRecord(name=name, family=family, given=given, orcid=orcid)] if family else [],
        owner_orcid=orcid,
    )


def count(data: bytes) -> int:
    return count_json(data, _works)


def parse(stream: IO[bytes]) -> Iterator[Record | RecordError]:
    payload = read_json(stream)
    groups = _works(payload) if isinstance(payload, dict) else None
    if not isinstance(groups, list):
        raise FileError(
            _("Ce JSON n'est pas un enregistrement ORCID (activities-summary.works.group manquant).")
        )
    owner = _owner(payload)
    if not owner[0]:
        raise FileError(
            _("L'enregistrement ORCID ne dit pas à qui il appartient (orcid-identifier manquant).")
        )
    if not groups:
        raise FileError(_("Cet enregistrement ORCID ne contient aucune œuvre."))
    for index, group in enumerate(groups, start=1):
        yield _record(index, group, owner)

"""BibTeX, read with ``bibtexparser`` (v2): it resolves @string macros, removes the braces and
quotes around values, turns LaTeX accents ({\\'e}, \\c{c}) into Unicode and splits author names.

A block it cannot parse (an unclosed brace, a duplicate key) is reported with its line; the other
entries still import.
"""

import re
from collections.abc import Iterator
from typing import IO, Any

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
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
    at_line,
    clean,
    clean_title,
    decode,
    first_year,
    language_code,
    make_date,
    split_keywords,
)

KINDS = {
    "article": ARTICLE,
    "inproceedings": CONFERENCE,
    "conference": CONFERENCE,
    "proceedings": BOOK,
    "book": BOOK,
    "incollection": CHAPTER,
    "inbook": CHAPTER,
    "phdthesis": THESIS,
    "mastersthesis": THESIS,
    "thesis": THESIS,
    "unpublished": PREPRINT,
    "software": SOFTWARE,
    "dataset": DATASET,
    "data": DATASET,
}


def count(data: bytes) -> int:
    return len(re.findall(rb"(?m)^\s*@(?!string|preamble|comment)\w+\s*[{(]", data, flags=re.IGNORECASE))


def _name_parts(value: Any) -> list[AuthorRecord]:
    authors = []
    for parts in value if isinstance(value, list) else []:
        if isinstance(parts, middlewares.NameParts):
            family = " ".join([*parts.von, *parts.last]).strip()
            given = " ".join(parts.first).strip()
            name = f"{family}, {given}" if given else family
        else:
            name, family, given = str(parts), str(parts), ""
        if family:
            authors.append(AuthorRecord(name=clean(name), family=clean(family), given=clean(given)))
    return authors


def _record(entry: Entry) -> Record | RecordError:
    fields = {f.key.lower(): f.value for f in entry.fields}
    position = _("ligne %(n)d (clé %(key)s)") % {"n": (entry.start_line or 0) + 1, "key": entry.key}
    title = clean_title(fields.get("title"))
    if not title:
        return RecordError(position, _("Entrée sans titre (champ title manquant)."))
    kind = KINDS.get(entry.entry_type.lower(), OTHER)
    if kind == OTHER and (fields.get("archiveprefix") or fields.get("eprinttype")):
        kind = PREPRINT
    date_text = clean(fields.get("date"))
    year = clean(fields.get("year")) or first_year(date_text)
    date_parts = date_text.split("-")
    url = clean(fields.get("url"))
    doi = clean(fields.get("doi")) or (url if "doi.org/" in url else "")
    return Record(
        position=position,
        title=title,
        kind=kind,
        abstract=clean(fields.get("abstract")),
        language=language_code(fields.get("langid") or fields.get("language")),
        year=year,
        published_on=make_date(year, *date_parts[1:3]) if len(date_parts) == 3 else None,
        venue=clean(
            fields.get("journal")
            or fields.get("journaltitle")
            or fields.get("booktitle")
            or fields.get("publisher")
        ),
        volume=clean(fields.get("volume")),
        issue=clean(fields.get("number") or fields.get("issue")),
        pages=clean(fields.get("pages")).replace("--", "-").replace("–", "-"),
        doi=doi,
        pmid=clean(fields.get("pmid")),
        pmcid=clean(fields.get("pmcid")),
        hal_id=clean(fields.get("hal_id") or fields.get("halid")),
        keywords=split_keywords(fields.get("keywords") or fields.get("mots-cles")),
        authors=_name_parts(fields.get("author")),
    )


def _failure(block: Any) -> RecordError:
    position = at_line((block.start_line or 0) + 1)
    if isinstance(block, DuplicateBlockKeyBlock):
        return RecordError(
            position, _("Clé « %(key)s » déjà utilisée plus haut : entrée ignorée.") % {"key": block.key}
        )
    start = (str(getattr(block, "raw", "") or "").strip().splitlines() or [""])[0][:60]
    return RecordError(
        position,
        _("Entrée BibTeX illisible (accolade ou guillemet non fermé, virgule manquante…) : « %(start)s ».")
        % {"start": start},
    )


def parse(stream: IO[bytes]) -> Iterator[Record | RecordError]:
    text = decode(stream.read())
    if not text.strip():
        raise FileError(_("Le fichier est vide."))
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    blocks: list[Any] = [*library.entries, *library.failed_blocks]
    if not blocks:
        raise FileError(_("Aucune entrée BibTeX (@article{…}) dans ce fichier."))
    for block in sorted(blocks, key=lambda b: b.start_line or 0):
        if isinstance(block, Entry):
            yield _record(block)
        elif isinstance(block, ParsingFailedBlock):
            yield _failure(block)

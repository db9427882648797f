"""CSV lists of publications, as people keep them in a spreadsheet.

Columns (French or English headers, any order; only the title is required): title, authors
("Family, Given; Family, Given"), year, doi, pmid, pmcid, hal_id, journal, volume, issue, pages,
abstract, keywords, type, language. The separator (``;``, ``,`` or tab) is detected from the
header line; a UTF-8 byte-order mark and Windows-1252 files are accepted.
"""

import csv
import io
import re
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from outputs.parsers.records import (
    AuthorRecord,
    FileError,
    Record,
    RecordError,
    clean,
    clean_title,
    decode,
    first_year,
    language_code,
    split_keywords,
)
from outputs.text import fold, split_inverted, split_natural

ALIASES = {
    "title": ("title", "titre", "intitule", "article title"),
    "authors": ("authors", "author", "auteurs", "auteur", "auteurs et autrices"),
    "year": ("year", "annee", "date", "publication year", "annee de publication"),
    "doi": ("doi",),
    "pmid": ("pmid", "pubmed id", "pubmed"),
    "pmcid": ("pmcid", "pmc"),
    "hal_id": ("hal", "hal id", "hal_id", "halid", "identifiant hal"),
    "venue": ("journal", "revue", "venue", "source", "source title", "support"),
    "volume": ("volume", "vol"),
    "issue": ("issue", "numero", "number", "no"),
    "pages": ("pages", "page"),
    "abstract": ("abstract", "resume"),
    "keywords": ("keywords", "mots cles", "mots-cles", "mot cle", "author keywords"),
    "kind": ("type", "document type", "type de document"),
    "language": ("language", "langue"),
}
KINDS = {
    "article": "article", "journal article": "article", "review": "review", "revue": "review",
    "preprint": "preprint", "prepublication": "preprint", "chapter": "chapter", "chapitre": "chapter",
    "book": "book", "ouvrage": "book", "livre": "book", "conference": "conference",
    "communication": "conference", "thesis": "thesis", "these": "thesis", "dataset": "dataset",
    "jeu de donnees": "dataset", "software": "software", "logiciel": "software",
}  # fmt: skip


def _header(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9_-]+", " ", fold(text)).split())


def _delimiter(first_line: str) -> str:
    return max((";", ",", "\t"), key=first_line.count)


def _authors(text: str) -> list[AuthorRecord]:
    authors = []
    for name in (clean(n) for n in text.split(";")):
        if name:
            family, given = split_inverted(name) if "," in name else split_natural(name)
            authors.append(AuthorRecord(name=name, family=family, given=given))
    return authors


def count(data: bytes) -> int:
    return max(0, len(decode(data).strip().splitlines()) - 1)


def parse(stream: IO[bytes]) -> Iterator[Record | RecordError]:
    text = decode(stream.read())
    if not text.strip():
        raise FileError(_("Le fichier est vide."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()[0]))
    try:
        headers = [_header(h) for h in next(reader)]
    except csv.Error as exc:
        raise FileError(_("Ligne d'en-têtes illisible : %(error)s.") % {"error": exc}) from exc
    columns = {}
    for field, aliases in ALIASES.items():
        for i, header in enumerate(headers):
            if header in aliases and field not in columns:
                columns[field] = i
    if "title" not in columns:
        raise FileError(
            _(
                "Colonne « titre » (ou « title ») introuvable dans la première ligne : en-têtes lus : %(headers)s."
            )
            % {"headers": ", ".join(h for h in headers if h)[:200]}
        )
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RecordError(
                _("ligne %(n)d") % {"n": start}, _("Ligne CSV illisible : %(error)s.") % {"error": exc}
            )
            return
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(headers):
            yield RecordError(
                _("ligne %(n)d") % {"n": start},
                _("%(got)d colonnes au lieu de %(want)d (séparateur ou guillemet mal placé ?).")
                % {"got": len(row), "want": len(headers)},
            )
            continue
        values = {field: clean(row[i]) if i < len(row) else "" for field, i in columns.items()}
        title = clean_title(values.get("title"))
        if not title:
            yield RecordError(_("ligne %(n)d") % {"n": start}, _("Ligne sans titre."))
            continue
        yield Record(
            position=_("ligne %(n)d") % {"n": start},
            title=title,
            kind=KINDS.get(fold(values.get("kind", "")), "article"),
            abstract=values.get("abstract", ""),
            language=language_code(values.get("language")),
            year=first_year(values.get("year")),
            venue=values.get("venue", ""),
            volume=values.get("volume", ""),
            issue=values.get("issue", ""),
            pages=values.get("pages", ""),
            doi=values.get("doi", ""),
            pmid=values.get("pmid", ""),
            pmcid=values.get("pmcid", ""),
            hal_id=values.get("hal_id", ""),
            keywords=split_keywords(values.get("keywords")),
            authors=_authors(values.get("authors", "")),
        )

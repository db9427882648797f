"""RIS (Zotero, EndNote, Mendeley, journal sites): ``TY  - `` opens a reference, ``ER  - `` closes it.

Read by hand rather than with ``rispy``: rispy drops lines it does not understand and gives no
line numbers, while a broken file must be reported line by line. A reference left open at the end
of the file (``ER`` missing) is refused, since it may have been cut short.
"""

import re
from collections.abc import Iterator
from typing import IO

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
    decode,
    first_year,
    language_code,
    make_date,
)
from outputs.text import split_inverted

_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
KINDS = {
    "JOUR": ARTICLE, "JFULL": ARTICLE, "EJOUR": ARTICLE, "MGZN": ARTICLE, "NEWS": OTHER,
    "BOOK": BOOK, "EBOOK": BOOK, "EDBOOK": BOOK, "CHAP": CHAPTER, "ECHAP": CHAPTER,
    "CONF": CONFERENCE, "CPAPER": CONFERENCE, "ABST": CONFERENCE,
    "THES": THESIS, "DATA": DATASET, "COMP": SOFTWARE, "UNPB": PREPRINT, "INPR": PREPRINT,
    "RPRT": OTHER, "GEN": OTHER,
}  # fmt: skip
TITLE_TAGS = ("TI", "T1")
AUTHOR_TAGS = ("AU", "A1")
VENUE_TAGS = ("JO", "JF", "T2", "JA", "J2", "BT")


def count(data: bytes) -> int:
    return len(re.findall(rb"(?m)^TY  -", data))


def _record(first_line: int, lines: list[tuple[str, str]]) -> Record | RecordError:
    position = _("ligne %(n)d") % {"n": first_line}
    values: dict[str, list[str]] = {}
    for tag, value in lines:
        values.setdefault(tag, []).append(value)

    def one(*tags: str) -> str:
        return next((clean(values[t][0]) for t in tags if values.get(t) and clean(values[t][0])), "")

    title = clean_title(one(*TITLE_TAGS))
    if not title:
        return RecordError(position, _("Référence sans titre (ni TI ni T1)."))
    kind = KINDS.get(one("TY").upper(), OTHER)
    if kind == ARTICLE and "review" in one("M3").lower():
        kind = REVIEW
    date_text = one("DA", "Y1", "PY")
    year = first_year(one("PY", "Y1", "DA"))
    date_parts = [p for p in date_text.split("/") if p]
    pages = "-".join(p for p in (one("SP"), one("EP")) if p)
    url = one("UR")
    authors = []
    for tag in AUTHOR_TAGS:
        for name in values.get(tag, []):
            family, given = split_inverted(name)
            if family:
                authors.append(AuthorRecord(name=clean(name), family=family, given=given))
    return Record(
        position=position,
        title=title,
        kind=kind,
        abstract=one("AB", "N2"),
        language=language_code(one("LA")),
        year=year,
        published_on=make_date(year, *date_parts[1:3]) if len(date_parts) >= 3 else None,
        venue=one(*VENUE_TAGS),
        volume=one("VL"),
        issue=one("IS"),
        pages=pages,
        doi=one("DO") or (url if "doi.org/" in url else ""),
        keywords=[clean(k) for k in values.get("KW", []) if clean(k)],
        authors=authors,
    )


def parse(stream: IO[bytes]) -> Iterator[Record | RecordError]:
    text = decode(stream.read())
    if not text.strip():
        raise FileError(_("Le fichier est vide."))
    if not re.search(r"(?m)^TY  -", text):
        raise FileError(_("Aucune référence RIS (ligne « TY  - ») dans ce fichier."))
    current: list[tuple[str, str]] | None = None
    start = 0
    stray = False  # inside a run of lines outside any reference (reported once)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = _LINE.match(line)
        tag, value = (match.group(1), match.group(2) or "") if match else ("", "")
        if tag in ("TY", "ER"):
            stray = False
        if tag == "TY":
            if current is not None:
                yield RecordError(
                    _("ligne %(n)d") % {"n": start},
                    _(
                        "Référence non terminée (pas de « ER  - » avant la suivante, ligne %(next)d) : ignorée."
                    )
                    % {"next": number},
                )
            current, start = [("TY", value)], number
        elif tag == "ER":
            if current is None:
                yield RecordError(_("ligne %(n)d") % {"n": number}, _("« ER » sans « TY » qui l'ouvre."))
            else:
                yield _record(start, current)
            current = None
        elif not line.strip():
            stray = False
            continue
        elif current is None:
            if stray:
                continue
            stray = True
            yield RecordError(
                _("ligne %(n)d") % {"n": number},
                _("Ligne hors d'une référence (il manque « TY  - » avant) : « %(text)s »")
                % {"text": line[:60]},
            )
        elif match:
            current.append((tag, value))
        elif current:  # a long value wrapped onto the next line
            last_tag, last_value = current[-1]
            current[-1] = (last_tag, f"{last_value} {line.strip()}")
    if current is not None:
        yield RecordError(
            _("ligne %(n)d") % {"n": start},
            _("Référence non terminée à la fin du fichier (« ER  - » manquant) : le fichier semble tronqué."),
        )

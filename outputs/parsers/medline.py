"""MEDLINE text (PubMed's "PubMed format" / .nbib): tagged lines, records split by blank lines.

A line is ``TAG - value`` with the tag left-justified in four columns; a value continues on the
lines that start with six spaces. ``FAU``/``AU`` open an author, and the ``AD`` and ``AUID``
lines that follow belong to that author.
"""

import re
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from outputs.parsers.records import (
    ARTICLE,
    PREPRINT,
    REVIEW,
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
)
from outputs.text import split_inverted

_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")
_CONTINUATION = re.compile(r"^ {6}(.*)$")


def count(data: bytes) -> int:
    return len(re.findall(rb"(?m)^PMID- ", data)) or len(re.findall(rb"(?m)^TI  - ", data))


def _fields(lines: list[tuple[int, str]]) -> Iterator[tuple[str, str]]:
    tag, value = "", ""
    for number, line in lines:
        tagged, continued = _TAG.match(line), _CONTINUATION.match(line)
        if continued and tag:
            value += " " + continued.group(1).strip()
        elif tagged:
            if tag:
                yield tag, value.strip()
            tag, value = tagged.group(1), tagged.group(2)
        else:
            raise ValueError(
                _("ligne %(n)d illisible : « %(text)s »") % {"n": number, "text": line.strip()[:60]}
            )
    if tag:
        yield tag, value.strip()


def _record(first_line: int, lines: list[tuple[int, str]]) -> Record | RecordError:
    position = at_line(first_line)
    try:
        fields = list(_fields(lines))
    except ValueError as exc:
        return RecordError(position, str(exc))
    record = Record(position=position, title="")
    authors: list[AuthorRecord] = []
    open_full_name = False  # the last author came from FAU and may still get its AU line
    date_text = ""
    types: set[str] = set()
    for tag, value in fields:
        if tag == "PMID":
            record.pmid = value
            record.position = _("ligne %(n)d (PMID %(pmid)s)") % {"n": first_line, "pmid": value}
        elif tag == "TI":
            record.title = clean_title(value)
        elif tag == "AB":
            record.abstract = clean(value)
        elif tag == "FAU":
            family, given = split_inverted(value)
            authors.append(AuthorRecord(name=value, family=family, given=given))
            open_full_name = True
        elif tag == "AU":
            if not (authors and open_full_name):
                family, given = split_inverted(value)
                authors.append(AuthorRecord(name=value, family=family, given=given))
            open_full_name = False
        elif tag == "AD" and authors:
            previous = authors[-1].affiliation
            authors[-1].affiliation = f"{previous}; {value}" if previous else value
        elif tag == "AUID" and authors and "orcid" in value.lower():
            authors[-1].orcid = re.sub(r"(?i)^orcid:\s*", "", value).strip()
        elif tag in ("AID", "LID") and value.lower().endswith("[doi]"):
            record.doi = record.doi or value[: -len("[doi]")].strip()
        elif tag == "PMC":
            record.pmcid = value
        elif tag == "DP":
            date_text = value
        elif tag == "JT" or (tag == "TA" and not record.venue):
            record.venue = value
        elif tag == "VI":
            record.volume = value
        elif tag == "IP":
            record.issue = value
        elif tag == "PG":
            record.pages = value
        elif tag == "LA" and not record.language:
            record.language = language_code(value)
        elif tag == "MH":
            record.keywords.append(value.split("/")[0].strip("* "))
        elif tag == "OT":
            record.keywords.append(value)
        elif tag == "GR":
            grant_id, _sep, rest = value.partition("/")
            record.grants.append({"id": grant_id.strip(), "agency": rest.split("/")[0].strip()})
        elif tag == "PT":
            types.add(value.lower())
    if not record.title:
        return RecordError(record.position, _("Référence sans titre (ligne TI manquante)."))
    record.authors = authors
    record.kind = REVIEW if "review" in types else PREPRINT if "preprint" in types else ARTICLE
    parts = date_text.split()
    record.year = first_year(date_text)
    record.published_on = make_date(record.year, *(parts[1:3] if len(parts) >= 3 else ()))
    return record


def parse(stream: IO[bytes]) -> Iterator[Record | RecordError]:
    text = decode(stream.read())
    if not text.strip():
        raise FileError(_("Le fichier est vide."))
    block: list[tuple[int, str]] = []
    first_line, found = 0, 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            if not block:
                first_line = number
            block.append((number, line.rstrip()))
            continue
        if block:
            if not found and not _TAG.match(block[0][1]):
                raise FileError(
                    _(
                        "Ce fichier n'est pas au format MEDLINE : la ligne %(n)d ne commence pas par une "
                        "balise (PMID- , TI  - …)."
                    )
                    % {"n": first_line}
                )
            found += 1
            yield _record(first_line, block)
            block = []
    if not found:
        raise FileError(_("Aucune référence MEDLINE dans ce fichier."))

"""Readers of bibliographic files, one module per format, all returning ``records.Record`` and
``records.RecordError`` (see ``records``). ``detect`` guesses the format from the file's name and
first bytes; ``PARSERS`` and ``COUNTERS`` map each ``PublicationImport.Format`` value to its reader
and to a quick count of its records (for the progress bar).
"""

import json
import re
from collections.abc import Callable, Iterator
from typing import IO

from outputs.parsers import bibtex, csv, hal, medline, orcid, pubmed, ris
from outputs.parsers.records import AuthorRecord, FileError, Record, RecordError, decode

__all__ = ["COUNTERS", "PARSERS", "AuthorRecord", "FileError", "Record", "RecordError", "detect"]

Parser = Callable[[IO[bytes]], Iterator[Record | RecordError]]

PARSERS: dict[str, Parser] = {
    "pubmed_xml": pubmed.parse,
    "medline": medline.parse,
    "bibtex": bibtex.parse,
    "ris": ris.parse,
    "hal_json": hal.parse,
    "orcid_json": orcid.parse,
    "csv": csv.parse,
}
COUNTERS: dict[str, Callable[[bytes], int]] = {
    "pubmed_xml": pubmed.count,
    "medline": medline.count,
    "bibtex": bibtex.count,
    "ris": ris.count,
    "hal_json": hal.count,
    "orcid_json": orcid.count,
    "csv": csv.count,
}
EXTENSIONS = {
    ".xml": "pubmed_xml",
    ".nbib": "medline",
    ".medline": "medline",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".csv": "csv",
}


def _json_format(head: str) -> str:
    if '"activities-summary"' in head or '"orcid-identifier"' in head or re.search(r'"work-summary"', head):
        return "orcid_json"
    if '"response"' in head and '"docs"' in head:
        return "hal_json"
    try:  # a small file: look at its structure
        payload = json.loads(head)
    except ValueError:
        return ""
    if isinstance(payload, dict) and "response" in payload:
        return "hal_json"
    return ""


def detect(head: bytes, filename: str = "") -> str:
    """The format of a file from its first bytes (and its extension as a hint), or ''."""
    text = decode(head[:65536]).lstrip()
    if text.startswith("<"):
        return "pubmed_xml" if re.search(r"<Pubmed(?:Book)?Article", text) else ""
    if text.startswith(("{", "[")):
        return _json_format(text)
    if re.search(r"(?m)^PMID- ", text):
        return "medline"
    if re.search(r"(?m)^TY  - ", text):
        return "ris"
    if re.search(r"(?m)^\s*@\w+\s*[{(]", text):
        return "bibtex"
    extension = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if extension in EXTENSIONS and extension not in (".xml",):
        return EXTENSIONS[extension]
    first_line = text.splitlines()[0] if text else ""
    if re.search(r"(?i)\b(title|titre)\b", first_line) and re.search(r"[;,\t]", first_line):
        return "csv"
    return ""

"""PubMed XML (``PubmedArticleSet/PubmedArticle``), read as a stream with ``iterparse``.

Each article is handed over and cleared as soon as its closing tag is read, so a file of tens of
thousands of articles never sits whole in memory. A file cut short or broken in the middle yields
the articles before the break and one error saying where reading stopped.
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - expat (>= 2.4) refuses entity bombs; no external entities
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element  # noqa: S405

from django.utils.translation import gettext as _

from outputs.parsers.records import (
    ARTICLE,
    CHAPTER,
    PREPRINT,
    REVIEW,
    AuthorRecord,
    FileError,
    Record,
    RecordError,
    clean,
    clean_title,
    first_year,
    language_code,
    make_date,
)

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")


def count(data: bytes) -> int:
    return len(re.findall(rb"<Pubmed(?:Book)?Article[\s>]", data))


def _text(element: Element | None) -> str:
    return clean("".join(element.itertext())) if element is not None else ""


def _abstract(article: Element, citation: Element) -> str:
    parts = []
    for node in article.findall("Abstract/AbstractText"):
        text = _text(node)
        label = node.get("Label")
        if text:
            parts.append(f"{label.capitalize()}: {text}" if label else text)
    if not parts:  # a French article may carry its abstract only as OtherAbstract
        for other in citation.findall("OtherAbstract"):
            parts += [_text(n) for n in other.findall("AbstractText") if _text(n)]
            if parts:
                break
    return "\n\n".join(parts)


def _authors(article: Element) -> list[AuthorRecord]:
    authors = []
    for node in article.findall("AuthorList/Author"):
        family, given = (
            _text(node.find("LastName")),
            _text(node.find("ForeName")) or _text(node.find("Initials")),
        )
        collective = _text(node.find("CollectiveName"))
        if not family and not collective:
            continue
        orcid = next(
            (_text(i) for i in node.findall("Identifier") if (i.get("Source") or "").upper() == "ORCID"), ""
        )
        affiliations = [_text(a) for a in node.findall("AffiliationInfo/Affiliation")]
        authors.append(
            AuthorRecord(
                name=f"{family} {given}".strip() if family else collective,
                family=family or collective,
                given=given,
                orcid=orcid,
                affiliation="; ".join(a for a in affiliations if a),
            )
        )
    return authors


def _article(element: Element, index: int) -> Record | RecordError:
    position = _("article %(n)d") % {"n": index}
    if element.tag == "PubmedBookArticle":
        book = element.find("BookDocument")
        pmid = _text(book.find("PMID")) if book is not None else ""
        title = (
            clean_title(_text(book.find("ArticleTitle")) or _text(book.find("Book/BookTitle")))
            if book is not None
            else ""
        )
        if not title:
            return RecordError(position, _("Chapitre sans titre : ignoré."))
        year = first_year(_text(book.find("Book/PubDate/Year"))) if book is not None else ""
        return Record(position=position, title=title, kind=CHAPTER, pmid=pmid, year=year)
    citation = element.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    if citation is None or article is None:
        return RecordError(
            position, _("Article sans MedlineCitation/Article : ce n'est pas un article PubMed complet.")
        )
    pmid = _text(citation.find("PMID"))
    position = _("article %(n)d (PMID %(pmid)s)") % {"n": index, "pmid": pmid} if pmid else position
    title = clean_title(_text(article.find("VernacularTitle")) or _text(article.find("ArticleTitle")))
    if not title:
        return RecordError(position, _("Article sans titre (ArticleTitle vide)."))
    issue = article.find("Journal/JournalIssue")
    pub_date = issue.find("PubDate") if issue is not None else None
    year = month = day = ""
    if pub_date is not None:
        year = _text(pub_date.find("Year")) or first_year(_text(pub_date.find("MedlineDate")))
        month, day = _text(pub_date.find("Month")), _text(pub_date.find("Day"))
    if not year:
        electronic = article.find("ArticleDate")
        if electronic is not None:
            year, month, day = (_text(electronic.find(t)) for t in ("Year", "Month", "Day"))
    ids = {
        (n.get("IdType") or "").lower(): _text(n)
        for n in element.findall("PubmedData/ArticleIdList/ArticleId")
    }
    doi = next(
        (_text(n) for n in article.findall("ELocationID") if n.get("EIdType") == "doi"), ""
    ) or ids.get("doi", "")
    types = {_text(t).lower() for t in article.findall("PublicationTypeList/PublicationType")}
    kind = REVIEW if types & {"review", "systematic review"} else PREPRINT if "preprint" in types else ARTICLE
    keywords = [_text(n) for n in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")]
    keywords += [_text(n) for n in citation.findall("KeywordList/Keyword")]
    grants = [
        {"id": _text(g.find("GrantID")), "agency": _text(g.find("Agency"))}
        for g in article.findall("GrantList/Grant")
        if _text(g.find("GrantID")) or _text(g.find("Agency"))
    ]
    return Record(
        position=position,
        title=title,
        kind=kind,
        abstract=_abstract(article, citation),
        language=language_code(_text(article.find("Language"))),
        year=year,
        published_on=make_date(year, month, day),
        venue=_text(article.find("Journal/Title")) or _text(article.find("Journal/ISOAbbreviation")),
        volume=_text(issue.find("Volume")) if issue is not None else "",
        issue=_text(issue.find("Issue")) if issue is not None else "",
        pages=_text(article.find("Pagination/MedlinePgn")),
        doi=doi,
        pmid=pmid or ids.get("pubmed", ""),
        pmcid=ids.get("pmc", ""),
        keywords=[k for k in keywords if k],
        grants=grants,
        authors=_authors(article),
    )


def parse(stream: IO[bytes]) -> Iterator[Record | RecordError]:
    index = 0
    root: Element | None = None
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):  # noqa: S314
            if root is None:
                root = element
                if root.tag not in ("PubmedArticleSet", *ARTICLE_TAGS):
                    raise FileError(
                        _("Ce fichier XML n'est pas un export PubMed (élément racine « %(tag)s »).")
                        % {"tag": root.tag}
                    )
            if event == "end" and element.tag in ARTICLE_TAGS:
                index += 1
                yield _article(element, index)
                root.clear()  # drop what was read: memory stays flat
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        if root is None:
            raise FileError(
                _("Ce fichier n'est pas du XML lisible (ligne %(line)d).") % {"line": line}
            ) from exc
        yield RecordError(
            _("ligne %(n)d") % {"n": line},
            _(
                "XML mal formé après l'article %(n)d : la lecture s'arrête ici, les articles suivants "
                "ne sont pas importés (%(error)s)."
            )
            % {"n": index, "error": str(exc)},
        )
        return
    if root is None:
        raise FileError(_("Le fichier est vide."))
    if index == 0:
        raise FileError(_("Aucun article PubMed (PubmedArticle) dans ce fichier."))

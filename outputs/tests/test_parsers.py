"""Each reader on its real-looking sample and on a broken one: positions and reasons."""

import io

import pytest

from outputs import parsers
from outputs.parsers import FileError, Record, RecordError


def read(samples, name, fmt=None):  # type: ignore[no-untyped-def]
    data = (samples / name).read_bytes()
    fmt = fmt or parsers.detect(data, name)
    return list(parsers.PARSERS[fmt](io.BytesIO(data)))


def records(items):  # type: ignore[no-untyped-def]
    return [i for i in items if isinstance(i, Record)]


def errors(items):  # type: ignore[no-untyped-def]
    return [(e.position, e.reason) for e in items if isinstance(e, RecordError)]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("pubmed.xml", "pubmed_xml"),
        ("medline.nbib", "medline"),
        ("references.bib", "bibtex"),
        ("references.ris", "ris"),
        ("hal.json", "hal_json"),
        ("orcid.json", "orcid_json"),
        ("publications.csv", "csv"),
        ("not_a_bibliography.txt", ""),
    ],
)
def test_formats_are_recognised_from_content(samples, name, fmt):
    assert parsers.detect((samples / name).read_bytes(), name) == fmt


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("pubmed.xml", 3),
        ("medline.nbib", 2),
        ("references.bib", 3),
        ("references.ris", 3),
        ("hal.json", 3),
        ("orcid.json", 3),
    ],
)
def test_counters_match_the_records(samples, name, count):
    data = (samples / name).read_bytes()
    fmt = parsers.detect(data, name)
    assert parsers.COUNTERS[fmt](data) == count == len(read(samples, name))


def test_pubmed_xml(samples):
    first, french, review = records(read(samples, "pubmed.xml"))
    assert (
        first.pmid == "34012345" and first.pmcid == "PMC8123456" and first.doi == "10.1038/s41467-021-23201-x"
    )
    assert (
        first.title
        == "Spatial transcriptomics reveals immunosuppressive niches in uveal melanoma liver metastases"
    )
    assert first.abstract.startswith("Background: Uveal melanoma metastasises")
    assert (
        "Methods: We profiled 42" in first.abstract and "CD8+ T cells" in first.abstract
    )  # inline <sup> kept as text
    assert first.year == "2021" and str(first.published_on) == "2021-05-19"
    assert (first.venue, first.volume, first.issue, first.pages) == (
        "Nature communications",
        "12",
        "1",
        "2987",
    )
    assert [a.family for a in first.authors] == ["Lefèvre", "Dubois", "Martin", "Smith"]
    assert first.authors[0].orcid == "https://orcid.org/0000-0003-1234-5674"
    assert "INSERM U932" in first.authors[0].affiliation
    assert {"Melanoma", "Uveal Neoplasms", "spatial transcriptomics"} <= set(first.keywords)
    assert first.grants[0] == {"id": "ANR-21-CE17-0012", "agency": "Agence Nationale de la Recherche"}
    # A French article: the vernacular title, the declared language, a review.
    assert french.title == "Place de l'immunothérapie dans le traitement des mélanomes métastatiques"
    assert french.language == "fr" and french.kind == "review"
    assert review.year == "2019" and review.abstract == "" and review.kind == "review"
    assert review.authors[1].family == "IFCT Investigators"  # a collective author


def test_pubmed_xml_broken_file_keeps_what_came_before(samples):
    items = read(samples, "pubmed_broken.xml")
    assert len(records(items)) == 1
    assert errors(items)[0] == ("article 2 (PMID 35000002)", "Article sans titre (ArticleTitle vide).")
    position, reason = errors(items)[1]
    assert position.startswith("ligne ") and "XML mal formé après l'article 2" in reason


def test_pubmed_refuses_other_xml():
    with pytest.raises(FileError, match="n'est pas un export PubMed"):
        list(parsers.PARSERS["pubmed_xml"](io.BytesIO(b"<?xml version='1.0'?><html><body/></html>")))


def test_medline(samples):
    review, ctdna = records(read(samples, "medline.nbib"))
    assert review.abstract.startswith(
        "Circulating tumour DNA and circulating tumour cells can be detected in the blood of"
    )
    assert review.doi == "10.1016/j.lungcan.2019.10.011" and review.kind == "review"
    assert review.keywords[:3] == ["Humans", "Liquid Biopsy", "Lung Neoplasms"]
    assert ctdna.title.endswith(
        "after curative surgery for colorectal cancer liver metastases"
    )  # continuation line
    assert [(a.family, a.given, a.orcid) for a in ctdna.authors] == [
        ("Lefèvre", "Marie", "0000-0003-1234-5674"),
        ("Garcia", "Lucas", ""),
    ]
    assert ctdna.authors[1].affiliation.startswith("Hôpital Saint-Antoine")
    assert ctdna.pmcid == "PMC9012345" and str(ctdna.published_on) == "2022-03-03"
    assert ctdna.grants == [{"id": "ANR-20-CE14-0007", "agency": "Agence Nationale de la Recherche"}]


def test_medline_broken(samples):
    items = read(samples, "medline_broken.nbib")
    assert errors(items) == [
        ("ligne 1 (PMID 36000001)", "Référence sans titre (ligne TI manquante)."),
        ("ligne 6", "ligne 9 illisible : « this line has no tag and no indentation »"),
    ]
    assert [r.pmid for r in records(items)] == ["36000003"]


def test_bibtex_decodes_latex_and_macros(samples):
    spatial, treg, organoids = records(read(samples, "references.bib"))
    assert spatial.doi == "https://doi.org/10.1038/S41467-021-23201-X"  # normalised later by the service
    assert treg.title == "Le rôle des lymphocytes T régulateurs dans le mélanome uvéal"
    assert [(a.family, a.given) for a in treg.authors] == [
        ("Lefèvre", "Marie"),
        ("François", "Hélène"),
        ("Müller", "Jörg"),
    ]
    assert treg.venue == "Bulletin du Cancer" and treg.language == "fr" and treg.pages == "101-110"
    assert "déplétion" in treg.abstract
    assert organoids.kind == "conference" and organoids.hal_id == "hal-03456789v1"
    assert organoids.authors[1].family == "van der Berg"
    assert spatial.position == "ligne 4 (clé lefevre2021spatial)"


def test_bibtex_broken(samples):
    items = read(samples, "references_broken.bib")
    assert errors(items) == [
        (
            "ligne 1",
            "Entrée BibTeX illisible (accolade ou guillemet non fermé, virgule manquante…) : « @article{broken2020, ».",
        ),
        ("ligne 6 (clé notitle2021)", "Entrée sans titre (champ title manquant)."),
        ("ligne 19", "Clé « good2019 » déjà utilisée plus haut : entrée ignorée."),
    ]
    assert [r.title for r in records(items)] == ["Telomere maintenance in paediatric high-grade gliomas"]


def test_ris(samples):
    radiomics, chapter, flash = records(read(samples, "references.ris"))
    assert radiomics.abstract.endswith(
        "and trained a model that predicts pathological complete response."
    )  # wrapped line
    assert radiomics.year == "2020" and str(radiomics.published_on) == "2020-03-15"
    assert radiomics.pages == "12-21" and radiomics.keywords == [
        "radiomics",
        "breast cancer",
        "deep learning",
    ]
    assert (
        chapter.kind == "chapter"
        and chapter.venue == "Traité d'oncologie pédiatrique"
        and chapter.year == "2018"
    )
    assert flash.doi == "https://doi.org/10.1016/j.radonc.2022.05.001"


def test_ris_broken(samples):
    items = read(samples, "references_broken.ris")
    assert errors(items) == [
        ("ligne 1", "Ligne hors d'une référence (il manque « TY  - » avant) : « Exported on 2024-01-01 »"),
        ("ligne 4", "Référence sans titre (ni TI ni T1)."),
        (
            "ligne 15",
            "Référence non terminée à la fin du fichier (« ER  - » manquant) : le fichier semble tronqué.",
        ),
    ]
    assert len(records(items)) == 1


def test_hal(samples):
    screening, communication, thesis = records(read(samples, "hal.json"))
    assert screening.hal_id == "hal-03123456v2" and screening.language == "fr" and screening.kind == "article"
    assert screening.abstract.startswith("Les femmes des quartiers les plus défavorisés")
    assert [(a.family, a.given) for a in screening.authors] == [("Bernard", "Sophie"), ("Petit", "Marc")]
    assert "Institut national de la santé" in screening.authors[0].affiliation  # authIdHasStructure_fs
    assert screening.published_on is not None and screening.issue == "3"
    assert communication.kind == "conference" and communication.authors[1].family == "de La Fontaine"
    assert thesis.kind == "thesis" and thesis.abstract == ""


def test_hal_broken(samples):
    items = read(samples, "hal_broken.json")
    assert errors(items) == [
        ("enregistrement 2", "Enregistrement qui n'est pas un objet JSON : ignoré."),
        ("enregistrement 3 (hal-02222222)", "Document sans titre (title_s manquant)."),
    ]
    with pytest.raises(FileError, match="pas du JSON lisible"):
        read(samples, "hal_truncated.json", "hal_json")


def test_orcid(samples):
    screening, deprivation, chapter = records(read(samples, "orcid.json"))
    assert screening.owner_orcid == "0000-0001-7654-3210"
    assert screening.title.startswith("Inégalités sociales de santé")  # the preferred version (display-index)
    assert [(a.family, a.given, a.orcid) for a in screening.authors] == [
        ("Bernard", "Sophie", "0000-0001-7654-3210")
    ]
    assert (
        deprivation.pmid == "33445566"
        and deprivation.doi == ""
        and str(deprivation.published_on) == "2020-11-02"
    )
    assert chapter.kind == "chapter" and chapter.doi == ""  # the book's ISBN is "part-of", not the chapter's


def test_orcid_broken(samples):
    items = read(samples, "orcid_broken.json")
    assert errors(items) == [
        ("œuvre 1", "Groupe d'œuvres sans « work-summary » lisible : ignoré."),
        ("œuvre 2", "Œuvre sans titre : ignorée."),
    ]
    with pytest.raises(FileError, match="orcid-identifier"):
        list(parsers.PARSERS["orcid_json"](io.BytesIO(b'{"activities-summary": {"works": {"group": []}}}')))


def test_csv(samples):
    hif, quality, radiomics = records(read(samples, "publications.csv"))
    assert hif.title.startswith("Hypoxia-inducible factors") and hif.position == "ligne 2"
    assert [(a.family, a.given) for a in hif.authors] == [("Leroy", "Antoine"), ("Dupont", "Marie")]
    assert hif.keywords == ["radiothérapie", "hypoxie", "cancers ORL"]
    assert "reconstruction" in quality.abstract  # a quoted value over two lines
    assert radiomics.position == "ligne 5" and radiomics.pmid == "32101234"


def test_csv_broken(samples):
    items = read(samples, "publications_broken.csv")
    assert errors(items) == [
        ("ligne 2", "Ligne sans titre."),
        ("ligne 4", "7 colonnes au lieu de 5 (séparateur ou guillemet mal placé ?)."),
    ]
    assert [r.year for r in records(items)] == ["2999", "2018"]
    with pytest.raises(FileError, match="Colonne « titre »"):
        list(parsers.PARSERS["csv"](io.BytesIO(b"name,age\nx,1\n")))


@pytest.mark.parametrize("fmt", sorted(parsers.PARSERS))
def test_empty_files_are_refused(fmt):
    with pytest.raises(FileError):
        list(parsers.PARSERS[fmt](io.BytesIO(b"  \n")))

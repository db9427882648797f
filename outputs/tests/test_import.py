"""Storing records: stored once across formats, identifiers checked, authors linked or queued."""

import pytest
from django.db import IntegrityError

from outputs import parsers
from outputs.models import AuthorCandidate, Authorship, Publication
from outputs.parsers import AuthorRecord, Record, RecordError
from outputs.services import CREATED, MERGED, REJECTED, UNCHANGED, import_records, save_record

Match = Authorship.Match


def run(samples, name, **options):  # type: ignore[no-untyped-def]
    data = (samples / name).read_bytes()
    fmt = parsers.detect(data, name)
    with (samples / name).open("rb") as stream:
        return import_records(parsers.PARSERS[fmt](stream), source=fmt, **options)


def authors(publication):  # type: ignore[no-untyped-def]
    return [(a.name, a.person_id, a.match) for a in publication.authorships.order_by("position")]


def test_pubmed_import_links_by_orcid_name_and_affiliation_and_queues_the_rest(network, samples):
    outcomes = run(samples, "pubmed.xml")
    assert [o.action for o in outcomes] == [CREATED, CREATED, CREATED]
    spatial = Publication.objects.get(pmid="34012345")
    assert authors(spatial) == [
        ("Lefèvre Marie", network.marie.pk, Match.ORCID),
        ("Dubois Jean-Pierre", network.jean_pierre.pk, Match.NAME_AFFILIATION),
        ("Martin Claire", None, Match.AMBIGUOUS),
        ("Smith John A", None, Match.UNMATCHED),
    ]
    martin = spatial.authorships.get(position=3)
    assert {c.person_id for c in martin.candidates.all()} == {network.claire_1.pk, network.claire_2.pk}
    assert all("AP-HP" in c.reason and c.score == 0.8 for c in martin.candidates.all())
    smith = spatial.authorships.get(position=4)
    assert smith.orcid == ""  # the invalid ORCID iD was reported and dropped
    assert any("ORCID ignoré" in w and "Smith" in w for w in outcomes[0].warnings)
    assert spatial.doi == "10.1038/s41467-021-23201-x" and spatial.pmcid == "PMC8123456"
    assert spatial.language == "en" and spatial.sources == ["pubmed_xml"]
    assert spatial.grants[0]["id"] == "ANR-21-CE17-0012"
    assert (outcomes[0].linked, outcomes[0].ambiguous) == (2, 1)

    french = Publication.objects.get(pmid="33998877")
    assert french.language == "fr" and french.kind == Publication.Kind.REVIEW
    assert authors(french)[0] == (
        "Lefèvre Marie",
        network.marie.pk,
        Match.NAME_AFFILIATION,
    )  # "Institut Curie" cited
    nguyen = french.authorships.get(position=2)  # same name, but published from Nantes: a human decides
    assert nguyen.match == Match.AMBIGUOUS and nguyen.person is None
    assert [(c.person_id, c.score) for c in nguyen.candidates.all()] == [(network.thi_lan.pk, 0.5)]
    assert "aucune affiliation correspondante" in nguyen.candidates.get().reason

    review = Publication.objects.get(pmid="31234567")
    assert review.year == 2019 and review.abstract == ""  # a title is enough
    assert authors(review)[1] == ("IFCT Investigators", None, Match.UNMATCHED)


def test_the_same_paper_from_pubmed_and_bibtex_is_stored_once(network, samples):
    run(samples, "pubmed.xml")
    outcomes = run(samples, "references.bib")
    assert [o.action for o in outcomes] == [MERGED, CREATED, CREATED]
    spatial = Publication.objects.get(
        doi="10.1038/s41467-021-23201-x"
    )  # "https://doi.org/…S41467…X" in the .bib
    assert spatial.sources == ["pubmed_xml", "bibtex"]
    assert "TREM2" in spatial.keywords and "Melanoma" in spatial.keywords
    assert spatial.authorships.count() == 4
    assert Publication.objects.count() == 5
    assert run(samples, "references.bib")[0].action == UNCHANGED  # a second import changes nothing


def test_medline_completes_the_pubmed_record_and_settles_an_author(network, samples):
    run(samples, "pubmed.xml")
    review = Publication.objects.get(pmid="31234567")
    assert review.authorships.get(position=1).match == Match.AMBIGUOUS  # "Dubois J-P", no affiliation
    outcomes = run(samples, "medline.nbib")
    assert [o.action for o in outcomes] == [MERGED, CREATED]
    review.refresh_from_db()
    assert (
        review.abstract.startswith("Circulating tumour DNA") and review.doi == "10.1016/j.lungcan.2019.10.011"
    )
    assert review.sources == ["pubmed_xml", "medline"]
    dubois = review.authorships.get(position=1)
    assert (dubois.person_id, dubois.match) == (network.jean_pierre.pk, Match.NAME_AFFILIATION)
    assert not dubois.candidates.exists()
    ctdna = Publication.objects.get(pmid="35111222")
    garcia = ctdna.authorships.get(position=2)  # his affiliation ended in 2012: no evidence for a 2022 paper
    assert garcia.match == Match.AMBIGUOUS and garcia.candidates.get().person == network.lucas


def test_hal_versions_and_doi_case_are_the_same_document(network, samples):
    run(samples, "hal.json")
    screening = Publication.objects.get(hal_id="hal-03123456")
    assert screening.doi == "10.1016/j.respe.2021.04.002" and screening.language == "fr"
    assert authors(screening)[0] == ("Sophie Bernard", network.sophie.pk, Match.NAME_AFFILIATION)
    assert Publication.objects.get(hal_id="tel-03999999").kind == Publication.Kind.THESIS


def test_own_orcid_record_is_vouched_for_by_its_owner(network, samples):
    run(samples, "hal.json")
    outcomes = run(samples, "orcid.json", owner=network.sophie)
    assert [o.action for o in outcomes] == [MERGED, CREATED, CREATED]
    screening = Publication.objects.get(hal_id="hal-03123456")
    assert screening.sources == ["hal_json", "orcid_json"] and screening.authorships.count() == 2
    assert screening.authorships.get(position=1).match == Match.CONFIRMED  # upgraded: she vouched for it
    deprivation = Publication.objects.get(pmid="33445566")
    assert authors(deprivation) == [("Sophie Bernard", network.sophie.pk, Match.CONFIRMED)]
    assert not any(o.warnings for o in outcomes)


def test_a_fuller_author_list_replaces_the_orcid_one_and_keeps_the_link(network, samples):
    run(samples, "orcid.json", owner=network.sophie)
    screening = Publication.objects.get(doi="10.1016/j.respe.2021.04.002")
    assert authors(screening) == [("Sophie Bernard", network.sophie.pk, Match.CONFIRMED)]
    run(samples, "hal.json")
    screening.refresh_from_db()
    assert authors(screening) == [
        ("Sophie Bernard", network.sophie.pk, Match.CONFIRMED),
        ("Marc Petit", None, Match.UNMATCHED),
    ]
    assert screening.hal_id == "hal-03123456" and screening.abstract


def test_own_list_without_the_owner_is_stored_with_a_warning(network, samples):
    outcomes = run(samples, "references.ris", owner=network.marie)
    assert all(o.action == CREATED for o in outcomes)
    assert all(any("Votre nom n'a pas été reconnu" in w for w in o.warnings) for o in outcomes)
    assert not Authorship.objects.filter(person=network.marie).exists()


def test_own_list_confirms_the_namesake_author(network):
    record = Record(
        position="ligne 1",
        title="Uveal melanoma liver metastases respond to TREM2 blockade in mice",
        year="2023",
        authors=[AuthorRecord("Lefèvre M", "Lefèvre", "M"), AuthorRecord("Nguyen TL", "Nguyen", "TL")],
    )
    outcome = save_record(record, source="csv", owner=network.marie)
    pub = Publication.objects.get(pk=outcome.publication)
    assert authors(pub)[0] == ("Lefèvre M", network.marie.pk, Match.CONFIRMED)
    assert authors(pub)[1][2] == Match.AMBIGUOUS  # the co-author still goes through the rules


def test_importing_for_a_unit_counts_membership_as_evidence(network):
    record = Record(
        position="ligne 1",
        title="Circulating tumour DNA to guide adjuvant therapy in stage II colon cancer",
        year="2022",
        authors=[AuthorRecord("Dubois, J.-P.", "Dubois", "J.-P.")],
    )
    outcome = save_record(record, source="csv", unit=network.u1015)
    pub = Publication.objects.get(pk=outcome.publication)
    assert authors(pub) == [("Dubois, J.-P.", network.jean_pierre.pk, Match.NAME_AFFILIATION)]
    other = save_record(Record(position="2", title="Another paper on circulating tumour DNA kinetics", year="2022",
                               authors=[AuthorRecord("Dubois, J.-P.", "Dubois", "J.-P.")]), source="csv")  # fmt: skip
    assert Publication.objects.get(pk=other.publication).authorships.get().match == Match.AMBIGUOUS


def test_absurd_years_and_invalid_identifiers_are_reported_and_dropped(network, samples):
    outcomes = run(samples, "hal_broken.json")
    assert [o.action for o in outcomes] == [CREATED, REJECTED, REJECTED, CREATED]
    absurd = Publication.objects.get(pk=outcomes[3].publication)
    assert (absurd.year, absurd.doi, absurd.hal_id) == (None, "", "")
    warnings = " ".join(outcomes[3].warnings)
    assert "Année 1789 invalide" in warnings and "DOI invalide « 10.1/x »" in warnings
    assert "Identifiant HAL invalide « bad id »" in warnings
    assert outcomes[1].position == "enregistrement 2" and outcomes[1].reason


def test_csv_future_year_and_bad_doi(network, samples):
    outcomes = run(samples, "publications_broken.csv")
    assert [(o.position, o.action) for o in outcomes] == [
        ("ligne 2", REJECTED),
        ("ligne 3", CREATED),
        ("ligne 4", REJECTED),
        ("ligne 5", CREATED),
    ]
    car_t = Publication.objects.get(pk=outcomes[1].publication)
    assert car_t.year is None and car_t.doi == ""
    assert any("Année 2999 invalide" in w for w in outcomes[1].warnings)


def test_title_and_year_find_a_paper_without_identifiers(network, samples):
    run(samples, "pubmed.xml")
    same = Record(
        position="1", title="Liquid biopsy for the EARLY detection of lung cancer — a review!", year="2019"
    )
    assert save_record(same, source="csv").action == MERGED
    later = Record(
        position="2", title="Liquid biopsy for the early detection of lung cancer: a review", year="2024"
    )
    assert save_record(later, source="csv").action == CREATED
    short = Record(position="3", title="Editorial", year="2020")
    assert save_record(short, source="csv").action == CREATED
    assert save_record(short, source="csv").action == CREATED  # too short to be recognised
    erratum = Record(position="4", title="Liquid biopsy for the early detection of lung cancer: a review", year="2019",
                     pmid="39999999")  # fmt: skip
    assert save_record(erratum, source="csv").action == CREATED  # another PMID: another paper (an erratum…)
    assert Publication.objects.filter(title_key__startswith="liquid biopsy").count() == 3


def test_a_failing_record_leaves_nothing_behind(network, samples, monkeypatch):
    """Each record is in its own savepoint: a database error halfway through a record (after its
    publication row was written) rolls that record back and the others are stored."""
    original = Authorship.objects.bulk_create

    def failing(objs, *args, **kwargs):  # type: ignore[no-untyped-def]
        objs = list(objs)
        if objs and objs[0].publication.pmid == "33998877":
            raise IntegrityError("disk full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Authorship.objects, "bulk_create", failing)
    outcomes = run(samples, "pubmed.xml")
    assert [o.action for o in outcomes] == [CREATED, REJECTED, CREATED]
    assert outcomes[1].position == "article 2 (PMID 33998877)" and "Erreur inattendue" in outcomes[1].reason
    assert not Publication.objects.filter(pmid="33998877").exists()
    assert not Authorship.objects.filter(publication__pmid="33998877").exists()
    assert Publication.objects.count() == 2


def test_a_title_without_letters_is_rejected(network):
    outcomes = import_records(
        [Record(position="ligne 7", title="???"), RecordError("ligne 9", "cassé")], source="csv"
    )
    assert [(o.position, o.action, o.reason) for o in outcomes] == [
        ("ligne 7", REJECTED, "Titre vide ou sans lettres ni chiffres."),
        ("ligne 9", REJECTED, "cassé"),
    ]
    assert not Publication.objects.exists()


def test_a_person_is_linked_to_one_author_at_most(network):
    record = Record(
        position="1",
        title="Two authors with the same name in one uveal melanoma paper",
        year="2021",
        authors=[
            AuthorRecord("Lefèvre, Marie", "Lefèvre", "Marie", affiliation="Institut Curie"),
            AuthorRecord("Lefèvre, M", "Lefèvre", "M", affiliation="Institut Curie"),
        ],
    )
    pub = Publication.objects.get(pk=save_record(record, source="csv").publication)
    assert [a.person_id for a in pub.authorships.order_by("position")] == [network.marie.pk, None]


@pytest.mark.parametrize(
    "name", ["pubmed.xml", "medline.nbib", "references.bib", "references.ris", "hal.json", "publications.csv"]
)
def test_every_sample_imports_without_rejection(network, samples, name):
    outcomes = run(samples, name)
    assert outcomes and all(o.action != REJECTED for o in outcomes)
    assert Publication.objects.count() == len(outcomes)
    # every ambiguous author has candidates, and no settled one keeps any
    assert not Authorship.objects.filter(match=Match.AMBIGUOUS, candidates__isnull=True).exists()
    assert not AuthorCandidate.objects.exclude(authorship__match=Match.AMBIGUOUS).exists()

"""The publication pages through the web client: what people see, what they may do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from core.models import AuditEntry
from outputs import parsers
from outputs.models import Authorship, Publication, PublicationImport
from outputs.services import import_records
from outputs.tests.factories import AuthorCandidateFactory, AuthorshipFactory, PublicationFactory

Match = Authorship.Match


@pytest.fixture
def imported(network, samples):  # type: ignore[no-untyped-def]
    with (samples / "pubmed.xml").open("rb") as stream:
        import_records(parsers.PARSERS["pubmed_xml"](stream), source="pubmed_xml")
    return Publication.objects.get(pmid="34012345")


def test_publication_page_shows_authors_identifiers_and_network(client, network, imported):
    response = client.get(reverse("outputs:publication", args=[imported.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        html.index("Lefèvre Marie")
        < html.index("Dubois Jean-Pierre")
        < html.index("Martin Claire")
        < html.index("Smith John A")
    )
    assert reverse("directory:person", args=[network.marie.pk]) in html
    assert reverse("directory:person", args=[network.jean_pierre.pk]) in html
    assert reverse("directory:person", args=[network.claire_1.pk]) not in html  # ambiguous: no guess shown
    assert "lien à vérifier" in html
    assert (
        "https://doi.org/10.1038/s41467-021-23201-x" in html
        and "https://pubmed.ncbi.nlm.nih.gov/34012345/" in html
    )
    assert "Background: Uveal melanoma" in html
    assert network.team_curie.name in html and "Gustave Roussy" in html  # linked through its authors
    assert "C&#x27;est moi" not in html  # anonymous: nothing to claim


def test_unknown_publication_is_404(client, db):
    assert client.get(reverse("outputs:publication", args=[999999])).status_code == 404


def test_publication_list_searches_titles_and_identifiers(client, imported):
    url = reverse("outputs:list")
    assert "Spatial transcriptomics" in client.get(url, {"q": "transcriptomics uveal"}).content.decode()
    by_doi = client.get(url, {"q": "10.1038/s41467-021-23201-x"}).content.decode()
    assert "1 publication" in by_doi
    partial = client.get(url, {"q": "liquid"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert "<html" not in partial.content.decode() and "Liquid biopsy" in partial.content.decode()


def test_my_publications_lists_and_offers_suggestions(client, network, imported):
    suggestion = AuthorshipFactory(publication=imported, position=9, family_name="Lefèvre", given_names="M",
                                   name="Lefèvre M", match=Match.AMBIGUOUS)  # fmt: skip
    AuthorCandidateFactory(authorship=suggestion, person=network.marie)
    client.force_login(network.marie_user)
    html = client.get(reverse("outputs:mine")).content.decode()
    assert "Spatial transcriptomics reveals" in html and "Place de l&#x27;immunothérapie" in html
    assert "Est-ce vous ?" in html and reverse("outputs:claim", args=[suggestion.pk]) in html


def test_my_publications_without_a_directory_record(client, db):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(email="nobody@example.org"))
    response = client.get(reverse("outputs:mine"))
    assert response.status_code == 200 and "relié à aucune fiche" in response.content.decode()
    assert client.get(reverse("outputs:import_own")).status_code == 403


def test_my_publications_query_count_is_flat(client, network, django_assert_max_num_queries):
    def add(n):  # type: ignore[no-untyped-def]
        for _ in range(n):
            pub = PublicationFactory()
            AuthorshipFactory(publication=pub, position=1, person=network.marie, match=Match.ORCID)
            for position in (2, 3, 4):
                AuthorshipFactory(publication=pub, position=position, family_name="Smith", given_names="J")
            AuthorCandidateFactory(authorship__publication=pub, authorship__position=9, person=network.marie)

    client.force_login(network.marie_user)
    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("outputs:mine")).status_code == 200
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("outputs:mine")).status_code == 200


def test_import_own_through_the_page(client, network, samples, django_capture_on_commit_callbacks):
    client.force_login(network.marie_user)
    assert client.get(reverse("outputs:import_own")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outputs:import_own"),
            {
                "file": SimpleUploadedFile("liste.bib", (samples / "references.bib").read_bytes()),
                "format": "",
            },
        )
    job = PublicationImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "outputs:import_job", args=[job.pk]
    )
    assert job.for_person == network.marie and job.status == PublicationImport.Status.DONE
    page = client.get(reverse("outputs:import_job", args=[job.pk])).content.decode()
    assert "Import terminé." in page and "ligne 4 (clé lefevre2021spatial)" in page
    progress = client.get(reverse("outputs:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def test_import_page_keeps_the_form_and_explains_errors(client, network, samples):
    client.force_login(network.marie_user)
    response = client.post(
        reverse("outputs:import_own"),
        {
            "file": SimpleUploadedFile("mail.txt", (samples / "not_a_bibliography.txt").read_bytes()),
            "format": "",
        },
    )
    assert response.status_code == 200 and "Format non reconnu" in response.content.decode()
    assert not PublicationImport.objects.exists()


def test_someone_elses_import_job_is_404(client, network, samples, django_capture_on_commit_callbacks):
    client.force_login(network.marie_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("outputs:import_own"),
            {"file": SimpleUploadedFile("l.ris", (samples / "references.ris").read_bytes())},
        )
    job = PublicationImport.objects.get()
    client.force_login(network.sophie_user)
    assert client.get(reverse("outputs:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("outputs:import_progress", args=[job.pk])).status_code == 404


def test_claim_and_unclaim_through_the_pages(client, network, imported):
    french = Publication.objects.get(pmid="33998877")
    nguyen = french.authorships.get(position=2)
    from accounts.tests.factories import UserFactory

    user = UserFactory(email="thi-lan@example.org")
    network.thi_lan.user = user
    network.thi_lan.save(update_fields=["user"])
    client.force_login(user)
    page = client.get(reverse("outputs:publication", args=[french.pk])).content.decode()
    assert reverse("outputs:claim", args=[nguyen.pk]) in page
    response = client.post(
        reverse("outputs:claim", args=[nguyen.pk]), {"next": reverse("outputs:publication", args=[french.pk])}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "outputs:publication", args=[french.pk]
    )
    nguyen.refresh_from_db()
    assert (nguyen.person, nguyen.match) == (network.thi_lan, Match.CONFIRMED)
    assert AuditEntry.objects.filter(action="outputs.authorship.claimed", actor=user).exists()
    client.post(reverse("outputs:unclaim", args=[nguyen.pk]))
    nguyen.refresh_from_db()
    assert (nguyen.person, nguyen.match) == (None, Match.REJECTED)


def test_nobody_claims_or_unclaims_someone_elses_author(client, network, imported):
    maries = imported.authorships.get(position=1)  # linked to Marie by ORCID
    client.force_login(network.sophie_user)
    assert client.post(reverse("outputs:claim", args=[maries.pk])).status_code == 404
    assert client.post(reverse("outputs:unclaim", args=[maries.pk])).status_code == 404
    maries.refresh_from_db()
    assert (maries.person, maries.match) == (network.marie, Match.ORCID)
    assert client.get(reverse("outputs:claim", args=[maries.pk])).status_code == 405


def test_review_queue_confirm_and_reject(staff_client, network, imported):
    martin = imported.authorships.get(position=3)
    page = staff_client.get(reverse("outputs:review_queue")).content.decode()
    assert "Martin Claire" in page and "Hôpital Saint-Louis" in page
    response = staff_client.post(
        reverse("outputs:review_decide", args=[martin.pk]),
        {"choice": str(network.claire_2.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "est lié à Claire Martin" in response.content.decode()
    martin.refresh_from_db()
    assert (martin.person, martin.match) == (network.claire_2, Match.CONFIRMED)
    nguyen = Authorship.objects.get(publication__pmid="33998877", position=2)
    response = staff_client.post(reverse("outputs:review_decide", args=[nguyen.pk]), {"choice": "none"})
    assert response.status_code == 302
    nguyen.refresh_from_db()
    assert nguyen.match == Match.REJECTED
    assert (
        AuditEntry.objects.filter(
            action__in=["outputs.authorship.confirmed", "outputs.authorship.rejected"]
        ).count()
        == 2
    )
    again = staff_client.post(
        reverse("outputs:review_decide", args=[nguyen.pk]), {"choice": "none"}, HTTP_HX_REQUEST="true"
    )
    assert "déjà été traité" in again.content.decode()
    bad = staff_client.post(
        reverse("outputs:review_decide", args=[martin.pk]), {"choice": "12345"}, HTTP_HX_REQUEST="true"
    )
    assert "Choisissez une des personnes proposées" in bad.content.decode()


def test_review_queue_is_for_the_secretariat(client, network):
    client.force_login(network.marie_user)
    assert client.get(reverse("outputs:review_queue")).status_code == 403
    assert client.get(reverse("outputs:import_unit")).status_code == 403


def test_review_queue_query_count_is_flat(staff_client, network, django_assert_max_num_queries):
    def add(n):  # type: ignore[no-untyped-def]
        for _ in range(n):
            a = AuthorshipFactory(family_name="Martin", given_names="Claire", match=Match.AMBIGUOUS)
            AuthorCandidateFactory(authorship=a, person=network.claire_1)
            AuthorCandidateFactory(authorship=a, person=network.claire_2)

    add(2)
    with django_assert_max_num_queries(14) as few:
        assert staff_client.get(reverse("outputs:review_queue")).status_code == 200
    add(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(reverse("outputs:review_queue")).status_code == 200


def test_unit_import_page(staff_client, network, samples, django_capture_on_commit_callbacks):
    assert staff_client.get(reverse("outputs:import_unit")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("outputs:import_unit"),
            {
                "unit": network.u1015.pk,
                "file": SimpleUploadedFile("u.nbib", (samples / "medline.nbib").read_bytes()),
            },
        )
    job = PublicationImport.objects.get()
    assert response.status_code == 302 and job.for_unit == network.u1015 and job.status == "done"
    page = staff_client.get(reverse("outputs:import_unit")).content.decode()
    assert "u.nbib" in page


def test_person_publications_section(network, imported, django_assert_max_num_queries):
    template = Template('{% load core_tags %}{% page_sections "directory.person" person %}')
    with django_assert_max_num_queries(3):
        html = template.render(Context({"person": network.marie}))
    assert "Spatial transcriptomics reveals" in html and "Place de l&#x27;immunothérapie" in html
    assert "Aucune publication" in template.render(Context({"person": network.sophie}))

"""The stored vectors and the in-process index: neural path, refresh on change, lexical fallback."""

import numpy as np
import pytest

from directory.tests.factories import AffiliationFactory
from expertise import selectors
from expertise.models import IndexState, PublicationVector
from expertise.selectors.index import DENSE_COVERAGE
from expertise.services import refresh_vectors
from outputs.models import Authorship
from outputs.signals import announce
from outputs.tests.factories import AuthorshipFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index(settings):
    settings.EXPERTISE_METHOD = "auto"
    selectors.forget_index()
    yield
    selectors.forget_index()


@pytest.fixture
def encoder():
    found = selectors.encoder_for(selectors.get_engine())
    if found is None:
        pytest.skip("the MiniLM weights package is not installed")
    return found


def paper(person, title, abstract="", match=Authorship.Match.ORCID):
    publication = PublicationFactory(title=title, abstract=abstract)
    AuthorshipFactory(publication=publication, person=person, match=match, position=1)
    return publication


def test_vectors_are_stored_once_and_refreshed_when_text_changes(encoder):
    person = AffiliationFactory().person
    publication = paper(person, "Immune checkpoint inhibitors in melanoma")
    unlinked = PublicationFactory(title="Nobody in the network wrote this")
    AuthorshipFactory(publication=unlinked, match=Authorship.Match.UNMATCHED)
    assert refresh_vectors() == 1
    stored = PublicationVector.objects.get(publication=publication)
    assert stored.model == encoder.cache_namespace and stored.dim == 384
    assert np.isclose(np.linalg.norm(stored.as_array()), 1.0, atol=1e-2)
    assert refresh_vectors() == 0  # nothing changed: nothing encoded
    publication.abstract = "Anti-PD-1 antibodies improve survival in metastatic melanoma."
    publication.save()
    assert refresh_vectors(person_ids=[person.pk]) == 1
    assert PublicationVector.objects.count() == 1


def test_neural_search_ranks_by_meaning(encoder):
    expert = AffiliationFactory().person
    other = AffiliationFactory().person
    paper(expert, "Chimeric antigen receptor T cells against B-cell lymphoma")
    paper(other, "Soil bacteria and nitrogen fixation in wheat fields")
    refresh_vectors()
    outcome = selectors.expert_search("CAR-T cell therapy for lymphoma", selectors.ExpertFilters(), None)
    assert outcome.method == "neural+lexical"
    assert [hit.person for hit in outcome.people][0] == expert
    assert outcome.people[0].papers[0].similarity > 0.3


def test_publications_changed_refreshes_the_index(encoder, django_capture_on_commit_callbacks):
    person = AffiliationFactory().person
    refresh_vectors()
    before = IndexState.objects.get().version
    assert selectors.get_index().size == 0
    paper(person, "Organoids of pancreatic ductal adenocarcinoma predict chemotherapy response")
    with django_capture_on_commit_callbacks(execute=True):
        announce([person.pk])
    assert PublicationVector.objects.count() == 1
    assert IndexState.objects.get().version > before
    index = selectors.get_index()  # reloaded: the stored version changed
    assert index.size == 1 and index.method == "neural+lexical"


def test_lexical_when_vectors_are_missing(encoder):
    person = AffiliationFactory().person
    for i in range(3):
        paper(person, f"Radiotherapy of rectal cancer, trial {i}")
    refresh_vectors()
    PublicationVector.objects.first().delete()  # a build in progress: coverage below the threshold
    IndexState.objects.update(version=999, status=IndexState.Status.BUILDING, done=2, total=3)
    outcome = selectors.expert_search("rectal cancer radiotherapy", selectors.ExpertFilters(), None)
    assert DENSE_COVERAGE > 2 / 3
    assert outcome.method == "lexical" and outcome.building and outcome.percent == 66
    assert outcome.people[0].person == person


def test_forced_lexical_method(settings):
    settings.EXPERTISE_METHOD = "lexical"
    person = AffiliationFactory().person
    paper(person, "Radiotherapy of rectal cancer")
    assert refresh_vectors() == 0
    assert not PublicationVector.objects.exists()
    outcome = selectors.expert_search("rectal cancer", selectors.ExpertFilters(), None)
    assert outcome.method == "lexical" and outcome.people[0].person == person


def test_ambiguous_authorships_are_not_indexed(settings):
    settings.EXPERTISE_METHOD = "lexical"
    person = AffiliationFactory().person
    paper(person, "Radiotherapy of rectal cancer", match=Authorship.Match.AMBIGUOUS)
    refresh_vectors()
    assert selectors.get_index().size == 0
    assert selectors.expert_search("rectal cancer", selectors.ExpertFilters(), None).people == []


def test_snapshot_restores_the_same_index(settings, tmp_path):
    settings.EXPERTISE_METHOD = "lexical"
    settings.EXPERTISE_INDEX_DIR = str(tmp_path)
    person = AffiliationFactory().person
    paper(person, "Radiothérapie du cancer du rectum", "Essai de phase III chez 300 patients.")
    paper(person, "Rectal cancer radiotherapy trial")
    refresh_vectors()  # builds the index and saves the snapshot
    assert len(list(tmp_path.glob("index-*.npz"))) == 1
    built = selectors.expert_search("cancer du rectum", selectors.ExpertFilters(), None)
    selectors.forget_index()
    restored = selectors.get_index()
    assert restored.size == 2 and restored.model is not None
    again = selectors.expert_search("cancer du rectum", selectors.ExpertFilters(), None)
    assert [(h.person, h.score, h.terms) for h in again.people] == [
        (h.person, h.score, h.terms) for h in built.people
    ]

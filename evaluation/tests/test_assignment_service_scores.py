"""Expertise scores from a small lexical index, and a run that uses them for its explanations."""

import pytest

from calls.models import FormField
from calls.tests.factories import FormFieldFactory
from evaluation.models import Assignment, ReviewerRole
from evaluation.selectors.assignment import NO_PAPERS_SCORE, expertise_matrix, forget_expertise_matrices
from evaluation.services.assignment import run_assignment
from evaluation.tests.factories import CampaignFactory, EvaluatedApplicationFactory, PoolMemberFactory
from expertise import selectors
from expertise.services import refresh_vectors
from outputs.models import Authorship
from outputs.tests.factories import AuthorshipFactory, PublicationFactory

pytestmark = pytest.mark.django_db

GLIOMA = [
    ("Spatial transcriptomics maps the tumour microenvironment of paediatric high-grade gliomas", 2023),
    ("Single-cell and spatial profiling of diffuse midline glioma in children", 2021),
    ("Clonal evolution of paediatric glioblastoma under radiotherapy", 2019),
    ("Radiotherapy planning for adult meningioma", 2015),
]
BREAST = [
    ("Résistance aux inhibiteurs de PARP dans le cancer du sein triple négatif", 2022),
    ("Biopsie liquide et suivi du cancer du sein métastatique", 2020),
]


def author(person, papers):
    for title, year in papers:
        publication = PublicationFactory(title=title, abstract="", year=year)
        AuthorshipFactory(publication=publication, person=person, match=Authorship.Match.ORCID, position=1)


@pytest.fixture
def scene(settings):
    settings.EXPERTISE_METHOD = "lexical"
    selectors.forget_index()
    forget_expertise_matrices()
    campaign = CampaignFactory(
        rapporteurs_per_application=1, externals_per_application=0, one_per_institution=False
    )
    summary = FormFieldFactory(call=campaign.call, key="summary", type=FormField.Type.LONG_TEXT)
    FormFieldFactory(call=campaign.call, key="budget_total", type=FormField.Type.NUMBER)
    glioma_app = EvaluatedApplicationFactory(
        call=campaign.call,
        acronym="GLIOSPACE",
        title="Cartographie spatiale des gliomes",
        answers={
            summary.key: "Spatial transcriptomics of paediatric glioma niches",
            "budget_total": "spatial",
        },
    )
    breast_app = EvaluatedApplicationFactory(
        call=campaign.call, acronym="PARPSEIN", title="Résistance aux inhibiteurs de PARP, cancer du sein"
    )
    glioma = PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR, name="Gliome Expert")
    breast = PoolMemberFactory(campaign=campaign, role=ReviewerRole.RAPPORTEUR, name="Sein Experte")
    outsider = PoolMemberFactory(
        campaign=campaign, role=ReviewerRole.RAPPORTEUR, user=None, person=None, email="out@example.org"
    )
    author(glioma.person, GLIOMA)
    author(breast.person, BREAST)
    refresh_vectors()
    yield type(
        "Scene",
        (),
        {
            "campaign": campaign,
            "glioma_app": glioma_app,
            "breast_app": breast_app,
            "glioma": glioma,
            "breast": breast,
            "outsider": outsider,
        },
    )
    selectors.forget_index()
    forget_expertise_matrices()


def test_matrix_scores_the_right_expert_higher_with_evidence(scene):
    matrix = expertise_matrix(scene.campaign)
    assert len(matrix) == 6
    on_glioma = matrix[(scene.glioma_app.pk, scene.glioma.pk)]
    assert on_glioma.score > matrix[(scene.glioma_app.pk, scene.breast.pk)].score
    assert (
        matrix[(scene.breast_app.pk, scene.breast.pk)].score
        > matrix[(scene.breast_app.pk, scene.glioma.pk)].score
    )
    titles = [paper["title"] for paper in on_glioma.evidence]
    assert titles[0].startswith("Spatial transcriptomics")
    assert 1 <= len(titles) <= 3 and "Radiotherapy planning for adult meningioma" not in titles[:1]
    assert on_glioma.evidence[0]["year"] == 2023 and on_glioma.evidence[0]["similarity"] > 0
    assert "transcriptomics" in on_glioma.terms or "spatial" in on_glioma.terms
    nobody = matrix[(scene.glioma_app.pk, scene.outsider.pk)]
    assert nobody.score == NO_PAPERS_SCORE
    assert nobody.evidence == [{"note": "pas de publications indexées"}]
    assert not nobody.has_papers


def test_matrix_is_kept_between_runs_and_refreshed_when_an_application_changes(scene):
    first = expertise_matrix(scene.campaign)
    assert expertise_matrix(scene.campaign) is first
    scene.glioma_app.title = "Autre titre"
    scene.glioma_app.save()
    assert expertise_matrix(scene.campaign) is not first


def test_run_uses_the_index_and_explains_each_pair(scene, staff):
    run_assignment(campaign=scene.campaign, actor=staff)
    on_glioma = Assignment.objects.get(application=scene.glioma_app)
    on_breast = Assignment.objects.get(application=scene.breast_app)
    assert on_glioma.member == scene.glioma and on_breast.member == scene.breast
    assert on_glioma.explanation["why"] == "best" and on_glioma.explanation["rank"] == 1
    assert on_glioma.explanation["eligible"] == 3
    assert on_glioma.explanation["papers"][0]["title"].startswith("Spatial transcriptomics")
    assert on_glioma.explanation["method"] == "lexical"

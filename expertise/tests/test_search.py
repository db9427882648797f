"""Expert search, collaborators and reviewer suggestions, through the selectors and the pages."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.models import AuditEntry
from directory.models import CareerStage
from directory.tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    TeamFactory,
    UnitFactory,
)
from expertise import selectors
from expertise.models import PublicationVector
from expertise.services import rebuild_index, refresh_vectors
from outputs.models import Authorship
from outputs.tests.factories import AuthorshipFactory, PublicationFactory

pytestmark = pytest.mark.django_db

GLIOMA = [
    (
        "Spatial transcriptomics maps the tumour microenvironment of paediatric high-grade gliomas",
        "Spatially resolved transcriptomics of 24 paediatric glioma samples reveals niches of myeloid cells.",
    ),
    (
        "Single-cell and spatial profiling of diffuse midline glioma in children",
        "We combined single-cell RNA sequencing and spatial transcriptomics in paediatric brain tumours.",
    ),
    (
        "Clonal evolution of paediatric glioblastoma under radiotherapy",
        "Longitudinal sequencing of childhood glioma shows clonal selection after irradiation.",
    ),
]
HEART = [
    (
        "Statins and cardiovascular events in elderly patients with hypertension",
        "A cohort of 5,000 hypertensive patients treated with statins, followed for cardiac events.",
    ),
    (
        "Atrial fibrillation screening in primary care",
        "Screening for atrial fibrillation with handheld electrocardiograms in general practice.",
    ),
]
BREAST_FR = [
    (
        "Résistance aux inhibiteurs de PARP dans le cancer du sein triple négatif",
        "Nous avons étudié la résistance aux inhibiteurs de PARP chez des patientes atteintes d'un cancer "
        "du sein triple négatif porteur de mutations BRCA1.",
    ),
    (
        "Biopsie liquide et suivi du cancer du sein métastatique",
        "L'ADN tumoral circulant permet de suivre la réponse au traitement du cancer du sein.",
    ),
]


def team_at(institution):
    return TeamFactory(unit=UnitFactory(parents=[institution]))


def author(person, papers, **extra):
    for title, abstract in papers:
        publication = PublicationFactory(title=title, abstract=abstract, **extra)
        AuthorshipFactory(publication=publication, person=person, match=Authorship.Match.ORCID, position=1)


@pytest.fixture
def network(settings):
    settings.EXPERTISE_METHOD = "lexical"
    selectors.forget_index()
    inst_a, inst_b = InstitutionFactory(name="Institut Alpha"), InstitutionFactory(name="Institut Beta")
    glioma = AffiliationFactory(team=team_at(inst_a), institution=inst_a).person
    heart = AffiliationFactory(team=team_at(inst_b), institution=inst_b).person
    breast = AffiliationFactory(
        team=team_at(inst_b), institution=inst_b, person__career_stage=CareerStage.POSTDOC
    ).person
    author(glioma, GLIOMA)
    author(heart, HEART)
    author(breast, BREAST_FR)
    refresh_vectors()
    yield type("Net", (), {"glioma": glioma, "heart": heart, "breast": breast, "a": inst_a, "b": inst_b})
    selectors.forget_index()


def ranked(outcome):
    return [hit.person.pk for hit in outcome.people]


def test_oncology_expert_ranks_first_with_evidence(network):
    outcome = selectors.expert_search(
        "spatial transcriptomics of paediatric gliomas", selectors.ExpertFilters(), None
    )
    assert outcome.method == "lexical"
    assert outcome.indexed == 7
    assert ranked(outcome)[0] == network.glioma.pk
    assert network.heart.pk not in ranked(outcome)
    best = outcome.people[0]
    assert best.papers[0].title.startswith("Spatial transcriptomics")
    assert best.papers[0].similarity > 0
    assert "transcriptomics" in best.terms


def test_french_query_finds_english_and_french_papers(network):
    outcome = selectors.expert_search("gliomes pédiatriques", selectors.ExpertFilters(), None)
    assert ranked(outcome)[0] == network.glioma.pk
    outcome = selectors.expert_search("cancer du sein", selectors.ExpertFilters(), None)
    assert ranked(outcome)[0] == network.breast.pk


def test_one_word_query(network):
    assert ranked(selectors.expert_search("statins", selectors.ExpertFilters(), None)) == [network.heart.pk]


def test_filters_institution_stage_and_exclusion(network):
    query = "cancer glioma breast"
    only_b = selectors.expert_search(query, selectors.ExpertFilters(institution=network.b.pk), None)
    assert set(ranked(only_b)) <= {network.heart.pk, network.breast.pk}
    assert network.breast.pk in ranked(only_b)
    postdocs = selectors.expert_search(query, selectors.ExpertFilters(career_stage=CareerStage.POSTDOC), None)
    assert ranked(postdocs) == [network.breast.pk]
    away = selectors.expert_search(query, selectors.ExpertFilters(exclude_institutions=(network.a.pk,)), None)
    assert network.glioma.pk not in ranked(away) and network.breast.pk in ranked(away)


def test_hidden_affiliations_are_neither_shown_nor_filterable(network, client):
    network.glioma.visibility = {"affiliations": "staff"}
    network.glioma.save()
    outcome = selectors.expert_search(
        "paediatric glioma", selectors.ExpertFilters(institution=network.a.pk), None
    )
    assert network.glioma.pk not in ranked(outcome)
    response = client.get(reverse("expertise:search"), {"q": "paediatric glioma"})
    page = response.content.decode()
    assert network.glioma.last_name in page
    assert "Institut Alpha" not in page.split('id="search-results"')[1].split("</form>")[0]
    hit = selectors.expert_search("paediatric glioma", selectors.ExpertFilters(), None).people[0]
    assert hit.person == network.glioma and hit.affiliations == []


def test_page_exclude_my_institution(network, client):
    client.force_login(UserFactory())
    user = UserFactory()
    network.glioma.user = user
    network.glioma.save()
    client.force_login(user)
    response = client.get(reverse("expertise:search"), {"q": "cancer glioma breast", "exclude_mine": "on"})
    people = [hit.person.pk for hit in response.context["outcome"].people]
    assert network.glioma.pk not in people and network.breast.pk in people


def test_search_page_states_method_and_query_count_is_flat(network, client, django_assert_max_num_queries):
    response = client.get(reverse("expertise:search"), {"q": "cancer"})
    assert response.status_code == 200
    assert "lexicale seulement" in response.content.decode()
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("expertise:search"), {"q": "cancer glioma statins breast"})
    baseline = len(few)
    for i in range(15):  # many more people and papers: same number of queries
        person = AffiliationFactory(institution=network.b, team=team_at(network.b)).person
        author(person, [(f"Glioma cancer study {i}", "Paediatric glioma and breast cancer cohorts.")])
    refresh_vectors()
    client.get(reverse("expertise:search"), {"q": "warm-up"})  # the new version loads once per process
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("expertise:search"), {"q": "cancer glioma statins breast"})
    assert len(response.context["outcome"].people) == 18


def test_empty_query_shows_help_and_tabs(network, client):
    response = client.get(reverse("expertise:search"))
    assert "Comment chercher" in response.content.decode()
    response = client.get(
        reverse("expertise:search"), {"q": "génomique", "tab": "platforms"}, HTTP_HX_REQUEST="true"
    )
    assert response.templates[0].name == "expertise/_search_results.html"


def test_platforms_and_teams_tabs(network, world):
    outcome = selectors.expert_search("séquençage single-cell", selectors.ExpertFilters(), None)
    assert [hit.platform for hit in outcome.platforms] == [world.platform]
    outcome = selectors.expert_search("paediatric glioma", selectors.ExpertFilters(), None)
    assert outcome.teams[0].members[0][0] == network.glioma


def test_collaborators_outside_institution(network, client):
    other = AffiliationFactory(team=team_at(network.b), institution=network.b).person
    author(other, [("Spatial transcriptomics of medulloblastoma in children", "Paediatric brain tumours.")])
    colleague = AffiliationFactory(team=team_at(network.a), institution=network.a).person
    author(
        colleague, [("Paediatric glioma spatial transcriptomics atlas", "Same institution as the expert.")]
    )
    refresh_vectors()
    response = client.get(reverse("expertise:collaborators", args=[network.glioma.pk]))
    people = [hit.person.pk for hit in response.context["outcome"].people]
    assert people[0] == other.pk
    assert colleague.pk not in people and network.glioma.pk not in people


def test_collaborators_of_person_without_publications(network, client):
    lonely = PersonFactory()
    response = client.get(reverse("expertise:collaborators", args=[lonely.pk]))
    assert response.status_code == 200
    assert "aucune publication" in response.content.decode()


def test_person_page_links_to_collaborators(network, client):
    response = client.get(network.glioma.get_absolute_url())
    assert reverse("expertise:collaborators", args=[network.glioma.pk]) in response.content.decode()


def test_suggest_reviewers_permissions(network, client, researcher, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    url = reverse("expertise:suggest_reviewers")
    assert client.get(url).status_code == 302
    client.force_login(researcher)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[Role.COMMITTEE_MEMBER]))
    assert client.get(url).status_code == 200


def test_suggest_reviewers_conflicts_and_huge_text(network, client, staff, settings):
    settings.CANCEROPOLE_STAFF_MFA_REQUIRED = False
    client.force_login(staff)
    coauthor = AffiliationFactory(team=team_at(network.b), institution=network.b).person
    shared = PublicationFactory(
        title="Paediatric glioma radiotherapy outcomes", abstract="Glioma in children."
    )
    for position, person in enumerate([network.glioma, coauthor], start=1):
        AuthorshipFactory(publication=shared, person=person, match=Authorship.Match.ORCID, position=position)
    refresh_vectors()
    text = "Spatial transcriptomics of paediatric gliomas. " * 600  # > 20,000 characters
    response = client.post(
        reverse("expertise:suggest_reviewers"),
        {
            "text": text,
            "exclude_people": str(network.glioma.pk),
            "exclude_institutions": [network.b.pk],
            "coauthor_years": 5,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "seuls les" in page  # the text was capped, and the page says so
    hits = {hit.person.pk: hit for hit in response.context["outcome"].people}
    assert network.glioma.pk not in hits
    kinds = {c.kind for c in hits[coauthor.pk].conflicts}
    assert kinds == {"institution", "coauthor"}
    response = client.post(
        reverse("expertise:suggest_reviewers"),
        {"text": "glioma", "exclude_people": "Personne Inconnue", "coauthor_years": 5},
    )
    assert "Introuvable" in response.content.decode()


def test_rebuild_is_audited(network):
    rebuild_index(actor=None)
    assert AuditEntry.objects.filter(action="expertise.index.rebuilt").exists()
    assert not PublicationVector.objects.exists()  # lexical: nothing to embed

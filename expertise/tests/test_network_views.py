"""The collaboration network page, its HTMX fragment and its JSON twin, through the web client."""

import math
import re

import pytest
from django.urls import reverse

from directory.tests.factories import InstitutionFactory, PersonFactory
from expertise import collaboration
from expertise.tests.network_factories import affiliate, build_network, publish, team_in
from expertise.views.network import HEIGHT, WIDTH, draw

pytestmark = pytest.mark.django_db
URL = reverse("expertise:network")
DATA = reverse("expertise:network_data")


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    return build_network()


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_empty_state_explains_where_publications_come_from(client, researcher):
    response = client.get(URL)
    assert response.status_code == 200
    html = _text(response)
    assert "Aucune publication n’est encore reliée à l’annuaire" in html
    assert "Mes publications" in html
    assert f"{reverse('account_login')}?next={reverse('outputs:mine')}" in html
    assert '<svg viewBox="0 0 960' not in html
    client.force_login(researcher)
    assert f'href="{reverse("outputs:mine")}"' in _text(client.get(URL))


def test_page_draws_the_graph_with_figures_and_text_alternatives(client, net):
    response = client.get(URL)  # default period: the last five years with publications (2016–2020)
    assert response.status_code == 200
    html = _text(response)
    assert response.context["filters"].year_from == 2016 and response.context["filters"].year_to == 2020
    # Three institutions drawn, each a link to its directory page, three pairs as lines.
    for institution in (net.A, net.B, net.C):
        assert (
            f'href="{reverse("directory:institution", args=[institution.pk])}" data-id="{institution.pk}"'
            in html
        )
    assert html.count('<line class="net-edge"') == 3
    assert 'class="net-node k-member' in html and 'class="net-node k-partner' in html
    # Key figures: 7 linked publications, 3 of them by two institutions or more (42.9 %).
    stats = response.context["graph"].stats
    assert (stats["publications"], stats["with_two_or_more_institutions"], stats["pairs"]) == (7, 3, 3)
    assert "42,9&nbsp;%" in html
    # The strongest pair leads the table; the evolution table has one row per year.
    pairs = response.context["pairs"]
    assert [(p["a"]["label"], p["b"]["label"], p["weight"]) for p in pairs][0] in {
        ("A", "Gamma", 3),
        ("Gamma", "A", 3),
    }
    assert "Les paires d’établissements les plus liées" in html
    assert [row["row"].year for row in response.context["series"]] == [2016, 2017, 2018, 2019, 2020]
    # No personal data: institution names only.
    for person in {a.person for pub in net.pubs.values() for a in pub.authorships.all() if a.person}:
        assert person.last_name not in html
    assert 'hx-get="/expertise/network/"' in html and 'hx-target="#network-results"' in html


def test_controls_change_level_period_minimum_and_focus(client, net):
    teams = client.get(URL, {"level": "team", "year_from": 2015, "year_to": 2020})
    html = _text(teams)
    assert teams.context["graph"].level == "team"
    assert f'href="{reverse("directory:team", args=[net.tA2.pk])}"' in html
    assert "Les paires d’équipes les plus liées" in html

    strong = client.get(URL, {"year_from": 2015, "year_to": 2020, "min_weight": 2})
    assert [(e["weight"]) for e in strong.context["graph"].edges] == [3]

    focused = client.get(URL, {"year_from": 2015, "year_to": 2020, "institution": net.B.pk})
    assert {(e["source"], e["target"]) for e in focused.context["graph"].edges} == {
        tuple(sorted((net.A.pk, net.B.pk))),
        tuple(sorted((net.B.pk, net.C.pk))),
    }
    assert "Publications de <strong>Bêta (B)</strong>" in _text(focused)

    backwards = client.get(URL, {"year_from": 2020, "year_to": 2018})
    assert (backwards.context["filters"].year_from, backwards.context["filters"].year_to) == (2018, 2020)


def test_invalid_values_are_reported_and_replaced_by_defaults(client, net):
    response = client.get(
        URL, {"year_from": "abc", "min_weight": "0", "level": "people", "institution": "999999"}
    )
    assert response.status_code == 200
    filters = response.context["filters"]
    assert (filters.level, filters.year_from, filters.min_weight, filters.institution) == (
        "institution",
        2016,
        1,
        None,
    )
    html = _text(response)
    assert "Certaines valeurs ont été ignorées" in html
    assert 'name="min_weight" min="1"' in html


def test_htmx_request_gets_the_results_fragment_only(client, net):
    response = client.get(
        URL,
        {"level": "team", "year_from": 2018, "year_to": 2018},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="network-results",
    )
    assert response.status_code == 200
    html = _text(response)
    assert "<html" not in html and "<form" not in html
    assert 'class="net-results"' in html and "<svg" in html
    assert "Graphe des co-publications entre équipes" in html
    assert "data-summary=" in html


def test_json_endpoint_returns_the_same_graph(client, net):
    response = client.get(DATA, {"year_from": 2015, "year_to": 2020})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data["level"] == "institution" and data["period"] == {"from": 2015, "to": 2020}
    assert {(e["source"], e["target"], e["weight"]) for e in data["edges"]} == {
        (*sorted((net.A.pk, net.C.pk)), 3),
        (*sorted((net.A.pk, net.B.pk)), 1),
        (*sorted((net.B.pk, net.C.pk)), 1),
    }
    assert data["edges"][0]["years"] == {"2016": 1, "2018": 1, "2019": 1}
    assert set(data["nodes"][0]) == {"id", "label", "name", "kind", "publications", "url", "focus"}
    assert data["stats"]["share_inter_institution"] == pytest.approx(0.4286, abs=1e-4)
    assert [s["year"] for s in data["series"]] == list(range(2015, 2021))
    teams = client.get(DATA, {"level": "team", "year_from": 2015, "year_to": 2020, "limit": 2}).json()
    assert len(teams["edges"]) == 2 and teams["stats"]["pairs"] == 4


def test_json_endpoint_rejects_bad_filters(client, net):
    response = client.get(DATA, {"min_weight": "-3"})
    assert response.status_code == 400
    assert "min_weight" in response.json()["errors"]
    assert client.get(DATA, {"limit": "many"}).status_code == 400


def test_page_queries_stay_flat_as_the_network_grows(client, net, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as small:
        client.get(URL, {"year_from": 2015, "year_to": 2020})
    previous = PersonFactory()
    affiliate(previous, net.tB, net.B)
    for i in range(12):
        institution = InstitutionFactory()
        team = team_in(institution, f"t{i}")
        people = [PersonFactory() for _ in range(2)]
        for person in people:
            affiliate(person, team, institution)
        publish(2017, people[0], people[1], previous)
        previous = people[1]
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL, {"year_from": 2015, "year_to": 2020})
    assert len(response.context["graph"].nodes) > 12


def test_drawing_keeps_nodes_apart_and_inside(net):
    for i in range(40):  # a busier graph: 40 more institutions around A
        institution = InstitutionFactory()
        team = team_in(institution, f"t{i}")
        person = PersonFactory()
        affiliate(person, team, institution)
        publish(2018, person, net.pubs["P1"].authorships.order_by("position").first().person)
    graph = collaboration.collaboration_graph(year_from=2015, year_to=2020)
    drawing = draw(graph)
    nodes = drawing["nodes"]
    assert len(nodes) == 43
    for n in nodes:
        assert n["r"] <= n["cx"] <= WIDTH - n["r"] and n["r"] <= n["cy"] <= HEIGHT - n["r"]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert math.dist((a["cx"], a["cy"]), (b["cx"], b["cy"])) >= a["r"] + b["r"] - 0.5
    assert all(re.fullmatch(r"\d+\.\d", n["x"]) for n in nodes)  # no decimal comma in the SVG
    assert any("text" in n for n in nodes)
    assert draw(graph)["nodes"][0]["x"] == nodes[0]["x"]  # deterministic


@pytest.mark.browser
def test_changing_the_level_updates_the_graph_in_place(browser_page, net):
    page = browser_page
    page.goto(f"{page.base_url}{URL}?year_from=2015&year_to=2020")
    assert page.locator(".net-node").count() == 3
    page.get_by_label("les équipes").check()
    page.wait_for_selector("text=Graphe des co-publications entre équipes")
    assert page.locator(".net-node").count() == 4
    assert "level=team" in page.url
    page.locator(".net-node").first.focus()
    assert page.locator(".net-tooltip").is_visible()

"""The collaboration graph on the hand-built network of ``network_factories`` (see the table there)."""

import pytest
from django.urls import reverse

from directory.tests.factories import InstitutionFactory, PersonFactory
from expertise import collaboration
from expertise.tests.network_factories import affiliate, build_network, publish, team_in
from outputs.tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    return build_network()


def _edges(graph):  # type: ignore[no-untyped-def]
    return {(e["source"], e["target"]): e["weight"] for e in graph.edges}


def _pair(x, y):  # type: ignore[no-untyped-def]
    return (min(x.pk, y.pk), max(x.pk, y.pk))


def test_memberships_follow_the_affiliation_at_the_publication_year(net):
    m = collaboration.memberships(2015, 2020)
    p = net.pubs
    assert set(m) == {p["P1"].pk, p["P2"].pk, p["P3"].pk, p["P4"].pk, p["P5"].pk, p["P6"].pk, p["P8"].pk}
    assert m[p["P1"].pk].institutions == {net.A.pk, net.C.pk}
    assert m[p["P2"].pk].institutions == {net.A.pk}  # pb joined B in 2018
    assert m[p["P3"].pk].institutions == {net.A.pk, net.B.pk, net.C.pk}
    assert m[p["P4"].pk].institutions == {net.A.pk}  # pc had left C
    assert m[p["P5"].pk].institutions == {net.A.pk, net.C.pk}  # the year pc moved: both
    assert m[p["P6"].pk].teams == {net.tA1.pk, net.tA2.pk}
    assert m[p["P8"].pk].institutions == {net.A.pk}  # an ambiguous author links nothing
    assert m[p["P3"].pk].year == 2018


def test_institution_graph_over_the_whole_period(net):
    graph = collaboration.collaboration_graph(year_from=2015, year_to=2020)
    assert _edges(graph) == {_pair(net.A, net.C): 3, _pair(net.A, net.B): 1, _pair(net.B, net.C): 1}
    assert graph.edges[0]["weight"] == 3  # strongest first
    assert graph.edges[0]["years"] == {2016: 1, 2018: 1, 2019: 1}
    stats = graph.stats
    assert stats["publications"] == 7
    assert stats["with_two_or_more_institutions"] == 3
    assert stats["share_inter_institution"] == pytest.approx(3 / 7, abs=1e-4)
    assert stats["pairs"] == 3
    assert stats["co_publications"] == 5
    assert stats["publications_in_period"] == 7  # P7 is a preprint, P9 has no year
    nodes = {n["id"]: n for n in graph.nodes}
    assert nodes[net.A.pk]["publications"] == 7
    assert nodes[net.B.pk]["publications"] == 1
    assert nodes[net.C.pk]["publications"] == 3
    assert nodes[net.A.pk]["kind"] == "member" and nodes[net.B.pk]["kind"] == "partner"
    assert nodes[net.C.pk]["label"] == "Gamma"  # no acronym: the name
    assert nodes[net.A.pk]["url"] == reverse("directory:institution", args=[net.A.pk])
    assert [n["id"] for n in graph.nodes][0] == net.A.pk  # most publications first


def test_the_period_decides_the_edges(net):
    only_2018 = collaboration.collaboration_graph(year_from=2018, year_to=2018)
    assert _edges(only_2018) == {_pair(net.A, net.C): 1, _pair(net.A, net.B): 1, _pair(net.B, net.C): 1}
    assert only_2018.stats["publications"] == 3  # P3, P6, P8
    early = collaboration.collaboration_graph(year_from=2016, year_to=2017)
    assert _edges(early) == {_pair(net.A, net.C): 1}  # pb was not in B yet
    late = collaboration.collaboration_graph(year_from=2020, year_to=2024)
    assert _edges(late) == {} and late.nodes == []
    assert late.stats["publications"] == 1 and late.stats["share_inter_institution"] == 0.0


def test_without_a_period_undated_publications_use_current_affiliations(net):
    graph = collaboration.collaboration_graph()
    assert _edges(graph)[_pair(net.A, net.B)] == 2  # P3 and the undated P9
    assert next(e for e in graph.edges if e["weight"] == 2)["years"] == {2018: 1}  # P9 has no year
    assert graph.stats["publications"] == 8
    assert graph.stats["with_two_or_more_institutions"] == 4


def test_minimum_weight_and_limit(net):
    strong = collaboration.collaboration_graph(year_from=2015, year_to=2020, min_weight=2)
    assert _edges(strong) == {_pair(net.A, net.C): 3}
    assert {n["id"] for n in strong.nodes} == {net.A.pk, net.C.pk}
    assert strong.stats["pairs"] == 1
    top = collaboration.collaboration_graph(year_from=2015, year_to=2020, limit=1)
    assert _edges(top) == {_pair(net.A, net.C): 3}
    assert top.stats["pairs"] == 3 and top.stats["pairs_shown"] == 1


def test_focus_on_one_institution_keeps_its_pairs_and_describes_its_publications(net):
    graph = collaboration.collaboration_graph(year_from=2015, year_to=2020, institution=net.B.pk)
    assert _edges(graph) == {_pair(net.A, net.B): 1, _pair(net.B, net.C): 1}  # not A–C
    assert graph.stats["publications"] == 1  # P3
    assert graph.stats["share_inter_institution"] == 1.0
    alone = collaboration.collaboration_graph(year_from=2016, year_to=2017, institution=net.B.pk)
    assert alone.edges == [] and [n["id"] for n in alone.nodes] == [net.B.pk]
    assert [n["focus"] for n in alone.nodes] == [True]
    assert {n["id"] for n in graph.nodes if n["focus"]} == {net.B.pk}


def test_team_level(net):
    graph = collaboration.collaboration_graph(level="team", year_from=2015, year_to=2020)
    assert _edges(graph) == {
        _pair(net.tA1, net.tC): 3,
        _pair(net.tA1, net.tB): 1,
        _pair(net.tB, net.tC): 1,
        _pair(net.tA1, net.tA2): 1,
    }
    nodes = {n["id"]: n for n in graph.nodes}
    assert nodes[net.tC.pk]["group"] == "Gamma" and nodes[net.tC.pk]["kind"] == "other"
    assert nodes[net.tA1.pk]["group"] == "A" and nodes[net.tA1.pk]["kind"] == "member"
    assert nodes[net.tA1.pk]["publications"] == 7
    assert graph.stats["with_two_or_more_teams"] == 4  # P1, P3, P5, P6
    assert graph.stats["share_inter_team"] == pytest.approx(4 / 7, abs=1e-4)
    # Focus on A: the pairs with one of A's teams (tA1, tA2), not tB–tC.
    focused = collaboration.collaboration_graph(
        level="team", year_from=2015, year_to=2020, institution=net.A.pk
    )
    assert _edges(focused) == {
        _pair(net.tA1, net.tC): 3,
        _pair(net.tA1, net.tB): 1,
        _pair(net.tA1, net.tA2): 1,
    }


def test_share_and_yearly_series(net):
    share = collaboration.inter_institution_share(2015, 2020)
    assert (share.publications, share.inter_institution, share.share) == (
        7,
        3,
        pytest.approx(0.4286, abs=1e-4),
    )
    series = collaboration.yearly_series(2015, 2020)
    assert [(s.year, s.publications, s.inter_institution) for s in series] == [
        (2015, 0, 0),
        (2016, 1, 1),
        (2017, 1, 0),
        (2018, 3, 1),
        (2019, 1, 1),
        (2020, 1, 0),
    ]
    assert series[3].share == pytest.approx(1 / 3, abs=1e-4)
    assert series[0].share == 0.0
    assert collaboration.yearly_series(2015, 2020, institution=net.B.pk)[3].as_dict() == {
        "year": 2018,
        "publications": 1,
        "inter_institution": 1,
        "share": 1.0,
    }


def test_available_years_once_authors_are_linked(net):
    PublicationFactory(year=1999, kind="preprint")
    assert collaboration.available_years() == (2016, 2020)
    PublicationFactory(year=2001)  # no linked author, but a publication of the period menus
    assert collaboration.available_years() == (2001, 2020)


def test_no_years_while_no_author_is_linked():
    PublicationFactory(year=2020)
    assert collaboration.available_years() is None


def test_empty_database():
    graph = collaboration.collaboration_graph(year_from=2020, year_to=2024)
    assert graph.nodes == [] and graph.edges == [] and graph.series == []
    assert graph.stats["publications"] == 0 and graph.stats["share_inter_institution"] == 0.0
    assert collaboration.available_years() is None
    assert collaboration.inter_institution_share(2020, 2024).share == 0.0
    assert graph.as_dict()["period"] == {"from": 2020, "to": 2024}


def test_a_fixed_number_of_queries_whatever_the_data(net, django_assert_num_queries):
    def run():  # type: ignore[no-untyped-def]
        collaboration.collaboration_graph(year_from=2015, year_to=2020)
        collaboration.collaboration_graph(level="team", year_from=2015, year_to=2020)

    with django_assert_num_queries(9) as before:
        run()
    # Many more people, publications, institutions and teams, publishing with each other.
    previous = PersonFactory()
    affiliate(previous, net.tB, net.B)
    for i in range(10):
        institution = InstitutionFactory()
        team = team_in(institution, f"t{i}")
        people = [PersonFactory() for _ in range(3)]
        for person in people:
            affiliate(person, team, institution)
        for year in (2016, 2018):
            publish(year, people[0], people[1])
            publish(year, people[2], previous)
        previous = people[0]
    with django_assert_num_queries(len(before.captured_queries)):
        run()

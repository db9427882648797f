"""The map of the region: public, offline, one marker per located institution and platform."""

import datetime
import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Institution
from directory.tests.factories import AffiliationFactory, InstitutionFactory, PersonFactory, PlatformFactory
from directory.views import maps

GEO_DIR = Path(maps.GEO_FILE).parent
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.fr"
PREFECTURES = {  # (lat, lon): each must land inside its own department
    "75": (48.8566, 2.3522),
    "77": (48.5421, 2.6554),
    "78": (48.8049, 2.1204),
    "91": (48.6299, 2.4417),
    "92": (48.8924, 2.2071),
    "93": (48.9077, 2.4396),
    "94": (48.7904, 2.4556),
    "95": (49.0364, 2.0761),
}


class Page(HTMLParser):
    """The markers (with the panel they sit in), every href/src, and the table rows."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.panel = ""
        self.markers: list[dict[str, str]] = []
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if tag == "figure":
            self.panel = attrs.get("id", "")
        if tag == "a" and "marker" in (attrs.get("class") or "").split():
            self.markers.append({**attrs, "panel": self.panel})
        self.links += [attrs[key] for key in ("href", "src") if attrs.get(key)]

    def marker(self, url: str) -> dict[str, str]:
        found = [m for m in self.markers if m["href"] == url]
        assert len(found) == 1, (url, found)
        return found[0]


def staff(institution: Institution, n: int) -> None:
    for _ in range(n):
        AffiliationFactory(institution=institution, team=None, unit=None)


@pytest.fixture
def network(db):  # type: ignore[no-untyped-def]
    curie = InstitutionFactory(
        name="Institut Curie", acronym="Curie", city="Paris", latitude=48.8445, longitude=2.3443
    )
    roussy = InstitutionFactory(
        name="Gustave Roussy",
        acronym="GR",
        city="Villejuif",
        latitude=48.7946,
        longitude=2.3517,
        kind=Institution.Kind.PARTNER,
    )
    melun = InstitutionFactory(
        name="Hôpital de Melun",
        acronym="",
        city="Melun",
        latitude=48.5450,
        longitude=2.6640,
        kind=Institution.Kind.OTHER,
    )
    nowhere = InstitutionFactory(name="Fondation sans adresse", acronym="FSA", latitude=None, longitude=None)
    staff(curie, 3)
    staff(roussy, 1)
    staff(nowhere, 2)
    # Two ended affiliations at Curie do not count; a person with two current ones counts once.
    for _ in range(2):
        AffiliationFactory(institution=curie, team=None, unit=None, end=datetime.date(2020, 1, 1))
    twice = PersonFactory()
    AffiliationFactory(person=twice, institution=roussy, team=None, unit=None)
    AffiliationFactory(person=twice, institution=roussy, team=None, unit=None, is_primary=False)
    genomics = PlatformFactory(name="Plateforme de génomique ICGex", acronym="ICGex", host_institution=curie)
    PlatformFactory(name="Plateforme sans lieu", host_institution=nowhere)
    return {"curie": curie, "roussy": roussy, "melun": melun, "nowhere": nowhere, "genomics": genomics}


def test_anonymous_visitor_sees_a_marker_per_located_institution_and_platform(client, network):
    response = client.get(reverse("directory:map"))

    assert response.status_code == 200
    page = Page(response.content.decode())
    urls = {m["href"] for m in page.markers}
    assert urls == {
        network["curie"].get_absolute_url(),
        network["roussy"].get_absolute_url(),
        network["melun"].get_absolute_url(),
        network["genomics"].get_absolute_url(),
    }
    curie = page.marker(network["curie"].get_absolute_url())
    assert "m-member" in curie["class"] and curie["aria-label"].startswith("Institut Curie (Curie)")
    platform = page.marker(network["genomics"].get_absolute_url())
    assert "m-platform" in platform["class"]
    assert (
        platform["aria-label"]
        == "Plateforme de génomique ICGex — Plateforme technologique hébergée par Curie"
    )
    # Paris and its suburbs sit on the zoomed panel, Melun on the region's; each marker once.
    assert curie["panel"] == page.marker(network["roussy"].get_absolute_url())["panel"] == "carte-paris"
    assert page.marker(network["melun"].get_absolute_url())["panel"] == "carte-idf"


def test_counts_are_current_affiliations_of_distinct_people(client, network):
    html = client.get(reverse("directory:map")).content.decode()
    page = Page(html)

    assert page.marker(network["curie"].get_absolute_url())["aria-label"].endswith(
        "Membre · Paris · 3 personnes"
    )
    assert page.marker(network["roussy"].get_absolute_url())["aria-label"].endswith("· 2 personnes")
    assert re.search(
        r"Autre · Melun · 0 personnes?$", page.marker(network["melun"].get_absolute_url())["aria-label"]
    )
    rows = dict(
        re.findall(r'<a href="(/directory/institutions/\d+/)">.*?<td class="num">(\d+)</td>', html, re.S)
    )
    assert rows == {
        network["curie"].get_absolute_url(): "3",
        network["roussy"].get_absolute_url(): "2",
        network["melun"].get_absolute_url(): "0",
    }


def test_text_alternative_lists_platforms_with_their_host(client, network):
    html = client.get(reverse("directory:map")).content.decode()

    table = html[html.index('id="liste-plateformes"') :]
    assert "Plateforme de génomique ICGex" in table
    assert f'<a href="{network["curie"].get_absolute_url()}">Curie</a>' in table
    assert "Plateforme sans lieu" not in html  # its host has no coordinates


def test_nothing_is_fetched_from_outside(client, network):
    html = client.get(reverse("directory:map")).content.decode()

    external = [link for link in Page(html).links if re.match(r"(https?:)?//", link)]
    assert external == [LICENCE_URL]  # the attribution the CC BY licence asks for
    assert "CC BY 4.0" in html and "Victor Cazanave" in html
    for asset in ("map.js", "map.css"):
        text = (GEO_DIR.parent / asset).read_text(encoding="utf-8")
        assert not re.search(r"https?://|url\(\s*['\"]?//", text), asset


def test_svg_numbers_are_not_localised(client, network, settings):
    settings.LANGUAGE_CODE = "fr"
    html = client.get(reverse("directory:map"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    numbers = re.findall(r'\b(?:cx|cy|r|x|y|width|height)="([^"]*)"', html)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers[:20]


def test_query_count_does_not_grow_with_institutions(client, network, django_assert_max_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("directory:map")).status_code == 200
        return len(queries)

    few = count()
    for i in range(25):
        institution = InstitutionFactory(latitude=48.80 + i * 0.01, longitude=2.20 + i * 0.02)
        staff(institution, 2)
        PlatformFactory(host_institution=institution)
    assert count() == few
    with django_assert_max_num_queries(few):
        client.get(reverse("directory:map"))


def test_empty_network_still_draws_the_region(client, db):
    response = client.get(reverse("directory:map"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="dep dep-75') == 2  # Paris on both panels
    assert "Aucun établissement n’a encore de coordonnées" in html
    assert Page(html).markers == []


def test_markers_at_the_same_place_are_spread_apart():
    bundles = [
        maps.Bundle({"name": f"I{i}"}, (300.0, 200.0), 6.5 + i, [{"name": "p"}] * (i % 3)) for i in range(8)
    ]
    maps.spread(bundles, 1100, 700)

    for i, a in enumerate(bundles):
        for b in bundles[i + 1 :]:
            assert maps.math.dist(a.centre, b.centre) >= a.extent + b.extent + maps.GAP - 0.5
    assert all(b.extent <= b.centre[0] <= 1100 - b.extent for b in bundles)


def test_calibration_puts_each_prefecture_in_its_department():
    departments = {d["code"]: d for d in maps.geography()["departments"]}

    for code, (lat, lon) in PREFECTURES.items():
        x, y = maps.project(lat, lon)
        inside = [c for c, d in departments.items() if maps._inside(d["path"], x, y)]
        assert inside == [code], (code, inside)
    calibration = json.loads(maps.GEO_FILE.read_text(encoding="utf-8"))["calibration"]
    assert max(abs(r) for r in calibration["fit_residuals_units"]) < 0.5


def test_build_script_reads_relative_and_absolute_paths():
    spec = importlib.util.spec_from_file_location("build_idf", GEO_DIR / "build_idf.py")
    assert spec and spec.loader
    build_idf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_idf)

    rings = build_idf.parse_rings("m 10,10 5,0 0,5 z M 0,0 L 2,0 h 2 v 2 Z")
    assert rings == [[(10, 10), (15, 10), (15, 15)], [(0, 0), (2, 0), (4, 0), (4, 2)]]
    assert build_idf.centroid([[(0, 0), (2, 0), (2, 2), (0, 2)]]) == pytest.approx((1, 1))
    assert (GEO_DIR / "LICENCE.md").read_text(encoding="utf-8").count("CC BY 4.0") >= 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_keyboard_shows_tooltips_toggles_hide_markers_and_nothing_leaves(browser_page):
    page = browser_page
    curie = InstitutionFactory(name="Institut Curie", acronym="Curie", latitude=48.8445, longitude=2.3443)
    staff(curie, 2)
    PlatformFactory(name="Plateforme de génomique ICGex", host_institution=curie)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(page.base_url + reverse("directory:map"))
    marker = page.locator("a.marker.m-member")
    marker.focus()
    tooltip = page.locator("#carte-paris .map-tooltip")
    tooltip.wait_for(state="visible")
    assert "Institut Curie (Curie)" in tooltip.inner_text() and "2 personnes" in tooltip.inner_text()
    page.keyboard.press("Escape")
    tooltip.wait_for(state="hidden")

    platform = page.locator("a.marker.m-platform")
    assert platform.is_visible()
    page.locator("#show-platform").uncheck()
    assert not platform.is_visible() and marker.is_visible()

    marker.click()
    page.wait_for_url(f"**{curie.get_absolute_url()}")
    assert requested and all(url.startswith(page.base_url) for url in requested), requested

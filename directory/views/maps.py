"""The map of the region: the network's institutions and platforms on Île-de-France, offline.

The department outlines and the lon/lat → map transform come from ``static/directory/geo/idf.json``
(rebuilt by ``build_idf.py`` beside it). This module only lays out what ``map_points`` returns on
two panels, the region and a zoom on Paris and the inner suburbs where most institutions sit. Each
point is drawn on the most zoomed panel that holds it, so on exactly one; the region panel shows
the zoomed window as a link to it. Markers that would overlap are pushed apart (a Dorling layout),
with a leader line to their true place when they left it, so the template draws plain SVG that
reads without any script. Numbers are formatted here: the French locale would print decimal
commas into the SVG.
"""

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from directory.models import Institution
from directory.selectors import map_points
from directory.services import fold

GEO_FILE = Path(__file__).resolve().parents[1] / "static" / "directory" / "geo" / "idf.json"
MIN_RADIUS, MAX_RADIUS = 6.5, 21.0  # institution circles in px, area proportional to people
PLATFORM_SIZE = 6.0  # half-diagonal of a platform diamond
GAP = 3.0
KIND_PLURALS = {
    Institution.Kind.MEMBER: gettext_lazy("Membres"),
    Institution.Kind.PARTNER: gettext_lazy("Partenaires"),
    Institution.Kind.OTHER: gettext_lazy("Autres établissements"),
}
LABEL_FONT = 12.5
LABEL_OFFSETS = [(dx, dy) for dy in (0, -20, 20, -40, 40, -60, 60) for dx in (0, -50, 50, -100, 100)]


@dataclass(frozen=True)
class PanelSpec:
    key: str
    title: Promise
    around: tuple[str, ...]  # departments whose bounding box, padded, makes the panel's window (all if empty)
    pad: tuple[float, float]  # across and down, in map units (1 unit ≈ 1.77 km)
    width: float  # nominal width in px; the SVG scales with the page
    labelled: tuple[str, ...]  # departments named on this panel; the others are drawn as context
    zoom_label: tuple[Promise, ...] = ()  # how the next panel's window is named on this one


REGION = PanelSpec(
    key="carte-idf",
    title=gettext_lazy("Île-de-France"),
    around=(),
    pad=(1.5, 1.5),
    width=600,
    labelled=("77", "78", "91", "95"),
    zoom_label=(gettext_lazy("Paris et"), gettext_lazy("banlieue")),
)
# Paris and the nearest suburbs, where most institutions sit: wide, to fill the page.
ZOOM = PanelSpec(
    key="carte-paris",
    title=gettext_lazy("Paris et proche banlieue"),
    around=("75",),
    pad=(3.0, 2.2),
    width=1100,
    labelled=("75", "92", "93", "94"),
)


@lru_cache(maxsize=1)
def geography() -> dict[str, Any]:
    return json.loads(GEO_FILE.read_text(encoding="utf-8"))


def project(lat: float, lon: float) -> tuple[float, float]:
    """Map coordinates (the source SVG's units) of a point given in degrees."""
    t = geography()["transform"]
    merc = math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))
    return t["a"] * lon + t["b"], t["c"] * merc + t["d"]


def radius(people: int, most: int) -> float:
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(people / most) if most else MIN_RADIUS


def _fmt(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Frame:
    """A panel's window on the map: map units → panel pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float

    @property
    def scale(self) -> float:
        return self.width / (self.x1 - self.x0)

    @property
    def height(self) -> float:
        return (self.y1 - self.y0) * self.scale

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (y - self.y0) * self.scale


def _frame(spec: PanelSpec) -> Frame:
    boxes = [d["bbox"] for d in geography()["departments"] if d["code"] in spec.around or not spec.around]
    (px, py) = spec.pad
    return Frame(
        min(b[0] for b in boxes) - px,
        min(b[1] for b in boxes) - py,
        max(b[2] for b in boxes) + px,
        max(b[3] for b in boxes) + py,
        spec.width,
    )


@dataclass
class Bundle:
    """An institution marker with its platforms on a ring around it."""

    institution: dict[str, Any]
    anchor: tuple[float, float]  # true place in panel px
    r: float
    platforms: list[dict[str, Any]]
    centre: tuple[float, float] = (0.0, 0.0)
    platform_places: list[tuple[float, float]] = field(default_factory=list)
    extent: float = 0.0  # radius of the whole bundle

    def arrange_platforms(self) -> None:
        self.platform_places, ring, angle, self.extent = [], self.r + GAP + PLATFORM_SIZE, -60.0, self.r
        for _platform in self.platforms:
            step = math.degrees(2 * math.asin(min(1.0, (PLATFORM_SIZE + 1.5) / ring)))
            if angle + step > 300.0:  # ring full: start an outer one
                ring, angle = ring + 2 * PLATFORM_SIZE + 2, -60.0
            rad = math.radians(angle)
            self.platform_places.append((ring * math.cos(rad), ring * math.sin(rad)))
            self.extent = ring + PLATFORM_SIZE
            angle += step


def spread(bundles: list[Bundle], width: float, height: float) -> None:
    """Give each bundle its place on the panel, apart from the others (see ``_layout``)."""
    for bundle in bundles:
        bundle.arrange_platforms()
    places = _layout(tuple((b.anchor[0], b.anchor[1], b.extent) for b in bundles), width, height)
    for bundle, place in zip(bundles, places, strict=True):
        bundle.centre = place


@lru_cache(maxsize=8)
def _layout(
    discs: tuple[tuple[float, float, float], ...], width: float, height: float, rounds: int = 300
) -> tuple[tuple[float, float], ...]:
    """Push overlapping discs (x, y, radius) apart, each a little back to its true place: a Dorling layout.

    Every round moves all discs at once (numpy); in a clash the smaller disc moves more. The last
    third of the rounds only separates, so nothing overlaps at the end unless the panel is too
    crowded to hold everything. Cached: the same network gives the same layout.
    """
    if not discs:
        return ()
    n = len(discs)
    anchor = np.array([(x, y) for x, y, _r in discs])
    extent = np.array([r for _x, _y, r in discs])
    # Discs at the very same place start a hair apart, each in its own direction.
    turn = np.arange(n) * 2.39996
    pos = anchor + 0.01 * np.stack([np.cos(turn), np.sin(turn)], axis=1)
    need = extent[:, None] + extent[None, :] + GAP
    np.fill_diagonal(need, 0.0)
    share = extent[None, :] / (extent[:, None] + extent[None, :])  # how much of a clash i takes
    lo, hi = (
        extent[:, None],
        np.maximum(np.array([width, height])[None, :] - extent[:, None], extent[:, None]),
    )
    for step in range(rounds):
        delta = pos[None, :, :] - pos[:, None, :]  # delta[i, j] = pos[j] - pos[i]
        dist = np.maximum(np.hypot(delta[..., 0], delta[..., 1]), 1e-9)
        push = np.clip(need - dist, 0.0, None)
        if not push.any():
            break
        move = -0.5 * np.einsum("ijk,ij->ik", delta, push / dist * share)
        if step < rounds * 2 // 3:
            move += (anchor - pos) * 0.05
        elif np.abs(move).max() < 0.01:  # settled: as good as it gets
            break
        pos = np.clip(pos + move, lo, hi)
    return tuple((float(x), float(y)) for x, y in pos)


def _institution_label(item: dict[str, Any]) -> tuple[str, str]:
    name = f"{item['name']} ({item['acronym']})" if item["acronym"] else item["name"]
    people = ngettext("%(count)s personne", "%(count)s personnes", item["people"]) % {"count": item["people"]}
    detail = " · ".join(filter(None, [str(Institution.Kind(item["kind"]).label), item["city"], people]))
    return name, detail


def _platform_label(item: dict[str, Any]) -> tuple[str, str]:
    return item["name"], _("Plateforme technologique hébergée par %(host)s") % {"host": item["host"]}


def _diamond(x: float, y: float) -> str:
    s = PLATFORM_SIZE
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in ((x, y - s), (x + s, y), (x, y + s), (x - s, y)))


def _markers(bundles: list[Bundle]) -> list[dict[str, Any]]:
    """What the template draws, institutions in name order each followed by its platforms."""
    markers = []
    for b in sorted(bundles, key=lambda b: fold(b.institution["name"])):
        cx, cy = b.centre
        title, detail = _institution_label(b.institution)
        moved = math.dist(b.centre, b.anchor) > b.r
        markers.append(
            {
                "shape": "circle",
                "css": f"m-{b.institution['kind']}",
                "url": b.institution["url"],
                "title": title,
                "detail": detail,
                "x": _fmt(cx),
                "y": _fmt(cy),
                "r": _fmt(b.r),
                "count": b.institution["people"] if b.r >= 10 else None,
                "font": _fmt(min(12.0, b.r * 0.85)),
                "leader": {"x": _fmt(b.anchor[0]), "y": _fmt(b.anchor[1])} if moved else None,
            }
        )
        for platform, (dx, dy) in zip(b.platforms, b.platform_places, strict=True):
            px, py = cx + dx, cy + dy
            title, detail = _platform_label(platform)
            markers.append(
                {
                    "shape": "diamond",
                    "css": "m-platform",
                    "url": platform["url"],
                    "title": title,
                    "detail": detail,
                    "x": _fmt(px),
                    "y": _fmt(py),
                    "points": _diamond(px, py),
                    "leader": None,
                }
            )
    return markers


@lru_cache(maxsize=16)
def _rings(path: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The polygons of a path written as ``M x,y L x,y … Z`` (the form ``build_idf.py`` writes)."""
    return tuple(
        tuple((float(x), float(y)) for x, y in (p.split(",") for p in ring.replace("Z", "").split(" L")))
        for ring in path.split("M")[1:]
    )


def _inside(path: str, x: float, y: float) -> bool:
    inside = False
    for ring in _rings(path):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def _label_place(department: dict[str, Any], frame: Frame, bundles: list[Bundle]) -> tuple[float, float]:
    """The first spot near the department's centroid, inside it, where its name covers no marker."""
    half_w = len(department["name"]) * LABEL_FONT * 0.42
    half_h = LABEL_FONT * 0.6
    cx, cy = frame.px(*department["centroid"])
    for dx, dy in LABEL_OFFSETS:
        x, y = cx + dx, cy + dy
        if not _inside(department["path"], frame.x0 + x / frame.scale, frame.y0 + y / frame.scale):
            continue
        if not (half_w <= x <= frame.width - half_w and half_h <= y <= frame.height - half_h):
            continue
        gaps = (
            math.hypot(max(abs(bx - x) - half_w, 0), max(abs(by - y) - half_h, 0)) - b.extent
            for b in bundles
            for bx, by in [b.centre]
        )
        if all(gap > 2 for gap in gaps):
            return x, y
    return cx, cy


def _panel(spec: PanelSpec, frame: Frame, bundles: list[Bundle]) -> dict[str, Any]:
    """One panel: the outlines (those it does not name drawn as context) and its markers."""
    spread(bundles, frame.width, frame.height)
    departments, labels = [], []
    for d in geography()["departments"]:
        departments.append({"code": d["code"], "path": d["path"], "context": d["code"] not in spec.labelled})
        if d["code"] in spec.labelled:
            x, y = _label_place(d, frame, bundles)
            labels.append({"name": d["name"], "x": _fmt(x), "y": _fmt(y)})
    return {
        "id": spec.key,
        "title": spec.title,
        "width": _fmt(frame.width),
        "height": _fmt(frame.height),
        "transform": f"scale({frame.scale:.4f}) translate({-frame.x0:.2f},{-frame.y0:.2f})",
        "departments": departments,
        "labels": labels,
        "markers": _markers(bundles),
    }


def _zoom_link(frame: Frame, window: Frame, nested: list[Bundle]) -> dict[str, Any]:
    """The zoom's window drawn on the region panel, as a link that says what it holds."""
    (x0, y0), (x1, y1) = frame.px(window.x0, window.y0), frame.px(window.x1, window.y1)
    n, n_pf = len(nested), sum(len(b.platforms) for b in nested)
    institutions = ngettext("%(n)s établissement", "%(n)s établissements", n) % {"n": n}
    platforms = ngettext("%(n)s plateforme", "%(n)s plateformes", n_pf) % {"n": n_pf}
    name = str(ZOOM.title)
    return {
        "href": f"#{ZOOM.key}",
        "x": _fmt(x0),
        "y": _fmt(y0),
        "w": _fmt(x1 - x0),
        "h": _fmt(y1 - y0),
        "lines": [
            {"text": part, "y": _fmt((y0 + y1) / 2 - 7 * (len(REGION.zoom_label) - 1) + 14 * i)}
            for i, part in enumerate(REGION.zoom_label)
        ],
        "centre_x": _fmt((x0 + x1) / 2),
        "summary": _("%(area)s : %(institutions)s, %(platforms)s. Voir la carte détaillée.")
        % {"area": name, "institutions": institutions, "platforms": platforms},
    }


def build_map(points: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Everything the page needs: the panels, the legend's figures, the text alternative."""
    institutions, platforms = points["institutions"], points["platforms"]
    most = max((i["people"] for i in institutions), default=0)
    hosted: dict[int, list[dict[str, Any]]] = {}
    for platform in platforms:
        hosted.setdefault(platform["host_id"], []).append(platform)

    region, zoom = _frame(REGION), _frame(ZOOM)
    outer: list[Bundle] = []
    inner: list[Bundle] = []
    for item in institutions:
        x, y = project(item["lat"], item["lon"])
        frame, bundles = (zoom, inner) if zoom.contains(x, y) else (region, outer)
        bundles.append(Bundle(item, frame.px(x, y), radius(item["people"], most), hosted.get(item["id"], [])))
    panels = [_panel(REGION, region, outer), _panel(ZOOM, zoom, inner)]
    panels[1]["scrolls"] = True  # wider than a phone: it scrolls there rather than shrink
    panels[0]["zoom"] = _zoom_link(region, zoom, inner)

    kinds = [
        {
            "value": k.value,
            "label": KIND_PLURALS.get(k, k.label),
            "count": sum(1 for i in institutions if i["kind"] == k),
        }
        for k in Institution.Kind
    ]
    samples = sorted({n for n in (most, _round_down(most / 3), _round_down(most / 12)) if n}, reverse=True)
    urls = {i["id"]: i["url"] for i in institutions}
    order = list(Institution.Kind.values)
    return {
        "panels": panels,
        "kinds": kinds,
        "size_samples": [{"people": n, "r": _fmt(radius(n, most))} for n in samples],
        "size_box": _fmt(2 * MAX_RADIUS + 4),
        "size_centre": _fmt(MAX_RADIUS + 2),
        "institutions": [
            {**i, "kind_label": Institution.Kind(i["kind"]).label}
            for i in sorted(institutions, key=lambda i: (order.index(i["kind"]), fold(i["name"])))
        ],
        "platforms": [
            {**p, "host_url": urls.get(p["host_id"], "")}
            for p in sorted(platforms, key=lambda p: fold(p["name"]))
        ],
    }


def _round_down(value: float) -> int:
    """A round number for the size legend: 1, 2, 5, 10, 20, 50…"""
    if value < 1:
        return 0
    magnitude = 10 ** int(math.log10(value))
    return max(m * magnitude for m in (1, 2, 5) if m * magnitude <= value)


def network_map(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/map.html", build_map(map_points(request.user)))

